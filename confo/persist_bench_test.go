package confo_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
	"github.com/confo-dev/confo/internal/dataset"
)

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
