package main

import (
	"context"
	"errors"
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

// The headless reads as fresh processes, the way a user runs them: the
// real confo binary, built by the driver (binary.go), against the raw
// pipelined fetch of the same keys, which confobench runs as a fresh
// process of its own (-child raw) so that process start and connection are
// counted on both sides. The library call `confo export` makes
// (confo.Export to stdout, -child export) is timed too, to tell what the
// command line adds to it.

const (
	targetExport = 1.5
	// hugeBytes is the size of the big config next to the one get reads.
	hugeBytes = 50 << 20
)

// runChild is the child side: it does what -child names, then prints its
// own peak RSS on stderr (a parent's wait4 counts the memory the child
// shared with it before exec, so it cannot tell); -child rss runs a
// command and prints that command's peak RSS instead.
func runChild(ctx context.Context, what, addr string, args []string) error {
	if what == "rss" {
		rss, err := commandPeakRSS(ctx, args)
		fmt.Fprintf(os.Stderr, "%s%d\n", rssMarker, rss)
		return err
	}
	err := childWork(ctx, what, addr)
	fmt.Fprintf(os.Stderr, "%s%d\n", rssMarker, selfPeakRSS())
	return err
}

const rssMarker = "confobench-peak-rss: "

func childWork(ctx context.Context, what, addr string) error {
	switch what {
	case "raw":
		c := redis.NewClient(&redis.Options{Addr: addr, ReadTimeout: time.Minute})
		defer c.Close()
		_, err := rawFetch(ctx, c, "", fetchPipelinedMGET)
		return err
	case "export":
		s, err := confo.OpenRedis(ctx, confo.RedisConfig{Addr: addr, IOTimeout: time.Minute})
		if err != nil {
			return err
		}
		defer s.Close()
		return confo.Export(ctx, s, os.Stdout, confo.ExportOptions{})
	}
	return fmt.Errorf("unknown child %q", what)
}

// commandPeakRSS runs argv with this process's standard output. The
// command's peak RSS comes from wait4: this process is small when it
// forks, so what the two share before exec hardly counts.
func commandPeakRSS(ctx context.Context, argv []string) (int64, error) {
	if len(argv) == 0 {
		return -1, errors.New("-child rss: no command")
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout = os.Stdout
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return -1, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return peakRSS(cmd.ProcessState), nil
}

// childRun is one timed run of a child: wall time, peak RSS, output size.
type childRun struct {
	took  time.Duration
	rss   int64
	bytes int64
}

// selfChild is the command line of confobench run as a child.
func selfChild(addr, what string) []string {
	return []string{os.Args[0], "-child", what, "-child-addr", addr}
}

// confoCommand is the command line of the real binary reading addr.
func confoCommand(bin, addr string, args ...string) []string {
	return append([]string{bin, "--redis", "redis://" + addr}, args...)
}

// runTimed runs argv once, timing exec to exit, its output counted and
// dropped. The peak RSS is what the child printed, if it did.
func runTimed(ctx context.Context, argv []string) (childRun, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
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
		return childRun{}, fmt.Errorf("%s: %v: %s", strings.Join(argv[1:], " "), err, strings.TrimSpace(stderr.String()))
	}
	rss := int64(-1)
	if _, after, ok := strings.Cut(stderr.String(), rssMarker); ok {
		fmt.Sscan(after, &rss)
	}
	return childRun{took: took, rss: rss, bytes: counter.n}, nil
}

// measureRSS runs argv once more under -child rss, for its peak RSS.
func measureRSS(ctx context.Context, argv []string) (int64, error) {
	r, err := runTimed(ctx, append([]string{os.Args[0], "-child", "rss", "--"}, argv...))
	return r.rss, err
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// medianRun runs argv n times, after one untimed run that warms the
// caches, and keeps the median time; the peak RSS comes from one more run
// under -child rss.
func medianRun(ctx context.Context, n int, argv []string) (childRun, error) {
	var times []time.Duration
	var out childRun
	for run := -1; run < n; run++ {
		r, err := runTimed(ctx, argv)
		if err != nil {
			return out, err
		}
		if run >= 0 {
			times = append(times, r.took)
		}
		out.bytes = r.bytes
	}
	out.took = median(times)
	rss, err := measureRSS(ctx, argv)
	out.rss = rss
	return out, err
}

// measureExport times `confo export` (the real binary, a fresh process)
// against the raw pipelined fetch of the same keys as a fresh process, the
// target, and in-process; and the library's Export as a fresh process.
// Runs are interleaved so that all see the same machine.
func measureExport(ctx context.Context, o options, raw *redis.Client, addr, bin string, size int) ([]row, []string, error) {
	data := dataset.Generate(size, minPerNamespace, maxPerNamespace)
	if err := raw.FlushAll(ctx).Err(); err != nil {
		return nil, nil, err
	}
	if err := fill(ctx, raw, data.Keys("")); err != nil {
		return nil, nil, err
	}
	runs := o.runsFor(size)
	command := confoCommand(bin, addr, "export")
	var tCommand, tLibrary, tRaw, tRawChild []time.Duration
	var cmdRun, libRun childRun
	for run := -1; run < runs; run++ { // run -1 warms up, untimed
		c, err := runTimed(ctx, command)
		if err != nil {
			return nil, nil, err
		}
		l, err := runTimed(ctx, selfChild(addr, "export"))
		if err != nil {
			return nil, nil, err
		}
		rc, err := runTimed(ctx, selfChild(addr, "raw"))
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
		if c.bytes != l.bytes {
			return nil, nil, fmt.Errorf("confo export wrote %d bytes, the library's Export %d", c.bytes, l.bytes)
		}
		tCommand, tLibrary, tRaw, tRawChild = append(tCommand, c.took), append(tLibrary, l.took), append(tRaw, r), append(tRawChild, rc.took)
		cmdRun.bytes, libRun.rss = c.bytes, max(libRun.rss, l.rss)
		logf(o, "export %d run %d: confo %v, library child %v, raw child %v, raw in-process %v", size, run+1, c.took, l.took, rc.took, r)
	}
	var err error
	if cmdRun.rss, err = measureRSS(ctx, command); err != nil {
		return nil, nil, err
	}
	cmdRun.took, libRun.took = median(tCommand), median(tLibrary)
	rawT, rawChild := median(tRaw), median(tRawChild)
	progress("export %s: confo %s (RSS %s, %s out), library Export child %s, raw pipelined MGET %s as a fresh process, %s in-process",
		sizeLabel(size), fmtDur(cmdRun.took), fmtBytes(cmdRun.rss), fmtBytes(cmdRun.bytes), fmtDur(libRun.took), fmtDur(rawChild), fmtDur(rawT))
	rows := []row{
		{what: "`confo export` (the binary, a fresh process, output to a pipe) vs the raw pipelined MGET×1000 of the same keys as a fresh process", size: sizeLabel(size),
			confo: fmtDur(cmdRun.took), baseline: fmtDur(rawChild), ratio: ratio(float64(cmdRun.took), float64(rawChild)),
			target: fmt.Sprintf("≤ %.1f×", targetExport), verdict: verdict(float64(cmdRun.took) <= targetExport*float64(rawChild))},
		{what: "`confo export` vs the raw fetch in-process (no process start, connection already open)", size: sizeLabel(size),
			confo: fmtDur(cmdRun.took), baseline: fmtDur(rawT), ratio: ratio(float64(cmdRun.took), float64(rawT)), target: "—", verdict: info},
		{what: "library `confo.Export` to stdout as a fresh process vs the raw fetch as a fresh process", size: sizeLabel(size),
			confo: fmtDur(libRun.took), baseline: fmtDur(rawChild), ratio: ratio(float64(libRun.took), float64(rawChild)), target: "—", verdict: info},
	}
	notes := []string{fmt.Sprintf("export %s (%d runs, interleaved): `confo --redis URL export` wrote %s with a peak RSS of %s (the library's Export as a child: %s); the stored keys and values are %s.",
		sizeLabel(size), runs, fmtBytes(cmdRun.bytes), fmtBytes(cmdRun.rss), fmtBytes(libRun.rss), fmtBytes(int64(data.StoredBytes(""))))}
	return rows, notes, nil
}

// readSizes are the backends the registry and get figures compare: 1,000
// namespaces in both, of one config each and of 1,000 each.
var readSizes = []struct{ total, perNamespace int }{{1000, 1}, {1000000, 1000}}

// measureReads times `namespaces` and `get` as fresh processes at 1k and
// 1M configs (with a 50 MB config beside the one get reads), the
// registry-only load in-process, and the memory of a workspace holding
// the largest backend.
func measureReads(ctx context.Context, o options, raw *redis.Client, addr, bin string) ([]row, []string, error) {
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
		ns, err := medianRun(ctx, runs, confoCommand(bin, addr, "namespaces"))
		if err != nil {
			return nil, nil, err
		}
		get, err := medianRun(ctx, runs, confoCommand(bin, addr, "get", "big", "small"))
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
			row{what: "`confo namespaces` as a fresh process (registry only), time at 1M configs vs at 1k", size: label,
				confo: fmtDur(ns.took), baseline: fmtDur(small.namespaces.took), ratio: ratio(float64(ns.took), float64(small.namespaces.took)), target: "≤ 1.5× (same time)", verdict: verdict(float64(ns.took) <= 1.5*float64(small.namespaces.took))},
			row{what: "`confo namespaces`, peak RSS at 1M vs at 1k", size: label,
				confo: fmtBytes(ns.rss), baseline: fmtBytes(small.namespaces.rss), ratio: ratio(float64(ns.rss), float64(small.namespaces.rss)), target: "—", verdict: info},
			row{what: "`confo get NS CFG` of a small config beside a 50 MB one, fresh process, time at 1M configs vs at 1k", size: label,
				confo: fmtDur(get.took), baseline: fmtDur(small.get.took), ratio: ratio(float64(get.took), float64(small.get.took)), target: "≤ 1.5× (same time)", verdict: verdict(float64(get.took) <= 1.5*float64(small.get.took))},
			row{what: "`confo get NS CFG`, same, peak RSS at 1M vs at 1k", size: label,
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
	notes := []string{fmt.Sprintf("reads at 1k and 1M configs: 1,000 namespaces in both (1 config each, then 1,000 each), plus a namespace holding a 50 MB config and the small config `get` reads; each figure is the median of fresh processes of the confo binary, its peak RSS from one more run under `confobench -child rss`; Redis's used_memory_dataset at 1M is %s.", fmtBytes(mem.usedDataset))}
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
	bin := o.confoBin
	var err error
	if bin == "" {
		bin, err = buildConfo(ctx)
	}
	if err != nil {
		return nil, nil, err
	}
	r, n, err := measureExport(ctx, o, raw, addr, bin, o.exportSize)
	if err != nil {
		return nil, nil, fmt.Errorf("export: %w", err)
	}
	rows, notes = append(rows, r...), append(notes, n...)
	r, n, err = measureReads(ctx, o, raw, addr, bin)
	if err != nil {
		return nil, nil, err
	}
	return append(rows, r...), append(notes, n...), nil
}
