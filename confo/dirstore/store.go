package dirstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/confo-dev/confo/confo/store"
)

// Store is a store.Store over a folder: <dir>/<namespace>/<config>.json. The
// set of namespace folders is the registry and the *.json files of a folder
// are that namespace's list, so there are no list files to keep in sync and
// store.NamespaceChange.ListAdd/ListRemove need no action.
//
// A filesystem cannot rename several files as one, so a namespace commit is
// atomic in a weaker sense than a Redis transaction: all configs are checked
// before any is written, and each file is replaced atomically (temp file,
// fsync, rename), so a crash leaves every config either old or new, never
// half-written. An advisory lock per namespace (flock on the namespace's
// folder itself; a lock file in the private folder on Windows) keeps confo
// processes from interleaving one's check with another's write; a commit
// waits for it at most Config.LockTimeout. Loads take no lock: a reader sees
// each config old or new, and a process stopped while it holds a lock
// cannot hang them. Tools that ignore the lock are still caught by the
// comparison, up to the instant of the check. Nothing of confo's stays in
// the tree: see privateDir.
//
// Store holds no mutable state, so it is safe for concurrent use; the
// flock also serialises goroutines of one process, as each lock is taken on
// its own open file.
type Store struct {
	dir         string
	readOnly    bool
	lockTimeout time.Duration
}

var _ store.Store = (*Store)(nil)

const (
	configExt = ".json"
	// legacyLockName is the lock file older versions kept in every
	// namespace folder; the next commit there removes it.
	legacyLockName = ".confo.lock"
	// tempMarker is in the name of the temp files older versions wrote
	// next to the config ("." + name + ".json.tmp-" + random), and that
	// Commit still writes there when a config is a symlink to another
	// filesystem; Load reports them, the next commit removes them.
	tempMarker = configExt + ".tmp-"
)

// Open checks that cfg.Path is an existing folder and returns a store
// over it. Nothing is read or created yet.
func Open(cfg Config) (*Store, error) {
	if cfg.Path == "" {
		return nil, fmt.Errorf("%w: missing config_path", store.ErrBadCredentials)
	}
	abs, err := filepath.Abs(cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("%w: config_path %q: %v", store.ErrBadCredentials, cfg.Path, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w: config_path %q does not exist; confo does not create it: create it first", store.ErrBadCredentials, abs)
	case err != nil:
		return nil, fmt.Errorf("open config_path %q: %w", abs, err)
	case !fi.IsDir():
		return nil, fmt.Errorf("%w: config_path %q is not a directory", store.ErrBadCredentials, abs)
	}
	timeout := cfg.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	return &Store{dir: abs, readOnly: cfg.ReadOnly, lockTimeout: timeout}, nil
}

// Kind is store.BackendDir.
func (s *Store) Kind() store.BackendType { return store.BackendDir }

// Address is the absolute path of the folder.
func (s *Store) Address() string { return s.dir }

// ReadOnly reports whether Commit refuses to write.
func (s *Store) ReadOnly() bool { return s.readOnly }

// paths names configs by their place in the folder tree; since names never
// contain '/', no two items share a path.
type paths struct{}

func (paths) NamespaceKey(ns string) string   { return ns }
func (paths) ConfigKey(ns, cfg string) string { return ns + "/" + cfg + configExt }

// Naming implements store.Store.
func (s *Store) Naming() store.Naming { return paths{} }

// Close does nothing: the store keeps no files open between calls.
func (s *Store) Close() error { return nil }
