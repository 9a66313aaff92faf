package confo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

func mustDecode(t *testing.T, s string) confo.Value {
	t.Helper()
	v, err := confo.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// seedDatabase creates the seed's database namespace and persists it.
func seedDatabase(t *testing.T, c *confo.Confo) {
	t.Helper()
	check(t, c.CreateNamespace("database"))
	check(t, c.UseNamespace("database"))
	check(t, c.Set("mysqli", mustDecode(t, `{"host": "localhost", "db_name": "sambe_db", "user": "root"}`)))
	check(t, c.Set("postgres", mustDecode(t, `{"host": "localhost", "db_name": "sambe_db", "user": "root123"}`)))
	check(t, c.Persist(context.Background()))
}

func wantStored(t *testing.T, door confotest.Door, ns, cfg, want string) {
	t.Helper()
	got, ok := door.Get(t, ns, cfg)
	if !ok {
		t.Fatalf("%s/%s is not stored, want %s", ns, cfg, want)
	}
	if got != want {
		t.Fatalf("%s/%s stored\n got %s\nwant %s", ns, cfg, got, want)
	}
}

func TestTwoInstancesShareThroughTheBackend(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		open, door := func() *confo.Confo { return b.Open(t) }, b.Door
		ctx := context.Background()
		first := open()
		seedDatabase(t, first)
		wantStored(t, door, "database", "mysqli", `{"host": "localhost", "db_name": "sambe_db", "user": "root"}`)

		second := open()
		check(t, second.UseNamespace("database"))
		check(t, first.SetField("mysqli", "user", confo.StringValue("maddox1")))
		check(t, first.PersistConfig(ctx, "database", "mysqli"))
		check(t, second.Reload(ctx))
		user, err := second.GetField("mysqli", "user")
		check(t, err)
		if user.Str() != "maddox1" {
			t.Fatalf("second instance sees user %s after reload, want maddox1", user)
		}
	})
}

func TestFieldEditRewritesOnlyThatField(t *testing.T) {
	const fixture = `{"host": "localhost", "port": 3306, "ratio": 1.0, "uni": "caf\u00e9 \u2603 \ud83d\ude00", "tags": ["a", null, true]}`
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		open, door := func() *confo.Confo { return b.Open(t) }, b.Door
		ctx := context.Background()
		c := open()
		seedDatabase(t, c)
		door.Put(t, "database", "mysqli", fixture)
		door.Put(t, "database", "postgres", `{"host":"compact",  "n": 1.50}`)
		check(t, c.Reload(ctx))
		check(t, c.SetField("mysqli", "port", confo.IntValue(3307)))
		check(t, c.PersistNamespace(ctx, "database"))
		wantStored(t, door, "database", "mysqli", strings.Replace(fixture, "3306", "3307", 1))
		// Untouched, even though it is not in Python's format.
		wantStored(t, door, "database", "postgres", `{"host":"compact",  "n": 1.50}`)
	})
}

func TestConflictWritesNothingOfTheNamespace(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		open, door := func() *confo.Confo { return b.Open(t) }, b.Door
		ctx := context.Background()
		c := open()
		seedDatabase(t, c)
		door.Put(t, "database", "mysqli", `{"host": "theirs"}`)
		check(t, c.SetField("mysqli", "host", confo.StringValue("ours")))
		check(t, c.SetField("postgres", "host", confo.StringValue("ours")))

		err := c.PersistNamespace(ctx, "database")
		var conflict *confo.ConflictError
		if !errors.As(err, &conflict) || !errors.Is(err, confo.ErrConflict) {
			t.Fatalf("persist after a change behind our back: got %v, want a ConflictError", err)
		}
		if len(conflict.Conflicts) != 1 || conflict.Conflicts[0].Config != "mysqli" {
			t.Fatalf("conflicts = %+v, want just mysqli", conflict.Conflicts)
		}
		if got := string(conflict.Conflicts[0].Theirs.Bytes); got != `{"host": "theirs"}` {
			t.Fatalf("conflict carries theirs = %q", got)
		}
		wantStored(t, door, "database", "mysqli", `{"host": "theirs"}`)
		wantStored(t, door, "database", "postgres", `{"host": "localhost", "db_name": "sambe_db", "user": "root123"}`)

		check(t, c.PersistScope(ctx, confo.Scope{Namespace: "database"}, confo.CommitOptions{Overwrite: true}))
		wantStored(t, door, "database", "mysqli", `{"host": "ours", "db_name": "sambe_db", "user": "root"}`)
		wantStored(t, door, "database", "postgres", `{"host": "ours", "db_name": "sambe_db", "user": "root123"}`)
	})
}

