package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/configfile"
	"github.com/confo-dev/confo/internal/demo"
	"github.com/confo-dev/confo/internal/session"
	"github.com/confo-dev/confo/internal/termsafe"
	"github.com/confo-dev/confo/ui"
)

// app is one run of the command: its environment, its flags, and what it
// opened.
type app struct {
	ctx  context.Context
	env  Env
	opts options
	// out and errw escape stored text on a terminal and pass it exactly
	// through a pipe.
	out, errw *termsafe.Writer
	file      *configfile.File
	// keys and theme are the terminal UI's, with the file's [keys] and
	// [theme] applied.
	keys  ui.KeyMap
	theme ui.ThemeSettings
	demo  *demo.Demo
	// quiet drops notices: shell completion must print nothing but
	// completions.
	quiet bool
	// maxTimeout, when set, caps every backend's timeout (completion).
	maxTimeout time.Duration
	profile    profileFlag
	// noWatch is the terminal UI's --no-watch.
	noWatch bool
}

func newApp(ctx context.Context, env Env) *app {
	return &app{
		ctx:  ctx,
		env:  env,
		out:  termsafe.NewWriter(env.Stdout, isTerminal(env.Stdout)),
		errw: termsafe.NewWriter(env.Stderr, isTerminal(env.Stderr)),
	}
}

// notef prints a notice (what was written, a warning) on stderr.
func (a *app) notef(format string, args ...any) {
	if a.quiet {
		return
	}
	a.errw.WriteString("confo: " + a.errw.Line(fmt.Sprintf(format, args...)) + "\n")
}

// configFile reads the config file once: --config, $CONFO_CONFIG, or the
// default location, where it may be absent. Its [keys] and [theme] are
// checked too, whatever the command.
func (a *app) configFile() (*configfile.File, error) {
	if a.file != nil {
		return a.file, nil
	}
	f, err := configfile.Open(a.opts.configPath, os.Getenv)
	if err != nil {
		return nil, configError{err}
	}
	if a.keys, a.theme, err = uiSettings(f, a.env.Keys); err != nil {
		return nil, err
	}
	a.file = f
	return f, nil
}

// backendSet is the backends a run can use: the flags' (--redis, --dir),
// else the config file's, else the demo's when asked for.
type backendSet struct {
	specs []session.Spec
	// preferred is the backend to use when -b names none: the config
	// file's default, "" for the first.
	preferred string
}

// errNoBackend is why a headless command will not guess where to work.
func (a *app) errNoBackend() error {
	where := "a config file"
	if path, _, err := configfile.Find(a.opts.configPath, os.Getenv); err == nil && path != "" {
		where = "the config file " + path
	}
	return usagef("no backend given: name one with --redis URL or --dir PATH, list backends in %s, or use --demo for the embedded demo", where)
}

// backends resolves what the run may open. Every flag backend is checked
// (its URL parsed, its directory found) even when another one is used.
// The demo is started only when asked for, or for the UI when nothing
// else is given (allowDemo).
func (a *app) backends(allowDemo bool) (backendSet, error) {
	flagSpecs, err := a.opts.flagSpecs()
	if err != nil {
		return backendSet{}, err
	}
	for _, s := range flagSpecs {
		if err := session.Check(s.Effective(a.opts.sessionOptions())); err != nil {
			return backendSet{}, err
		}
	}
	file, err := a.configFile()
	if err != nil {
		return backendSet{}, err
	}
	switch {
	case a.opts.demo:
		return a.startDemo()
	case len(flagSpecs) > 0:
		return backendSet{specs: flagSpecs}, nil
	case len(file.Backends) > 0:
		set := backendSet{preferred: file.Default}
		for _, b := range file.Backends {
			set.specs = append(set.specs, fileSpec(b))
		}
		return set, nil
	case allowDemo:
		return a.startDemo()
	}
	return backendSet{}, a.errNoBackend()
}

