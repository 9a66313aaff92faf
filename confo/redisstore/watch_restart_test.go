package redisstore_test

import (
	"context"
	"strings"
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
	for _, err := range assertFailsOnce(t, changes, 16*time.Second) {
		if !strings.Contains(err.Error(), "the master of mymaster ("+master.Addr+")") {
			t.Errorf("the failure does not name the master: %v", err)
		}
		for _, addr := range g.SentinelAddrs() {
			if strings.Contains(err.Error(), addr) {
				t.Errorf("the failure names sentinel %s: %v", addr, err)
			}
		}
	}
	check(t, master.Restart(ctx))
	check(t, g.Replica.Restart(ctx))
	if now, err := g.CurrentMaster(ctx); err != nil || now != master.Addr {
		t.Fatalf("the sentinels name %q (%v), want the restarted %s", now, err, master.Addr)
	}
	redisstore.AwaitChange(t, changes, "ready again on the restarted master", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	check(t, writeConfig(g.Client(), prefix))
	redisstore.AwaitChange(t, changes, "another client's change", isConfig("ns", "cfg"))
}

// writeConfig writes, as another client would, a registry naming "ns", its
// list naming "cfg", and that config; it closes raw.
func writeConfig(raw redis.UniversalClient, prefix string) error {
	defer raw.Close()
	ctx := context.Background()
	for _, kv := range [][2]string{
		{"confo", `{"namespaces": ["ns"]}`},
		{"ns", `{"configurations": ["cfg"]}`},
		{"ns-cfg", `{"at": "` + time.Now().String() + `"}`},
	} {
		if err := raw.Set(ctx, prefix+kv[0], kv[1], 0).Err(); err != nil {
			return err
		}
	}
	return nil
}

// assertFailsOnce reads a failing watch's changes for d: it must report
// its failure, and not the same one twice. It returns the failures.
func assertFailsOnce(t *testing.T, changes <-chan store.Change, d time.Duration) []error {
	t.Helper()
	said := map[string]bool{}
	var errs []error
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
			errs = append(errs, c.Err)
			t.Logf("while the node is down: %v", c.Err)
		case <-end:
			if len(said) == 0 {
				t.Fatalf("no failure reported in %s", d)
			}
			return errs
		}
	}
}

// A standalone server that dies and comes back at the same address is
// watched again, and another client's change there is reported.
func TestWatchSurvivesServerRestart(t *testing.T) {
	srv := redisserver.NewServer(t, redisserver.ServerOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const prefix = "restart:"
	s := openPrefixed(t, "redis://"+srv.Addr, prefix)
	changes, err := s.Watch(ctx, store.WatchOptions{})
	check(t, err)
	redisstore.AwaitChange(t, changes, "ready", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	check(t, srv.Kill())
	failed := redisstore.AwaitChange(t, changes, "the watch's failure", func(c store.Change) bool { return c.Kind == store.ChangeError })
	if !strings.Contains(failed.Err.Error(), srv.Addr) {
		t.Errorf("the failure does not name %s: %v", srv.Addr, failed.Err)
	}
	check(t, srv.Restart(ctx))
	redisstore.AwaitChange(t, changes, "ready again on the restarted server", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	check(t, writeConfig(srv.Client(), prefix))
	redisstore.AwaitChange(t, changes, "another client's change", isConfig("ns", "cfg"))
}
