package confo_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// hugeConfig is one object of n fields, ~20 bytes each in json.dumps form:
// {"field0000000": 0, "field0000001": 1, ...}.
func hugeConfig(n int) []byte {
	out := make([]byte, 0, 22*n)
	out = append(out, '{')
	for i := range n {
		if i > 0 {
			out = append(out, ", "...)
		}
		out = fmt.Appendf(out, `"field%07d": %d`, i, i)
	}
	return append(out, '}')
}

const hugeFields = 2_500_000

// storeHuge puts the huge config in a fresh redis-server as ns "big",
// config "cfg", and returns the server's address and the bytes.
func storeHuge(b *testing.B) (string, []byte) {
	b.Helper()
	addr := redisserver.Redis(b)
	data := hugeConfig(hugeFields)
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx := context.Background()
	if err := c.MSet(ctx, "confo", `{"namespaces": ["big"]}`, "big", `{"configurations": ["cfg"]}`, "big-cfg", data).Err(); err != nil {
		b.Fatal(err)
	}
	return addr, data
}

// BenchmarkHugeSet is `confo set big cfg field… value` on a config of 2.5M
// fields (~50 MB): load the namespace, set one field, persist the config;
// against reading and writing the same bytes raw (GET, then SET), on the
// same server in the same run. Target: confo ≤ 3× raw.
//
//	go test ./confo -run XXX -bench HugeSet -benchtime 5x
func BenchmarkHugeSet(b *testing.B) {
	addr, data := storeHuge(b)
	store := openRedis(b, addr)
	ctx := context.Background()
	b.Run("confo", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := range b.N {
			ws := confo.NewWorkspace(store.Naming())
			if _, err := confo.Reload(ctx, store, ws, confo.ReloadOptions{Namespace: "big", Discard: true}); err != nil {
				b.Fatal(err)
			}
			if err := ws.SetField("big", "cfg", "field1234567", confo.IntValue(int64(i%2))); err != nil {
				b.Fatal(err)
			}
			if err := confo.Persist(ctx, store, ws, confo.Scope{Namespace: "big", Config: "cfg"}, confo.CommitOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	raw := redis.NewClient(&redis.Options{Addr: addr})
	b.Cleanup(func() { raw.Close() })
	b.Run("raw-get-set", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for range b.N {
			v, err := raw.Get(ctx, "big-cfg").Bytes()
			if err != nil {
				b.Fatal(err)
			}
			if err := raw.Set(ctx, "big-cfg", v, 0).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHugeMemory reports the heap a workspace holds for the huge
// config against its stored bytes: loaded, after setting one field, and
// decoded (what a UI showing it needs). Target: ≤ 3×.
func BenchmarkHugeMemory(b *testing.B) {
	addr, data := storeHuge(b)
	store := openRedis(b, addr)
	ctx := context.Background()
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for range b.N {
		before := heap()
		ws := confo.NewWorkspace(store.Naming())
		if _, err := confo.Reload(ctx, store, ws, confo.ReloadOptions{Namespace: "big", Discard: true}); err != nil {
			b.Fatal(err)
		}
		loaded := heap()
		if err := ws.SetField("big", "cfg", "field1234567", confo.IntValue(-1)); err != nil {
			b.Fatal(err)
		}
		set := heap()
		v, err := ws.Get("big", "cfg")
		if err != nil {
			b.Fatal(err)
		}
		decoded := heap()
		runtime.KeepAlive(v)
		runtime.KeepAlive(ws)
		ratio := func(h uint64) float64 { return float64(int64(h)-int64(before)) / float64(len(data)) }
		b.ReportMetric(ratio(loaded), "loaded-x")
		b.ReportMetric(ratio(set), "after-set-x")
		b.ReportMetric(ratio(decoded), "decoded-x")
		b.ReportMetric(float64(len(data))/1e6, "stored-MB")
	}
	_ = strconv.Itoa
}
