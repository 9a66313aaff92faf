package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// A master that dies and comes back at the same address, with no failover
// (its replica is down too), gets the watch back: the watch says once
// that it fails while the master is away, reports ready within seconds
// of the master's return (what changed meanwhile must be read again), and
// then reports another client's change.
func TestSentinelWatchSurvivesMasterRestart(t *testing.T) {
	g := redisserver.NewSentinel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const prefix = "restart:"
	s := openPrefixed(t, g.URL(), prefix)
	changes, err := s.Watch(ctx, store.WatchOptions{})
	check(t, err)
	redisstore.AwaitChange(t, changes, "ready", func(c store.Change) bool { return c.Kind == store.ChangeReady })

	master := g.Master
	check(t, g.Replica.Kill())
	check(t, master.Kill())
	// Long enough for the retries to back off to their longest wait.
	assertFailsOnce(t, changes, 16*time.Second)
	check(t, master.Restart(ctx))
	check(t, g.Replica.Restart(ctx))
	if now, err := g.CurrentMaster(ctx); err != nil || now != master.Addr {
		t.Fatalf("the sentinels name %q (%v), want the restarted %s", now, err, master.Addr)
	}
	redisstore.AwaitChange(t, changes, "ready again on the restarted master", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	writeConfig(t, g.Client(), prefix)
	redisstore.AwaitChange(t, changes, "another client's change", isConfig("ns", "cfg"))
}

// writeConfig writes, as another client would, a registry naming "ns", its
// list naming "cfg", and that config; it closes raw.
func writeConfig(t *testing.T, raw redis.UniversalClient, prefix string) {
	t.Helper()
	defer raw.Close()
	ctx := context.Background()
	check(t, raw.Set(ctx, prefix+"confo", `{"namespaces": ["ns"]}`, 0).Err())
	check(t, raw.Set(ctx, prefix+"ns", `{"configurations": ["cfg"]}`, 0).Err())
	check(t, raw.Set(ctx, prefix+"ns-cfg", `{"at": "`+time.Now().String()+`"}`, 0).Err())
}

// assertFailsOnce reads a failing watch's changes for d: it must report
// its failure, and not the same one twice.
func assertFailsOnce(t *testing.T, changes <-chan store.Change, d time.Duration) {
	t.Helper()
	said := map[string]bool{}
	for end := time.After(d); ; {
		select {
		case c := <-changes:
			if c.Kind != store.ChangeError {
				t.Fatalf("while the node is down: %+v", c)
			}
			if said[c.Err.Error()] {
				t.Fatalf("the same failure reported twice: %v", c.Err)
			}
			said[c.Err.Error()] = true
			t.Logf("while the node is down: %v", c.Err)
		case <-end:
			if len(said) == 0 {
				t.Fatalf("no failure reported in %s", d)
			}
			return
		}
	}
}
