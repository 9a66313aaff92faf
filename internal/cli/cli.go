// Package cli is confo's command line: the flags, the headless commands for
// scripts (namespaces, get, set, export, import), their exit statuses, and
// the start of the terminal UI.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/demo"
	"github.com/confo-dev/confo/internal/session"
	"github.com/confo-dev/confo/ui"
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

// Env is what one run of the command gets from its process.
type Env struct {
	Args           []string
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Keys is the key map of the terminal UI.
	Keys ui.KeyMap
}

// usageError is a mistake in the command line, reported with exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// backendFlag collects repeated --redis/--dir flags, each "URL" or "name=URL".
type backendFlag struct {
	kind  confo.BackendType
	specs *[]session.Spec
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
		if s.Name == name {
			return fmt.Errorf("backend name %q used twice; name them with NAME=%s", name, strings.ToUpper(string(f.kind)))
		}
	}
	*f.specs = append(*f.specs, session.Spec{Name: name, Kind: f.kind, Target: target})
	return nil
}

func defaultBackendName(kind confo.BackendType, specs []session.Spec) string {
	base := map[confo.BackendType]string{confo.BackendRedis: "redis", confo.BackendDir: "files"}[kind]
	count := 0
	for _, s := range specs {
		if s.Kind == kind {
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
	backends  []session.Spec
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

// Run runs one command line and returns the process's exit status.
func Run(ctx context.Context, env Env) int {
	redis.SetLogger(quietRedisLog{})
	stdin, stdout, stderr := env.Stdin, env.Stdout, env.Stderr
	opts, positional, err := parseArgs(env.Args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(positional) == 0 {
		in, err := tuiStart(ctx, opts, env, stderr)
		if err != nil {
			return report(stderr, err)
		}
		return report(stderr, runTUI(ctx, in))
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
	return report(stderr, cmd.run(ctx, &commandEnv{sess: sess, opts: opts}, positional[1:], stdin, stdout, stderr))
}

// report prints an error as one line and maps it to an exit status.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "confo: %v\n", err)
	var usage usageError
	var badSpec *session.BadSpecError
	switch {
	case errors.As(err, &usage), errors.As(err, &badSpec):
		return exitUsage
	case errors.Is(err, confo.ErrConflict):
		return exitConflict
	}
	return exitError
}

// openSession opens the backends named by the flags, or the embedded demo
// when there are none. With single, only the backend the headless commands
// use is opened, and it becomes the active one.
func openSession(ctx context.Context, opts options, stderr io.Writer, single bool) (*session.Session, error) {
	specs := opts.backends
	var d *demo.Demo
	if len(specs) == 0 {
		var err error
		if d, specs, err = session.DemoSpecs(ctx); err != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "confo: no --redis or --dir given: using the embedded demo Redis at %s (changes are lost on exit)\n", d.Addr())
	}
	if single {
		spec, err := pickBackend(specs, opts.backend)
		if err != nil {
			if d != nil {
				d.Close()
			}
			return nil, err
		}
		specs = []session.Spec{spec}
	}
	sess, err := session.Open(ctx, specs, session.Options{Prefix: opts.prefix, Discover: opts.discover, ReadOnly: opts.readonly, Timeout: opts.timeout})
	if err != nil {
		if d != nil {
			d.Close()
		}
		return nil, err
	}
	sess.Demo = d
	return sess, nil
}

func pickBackend(specs []session.Spec, name string) (session.Spec, error) {
	if name == "" {
		return specs[0], nil
	}
	for _, s := range specs {
		if s.Name == name {
			return s, nil
		}
	}
	return session.Spec{}, usagef("--backend %q: no such backend (give it with --redis %s=URL or --dir %s=PATH)", name, name, name)
}

// tuiStart fills the terminal UI's input from the flags: the backends they
// name, or the embedded demo.
func tuiStart(ctx context.Context, opts options, env Env, stderr io.Writer) (tuiInput, error) {
	in := tuiInput{
		Specs:   opts.backends,
		Session: session.Options{Prefix: opts.prefix, Discover: opts.discover, ReadOnly: opts.readonly, Timeout: opts.timeout},
		Keys:    env.Keys,
		Timeout: opts.timeout,
		Stderr:  stderr,
	}
	if len(in.Specs) == 0 {
		d, specs, err := session.DemoSpecs(ctx)
		if err != nil {
			return tuiInput{}, err
		}
		fmt.Fprintf(stderr, "confo: no --redis or --dir given: using the embedded demo Redis at %s (changes are lost on exit)\n", d.Addr())
		in.Demo, in.Specs = d, specs
	}
	return in, nil
}