func (a *app) startDemo() (backendSet, error) {
	d, specs, err := session.DemoSpecs(a.ctx)
	if err != nil {
		return backendSet{}, err
	}
	a.demo = d
	a.notef("using the embedded demo: Redis at %s and a temporary folder (changes are lost on exit)", d.Addr())
	return backendSet{specs: specs}, nil
}

func (a *app) closeDemo() {
	if a.demo != nil {
		a.demo.Close()
		a.demo = nil
	}
}

// pick returns the backend the headless commands use: -b NAME, else the
// config file's default, else the first.
func (set backendSet) pick(name string) (session.Spec, error) {
	if name == "" {
		name = set.preferred
	}
	if name == "" {
		return set.specs[0], nil
	}
	for _, s := range set.specs {
		if s.Name == name {
			return s, nil
		}
	}
	return session.Spec{}, usagef("--backend %q: no such backend (have: %s)", name, strings.Join(set.names(), ", "))
}

func (set backendSet) names() []string {
	names := make([]string, len(set.specs))
	for i, s := range set.specs {
		names[i] = s.Name
	}
	return names
}

// fileSpec is the spec of a [backends.NAME] table.
func fileSpec(b *configfile.Backend) session.Spec {
	spec := session.Spec{
		Name:     b.Name,
		Kind:     confo.BackendDir,
		Target:   b.Dir,
		Prefix:   b.Prefix,
		Discover: b.Discover,
		ReadOnly: b.ReadOnly,
		Timeout:  b.Timeout,
		TLS: session.TLS{
			CA: b.TLS.CA, Cert: b.TLS.Cert, Key: b.TLS.Key,
			ServerName: b.TLS.ServerName, Insecure: b.TLS.Insecure,
		},
		Origin: fileOrigin{b},
	}
	if b.Redis != "" {
		spec.Kind, spec.Target = confo.BackendRedis, b.Redis
		if b.HasPassword() {
			spec.Password = b.Password
		}
	}
	return spec
}

// fileOrigin places a problem with a config file backend at its line.
type fileOrigin struct{ b *configfile.Backend }

func (o fileOrigin) Place(key string, err error) error {
	placed := o.b.Errorf(key, "")
	if e, ok := errors.AsType[*configfile.Error](placed); ok {
		e.Msg, e.Err = "", err
		return e
	}
	return fmt.Errorf("%v%w", placed, err)
}

// warnInsecure says on stderr which backends skip certificate checks: the
// user asked for it, but should not forget it.
func (a *app) warnInsecure(specs []session.Spec) {
	for _, s := range specs {
		if s.Kind != confo.BackendRedis {
			continue
		}
		if cfg, err := session.RedisConfig(s); err == nil && cfg.TLSInsecure {
			a.notef("backend %s: tls_insecure is set: the server's certificate is not checked, so anyone on the path can read and change the traffic", s.Name)
		}
	}
}

// target is the one backend a headless command works on: its store and a
// workspace holding only what the command loaded.
type target struct {
	spec  session.Spec
	store confo.Store
	ws    *confo.Workspace
}

// open connects to the backend the command uses, without reading it.
// Commands that only read open it read-only, so that opening creates
// nothing (not even an empty registry) on the server.
func (a *app) open(write bool) (*target, error) {
	set, err := a.backends(false)
	if err != nil {
		return nil, err
	}
	spec, err := set.pick(a.opts.backend)
	if err != nil {
		return nil, err
	}
	spec = spec.Effective(a.opts.sessionOptions())
	if !write {
		spec.ReadOnly = true
	}
	if a.maxTimeout > 0 {
		spec.Timeout = min(spec.Timeout, a.maxTimeout)
	}
	a.warnInsecure([]session.Spec{spec})
	store, err := session.Connect(a.ctx, spec, session.Options{})
	if err != nil {
		return nil, err
	}
	return &target{spec: spec, store: store, ws: confo.NewWorkspace(store.Naming())}, nil
}

func (t *target) Close() { t.store.Close() }

