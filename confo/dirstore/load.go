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
// configs. opts.Discover has no meaning here: every *.json file is listed by
// being there. Stray entries become store.Snapshot.Warnings; a config file that
// cannot be read becomes a store.RawUnreadable config; bad JSON is returned as is,
// for the layer above to judge.
func (s *Store) Load(ctx context.Context, opts store.LoadOptions) (*store.Snapshot, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", s.dir, err)
	}
	snap := &store.Snapshot{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue // hidden: .git and the like are not namespaces
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

	selected := snap.Registry
	if opts.Namespaces != nil {
		selected = nil
		for _, name := range opts.Namespaces {
			if !slices.Contains(snap.Registry, name) {
				return nil, fmt.Errorf("load namespace %q from %s: %w", name, s.dir, store.ErrNamespaceNotFound)
			}
			selected = append(selected, name)
		}
		slices.Sort(selected)
		selected = slices.Compact(selected)
	}

	// A first, unlocked listing gives Progress a total before the slow part;
	// each namespace corrects it when it is listed again under its lock.
	progress := &loadProgress{fn: opts.Progress}
	counted := make([]int, len(selected))
	for i, name := range selected {
		listing, _ := os.ReadDir(filepath.Join(s.dir, name))
		counted[i] = countConfigs(listing)
		progress.total += counted[i]
	}
	progress.report()

	for i, name := range selected {
		ns, warnings, found, err := s.loadNamespace(ctx, name, counted[i], progress)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", s.dir, err)
		}
		if !found {
			// Removed by another client since the listing above. Cloned, as
			// selected may share the registry's array and is being iterated.
			snap.Registry = slices.DeleteFunc(slices.Clone(snap.Registry), func(n string) bool { return n == name })
			continue
		}
		snap.Namespaces = append(snap.Namespaces, ns)
		snap.Warnings = append(snap.Warnings, warnings...)
	}
	return snap, nil
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

// loadNamespace reads one namespace folder under the namespace's shared
// lock. Where there is no lock file yet (nothing was ever committed through
// confo) or it cannot be opened, it reads unlocked rather than failing a
// read-only user. found is false when the folder no longer exists.
func (s *Store) loadNamespace(ctx context.Context, name string, counted int, progress *loadProgress) (ns store.NamespaceSnapshot, warnings []string, found bool, err error) {
	dir := filepath.Join(s.dir, name)
	lock, err := lockNamespace(ctx, dir, false)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ns, nil, false, ctxErr
	}
	if err == nil {
		defer lock.Close()
	}

	entries, err := os.ReadDir(dir)
	progress.total -= counted
	ns.Name = name
	switch {
	case errors.Is(err, fs.ErrNotExist):
		progress.report()
		return ns, nil, false, nil
	case err != nil:
		ns.Problem = err.Error()
		progress.report()
		return ns, nil, true, nil
	}
	progress.total += countConfigs(entries)

	for _, e := range entries {
		fname := e.Name()
		cfg, isConfig := strings.CutSuffix(fname, configExt)
		switch {
		case isConfig:
			if err := ctx.Err(); err != nil {
				return ns, nil, false, err
			}
			if err := store.ValidateConfigName(cfg); err != nil {
				warnings = append(warnings, fmt.Sprintf("namespace %q: file %q ignored: %v", name, fname, err))
			} else if raw := readRaw(filepath.Join(dir, fname)); raw.State != store.RawMissing {
				// Missing: removed by a tool that ignores the lock since ReadDir.
				ns.Configs = append(ns.Configs, store.ConfigSnapshot{Name: cfg, Raw: raw})
			}
			progress.done++
			progress.report()
		case fname == lockName:
		case isTemp(fname):
			// Under the lock no commit is in progress, so this is a leftover.
			warnings = append(warnings, fmt.Sprintf("namespace %q: %q is left over from an interrupted write, ignored (safe to delete)", name, fname))
		case strings.HasPrefix(fname, "."):
			// Hidden: editor swap files, .git, desktop metadata.
		case e.IsDir():
			warnings = append(warnings, fmt.Sprintf("namespace %q: subfolder %q ignored (namespaces do not nest)", name, fname))
		default:
			warnings = append(warnings, fmt.Sprintf("namespace %q: stray file %q ignored (configs are *.json files)", name, fname))
		}
	}
	// Sorted by config name, which is not file name order: "a-b.json" sorts
	// before "a.json" but "a" before "a-b".
	slices.SortFunc(ns.Configs, func(a, b store.ConfigSnapshot) int { return strings.Compare(a.Name, b.Name) })
	return ns, warnings, true, nil
}

// isTemp reports whether a file name is one of Commit's temp files. A
// name ending in .json is a config even if it contains the marker.
func isTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempMarker) && !strings.HasSuffix(name, configExt)
}
