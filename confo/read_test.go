package confo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// openStore opens a suite backend's store, unloaded.
func openStore(t *testing.T, b *confotest.Backend) confo.Store {
	t.Helper()
	s, err := confo.OpenStore(context.Background(), b.Type, b.Creds)
	check(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func exported(t *testing.T, s confo.Store, opts confo.ExportOptions) string {
	t.Helper()
	var out bytes.Buffer
	check(t, confo.Export(context.Background(), s, &out, opts))
	return out.String()
}

func TestHeadlessReads(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		s := openStore(t, b)
		if names, err := confo.ReadRegistry(ctx, s); err != nil || len(names) != 0 {
			t.Fatalf("registry of an empty backend: %q, %v", names, err)
		}
		if got := exported(t, s, confo.ExportOptions{}); got != "{}\n" {
			t.Fatalf("export of an empty backend: %q", got)
		}
		c := b.Open(t)
		seedDatabase(t, c)
		check(t, c.CreateNamespace("sales"))
		check(t, c.CreateNamespace("empty"))
		check(t, c.UseNamespace("sales"))
		check(t, c.Set("leads", mustDecode(t, `[1, 2.50, "x"]`)))
		check(t, c.Persist(ctx))
		// Stored bytes are exported as they are, not re-encoded.
		b.Door.Put(t, "database", "postgres", `{"host":"compact",  "n": 1.50}`)

		if names, err := confo.ReadRegistry(ctx, s); err != nil || !slices.Equal(names, []string{"database", "empty", "sales"}) {
			t.Fatalf("registry: %q, %v", names, err)
		}
		got, err := confo.ReadConfig(ctx, s, "database", "postgres")
		if err != nil || string(got) != `{"host":"compact",  "n": 1.50}` {
			t.Fatalf("ReadConfig: %s, %v", got, err)
		}
		if _, err := confo.ReadConfig(ctx, s, "nope", "x"); !errors.Is(err, confo.ErrNamespaceNotFound) {
			t.Fatalf("ReadConfig of a missing namespace: %v", err)
		}
		if _, err := confo.ReadConfig(ctx, s, "database", "nope"); !errors.Is(err, confo.ErrConfigNotFound) {
			t.Fatalf("ReadConfig of a missing config: %v", err)
		}
		mysqli := `{"host": "localhost", "db_name": "sambe_db", "user": "root"}`
		want := `{"database": {"mysqli": ` + mysqli + `, "postgres": {"host":"compact",  "n": 1.50}}, "empty": {}, "sales": {"leads": [1, 2.50, "x"]}}` + "\n"
		if got := exported(t, s, confo.ExportOptions{}); got != want {
			t.Fatalf("export:\n got %s\nwant %s", got, want)
		}
		if got := exported(t, s, confo.ExportOptions{Namespaces: []string{"sales", "empty"}}); got != `{"sales": {"leads": [1, 2.50, "x"]}, "empty": {}}`+"\n" {
			t.Fatalf("export of two namespaces: %s", got)
		}
		var out bytes.Buffer
		check(t, confo.WriteNamespace(ctx, s, "sales", &out, false))
		if out.String() != `{"leads": [1, 2.50, "x"]}`+"\n" {
			t.Fatalf("WriteNamespace: %s", out.String())
		}
		if err := confo.Export(ctx, s, &out, confo.ExportOptions{Namespaces: []string{"nope"}}); !errors.Is(err, confo.ErrNamespaceNotFound) {
			t.Fatalf("export of a missing namespace: %v", err)
		}

		// Bad configs are errors naming each of them, never an omission.
		b.Door.Put(t, "database", "postgres", `{"host": "trunc`)
		b.Door.Put(t, "sales", "leads", ``)
		for _, read := range []func() error{
			func() error { _, err := confo.ReadConfig(ctx, s, "database", "postgres"); return err },
			func() error { return confo.Export(ctx, s, &out, confo.ExportOptions{}) },
			func() error { return confo.WriteNamespace(ctx, s, "database", &out, false) },
		} {
			out.Reset()
			err := read()
			var bad *confo.BadDataError
			if !errors.As(err, &bad) && !errors.Is(err, confo.ErrBadData) || !strings.Contains(err.Error(), "database/postgres") ||
				!strings.Contains(err.Error(), "not JSON") || !strings.Contains(err.Error(), s.Naming().ConfigKey("database", "postgres")) {
				t.Errorf("read of a truncated config: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error of more than one line: %q", err)
			}
			if out.Len() > 0 && confo.Valid(out.Bytes()) == nil {
				t.Errorf("output with a bad config is valid JSON: %s", out.String())
			}
		}
		out.Reset()
		err = confo.Export(ctx, s, &out, confo.ExportOptions{})
		if !strings.Contains(err.Error(), "sales/leads") || !strings.Contains(err.Error(), "2 configs") {
			t.Errorf("export names the first bad config only: %v", err)
		}
	})
}

