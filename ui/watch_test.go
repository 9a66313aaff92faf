package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/model"
)

// liveApp is the UI over an in-memory store another client changes, with
// the store watched as the program does (the store polls every 20 ms).
func liveApp(t *testing.T, noWatch bool) (*app, *confotest.MemStore) {
	t.Helper()
	s := confotest.NewMemStore(false)
	s.Addr = "127.0.0.1:6379"
	s.Put("database", "mysqli", mysqli)
	s.Put("database", "postgres", `{"host": "pg"}`)
	s.Put("sales", "crm", `{"vendor": "x"}`)
	ws := confotest.Loaded(t, s)
	b := model.NewBackend("live", s, ws, model.Options{})
	clk := &clock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	m := New([]*model.Backend{b}, DefaultKeyMap(), Options{Context: t.Context(), Static: true, Now: clk.Now, NoWatch: noWatch})
	a := &app{t: t, m: m, ws: ws, demo: b, clock: clk}
	a.resize(120, 30)
	a.run(m.Init())
	return a, s
}

func TestLiveChangesShowUpWithoutAKey(t *testing.T) {
	a, s := liveApp(t, false)
	a.waitFor("live: other clients' changes show up live (memory)")
	a.gotoConfig("database", "mysqli").press("l", "j", "j", "e").replace("mine")

	// A clean config is refreshed in place; the edit elsewhere stays.
	s.Put("database", "postgres", `{"host": "pg.prod"}`)
	a.waitFor("↻ another client changed database/postgres")
	if got := a.local("database", "postgres"); got != `{"host": "pg.prod"}` {
		t.Fatalf("postgres %s", got)
	}
	if got := a.local("database", "mysqli"); !strings.Contains(got, `"user": "mine"`) {
		t.Fatalf("the edit was touched: %s", got)
	}
	if v, _ := a.demo.Config("database", "postgres"); v.Mark != model.MarkRemote {
		t.Fatalf("postgres mark %v", v.Mark)
	}

	// The edited config changed by another client is marked and counted;
	// persisting says it merges, and does.
	s.Put("database", "mysqli", `{"host": "db.prod", "db_name": "sambe_db", "user": "root"}`)
	a.waitFor("≈ 1 changed remotely", "≈ mysqli", "another client changed host: persisting merges")
	if got := a.local("database", "mysqli"); !strings.Contains(got, `"host": "localhost"`) {
		t.Fatalf("refresh touched the edited config: %s", got)
	}
	a.press("h", "s").wantScreen("Persist config database/mysqli?", "≈ another client changed host: persisting merges")
	a.press("y").wantScreen("✓ persisted database/mysqli", "merged with another client's change to host")
	merged := 0
	for _, msg := range a.m.msgs.history {
		if strings.Contains(msg.text, "merged with") {
			merged++
		}
	}
	if merged != 1 {
		t.Fatalf("the one merge is told in %d messages", merged)
	}
	if got, _ := s.Get("database", "mysqli"); got != `{"host": "db.prod", "db_name": "sambe_db", "user": "mine"}` {
		t.Fatalf("stored %s", got)
	}
	a.dontWantScreen("changed remotely")

	// New and removed configs and namespaces show up.
	s.Put("database", "redis", `{"port": 6379}`)
	s.Put("billing", "stripe", `{"key": "k"}`)
	s.Remove("database", "postgres")
	a.waitFor("added namespace billing", "added database/redis", "removed database/postgres")
	if got := a.local("database", "postgres"); !strings.Contains(got, "not found") {
		t.Fatalf("postgres still there: %s", got)
	}
	if got := a.local("database", "redis"); got != `{"port": 6379}` {
		t.Fatalf("redis %s", got)
	}
	a.press("esc").wantScreen("  redis ", "billing")
	s.DropNamespace("sales")
	a.waitFor("removed namespace sales")
}

func TestLiveConflictIsAnnouncedBeforePersisting(t *testing.T) {
	a, s := liveApp(t, false)
	a.waitFor("show up live")
	a.gotoConfig("database", "mysqli").press("l", "j", "j", "e").replace("mine")
	s.Put("database", "mysqli", `{"host": "localhost", "db_name": "sambe_db", "user": "ops"}`)
	a.waitFor("≈ 1 changed remotely", "another client also changed user: persisting is a conflict (you choose per field)")
	a.press("h", "s").wantScreen("! another client also changed user: persisting is a conflict")
	a.press("y").wantScreen("! conflict: database/mysqli")
	a.press("c").wantScreen(`"ops"`, `"mine"`)
}

