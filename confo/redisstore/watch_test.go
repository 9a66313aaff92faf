package redisstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// watchTest starts a Watch and returns its changes.
func watchTest(t *testing.T, s *Store) <-chan store.Change {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	ch, err := s.Watch(ctx, store.WatchOptions{Interval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// waitChange waits up to ten seconds for a change that want accepts,
// skipping others, and returns it.
func waitChange(t *testing.T, ch <-chan store.Change, what string, want func(store.Change) bool) store.Change {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case c, ok := <-ch:
			if !ok {
				t.Fatalf("watch closed while waiting for %s", what)
			}
			if want(c) {
				return c
			}
		case <-deadline:
			t.Fatalf("no %s within 10s", what)
		}
	}
}

func isChange(kind store.ChangeKind, ns, cfg string) func(store.Change) bool {
	return func(c store.Change) bool { return c.Kind == kind && c.Namespace == ns && c.Config == cfg }
}

func TestRedisWatchSeesOtherClients(t *testing.T) {
	for _, server := range redisserver.Kinds() {
		for _, prefix := range []string{"", "app:"} {
			t.Run(server.Name+"/prefix="+prefix, func(t *testing.T) {
				addr := server.Start(t)
				c := redis.NewClient(&redis.Options{Addr: addr})
				t.Cleanup(func() { c.Close() })
				raw := rawClient{Client: c, t: t}
				raw.set(prefix+"confo", `{"namespaces": ["database"]}`, prefix+"database", `{"configurations": ["mysqli"]}`, prefix+"database-mysqli", `{}`)
				s := openTestRedis(t, Config{Addr: addr, Prefix: prefix})
				ch := watchTest(t, s)
				ready := waitChange(t, ch, "ready", func(c store.Change) bool { return c.Kind == store.ChangeReady })
				want := "CLIENT TRACKING"
				if server.Name == "miniredis" {
					want = "polling"
				}
				if !strings.Contains(ready.Detail, want) {
					t.Fatalf("watching by %q, want %s", ready.Detail, want)
				}
				raw.set(prefix+"database-mysqli", `{"host": "b"}`)
				waitChange(t, ch, "the changed config", isChange(store.ChangeConfig, "database", "mysqli"))
				raw.set(prefix+"database", `{"configurations": ["mysqli", "pg"]}`, prefix+"database-pg", `{}`)
				waitChange(t, ch, "the changed list", isChange(store.ChangeList, "database", ""))
				raw.set(prefix+"database-pg", `{"n": 1}`)
				waitChange(t, ch, "a change of the new config", isChange(store.ChangeConfig, "database", "pg"))
				raw.set(prefix+"confo", `{"namespaces": ["database", "sales"]}`, prefix+"sales", `{"configurations": ["leads"]}`, prefix+"sales-leads", `1`)
				waitChange(t, ch, "the changed registry", isChange(store.ChangeRegistry, "", ""))
				raw.set(prefix+"sales-leads", `2`)
				waitChange(t, ch, "a change in the new namespace", isChange(store.ChangeConfig, "sales", "leads"))
				raw.del(prefix + "database-mysqli")
				waitChange(t, ch, "the deleted config", isChange(store.ChangeConfig, "database", "mysqli"))
			})
		}
	}
}

// TestRedisWatchKeyspaceNotifications: a user who may not use CLIENT
// watches through the keyspace notifications the server already sends.
func TestRedisWatchKeyspaceNotifications(t *testing.T) {
	addr := redisserver.Redis(t, "--notify-keyspace-events", "KA")
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	raw := rawClient{Client: c, t: t}
	if err := c.Do(t.Context(), "ACL", "SETUSER", "watcher", "on", ">pw", "~*", "&*", "+@all", "-client").Err(); err != nil {
		t.Fatal(err)
	}
	raw.set("confo", `{"namespaces": ["database"]}`, "database", `{"configurations": ["mysqli"]}`, "database-mysqli", `{}`)
	s := openTestRedis(t, Config{Addr: addr, Username: "watcher", Password: "pw"})
	ch := watchTest(t, s)
	ready := waitChange(t, ch, "ready", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	if !strings.Contains(ready.Detail, "keyspace notifications") {
		t.Fatalf("watching by %q, want keyspace notifications", ready.Detail)
	}
	raw.set("database-mysqli", `{"host": "b"}`)
	waitChange(t, ch, "the changed config", isChange(store.ChangeConfig, "database", "mysqli"))
}

// TestRedisWatchRecovers: a killed watch connection is reported and
// replaced, and a flush asks for a resync.
func TestRedisWatchRecovers(t *testing.T) {
	addr := redisserver.Redis(t)
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	raw := rawClient{Client: c, t: t}
	raw.set("confo", `{"namespaces": ["database"]}`, "database", `{"configurations": ["mysqli"]}`, "database-mysqli", `{}`)
	s := openTestRedis(t, Config{Addr: addr})
	ch := watchTest(t, s)
	waitChange(t, ch, "ready", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	if err := c.Do(t.Context(), "FLUSHALL").Err(); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, "a resync after a flush", func(c store.Change) bool { return c.Kind == store.ChangeResync })
	if err := c.Do(t.Context(), "CLIENT", "KILL", "TYPE", "pubsub").Err(); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, "the error", func(c store.Change) bool { return c.Kind == store.ChangeError })
	waitChange(t, ch, "ready again", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	raw.set("confo", `{"namespaces": ["database"]}`)
	waitChange(t, ch, "a change after the reconnect", isChange(store.ChangeRegistry, "", ""))
}

// TestRedisWatchStopsWithItsContext: the channel closes, nothing leaks.
func TestRedisWatchStopsWithItsContext(t *testing.T) {
	addr := redisserver.Redis(t)
	s := openTestRedis(t, Config{Addr: addr})
	ctx, cancel := context.WithCancel(t.Context())
	ch, err := s.Watch(ctx, store.WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, "ready", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	cancel()
	for range ch {
	}
}
