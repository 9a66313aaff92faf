// Package dirstore keeps Confo data in a folder, the layout of the Python
// Confo FileBackend: <dir>/<namespace>/<config>.json. Every write is a temp
// file renamed into place, so readers and crashes see whole configs only.
package dirstore

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/confo-dev/confo/confo/store"
)

// Config says where a filesystem backend lives.
type Config struct {
	// Path is the folder holding one subfolder per namespace. It must exist:
	// confo never creates it, so a typo cannot silently start an empty tree.
	Path     string
	ReadOnly bool
	// LockTimeout is how long a commit waits for another process's lock
	// on a namespace before giving up with a *LockedError naming it; zero
	// means DefaultLockTimeout.
	LockTimeout time.Duration
}

// ConfigFromCredentials reads the Python-style credentials of a
// filesystem backend: config_path (required) and read_only.
func ConfigFromCredentials(creds map[string]any) (Config, error) {
	var cfg Config
	// Sorted so that with several bad keys the error is always the same one.
	for _, key := range slices.Sorted(maps.Keys(creds)) {
		switch v := creds[key]; key {
		case "config_path":
			s, ok := v.(string)
			if !ok || s == "" {
				return Config{}, fmt.Errorf("%w: config_path must be a non-empty string, got %#v", store.ErrBadCredentials, v)
			}
			cfg.Path = s
		case "read_only":
			b, err := store.CredentialBool(key, v)
			if err != nil {
				return Config{}, err
			}
			cfg.ReadOnly = b
		default:
			return Config{}, fmt.Errorf("%w: unknown key %q for a filesystem backend (known: config_path, read_only)", store.ErrBadCredentials, key)
		}
	}
	if cfg.Path == "" {
		return Config{}, fmt.Errorf("%w: missing config_path", store.ErrBadCredentials)
	}
	return cfg, nil
}
