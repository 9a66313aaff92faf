package confo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

func workspaceOf(t *testing.T, c *confo.Confo) *confo.Workspace {
	t.Helper()
	ws, err := c.Workspace(c.Backends().Active)
	check(t, err)
	return ws
}

func wantConflictKind(t *testing.T, err error, kind confo.ConflictKind) *confo.ConflictError {
	t.Helper()
	conflict, ok := errors.AsType[*confo.ConflictError](err)
	if !ok || !errors.Is(err, confo.ErrConflict) {
		t.Fatalf("got %v, want a conflict", err)
	}
	for _, cf := range conflict.Conflicts {
		if cf.Kind == kind {
			return conflict
		}
	}
	t.Fatalf("conflicts %+v lack one of kind %d", conflict.Conflicts, kind)
	return nil
}

// otherClientDeletes removes a config (or, with cfg "", a namespace) as
// another confo client would, and persists.
func otherClientDeletes(t *testing.T, b *confotest.Backend, ns, cfg string) {
	t.Helper()
	other := b.Open(t)
	if cfg == "" {
		check(t, other.DeleteNamespace(ns))
	} else {
		check(t, other.UseNamespace(ns))
		check(t, other.DeleteConfig(cfg))
	}
	check(t, other.Persist(context.Background()))
}

// seededWithEdit seeds the database namespace and sets mysqli.user here.
func seededWithEdit(t *testing.T, b *confotest.Backend, user string) *confo.Confo {
	t.Helper()
	c := b.Open(t)
	seedDatabase(t, c)
	check(t, c.SetField("mysqli", "user", confo.StringValue(user)))
	return c
}

// redisOnly skips a test on the directory store, saying why, and returns
// the Redis client and key prefix.
func redisOnly(t *testing.T, b *confotest.Backend, why string) (redis.UniversalClient, string) {
	t.Helper()
	client, prefix, ok := b.Redis()
	if !ok {
		t.Skip(why)
	}
	return client, prefix
}

func wantNotStored(t *testing.T, door confotest.Door, ns, cfg string) {
	t.Helper()
	if got, ok := door.Get(t, ns, cfg); ok {
		t.Fatalf("%s/%s is stored (%s), want nothing", ns, cfg, got)
	}
}

// The TUI scenario in library form: a new config in a namespace
// that another client removes, registry entry and all, before the persist.
func TestPersistIntoARemovedNamespaceWritesNothing(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		c := b.Open(t)
		seedDatabase(t, c)
		check(t, c.Set("brandnew", mustDecode(t, `{"f": 1}`)))

		otherClientDeletes(t, b, "database", "")

		err := c.PersistNamespace(ctx, "database")
		wantConflictKind(t, err, confo.ConflictNamespaceDeleted)
		wantNotStored(t, b.Door, "database", "brandnew")
		b.RequireConsistent(t)

		// The new config is now a conflict (gone on their side); keeping
		// ours registers the namespace again with it listed.
		ws := workspaceOf(t, c)
		if st := ws.Namespace("database").Config("brandnew").Status(); st != confo.StatusConflict {
			t.Fatalf("brandnew has status %s after the conflict, want conflict", st)
		}
		cf, ok := ws.Namespace("database").Config("brandnew").Conflict()
		if !ok || cf.FieldLevel {
			t.Fatalf("conflict of brandnew: %+v, %v", cf, ok)
		}
		check(t, ws.KeepMine("database", "brandnew"))
		check(t, c.PersistConfig(ctx, "database", "brandnew"))
		wantStored(t, b.Door, "database", "brandnew", `{"f": 1}`)
		st := b.RequireConsistent(t)
		if st.Namespaces != 1 || st.Configs != 1 {
			t.Fatalf("after keeping ours: %+v, want database with brandnew only", st)
		}
		fresh := b.Open(t)
		check(t, fresh.UseNamespace("database"))
		if v, err := fresh.GetField("brandnew", "f"); err != nil || v.Literal() != "1" {
			t.Fatalf("a fresh client reads brandnew.f = %v, %v", v, err)
		}
	})
}

