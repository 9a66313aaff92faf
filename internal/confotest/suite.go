package confotest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// Door reaches a backend's data behind the library's back, the way another
// client or tool would.
type Door interface {
	Put(t testing.TB, ns, cfg, data string)
	Delete(t testing.TB, ns, cfg string)
	Get(t testing.TB, ns, cfg string) (string, bool)
}

// Backend is one backend of the cross-store suite, fresh and empty.
type Backend struct {
	Name  string
	Type  confo.BackendType
	Creds map[string]any
	Door  Door
	opens int
}

// Open loads the backend into a new Confo, under a new name each time so a
// test can run several clients, and activates it.
func (b *Backend) Open(t testing.TB) *confo.Confo {
	t.Helper()
	b.opens++
	c := confo.New()
	t.Cleanup(func() { c.Close() })
	name := "b" + strings.Repeat("'", b.opens)
	if err := c.LoadBackend(context.Background(), name, b.Type, b.Creds); err != nil {
		t.Fatal(err)
	}
	if err := c.ActivateBackend(name); err != nil {
		t.Fatal(err)
	}
	return c
}

// kinds lists how to set up each backend of the suite: miniredis, a real
// redis-server (without and with a key prefix), a Redis Cluster, the master
// of a Sentinel group, and the directory store.
func kinds() []struct {
	name  string
	setup func(t testing.TB) *Backend
} {
	servers := redisserver.Kinds()
	redisKind := func(server redisserver.Kind, prefix string) func(t testing.TB) *Backend {
		return func(t testing.TB) *Backend {
			addr := server.Start(t)
			client := redis.NewClient(&redis.Options{Addr: addr})
			host, port, _ := strings.Cut(addr, ":")
			return redisBackend(t, map[string]any{"redis_host": host, "redis_port": port}, client, prefix)
		}
	}
	type kind = struct {
		name  string
		setup func(t testing.TB) *Backend
	}
	return []kind{
		{servers[0].Name, redisKind(servers[0], "")},
		{servers[1].Name, redisKind(servers[1], "")},
		{servers[1].Name + "-prefix", redisKind(servers[1], "app:")},
		{"redis-cluster", func(t testing.TB) *Backend {
			c := Cluster(t)
			return redisBackend(t, map[string]any{"redis_url": c.URL()}, c.Client(), FreshPrefix())
		}},
		{"redis-sentinel", func(t testing.TB) *Backend {
			g := Sentinel(t)
			return redisBackend(t, map[string]any{"redis_url": g.URL()}, g.Client(), FreshPrefix())
		}},
		{"dir", func(t testing.TB) *Backend {
			root := t.TempDir()
			return &Backend{Type: confo.BackendDir, Creds: map[string]any{"config_path": root}, Door: dirDoor{root: root}}
		}},
	}
}

// redisBackend is a Redis backend of the suite under prefix, reached with
// creds by the library and with client (closed when t ends) by its door.
func redisBackend(t testing.TB, creds map[string]any, client redis.UniversalClient, prefix string) *Backend {
	t.Cleanup(func() { client.Close() })
	creds["redis_prefix"] = prefix
	return &Backend{Type: confo.BackendRedis, Creds: creds, Door: redisDoor{client: client, prefix: prefix}}
}

// ForEachBackend runs a test against every backend the library supports,
// each one fresh and empty.
func ForEachBackend(t *testing.T, test func(t *testing.T, b *Backend)) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			b := k.setup(t)
			b.Name = k.name
			test(t, b)
		})
	}
}

type redisDoor struct {
	client redis.UniversalClient
	prefix string
}

func (d redisDoor) key(ns, cfg string) string { return d.prefix + ns + "-" + cfg }

func (d redisDoor) Put(t testing.TB, ns, cfg, data string) {
	t.Helper()
	if err := d.client.Set(context.Background(), d.key(ns, cfg), data, 0).Err(); err != nil {
		t.Fatal(err)
	}
}

func (d redisDoor) Delete(t testing.TB, ns, cfg string) {
	t.Helper()
	if err := d.client.Del(context.Background(), d.key(ns, cfg)).Err(); err != nil {
		t.Fatal(err)
	}
}

func (d redisDoor) Get(t testing.TB, ns, cfg string) (string, bool) {
	t.Helper()
	v, err := d.client.Get(context.Background(), d.key(ns, cfg)).Result()
	if errors.Is(err, redis.Nil) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

type dirDoor struct{ root string }

func (d dirDoor) path(ns, cfg string) string { return filepath.Join(d.root, ns, cfg+".json") }

func (d dirDoor) Put(t testing.TB, ns, cfg, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(d.root, ns), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.path(ns, cfg), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (d dirDoor) Delete(t testing.TB, ns, cfg string) {
	t.Helper()
	if err := os.Remove(d.path(ns, cfg)); err != nil {
		t.Fatal(err)
	}
}

func (d dirDoor) Get(t testing.TB, ns, cfg string) (string, bool) {
	t.Helper()
	data, err := os.ReadFile(d.path(ns, cfg))
	if errors.Is(err, os.ErrNotExist) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(data), true
}
