package confo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

func wantCollision(t *testing.T, err error, names ...string) {
	t.Helper()
	collision, ok := errors.AsType[*confo.KeyCollisionError](err)
	if !ok || !errors.Is(err, confo.ErrKeyCollision) || !errors.Is(err, confo.ErrInvalidName) {
		t.Fatalf("got %v, want a key collision", err)
	}
	for _, name := range names {
		if !strings.Contains(collision.Error(), name) {
			t.Fatalf("collision error %q does not name %s", collision, name)
		}
	}
}

// In Redis, config "b-c" of namespace "a" and config "c" of namespace
// "a-b" are both the key "a-b-c": every way of making the second is
// refused with an error naming both. The directory store has no such
// collisions.
func TestCollidingKeysAreRefusedOnEveryPath(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		collides := b.Type == confo.BackendRedis
		c := b.Open(t)
		ws := workspaceOf(t, c)
		check(t, c.CreateNamespace("a"))
		check(t, c.UseNamespace("a"))
		check(t, c.Set("b-c", mustDecode(t, `{"v": 1}`)))
		check(t, c.CreateNamespace("a-b"))
		check(t, c.Persist(ctx))

		check(t, c.UseNamespace("a-b"))
		if !collides {
			check(t, c.Set("c", mustDecode(t, `{}`)))
			check(t, c.CreateNamespace("a-b-c"))
			return
		}
		check(t, c.Set("x", mustDecode(t, `{}`)))
		paths := map[string]func() error{
			"set":         func() error { return c.Set("c", mustDecode(t, `{}`)) },
			"set field":   func() error { return c.SetField("c", "f", confo.IntValue(1)) },
			"rename":      func() error { return c.RenameConfig("x", "c") },
			"import":      func() error { return ws.Set("a-b", "c", mustDecode(t, `{"imported": true}`)) },
			"create (ns)": func() error { return c.CreateNamespace("a-b-c") },
		}
		for name, path := range paths {
			err := path()
			if name == "create (ns)" {
				wantCollision(t, err, `namespace "a-b-c"`, `config "b-c" in namespace "a"`)
				continue
			}
			wantCollision(t, err, `config "c" in namespace "a-b"`, `config "b-c" in namespace "a"`)
		}
		wantStored(t, b.Door, "a", "b-c", `{"v": 1}`)
	})
}

// Another client may create the other item after we loaded: the store
// refuses the write against what is registered and listed now, also with
// Overwrite, and writes nothing.
func TestTheStoreRefusesAKeyAnotherClientTookMeanwhile(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		if b.Type != confo.BackendRedis {
			t.Skip("no shared keys in the directory store")
		}
		ctx := context.Background()
		c := b.Open(t)
		check(t, c.CreateNamespace("a"))
		check(t, c.CreateNamespace("a-b"))
		check(t, c.Persist(ctx))

		other := b.Open(t)
		check(t, other.UseNamespace("a-b"))
		check(t, other.Set("c", mustDecode(t, `{"theirs": true}`)))
		check(t, other.Persist(ctx))

		check(t, c.UseNamespace("a"))
		check(t, c.Set("b-c", mustDecode(t, `{"ours": true}`)))
		for _, opts := range []confo.CommitOptions{{}, {Overwrite: true}} {
			err := c.PersistScope(ctx, confo.Scope{Namespace: "a"}, opts)
			wantCollision(t, err, `config "b-c" in namespace "a"`, `config "c" in namespace "a-b"`)
			if errors.Is(err, confo.ErrConflict) {
				t.Fatalf("a collision reported as a conflict: %v", err)
			}
		}
		wantStored(t, b.Door, "a-b", "c", `{"theirs": true}`)
		b.RequireConsistent(t)
	})
}

