// Package confo is a Go port of the Confo configuration manager: named
// backends hold namespaces, namespaces hold configs (JSON documents), and
// edits stay in memory until they are persisted at backend, namespace or
// config level. Persist never overwrites a config another client changed
// since it was loaded, and reload never silently drops local edits.
package confo

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/confo-dev/confo/confo/dirstore"
	"github.com/confo-dev/confo/confo/redisstore"
)

// Confo manages several backends, one of them active, and one namespace in
// use per backend. It mirrors the Python API; it is not safe for concurrent use.
type Confo struct {
	backends map[string]*backend
	active   string
}

type backend struct {
	store    Store
	ws       *Workspace
	current  string
	discover bool
}

// BackendList is the result of Backends, like Python's get_backends().
type BackendList struct {
	All    []string
	Active string // "" when none is active
}

// NamespaceList is the result of Namespaces, like Python's get_namespaces().
type NamespaceList struct {
	All     []string
	Current string // "" until UseNamespace
}

// New returns a Confo with no backends.
func New() *Confo {
	return &Confo{backends: map[string]*backend{}}
}

// BackendOptions tunes how an attached backend is read.
type BackendOptions struct {
	// Discover adopts configs stored under a namespace but missing from its
	// list (data written by the unmerged Python Redis branch).
	Discover bool
}

// LoadBackend opens a backend of the given type and reads it. Credentials
// are those of the Python API: redis_host, redis_port, redis_password,
// redis_user, redis_db, redis_tls, redis_prefix (or redis_url) for Redis,
// config_path for the filesystem; read_only for both.
func (c *Confo) LoadBackend(ctx context.Context, name string, typ BackendType, creds map[string]any) error {
	store, err := OpenStore(ctx, typ, creds)
	if err != nil {
		return fmt.Errorf("load backend %q: %w", name, err)
	}
	if err := c.AttachBackend(ctx, name, store, BackendOptions{}); err != nil {
		store.Close()
		return err
	}
	return nil
}

// OpenStore opens a Store of the given type from Python-style credentials.
func OpenStore(ctx context.Context, typ BackendType, creds map[string]any) (Store, error) {
	switch typ {
	case BackendRedis:
		cfg, err := redisstore.ConfigFromCredentials(creds)
		if err != nil {
			return nil, err
		}
		return OpenRedis(ctx, cfg)
	case BackendDir:
		cfg, err := dirstore.ConfigFromCredentials(creds)
		if err != nil {
			return nil, err
		}
		return OpenDir(cfg)
	}
	return nil, fmt.Errorf("%w %q (want %q or %q)", ErrUnknownType, typ, BackendRedis, BackendDir)
}

// AttachBackend adds an already opened store under a name and reads it.
func (c *Confo) AttachBackend(ctx context.Context, name string, store Store, opts BackendOptions) error {
	if name == "" {
		return fmt.Errorf("load backend: %w: empty backend name", ErrInvalidName)
	}
	if _, ok := c.backends[name]; ok {
		return fmt.Errorf("load backend %q: %w", name, ErrBackendExists)
	}
	b := &backend{store: store, ws: NewWorkspace(store.Naming()), discover: opts.Discover}
	if _, err := Reload(ctx, store, b.ws, ReloadOptions{Discard: true, Discover: opts.Discover}); err != nil {
		return fmt.Errorf("load backend %q: %w", name, err)
	}
	c.backends[name] = b
	return nil
}

// ActivateBackend makes a loaded backend the one the other calls work on.
func (c *Confo) ActivateBackend(name string) error {
	if _, ok := c.backends[name]; !ok {
		return fmt.Errorf("activate backend %q: %w", name, ErrBackendNotFound)
	}
	c.active = name
	return nil
}

// Backends lists the loaded backends, sorted, and the active one.
func (c *Confo) Backends() BackendList {
	all := make([]string, 0, len(c.backends))
	for name := range c.backends {
		all = append(all, name)
	}
	sort.Strings(all)
	return BackendList{All: all, Active: c.active}
}

// Store returns a loaded backend's store.
func (c *Confo) Store(name string) (Store, error) {
	b, ok := c.backends[name]
	if !ok {
		return nil, fmt.Errorf("backend %q: %w", name, ErrBackendNotFound)
	}
	return b.store, nil
}

// Workspace returns a loaded backend's in-memory state, for callers (such
// as a UI) that show statuses and diffs.
func (c *Confo) Workspace(name string) (*Workspace, error) {
	b, ok := c.backends[name]
	if !ok {
		return nil, fmt.Errorf("backend %q: %w", name, ErrBackendNotFound)
	}
	return b.ws, nil
}

func (c *Confo) activeBackend() (*backend, error) {
	if c.active == "" {
		return nil, ErrNoActiveBackend
	}
	return c.backends[c.active], nil
}

// inNamespace returns the active backend and its namespace in use.
func (c *Confo) inNamespace() (*backend, string, error) {
	b, err := c.activeBackend()
	if err != nil {
		return nil, "", err
	}
	if b.current == "" {
		return nil, "", ErrNoNamespace
	}
	return b, b.current, nil
}

// CreateNamespace adds a namespace to the active backend; Persist stores it.
func (c *Confo) CreateNamespace(name string) error {
	b, err := c.activeBackend()
	if err != nil {
		return err
	}
	return b.ws.CreateNamespace(name)
}

