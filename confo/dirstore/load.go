package dirstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/confo-dev/confo/confo/store"
)

// Load reads the namespace folders (all, or opts.Namespaces) and their
// configs, without taking any lock. opts.Discover has no meaning here: every
// *.json file is listed by being there. Stray entries become
// store.Snapshot.Warnings; a config file that cannot be read becomes a
// store.RawUnreadable config; bad JSON is returned as is, for the layer
// above to judge.
func (s *Store) Load(ctx context.Context, opts store.LoadOptions) (*store.Snapshot, error) {
	switch {
	case opts.RegistryOnly:
		return s.loadTargets(ctx, store.Targets{Registry: true})
	case opts.Targets != nil:
		return s.loadTargets(ctx, *opts.Targets)
	}
	snap := &store.Snapshot{}
	if err := s.readRegistry(snap); err != nil {
		return nil, err
	}
	selected := snap.Registry
	if opts.Namespaces != nil {
		selected = nil
		for _, name := range opts.Namespaces {
			if !slices.Contains(snap.Registry, name) {
				return nil, fmt.Errorf("%w: %q in %s", store.ErrNamespaceNotFound, name, s.dir)
			}
			selected = append(selected, name)
		}
		slices.Sort(selected)
		selected = slices.Compact(selected)
	}

	// Every folder is listed first, so Progress has a total before the
	// slow part.
	progress := &loadProgress{fn: opts.Progress}
	listings := make([][]os.DirEntry, len(selected))
	listErrs := make([]error, len(selected))
	for i, name := range selected {
		listings[i], listErrs[i] = os.ReadDir(filepath.Join(s.dir, name))
		progress.total += countConfigs(listings[i])
	}
	progress.report()

	for i, name := range selected {
		if errors.Is(listErrs[i], fs.ErrNotExist) {
			// Removed by another client since the registry was read. Cloned,
			// as selected may share the registry's array and is being iterated.
			snap.Registry = slices.DeleteFunc(slices.Clone(snap.Registry), func(n string) bool { return n == name })
			continue
		}
		ns, warnings, err := s.loadNamespace(ctx, name, listings[i], listErrs[i], progress)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", s.dir, err)
		}
		snap.Warnings = append(snap.Warnings, warnings...)
		if opts.Stream != nil {
			if err := opts.Stream(ns); err != nil {
				return nil, err
			}
			continue
		}
		snap.Namespaces = append(snap.Namespaces, ns)
	}
	return snap, nil
}

// readRegistry lists the namespace folders into snap.Registry, and what
// else stands at the top into its warnings.
func (s *Store) readRegistry(snap *store.Snapshot) error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("load %s: %w", s.dir, err)
	}
	snap.Registry = []string{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue // hidden: .git, our private folder and the like are not namespaces
		}
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			// A symlinked folder is a namespace like any other.
			fi, err := os.Stat(filepath.Join(s.dir, name))
			isDir = err == nil && fi.IsDir()
		}
		if !isDir {
			snap.Warnings = append(snap.Warnings, fmt.Sprintf("stray file %q at top level, ignored (namespaces are folders)", name))
			continue
		}
		if err := store.ValidateNamespaceName(name); err != nil {
			snap.Warnings = append(snap.Warnings, fmt.Sprintf("folder %q at top level ignored: %v", name, err))
			continue
		}
		snap.Registry = append(snap.Registry, name)
	}
	return nil
}

// loadTargets reads what t names: the top folder, some folder listings,
// some config files.
func (s *Store) loadTargets(ctx context.Context, t store.Targets) (*store.Snapshot, error) {
	snap, byName := t.Skeleton()
	if t.Registry {
		if err := s.readRegistry(snap); err != nil {
			return nil, err
		}
	}
	for _, name := range t.Lists {
		ns := byName[name]
		entries, err := os.ReadDir(filepath.Join(s.dir, name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			ns.List = []string{}
		case err != nil:
			ns.Problem = err.Error()
		default:
			ns.List = configNames(entries)
		}
	}
	for _, ref := range t.Configs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ns := byName[ref.Namespace]
		raw := readRaw(configPath(filepath.Join(s.dir, ref.Namespace), ref.Config))
		ns.Configs = append(ns.Configs, store.ConfigSnapshot{Name: ref.Config, Raw: raw})
	}
	for i := range snap.Namespaces {
		sortConfigs(snap.Namespaces[i].Configs)
	}
	return snap, nil
}

// configNames lists the configs a folder holds, sorted.
func configNames(entries []os.DirEntry) []string {
	names := []string{}
	for _, e := range entries {
		if cfg, ok := strings.CutSuffix(e.Name(), configExt); ok && store.ValidateConfigName(cfg) == nil {
			names = append(names, cfg)
		}
	}
	slices.Sort(names)
	return names
}

// sortConfigs sorts configs by config name, which is not file name order:
// "a-b.json" sorts before "a.json" but "a" before "a-b".
func sortConfigs(configs []store.ConfigSnapshot) {
	slices.SortFunc(configs, func(a, b store.ConfigSnapshot) int { return strings.Compare(a.Name, b.Name) })
}

// loadProgress feeds store.LoadOptions.Progress.
type loadProgress struct {
	fn          func(done, total int)
	done, total int
}

func (p *loadProgress) report() {
	if p.fn != nil {
		p.fn(p.done, p.total)
	}
}

// countConfigs counts the entries Load reads as configs: every *.json.
func countConfigs(entries []os.DirEntry) int {
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), configExt) {
			n++
		}
	}
	return n
}

// loadNamespace reads the configs of one namespace folder from its
// listing (or says why it could not be listed).
func (s *Store) loadNamespace(ctx context.Context, name string, entries []os.DirEntry, listErr error, progress *loadProgress) (ns store.NamespaceSnapshot, warnings []string, err error) {
	dir := filepath.Join(s.dir, name)
	ns.Name = name
	if listErr != nil {
		ns.Problem = listErr.Error()
		return ns, nil, nil
	}
	for _, e := range entries {
		fname := e.Name()
		cfg, isConfig := strings.CutSuffix(fname, configExt)
		switch {
		case isConfig:
			if err := ctx.Err(); err != nil {
				return ns, nil, err
			}
			if err := store.ValidateConfigName(cfg); err != nil {
				warnings = append(warnings, fmt.Sprintf("namespace %q: file %q ignored: %v", name, fname, err))
			} else if raw := readRaw(filepath.Join(dir, fname)); raw.State != store.RawMissing {
				// Missing: removed by another client since the listing.
				ns.Configs = append(ns.Configs, store.ConfigSnapshot{Name: cfg, Raw: raw})
			}
			progress.done++
			progress.report()
		case fname == legacyLockName:
		case isTemp(fname):
			warnings = append(warnings, fmt.Sprintf("namespace %q: %q is left over from an interrupted write, ignored (the next persist of the namespace removes it)", name, fname))
		case strings.HasPrefix(fname, "."):
			// Hidden: editor swap files, .git, desktop metadata.
		case e.IsDir():
			warnings = append(warnings, fmt.Sprintf("namespace %q: subfolder %q ignored (namespaces do not nest)", name, fname))
		default:
			warnings = append(warnings, fmt.Sprintf("namespace %q: stray file %q ignored (configs are *.json files)", name, fname))
		}
	}
	sortConfigs(ns.Configs)
	return ns, warnings, nil
}

// isTemp reports whether a file name is one of Commit's temp files. A
// name ending in .json is a config even if it contains the marker.
func isTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempMarker) && !strings.HasSuffix(name, configExt)
}