// TestHeadlessReadsRefuseUnreadableLists: a truncated or mistyped list or
// registry is an error naming the key, never an empty result.
func TestHeadlessReadsRefuseUnreadableLists(t *testing.T) {
	for _, server := range redisserver.Kinds() {
		t.Run(server.Name, func(t *testing.T) {
			ctx := context.Background()
			addr := server.Start(t)
			rdb := redis.NewClient(&redis.Options{Addr: addr})
			defer rdb.Close()
			s, err := confo.OpenRedis(ctx, confo.RedisConfig{Addr: addr})
			check(t, err)
			defer s.Close()
			check(t, rdb.Set(ctx, "confo", `{"namespaces": ["database"]}`, 0).Err())
			check(t, rdb.Set(ctx, "database-mysqli", `{}`, 0).Err())
			for _, bad := range []string{`{"configurations": ["mysqli", "pg"`, `{"configurations": "mysqli"}`, `hash`} {
				plantBad(t, rdb, "database", bad)
				var out bytes.Buffer
				for name, err := range map[string]error{
					"export": confo.Export(ctx, s, &out, confo.ExportOptions{}),
					"get NS": confo.WriteNamespace(ctx, s, "database", &out, false),
					"get":    func() error { _, err := confo.ReadConfig(ctx, s, "database", "mysqli"); return err }(),
				} {
					if !errors.Is(err, confo.ErrMalformedKey) || !strings.Contains(err.Error(), `key "database"`) {
						t.Errorf("%s with list %q: %v; want an error naming key \"database\"", name, bad, err)
					}
				}
				if strings.Contains(out.String(), "{}") {
					t.Errorf("list %q: the output shows an empty namespace: %s", bad, out.String())
				}
			}
			for _, bad := range []string{`{"namespaces": ["database"`, `hash`} {
				plantBad(t, rdb, "confo", bad)
				var out bytes.Buffer
				for name, err := range map[string]error{
					"export":     confo.Export(ctx, s, &out, confo.ExportOptions{}),
					"namespaces": func() error { _, err := confo.ReadRegistry(ctx, s); return err }(),
					"get":        func() error { _, err := confo.ReadConfig(ctx, s, "database", "mysqli"); return err }(),
				} {
					if !errors.Is(err, confo.ErrMalformedKey) || !strings.Contains(err.Error(), `"confo"`) {
						t.Errorf("%s with registry %q: %v; want an error naming key \"confo\"", name, bad, err)
					}
				}
			}
		})
	}
}

// plantBad stores bad under key, or makes key a hash for "hash".
func plantBad(t *testing.T, rdb *redis.Client, key, bad string) {
	t.Helper()
	ctx := context.Background()
	check(t, rdb.Del(ctx, key).Err())
	if bad == "hash" {
		check(t, rdb.HSet(ctx, key, "f", "v").Err())
		return
	}
	check(t, rdb.Set(ctx, key, bad, 0).Err())
}

// An export that finds bad configs of several kinds counts each kind in
// its own words, names the first few, and does not end in words that
// describe one kind only.
func TestExportCountsBadConfigsByKind(t *testing.T) {
	ctx := context.Background()
	addr := redisserver.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	s, err := confo.OpenRedis(ctx, confo.RedisConfig{Addr: addr})
	check(t, err)
	defer s.Close()
	var names []string
	for i := range 15 {
		name := fmt.Sprintf("c%02d", i)
		names = append(names, `"`+name+`"`)
		if i >= 10 { // c00…c09 listed but not stored
			check(t, rdb.Set(ctx, "bulk-"+name, `{"not json`, 0).Err())
		}
	}
	check(t, rdb.Set(ctx, "confo", `{"namespaces": ["bulk"]}`, 0).Err())
	check(t, rdb.Set(ctx, "bulk", `{"configurations": [`+strings.Join(names, ", ")+`]}`, 0).Err())
	err = confo.Export(ctx, s, io.Discard, confo.ExportOptions{})
	if !errors.Is(err, confo.ErrBadData) {
		t.Fatalf("got %v, want bad data", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "15 configs are not usable (10 listed but not stored, 5 not JSON): config bulk/c00: ") ||
		!strings.HasSuffix(msg, "; and 10 more") {
		t.Errorf("not counted by kind: %s", msg)
	}
}
