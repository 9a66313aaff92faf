package model

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

// note hands changes to the backend as a watch batch would.
func note(b *Backend, changes ...confo.Change) WatchNote {
	b.watch.started = true
	return b.NoteChanges(WatchBatch{watch: &Watch{backend: b}, changes: changes})
}

func configChange(ns, cfg string) confo.Change {
	return confo.Change{Kind: confo.ChangeConfig, Namespace: ns, Config: cfg}
}

// drain runs refresh jobs until none is left and returns their reports.
func drain(t *testing.T, b *Backend) []RefreshReport {
	t.Helper()
	var out []RefreshReport
	for job := b.StartRefresh(); job != nil; job = b.StartRefresh() {
		res, ok := b.FinishRefresh(job.Run(context.Background()))
		if !ok || res.Err != nil {
			t.Fatalf("refresh: %v %v", ok, res.Err)
		}
		out = append(out, res.Report)
	}
	return out
}

// refreshAll reads every loaded namespace again, as after a reconnect.
func refreshAll(t *testing.T, b *Backend) {
	t.Helper()
	note(b, confo.Change{Kind: confo.ChangeResync})
	drain(t, b)
}

func TestRefreshAppliesCleanConfigsAndMarksEditedOnes(t *testing.T) {
	b, s := storeBackend(t)
	if err := b.SetField("database", "mysqli", "user", "mine"); err != nil {
		t.Fatal(err)
	}
	s.Put("database", "postgres", `{"host": "pg2"}`)
	s.Put("database", "mysqli", `{"host": "db.prod", "port": 3306, "user": "root"}`)
	s.Put("database", "redis", `{"port": 6379}`)
	s.Put("sales", "crm", `{}`)
	note(b, configChange("database", "postgres"), configChange("database", "mysqli"),
		confo.Change{Kind: confo.ChangeList, Namespace: "database"}, confo.Change{Kind: confo.ChangeRegistry})
	reports := drain(t, b)
	if len(reports) != 1 {
		t.Fatalf("%d refreshes", len(reports))
	}
	r := reports[0]
	for what, want := range map[RefreshWhat]int{RefreshChanged: 1, RefreshRemote: 1, RefreshAdded: 1, RefreshNamespaceAdded: 1} {
		if got := r.Count(what); got != want {
			t.Errorf("%v: %d, want %d (%+v)", what, got, want, r.Items)
		}
	}
	if got := get(t, b, "database", "postgres"); got != `{"host": "pg2"}` {
		t.Fatalf("clean config not refreshed: %s", got)
	}
	if got := get(t, b, "database", "mysqli"); got != `{"host": "localhost", "port": 3306, "user": "mine"}` {
		t.Fatalf("the edit was touched: %s", got)
	}
	if v, _ := b.Config("database", "postgres"); v.Mark != MarkRemote {
		t.Fatalf("postgres mark %v", v.Mark)
	}
	if v, _ := b.Config("database", "redis"); v.Status != StatusClean {
		t.Fatalf("new remote config %+v", v)
	}
	if got := strings.Join(b.NamespaceNames(), ","); got != "database,sales" || !b.NamespaceLoaded("sales") {
		t.Fatalf("namespaces %s", got)
	}
	// Removed remotely: the clean one goes, the edited one stays marked.
	s.Remove("database", "postgres")
	s.Remove("database", "mysqli")
	note(b, confo.Change{Kind: confo.ChangeList, Namespace: "database"})
	r = drain(t, b)[0]
	if r.Count(RefreshRemoved) != 1 || b.config("database", "postgres") != nil || b.config("database", "mysqli") == nil {
		t.Fatalf("removal: %+v", r.Items)
	}
}

