package model

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

// storeBackend is a loaded backend over a MemStore another client can
// change, with database/mysqli as an object config.
func storeBackend(t *testing.T) (*Backend, *confotest.MemStore) {
	t.Helper()
	s := confotest.NewMemStore(false)
	s.Put("database", "mysqli", `{"host": "localhost", "port": 3306, "user": "root"}`)
	s.Put("database", "postgres", `{"host": "pg"}`)
	return NewBackend("demo", s, confotest.Loaded(t, s), Options{}), s
}

// persist plans, commits and settles a persist of one config.
func persist(t *testing.T, b *Backend, ns, cfg string) PersistOutcome {
	t.Helper()
	job, err := b.PlanPersist(Scope{Namespace: ns, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return run(t, b, job)
}

func run(t *testing.T, b *Backend, job *PersistJob) PersistOutcome {
	t.Helper()
	if err := b.StartPersist(job); err != nil {
		t.Fatal(err)
	}
	out, ok := b.FinishPersist(job.Run(context.Background()))
	if !ok {
		t.Fatal("persist result not current")
	}
	return out
}

func stored(t *testing.T, s *confotest.MemStore, ns, cfg string) string {
	t.Helper()
	v, ok := s.Get(ns, cfg)
	if !ok {
		return "(missing)"
	}
	return v
}

func TestPersistSaysWhatMerged(t *testing.T) {
	b, s := storeBackend(t)
	if err := b.SetField("database", "mysqli", "user", "admin"); err != nil {
		t.Fatal(err)
	}
	s.Put("database", "mysqli", `{"host": "db.prod", "port": 3306, "user": "root"}`)
	out := persist(t, b, "database", "mysqli")
	if out.Err != nil || len(out.Conflicts) > 0 {
		t.Fatalf("persist: %+v", out)
	}
	if len(out.Merged) != 1 || out.Merged[0].String() != "database/mysqli: merged with another client's change to host" {
		t.Fatalf("merged: %v", out.Merged)
	}
	if got := stored(t, s, "database", "mysqli"); got != `{"host": "db.prod", "port": 3306, "user": "admin"}` {
		t.Fatalf("stored %s", got)
	}
}

// clash edits user and port here; another client changes user, port and
// host; the persist is a conflict on user and port.
func clash(t *testing.T) (*Backend, *confotest.MemStore) {
	t.Helper()
	b, s := storeBackend(t)
	for field, v := range map[string]string{"user": "mine", "port": "3307"} {
		if err := b.SetField("database", "mysqli", field, v); err != nil {
			t.Fatal(err)
		}
	}
	s.Put("database", "mysqli", `{"host": "db.prod", "port": 3308, "user": "theirs"}`)
	if out := persist(t, b, "database", "mysqli"); len(out.Conflicts) != 1 {
		t.Fatalf("persist: %+v", out)
	}
	return b, s
}

func TestConflictViewShowsBaseOursTheirsPerField(t *testing.T) {
	b, _ := clash(t)
	cv, err := b.ConflictView("database", "mysqli")
	if err != nil {
		t.Fatal(err)
	}
	if !cv.FieldLevel || cv.Reason != "changed on both sides" {
		t.Fatalf("view %+v", cv)
	}
	var rows []string
	for _, f := range cv.Fields {
		rows = append(rows, f.Field+": "+f.Base.Text()+" | "+f.Ours.Text()+" | "+f.Theirs.Text())
	}
	want := []string{`port: 3306 | 3307 | 3308`, `user: "root" | "mine" | "theirs"`}
	slices.Sort(rows)
	if !slices.Equal(rows, want) {
		t.Fatalf("rows %q, want %q", rows, want)
	}
	if !slices.Equal(cv.Merging, []string{"host"}) {
		t.Fatalf("merging %v", cv.Merging)
	}
	if _, err := b.ConflictView("database", "postgres"); err == nil {
		t.Fatal("conflict view of a clean config")
	}
}

func TestResolvePerFieldWritesExpectingTheirs(t *testing.T) {
	b, s := clash(t)
	if _, err := b.Resolve("database", "mysqli", Resolution{Fields: map[string]Side{"user": SideOurs}}); err == nil || !strings.Contains(err.Error(), `"port" is not decided`) {
		t.Fatalf("undecided field: %v", err)
	}
	if !b.InConflict("database", "mysqli") {
		t.Fatal("a refused resolution changed the config")
	}
	job, err := b.Resolve("database", "mysqli", Resolution{Fields: map[string]Side{"user": SideOurs, "port": SideTheirs}})
	if err != nil || job == nil {
		t.Fatalf("resolve: %v %v", job, err)
	}
	if got := summaryText(job.Summary()); !slices.Contains(got, `      ● user: "theirs" → "mine"`) || slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, "port") }) {
		t.Fatalf("summary against theirs: %q", got)
	}
	if out := run(t, b, job); out.Err != nil || len(out.Conflicts) > 0 {
		t.Fatalf("write: %+v", out)
	}
	if got := stored(t, s, "database", "mysqli"); got != `{"host": "db.prod", "port": 3308, "user": "mine"}` {
		t.Fatalf("stored %s", got)
	}
}

