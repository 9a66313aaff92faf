package store

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, matchable with errors.Is. The comments name the Python
// exception each one replaces where there is one.
var (
	// ErrBackendNotFound: BackendNotFound.
	ErrBackendNotFound = errors.New("backend not found: load it first with LoadBackend")
	ErrBackendExists   = errors.New("a backend with this name is already loaded")
	// ErrNoActiveBackend: BackendsActivation.
	ErrNoActiveBackend = errors.New("no active backend: call ActivateBackend first")
	// ErrNoNamespace: NamespaceNotLoaded.
	ErrNoNamespace       = errors.New("no namespace in use: call UseNamespace first")
	ErrNamespaceNotFound = errors.New("namespace not found")
	ErrNamespaceExists   = errors.New("namespace already exists")
	ErrConfigNotFound    = errors.New("config not found")
	ErrConfigExists      = errors.New("config already exists")
	ErrFieldNotFound     = errors.New("field not found")
	ErrInvalidName       = errors.New("invalid name")
	ErrUnknownType       = errors.New("unknown backend type")
	ErrBadCredentials    = errors.New("bad credentials")
	ErrUnreachable       = errors.New("server unreachable")
	ErrAuth              = errors.New("authentication failed: check the user and password")
	ErrMalformedKey      = errors.New("malformed registry key")
	ErrReadOnly          = errors.New("backend is read-only")
	ErrConflict          = errors.New("changed by another client since it was loaded")
	ErrBadData           = errors.New("stored data is not usable JSON")
	// ErrBusy: other clients kept the data locked (or kept changing it)
	// for longer than the caller waits; nothing was written, try again.
	ErrBusy = errors.New("busy: other clients kept it locked; try again")
)

// UnreachableError says which address could not be reached and why.
type UnreachableError struct {
	Addr string
	Err  error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach %s: %v", e.Addr, e.Err)
}

func (e *UnreachableError) Unwrap() []error { return []error{ErrUnreachable, e.Err} }

// MalformedKeyError names a registry or namespace-list key whose value is not
// what the Confo layout prescribes. Such keys are never overwritten.
type MalformedKeyError struct {
	Key    string
	Reason string
}

func (e *MalformedKeyError) Error() string {
	return fmt.Sprintf("malformed key %q: %s (fix or delete it; confo will not overwrite it)", e.Key, e.Reason)
}

func (e *MalformedKeyError) Unwrap() error { return ErrMalformedKey }

// BadDataError is returned when reading a config whose stored value cannot be
// used: not JSON, empty, a key of the wrong type, or a listed key that is missing.
type BadDataError struct {
	Namespace, Config string
	Reason            string
}

func (e *BadDataError) Error() string {
	return fmt.Sprintf("config %s/%s: %s", e.Namespace, e.Config, e.Reason)
}

func (e *BadDataError) Unwrap() error { return ErrBadData }

// Conflict is one config that another client changed or deleted since it was
// loaded. Theirs is what the backend holds now, so callers can show a diff
// without another round trip.
type Conflict struct {
	Namespace string
	Config    string // empty when the namespace itself conflicts
	Reason    string
	Ours      Raw
	Theirs    Raw
}

// ConflictError lists every conflict of one persist. Nothing of a namespace
// that has a conflict was written.
type ConflictError struct {
	Conflicts []Conflict
}

func (e *ConflictError) Error() string {
	names := make([]string, 0, len(e.Conflicts))
	for _, c := range e.Conflicts {
		if c.Config == "" {
			names = append(names, c.Namespace+" ("+c.Reason+")")
			continue
		}
		names = append(names, c.Namespace+"/"+c.Config)
	}
	return fmt.Sprintf("%d conflict(s), nothing of their namespace was written: %s %s; reload to see their version or persist with overwrite",
		len(e.Conflicts), strings.Join(names, ", "), ErrConflict)
}

func (e *ConflictError) Unwrap() error { return ErrConflict }

// ConflictReason says how what a key holds now differs from what the
// committer expected, in the words the conflict messages use.
func ConflictReason(expect, now Raw) string {
	switch {
	case now.State == RawMissing:
		return "deleted by another client"
	case expect.State == RawMissing:
		return "created by another client"
	}
	return "changed by another client"
}