func TestRefreshReadsABurstInBoundedJobs(t *testing.T) {
	s := confotest.NewMemStore(false)
	for i := range 5000 {
		s.Put("big", fmt.Sprintf("c%05d", i), `{"v": 1}`)
	}
	b := NewBackend("demo", s, confotest.Loaded(t, s), Options{})
	var changes []confo.Change
	for i := range 5000 {
		s.Put("big", fmt.Sprintf("c%05d", i), `{"v": 2}`)
		changes = append(changes, configChange("big", fmt.Sprintf("c%05d", i)))
	}
	// Twice: repeated changes are read once.
	note(b, changes...)
	note(b, changes...)
	reports := drain(t, b)
	total := 0
	for _, r := range reports {
		if len(r.Items) > refreshMax {
			t.Fatalf("one refresh applied %d items", len(r.Items))
		}
		total += r.Count(RefreshChanged)
	}
	if total != 5000 || len(reports) != 3 {
		t.Fatalf("%d changed over %d refreshes", total, len(reports))
	}
	// A resync of the namespace is read in bounded jobs too.
	s.Put("big", "c04999", `{"v": 3}`)
	note(b, confo.Change{Kind: confo.ChangeResync})
	reports = drain(t, b)
	if len(reports) != 3 || reports[2].Count(RefreshChanged) != 1 {
		t.Fatalf("resync: %d refreshes, last %+v", len(reports), reports[len(reports)-1].Items)
	}
}

func TestRefreshWaitsForTheLoadOfItsNamespace(t *testing.T) {
	s := confotest.NewMemStore(false)
	s.Put("a", "x", `{"v": 1}`)
	s.Put("b", "x", `{"v": 1}`)
	b := pending(t, s)
	ctx := context.Background()
	b.FinishLoad(b.NextLoad("").Run(ctx, nil))
	job := b.NextLoad("a")
	var parts []LoadPart
	res := job.Run(ctx, func(p LoadPart) error { parts = append(parts, p); return nil })
	// Another client changes a/x after the load read it.
	s.Put("a", "x", `{"v": 2}`)
	note(b, configChange("a", "x"))
	if b.StartRefresh() != nil {
		t.Fatal("a refresh read a namespace being loaded")
	}
	for _, p := range parts {
		b.FinishLoadPart(p)
	}
	b.FinishLoad(res)
	if got := get(t, b, "a", "x"); got != `{"v": 1}` {
		t.Fatalf("loaded %s", got)
	}
	if r := drain(t, b); len(r) != 1 || get(t, b, "a", "x") != `{"v": 2}` {
		t.Fatalf("held change not read after the load: %v, %s", r, get(t, b, "a", "x"))
	}
}

func TestRefreshReadBeforeAPersistIsReadAgain(t *testing.T) {
	b, s := storeBackend(t)
	s.Put("database", "postgres", `{"host": "pg2"}`)
	note(b, configChange("database", "postgres"))
	job := b.StartRefresh()
	res := job.Run(context.Background())
	if err := b.SetField("database", "mysqli", "user", "x"); err != nil {
		t.Fatal(err)
	}
	persist(t, b, "database", "mysqli")
	if out, ok := b.FinishRefresh(res); !ok || len(out.Report.Items) != 0 {
		t.Fatalf("stale refresh applied: %+v", out)
	}
	if r := drain(t, b); len(r) != 1 || get(t, b, "database", "postgres") != `{"host": "pg2"}` {
		t.Fatalf("not read again: %v", r)
	}
}

func TestUndoReadsAgainWhatItRestored(t *testing.T) {
	b, s := storeBackend(t)
	note(b) // watched
	if err := b.SetField("database", "postgres", "host", "x"); err != nil {
		t.Fatal(err)
	}
	if err := b.SetField("database", "postgres", "host", "pg"); err != nil {
		t.Fatal(err)
	}
	// Clean again (same value): a refresh replaces it with theirs.
	s.Put("database", "postgres", `{"host": "pg2"}`)
	note(b, configChange("database", "postgres"))
	drain(t, b)
	// Undo restores the state saved before: the old base.
	if _, err := b.Undo(); err != nil {
		t.Fatal(err)
	}
	drain(t, b)
	if v, _ := b.Config("database", "postgres"); v.Status != StatusModified || !v.Remote {
		t.Fatalf("after undo %+v: the other client's change is not known", v)
	}
}

func TestWatchNextGathersABurst(t *testing.T) {
	ch := make(chan confo.Change, 20000)
	for i := range 15000 {
		ch <- configChange("n", fmt.Sprint(i))
	}
	w := &Watch{changes: ch}
	first := w.Next(context.Background())
	if len(first.changes) != batchMax {
		t.Fatalf("first batch %d", len(first.changes))
	}
	start := time.Now()
	second := w.Next(context.Background())
	if len(second.changes) != 5000 || time.Since(start) > 5*time.Second {
		t.Fatalf("second batch %d", len(second.changes))
	}
	close(ch)
	if !w.Next(context.Background()).Closed {
		t.Fatal("closed watch not reported")
	}
}

