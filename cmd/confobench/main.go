// Command confobench measures confo against the fastest thing the same
// machine can do with the same Redis: it starts its own redis-server on a
// free loopback port, fills it with a deterministic dataset in the Confo
// layout, and prints one markdown table where every confo figure sits next
// to its baseline measured in the same run. With -out it also writes the
// table, the command and the machine into a markdown file.
//
//	go run ./cmd/confobench [-sizes 1000,10000,100000] [-runs 5] [-out BENCHMARKS.md]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type options struct {
	sizes     []int
	runs      int
	largeRuns int
	naiveMax  int
	persistN  int
	out       string
	ui        bool
	uiPresses int
	uiConfigs int
	// uiLoadConfigs is the size of the UI's load figures (ui_load.go).
	uiLoadConfigs int
	startRuns     int
	timeout       time.Duration
	verbose       bool
	commandLine   string
	// The headless reads and the watch (reads.go, watchcost.go).
	reads       bool
	exportSize  int
	readMax     int
	watchWindow time.Duration
	confoBin    string // the confo binary of the read figures; "" builds one
	// cluster runs the Redis Cluster figures (cluster.go).
	cluster   bool
	child     string // run as the child process of a read figure
	childAddr string
	childArgs []string
}

func main() {
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), opts.timeout)
	// A signal or the overall deadline kills every child (redis-server, the
	// demo binary, go test) before exiting; Pdeathsig covers a SIGKILL of us.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case s := <-sigs:
			fmt.Fprintf(os.Stderr, "confobench: %s: stopping\n", s)
			runCleanups()
			os.Exit(130)
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				fmt.Fprintf(os.Stderr, "confobench: overall deadline %s exceeded: stopping\n", opts.timeout)
				runCleanups()
				os.Exit(1)
			}
		}
	}()
	if opts.child != "" {
		err = runChild(ctx, opts.child, opts.childAddr, opts.childArgs)
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "confobench -child %s: %v\n", opts.child, err)
			os.Exit(1)
		}
		return
	}
	err = run(ctx, opts, os.Stdout)
	runCleanups()
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "confobench: %v\n", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("confobench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("sizes", "1000,10000,100000", "comma-separated backend sizes (configs) to reload")
	var o options
	fs.IntVar(&o.runs, "runs", 5, "runs per figure; each figure is the median")
	fs.IntVar(&o.largeRuns, "large-runs", 0, "runs for sizes of 100k configs and more (0: same as -runs)")
	fs.IntVar(&o.naiveMax, "naive-max", 100000, "largest size for which the naive one-GET-per-config fetch is timed")
	fs.IntVar(&o.persistN, "persist", 10000, "changed configs in the persist measurement (0 skips it)")
	fs.StringVar(&o.out, "out", "", "markdown `FILE` to write the results into (the part between the confobench markers is replaced, the rest kept)")
	fs.BoolVar(&o.ui, "ui", true, "measure the terminal UI figures too")
	fs.IntVar(&o.uiPresses, "ui-presses", 2000, "key presses timed for the UI p99")
	fs.IntVar(&o.uiConfigs, "ui-configs", 100000, "configs in the namespace the UI figures browse")
	fs.IntVar(&o.uiLoadConfigs, "ui-load-configs", uiLoadConfigs, "configs (in 1,000 namespaces) the UI's start figures load")
	fs.IntVar(&o.startRuns, "start-runs", 0, "runs of the start-to-first-frame measurement (0: same as -runs)")
	fs.DurationVar(&o.timeout, "timeout", 15*time.Minute, "overall deadline; everything is killed after it")
	fs.BoolVar(&o.verbose, "v", false, "print every run on stderr")
	fs.BoolVar(&o.reads, "reads", true, "measure the headless reads (export, namespaces, get) and the watch")
	fs.IntVar(&o.exportSize, "export-size", 100000, "configs in the export measurement")
	fs.IntVar(&o.readMax, "read-max", 1000000, "largest backend (1000 or 1000000) of the namespaces/get/memory figures")
	fs.DurationVar(&o.watchWindow, "watch-window", 30*time.Second, "idle time over which the watch's CPU and traffic are measured (0 skips it)")
	fs.StringVar(&o.confoBin, "confo", "", "confo `BINARY` whose reads are timed (default: build the module's)")
	fs.BoolVar(&o.cluster, "cluster", true, "measure reload and persist on a 3-master Redis Cluster too")
	fs.StringVar(&o.child, "child", "", "internal: run as the child process of a read figure")
	fs.StringVar(&o.childAddr, "child-addr", "", "internal: the child's Redis address")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.child != "" {
		o.childArgs = fs.Args()
		return o, nil
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "confobench: unexpected argument %q\n", fs.Arg(0))
		return o, errors.New("usage")
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 || n > 2_000_000 {
			fmt.Fprintf(stderr, "confobench: -sizes: bad size %q (1..2000000)\n", s)
			return o, errors.New("usage")
		}
		o.sizes = append(o.sizes, n)
	}
	slices.Sort(o.sizes)
	o.sizes = slices.Compact(o.sizes)
	if o.runs < 1 || o.runs > 100 {
		fmt.Fprintln(stderr, "confobench: -runs must be 1..100")
		return o, errors.New("usage")
	}
	if o.largeRuns <= 0 || o.largeRuns > o.runs {
		o.largeRuns = o.runs
	}
	if o.startRuns <= 0 {
		o.startRuns = max(o.runs, 5)
	}
	o.uiPresses = max(o.uiPresses, 1000)
	o.commandLine = commandLine(args)
	return o, nil
}

func commandLine(args []string) string {
	parts := []string{"go run ./cmd/confobench"}
	for _, a := range args {
		if strings.ContainsAny(a, " \t'\"$") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

var (
	cleanupMu sync.Mutex
	cleanups  []func()
)

// atExit registers a cleanup run on normal exit, on a signal and at the
// overall deadline, last registered first.
func atExit(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

func runCleanups() {
	cleanupMu.Lock()
	fs := cleanups
	cleanups = nil
	cleanupMu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

func (o options) runsFor(size int) int {
	if size >= 100000 {
		return o.largeRuns
	}
	return o.runs
}

func logf(o options, format string, args ...any) {
	if o.verbose {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
	}
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "confobench: "+format+"\n", args...)
}