func TestResolveIsCheckedAgainAtTheWrite(t *testing.T) {
	b, s := clash(t)
	job, err := b.Resolve("database", "mysqli", Resolution{All: SideOurs})
	if err != nil {
		t.Fatal(err)
	}
	// Someone changes the user once more while the question is open.
	s.Put("database", "mysqli", `{"host": "db.prod", "port": 3308, "user": "third"}`)
	out := run(t, b, job)
	if len(out.Conflicts) != 1 || !b.InConflict("database", "mysqli") {
		t.Fatalf("write over a newer change: %+v", out)
	}
	if got := stored(t, s, "database", "mysqli"); !strings.Contains(got, `"third"`) {
		t.Fatalf("their newer change was overwritten: %s", got)
	}
	cv, _ := b.ConflictView("database", "mysqli")
	if len(cv.Fields) != 1 || cv.Fields[0].Theirs.Text() != `"third"` {
		t.Fatalf("new conflict %+v", cv.Fields)
	}
}

func TestCancelResolveBringsTheConflictBack(t *testing.T) {
	b, s := clash(t)
	job, err := b.Resolve("database", "mysqli", Resolution{All: SideTheirs})
	if err != nil {
		t.Fatal(err)
	}
	if job != nil {
		t.Fatalf("taking theirs whole left something to write: %q", summaryText(job.Summary()))
	}
	if b.InConflict("database", "mysqli") || get(t, b, "database", "mysqli") != stored(t, s, "database", "mysqli") {
		t.Fatalf("take theirs: %s", get(t, b, "database", "mysqli"))
	}
	if !b.CancelResolve("mysqli") || !b.InConflict("database", "mysqli") {
		t.Fatal("cancel did not bring the conflict back")
	}
	if b.CancelResolve("mysqli") {
		t.Fatal("cancelled twice")
	}
}