func TestDeletedBehindOurBackIsAConflict(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		open, door := func() *confo.Confo { return b.Open(t) }, b.Door
		ctx := context.Background()
		c := open()
		seedDatabase(t, c)
		door.Delete(t, "database", "postgres")
		check(t, c.SetField("postgres", "user", confo.StringValue("x")))
		if err := c.PersistConfig(ctx, "database", "postgres"); !errors.Is(err, confo.ErrConflict) {
			t.Fatalf("persist of a config deleted by another client: got %v, want ErrConflict", err)
		}
		if _, ok := door.Get(t, "database", "postgres"); ok {
			t.Fatal("the deleted config was written back despite the conflict")
		}
		ws, err := c.Workspace(c.Backends().Active)
		check(t, err)
		check(t, ws.KeepMine("database", "postgres"))
		check(t, c.PersistConfig(ctx, "database", "postgres"))
		wantStored(t, door, "database", "postgres", `{"host": "localhost", "db_name": "sambe_db", "user": "x"}`)
	})
}

func TestReloadKeepsOrDiscardsLocalEdits(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		open, door := func() *confo.Confo { return b.Open(t) }, b.Door
		ctx := context.Background()
		c := open()
		seedDatabase(t, c)
		ws, err := c.Workspace(c.Backends().Active)
		check(t, err)

		check(t, c.SetField("mysqli", "user", confo.StringValue("mine")))
		door.Put(t, "database", "postgres", `{"user": "theirs"}`)
		report, err := c.ReloadWith(ctx, confo.ReloadOptions{})
		check(t, err)
		if report.Changed != 1 || report.Conflicts != 0 {
			t.Fatalf("reload report %+v, want 1 changed, 0 conflicts", report)
		}
		if got, _ := c.GetField("mysqli", "user"); got.Str() != "mine" {
			t.Fatalf("reload dropped the local edit: user = %s", got)
		}
		if got, _ := c.GetField("postgres", "user"); got.Str() != "theirs" {
			t.Fatalf("reload did not bring their change: user = %s", got)
		}

		door.Put(t, "database", "mysqli", `{"user": "theirs too"}`)
		_, err = c.ReloadWith(ctx, confo.ReloadOptions{Namespace: "database"})
		check(t, err)
		if st := ws.Namespace("database").Config("mysqli").Status(); st != confo.StatusConflict {
			t.Fatalf("config changed on both sides has status %s, want conflict", st)
		}

		_, err = c.ReloadWith(ctx, confo.ReloadOptions{Discard: true})
		check(t, err)
		if got, _ := c.GetField("mysqli", "user"); got.Str() != "theirs too" {
			t.Fatalf("discarding reload kept user = %s", got)
		}
		if ws.DirtyCount() != 0 {
			t.Fatalf("%d dirty items after a discarding reload", ws.DirtyCount())
		}
	})
}

