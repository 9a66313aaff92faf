// Package store is the contract between confo's in-memory workspace and the
// backends that keep configs: what a load returns, what a commit writes, the
// errors callers tell apart, and the naming rules every backend shares. The
// Redis and directory stores implement it; nothing here does I/O.
package store

import "context"

// Store is the I/O side of a backend. Implementations are safe for
// concurrent use and keep no editable state, so a UI can run them in
// background goroutines while it owns the in-memory tree.
type Store interface {
	// Kind is the backend type ("redis", "dir").
	Kind() BackendType
	// Address says where the data lives, never with a password.
	Address() string
	ReadOnly() bool
	// Naming tells where the backend keeps each namespace and config.
	Naming() Naming
	Load(ctx context.Context, opts LoadOptions) (*Snapshot, error)
	// Commit applies the changes, one namespace at a time. It returns the
	// namespaces written; when some had conflicts, err is a *ConflictError
	// and those namespaces were left untouched.
	Commit(ctx context.Context, changes []NamespaceChange, opts CommitOptions) (written []string, err error)
	Close() error
}

// BackendType names a kind of Store.
type BackendType string

const (
	BackendRedis BackendType = "redis"
	BackendDir   BackendType = "dir"
)

// Naming maps namespaces and configs to the keys (or paths) a backend keeps
// them under. Two items with the same key would overwrite each other, so the
// workspace refuses the second one before anything is written.
type Naming interface {
	// NamespaceKey is where the namespace's own record lives (its list).
	NamespaceKey(ns string) string
	// ConfigKey is where one config's value lives.
	ConfigKey(ns, cfg string) string
}
