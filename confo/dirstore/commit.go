package dirstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/confo-dev/confo/confo/store"
)

// Commit applies the changes one namespace at a time, each under the
// namespace's exclusive lock. Per namespace, all configs are checked before
// any is written and each file is replaced atomically; several files are
// not one atomic step (see Store). A namespace with a conflict is left
// untouched and the next one is tried.
func (s *Store) Commit(ctx context.Context, changes []store.NamespaceChange, opts store.CommitOptions) ([]string, error) {
	if s.readOnly {
		return nil, fmt.Errorf("persist to %s: %w", s.dir, store.ErrReadOnly)
	}
	// Names become paths: store.CommitEach's validation is also what keeps
	// writes inside s.dir. A hidden folder would never be loaded back.
	for _, ch := range changes {
		if strings.HasPrefix(ch.Namespace, ".") {
			return nil, fmt.Errorf("persist namespace %q: %w: a folder starting with '.' is hidden and would not be loaded back", ch.Namespace, store.ErrInvalidName)
		}
	}
	return store.CommitEach(ctx, changes, func(ch store.NamespaceChange) ([]store.Conflict, error) {
		return s.commitNamespace(ctx, ch, opts)
	})
}

// wanted is what a config's file should hold after the change.
func wanted(c store.ConfigChange) store.Raw {
	if c.Write == nil {
		return store.MissingRaw()
	}
	return store.PresentRaw(c.Write)
}

// commitNamespace checks and writes one namespace; it returns the conflicts
// instead of writing when there are any.
func (s *Store) commitNamespace(ctx context.Context, ch store.NamespaceChange, opts store.CommitOptions) ([]store.Conflict, error) {
	dir := filepath.Join(s.dir, ch.Namespace)
	hasWrites := slices.ContainsFunc(ch.Configs, func(c store.ConfigChange) bool { return c.Write != nil })
	// Overwrite means "mine wins", also over another client's removal of
	// the whole namespace.
	create := ch.Register || (opts.Overwrite && hasWrites)
	var lock *os.File
	for attempt := 1; ; attempt++ {
		if create {
			if err := s.mkdirNamespace(dir); err != nil {
				return nil, err
			}
		}
		var err error
		lock, err = s.lockNamespace(ctx, ch.Namespace)
		if errors.Is(err, fs.ErrNotExist) && !create {
			return missingNamespace(ch, opts), nil
		}
		if err == nil {
			break
		}
		// Another client may remove the folder between our mkdir and our
		// open, so that is retried; a few times only, as a dangling symlink
		// in the folder's place fails the same way forever.
		if !errors.Is(err, fs.ErrNotExist) || attempt == 3 || ctx.Err() != nil {
			return nil, err
		}
	}
	defer lock.Close() // closing the descriptor releases the flock
	defer s.removePrivateDir()
	if err := s.cleanLeftovers(ch.Namespace, dir); err != nil {
		return nil, err
	}

	current := make([]store.Raw, len(ch.Configs))
	var conflicts []store.Conflict
	for i, c := range ch.Configs {
		current[i] = readRaw(configPath(dir, c.Name))
		if opts.Overwrite || current[i].Same(c.Expect) {
			continue
		}
		conflicts = append(conflicts, store.Conflict{
			Namespace: ch.Namespace, Config: c.Name,
			Reason: store.ConflictReason(c.Expect, current[i]),
			Ours:   c.Expect, Theirs: current[i],
		})
	}

	var leftovers []string
	if ch.Unregister {
		var added bool
		var err error
		added, leftovers, err = checkRemovable(dir, ch)
		if err != nil {
			return nil, err
		}
		// Even with Overwrite: configs nobody here has seen are never deleted.
		if added {
			conflicts = append(conflicts, store.NamespaceNotEmptyConflict(ch.Namespace))
		}
	}
	if len(conflicts) > 0 {
		return conflicts, nil
	}

	// The folders whose entries changed, synced once at the end: each file's
	// data was synced before its rename, the entries need one sync per folder.
	changed := map[string]bool{}
	for i, c := range ch.Configs {
		if current[i].Same(wanted(c)) {
			continue // already there (unchanged, or Overwrite over an identical copy)
		}
		path := configPath(dir, c.Name)
		if c.Write == nil {
			if err := unlink(path); err != nil {
				return nil, err
			}
			changed[dir] = true
			continue
		}
		folder, err := s.writeFile(ch.Namespace, path, c.Write)
		if err != nil {
			return nil, err
		}
		changed[folder] = true
	}
	if ch.Unregister {
		for _, name := range leftovers {
			if err := unlink(filepath.Join(dir, name)); err != nil {
				return nil, err
			}
		}
		if err := os.Remove(dir); err != nil {
			return nil, err
		}
		delete(changed, dir)
		changed[s.dir] = true
	}
	for _, folder := range slices.Sorted(maps.Keys(changed)) {
		if err := syncDir(folder); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// missingNamespace judges a change to a namespace whose folder is gone
// (another client removed it) and that does not recreate it. Every config is
// missing; writes have nowhere to go, which is a conflict of the namespace;
// the unregistering is already done.
func missingNamespace(ch store.NamespaceChange, opts store.CommitOptions) []store.Conflict {
	var conflicts []store.Conflict
	hasWrites := false
	for _, c := range ch.Configs {
		hasWrites = hasWrites || c.Write != nil
		if opts.Overwrite || store.MissingRaw().Same(c.Expect) {
			continue
		}
		conflicts = append(conflicts, store.Conflict{
			Namespace: ch.Namespace, Config: c.Name,
			Reason: "deleted by another client",
			Ours:   c.Expect, Theirs: store.MissingRaw(),
		})
	}
	if hasWrites {
		conflicts = append(conflicts, store.NamespaceDeletedConflict(ch.Namespace))
	}
	return conflicts
}

// checkRemovable decides, before anything is written, whether the folder
// can be removed once the change's deletes are done. added is true when
// configs the change does not delete remain; leftovers are Commit temp files
// to remove with it. Anything else in the folder is not confo's to delete,
// so it is an error that names it.
func checkRemovable(dir string, ch store.NamespaceChange) (added bool, leftovers []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, nil, err
	}
	deleting := map[string]bool{}
	for _, c := range ch.Configs {
		deleting[c.Name] = true // dirValidateChange made sure all are deletes
	}
	var strays []string
	for _, e := range entries {
		name := e.Name()
		cfg, isConfig := strings.CutSuffix(name, configExt)
		switch {
		case name == legacyLockName:
			leftovers = append(leftovers, name)
		case isConfig && store.ValidateConfigName(cfg) == nil:
			added = added || !deleting[cfg]
		case isTemp(name):
			leftovers = append(leftovers, name)
		default:
			strays = append(strays, strconv.Quote(name))
		}
	}
	if len(strays) > 0 && !added {
		return false, nil, fmt.Errorf("folder %s holds entries that are not configs (%s); confo will not delete them: remove them by hand, then persist again", dir, strings.Join(strays, ", "))
	}
	return added, leftovers, nil
}
