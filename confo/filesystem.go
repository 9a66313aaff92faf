package confo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DirConfig says where a filesystem backend lives.
type DirConfig struct {
	// Path is the folder holding one subfolder per namespace. It must exist:
	// confo never creates it, so a typo cannot silently start an empty tree.
	Path     string
	ReadOnly bool
}

// DirConfigFromCredentials reads the Python-style credentials of a
// filesystem backend: config_path (required) and read_only.
func DirConfigFromCredentials(creds map[string]any) (DirConfig, error) {
	var cfg DirConfig
	// Sorted so that with several bad keys the error is always the same one.
	for _, key := range slices.Sorted(maps.Keys(creds)) {
		switch v := creds[key]; key {
		case "config_path":
			s, ok := v.(string)
			if !ok || s == "" {
				return DirConfig{}, fmt.Errorf("%w: config_path must be a non-empty string, got %#v", ErrBadCredentials, v)
			}
			cfg.Path = s
		case "read_only":
			b, err := dirCredBool(v)
			if err != nil {
				return DirConfig{}, fmt.Errorf("%w: read_only: %v", ErrBadCredentials, err)
			}
			cfg.ReadOnly = b
		default:
			return DirConfig{}, fmt.Errorf("%w: unknown key %q for a filesystem backend (known: config_path, read_only)", ErrBadCredentials, key)
		}
	}
	if cfg.Path == "" {
		return DirConfig{}, fmt.Errorf("%w: missing config_path", ErrBadCredentials)
	}
	return cfg, nil
}

func dirCredBool(v any) (bool, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "1":
			return true, nil
		case "false", "0", "":
			return false, nil
		}
	}
	return false, fmt.Errorf("want true or false, got %#v", v)
}

// DirStore is a Store over a folder: <dir>/<namespace>/<config>.json. The
// set of namespace folders is the registry and the *.json files of a folder
// are that namespace's list, so there are no list files to keep in sync and
// NamespaceChange.ListAdd/ListRemove need no action.
//
// A filesystem cannot rename several files as one, so a namespace commit is
// atomic in a weaker sense than a Redis transaction: all configs are checked
// before any is written, and each file is replaced atomically (temp file,
// fsync, rename), so a crash leaves every config either old or new, never
// half-written. An advisory lock per namespace (flock on <ns>/.confo.lock)
// keeps confo processes from interleaving one's check with another's write,
// and lets Load read a namespace without seeing half of a commit. Tools that
// ignore the lock are still caught by the comparison, up to the instant of
// the check.
//
// DirStore holds no mutable state, so it is safe for concurrent use; the
// flock also serialises goroutines of one process, as each lock is taken on
// its own open file.
type DirStore struct {
	dir      string
	readOnly bool
}

var _ Store = (*DirStore)(nil)

const (
	dirExt = ".json"
	// dirLockName is the per-namespace lock file; it is hidden, so Load skips it.
	dirLockName = ".confo.lock"
	// dirTempMarker is in the name of every temp file Commit writes
	// ("." + name + ".json.tmp-" + random), so Load can spot leftovers.
	dirTempMarker = dirExt + ".tmp-"
)

// OpenDir checks that cfg.Path is an existing folder and returns a store
// over it. Nothing is read or created yet.
func OpenDir(cfg DirConfig) (*DirStore, error) {
	if cfg.Path == "" {
		return nil, fmt.Errorf("%w: missing config_path", ErrBadCredentials)
	}
	abs, err := filepath.Abs(cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("%w: config_path %q: %v", ErrBadCredentials, cfg.Path, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w: config_path %q does not exist; confo does not create it: create it first", ErrBadCredentials, abs)
	case err != nil:
		return nil, fmt.Errorf("open config_path %q: %w", abs, err)
	case !fi.IsDir():
		return nil, fmt.Errorf("%w: config_path %q is not a directory", ErrBadCredentials, abs)
	}
	return &DirStore{dir: abs, readOnly: cfg.ReadOnly}, nil
}

// Kind is BackendFilesystem.
func (s *DirStore) Kind() BackendType { return BackendFilesystem }

// Address is the absolute path of the folder.
func (s *DirStore) Address() string { return s.dir }

// ReadOnly reports whether Commit refuses to write.
func (s *DirStore) ReadOnly() bool { return s.readOnly }

// Close does nothing: the store keeps no files open between calls.
func (s *DirStore) Close() error { return nil }

// Load reads the namespace folders (all, or opts.Namespaces) and their
// configs. opts.Discover has no meaning here: every *.json file is listed by
// being there. Stray entries become Snapshot.Warnings; a config file that
// cannot be read becomes a RawUnreadable config; bad JSON is returned as is,
// for the layer above to judge.
func (s *DirStore) Load(ctx context.Context, opts LoadOptions) (*Snapshot, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", s.dir, err)
	}
	snap := &Snapshot{}
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
		if err := ValidateNamespaceName(name); err != nil {
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
				return nil, fmt.Errorf("load namespace %q from %s: %w", name, s.dir, ErrNamespaceNotFound)
			}
			selected = append(selected, name)
		}
		slices.Sort(selected)
		selected = slices.Compact(selected)
	}

	// A first, unlocked listing gives Progress a total before the slow part;
	// each namespace corrects it when it is listed again under its lock.
	progress := &dirProgress{fn: opts.Progress}
	counted := make([]int, len(selected))
	for i, name := range selected {
		listing, _ := os.ReadDir(filepath.Join(s.dir, name))
		counted[i] = dirCountConfigs(listing)
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

// dirProgress feeds LoadOptions.Progress.
type dirProgress struct {
	fn          func(done, total int)
	done, total int
}

func (p *dirProgress) report() {
	if p.fn != nil {
		p.fn(p.done, p.total)
	}
}

// dirCountConfigs counts the entries Load reads as configs: every *.json.
func dirCountConfigs(entries []os.DirEntry) int {
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), dirExt) {
			n++
		}
	}
	return n
}