// openNamespace opens the backend for a write to one of a namespace's
// configs: it refuses a read-only backend first, then loads the namespace.
func (a *app) openNamespace(ns string) (*target, error) {
	t, err := a.open(true)
	if err != nil {
		return nil, err
	}
	if err := t.refuseReadOnly(); err != nil {
		t.Close()
		return nil, err
	}
	if err := t.load(a.ctx, []string{ns}); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// refuseReadOnly is the error of a write to a read-only backend, saying
// why it is read-only; nil when it takes writes.
func (t *target) refuseReadOnly() error {
	if !t.store.ReadOnly() {
		return nil
	}
	why := "--readonly, or readonly = true in the config file"
	if !t.spec.ReadOnly {
		// The store found it so (a replica): its address says why.
		why = t.store.Address()
	}
	return &confo.ReadOnlyError{What: "backend " + t.spec.Name, Why: why}
}

// registry lists the namespaces, reading the registry alone.
func (t *target) registry(ctx context.Context) ([]string, error) {
	return confo.ReadRegistry(ctx, t.store)
}

// config reads one config's stored bytes (checked to be JSON), and the
// namespace's list and registry, nothing else, and holds the config in the
// workspace so that its fields can be read. With --discover, a config its
// list does not name is looked for by loading the namespace.
func (t *target) config(ctx context.Context, ns, name string) ([]byte, error) {
	data, err := confo.ReadConfig(ctx, t.store, ns, name)
	if errors.Is(err, confo.ErrConfigNotFound) && t.spec.Discover {
		if err := t.load(ctx, []string{ns}); err != nil {
			return nil, err
		}
		return storedBytes(t.ws, ns, name)
	}
	if err != nil {
		return nil, err
	}
	t.ws.Apply(&confo.Snapshot{Registry: []string{ns}, Namespaces: []confo.NamespaceSnapshot{{
		Name: ns, Configs: []confo.ConfigSnapshot{{Name: name, Raw: confo.PresentRaw(data)}},
	}}}, true)
	return data, nil
}

// load reads the named namespaces (nil: all of them) into the workspace,
// replacing what it held. Namespaces not named are known by name only.
// It is the load half of confo.Reload for a set of namespaces, which
// FetchReload (one namespace or all) cannot express.
func (t *target) load(ctx context.Context, namespaces []string) error {
	snap, err := t.store.Load(ctx, confo.LoadOptions{Namespaces: namespaces, Discover: t.spec.Discover})
	if err != nil {
		return err
	}
	t.ws.Apply(snap, true)
	return nil
}

// loadExisting loads those of names that the registry lists, and the
// registry, so that the others can be created.
func (t *target) loadExisting(ctx context.Context, names []string) error {
	registry, err := t.registry(ctx)
	if err != nil {
		return err
	}
	existing := []string{}
	for _, ns := range names {
		if _, found := slices.BinarySearch(registry, ns); found {
			existing = append(existing, ns)
		}
	}
	return t.load(ctx, existing)
}

// persist writes the scope with the one persist sequence, so the field
// merge and conflict checks of the library apply, and says what it merged
// with other clients' changes. whole keeps whole-config semantics (import):
// any change by another client is then a conflict, never a merge.
func (a *app) persist(t *target, scope confo.Scope, whole bool) error {
	res, err := confo.PersistReport(a.ctx, t.store, t.ws, scope, confo.CommitOptions{Overwrite: a.opts.overwrite, NoMerge: whole})
	for _, m := range res.Merged {
		a.notef("%s", m)
	}
	if partial, ok := errors.AsType[*confo.PartialCommitError](err); ok {
		// Not the TUI's "persist again": the command line finishes by
		// running the command again. An import then reads what is
		// stored and writes the file's version over it.
		partial.Finish = "run the command again to finish"
		if whole {
			partial.Finish = "run the import again to finish; it writes the file's version over the configs not written (confo diff shows them first)"
		}
		return err
	}
	if conflict, ok := errors.AsType[*confo.ConflictError](err); ok {
		// The command line has no reload: get and diff show theirs.
		conflict.Hint = "confo get shows their version"
		if !a.opts.overwrite {
			conflict.Hint += "; --overwrite writes yours over it"
		}
	}
	return err
}
