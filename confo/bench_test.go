package confo_test

// Benchmarks of the library's hot paths, on the same deterministic data as
// cmd/confobench (~300-byte configs of ten fields in json.dumps format).
// The codec's own benchmarks live in value_test.go.
//
//	go test ./confo -run XXX -bench . -benchmem

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
	"github.com/confo-dev/confo/internal/dataset"
)

// fillRedis stores a dataset in the Confo layout with pipelined SETs.
func fillRedis(b *testing.B, addr string, data *dataset.Data) {
	b.Helper()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	keys := data.Keys("")
	for i := 0; i < len(keys); i += 1000 {
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys[i:min(i+1000, len(keys))] {
				p.Set(ctx, k.Key, k.Value, 0)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func openRedis(b *testing.B, addr string) confo.Store {
	b.Helper()
	store, err := confo.OpenRedis(context.Background(), confo.RedisConfig{Addr: addr})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	return store
}

// snapshotOf builds the Snapshot a Load of data returns, without I/O.
func snapshotOf(data *dataset.Data) *confo.Snapshot {
	snap := &confo.Snapshot{}
	for _, ns := range data.Namespaces {
		snap.Registry = append(snap.Registry, ns.Name)
		nss := confo.NamespaceSnapshot{Name: ns.Name, Configs: make([]confo.ConfigSnapshot, len(ns.Configs))}
		for i, c := range ns.Configs {
			nss.Configs[i] = confo.ConfigSnapshot{Name: c.Name, Raw: confo.PresentRaw(c.Value)}
		}
		snap.Namespaces = append(snap.Namespaces, nss)
	}
	return snap
}

func reportPerConfig(b *testing.B, configs int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(configs), "ns/config")
}

// BenchmarkReload is the UI's R on a real redis-server: Load the whole
// backend (10k configs in ~20 namespaces) and Apply it to a fresh Workspace.
func BenchmarkReload(b *testing.B) {
	const n = 10000
	addr := redisserver.Redis(b)
	data := dataset.Generate(n, 100, 1000)
	fillRedis(b, addr, data)
	store := openRedis(b, addr)
	ctx := context.Background()
	b.SetBytes(int64(data.StoredBytes("")))
	b.ResetTimer()
	for range b.N {
		ws := confo.NewWorkspace(store.Naming())
		report, err := confo.Reload(ctx, store, ws, confo.ReloadOptions{Discard: true})
		if err != nil {
			b.Fatal(err)
		}
		if got := report.Configs; got != n {
			b.Fatalf("loaded %d configs, want %d", got, n)
		}
	}
	reportPerConfig(b, n)
}

// BenchmarkPersistNamespace persists 1k edited configs of one namespace
// (WATCH, conflict check, MULTI/EXEC) on a real redis-server. The edits
// themselves are not timed.
func BenchmarkPersistNamespace(b *testing.B) {
	const n, ns = 1000, "bulk"
	addr := redisserver.Redis(b)
	data := dataset.Single(ns, n)
	fillRedis(b, addr, data)
	store := openRedis(b, addr)
	ctx := context.Background()
	ws := confo.NewWorkspace(store.Naming())
	if _, err := confo.Reload(ctx, store, ws, confo.ReloadOptions{Namespace: ns, Discard: true}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		user := confo.StringValue(fmt.Sprintf("svc_edit%d", i))
		for _, c := range data.Namespaces[0].Configs {
			if err := ws.SetField(ns, c.Name, "user", user); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if err := confo.Persist(ctx, store, ws, confo.Scope{Namespace: ns}, confo.CommitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if d := ws.DirtyCount(); d != 0 {
		b.Fatalf("%d dirty after persist", d)
	}
	reportPerConfig(b, n)
}

// BenchmarkWorkspaceApply is the in-memory half of a reload: Apply a
// prebuilt Snapshot of 100k configs (~180 namespaces).
func BenchmarkWorkspaceApply(b *testing.B) {
	const n = 100000
	data := dataset.Generate(n, 100, 1000)
	snap := snapshotOf(data)
	b.Run("fresh", func(b *testing.B) {
		for range b.N {
			confo.NewWorkspace(nil).Apply(snap, true)
		}
		reportPerConfig(b, n)
	})
	// A reload that keeps local edits, onto a workspace holding the same data.
	b.Run("onto-loaded", func(b *testing.B) {
		ws := confo.NewWorkspace(nil)
		ws.Apply(snap, true)
		b.ResetTimer()
		for range b.N {
			if r := ws.Apply(snap, false); r.Changed != 0 || r.Configs != n {
				b.Fatalf("report %+v", r)
			}
		}
		reportPerConfig(b, n)
	})
}

// BenchmarkChanges computes what a persist must write with 1k configs
// edited in one namespace of 10k, in a backend of 100k configs.
func BenchmarkChanges(b *testing.B) {
	data := dataset.Generate(90000, 100, 1000)
	bulk := dataset.Single("bulk", 10000)
	data.Namespaces = append([]dataset.Namespace{bulk.Namespaces[0]}, data.Namespaces...)
	ws := confo.NewWorkspace(nil)
	ws.Apply(snapshotOf(data), true)
	for _, c := range bulk.Namespaces[0].Configs[:1000] {
		if err := ws.SetField("bulk", c.Name, "retries", confo.IntValue(99)); err != nil {
			b.Fatal(err)
		}
	}
	for _, scope := range []confo.Scope{{Namespace: "bulk"}, {}} {
		name := "namespace"
		if scope.Namespace == "" {
			name = "backend"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				changes, err := ws.Changes(scope)
				if err != nil {
					b.Fatal(err)
				}
				if len(changes) != 1 || len(changes[0].Configs) != 1000 {
					b.Fatalf("changes: %d namespaces", len(changes))
				}
			}
		})
	}
}

// BenchmarkPersist10k is the persist target of the Cluster issue on one
// node: 10k edited configs of one namespace, confo.Persist (checked against
// what was loaded, atomic) against a blind MULTI/SET of the very bytes
// confo wrote, both on the same redis-server in the same run. The data is
// reset and the edits made with the timer stopped.
//
//	go test ./confo -run XXX -bench Persist10k -benchtime 20x
func BenchmarkPersist10k(b *testing.B) {
	const n, ns = 10000, "bulk"
	addr := redisserver.Redis(b)
	data := dataset.Single(ns, n)
	raw := redis.NewClient(&redis.Options{Addr: addr})
	b.Cleanup(func() { raw.Close() })
	store := openRedis(b, addr)
	ctx := context.Background()
	var written [][]byte
	keys := make([]string, n)
	for i, c := range data.Namespaces[0].Configs {
		keys[i] = ns + "-" + c.Name
	}
	prepare := func(round int) *confo.Workspace {
		fillRedis(b, addr, data)
		ws := confo.NewWorkspace(store.Naming())
		if _, err := confo.Reload(ctx, store, ws, confo.ReloadOptions{Namespace: ns, Discard: true}); err != nil {
			b.Fatal(err)
		}
		user := confo.StringValue(fmt.Sprintf("svc_edit%d", round))
		for _, c := range data.Namespaces[0].Configs {
			if err := ws.SetField(ns, c.Name, "user", user); err != nil {
				b.Fatal(err)
			}
		}
		return ws
	}
	b.Run("confo", func(b *testing.B) {
		for i := range b.N {
			b.StopTimer()
			ws := prepare(i)
			b.StartTimer()
			if err := confo.Persist(ctx, store, ws, confo.Scope{Namespace: ns}, confo.CommitOptions{}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			written = written[:0]
			for _, c := range data.Namespaces[0].Configs {
				written = append(written, ws.Namespace(ns).Config(c.Name).Base().Bytes)
			}
		}
	})
	b.Run("raw-multi-set", func(b *testing.B) {
		if written == nil {
			b.Skip("run with the confo sub-benchmark")
		}
		for range b.N {
			b.StopTimer()
			fillRedis(b, addr, data)
			b.StartTimer()
			if _, err := raw.TxPipelined(ctx, func(p redis.Pipeliner) error {
				for i, k := range keys {
					p.Set(ctx, k, written[i], 0)
				}
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