// loadNamespace reads one namespace folder under the namespace's shared
// lock. Where there is no lock file yet (nothing was ever committed through
// confo) or it cannot be opened, it reads unlocked rather than failing a
// read-only user. found is false when the folder no longer exists.
func (s *DirStore) loadNamespace(ctx context.Context, name string, counted int, progress *dirProgress) (ns NamespaceSnapshot, warnings []string, found bool, err error) {
	dir := filepath.Join(s.dir, name)
	lock, err := dirLock(ctx, dir, false)
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
	progress.total += dirCountConfigs(entries)

	for _, e := range entries {
		fname := e.Name()
		cfg, isConfig := strings.CutSuffix(fname, dirExt)
		switch {
		case isConfig:
			if err := ctx.Err(); err != nil {
				return ns, nil, false, err
			}
			if err := ValidateConfigName(cfg); err != nil {
				warnings = append(warnings, fmt.Sprintf("namespace %q: file %q ignored: %v", name, fname, err))
			} else if raw := dirReadRaw(filepath.Join(dir, fname)); raw.State != RawMissing {
				// Missing: removed by a tool that ignores the lock since ReadDir.
				ns.Configs = append(ns.Configs, ConfigSnapshot{Name: cfg, Raw: raw})
			}
			progress.done++
			progress.report()
		case fname == dirLockName:
		case dirIsTemp(fname):
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
	slices.SortFunc(ns.Configs, func(a, b ConfigSnapshot) int { return strings.Compare(a.Name, b.Name) })
	return ns, warnings, true, nil
}

// dirIsTemp reports whether a file name is one of Commit's temp files. A
// name ending in .json is a config even if it contains the marker.
func dirIsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, dirTempMarker) && !strings.HasSuffix(name, dirExt)
}

// dirReadRaw reads what a config file holds now, following symlinks. It
// opens nothing but regular files: opening a FIFO would block and opening a
// device can have side effects. Details name the problem without the path,
// so a Load and a later Commit describe the same problem identically and
// Raw.Same holds.
func dirReadRaw(path string) Raw {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if target, lerr := os.Readlink(path); lerr == nil {
			return dirUnreadable("dangling symlink to " + strconv.Quote(target))
		}
		return MissingRaw()
	}
	if err != nil {
		return dirUnreadable(dirErrDetail(err))
	}
	if !fi.Mode().IsRegular() {
		return dirUnreadable(dirModeDetail(fi.Mode()))
	}
	// O_NONBLOCK: if the file was replaced by a FIFO since the Stat, the open
	// must not hang; it has no effect on regular files.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return MissingRaw()
	}
	if err != nil {
		return dirUnreadable(dirErrDetail(err))
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return dirUnreadable("replaced while being read")
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return dirUnreadable(dirErrDetail(err))
	}
	return PresentRaw(data)
}

func dirUnreadable(detail string) Raw { return Raw{State: RawUnreadable, Detail: detail} }

func dirErrDetail(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

func dirModeDetail(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "is a directory"
	case m&fs.ModeNamedPipe != 0:
		return "is a named pipe"
	case m&fs.ModeSocket != 0:
		return "is a socket"
	case m&fs.ModeDevice != 0:
		return "is a device"
	}
	return "not a regular file"
}