func TestWatchReadyAndErrorsAreNoted(t *testing.T) {
	b, _ := storeBackend(t)
	if n := note(b, confo.Change{Kind: confo.ChangeError, Err: fmt.Errorf("connection refused")}); !strings.Contains(n.Problem, "connection refused") {
		t.Fatalf("problem %+v", n)
	}
	n := note(b, confo.Change{Kind: confo.ChangeReady, Detail: "CLIENT TRACKING"})
	if how, problem := b.Watching(); n.Ready != "CLIENT TRACKING" || how != "CLIENT TRACKING" || problem != "" {
		t.Fatalf("ready %+v %q %q", n, how, problem)
	}
	// Ready reads everything loaded once more.
	if !b.Refreshing() {
		t.Fatal("ready queued nothing")
	}
	// A reconnect that worked without a failure in between (a failover)
	// is no news; one in another way is.
	if n := note(b, confo.Change{Kind: confo.ChangeReady, Detail: "CLIENT TRACKING"}); n.Ready != "" {
		t.Fatalf("silent reconnect announced: %+v", n)
	}
	if n := note(b, confo.Change{Kind: confo.ChangeReady, Detail: "polling"}); n.Ready != "polling" {
		t.Fatalf("a new way of watching not announced: %+v", n)
	}
}

// reload runs a reload job, merging each namespace as it arrives.
func reload(t *testing.T, b *Backend, job *ReloadJob) (ReloadReport, error, bool) {
	t.Helper()
	res := job.Run(context.Background(), nil, func(p ReloadPart) error {
		if b.Busy() == "" {
			t.Error("not busy between parts")
		}
		b.FinishReloadPart(p)
		return nil
	})
	return b.FinishReload(res)
}

func TestReloadMergesNamespaceByNamespace(t *testing.T) {
	s := confotest.NewMemStore(false)
	for i := range 30 {
		for j := range 100 {
			s.Put(fmt.Sprintf("ns%02d", i), fmt.Sprintf("c%04d", j), `{"v": 1}`)
		}
	}
	b := NewBackend("demo", s, confotest.Loaded(t, s), Options{})
	s.Put("ns29", "c0099", `{"v": 2}`)
	s.Put("new", "x", `{}`)
	s.DropNamespace("ns00")
	job, err := b.StartReload("", false)
	if err != nil {
		t.Fatal(err)
	}
	report, err, ok := reload(t, b, job)
	if !ok || err != nil || report.Configs != 29*100+1 || report.Changed != 1 || report.Namespaces != 30 {
		t.Fatalf("report %+v, %v", report, err)
	}
	if b.Busy() != "" || get(t, b, "ns29", "c0099") != `{"v": 2}` || !b.NamespaceLoaded("new") {
		t.Fatalf("reload did not finish: busy %q, %s, new loaded %v", b.Busy(), get(t, b, "ns29", "c0099"), b.NamespaceLoaded("new"))
	}
	if _, ok := b.Namespace("ns00"); ok {
		t.Fatal("a namespace removed remotely is still there")
	}
}

func TestStaleReloadIsDropped(t *testing.T) {
	b, s := storeBackend(t)
	first, err := b.StartReload("", false)
	if err != nil {
		t.Fatal(err)
	}
	var parts []ReloadPart
	res := first.Run(context.Background(), nil, func(p ReloadPart) error { parts = append(parts, p); return nil })
	if _, _, ok := b.FinishReload(res); !ok {
		t.Fatal("current reload dropped")
	}
	s.Put("database", "postgres", `{"host": "newer"}`)
	second, _ := b.StartReload("", false)
	if _, _, ok := reload(t, b, second); !ok {
		t.Fatal("second reload dropped")
	}
	for _, p := range parts {
		b.FinishReloadPart(p)
	}
	if _, _, ok := b.FinishReload(res); ok || get(t, b, "database", "postgres") != `{"host": "newer"}` {
		t.Fatalf("a stale reload was merged: %s", get(t, b, "database", "postgres"))
	}
}
