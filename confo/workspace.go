package confo

import (
	"fmt"
	"sort"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

// Status is the local state of a config or namespace relative to what was
// last loaded from the backend.
type Status uint8

const (
	StatusClean Status = iota
	StatusModified
	StatusAdded
	StatusDeleted
	// StatusConflict: edited here and changed by another client too.
	StatusConflict
	// StatusBad: the stored value is not usable JSON and was not edited.
	StatusBad
)

func (s Status) String() string {
	return [...]string{"clean", "modified", "added", "deleted", "conflict", "bad data"}[s]
}

// Dirty reports whether the status means there is something to persist.
func (s Status) Dirty() bool {
	return s == StatusModified || s == StatusAdded || s == StatusDeleted || s == StatusConflict
}

// Workspace is the editable, in-memory state of one backend: what was loaded,
// what was changed since, and the changes a persist must write. It does no
// I/O, so a UI can own it on its event loop while a Store works in the
// background. It is not safe for concurrent use.
type Workspace struct {
	namespaces map[string]*Namespace
	keys       keyIndex
}

// Namespace is one namespace of a Workspace.
type Namespace struct {
	ws   *Workspace
	name string
	// stored: the backend registry lists it (as of the last load or persist).
	stored  bool
	deleted bool
	// loaded: its configs were read; a namespace seen only in the registry
	// during a partial reload is not.
	loaded  bool
	problem string
	configs map[string]*Config
	sorted  []string // cache of config names, nil when stale
	// counted says live, dirty and remote are current.
	counted             bool
	live, dirty, remote int
}

// Config is one config of a Namespace. Its value is decoded from the stored
// bytes on first use, so loading 100,000 configs costs no parsing.
type Config struct {
	name string
	base Raw
	// listed: the namespace's list in the backend names this config.
	listed bool
	// decoded: local.value is the value, or local.decodeErr records why
	// the base bytes are unusable.
	decoded bool
	edited  bool
	deleted bool
	// remoteChanged marks a clean config whose stored bytes changed at the
	// last reload, so a UI can point it out.
	remoteChanged bool
	// An edit is either field edits over the base (local.patch; the base
	// is an object, or missing and read as {}) or a whole new value (whole,
	// the value in local.value). Field edits need not decode the base: see
	// fields.go.
	whole bool
	// local is the state of a config decoded or edited here, nil until it
	// is: a reload makes 100,000 configs that are never looked at, and
	// keeping this apart makes each a third of the size (96 bytes, not 256).
	local *localState
}

// localState is the part of a Config that a config as loaded does not use.
// It is read through Config.state and written through Config.mutable.
// Undo keeps copies of a Config, and each copy gets its own (see copied):
// what it points to is replaced, never changed in place, as before.
type localState struct {
	value     Value
	decodeErr string
	// encoded is Encode(value), made by Changes and dropped by an edit, so a
	// persist encodes each edited config once instead of twice.
	encoded []byte
	// theirs is set when another client changed the config while it had
	// local edits: persisting needs the user's decision.
	theirs *Raw
	// remote is what another client stored while this config had local
	// edits, seen by a live refresh, which never touches local edits.
	remote *remoteSeen
	patch  jsonvalue.Patch
	// gen counts edits, so that settling a persist tells an edit made
	// while it was in flight from the one it wrote.
	gen uint64
	// merge is what persist and the conflict view know about theirs (see
	// merge.go and conflicts.go).
	merge mergeState
}

// noLocalState is what a config without local state reads as. It is
// shared by all of them, so nothing may write to it (a test checks).
var noLocalState localState

// state is the config's local state, to read only.
func (c *Config) state() *localState {
	if c.local == nil {
		return &noLocalState
	}
	return c.local
}

// mutable is the config's local state, to change: made on first use.
func (c *Config) mutable() *localState {
	if c.local == nil {
		c.local = &localState{}
	}
	return c.local
}

// dropTheirs forgets another client's version and what the conflict view
// worked out about it.
func (c *Config) dropTheirs() {
	if c.local != nil {
		c.local.theirs, c.local.merge = nil, mergeState{}
	}
}

// copied is a copy of the config for undo, sharing nothing that either
// may change.
func (c *Config) copied() *Config {
	cp := *c
	if c.local != nil {
		local := *c.local
		cp.local = &local
	}
	return &cp
}

// NewWorkspace returns an empty workspace over a backend that names its
// items as naming says; nil means no two items can share a key.
func NewWorkspace(naming Naming) *Workspace {
	w := &Workspace{namespaces: map[string]*Namespace{}}
	w.keys = keyIndex{naming: naming, ws: w}
	return w
}

// Name returns the namespace's name.
func (n *Namespace) Name() string { return n.name }

// Problem is non-empty when the namespace's list could not be read.
func (n *Namespace) Problem() string { return n.problem }

// Loaded reports whether the namespace's configs have been read.
func (n *Namespace) Loaded() bool { return n.loaded }

// Deleted reports whether the namespace is deleted locally, pending persist.
func (n *Namespace) Deleted() bool { return n.deleted }

// Status summarises the namespace itself (not its configs).
func (n *Namespace) Status() Status {
	switch {
	case n.deleted:
		return StatusDeleted
	case !n.stored:
		return StatusAdded
	}
	return StatusClean
}

// ConfigNames lists the namespace's configs, sorted, deleted ones included.
func (n *Namespace) ConfigNames() []string {
	if n.sorted == nil {
		n.sorted = make([]string, 0, len(n.configs))
		for name := range n.configs {
			n.sorted = append(n.sorted, name)
		}
		sort.Strings(n.sorted)
	}
	return n.sorted
}

// Config returns a config by name, or nil.
func (n *Namespace) Config(name string) *Config { return n.configs[name] }

// Len is the number of configs that are not deleted.
func (n *Namespace) Len() int {
	n.countStats()
	return n.live
}

// DirtyCount is the number of configs with something to persist.
func (n *Namespace) DirtyCount() int {
	n.countStats()
	return n.dirty
}

// countStats recounts after a change, so a UI can ask for the counts on
// every frame of a namespace with 100,000 configs.
func (n *Namespace) countStats() {
	if n.counted {
		return
	}
	n.live, n.dirty, n.remote = 0, 0, 0
	for _, c := range n.configs {
		if !c.deleted {
			n.live++
		}
		if c.dirty() {
			n.dirty++
		}
		if _, ok := c.Remote(); ok {
			n.remote++
		}
	}
	n.counted = true
}

// touch drops the cached counts; every mutation of a config calls it.
func (n *Namespace) touch() { n.counted = false }

func (n *Namespace) addConfig(c *Config) {
	if _, ok := n.configs[c.name]; !ok {
		n.sorted = nil
		n.ws.keys.add(item{n.name, c.name})
	}
	n.configs[c.name] = c
	n.touch()
}

func (n *Namespace) removeConfig(name string) {
	if _, ok := n.configs[name]; ok {
		delete(n.configs, name)
		n.sorted = nil
		n.touch()
		n.ws.keys.remove(item{n.name, name})
	}
}

// addNamespace adds an empty namespace; stored says the backend lists it.
func (w *Workspace) addNamespace(name string, stored bool) *Namespace {
	ns := &Namespace{ws: w, name: name, stored: stored, loaded: !stored, configs: map[string]*Config{}}
	w.namespaces[name] = ns
	w.keys.add(item{ns: name})
	return ns
}

// removeNamespace forgets a namespace and its configs.
func (w *Workspace) removeNamespace(name string) {
	ns := w.namespaces[name]
	if ns == nil {
		return
	}
	for cfg := range ns.configs {
		w.keys.remove(item{name, cfg})
	}
	w.keys.remove(item{ns: name})
	delete(w.namespaces, name)
}

// Name returns the config's name.
func (c *Config) Name() string { return c.name }

// Base is what the backend held when the config was last loaded or
// persisted. Its bytes are shared with the decoded value: never change them.
func (c *Config) Base() Raw { return c.base }

// Theirs is the other client's version when the config is in conflict.
func (c *Config) Theirs() (Raw, bool) {
	theirs := c.state().theirs
	if theirs == nil {
		return Raw{}, false
	}
	return *theirs, true
}

// Deleted reports whether the config is deleted locally, pending persist;
// a config in conflict may be deleted here as well.
func (c *Config) Deleted() bool { return c.deleted }

// RemoteChanged reports whether the last reload brought a new stored value.
func (c *Config) RemoteChanged() bool { return c.remoteChanged }

// dirty is Status().Dirty() without decoding the stored bytes.
func (c *Config) dirty() bool {
	return c.state().theirs != nil || c.deleted || c.edited || !c.listed
}

// Status tells what persisting would do with the config.
func (c *Config) Status() Status {
	switch {
	case c.state().theirs != nil:
		return StatusConflict
	case c.deleted:
		return StatusDeleted
	case c.edited && c.base.State == RawMissing && !c.listed:
		return StatusAdded
	case c.edited:
		return StatusModified
	case !c.listed:
		return StatusAdded
	case c.problem() != "":
		return StatusBad
	}
	return StatusClean
}

// Value returns the current local value. For an unedited config whose stored
// bytes are unusable it returns a *BadDataError.
func (c *Config) Value(ns string) (Value, error) {
	if msg := c.problem(); msg != "" {
		return Value{}, &BadDataError{Namespace: ns, Config: c.name, Reason: msg}
	}
	return c.state().value, nil
}

// problem decodes the base bytes on first use and says why they are
// unusable, or returns "" when the config has a usable value.
func (c *Config) problem() string {
	if c.decoded {
		return c.state().decodeErr
	}
	local := c.mutable()
	c.decoded = true
	if c.edited && !c.whole {
		local.value = c.patchedValue()
		return ""
	}
	if _, local.decodeErr = storedProblem(c.base); local.decodeErr != "" {
		return local.decodeErr
	}
	v, err := jsonvalue.DecodeImmutable(c.base.Bytes)
	if err != nil {
		local.decodeErr = "not JSON: " + err.Error()
		return local.decodeErr
	}
	local.value = v
	return ""
}

// storedProblem says why what a backend holds for a config is not a value,
// before any JSON is looked at, and the group of such problems it is in
// (for counts); "" for bytes worth decoding, whose group, if they are not
// JSON, is problemNotJSON.
func storedProblem(raw Raw) (group, problem string) {
	switch {
	case raw.State == RawMissing:
		return "listed but not stored", "listed, but nothing is stored under its key"
	case raw.State == RawUnreadable:
		return "unreadable", "unreadable: " + raw.Detail
	case len(raw.Bytes) == 0:
		return "empty", "the stored value is an empty string, not JSON"
	}
	return "", ""
}

// problemNotJSON is the group of stored bytes that are not JSON.
const problemNotJSON = "not JSON"

// setValue replaces the local value. A value equal to the stored one makes
// the config clean again, so undoing an edit by hand writes nothing.
func (c *Config) setValue(v Value) {
	c.touchEdit()
	if c.base.State == RawPresent && c.listed {
		if base, ok := c.baseValue(); ok && base.Equal(v) {
			c.replaceValue(base, false)
			return
		}
	}
	c.replaceValue(v, true)
}

// replaceValue makes v the whole local value, an edit or not.
func (c *Config) replaceValue(v Value, edited bool) {
	local := c.mutable()
	local.value, local.decodeErr, local.patch = v, "", jsonvalue.Patch{}
	c.decoded, c.edited, c.whole = true, edited, edited
}

// Namespace returns a namespace by name, or nil.
func (w *Workspace) Namespace(name string) *Namespace { return w.namespaces[name] }

// NamespaceNames lists every namespace, sorted, deleted ones included.
func (w *Workspace) NamespaceNames() []string {
	names := make([]string, 0, len(w.namespaces))
	for name := range w.namespaces {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// DirtyCount is the number of configs and namespaces with something to persist.
func (w *Workspace) DirtyCount() int {
	count := 0
	for _, ns := range w.namespaces {
		count += ns.DirtyCount()
		if ns.Status() != StatusClean {
			count++
		}
	}
	return count
}

func (w *Workspace) liveNamespace(name string) (*Namespace, error) {
	ns := w.namespaces[name]
	if ns == nil || ns.deleted {
		return nil, fmt.Errorf("%w: %q", ErrNamespaceNotFound, name)
	}
	return ns, nil
}

func (w *Workspace) liveConfig(nsName, name string) (*Config, error) {
	ns, err := w.liveNamespace(nsName)
	if err != nil {
		return nil, err
	}
	c := ns.configs[name]
	if c == nil || c.deleted {
		return nil, fmt.Errorf("%w: %q in namespace %q", ErrConfigNotFound, name, nsName)
	}
	return c, nil
}
