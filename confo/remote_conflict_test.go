package confo_test

import (
	"context"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

// TestRemoteConflictPreviewsThePersist: what a live refresh saw of another
// client's version tells, before writing, whether the persist merges.
func TestRemoteConflictPreviewsThePersist(t *testing.T) {
	ctx := context.Background()
	s := confotest.NewMemStore(false)
	s.Put("database", "mysqli", `{"host": "a", "user": "root"}`)
	s.Put("database", "pg", `{"host": "a"}`)
	ws := confotest.Loaded(t, s)
	check(t, ws.SetField("database", "mysqli", "user", confo.StringValue("maddox")))
	check(t, ws.DeleteConfig("database", "pg"))
	c := ws.Namespace("database").Config("mysqli")
	if _, ok := c.RemoteConflict(); ok {
		t.Fatal("a preview with nothing seen")
	}
	refresh := func() {
		t.Helper()
		if _, err := confo.Refresh(ctx, s, ws, []confo.Change{{Kind: confo.ChangeResync}}); err != nil {
			t.Fatal(err)
		}
	}

	s.Put("database", "mysqli", `{"host": "b", "user": "root"}`)
	s.Put("database", "pg", `{"host": "b"}`)
	refresh()
	cf, ok := c.RemoteConflict()
	if !ok || !cf.FieldLevel || len(cf.Fields) != 0 || len(cf.TheirFields) != 1 || cf.TheirFields[0] != "host" {
		t.Fatalf("disjoint fields: %+v", cf)
	}
	pg, ok := ws.Namespace("database").Config("pg").RemoteConflict()
	if !ok || pg.FieldLevel || pg.Reason != "deleted here, changed by another client" {
		t.Fatalf("delete against edit: %+v", pg)
	}

	s.Put("database", "mysqli", `{"host": "b", "user": "ops"}`)
	refresh()
	cf, _ = c.RemoteConflict()
	if len(cf.Fields) != 1 || cf.Fields[0].Field != "user" {
		t.Fatalf("same field: %+v", cf)
	}

	s.Put("database", "mysqli", `{"host": "a", "user": "maddox"}`)
	refresh()
	cf, _ = c.RemoteConflict()
	if !cf.FieldLevel || len(cf.Fields) != 0 || cf.Reason != "" {
		t.Fatalf("the same change: %+v", cf)
	}
	// The persist agrees with each preview: this one merges.
	if err := confo.Persist(ctx, s, ws, confo.Scope{Namespace: "database", Config: "mysqli"}, confo.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
}
