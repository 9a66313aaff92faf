package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/dataset"
)

// The headless reads as fresh processes: confobench runs itself as a
// child (-child) that opens the store and makes the library call the
// command will make (confo.Export, ReadRegistry, ReadConfig), so that
// process start and connection are counted, as for `confo export`.

const (
	targetExport = 1.5
	// hugeBytes is the size of the big config next to the one get reads.
	hugeBytes = 50 << 20
)

// runChild is the child side: it prints what the command would print,
// then its own peak RSS on stderr (a parent's wait4 counts the memory the
// child shared with it before exec, so it cannot tell).
func runChild(ctx context.Context, what, addr string, args []string) error {
	err := childWork(ctx, what, addr, args)
	fmt.Fprintf(os.Stderr, "%s%d\n", rssMarker, selfPeakRSS())
	return err
}

const rssMarker = "confobench-peak-rss: "

func childWork(ctx context.Context, what, addr string, args []string) error {
	if what == "raw" {
		c := redis.NewClient(&redis.Options{Addr: addr, ReadTimeout: time.Minute})
		defer c.Close()
		_, err := rawFetch(ctx, c, "", fetchPipelinedMGET)
		return err
	}
	s, err := confo.OpenRedis(ctx, confo.RedisConfig{Addr: addr, IOTimeout: time.Minute})
	if err != nil {
		return err
	}
	defer s.Close()
	switch what {
	case "export":
		return confo.Export(ctx, s, os.Stdout, confo.ExportOptions{})
	case "namespaces":
		names, err := confo.ReadRegistry(ctx, s)
		if err == nil {
			_, err = fmt.Println(strings.Join(names, "\n"))
		}
		return err
	case "get":
		data, err := confo.ReadConfig(ctx, s, args[0], args[1])
		if err == nil {
			_, err = os.Stdout.Write(append(data, '\n'))
		}
		return err
	}
	return fmt.Errorf("unknown child %q", what)
}

// childRun is one timed run of a child: wall time, peak RSS, output size.
type childRun struct {
	took  time.Duration
	rss   int64
	bytes int64
}

func runChildTimed(ctx context.Context, addr, what string, args ...string) (childRun, error) {
	cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"-child", what, "-child-addr", addr}, args...)...)
	cmd.SysProcAttr = childAttrs()
	counter := &countingWriter{}
	cmd.Stdout = counter
	var stderr strings.Builder
	cmd.Stderr = &stderr
	runtime.GC()
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		return childRun{}, fmt.Errorf("child %s: %v: %s", what, err, strings.TrimSpace(stderr.String()))
	}
	rss := int64(-1)
	if _, after, ok := strings.Cut(stderr.String(), rssMarker); ok {
		fmt.Sscan(after, &rss)
	}
	return childRun{took: took, rss: rss, bytes: counter.n}, nil
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// medianRun runs a child n times and keeps the median time and the
// largest RSS.
func medianRun(ctx context.Context, n int, addr, what string, args ...string) (childRun, error) {
	var times []time.Duration
	var out childRun
	for range n {
		r, err := runChildTimed(ctx, addr, what, args...)
		if err != nil {
			return out, err
		}
		times = append(times, r.took)
		out.rss, out.bytes = max(out.rss, r.rss), r.bytes
	}
	out.took = median(times)
	return out, nil
}

// measureExport times `export` as a fresh process against the raw
// pipelined fetch of the same keys, at size configs, runs interleaved.
func measureExport(ctx context.Context, o options, raw *redis.Client, addr string, size int) ([]row, []string, error) {
	data := dataset.Generate(size, minPerNamespace, maxPerNamespace)
	if err := raw.FlushAll(ctx).Err(); err != nil {
		return nil, nil, err
	}
	if err := fill(ctx, raw, data.Keys("")); err != nil {
		return nil, nil, err
	}
	runs := o.runsFor(size)
	var tExport, tRaw, tRawChild []time.Duration
	var exp childRun
	for run := -1; run < runs; run++ { // run -1 warms up, untimed
		e, err := runChildTimed(ctx, addr, "export")
		if err != nil {
			return nil, nil, err
		}
		rc, err := runChildTimed(ctx, addr, "raw")
		if err != nil {
			return nil, nil, err
		}
		r, err := timed(func() error { _, err := rawFetch(ctx, raw, "", fetchPipelinedMGET); return err })
		if err != nil {
			return nil, nil, err
		}
		if run < 0 {
			continue
		}
		tExport, tRaw, tRawChild = append(tExport, e.took), append(tRaw, r), append(tRawChild, rc.took)
		exp.rss, exp.bytes = max(exp.rss, e.rss), e.bytes
		logf(o, "export %d run %d: child %v, raw %v, raw child %v", size, run+1, e.took, r, rc.took)
	}
	exp.took = median(tExport)
	rawT, rawChild := median(tRaw), median(tRawChild)
	progress("export %s: fresh process %s (RSS %s, %s out), raw pipelined MGET %s in-process, %s as a fresh process",
		sizeLabel(size), fmtDur(exp.took), fmtBytes(exp.rss), fmtBytes(exp.bytes), fmtDur(rawT), fmtDur(rawChild))
	rows := []row{
		{what: "export as a fresh process (confo.Export to stdout, streamed, JSON checked with Valid) vs raw pipelined MGET×1000 of the same keys in-process", size: sizeLabel(size),
			confo: fmtDur(exp.took), baseline: fmtDur(rawT), ratio: ratio(float64(exp.took), float64(rawT)),
			target: fmt.Sprintf("≤ %.1f×", targetExport), verdict: verdict(float64(exp.took) <= targetExport*float64(rawT))},
		{what: "export as a fresh process vs the raw fetch as a fresh process", size: sizeLabel(size),
			confo: fmtDur(exp.took), baseline: fmtDur(rawChild), ratio: ratio(float64(exp.took), float64(rawChild)), target: "—", verdict: info},
	}
	notes := []string{fmt.Sprintf("export %s (%d runs): the child process (confobench -child export, the library call `confo export` makes) wrote %s with a peak RSS of %s; the stored keys and values are %s.",
		sizeLabel(size), runs, fmtBytes(exp.bytes), fmtBytes(exp.rss), fmtBytes(int64(data.StoredBytes(""))))}
	return rows, notes, nil
}

