package confo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// TestBadDataIsReportedNeverOverwritten plants what other tools may leave in
// Redis and checks that confo shows it, keeps working, and leaves it alone.
func TestBadDataIsReportedNeverOverwritten(t *testing.T) {
	for _, server := range redisserver.Kinds() {
		t.Run(server.Name, func(t *testing.T) {
			ctx := context.Background()
			addr := server.Start(t)
			rdb := redis.NewClient(&redis.Options{Addr: addr})
			defer rdb.Close()
			planted := map[string]string{
				"confo":       `{"namespaces": ["bad"]}`,
				"bad":         `{"configurations": ["good", "notjson", "empty", "hash", "missing"]}`,
				"bad-good":    `{"a": 1}`,
				"bad-notjson": `host=localhost`,
				"bad-empty":   ``,
			}
			for k, v := range planted {
				check(t, rdb.Set(ctx, k, v, 0).Err())
			}
			check(t, rdb.HSet(ctx, "bad-hash", "f", "v").Err())

			c := confo.New()
			defer c.Close()
			host, port, _ := strings.Cut(addr, ":")
			check(t, c.LoadBackend(ctx, "r", confo.BackendRedis, map[string]any{"redis_host": host, "redis_port": port}))
			check(t, c.ActivateBackend("r"))
			check(t, c.UseNamespace("bad"))
			for _, name := range []string{"notjson", "empty", "hash", "missing"} {
				_, err := c.Get(name)
				var bad *confo.BadDataError
				if !errors.As(err, &bad) || !errors.Is(err, confo.ErrBadData) {
					t.Errorf("Get(%s) = %v, want a BadDataError", name, err)
				}
			}
			all, err := c.GetAll()
			if !errors.Is(err, confo.ErrBadData) || len(all) != 1 {
				t.Fatalf("GetAll = %v, %v; want the one good config and a bad-data error", all, err)
			}
			ws, err := c.Workspace("r")
			check(t, err)
			if st := ws.Namespace("bad").Config("hash").Status(); st != confo.StatusBad {
				t.Fatalf("hash-typed key has status %s, want bad data", st)
			}

			check(t, c.SetField("good", "a", confo.IntValue(2)))
			check(t, c.Persist(ctx))
			for k, v := range planted {
				if k == "bad-good" {
					continue
				}
				if got := rdb.Get(ctx, k).Val(); got != v {
					t.Errorf("%s was rewritten: %q, want %q", k, got, v)
				}
			}
			if typ := rdb.Type(ctx, "bad-hash").Val(); typ != "hash" {
				t.Errorf("bad-hash is now a %s", typ)
			}

			check(t, c.Set("notjson", mustDecode(t, `{"host": "localhost"}`)))
			check(t, c.Persist(ctx))
			if got := rdb.Get(ctx, "bad-notjson").Val(); got != `{"host": "localhost"}` {
				t.Fatalf("an edited bad config was not written: %q", got)
			}
		})
	}
}

func TestMalformedRegistryIsAnErrorAndUntouched(t *testing.T) {
	ctx := context.Background()
	for _, value := range []string{`not json`, `{"x": 1}`, `{"namespaces": "database"}`} {
		mini := miniredis.RunT(t)
		check(t, mini.Set("confo", value))
		c := confo.New()
		err := c.LoadBackend(ctx, "r", confo.BackendRedis, map[string]any{"redis_host": mini.Host(), "redis_port": mini.Port()})
		if !errors.Is(err, confo.ErrMalformedKey) || !strings.Contains(err.Error(), `"confo"`) {
			t.Errorf("registry %q: got %v, want a malformed-key error naming the key", value, err)
		}
		if got, _ := mini.Get("confo"); got != value {
			t.Errorf("registry %q was overwritten with %q", value, got)
		}
		c.Close()
	}
}