// Data that already collides when it is loaded is reported, and neither
// item can be written until one is renamed; renaming or deleting one
// leaves the other's data alone.
func TestLoadedCollisionsAreReportedAndNotWritten(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		client, prefix := redisOnly(t, b, "no shared keys in the directory store")
		ctx := context.Background()
		for k, v := range map[string]string{
			"confo": `{"namespaces": ["a", "a-b"]}`,
			"a":     `{"configurations": ["b", "b-c"]}`,
			"a-b":   `{"configurations": ["c"]}`,
			"a-b-c": `{"v": 1}`,
		} {
			check(t, client.Set(ctx, prefix+k, v, 0).Err())
		}
		c := b.Open(t)
		ws := workspaceOf(t, c)
		report, err := c.ReloadWith(ctx, confo.ReloadOptions{})
		check(t, err)
		warnings := strings.Join(report.Warnings, "\n")
		for _, want := range []string{`config "b-c" in namespace "a" and config "c" in namespace "a-b" share the key "a-b-c"`,
			`config "b" in namespace "a" and namespace "a-b" share the key "a-b"`} {
			if !strings.Contains(warnings, want) {
				t.Errorf("reload warnings lack %q:\n%s", want, warnings)
			}
		}
		if got := len(ws.Collisions()); got != 2 {
			t.Fatalf("%d collisions, want 2", got)
		}
		if ws.Namespace("a-b").ConfigKeyCollision("c") == nil || ws.Namespace("a-b").KeyCollision() == nil {
			t.Fatal("the colliding items are not marked")
		}
		// Reading is fine; writing either is not.
		check(t, c.UseNamespace("a-b"))
		if v, err := c.GetField("c", "v"); err != nil || v.Literal() != "1" {
			t.Fatalf("reading a colliding config: %v, %v", v, err)
		}
		wantCollision(t, c.SetField("c", "v", confo.IntValue(2)), `config "c" in namespace "a-b"`)
		check(t, c.UseNamespace("a"))
		wantCollision(t, c.SetField("b-c", "v", confo.IntValue(2)), `config "b-c" in namespace "a"`)
		wantCollision(t, c.Set("b", mustDecode(t, `{}`)), `config "b" in namespace "a"`)

		// Renaming one frees the key for the other; the key stays its.
		check(t, c.RenameConfig("b-c", "bc"))
		check(t, c.DeleteConfig("b"))
		check(t, c.Persist(ctx))
		wantStored(t, b.Door, "a", "bc", `{"v": 1}`)
		wantStored(t, b.Door, "a-b", "c", `{"v": 1}`)
		if got := client.Get(ctx, prefix+"a-b").Val(); got != `{"configurations": ["c"]}` {
			t.Fatalf("deleting config a/b touched the list of a-b: %s", got)
		}
		if got := client.Get(ctx, prefix+"a").Val(); got != `{"configurations": ["bc"]}` {
			t.Fatalf("list of a: %s", got)
		}
		if got := ws.Collisions(); len(got) != 0 {
			t.Fatalf("collisions after the rename: %v", got)
		}
		check(t, c.UseNamespace("a-b"))
		check(t, c.SetField("c", "v", confo.IntValue(2)))
		check(t, c.Persist(ctx))
		wantStored(t, b.Door, "a-b", "c", `{"v": 2}`)
		b.RequireConsistent(t)
	})
}

func TestFieldKeysWithControlCharactersAreRefused(t *testing.T) {
	store := confotest.NewMemStore(false)
	store.Put("ns", "cfg", `{"ok": 1, "bad\u001b]0;x\u0007": 2}`)
	ws := confotest.Loaded(t, store)
	for _, key := range []string{"a\x1b]52;c;eA==\x07", "tab\tkey", "c1\u009b", "bidi\u202e"} {
		if err := ws.SetField("ns", "cfg", key, confo.IntValue(1)); !errors.Is(err, confo.ErrInvalidName) {
			t.Errorf("SetField(%q) = %v", key, err)
		}
		v := confo.ObjectValue(confo.Member{Key: key, Value: confo.IntValue(1)})
		if err := ws.Set("ns", "new", v); !errors.Is(err, confo.ErrInvalidName) {
			t.Errorf("Set of a new config with key %q = %v", key, err)
		}
	}
	// A key another tool stored may stay; it is just not created here.
	v, err := ws.Get("ns", "cfg")
	check(t, err)
	v, err = v.WithField("ok", confo.IntValue(3))
	check(t, err)
	check(t, ws.Set("ns", "cfg", v))
	check(t, ws.DeleteField("ns", "cfg", "bad\x1b]0;x\x07"))
}

func TestPersistErrorsAreOneLineWithoutRepeats(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		client, prefix := redisOnly(t, b, "a malformed list is a Redis key")
		ctx := context.Background()
		c := seededWithEdit(t, b, "x")
		check(t, client.Set(ctx, prefix+"database", `{"configurations": ["mysqli"`, 0).Err())
		err := c.PersistNamespace(ctx, "database")
		if !errors.Is(err, confo.ErrMalformedKey) {
			t.Fatalf("persist into a malformed list: %v", err)
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || strings.Count(msg, "persist") > 1 || strings.Count(msg, "redis") > 1 {
			t.Fatalf("error %q: want one line, no repeated prefix", msg)
		}
	})
}
