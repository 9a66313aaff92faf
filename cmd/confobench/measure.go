package main

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/dataset"
)

// Namespace sizes of the generated backends: 100k configs → ~180 namespaces.
const minPerNamespace, maxPerNamespace = 100, 1000

// reloadResult holds the medians of one backend size.
type reloadResult struct {
	size                   int
	runs                   int
	confo, load, apply     time.Duration
	onto, ontoApply        time.Duration // Load + Apply(snap, false) onto the loaded workspace
	raw                    time.Duration
	rawMode                fetchMode
	rawGET, rawMGET, naive time.Duration
	naiveRuns              int
}

// confoReload is what opening a backend does: the library's reload into a
// fresh workspace, its two halves timed apart.
func confoReload(ctx context.Context, store confo.Store) (ws *confo.Workspace, load, apply time.Duration, configs int, err error) {
	opts := confo.ReloadOptions{Discard: true}
	start := time.Now()
	snap, err := confo.FetchReload(ctx, store, opts)
	if err != nil {
		return nil, 0, 0, 0, fmt.Errorf("confo load: %w", err)
	}
	load = time.Since(start)
	start = time.Now()
	ws = confo.NewWorkspace(store.Naming())
	report := ws.ApplyReload(snap, opts)
	apply = time.Since(start)
	return ws, load, apply, report.Configs, nil
}

// timedReload times confoReload, and its two halves.
func timedReload(ctx context.Context, store confo.Store) (total, load, apply time.Duration, err error) {
	total, err = timed(func() error {
		var err error
		_, load, apply, _, err = confoReload(ctx, store)
		return err
	})
	return total, load, apply, err
}