// Commit applies the changes one namespace at a time, each under the
// namespace's exclusive lock. Per namespace, all configs are checked before
// any is written and each file is replaced atomically; several files are
// not one atomic step (see DirStore). A namespace with a conflict is left
// untouched and the next one is tried.
func (s *DirStore) Commit(ctx context.Context, changes []NamespaceChange, opts CommitOptions) ([]string, error) {
	if s.readOnly {
		return nil, fmt.Errorf("persist to %s: %w", s.dir, ErrReadOnly)
	}
	// Names become paths: commitEach's validation is also what keeps
	// writes inside s.dir. A hidden folder would never be loaded back.
	for _, ch := range changes {
		if strings.HasPrefix(ch.Namespace, ".") {
			return nil, fmt.Errorf("persist namespace %q: %w: a folder starting with '.' is hidden and would not be loaded back", ch.Namespace, ErrInvalidName)
		}
	}
	return commitEach(ctx, changes, "", func(ch NamespaceChange) ([]Conflict, error) {
		return s.commitNamespace(ctx, ch, opts)
	})
}

func dirConfigPath(dir, name string) string { return filepath.Join(dir, name+dirExt) }

// dirWanted is what a config's file should hold after the change.
func dirWanted(c ConfigChange) Raw {
	if c.Write == nil {
		return MissingRaw()
	}
	return PresentRaw(c.Write)
}

func dirConflictReason(expect, current Raw) string {
	switch {
	case current.State == RawMissing:
		return "deleted by another client"
	case expect.State == RawMissing:
		return "created by another client"
	}
	return "changed by another client"
}

