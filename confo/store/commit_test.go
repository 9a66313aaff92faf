package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo/store"
)

// A commit that writes part of one namespace and none of another reports
// one line each: the partial commit names its own conflicts and what
// stopped it; the conflict line names only the namespace nothing of which
// was written; every conflict is in the *ConflictError for callers.
func TestCommitEachWordsPartialCommitsAndConflictsApart(t *testing.T) {
	theirs := store.Conflict{Namespace: "bulk", Config: "c1", Reason: "created by another client"}
	other := store.Conflict{Namespace: "other", Config: "x", Reason: "changed by another client"}
	changes := []store.NamespaceChange{
		{Namespace: "bulk", Configs: []store.ConfigChange{{Name: "c0", Write: []byte(`1`)}, {Name: "c1", Write: []byte(`1`)}}},
		{Namespace: "other", Configs: []store.ConfigChange{{Name: "x", Write: []byte(`1`)}}},
	}
	_, err := store.CommitEach(context.Background(), changes, func(ch store.NamespaceChange) ([]store.Conflict, error) {
		if ch.Namespace == "other" {
			return []store.Conflict{other}, nil
		}
		return []store.Conflict{theirs}, &store.PartialCommitError{Namespace: "bulk", Written: []string{"c0"},
			NotWritten: []store.Conflict{theirs}, Err: &store.ConflictError{Conflicts: []store.Conflict{theirs}}}
	})
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a line for the partial commit and one for the conflict, got %q", err)
	}
	if !strings.Contains(lines[0], "stopped by: bulk/c1 created by another client; persist again to finish") {
		t.Errorf("partial commit: %q", lines[0])
	}
	if want := "1 conflict, nothing of their namespace was written: other/x "; !strings.HasPrefix(lines[1], want) {
		t.Errorf("conflict line %q, want it to start %q", lines[1], want)
	}
	conflict, ok := errors.AsType[*store.ConflictError](err)
	if !ok || len(conflict.Conflicts) != 2 {
		t.Errorf("the conflicts for callers: %+v", conflict)
	}
	if !errors.Is(err, store.ErrPartialCommit) || !errors.Is(err, store.ErrConflict) {
		t.Errorf("%v is not both a partial commit and a conflict", err)
	}
	partial, _ := errors.AsType[*store.PartialCommitError](err)
	partial.Finish = "import the file again to finish"
	if !strings.HasSuffix(strings.Split(err.Error(), "\n")[0], "; import the file again to finish") {
		t.Errorf("the caller's way to finish is not said: %q", err)
	}
}

// JoinLine keeps a failure of several causes on one line, each cause
// still found by errors.Is.
func TestJoinLine(t *testing.T) {
	a, b := errors.New("sentinel s1: refused"), fmt.Errorf("sentinel s2: %w", store.ErrUnreachable)
	err := store.JoinLine(a, nil, b)
	if err.Error() != "sentinel s1: refused; sentinel s2: server unreachable" || !errors.Is(err, a) || !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("got %q", err)
	}
	if store.JoinLine(nil, nil) != nil {
		t.Fatal("nothing joined is not nil")
	}
}