func TestABurstOfRemoteChangesIsAppliedInBoundedSteps(t *testing.T) {
	a, s := liveApp(t, false)
	a.waitFor("show up live")
	for i := range 10000 {
		s.Put("bulk", fmt.Sprintf("c%05d", i), `{"v": 1}`)
	}
	a.waitFor("added namespace bulk")
	for i := range 10000 {
		s.Put("bulk", fmt.Sprintf("c%05d", i), `{"v": 2}`)
	}
	deadline := time.Now().Add(10 * time.Second)
	for a.local("bulk", "c09999") != `{"v": 2}` || a.local("bulk", "c00000") != `{"v": 2}` {
		if time.Now().After(deadline) {
			t.Fatalf("burst not applied: %s", a.local("bulk", "c09999"))
		}
		a.next()
	}
	for _, msg := range a.m.msgs.history {
		if strings.HasPrefix(msg.text, "↻") && strings.Contains(msg.text, "changed 10,000 configs") {
			t.Fatalf("one refresh applied the whole burst: %s", msg.text)
		}
	}
}

func TestNoWatchShowsChangesOnlyAtAReload(t *testing.T) {
	a, s := liveApp(t, true)
	if n := a.m.watchWaits.Load(); n != 0 {
		t.Fatalf("%d watch waits with NoWatch", n)
	}
	if how, _ := a.demo.Watching(); how != "" {
		t.Fatalf("watching (%s) with NoWatch", how)
	}
	s.Put("database", "postgres", `{"host": "pg.prod"}`)
	time.Sleep(100 * time.Millisecond) // five polls of a watch, were there one
	a.run(nil)
	if got := a.local("database", "postgres"); got != `{"host": "pg"}` {
		t.Fatalf("changed without a watch: %s", got)
	}
	a.gotoConfig("database", "postgres").press("r").wantScreen("1 changed remotely")
}

func TestKeyCollisionIsMarkedAndRefused(t *testing.T) {
	a := newApp(t, appConfig{width: 200, height: 30})
	// Config "b-c" of "a" and config "c" of "a-b" are both the key a-b-c.
	a.behindTheBack("a", "b-c", `{"v": 1}`)
	if err := a.rdb.Set(t.Context(), "a", `{"configurations": ["b-c"]}`, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := a.rdb.Set(t.Context(), "a-b", `{"configurations": ["c"]}`, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := a.rdb.Set(t.Context(), "confo", `{"namespaces": ["a", "a-b", "analytics", "database", "features", "sales"]}`, 0).Err(); err != nil {
		t.Fatal(err)
	}
	a.press("R").wantScreen("✓ reloaded backend demo")
	a.gotoConfig("a", "b-c").wantScreen("▸# b-c", `# config "b-c" in namespace "a" and config "c" in namespace "a-b" share the key "a-b-c"`)
	a.press("l", "e").replace("3").wantScreen(`✗ config "b-c" in namespace "a" and config "c" in namespace "a-b" share the key "a-b-c"; rename one of them`)
	if got := a.local("a", "b-c"); got != `{"v": 1}` {
		t.Fatalf("edited: %s", got)
	}
}

func TestRefreshMessagesNameWhatChangedOnce(t *testing.T) {
	a, _ := liveApp(t, true)
	ns := func(what model.RefreshWhat, names ...string) []model.RefreshItem {
		var out []model.RefreshItem
		for _, n := range names {
			out = append(out, model.RefreshItem{Namespace: n, What: what})
		}
		return out
	}
	cfgs := func(what model.RefreshWhat, names ...string) []model.RefreshItem {
		var out []model.RefreshItem
		for _, n := range names {
			out = append(out, model.RefreshItem{Namespace: "database", Config: n, What: what})
		}
		return out
	}
	for _, tc := range []struct {
		items []model.RefreshItem
		want  string
	}{
		{ns(model.RefreshNamespaceRemoved, "x"), "↻ another client removed namespace x"},
		{ns(model.RefreshNamespaceRemoved, "x", "y"), "↻ another client removed 2 namespaces"},
		{ns(model.RefreshNamespaceAdded, "x", "y", "z"), "↻ another client added 3 namespaces"},
		{ns(model.RefreshBadList, "x"), "↻ another client made unreadable the list of x"},
		{ns(model.RefreshBadList, "x", "y"), "↻ another client made unreadable the lists of 2 namespaces"},
		{cfgs(model.RefreshChanged, "a"), "↻ another client changed database/a"},
		{append(ns(model.RefreshNamespaceRemoved, "x", "y"), cfgs(model.RefreshRemoved, "a", "b", "c", "d")...),
			"↻ another client removed 2 namespaces, removed 4 configs"},
	} {
		a.m.reportRefresh(a.demo, model.RefreshReport{Items: tc.items})
		if got := a.m.msgs.history[len(a.m.msgs.history)-1].text; got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}