// DeleteNamespace deletes a namespace and its configs; Persist removes them.
func (c *Confo) DeleteNamespace(name string) error {
	b, err := c.activeBackend()
	if err != nil {
		return err
	}
	if err := b.ws.DeleteNamespace(name); err != nil {
		return err
	}
	if b.current == name {
		b.current = ""
	}
	return nil
}

// Namespaces lists the active backend's namespaces and the one in use.
func (c *Confo) Namespaces() (NamespaceList, error) {
	b, err := c.activeBackend()
	if err != nil {
		return NamespaceList{}, err
	}
	all := []string{}
	for _, name := range b.ws.NamespaceNames() {
		if !b.ws.Namespace(name).Deleted() {
			all = append(all, name)
		}
	}
	return NamespaceList{All: all, Current: b.current}, nil
}

// UseNamespace selects the namespace that config operations work on.
func (c *Confo) UseNamespace(name string) error {
	b, err := c.activeBackend()
	if err != nil {
		return err
	}
	if _, err := b.ws.liveNamespace(name); err != nil {
		return err
	}
	b.current = name
	return nil
}

// Set replaces (or creates) a whole config in the namespace in use.
func (c *Confo) Set(name string, v Value) error {
	b, ns, err := c.inNamespace()
	if err != nil {
		return err
	}
	return b.ws.Set(ns, name, v)
}

// SetField sets one top-level field of a config in the namespace in use.
func (c *Confo) SetField(name, field string, v Value) error {
	b, ns, err := c.inNamespace()
	if err != nil {
		return err
	}
	return b.ws.SetField(ns, name, field, v)
}

// Get returns a whole config of the namespace in use.
func (c *Confo) Get(name string) (Value, error) {
	b, ns, err := c.inNamespace()
	if err != nil {
		return Value{}, err
	}
	return b.ws.Get(ns, name)
}

// GetField returns one field of a config of the namespace in use.
func (c *Confo) GetField(name, field string) (Value, error) {
	b, ns, err := c.inNamespace()
	if err != nil {
		return Value{}, err
	}
	return b.ws.GetField(ns, name, field)
}

// GetAll returns every config of the namespace in use. Configs whose stored
// data is unusable are left out and reported in the joined error.
func (c *Confo) GetAll() (map[string]Value, error) {
	b, nsName, err := c.inNamespace()
	if err != nil {
		return nil, err
	}
	ns := b.ws.Namespace(nsName)
	out := make(map[string]Value, len(ns.configs))
	var errs []error
	for _, name := range ns.ConfigNames() {
		cfg := ns.configs[name]
		if cfg.deleted {
			continue
		}
		v, err := cfg.Value(nsName)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[name] = v
	}
	return out, errors.Join(errs...)
}

// DeleteConfig deletes a config of the namespace in use.
func (c *Confo) DeleteConfig(name string) error {
	b, ns, err := c.inNamespace()
	if err != nil {
		return err
	}
	return b.ws.DeleteConfig(ns, name)
}

// DeleteField removes a field of a config of the namespace in use.
func (c *Confo) DeleteField(name, field string) error {
	b, ns, err := c.inNamespace()
	if err != nil {
		return err
	}
	return b.ws.DeleteField(ns, name, field)
}

// RenameConfig renames a config of the namespace in use.
func (c *Confo) RenameConfig(from, to string) error {
	b, ns, err := c.inNamespace()
	if err != nil {
		return err
	}
	return b.ws.RenameConfig(ns, from, to)
}

// Persist writes every change of the active backend, one atomic transaction
// per namespace. Namespaces with a conflict are left untouched and listed in
// the returned *ConflictError; the others are written.
func (c *Confo) Persist(ctx context.Context) error {
	return c.PersistScope(ctx, Scope{}, CommitOptions{})
}

// PersistNamespace writes every change of one namespace, all or nothing.
func (c *Confo) PersistNamespace(ctx context.Context, namespace string) error {
	return c.PersistScope(ctx, Scope{Namespace: namespace}, CommitOptions{})
}

// PersistConfig writes one config (and the list entries it needs).
func (c *Confo) PersistConfig(ctx context.Context, namespace, config string) error {
	return c.PersistScope(ctx, Scope{Namespace: namespace, Config: config}, CommitOptions{})
}

// PersistScope is the general persist: any scope, optionally overwriting
// what other clients changed.
func (c *Confo) PersistScope(ctx context.Context, scope Scope, opts CommitOptions) error {
	b, err := c.activeBackend()
	if err != nil {
		return err
	}
	return Persist(ctx, b.store, b.ws, scope, opts)
}

// Reload pulls the active backend's stored state, keeping local edits.
func (c *Confo) Reload(ctx context.Context) error {
	_, err := c.ReloadWith(ctx, ReloadOptions{})
	return err
}

// ReloadWith reloads with options and reports what changed.
func (c *Confo) ReloadWith(ctx context.Context, opts ReloadOptions) (ReloadReport, error) {
	b, err := c.activeBackend()
	if err != nil {
		return ReloadReport{}, err
	}
	opts.Discover = b.discover
	report, err := Reload(ctx, b.store, b.ws, opts)
	if err != nil {
		return ReloadReport{}, err
	}
	if b.current != "" && b.ws.Namespace(b.current) == nil {
		b.current = ""
	}
	return report, nil
}

// Close closes every backend's store.
func (c *Confo) Close() error {
	var errs []error
	for _, b := range c.backends {
		errs = append(errs, b.store.Close())
	}
	return errors.Join(errs...)
}
