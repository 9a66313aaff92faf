package confo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// RawState tells what a backend holds where a config should be.
type RawState uint8

const (
	// RawPresent: a readable value; Raw.Bytes holds it exactly.
	RawPresent RawState = iota
	// RawMissing: nothing is stored (a listed config whose key is absent, or
	// a config that does not exist yet).
	RawMissing
	// RawUnreadable: something is stored but cannot be read as a value, such
	// as a Redis hash or list, or a file that cannot be opened. Raw.Detail says what.
	RawUnreadable
)

// Raw is the stored form of one config, exactly as the backend returned it.
// Persist compares it with the backend's current value to detect conflicts.
type Raw struct {
	State  RawState
	Bytes  []byte
	Detail string
}

// MissingRaw is the Raw of a config that is not stored.
func MissingRaw() Raw { return Raw{State: RawMissing} }

// PresentRaw is the Raw of a readable value.
func PresentRaw(b []byte) Raw { return Raw{State: RawPresent, Bytes: b} }

// Same reports whether two observations of a key saw the same thing.
func (r Raw) Same(o Raw) bool {
	if r.State != o.State {
		return false
	}
	switch r.State {
	case RawPresent:
		return bytes.Equal(r.Bytes, o.Bytes)
	case RawUnreadable:
		return r.Detail == o.Detail
	}
	return true
}

// Describe is a short human account of the stored state.
func (r Raw) Describe() string {
	switch r.State {
	case RawMissing:
		return "missing"
	case RawUnreadable:
		return "unreadable (" + r.Detail + ")"
	}
	return fmt.Sprintf("%d bytes", len(r.Bytes))
}

// Snapshot is what one Load read from a backend.
type Snapshot struct {
	// Registry is every namespace the backend lists, sorted.
	Registry []string
	// Namespaces holds the namespaces that were loaded, sorted by name.
	Namespaces []NamespaceSnapshot
	// Warnings are problems worth showing that did not stop the load
	// (stray files, keys adopted by discovery).
	Warnings []string
}

// NamespaceSnapshot is one loaded namespace.
type NamespaceSnapshot struct {
	Name string
	// Problem is non-empty when the namespace's own list could not be read;
	// its configs are then unknown and it must not be written.
	Problem string
	Configs []ConfigSnapshot // sorted by name
}

// ConfigSnapshot is one loaded config.
type ConfigSnapshot struct {
	Name string
	Raw  Raw
	// Unlisted is true for a config found by discovery but absent from its
	// namespace's list; persisting the namespace lists it.
	Unlisted bool
}

// LoadOptions narrows and instruments a Load.
type LoadOptions struct {
	// Namespaces limits the load to these namespaces; nil loads all of them.
	Namespaces []string
	// Discover adopts configs stored under a namespace but missing from its list.
	Discover bool
	// Progress, when set, is called as configs arrive (done of total). It is
	// called from the loading goroutine.
	Progress func(done, total int)
}

// NamespaceChange is everything one persist writes in one namespace. A store
// applies it atomically where the backend allows it: all of it or none.
type NamespaceChange struct {
	Namespace string
	// Register adds the namespace to the registry (and creates its empty
	// list when missing); Unregister removes it and its list.
	Register, Unregister bool
	// ListAdd and ListRemove are merged into the namespace's current list,
	// so names others added meanwhile are kept.
	ListAdd, ListRemove []string
	Configs             []ConfigChange
}

// Empty reports whether the change writes nothing.
func (c NamespaceChange) Empty() bool {
	return !c.Register && !c.Unregister && len(c.ListAdd) == 0 && len(c.ListRemove) == 0 && len(c.Configs) == 0
}

// Validate checks what every store needs before it writes anything: names
// that are valid keys and file names, and a change that makes sense.
func (c NamespaceChange) Validate() error {
	if err := ValidateNamespaceName(c.Namespace); err != nil {
		return err
	}
	if c.Register && c.Unregister {
		return errors.New("a change cannot both register and unregister its namespace")
	}
	for _, names := range [][]string{c.ListAdd, c.ListRemove} {
		for _, name := range names {
			if err := ValidateConfigName(name); err != nil {
				return err
			}
		}
	}
	for _, cc := range c.Configs {
		if err := ValidateConfigName(cc.Name); err != nil {
			return err
		}
		if c.Unregister && cc.Write != nil {
			return fmt.Errorf("config %q: cannot be written in a namespace that is being removed", cc.Name)
		}
	}
	return nil
}

