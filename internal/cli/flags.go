package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/session"
)

// options are the flags shared by the TUI and the headless commands.
type options struct {
	backends   []backendArg
	configPath string
	backend    string
	demo       bool
	prefix     string
	discover   bool
	readonly   bool
	overwrite  bool
	timeout    time.Duration
	// flags tells which flags were given, for those whose zero value is
	// also a choice (--timeout over the config file's timeout).
	flags *pflag.FlagSet
}

// backendArg is one --redis or --dir value as typed. It is checked after
// parsing, by specs, because the flag parser would quote a value it
// refuses, and a Redis URL may hold a password.
type backendArg struct {
	kind  confo.BackendType
	value string
}

// backendFlag collects repeated --redis/--dir flags in command-line order.
type backendFlag struct {
	kind confo.BackendType
	list *[]backendArg
}

func (f backendFlag) String() string { return "" }
func (f backendFlag) Type() string {
	if f.kind == confo.BackendRedis {
		return "URL"
	}
	return "PATH"
}

func (f backendFlag) Set(value string) error {
	*f.list = append(*f.list, backendArg{f.kind, value})
	return nil
}

func (o *options) register(fs *pflag.FlagSet) {
	fs.Var(backendFlag{confo.BackendRedis, &o.backends}, "redis", "Redis backend redis://[user[:pass]@]host:port/db (rediss:// for TLS); NAME=URL names it; repeatable")
	fs.Var(backendFlag{confo.BackendDir, &o.backends}, "dir", "directory backend holding <ns>/<cfg>.json; NAME=PATH names it; repeatable")
	fs.StringVar(&o.configPath, "config", "", "config file `PATH` (default $CONFO_CONFIG, else $XDG_CONFIG_HOME/confo/config.toml)")
	fs.StringVarP(&o.backend, "backend", "b", "", "the backend to use, by `NAME` (default: the config file's default, else the first)")
	fs.BoolVar(&o.demo, "demo", false, "use the embedded demo (an in-process Redis and a temporary folder; nothing is kept)")
	fs.StringVar(&o.prefix, "prefix", "", "key `PREFIX` for every Redis backend")
	fs.BoolVar(&o.discover, "discover", false, "adopt <ns>-<cfg> keys missing from their namespace's list")
	fs.BoolVar(&o.readonly, "readonly", false, "never write to any backend")
	fs.BoolVar(&o.overwrite, "overwrite", false, "set, edit, import: write even over configs another client changed")
	fs.DurationVar(&o.timeout, "timeout", session.DefaultTimeout, "connect and I/O timeout per operation")
	o.flags = fs
}

// check refuses flag values that parse but make no sense.
func (o *options) check() error {
	if o.timeout <= 0 {
		return usagef("--timeout %s: want a duration above 0, such as 5s", o.timeout)
	}
	if o.demo && len(o.backends) > 0 {
		return usagef("--demo opens the embedded demo alone; leave out --redis and --dir, or --demo")
	}
	return nil
}

// sessionOptions are the flags that override every backend's settings.
func (o *options) sessionOptions() session.Options {
	opts := session.Options{Prefix: o.prefix, Discover: o.discover, ReadOnly: o.readonly}
	if o.flags != nil && o.flags.Changed("timeout") {
		opts.Timeout = o.timeout
	}
	return opts
}

// flagSpecs turns the --redis and --dir values into specs, each named by
// its NAME= or after its kind ("redis", "redis2", "files").
func (o *options) flagSpecs() ([]session.Spec, error) {
	var specs []session.Spec
	for _, a := range o.backends {
		name, target := "", a.value
		if i := strings.IndexByte(a.value, '='); i > 0 && !strings.ContainsAny(a.value[:i], ":/?") {
			name, target = a.value[:i], a.value[i+1:]
		}
		if target == "" {
			return nil, usagef("--%s %s: empty %s", a.kind, name, backendFlag{kind: a.kind}.Type())
		}
		if name == "" {
			name = defaultBackendName(a.kind, specs)
		}
		for _, s := range specs {
			if s.Name == name {
				// Neither value is shown: a URL may hold a password.
				return nil, usagef("backend name %q used twice; name them with --%s NAME=%s", name, a.kind, backendFlag{kind: a.kind}.Type())
			}
		}
		specs = append(specs, session.Spec{Name: name, Kind: a.kind, Target: target})
	}
	return specs, nil
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
