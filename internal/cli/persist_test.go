package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

// racedTarget is a backend holding database/mysqli whose first commit finds
// that another client changed host in between, as a racing writer would.
func racedTarget(t *testing.T) (*target, *confotest.MemStore) {
	store := confotest.NewMemStore(false)
	store.Put("database", "mysqli", `{"host": "localhost", "user": "root"}`)
	ws := confotest.Loaded(t, store)
	raced := false
	store.OnCommit = func(context.Context, []confo.NamespaceChange) error {
		if !raced {
			raced = true
			store.Put("database", "mysqli", `{"host": "db2", "user": "root"}`)
		}
		return nil
	}
	return &target{store: store, ws: ws}, store
}

// TestPersistSaysWhatItMerged: set and edit merge another client's change
// to other fields and say so; import keeps whole-config semantics and
// reports the same race as a conflict (exit 3).
func TestPersistSaysWhatItMerged(t *testing.T) {
	var stderr bytes.Buffer
	a := newApp(context.Background(), Env{Stderr: &stderr})
	tg, store := racedTarget(t)
	if err := tg.ws.SetField("database", "mysqli", "user", confo.StringValue("admin")); err != nil {
		t.Fatal(err)
	}
	if err := a.persist(tg, confo.Scope{Namespace: "database", Config: "mysqli"}, false); err != nil {
		t.Fatalf("field persist over another client's change to host: %v", err)
	}
	if got, _ := store.Get("database", "mysqli"); got != `{"host": "db2", "user": "admin"}` {
		t.Fatalf("stored %s, want both changes", got)
	}
	if !strings.Contains(stderr.String(), "database/mysqli: merged with another client's change to host") {
		t.Fatalf("no merge notice: %q", stderr.String())
	}

	tg, store = racedTarget(t)
	// Field by field this would merge (their host, our user); an import
	// writes whole configs, so it must not.
	imported := confo.ObjectValue(
		confo.Member{Key: "host", Value: confo.StringValue("localhost")},
		confo.Member{Key: "user", Value: confo.StringValue("imported")})
	if err := tg.ws.Set("database", "mysqli", imported); err != nil {
		t.Fatal(err)
	}
	err := a.persist(tg, confo.Scope{Namespace: "database"}, true)
	if !errors.Is(err, confo.ErrConflict) || exitCode(err) != exitConflict {
		t.Fatalf("import over another client's change: %v (exit %d), want a conflict", err, exitCode(err))
	}
	if got, _ := store.Get("database", "mysqli"); got != `{"host": "db2", "user": "root"}` {
		t.Fatalf("a conflicting import wrote %s", got)
	}
}