func timed(f func() error) (time.Duration, error) {
	runtime.GC() // garbage of the previous measurement is not this one's cost
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// measureReload fills the server with size configs and times, run after
// run and interleaved so all see the same machine: the raw pipelined fetch
// (GET and MGET variants), confo's reload, and the naive fetch.
func measureReload(ctx context.Context, o options, raw *redis.Client, addr string, size int, mem *memResult) (reloadResult, error) {
	res := reloadResult{size: size, runs: o.runsFor(size)}
	data := dataset.Generate(size, minPerNamespace, maxPerNamespace)
	keys := data.Keys("")
	if err := raw.FlushAll(ctx).Err(); err != nil {
		return res, err
	}
	if err := fill(ctx, raw, keys); err != nil {
		return res, err
	}
	store, err := confo.OpenRedis(ctx, confo.RedisConfig{Addr: addr})
	if err != nil {
		return res, fmt.Errorf("open confo redis store: %w", err)
	}
	defer store.Close()

	// One untimed round of each warms connections and code paths.
	loaded, _, _, n, err := confoReload(ctx, store)
	if err != nil {
		return res, err
	} else if n != size {
		return res, fmt.Errorf("confo loaded %d configs, want %d", n, size)
	}
	for _, m := range []fetchMode{fetchPipelinedGET, fetchPipelinedMGET} {
		st, err := rawFetch(ctx, raw, "", m)
		if err != nil {
			return res, fmt.Errorf("raw fetch (%s): %w", m, err)
		}
		if want := len(keys); st.keys != want {
			return res, fmt.Errorf("raw fetch (%s) read %d keys, want %d", m, st.keys, want)
		}
	}

	naiveRuns := res.runs
	if size > o.naiveMax {
		naiveRuns = 0
	} else if size >= 100000 {
		naiveRuns = min(naiveRuns, 3)
	}
	res.naiveRuns = naiveRuns
	var tConfo, tLoad, tApply, tOnto, tOntoApply, tGET, tMGET, tNaive []time.Duration
	for run := 0; run < res.runs; run++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		d, err := timed(func() error { _, err := rawFetch(ctx, raw, "", fetchPipelinedGET); return err })
		if err != nil {
			return res, err
		}
		tGET = append(tGET, d)
		d, err = timed(func() error { _, err := rawFetch(ctx, raw, "", fetchPipelinedMGET); return err })
		if err != nil {
			return res, err
		}
		tMGET = append(tMGET, d)
		d, load, apply, err := timedReload(ctx, store)
		if err != nil {
			return res, err
		}
		tConfo, tLoad, tApply = append(tConfo, d), append(tLoad, load), append(tApply, apply)
		// The UI's R on a clean workspace: Load, then Apply onto the
		// workspace it already holds, keeping (no) local edits.
		d, err = timed(func() error {
			snap, err := confo.FetchReload(ctx, store, confo.ReloadOptions{})
			if err != nil {
				return err
			}
			start := time.Now()
			r := loaded.ApplyReload(snap, confo.ReloadOptions{})
			apply = time.Since(start)
			if r.Configs != size || r.Changed != 0 {
				return fmt.Errorf("reload onto the loaded workspace: %d configs, %d changed; want %d, 0", r.Configs, r.Changed, size)
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		tOnto, tOntoApply = append(tOnto, d), append(tOntoApply, apply)
		if run < naiveRuns {
			d, err = timed(func() error { _, err := rawFetch(ctx, raw, "", fetchNaive); return err })
			if err != nil {
				return res, err
			}
			tNaive = append(tNaive, d)
		}
		logf(o, "reload %d run %d: confo %v (load %v, apply %v), onto loaded %v (apply %v), raw GET %v, raw MGET %v, naive %v",
			size, run+1, tConfo[run], tLoad[run], tApply[run], tOnto[run], apply, tGET[run], tMGET[run], at(tNaive, run))
	}
	res.confo, res.load, res.apply = median(tConfo), median(tLoad), median(tApply)
	res.onto, res.ontoApply = median(tOnto), median(tOntoApply)
	res.rawGET, res.rawMGET, res.naive = median(tGET), median(tMGET), median(tNaive)
	res.raw, res.rawMode = res.rawGET, fetchPipelinedGET
	if res.rawMGET < res.rawGET {
		res.raw, res.rawMode = res.rawMGET, fetchPipelinedMGET
	}
	progress("reload %s: confo %s (load %s + apply %s), onto loaded %s (apply %s), raw %s (%s), naive %s",
		sizeLabel(size), fmtDur(res.confo), fmtDur(res.load), fmtDur(res.apply), fmtDur(res.onto), fmtDur(res.ontoApply), fmtDur(res.raw), res.rawMode, fmtDur(res.naive))

	if mem != nil {
		if err := measureMemory(ctx, raw, store, data, mem); err != nil {
			return res, err
		}
	}
	return res, nil
}

func at(ds []time.Duration, i int) any {
	if i < len(ds) {
		return ds[i]
	}
	return "-"
}

// memResult is the heap held by a loaded workspace against the stored bytes.
type memResult struct {
	size        int
	heap        uint64 // HeapAlloc delta while holding the Workspace
	stored      int    // sum of key and value bytes in Redis
	usedDataset int64  // INFO memory used_memory_dataset
}

func measureMemory(ctx context.Context, raw *redis.Client, store confo.Store, data *dataset.Data, mem *memResult) error {
	mem.size = data.Configs()
	mem.stored = data.StoredBytes("")
	if info, err := raw.Info(ctx, "memory").Result(); err == nil {
		mem.usedDataset = infoField(info, "used_memory_dataset")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	ws, _, _, _, err := confoReload(ctx, store)
	if err != nil {
		return err
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(ws)
	if after.HeapAlloc > before.HeapAlloc {
		mem.heap = after.HeapAlloc - before.HeapAlloc
	}
	progress("memory %s: workspace holds %s of heap; Redis holds %s of keys+values (used_memory_dataset %s)",
		sizeLabel(mem.size), fmtBytes(int64(mem.heap)), fmtBytes(int64(mem.stored)), fmtBytes(mem.usedDataset))
	return nil
}

func infoField(info, field string) int64 {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), field+":"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return -1
}

// persistResult holds the medians of the persist measurement.
type persistResult struct {
	configs     int
	runs        int
	confo, raw  time.Duration
	readWrite   time.Duration // raw MGET + compare + MULTI/SET: a check's floor
	scriptFloor time.Duration // one script that only MSETs the same bytes: any script's floor
	edit        time.Duration
	writtenSize int
}

const persistNamespace = "bulk"

// measurePersist edits n configs of one namespace and times confo.Persist
// of that namespace (one compare-and-set script, conflict-checked) against a
// TxPipelined MULTI/SET of the very bytes confo wrote. The data is reset
// to the original before each timed write.
func measurePersist(ctx context.Context, o options, raw *redis.Client, addr string, n int) (persistResult, error) {
	res := persistResult{configs: n, runs: o.runs}
	data := dataset.Single(persistNamespace, n)
	keys := data.Keys("")
	if err := raw.FlushAll(ctx).Err(); err != nil {
		return res, err
	}
	store, err := confo.OpenRedis(ctx, confo.RedisConfig{Addr: addr})
	if err != nil {
		return res, fmt.Errorf("open confo redis store: %w", err)
	}
	defer store.Close()
	names := make([]string, n)
	for i, c := range data.Namespaces[0].Configs {
		names[i] = c.Name
	}

	var tConfo, tRaw, tRW, tEdit, tFloor []time.Duration
	original := make(map[string][]byte, n)
	for _, c := range data.Namespaces[0].Configs {
		original[persistNamespace+"-"+c.Name] = c.Value
	}
	for run := -1; run < res.runs; run++ { // run -1 warms up, untimed
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if err := fill(ctx, raw, keys); err != nil {
			return res, err
		}
		edit, d, written, err := editAndPersist(ctx, store, names, run)
		if err != nil {
			return res, err
		}
		res.writtenSize = 0
		for _, w := range written {
			res.writtenSize += len(w)
		}
		if got, err := raw.Get(ctx, persistNamespace+"-"+names[n-1]).Bytes(); err != nil || string(got) != string(written[n-1]) {
			return res, fmt.Errorf("confo persist did not store the edit (GET: %q, %v)", got, err)
		}
		if err := fill(ctx, raw, keys); err != nil {
			return res, err
		}
		r, err := timed(func() error {
			_, err := raw.TxPipelined(ctx, func(p redis.Pipeliner) error {
				for i, name := range names {
					p.Set(ctx, persistNamespace+"-"+name, written[i], 0)
				}
				return nil
			})
			return err
		})
		if err != nil {
			return res, fmt.Errorf("raw MULTI/SET: %w", err)
		}
		if err := fill(ctx, raw, keys); err != nil {
			return res, err
		}
		// The least any conflict check must add: read the same keys back
		// and compare them (without WATCH, so not atomic), then write.
		rw, err := timed(func() error {
			cfgKeys := make([]string, n)
			for i, name := range names {
				cfgKeys[i] = persistNamespace + "-" + name
			}
			var cmds []*redis.SliceCmd
			if _, err := raw.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i := 0; i < n; i += mgetChunk {
					cmds = append(cmds, p.MGet(ctx, cfgKeys[i:min(i+mgetChunk, n)]...))
				}
				return nil
			}); err != nil {
				return err
			}
			i := 0
			for _, cmd := range cmds {
				for _, v := range cmd.Val() {
					if s, _ := v.(string); s != string(original[cfgKeys[i]]) {
						return fmt.Errorf("raw read-then-write: %s changed", cfgKeys[i])
					}
					i++
				}
			}
			_, err := raw.TxPipelined(ctx, func(p redis.Pipeliner) error {
				for i, k := range cfgKeys {
					p.Set(ctx, k, written[i], 0)
				}
				return nil
			})
			return err
		})
		if err != nil {
			return res, fmt.Errorf("raw read-then-write: %w", err)
		}
		if err := fill(ctx, raw, keys); err != nil {
			return res, err
		}
		floor, err := timed(func() error { return msetOnly(ctx, raw, names, written) })
		if err != nil {
			return res, fmt.Errorf("MSET-only script: %w", err)
		}
		if run < 0 {
			continue
		}
		tConfo, tRaw, tRW, tEdit = append(tConfo, d), append(tRaw, r), append(tRW, rw), append(tEdit, edit)
		tFloor = append(tFloor, floor)
		logf(o, "persist %d run %d: confo %v, raw %v, raw read+write %v, edit %v", n, run+1, d, r, rw, edit)
	}
	res.confo, res.raw, res.readWrite, res.edit = median(tConfo), median(tRaw), median(tRW), median(tEdit)
	res.scriptFloor = median(tFloor)
	progress("persist %s changed configs: confo %s, raw MULTI/SET %s, raw MGET+compare+MULTI/SET %s (edits before it: %s)",
		sizeLabel(n), fmtDur(res.confo), fmtDur(res.raw), fmtDur(res.readWrite), fmtDur(res.edit))
	return res, nil
}

// msetScript is the least a one-script commit does: take every key and
// value as arguments and MSET them, checking nothing.
var msetScript = redis.NewScript(`for i = 1, #ARGV, 2000 do redis.call('MSET', unpack(ARGV, i, math.min(i + 1999, #ARGV))) end return 1`)

// msetOnly writes the configs with msetScript.
func msetOnly(ctx context.Context, raw *redis.Client, names []string, values [][]byte) error {
	args := make([]any, 0, 2*len(names))
	for i, name := range names {
		args = append(args, persistNamespace+"-"+name, values[i])
	}
	return msetScript.Run(ctx, raw, nil, args...).Err()
}

// editAndPersist loads the persist namespace into a new workspace, sets a
// field of each config in names (to a value of this run), and persists the
// namespace; it returns the time of the edits and of the persist, and the
// bytes written, which the baselines then write.
func editAndPersist(ctx context.Context, store confo.Store, names []string, run int) (edit, persist time.Duration, written [][]byte, err error) {
	ws := confo.NewWorkspace(store.Naming())
	if _, err := confo.Reload(ctx, store, ws, confo.ReloadOptions{Namespace: persistNamespace, Discard: true}); err != nil {
		return 0, 0, nil, fmt.Errorf("confo load: %w", err)
	}
	user := confo.StringValue(fmt.Sprintf("svc_run%02d", run+1))
	edit, err = timed(func() error {
		for _, name := range names {
			if err := ws.SetField(persistNamespace, name, "user", user); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, nil, fmt.Errorf("edit: %w", err)
	}
	persist, err = timed(func() error {
		return confo.Persist(ctx, store, ws, confo.Scope{Namespace: persistNamespace}, confo.CommitOptions{})
	})
	if err != nil {
		return 0, 0, nil, fmt.Errorf("confo persist: %w", err)
	}
	ns := ws.Namespace(persistNamespace)
	written = make([][]byte, len(names))
	for i, name := range names {
		c := ns.Config(name)
		if c == nil || c.Base().State != confo.RawPresent {
			return 0, 0, nil, fmt.Errorf("after persist, config %q holds no written value", name)
		}
		written[i] = c.Base().Bytes
	}
	return edit, persist, written, nil
}