// The same after the server lost everything (a restart without
// persistence): nothing is registered any more.
func TestPersistAfterTheBackendWasEmptiedWritesNothing(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		c := b.Open(t)
		seedDatabase(t, c)
		check(t, c.Set("brandnew", mustDecode(t, `{"f": 1}`)))
		check(t, c.SetField("mysqli", "user", confo.StringValue("x")))
		b.Wipe(t)

		err := c.PersistNamespace(ctx, "database")
		wantConflictKind(t, err, confo.ConflictNamespaceDeleted)
		if st := b.RequireConsistent(t); st.Configs != 0 || st.Orphans != nil {
			t.Fatalf("after a refused persist into an emptied backend: %+v", st)
		}
	})
}

// Overwriting a config another client deleted (key and list entry) lists
// it again: the next reload finds it, not "removed remotely".
func TestKeepMineOverARemoteDeleteListsItAgain(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		c := seededWithEdit(t, b, "mine")
		otherClientDeletes(t, b, "database", "mysqli")

		err := c.PersistConfig(ctx, "database", "mysqli")
		if !errors.Is(err, confo.ErrConflict) {
			t.Fatalf("persist over a remote delete: %v, want a conflict", err)
		}
		wantNotStored(t, b.Door, "database", "mysqli")
		ws := workspaceOf(t, c)
		check(t, ws.KeepMine("database", "mysqli"))
		check(t, c.PersistConfig(ctx, "database", "mysqli"))
		wantStored(t, b.Door, "database", "mysqli", `{"host": "localhost", "db_name": "sambe_db", "user": "mine"}`)
		b.RequireConsistent(t)
		report, err := c.ReloadWith(ctx, confo.ReloadOptions{})
		check(t, err)
		if report.Removed != 0 || report.Conflicts != 0 {
			t.Fatalf("reload after keeping ours: %+v", report)
		}
	})
}

// The store's own rule, with Overwrite: writing into a namespace another
// client removed registers it again rather than leaving the write
// unreachable.
func TestOverwriteIntoARemovedNamespaceRegistersIt(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		c := seededWithEdit(t, b, "mine")
		otherClientDeletes(t, b, "database", "")

		check(t, c.PersistScope(ctx, confo.Scope{Namespace: "database", Config: "mysqli"}, confo.CommitOptions{Overwrite: true}))
		wantStored(t, b.Door, "database", "mysqli", `{"host": "localhost", "db_name": "sambe_db", "user": "mine"}`)
		if st := b.RequireConsistent(t); st.Namespaces != 1 || st.Configs != 1 {
			t.Fatalf("after overwrite: %+v", st)
		}
	})
}

// A config written as a listed one that another client took out of the
// list (leaving its key, as a cluster delete does half way) is a conflict,
// not a write nobody can reach.
func TestRedisWriteOfAConfigUnlistedMeanwhileIsAConflict(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		client, prefix := redisOnly(t, b, "only Redis keeps lists apart from keys")
		ctx := context.Background()
		c := seededWithEdit(t, b, "mine")
		check(t, client.Set(ctx, prefix+"database", `{"configurations": ["postgres"]}`, 0).Err())

		err := c.PersistConfig(ctx, "database", "mysqli")
		if !errors.Is(err, confo.ErrConflict) {
			t.Fatalf("persist of a config unlisted meanwhile: %v", err)
		}
		wantStored(t, b.Door, "database", "mysqli", `{"host": "localhost", "db_name": "sambe_db", "user": "root"}`)
		ws := workspaceOf(t, c)
		// Keeping ours lists it again; the key still holds what we loaded,
		// which the next persist finds and merges with.
		check(t, ws.KeepMine("database", "mysqli"))
		err = c.PersistConfig(ctx, "database", "mysqli")
		if errors.Is(err, confo.ErrConflict) {
			check(t, ws.KeepMine("database", "mysqli"))
			err = c.PersistConfig(ctx, "database", "mysqli")
		}
		check(t, err)
		wantStored(t, b.Door, "database", "mysqli", `{"host": "localhost", "db_name": "sambe_db", "user": "mine"}`)
		b.RequireConsistent(t)
	})
}