// ConfigChange writes or deletes one config.
type ConfigChange struct {
	Name string
	// Expect is what the config held when it was loaded; the write happens
	// only if the backend still holds exactly that (unless forced).
	Expect Raw
	// Write is the new value; nil deletes the config.
	Write []byte
}

// CommitOptions changes how a commit checks for conflicts.
type CommitOptions struct {
	// Overwrite writes even where another client changed a config: the
	// explicit "mine wins" the user chose after seeing a conflict.
	Overwrite bool
}

// Store is the I/O side of a backend. Implementations are safe for
// concurrent use and keep no editable state, so a UI can run them in
// background goroutines while it owns the in-memory tree.
type Store interface {
	// Kind is the backend type ("redis", "dir").
	Kind() BackendType
	// Address says where the data lives, never with a password.
	Address() string
	ReadOnly() bool
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
	BackendRedis      BackendType = "redis"
	BackendFilesystem BackendType = "dir"
)

// RegistryKey is the key (before any prefix) holding the namespace registry.
const RegistryKey = "confo"

// ValidateNamespaceName checks a namespace name for every backend.
func ValidateNamespaceName(name string) error {
	if name == RegistryKey {
		return fmt.Errorf("namespace %q: %w: reserved for the registry key", name, ErrInvalidName)
	}
	if err := validateName(name); err != nil {
		return fmt.Errorf("namespace %q: %w", name, err)
	}
	return nil
}

// ValidateConfigName checks a config name for every backend.
func ValidateConfigName(name string) error {
	if err := validateName(name); err != nil {
		return fmt.Errorf("config %q: %w", name, err)
	}
	return nil
}

// validateName keeps names portable between backends: a name that works in
// Redis must also be a file name in the filesystem backend.
func validateName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrInvalidName)
	case name == "." || name == "..":
		return fmt.Errorf("%w: %q is not allowed", ErrInvalidName, name)
	case len(name) > 200:
		return fmt.Errorf("%w: longer than 200 bytes", ErrInvalidName)
	case strings.ContainsRune(name, '/'):
		return fmt.Errorf("%w: contains '/'", ErrInvalidName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: contains a control character", ErrInvalidName)
	}
	return nil
}

// commitEach validates every change, then commits each non-empty one in turn
// with commitOne, so every
// Store reports alike: the namespaces written, a *ConflictError for those
// left untouched, and on a failure the conflicts found so far joined to it.
// Cancellation stops between namespaces; each one is finished or untouched.
func commitEach(ctx context.Context, changes []NamespaceChange, where string, commitOne func(NamespaceChange) ([]Conflict, error)) ([]string, error) {
	// Names become keys or paths: a bad one must write nothing at all, so
	// every change is checked before the first is committed.
	for _, change := range changes {
		if err := change.Validate(); err != nil {
			return nil, fmt.Errorf("persist namespace %q%s: %w", change.Namespace, where, err)
		}
	}
	var written []string
	var conflicts []Conflict
	for _, change := range changes {
		if change.Empty() {
			continue
		}
		err := ctx.Err()
		var found []Conflict
		if err == nil {
			found, err = commitOne(change)
		}
		if err != nil {
			err = fmt.Errorf("persist namespace %q%s: %w", change.Namespace, where, err)
			if len(conflicts) > 0 {
				err = errors.Join(err, &ConflictError{Conflicts: conflicts})
			}
			return written, err
		}
		if len(found) > 0 {
			conflicts = append(conflicts, found...)
			continue
		}
		written = append(written, change.Namespace)
	}
	if len(conflicts) > 0 {
		return written, &ConflictError{Conflicts: conflicts}
	}
	return written, nil
}
