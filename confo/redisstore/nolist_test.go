package redisstore_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// A namespace the registry names but whose list key is missing (Python's
// create_namespace before any config, or a list lost with a master that
// kept no data) is an empty namespace, on one server and on a cluster: a
// persist writes into it and creates the list; it is not taken for a
// namespace another client removed.
func TestRegisteredNamespaceWithoutAList(t *testing.T) {
	ctx := context.Background()
	single := redisserver.Redis(t)
	cluster := confotest.Cluster(t)
	for _, tc := range []struct {
		name string
		addr string
		raw  redis.UniversalClient
	}{
		{"one server", single, redis.NewClient(&redis.Options{Addr: single})},
		{"cluster", cluster.Masters()[0].Addr, cluster.Client()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Cleanup(func() { tc.raw.Close() })
			prefix := confotest.FreshPrefix()
			check(t, tc.raw.Set(ctx, prefix+"confo", `{"namespaces": ["newns"]}`, 0).Err())
			s, err := redisstore.Open(ctx, redisstore.Config{Addr: tc.addr, Prefix: prefix})
			check(t, err)
			t.Cleanup(func() { s.Close() })
			ws := confotest.Loaded(t, s)
			check(t, ws.Set("newns", "a", confo.ParseLiteral(`{"x": 1}`)))
			check(t, confo.Persist(ctx, s, ws, confo.Scope{Namespace: "newns"}, confo.CommitOptions{}))
			for key, want := range map[string]string{"newns": `{"configurations": ["a"]}`, "newns-a": `{"x": 1}`, "confo": `{"namespaces": ["newns"]}`} {
				if got := tc.raw.Get(ctx, prefix+key).Val(); got != want {
					t.Errorf("%s = %q, want %q", key, got, want)
				}
			}
		})
	}
}
