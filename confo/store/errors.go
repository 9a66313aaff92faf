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
	// ErrKeyCollision: two items would be kept under one key; it is also
	// an ErrInvalidName.
	ErrKeyCollision = errors.New("two items share one key")
	// ErrContention: other clients kept changing what a commit checks, more
	// times than it retries; it is also an ErrConflict, so callers that
	// report conflicts (exit status 3 of the command line) report it alike.
	ErrContention = errors.New("other clients kept changing the same keys")
	// ErrOutcomeUnknown: the connection failed after a write was sent, so
	// whether it landed is unknown.
	ErrOutcomeUnknown = errors.New("the write may have landed; reload to see")
	// ErrPartialCommit: a namespace commit that is not one atomic step (on a
	// Redis Cluster, where a namespace spans nodes) stopped after writing
	// part of its change; persisting again finishes it.
	ErrPartialCommit = errors.New("partial commit: persist again to finish")
)

// JoinLine is errors.Join on one line, the parts separated by "; ": a
// failure is reported to the user as one line, also when it has several
// causes (every Sentinel refused, say). errors.Is and As see every part.
func JoinLine(errs ...error) error {
	var parts lineJoin
	for _, err := range errs {
		if err != nil {
			parts = append(parts, err)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return parts
}

type lineJoin []error

func (e lineJoin) Error() string {
	words := make([]string, len(e))
	for i, err := range e {
		words[i] = err.Error()
	}
	return strings.Join(words, "; ")
}

func (e lineJoin) Unwrap() []error { return e }

// ReadOnlyError is a write refused because a backend is read-only, saying
// why (the user's setting, or a replica the store opened read-only), with
// the sentinel's words only once.
type ReadOnlyError struct {
	// What is read-only ("backend prod"), Why the reason; Why may be "".
	What, Why string
}

func (e *ReadOnlyError) Error() string {
	if e.Why == "" {
		return e.What + " is read-only"
	}
	return e.What + " is read-only: " + e.Why
}

func (e *ReadOnlyError) Unwrap() error { return ErrReadOnly }

// KeyCollisionError names two items that a backend would keep under one
// key, where writing either would destroy the other.
type KeyCollisionError struct {
	Key string
	// Item and Other describe the two, as `config "b-c" in namespace "a"`.
	Item, Other string
}

func (e *KeyCollisionError) Error() string {
	return fmt.Sprintf("%s and %s share the key %q; rename one of them", e.Item, e.Other, e.Key)
}

func (e *KeyCollisionError) Unwrap() []error { return []error{ErrKeyCollision, ErrInvalidName} }

// ContentionError says that a namespace could not be committed because
// other clients kept changing it. Nothing of it was written.
type ContentionError struct {
	Namespace string
	Attempts  int
}

func (e *ContentionError) Error() string {
	return fmt.Sprintf("persist namespace %q: other clients kept changing it during %d attempts; nothing of it was written, try again", e.Namespace, e.Attempts)
}

func (e *ContentionError) Unwrap() []error { return []error{ErrContention, ErrConflict} }

// OutcomeUnknownError is a failure after a write was sent: the server may
// have applied it. The cause is part of the message only, so that it is not
// taken for a timeout or an unreachable server, which write nothing.
type OutcomeUnknownError struct {
	Addr  string
	Cause error
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("no answer from %s after the write was sent (%v): %v", e.Addr, e.Cause, ErrOutcomeUnknown)
}

func (e *OutcomeUnknownError) Unwrap() error { return ErrOutcomeUnknown }

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
	Kind      ConflictKind
	Reason    string
	Ours      Raw
	Theirs    Raw
}

// ConflictKind tells what another client did.
type ConflictKind uint8

const (
	// ConflictConfig: the config's key no longer holds what was loaded.
	ConflictConfig ConflictKind = iota
	// ConflictNamespaceDeleted: the namespace is no longer registered, so
	// configs written into it would be unreachable.
	ConflictNamespaceDeleted
	// ConflictNamespaceNotEmpty: a namespace being removed holds configs
	// that others added.
	ConflictNamespaceNotEmpty
)

// NamespaceDeletedConflict is the conflict of a change that writes into a
// namespace another client removed.
func NamespaceDeletedConflict(ns string) Conflict {
	return Conflict{Namespace: ns, Kind: ConflictNamespaceDeleted, Reason: "namespace deleted by another client"}
}

// NamespaceNotEmptyConflict is the conflict of removing a namespace that
// holds configs others added.
func NamespaceNotEmptyConflict(ns string) Conflict {
	return Conflict{Namespace: ns, Kind: ConflictNamespaceNotEmpty, Reason: "namespace has configs added by another client"}
}

// ConflictError lists every conflict of one persist. Nothing of a namespace
// that has a conflict was written.
type ConflictError struct {
	Conflicts []Conflict
	// Hint says how to go on, in the caller's words; "" for the
	// library's own ("reload to see their version").
	Hint string
}

func (e *ConflictError) Error() string {
	names := make([]string, 0, len(e.Conflicts))
	for _, c := range e.Conflicts {
		reason := c.Reason
		if reason == "" {
			reason = "changed by another client"
		}
		what := c.Namespace + "/" + c.Config
		if c.Config == "" {
			what = "namespace " + c.Namespace
			reason = strings.TrimPrefix(reason, "namespace ")
		}
		names = append(names, what+" ("+reason+")")
	}
	count := "1 conflict"
	if len(e.Conflicts) != 1 {
		count = fmt.Sprintf("%d conflicts", len(e.Conflicts))
	}
	hint := e.Hint
	if hint == "" {
		hint = "reload to see their version"
	}
	return fmt.Sprintf("%s, nothing of their namespace was written: %s; %s", count, firstNames(names), hint)
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

// PartialCommitError is a namespace commit that wrote part of its change:
// the backend could not apply it in one atomic step (a namespace spread over
// the nodes of a Redis Cluster), and another client's change, or a failure,
// came between two of its steps. What is stored is consistent (every listed
// config has its key), and persisting again finishes the change.
type PartialCommitError struct {
	Namespace string
	// Written are the configs whose write or delete landed.
	Written []string
	// Unlisted are configs this commit wrote that are stored but not (yet)
	// in the namespace's list: a persist again lists them, and a load with
	// discovery finds them.
	Unlisted []string
	// NotWritten are the configs left as they were, with what they hold
	// now when another client changed them.
	NotWritten []Conflict
	// Err is why the commit stopped: a change by another client (an
	// ErrConflict), a lost connection, a cancelled context.
	Err error
	// Finish says what finishes the change, in the caller's terms; ""
	// means persisting again, which writes what is left of a workspace
	// that recorded the partial commit.
	Finish string
}

func (e *PartialCommitError) Error() string {
	msg := fmt.Sprintf("persist namespace %q: partial commit: wrote %s", e.Namespace, nameList(e.Written))
	if len(e.NotWritten) > 0 {
		names := make([]string, len(e.NotWritten))
		for i, c := range e.NotWritten {
			names[i] = c.Config
			if c.Reason != "" {
				names[i] += " (" + c.Reason + ")"
			}
		}
		msg += "; not written: " + firstNames(names)
	}
	if len(e.Unlisted) > 0 {
		msg += "; stored but not listed yet: " + firstNames(e.Unlisted)
	}
	if e.Err != nil {
		msg += "; stopped by: " + stopWords(e.Err)
	}
	if e.Finish != "" {
		return msg + "; " + e.Finish
	}
	return msg + "; persist again to finish"
}

// stopWords says what stopped a partial commit: another client's change
// by what it did to which config ("bulk/c1 created by another client"),
// not in the words of a conflict that wrote nothing of its namespace.
func stopWords(err error) string {
	switch e := err.(type) {
	case *ConflictError:
		words := make([]string, len(e.Conflicts))
		for i, c := range e.Conflicts {
			words[i] = c.describe()
		}
		return strings.Join(words, ", ")
	case interface{ Unwrap() []error }:
		var words []string
		for _, inner := range e.Unwrap() {
			words = append(words, stopWords(inner))
		}
		return strings.Join(words, "; ")
	}
	return err.Error()
}

// describe names a conflict and what the other client did.
func (c Conflict) describe() string {
	switch {
	case c.Config == "":
		return c.Namespace + " (" + c.Reason + ")"
	case c.Reason == "":
		return c.Namespace + "/" + c.Config
	}
	return c.Namespace + "/" + c.Config + " " + c.Reason
}

func (e *PartialCommitError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrPartialCommit}
	}
	return []error{ErrPartialCommit, e.Err}
}

// nameList is "nothing", or the count and the names.
func nameList(names []string) string {
	if len(names) == 0 {
		return "nothing"
	}
	return fmt.Sprintf("%d config(s) (%s)", len(names), firstNames(names))
}

// mostNames is how many names a one-line message lists before "and N
// more": a commit of thousands of configs must not print them all.
const mostNames = 10

// firstNames joins names, at most mostNames of them.
func firstNames(names []string) string {
	if len(names) <= mostNames {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:mostNames], ", ") + fmt.Sprintf(" and %d more", len(names)-mostNames)
}