func TestDeleteRenameAndNamespaceLifecycle(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		open, door := func() *confo.Confo { return b.Open(t) }, b.Door
		ctx := context.Background()
		c := open()
		seedDatabase(t, c)
		check(t, c.RenameConfig("postgres", "pg"))
		check(t, c.DeleteField("mysqli", "user"))
		check(t, c.Persist(ctx))
		if _, ok := door.Get(t, "database", "postgres"); ok {
			t.Fatal("renamed config still stored under its old name")
		}
		wantStored(t, door, "database", "pg", `{"host": "localhost", "db_name": "sambe_db", "user": "root123"}`)
		wantStored(t, door, "database", "mysqli", `{"host": "localhost", "db_name": "sambe_db"}`)

		other := open()
		check(t, other.UseNamespace("database"))
		all, err := other.GetAll()
		check(t, err)
		if len(all) != 2 || all["pg"].Len() != 3 {
			t.Fatalf("a fresh instance sees %v", all)
		}

		check(t, c.DeleteNamespace("database"))
		check(t, c.Persist(ctx))
		if _, ok := door.Get(t, "database", "mysqli"); ok {
			t.Fatal("deleted namespace's config is still stored")
		}
		fresh := open()
		list, err := fresh.Namespaces()
		check(t, err)
		if len(list.All) != 0 {
			t.Fatalf("namespaces after deleting the only one: %v", list.All)
		}
	})
}

func TestErrorsTellWhatIsMissing(t *testing.T) {
	c := confo.New()
	if err := c.UseNamespace("x"); !errors.Is(err, confo.ErrNoActiveBackend) {
		t.Fatalf("UseNamespace without a backend: %v", err)
	}
	if err := c.ActivateBackend("nope"); !errors.Is(err, confo.ErrBackendNotFound) {
		t.Fatalf("ActivateBackend of an unknown backend: %v", err)
	}
	if err := c.LoadBackend(context.Background(), "x", "s3", nil); !errors.Is(err, confo.ErrUnknownType) {
		t.Fatalf("LoadBackend of an unknown type: %v", err)
	}
	if err := c.LoadBackend(context.Background(), "x", confo.BackendRedis, map[string]any{"redis_port": "abc"}); !errors.Is(err, confo.ErrBadCredentials) {
		t.Fatalf("LoadBackend with a bad port: %v", err)
	}
	if err := c.LoadBackend(context.Background(), "x", confo.BackendRedis, map[string]any{"redis_host": "127.0.0.1", "redis_port": redisserver.FreePort(t)}); !errors.Is(err, confo.ErrUnreachable) {
		t.Fatalf("LoadBackend of a closed port: %v", err)
	}

	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		c := b.Open(t)
		if _, err := c.Get("x"); !errors.Is(err, confo.ErrNoNamespace) {
			t.Fatalf("Get without a namespace: %v", err)
		}
		if err := c.UseNamespace("nope"); !errors.Is(err, confo.ErrNamespaceNotFound) {
			t.Fatalf("UseNamespace of an unknown namespace: %v", err)
		}
		seedDatabase(t, c)
		if _, err := c.Get("nope"); !errors.Is(err, confo.ErrConfigNotFound) {
			t.Fatalf("Get of an unknown config: %v", err)
		}
		if _, err := c.GetField("mysqli", "nope"); !errors.Is(err, confo.ErrFieldNotFound) {
			t.Fatalf("GetField of an unknown field: %v", err)
		}
		if err := c.CreateNamespace("confo"); !errors.Is(err, confo.ErrInvalidName) {
			t.Fatalf("CreateNamespace(confo): %v", err)
		}
		if err := c.CreateNamespace("database"); !errors.Is(err, confo.ErrNamespaceExists) {
			t.Fatalf("CreateNamespace of an existing namespace: %v", err)
		}
		// Only Redis keeps namespace lists and configs in one keyspace.
		redisKeys := b.Type == confo.BackendRedis
		if err := c.CreateNamespace("database-mysqli"); redisKeys != errors.Is(err, confo.ErrInvalidName) {
			t.Fatalf("a namespace whose list key is a config's key: %v", err)
		}
	})
}
