package confo_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

// mergeFixture is mysqli as another tool wrote it: not json.dumps's
// spacing, so a test can tell kept bytes from re-encoded ones.
const mergeFixture = `{"host":"localhost",  "db_name": "sambe_db", "user":"root", "port" : 3306}`

// loadedFixture seeds the database namespace, stores mysqli as
// mergeFixture and reloads, so the base of mysqli is those bytes.
func loadedFixture(t *testing.T, b *confotest.Backend) (*confo.Confo, *confo.Workspace) {
	t.Helper()
	c := b.Open(t)
	seedDatabase(t, c)
	b.Door.Put(t, "database", "mysqli", mergeFixture)
	_, err := c.ReloadWith(context.Background(), confo.ReloadOptions{Discard: true})
	check(t, err)
	return c, workspaceOf(t, c)
}

func persistReport(t *testing.T, c *confo.Confo, scope confo.Scope, opts confo.CommitOptions) (confo.PersistResult, error) {
	t.Helper()
	store, err := c.Store(c.Backends().Active)
	check(t, err)
	return confo.PersistReport(context.Background(), store, workspaceOf(t, c), scope, opts)
}

func TestEditsOfDifferentFieldsMerge(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		c, ws := loadedFixture(t, b)
		check(t, c.SetField("mysqli", "user", confo.StringValue("mine")))
		b.Door.Put(t, "database", "mysqli", `{"host":"db.prod",  "db_name": "sambe_db", "user":"root", "port" : 3306}`)

		r, err := persistReport(t, c, confo.Scope{Namespace: "database"}, confo.CommitOptions{})
		check(t, err)
		// Their bytes, our user: every other field as they stored it.
		wantStored(t, b.Door, "database", "mysqli", `{"host":"db.prod",  "db_name": "sambe_db", "user":"mine", "port" : 3306}`)
		want := []confo.MergeNote{{Namespace: "database", Config: "mysqli", TheirFields: []string{"host"}}}
		if !slices.EqualFunc(r.Merged, want, func(a, b confo.MergeNote) bool {
			return a.Namespace == b.Namespace && a.Config == b.Config && slices.Equal(a.TheirFields, b.TheirFields)
		}) {
			t.Fatalf("merged = %+v, want %+v", r.Merged, want)
		}
		if got := r.Merged[0].String(); got != "database/mysqli: merged with another client's change to host" {
			t.Errorf("merge note reads %q", got)
		}
		cfg := ws.Namespace("database").Config("mysqli")
		if cfg.Status() != confo.StatusClean {
			t.Fatalf("after the merge mysqli is %s", cfg.Status())
		}
		if host, _ := c.GetField("mysqli", "host"); host.Str() != "db.prod" {
			t.Fatalf("after the merge the workspace has host %s", host)
		}
		b.RequireConsistent(t)
	})
}

// With NoMerge (import's whole-config semantics) the same is a conflict.
func TestNoMergeKeepsWholeConfigConflicts(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		c, _ := loadedFixture(t, b)
		check(t, c.SetField("mysqli", "user", confo.StringValue("mine")))
		theirs := `{"host":"db.prod",  "db_name": "sambe_db", "user":"root", "port" : 3306}`
		b.Door.Put(t, "database", "mysqli", theirs)
		_, err := persistReport(t, c, confo.Scope{Namespace: "database"}, confo.CommitOptions{NoMerge: true})
		if !errors.Is(err, confo.ErrConflict) {
			t.Fatalf("NoMerge persist over a change of another field: %v, want a conflict", err)
		}
		wantStored(t, b.Door, "database", "mysqli", theirs)
	})
}

