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
// namespaces; each one is finished or untouched.
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
			if _, named := errors.AsType[*ContentionError](err); !named {
				err = fmt.Errorf("persist namespace %q: %w", change.Namespace, err)
			}
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
