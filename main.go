// Command confo browses and edits Confo configurations kept in Redis or in a
// directory: a terminal UI by default, and a few headless commands for
// scripts (namespaces, get, set, export, import).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
)

// Exit statuses, part of the command's contract with scripts.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2
	exitConflict = 3
)

// quietRedisLog drops go-redis's own log lines: they would tear the
// terminal UI, and every failure already reaches the user as an error.
type quietRedisLog struct{}

func (quietRedisLog) Printf(context.Context, string, ...any) {}

func main() {
	redis.SetLogger(quietRedisLog{})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError is a mistake in the command line, reported with exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// backendSpec is one --redis or --dir flag.
type backendSpec struct {
	name   string
	kind   confo.BackendType
	target string
}

// backendFlag collects repeated --redis/--dir flags, each "URL" or "name=URL".
type backendFlag struct {
	kind  confo.BackendType
	specs *[]backendSpec
}

func (f backendFlag) String() string { return "" }

func (f backendFlag) Set(value string) error {
	name, target := "", value
	if i := strings.IndexByte(value, '='); i > 0 && !strings.ContainsAny(value[:i], ":/?") {
		name, target = value[:i], value[i+1:]
	}
	if target == "" {
		return fmt.Errorf("empty %s target", f.kind)
	}
	if name == "" {
		name = defaultBackendName(f.kind, *f.specs)
	}
	for _, s := range *f.specs {
		if s.name == name {
			return fmt.Errorf("backend name %q used twice; name them with NAME=%s", name, strings.ToUpper(string(f.kind)))
		}
	}
	*f.specs = append(*f.specs, backendSpec{name: name, kind: f.kind, target: target})
	return nil
}

func defaultBackendName(kind confo.BackendType, specs []backendSpec) string {
	base := map[confo.BackendType]string{confo.BackendRedis: "redis", confo.BackendDir: "files"}[kind]
	count := 0
	for _, s := range specs {
		if s.kind == kind {
			count++
		}
	}
	if count == 0 {
		return base
	}
	return fmt.Sprintf("%s%d", base, count+1)
}

// options are the flags shared by the TUI and the headless commands.
type options struct {
	backends  []backendSpec
	prefix    string
	discover  bool
	readonly  bool
	backend   string
	overwrite bool
	timeout   time.Duration
}

const usageText = `confo — browse and edit Confo configurations in Redis or a directory

Usage:
  confo [flags]                          open the terminal UI
  confo [flags] namespaces               list namespaces, one per line
  confo [flags] get NS [CONFIG [FIELD]]  print JSON (stored bytes kept)
  confo [flags] set NS CONFIG FIELD VALUE
                                         set a field and persist that config;
                                         VALUE is JSON if it parses, else a string
  confo [flags] export [NS...]           print {"ns": {"config": value}}
  confo [flags] import FILE|-            persist that shape, one namespace at a time

Without --redis or --dir, confo starts an embedded Redis filled with demo
data (nothing is kept on exit).

Exit status: 0 ok, 1 error, 2 usage, 3 conflict (another client changed the
data since it was read; nothing of that namespace was written).

The Redis password may come from CONFO_REDIS_PASSWORD or REDISCLI_AUTH
instead of the URL.

Flags:
`

func parseArgs(args []string, stderr io.Writer) (options, []string, error) {
	var opts options
	fs := flag.NewFlagSet("confo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	fs.Var(backendFlag{confo.BackendRedis, &opts.backends}, "redis", "Redis `URL` redis://[user:pass@]host:port/db (rediss:// for TLS); NAME=URL names it; repeatable")
	fs.Var(backendFlag{confo.BackendDir, &opts.backends}, "dir", "directory `PATH` holding <ns>/<cfg>.json; NAME=PATH names it; repeatable")
	fs.StringVar(&opts.prefix, "prefix", "", "key prefix for every Redis backend")
	fs.BoolVar(&opts.discover, "discover", false, "adopt <ns>-<cfg> keys missing from their namespace's list")
	fs.BoolVar(&opts.readonly, "readonly", false, "never write to any backend")
	fs.StringVar(&opts.backend, "backend", "", "backend `NAME` the headless commands use (default: the first)")
	fs.BoolVar(&opts.overwrite, "overwrite", false, "set/import: write even over configs another client changed")
	fs.DurationVar(&opts.timeout, "timeout", 10*time.Second, "connect and I/O timeout per Redis operation")

	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return opts, nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	return opts, positional, nil
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, positional, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(positional) == 0 {
		return report(stderr, runTUI(ctx, opts, stderr))
	}
	cmd, ok := commands[positional[0]]
	if !ok {
		return report(stderr, usagef("unknown command %q (want namespaces, get, set, export or import; -h for help)", positional[0]))
	}
	if err := cmd.checkArgs(positional[1:]); err != nil {
		return report(stderr, err)
	}
	sess, err := openSession(ctx, opts, stderr, true)
	if err != nil {
		return report(stderr, err)
	}
	defer sess.Close()
	return report(stderr, cmd.run(ctx, sess, positional[1:], stdin, stdout, stderr))
}

// report prints an error as one line and maps it to an exit status.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "confo: %v\n", err)
	var usage usageError
	switch {
	case errors.As(err, &usage):
		return exitUsage
	case errors.Is(err, confo.ErrConflict):
		return exitConflict
	}
	return exitError
}