func TestEditsOfTheSameFieldConflictPerField(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		c, ws := loadedFixture(t, b)
		check(t, c.SetField("mysqli", "user", confo.StringValue("mine")))
		check(t, c.SetField("mysqli", "port", confo.IntValue(3307)))
		check(t, c.SetField("mysqli", "tls", confo.BoolValue(true)))
		theirs := `{"host":"db.prod",  "db_name": "sambe_db", "user":"theirs", "port" : 3308}`
		b.Door.Put(t, "database", "mysqli", theirs)

		err := c.PersistNamespace(ctx, "database")
		if !errors.Is(err, confo.ErrConflict) {
			t.Fatalf("persist over a change of the same field: %v", err)
		}
		wantStored(t, b.Door, "database", "mysqli", theirs)
		cfg := ws.Namespace("database").Config("mysqli")
		cf, ok := cfg.Conflict()
		if !ok || !cf.FieldLevel || len(cf.Fields) != 2 {
			t.Fatalf("conflict = %+v, %v; want user and port", cf, ok)
		}
		user := cf.Fields[0]
		if user.Field != "user" || user.Base.Value.Str() != "root" || user.Ours.Value.Str() != "mine" || user.Theirs.Value.Str() != "theirs" {
			t.Fatalf("user conflict = %+v", user)
		}
		if !slices.Equal(cf.TheirFields, []string{"host", "port", "user"}) {
			t.Fatalf("their fields = %v", cf.TheirFields)
		}

		// Deciding one field leaves the config in conflict.
		check(t, ws.ChooseField("database", "mysqli", "user", confo.SideOurs))
		if cfg.Status() != confo.StatusConflict {
			t.Fatalf("one of two fields decided: status %s", cfg.Status())
		}
		if err := ws.ChooseField("database", "mysqli", "host", confo.SideOurs); err == nil {
			t.Fatal("choosing a side for a field that is not in conflict was accepted")
		}
		check(t, ws.ChooseField("database", "mysqli", "port", confo.SideTheirs))
		if cfg.Status() != confo.StatusModified {
			t.Fatalf("both fields decided: status %s", cfg.Status())
		}
		check(t, c.PersistNamespace(ctx, "database"))
		wantStored(t, b.Door, "database", "mysqli", `{"host":"db.prod",  "db_name": "sambe_db", "user":"mine", "port" : 3308, "tls": true}`)
		b.RequireConsistent(t)
	})
}