func TestDeleteAgainstEditBothWays(t *testing.T) {
	t.Run("deleted here, changed there", func(t *testing.T) {
		b, s := storeBackend(t)
		if err := b.DeleteConfig("database", "postgres"); err != nil {
			t.Fatal(err)
		}
		s.Put("database", "postgres", `{"host": "pg2"}`)
		if out := persist(t, b, "database", "postgres"); len(out.Conflicts) != 1 {
			t.Fatalf("persist %+v", out)
		}
		cv, _ := b.ConflictView("database", "postgres")
		if cv.FieldLevel || !cv.OursDeleted || cv.TheirsDeleted || cv.Ours[0] != "(deleted here)" || !slices.Contains(cv.Theirs, `  "host": "pg2"`) {
			t.Fatalf("view %+v", cv)
		}
		job, err := b.Resolve("database", "postgres", Resolution{All: SideOurs})
		if err != nil {
			t.Fatal(err)
		}
		if out := run(t, b, job); out.Err != nil || len(out.Conflicts) > 0 {
			t.Fatalf("delete anyway: %+v", out)
		}
		if got := stored(t, s, "database", "postgres"); got != "(missing)" {
			t.Fatalf("stored %s", got)
		}
	})
	t.Run("edited here, deleted there", func(t *testing.T) {
		b, s := storeBackend(t)
		if err := b.SetField("database", "postgres", "host", "mine"); err != nil {
			t.Fatal(err)
		}
		s.Remove("database", "postgres")
		if out := persist(t, b, "database", "postgres"); len(out.Conflicts) != 1 {
			t.Fatalf("persist %+v", out)
		}
		cv, _ := b.ConflictView("database", "postgres")
		if cv.FieldLevel || cv.OursDeleted || !cv.TheirsDeleted || cv.Theirs[0] != "(deleted by the other client)" || cv.Reason != "edited here, deleted by another client" {
			t.Fatalf("view %+v", cv)
		}
		job, err := b.Resolve("database", "postgres", Resolution{All: SideOurs})
		if err != nil {
			t.Fatal(err)
		}
		if got := summaryText(job.Summary()); !slices.Contains(got, "  + postgres  new") {
			t.Fatalf("keeping ours does not store it again: %q", got)
		}
		if out := run(t, b, job); out.Err != nil || len(out.Conflicts) > 0 {
			t.Fatalf("keep ours: %+v", out)
		}
		if got := stored(t, s, "database", "postgres"); got != `{"host": "mine"}` {
			t.Fatalf("stored %s", got)
		}
		snap, _ := s.Load(context.Background(), confo.LoadOptions{Targets: &confo.Targets{Lists: []string{"database"}}})
		if !slices.Contains(snap.Namespaces[0].List, "postgres") {
			t.Fatalf("not listed again: %v", snap.Namespaces[0].List)
		}
	})
}

func TestNotJSONTheirsIsShownAsBytes(t *testing.T) {
	b, s := storeBackend(t)
	if err := b.SetField("database", "postgres", "host", "mine"); err != nil {
		t.Fatal(err)
	}
	s.Put("database", "postgres", "\x1b]2;pwned\x07not json")
	persist(t, b, "database", "postgres")
	cv, err := b.ConflictView("database", "postgres")
	if err != nil {
		t.Fatal(err)
	}
	if len(cv.Theirs) != 2 || !strings.HasPrefix(cv.Theirs[0], "(not JSON: ") || cv.Theirs[1] != "\x1b]2;pwned\x07not json" {
		t.Fatalf("theirs %q", cv.Theirs)
	}
}

func TestRemoteNoteSaysMergeOrConflict(t *testing.T) {
	b, s := storeBackend(t)
	if err := b.SetField("database", "mysqli", "user", "admin"); err != nil {
		t.Fatal(err)
	}
	refreshAll(t, b)
	if note, _ := b.RemoteNote("database", "mysqli"); note != "" {
		t.Fatalf("note with nothing seen: %q", note)
	}
	s.Put("database", "mysqli", `{"host": "db.prod", "port": 3306, "user": "root"}`)
	refreshAll(t, b)
	if note, conflict := b.RemoteNote("database", "mysqli"); note != "another client changed host: persisting merges" || conflict {
		t.Fatalf("note %q %v", note, conflict)
	}
	if v, _ := b.Config("database", "mysqli"); v.Mark != MarkRemoteEdited || !v.Remote || b.RemoteCount() != 1 {
		t.Fatalf("view %+v, count %d", v, b.RemoteCount())
	}
	job, _ := b.PlanPersist(Scope{Namespace: "database"})
	if got := job.Summary().Lines(); !slices.ContainsFunc(got, func(l SummaryLine) bool { return l.Remark && l.Mark == MarkRemoteEdited }) {
		t.Fatalf("persist dialog says nothing of the merge: %+v", got)
	}
	s.Put("database", "mysqli", `{"host": "db.prod", "port": 3306, "user": "ops"}`)
	refreshAll(t, b)
	if note, conflict := b.RemoteNote("database", "mysqli"); note != "another client also changed user: persisting is a conflict (you choose per field)" || !conflict {
		t.Fatalf("note %q %v", note, conflict)
	}
	if fv := b.Fields("database", "mysqli"); fv.NoticeMark != MarkConflict || !strings.Contains(fv.Notice, "also changed user") {
		t.Fatalf("fields notice %q", fv.Notice)
	}
}