// readSizes are the backends the registry and get figures compare: 1,000
// namespaces in both, of one config each and of 1,000 each.
var readSizes = []struct{ total, perNamespace int }{{1000, 1}, {1000000, 1000}}

// measureReads times `namespaces` and `get` as fresh processes at 1k and
// 1M configs (with a 50 MB config beside the one get reads), the
// registry-only load in-process, and the memory of a workspace holding
// the largest backend.
func measureReads(ctx context.Context, o options, raw *redis.Client, addr string) ([]row, []string, error) {
	var rows []row
	var notes []string
	type figures struct{ namespaces, get childRun }
	var small figures
	for i, sz := range readSizes {
		if sz.total > o.readMax {
			continue
		}
		data := dataset.Generate(sz.total, sz.perNamespace, sz.perNamespace)
		if err := raw.FlushAll(ctx).Err(); err != nil {
			return nil, nil, err
		}
		progress("filling %s configs in %d namespaces", sizeLabel(sz.total), len(data.Namespaces))
		if err := fill(ctx, raw, data.Keys("")); err != nil {
			return nil, nil, err
		}
		// A namespace with a 50 MB config beside the small one get reads.
		huge := strings.Repeat("x", hugeBytes-2)
		if err := raw.MSet(ctx, "confo", registryWith(data, "big"), "big", `{"configurations": ["huge", "small"]}`,
			"big-huge", `"`+huge+`"`, "big-small", `{"port": 1}`).Err(); err != nil {
			return nil, nil, err
		}
		runs := o.runsFor(sz.total)
		ns, err := medianRun(ctx, runs, addr, "namespaces")
		if err != nil {
			return nil, nil, err
		}
		get, err := medianRun(ctx, runs, addr, "get", "big", "small")
		if err != nil {
			return nil, nil, err
		}
		progress("%s configs: namespaces %s (RSS %s), get %s (RSS %s)", sizeLabel(sz.total), fmtDur(ns.took), fmtBytes(ns.rss), fmtDur(get.took), fmtBytes(get.rss))
		if i == 0 {
			small = figures{ns, get}
			continue
		}
		label := sizeLabel(readSizes[0].total) + " → " + sizeLabel(sz.total)
		rows = append(rows,
			row{what: "`namespaces` as a fresh process (registry only), time at 1M configs vs at 1k", size: label,
				confo: fmtDur(ns.took), baseline: fmtDur(small.namespaces.took), ratio: ratio(float64(ns.took), float64(small.namespaces.took)), target: "≤ 1.5× (same time)", verdict: verdict(float64(ns.took) <= 1.5*float64(small.namespaces.took))},
			row{what: "`namespaces` as a fresh process, peak RSS at 1M vs at 1k", size: label,
				confo: fmtBytes(ns.rss), baseline: fmtBytes(small.namespaces.rss), ratio: ratio(float64(ns.rss), float64(small.namespaces.rss)), target: "—", verdict: info},
			row{what: "`get NS CFG` of a small config beside a 50 MB one, fresh process, time at 1M configs vs at 1k", size: label,
				confo: fmtDur(get.took), baseline: fmtDur(small.get.took), ratio: ratio(float64(get.took), float64(small.get.took)), target: "≤ 1.5× (same time)", verdict: verdict(float64(get.took) <= 1.5*float64(small.get.took))},
			row{what: "`get NS CFG`, same, peak RSS at 1M vs at 1k", size: label,
				confo: fmtBytes(get.rss), baseline: fmtBytes(small.get.rss), ratio: ratio(float64(get.rss), float64(small.get.rss)), target: "—", verdict: info},
		)
		r, n, err := measureLargeWorkspace(ctx, raw, addr, data)
		if err != nil {
			return nil, nil, err
		}
		rows, notes = append(rows, r...), append(notes, n...)
	}
	return rows, notes, nil
}

