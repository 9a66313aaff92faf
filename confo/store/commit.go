package store

import (
	"context"
	"errors"
	"fmt"
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
// commit into its one error; nil when there are none.
func joinOutcome(err error, partials []*PartialCommitError, conflicts []Conflict) error {
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, p := range partials {
		errs = append(errs, p)
	}
	if len(conflicts) > 0 {
		errs = append(errs, &ConflictError{Conflicts: conflicts})
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}