func TestCollidingKeysAreLockedAndNamed(t *testing.T) {
	s := confotest.NewMemStore(false)
	s.Put("a", "b-c", `{"v": 1}`)
	s.Put("a-b", "c", `{"v": 2}`)
	b := NewBackend("demo", s, confotest.Loaded(t, s), Options{})
	v, _ := b.Config("a", "b-c")
	if v.Mark != MarkLocked || v.Locked == nil || !strings.Contains(v.Locked.Error(), `config "c" in namespace "a-b"`) {
		t.Fatalf("view %+v", v)
	}
	if fv := b.Fields("a-b", "c"); fv.NoticeMark != MarkLocked || !strings.Contains(fv.Notice, `config "b-c" in namespace "a"`) {
		t.Fatalf("fields notice %q", fv.Notice)
	}
	for name, err := range map[string]error{
		"set field": b.SetField("a", "b-c", "v", "3"),
		"add field": b.AddField("a-b", "c", "w", "1"),
		"delete":    b.DeleteField("a", "b-c", "v"),
	} {
		if err == nil || !strings.Contains(err.Error(), "share the key") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := b.RenameConfig("a", "b-c", "d"); err != nil {
		t.Fatalf("renaming one away: %v", err)
	}
	if v, _ := b.Config("a-b", "c"); v.Locked != nil || v.Mark != MarkNone {
		t.Fatalf("after the rename %+v", v)
	}
}

// partialStore commits as a cluster whose persist another client stopped
// half way: mysqli written, postgres not.
type partialStore struct{ *confotest.MemStore }

func (s partialStore) Commit(ctx context.Context, changes []confo.NamespaceChange, opts confo.CommitOptions) ([]string, error) {
	theirs := confo.Conflict{Namespace: "database", Config: "postgres", Reason: "changed by another client"}
	return nil, &confo.PartialCommitError{Namespace: "database", Written: []string{"mysqli"},
		NotWritten: []confo.Conflict{theirs}, Err: &confo.ConflictError{Conflicts: []confo.Conflict{theirs}}}
}

// A partial commit reaches the UI as its conflicts and its own error,
// which says what was written: "nothing written" would be untrue.
func TestPartialCommitKeepsItsError(t *testing.T) {
	s := partialStore{confotest.NewMemStore(false)}
	s.Put("database", "mysqli", `{"host": "a"}`)
	s.Put("database", "postgres", `{"host": "b"}`)
	b := NewBackend("demo", s, confotest.Loaded(t, s.MemStore), Options{})
	for _, cfg := range []string{"mysqli", "postgres"} {
		if err := b.SetField("database", cfg, "host", `"c"`); err != nil {
			t.Fatal(err)
		}
	}
	job, err := b.PlanPersist(Scope{Namespace: "database"})
	if err != nil {
		t.Fatal(err)
	}
	out := run(t, b, job)
	if !slices.Equal(out.Conflicts, []string{"database/postgres"}) || !errors.Is(out.Err, confo.ErrPartialCommit) ||
		!strings.Contains(out.Err.Error(), "mysqli") {
		t.Fatalf("outcome %+v", out)
	}
}