// registryWith is the registry of data plus one more namespace.
func registryWith(data *dataset.Data, extra string) string {
	names := []string{extra}
	for _, ns := range data.Namespaces {
		names = append(names, ns.Name)
	}
	return string(confo.Encode(confo.ObjectValue(confo.Member{Key: "namespaces", Value: stringsValue(names)})))
}

func stringsValue(names []string) confo.Value {
	items := make([]confo.Value, len(names))
	for i, n := range names {
		items[i] = confo.StringValue(n)
	}
	return confo.ArrayValue(items...)
}

// measureLargeWorkspace: the registry-only load the TUI's first frame
// needs, and the heap of a workspace holding the whole backend.
func measureLargeWorkspace(ctx context.Context, raw *redis.Client, addr string, data *dataset.Data) ([]row, []string, error) {
	store, err := confo.OpenRedis(ctx, confo.RedisConfig{Addr: addr, IOTimeout: time.Minute})
	if err != nil {
		return nil, nil, err
	}
	defer store.Close()
	var times []time.Duration
	for range 5 {
		d, err := timed(func() error {
			ws := confo.NewWorkspace(store.Naming())
			snap, err := store.Load(ctx, confo.LoadOptions{RegistryOnly: true})
			if err == nil {
				ws.Apply(snap, false)
			}
			return err
		})
		if err != nil {
			return nil, nil, err
		}
		times = append(times, d)
	}
	regOnly := median(times)
	// The big namespace is dropped, so the memory compares configs like
	// the 100k figure does.
	if err := raw.Del(ctx, "big", "big-huge", "big-small").Err(); err != nil {
		return nil, nil, err
	}
	if err := raw.Set(ctx, "confo", registryWith(data, data.Namespaces[0].Name), 0).Err(); err != nil {
		return nil, nil, err
	}
	mem := memResult{}
	if err := measureMemory(ctx, raw, store, data, &mem); err != nil {
		return nil, nil, err
	}
	size := sizeLabel(data.Configs())
	rows := []row{
		{what: fmt.Sprintf("registry-only load into a Workspace (the TUI's first frame), %d namespaces", len(data.Namespaces)+1), size: size,
			confo: fmtDur(regOnly), baseline: "—", ratio: "—", target: "—", verdict: info},
		{what: "memory: heap held by the fully loaded Workspace vs key+value bytes stored in Redis", size: size,
			confo: fmtBytes(int64(mem.heap)), baseline: fmtBytes(int64(mem.stored)), ratio: ratio(float64(mem.heap), float64(mem.stored)),
			target: fmt.Sprintf("≤ %.0f×", targetMemory), verdict: verdict(float64(mem.heap) <= targetMemory*float64(mem.stored))},
	}
	notes := []string{fmt.Sprintf("reads at 1k and 1M configs: 1,000 namespaces in both (1 config each, then 1,000 each), plus a namespace holding a 50 MB config and the small config `get` reads; each figure is the median of fresh processes (confobench -child namespaces|get), RSS the largest; Redis's used_memory_dataset at 1M is %s.", fmtBytes(mem.usedDataset))}
	return rows, notes, nil
}

// measureReadFigures runs the export, reads and watch figures.
func measureReadFigures(ctx context.Context, o options, raw *redis.Client, addr string) ([]row, []string, error) {
	var rows []row
	var notes []string
	if o.watchWindow > 0 {
		for _, size := range []int{10000, o.exportSize} {
			costs, err := measureWatch(ctx, o, raw, addr, size)
			if err != nil {
				return nil, nil, fmt.Errorf("watch: %w", err)
			}
			rows = append(rows, watchRows(size, costs, o.watchWindow)...)
		}
		notes = append(notes, fmt.Sprintf("watch: this process idle for %s after the watch is ready, CPU from getrusage(RUSAGE_SELF), traffic from the server's INFO stats (total_net_input/output_bytes, total_commands_processed) with nothing else connected; polling is forced by a user without the CLIENT command on a server without keyspace notifications.", o.watchWindow))
	}
	r, n, err := measureExport(ctx, o, raw, addr, o.exportSize)
	if err != nil {
		return nil, nil, fmt.Errorf("export: %w", err)
	}
	rows, notes = append(rows, r...), append(notes, n...)
	r, n, err = measureReads(ctx, o, raw, addr)
	if err != nil {
		return nil, nil, err
	}
	return append(rows, r...), append(notes, n...), nil
}