func TestKeepMineAndTakeTheirsDecideEveryField(t *testing.T) {
	const theirs = `{"host":"db.prod",  "db_name": "sambe_db", "user":"theirs", "port" : 3306}`
	for _, tc := range []struct {
		name    string
		resolve func(ws *confo.Workspace) error
		want    string
	}{
		{"keep mine", func(ws *confo.Workspace) error { return ws.KeepMine("database", "mysqli") },
			`{"host":"db.prod",  "db_name": "sambe_db", "user":"mine", "port" : 3306, "tls": true}`},
		{"take theirs", func(ws *confo.Workspace) error { return ws.TakeTheirs("database", "mysqli") },
			`{"host":"db.prod",  "db_name": "sambe_db", "user":"theirs", "port" : 3306, "tls": true}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
				ctx := context.Background()
				c, ws := loadedFixture(t, b)
				check(t, c.SetField("mysqli", "user", confo.StringValue("mine")))
				check(t, c.SetField("mysqli", "tls", confo.BoolValue(true)))
				b.Door.Put(t, "database", "mysqli", theirs)
				if err := c.PersistNamespace(ctx, "database"); !errors.Is(err, confo.ErrConflict) {
					t.Fatalf("persist: %v", err)
				}
				check(t, tc.resolve(ws))
				check(t, c.PersistNamespace(ctx, "database"))
				wantStored(t, b.Door, "database", "mysqli", tc.want)
			})
		})
	}
}

// A decision that writes still goes through the check: if another client
// changes the config again meanwhile, the persist finds it.
func TestAResolvedConflictIsCheckedAgain(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		c, ws := loadedFixture(t, b)
		check(t, c.SetField("mysqli", "user", confo.StringValue("mine")))
		b.Door.Put(t, "database", "mysqli", `{"host":"localhost",  "db_name": "sambe_db", "user":"theirs", "port" : 3306}`)
		if err := c.PersistNamespace(ctx, "database"); !errors.Is(err, confo.ErrConflict) {
			t.Fatalf("persist: %v", err)
		}
		check(t, ws.KeepMine("database", "mysqli"))
		again := `{"host":"localhost",  "db_name": "sambe_db", "user":"again", "port" : 3306}`
		b.Door.Put(t, "database", "mysqli", again)
		if err := c.PersistNamespace(ctx, "database"); !errors.Is(err, confo.ErrConflict) {
			t.Fatalf("persist after a second change of the same field: %v", err)
		}
		wantStored(t, b.Door, "database", "mysqli", again)
	})
}

func TestDeleteAgainstEditIsAConflictBothWays(t *testing.T) {
	ctx := context.Background()
	t.Run("deleted here, changed there", func(t *testing.T) {
		confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
			c, ws := loadedFixture(t, b)
			check(t, c.DeleteConfig("mysqli"))
			theirs := `{"host":"db.prod",  "db_name": "sambe_db", "user":"root", "port" : 3306}`
			b.Door.Put(t, "database", "mysqli", theirs)
			if err := c.PersistNamespace(ctx, "database"); !errors.Is(err, confo.ErrConflict) {
				t.Fatalf("delete over a change: %v", err)
			}
			wantStored(t, b.Door, "database", "mysqli", theirs)
			if cf, _ := ws.Namespace("database").Config("mysqli").Conflict(); cf.FieldLevel {
				t.Fatalf("a delete against an edit is field level: %+v", cf)
			}
			check(t, ws.TakeTheirs("database", "mysqli"))
			if got, err := c.GetField("mysqli", "host"); err != nil || got.Str() != "db.prod" {
				t.Fatalf("after taking theirs: host %v, %v", got, err)
			}
			check(t, c.DeleteConfig("mysqli"))
			check(t, c.PersistNamespace(ctx, "database"))
			wantNotStored(t, b.Door, "database", "mysqli")
			b.RequireConsistent(t)
		})
	})
	t.Run("changed here, deleted there", func(t *testing.T) {
		confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
			c, ws := loadedFixture(t, b)
			check(t, c.SetField("mysqli", "user", confo.StringValue("mine")))
			otherClientDeletes(t, b, "database", "mysqli")
			if err := c.PersistNamespace(ctx, "database"); !errors.Is(err, confo.ErrConflict) {
				t.Fatalf("edit over a delete: %v", err)
			}
			wantNotStored(t, b.Door, "database", "mysqli")
			check(t, ws.TakeTheirs("database", "mysqli"))
			if ws.Namespace("database").Config("mysqli") != nil {
				t.Fatal("taking their delete kept the config")
			}
			b.RequireConsistent(t)
		})
	})
	t.Run("deleted on both sides", func(t *testing.T) {
		confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
			c, _ := loadedFixture(t, b)
			check(t, c.DeleteConfig("mysqli"))
			otherClientDeletes(t, b, "database", "mysqli")
			check(t, c.PersistNamespace(ctx, "database"))
			b.RequireConsistent(t)
		})
	})
}

// A reload that keeps local edits puts them on top of their change when
// the two touch different fields: no conflict, and the edit persists.
func TestReloadKeepsEditsOnTopOfTheirOtherFields(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		c, ws := loadedFixture(t, b)
		check(t, c.SetField("mysqli", "user", confo.StringValue("mine")))
		b.Door.Put(t, "database", "mysqli", `{"host":"db.prod",  "db_name": "sambe_db", "user":"root", "port" : 3306}`)
		report, err := c.ReloadWith(ctx, confo.ReloadOptions{Namespace: "database"})
		check(t, err)
		if report.Conflicts != 0 {
			t.Fatalf("reload report %+v: a change of another field is no conflict", report)
		}
		cfg := ws.Namespace("database").Config("mysqli")
		if cfg.Status() != confo.StatusModified {
			t.Fatalf("mysqli is %s after the reload", cfg.Status())
		}
		v, err := c.Get("mysqli")
		check(t, err)
		if h, _ := v.Field("host"); h.Str() != "db.prod" {
			t.Fatalf("after the reload host = %s", h)
		}
		if u, _ := v.Field("user"); u.Str() != "mine" {
			t.Fatalf("after the reload user = %s", u)
		}
		check(t, c.PersistNamespace(ctx, "database"))
		wantStored(t, b.Door, "database", "mysqli", `{"host":"db.prod",  "db_name": "sambe_db", "user":"mine", "port" : 3306}`)
	})
}

// Both sides creating the same config with different fields merge; with
// the same field, it is a conflict.
func TestConcurrentCreationsMergeByField(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		c := b.Open(t)
		seedDatabase(t, c)
		other := b.Open(t)
		check(t, other.UseNamespace("database"))
		check(t, c.SetField("newcfg", "a", confo.IntValue(1)))
		check(t, other.SetField("newcfg", "b", confo.IntValue(2)))
		check(t, other.Persist(ctx))
		check(t, c.PersistNamespace(ctx, "database"))
		wantStored(t, b.Door, "database", "newcfg", `{"b": 2, "a": 1}`)

		check(t, c.SetField("other", "a", confo.IntValue(1)))
		check(t, other.SetField("other", "a", confo.IntValue(2)))
		check(t, other.Persist(ctx))
		if err := c.PersistNamespace(ctx, "database"); !errors.Is(err, confo.ErrConflict) {
			t.Fatalf("both created other.a: %v", err)
		}
		b.RequireConsistent(t)
	})
}

// In a namespace with one config that merges and one that does not, only
// the second is a conflict; nothing is written until it is resolved, and
// then the first merges.
func TestOnlyConfigsThatDoNotMergeAreConflicts(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		c, ws := loadedFixture(t, b)
		check(t, c.SetField("mysqli", "user", confo.StringValue("mine")))
		check(t, c.SetField("postgres", "user", confo.StringValue("mine")))
		b.Door.Put(t, "database", "mysqli", `{"host":"db.prod",  "db_name": "sambe_db", "user":"root", "port" : 3306}`)
		b.Door.Put(t, "database", "postgres", `{"host": "localhost", "db_name": "sambe_db", "user": "theirs"}`)

		err := c.PersistNamespace(ctx, "database")
		conflict, ok := errors.AsType[*confo.ConflictError](err)
		if !ok || len(conflict.Conflicts) != 1 || conflict.Conflicts[0].Config != "postgres" {
			t.Fatalf("persist: %v; want postgres alone in conflict", err)
		}
		if st := ws.Namespace("database").Config("mysqli").Status(); st != confo.StatusModified {
			t.Fatalf("mysqli, which merges, is %s", st)
		}
		wantStored(t, b.Door, "database", "mysqli", `{"host":"db.prod",  "db_name": "sambe_db", "user":"root", "port" : 3306}`)
		check(t, ws.TakeTheirs("database", "postgres"))
		r, err := persistReport(t, c, confo.Scope{Namespace: "database"}, confo.CommitOptions{})
		check(t, err)
		if len(r.Merged) != 1 || r.Merged[0].Config != "mysqli" {
			t.Fatalf("merged %+v, want mysqli", r.Merged)
		}
		wantStored(t, b.Door, "database", "mysqli", `{"host":"db.prod",  "db_name": "sambe_db", "user":"mine", "port" : 3306}`)
		wantStored(t, b.Door, "database", "postgres", `{"host": "localhost", "db_name": "sambe_db", "user": "theirs"}`)
		b.RequireConsistent(t)
	})
}