// commitNamespace checks and writes one namespace; it returns the conflicts
// instead of writing when there are any.
func (s *DirStore) commitNamespace(ctx context.Context, ch NamespaceChange, opts CommitOptions) ([]Conflict, error) {
	dir := filepath.Join(s.dir, ch.Namespace)
	hasWrites := slices.ContainsFunc(ch.Configs, func(c ConfigChange) bool { return c.Write != nil })
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
		lock, err = dirLock(ctx, dir, true)
		if errors.Is(err, fs.ErrNotExist) && !create {
			return dirMissingNamespace(ch, opts), nil
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

	current := make([]Raw, len(ch.Configs))
	var conflicts []Conflict
	for i, c := range ch.Configs {
		current[i] = dirReadRaw(dirConfigPath(dir, c.Name))
		if opts.Overwrite || current[i].Same(c.Expect) {
			continue
		}
		conflicts = append(conflicts, Conflict{
			Namespace: ch.Namespace, Config: c.Name,
			Reason: dirConflictReason(c.Expect, current[i]),
			Ours:   c.Expect, Theirs: current[i],
		})
	}

	var leftovers []string
	if ch.Unregister {
		var added bool
		var err error
		added, leftovers, err = dirCheckRemovable(dir, ch)
		if err != nil {
			return nil, err
		}
		// Even with Overwrite: configs nobody here has seen are never deleted.
		if added {
			conflicts = append(conflicts, Conflict{Namespace: ch.Namespace, Reason: "namespace has configs added by another client"})
		}
	}
	if len(conflicts) > 0 {
		return conflicts, nil
	}

	// The folders whose entries changed, synced once at the end: each file's
	// data was synced before its rename, the entries need one sync per folder.
	changed := map[string]bool{}
	for i, c := range ch.Configs {
		if current[i].Same(dirWanted(c)) {
			continue // already there (unchanged, or Overwrite over an identical copy)
		}
		path := dirConfigPath(dir, c.Name)
		if c.Write == nil {
			if err := dirUnlink(path); err != nil {
				return nil, err
			}
			changed[dir] = true
			continue
		}
		folder, err := dirWriteFile(path, c.Write)
		if err != nil {
			return nil, err
		}
		changed[folder] = true
	}
	if ch.Unregister {
		for _, name := range append(leftovers, dirLockName) {
			if err := dirUnlink(filepath.Join(dir, name)); err != nil {
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
		if err := dirSyncDir(folder); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// dirMissingNamespace judges a change to a namespace whose folder is gone
// (another client removed it) and that does not recreate it. Every config is
// missing; writes have nowhere to go, which is a conflict of the namespace;
// the unregistering is already done.
func dirMissingNamespace(ch NamespaceChange, opts CommitOptions) []Conflict {
	var conflicts []Conflict
	hasWrites := false
	for _, c := range ch.Configs {
		hasWrites = hasWrites || c.Write != nil
		if opts.Overwrite || MissingRaw().Same(c.Expect) {
			continue
		}
		conflicts = append(conflicts, Conflict{
			Namespace: ch.Namespace, Config: c.Name,
			Reason: "deleted by another client",
			Ours:   c.Expect, Theirs: MissingRaw(),
		})
	}
	if hasWrites {
		conflicts = append(conflicts, Conflict{Namespace: ch.Namespace, Reason: "namespace deleted by another client"})
	}
	return conflicts
}

// dirCheckRemovable decides, before anything is written, whether the folder
// can be removed once the change's deletes are done. added is true when
// configs the change does not delete remain; leftovers are Commit temp files
// to remove with it. Anything else in the folder is not confo's to delete,
// so it is an error that names it.
func dirCheckRemovable(dir string, ch NamespaceChange) (added bool, leftovers []string, err error) {
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
		cfg, isConfig := strings.CutSuffix(name, dirExt)
		switch {
		case name == dirLockName:
		case isConfig && ValidateConfigName(cfg) == nil:
			added = added || !deleting[cfg]
		case dirIsTemp(name):
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

// mkdirNamespace creates a namespace folder, durably.
func (s *DirStore) mkdirNamespace(dir string) error {
	err := os.Mkdir(dir, 0o755)
	if errors.Is(err, fs.ErrExist) {
		return nil // a file there makes the lock's open fail with "not a directory"
	}
	if err != nil {
		return err
	}
	return dirSyncDir(s.dir)
}

// dirLock takes an flock on the namespace's lock file: exclusive for a
// commit (creating the file), shared for a load (never creating anything,
// so a read-only user leaves no trace). It returns an fs.ErrNotExist error
// when the folder, or for a shared lock the lock file, does not exist.
func dirLock(ctx context.Context, dir string, exclusive bool) (*os.File, error) {
	path := filepath.Join(dir, dirLockName)
	flag, how := os.O_RDONLY, syscall.LOCK_SH
	if exclusive {
		flag, how = os.O_RDWR|os.O_CREATE, syscall.LOCK_EX
	}
	for {
		f, err := os.OpenFile(path, flag, 0o644)
		if err != nil {
			return nil, err
		}
		if err := dirFlock(ctx, f, how); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		// The previous holder may have unregistered the namespace and removed
		// this file: a lock on an unlinked file excludes nobody, so start
		// over with whatever is at the path now.
		held, herr := f.Stat()
		now, nerr := os.Stat(path)
		if herr == nil && nerr == nil && os.SameFile(held, now) {
			return f, nil
		}
		f.Close()
		if herr != nil {
			return nil, herr
		}
	}
}

// dirFlock polls rather than blocks, so that a process hung while holding
// the lock cannot hang the caller past its context.
func dirFlock(ctx context.Context, f *os.File, how int) error {
	wait := time.Millisecond
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case !errors.Is(err, syscall.EWOULDBLOCK):
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("held by another process: %w", context.Cause(ctx))
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// dirWriteFile replaces path with data atomically: a temp file in the same
// folder, synced, then renamed over the old one, so readers and crashes see
// the old bytes or the new, never a mix. A symlinked config is written
// through to its target, so links to shared files keep working. An existing
// file keeps its permission bits (a config holding passwords may be 0600);
// a new one gets 0644. It returns the folder whose entry changed.
func dirWriteFile(path string, data []byte) (string, error) {
	target := path
	if real, err := filepath.EvalSymlinks(path); err == nil {
		target = real
	}
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(target); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	folder := filepath.Dir(target)
	f, err := os.CreateTemp(folder, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, mode)
	}
	if err == nil {
		err = os.Rename(tmp, target)
	}
	if err != nil {
		// Best effort: the write error is the one worth reporting, and a
		// temp file that survives is reported by Load as a leftover.
		os.Remove(tmp)
		return "", err
	}
	return folder, nil
}

// dirUnlink removes a file or symlink, and is content when it is already
// gone. Unlike os.Remove it never removes a directory that happens to be
// named like a config.
func dirUnlink(path string) error {
	err := syscall.Unlink(path)
	if err == nil || errors.Is(err, syscall.ENOENT) {
		return nil
	}
	return &fs.PathError{Op: "unlink", Path: path, Err: err}
}

// dirSyncDir makes renames, removals and creations in a folder durable: a
// file's data was synced before its rename, but the entry naming it lives in
// the folder.
func dirSyncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	err = f.Sync()
	if errors.Is(err, syscall.EINVAL) {
		return nil // this filesystem cannot sync a folder; there is nothing more to do
	}
	return err
}
