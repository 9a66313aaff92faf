package confo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

func refreshItems(r confo.RefreshReport) []string {
	var out []string
	for _, it := range r.Items {
		name := it.Namespace
		if it.Config != "" {
			name += "/" + it.Config
		}
		out = append(out, name+" "+it.What.String())
	}
	slices.Sort(out)
	return out
}

func wantItems(t *testing.T, r confo.RefreshReport, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := refreshItems(r); !slices.Equal(got, want) {
		t.Fatalf("refresh did %q\nwant %q", got, want)
	}
}

func wantValue(t *testing.T, ws *confo.Workspace, ns, cfg, want string) {
	t.Helper()
	v, err := ws.Get(ns, cfg)
	if err != nil {
		t.Fatalf("%s/%s: %v", ns, cfg, err)
	}
	if got := string(confo.Encode(v)); got != want {
		t.Fatalf("%s/%s = %s, want %s", ns, cfg, got, want)
	}
}

func TestRefreshKeepsLocalEdits(t *testing.T) {
	ctx := context.Background()
	s := confotest.NewMemStore(false)
	s.Put("database", "mysqli", `{"host": "a", "user": "root"}`)
	s.Put("database", "pg", `{"host": "a"}`)
	s.Put("sales", "leads", `[1]`)
	s.Put("sales", "old", `[2]`)
	ws := confotest.Loaded(t, s)
	check(t, ws.SetField("database", "mysqli", "user", confo.StringValue("maddox")))
	check(t, ws.Set("sales", "old", confo.ArrayValue(confo.IntValue(3))))

	// Another client changes a clean config, an edited one, adds, removes.
	s.Put("database", "pg", `{"host": "b"}`)
	s.Put("database", "mysqli", `{"host": "b", "user": "root"}`)
	s.Put("database", "fresh", `{}`)
	s.Remove("sales", "leads")
	s.Remove("sales", "old")
	s.Put("newns", "x", `1`)
	report, err := confo.Refresh(ctx, s, ws, []confo.Change{
		{Kind: confo.ChangeConfig, Namespace: "database", Config: "pg"},
		{Kind: confo.ChangeConfig, Namespace: "database", Config: "mysqli"},
		{Kind: confo.ChangeList, Namespace: "database"},
		{Kind: confo.ChangeList, Namespace: "sales"},
		{Kind: confo.ChangeConfig, Namespace: "sales", Config: "old"},
		{Kind: confo.ChangeRegistry},
		{Kind: confo.ChangeConfig, Namespace: "nowhere", Config: "x"},
	})
	check(t, err)
	wantItems(t, report,
		"database/pg changed", "database/mysqli changed remotely, local edits kept", "database/fresh added",
		"sales/leads removed", "sales/old changed remotely, local edits kept", "newns namespace added")
	wantValue(t, ws, "database", "pg", `{"host": "b"}`)
	if !ws.Namespace("database").Config("pg").RemoteChanged() {
		t.Error("a refreshed config is not marked changed remotely")
	}
	wantValue(t, ws, "database", "mysqli", `{"host": "a", "user": "maddox"}`)
	wantValue(t, ws, "sales", "old", `[3]`)
	if raw, ok := ws.Namespace("database").Config("mysqli").Remote(); !ok || string(raw.Bytes) != `{"host": "b", "user": "root"}` {
		t.Fatalf("mysqli Remote() = %s, %v", raw.Describe(), ok)
	}
	if raw, ok := ws.Namespace("sales").Config("old").Remote(); !ok || raw.State != confo.RawMissing {
		t.Fatalf("old Remote() = %s, %v", raw.Describe(), ok)
	}
	if n := ws.RemoteCount(); n != 2 {
		t.Fatalf("RemoteCount = %d, want 2", n)
	}
	wantValue(t, ws, "database", "fresh", `{}`)
	wantValue(t, ws, "newns", "x", `1`)
	if ws.Namespace("sales").Config("leads") != nil {
		t.Fatal("a config removed remotely is still there")
	}

	// Nothing changed: nothing happens.
	report, err = confo.Refresh(ctx, s, ws, []confo.Change{{Kind: confo.ChangeConfig, Namespace: "database", Config: "pg"}, {Kind: confo.ChangeList, Namespace: "database"}})
	check(t, err)
	wantItems(t, report)

	// A resync reads everything loaded again, with the same rules.
	s.Put("database", "pg", `{"host": "c"}`)
	s.Remove("newns", "x")
	s.Put("database", "mysqli", `{"host": "a", "user": "root"}`) // changed back
	report, err = confo.Refresh(ctx, s, ws, []confo.Change{{Kind: confo.ChangeResync}})
	check(t, err)
	wantItems(t, report, "database/pg changed", "newns/x removed")
	if _, ok := ws.Namespace("database").Config("mysqli").Remote(); ok {
		t.Fatal("a config changed back remotely is still marked")
	}
	wantValue(t, ws, "database", "mysqli", `{"host": "a", "user": "maddox"}`)

	// Persisting the edit clears the mark for good.
	check(t, confo.Persist(ctx, s, ws, confo.Scope{Namespace: "database"}, confo.CommitOptions{}))
	if ws.RemoteCount() != 1 { // sales/old remains
		t.Fatalf("RemoteCount after persist = %d, want 1", ws.RemoteCount())
	}
}

// TestRefreshSkipsWhatIsNotLoaded: changes in a namespace seen only in the
// registry wait for its load.
func TestRefreshSkipsWhatIsNotLoaded(t *testing.T) {
	ctx := context.Background()
	s := confotest.NewMemStore(false)
	s.Put("database", "mysqli", `{}`)
	ws := confo.NewWorkspace(s.Naming())
	snap, err := s.Load(ctx, confo.LoadOptions{RegistryOnly: true})
	check(t, err)
	ws.Apply(snap, false)
	s.Put("database", "mysqli", `{"a": 1}`)
	s.Put("other", "x", `{}`)
	p := ws.PlanRefresh([]confo.Change{{Kind: confo.ChangeConfig, Namespace: "database", Config: "mysqli"}, {Kind: confo.ChangeRegistry}})
	d, err := p.Fetch(ctx, s)
	check(t, err)
	wantItems(t, ws.ApplyRefresh(p, d), "other namespace added")
	if ws.Namespace("database").Loaded() || ws.Namespace("other").Loaded() {
		t.Fatal("a refresh loaded a namespace the workspace had not loaded")
	}
}
