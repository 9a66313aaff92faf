package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// CommitEach validates every change, then commits each non-empty one in
// turn with commitOne, so that every Store reports alike: the namespaces
// written, a *ConflictError for those left untouched, and on a failure the
// conflicts found so far joined to it. Cancellation stops between
// namespaces; each one is finished or untouched, except where commitOne
// returns a *PartialCommitError: that namespace is reported (with the
// conflicts commitOne found, which it also returns) like one with
// conflicts, and the commit carries on with the next.
func CommitEach(ctx context.Context, changes []NamespaceChange, commitOne func(NamespaceChange) ([]Conflict, error)) ([]string, error) {
	// Names become keys or paths: a bad one must write nothing at all, so
	// every change is checked before the first is committed.
	for _, change := range changes {
		if err := change.Validate(); err != nil {
			return nil, fmt.Errorf("persist namespace %q: %w", change.Namespace, err)
		}
	}
	var written []string
	var conflicts []Conflict
	var partials []*PartialCommitError
	for _, change := range changes {
		if change.Empty() {
			continue
		}
		err := ctx.Err()
		var found []Conflict
		if err == nil {
			found, err = commitOne(change)
		}
		if partial, ok := errors.AsType[*PartialCommitError](err); ok {
			partials = append(partials, partial)
			conflicts = append(conflicts, found...)
			continue
		}
		if err != nil {
			if _, named := errors.AsType[*ContentionError](err); !named {
				err = fmt.Errorf("persist namespace %q: %w", change.Namespace, err)
			}
			return written, joinOutcome(err, partials, conflicts)
		}
		if len(found) > 0 {
			conflicts = append(conflicts, found...)
			continue
		}
		written = append(written, change.Namespace)
	}
	return written, joinOutcome(nil, partials, conflicts)
}

// joinOutcome joins a failure, the partial commits and the conflicts of a
// commit into its one error; nil when there are none. Every conflict is
// in its *ConflictError, but those of a namespace a partial commit wrote
// in part are worded by the partial commit alone: a conflict's message
// says nothing of its namespace was written.
func joinOutcome(err error, partials []*PartialCommitError, conflicts []Conflict) error {
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, p := range partials {
		errs = append(errs, p)
	}
	shown := slices.Clone(errs)
	if len(conflicts) > 0 {
		partly := func(c Conflict) bool {
			return slices.ContainsFunc(partials, func(p *PartialCommitError) bool { return p.Namespace == c.Namespace })
		}
		if untouched := slices.DeleteFunc(slices.Clone(conflicts), partly); len(untouched) > 0 {
			shown = append(shown, &ConflictError{Conflicts: untouched})
		}
		// First, so that errors.As finds every conflict rather than the
		// one that stopped a partial commit.
		errs = append([]error{&ConflictError{Conflicts: conflicts}}, errs...)
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return &outcomeError{errs: errs, shown: shown}
}

// outcomeError is a commit's outcome of several parts, one line each as
// errors.Join has them; shown are the parts its message states.
type outcomeError struct {
	errs, shown []error
}

func (e *outcomeError) Error() string {
	lines := make([]string, len(e.shown))
	for i, err := range e.shown {
		lines[i] = err.Error()
	}
	return strings.Join(lines, "\n")
}

func (e *outcomeError) Unwrap() []error { return e.errs }
