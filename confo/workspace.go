package confo

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
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
}

// Namespace is one namespace of a Workspace.
type Namespace struct {
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
	// counted says live and dirty are current.
	counted     bool
	live, dirty int
}

// Config is one config of a Namespace. Its value is decoded from the stored
// bytes on first use, so loading 100,000 configs costs no parsing.
type Config struct {
	name string
	base Raw
	// listed: the namespace's list in the backend names this config.
	listed bool
	// value is valid when decoded; decodeErr records why the base bytes
	// are unusable.
	value     Value
	decoded   bool
	decodeErr string
	edited    bool
	deleted   bool
	// encoded is Encode(value), made by Changes and dropped by an edit, so a
	// persist encodes each edited config once instead of twice.
	encoded []byte
	// theirs is set when another client changed the config while it had
	// local edits: persisting needs the user's decision.
	theirs *Raw
	// remoteChanged marks a clean config whose stored bytes changed at the
	// last reload, so a UI can point it out.
	remoteChanged bool
}

// NewWorkspace returns an empty workspace.
func NewWorkspace() *Workspace {
	return &Workspace{namespaces: map[string]*Namespace{}}
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
	n.live, n.dirty = 0, 0
	for _, c := range n.configs {
		if !c.deleted {
			n.live++
		}
		if c.dirty() {
			n.dirty++
		}
	}
	n.counted = true
}

// touch drops the cached counts; every mutation of a config calls it.
func (n *Namespace) touch() { n.counted = false }

func (n *Namespace) addConfig(c *Config) {
	if _, ok := n.configs[c.name]; !ok {
		n.sorted = nil
	}
	n.configs[c.name] = c
	n.touch()
}

func (n *Namespace) removeConfig(name string) {
	if _, ok := n.configs[name]; ok {
		delete(n.configs, name)
		n.sorted = nil
		n.touch()
	}
}

// Name returns the config's name.
func (c *Config) Name() string { return c.name }

// Base is what the backend held when the config was last loaded or persisted.
func (c *Config) Base() Raw { return c.base }

// Theirs is the other client's version when the config is in conflict.
func (c *Config) Theirs() (Raw, bool) {
	if c.theirs == nil {
		return Raw{}, false
	}
	return *c.theirs, true
}

// RemoteChanged reports whether the last reload brought a new stored value.
func (c *Config) RemoteChanged() bool { return c.remoteChanged }

// dirty is Status().Dirty() without decoding the stored bytes.
func (c *Config) dirty() bool {
	return c.theirs != nil || c.deleted || c.edited || !c.listed
}

// Status tells what persisting would do with the config.
func (c *Config) Status() Status {
	switch {
	case c.theirs != nil:
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
	return c.value, nil
}

// problem decodes the base bytes on first use and says why they are
// unusable, or returns "" when the config has a usable value.
func (c *Config) problem() string {
	if c.edited || c.decoded {
		return c.decodeErr
	}
	c.decoded = true
	switch c.base.State {
	case RawMissing:
		c.decodeErr = "listed, but nothing is stored under its key"
	case RawUnreadable:
		c.decodeErr = "unreadable: " + c.base.Detail
	default:
		if len(c.base.Bytes) == 0 {
			c.decodeErr = "the stored value is an empty string, not JSON"
			break
		}
		v, err := Decode(c.base.Bytes)
		if err != nil {
			c.decodeErr = "not JSON: " + err.Error()
			break
		}
		c.value = v
	}
	return c.decodeErr
}

// setValue replaces the local value. A value equal to the stored one makes
// the config clean again, so undoing an edit by hand writes nothing.
func (c *Config) setValue(v Value) {
	c.deleted = false
	c.remoteChanged = false
	if c.base.State == RawPresent && c.listed {
		if base, err := Decode(c.base.Bytes); err == nil && base.Equal(v) {
			c.value, c.decoded, c.decodeErr, c.edited, c.encoded = base, true, "", false, nil
			return
		}
	}
	c.value, c.decoded, c.decodeErr, c.edited, c.encoded = v, true, "", true, nil
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
		return nil, fmt.Errorf("namespace %q: %w", name, ErrNamespaceNotFound)
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
		return nil, fmt.Errorf("config %q in namespace %q: %w", name, nsName, ErrConfigNotFound)
	}
	return c, nil
}

// CreateNamespace adds a namespace locally; persist registers it.
func (w *Workspace) CreateNamespace(name string) error {
	if err := ValidateNamespaceName(name); err != nil {
		return err
	}
	if err := w.checkKeyCollision(name, ""); err != nil {
		return err
	}
	if ns := w.namespaces[name]; ns != nil {
		if !ns.deleted {
			return fmt.Errorf("namespace %q: %w", name, ErrNamespaceExists)
		}
		ns.deleted = false
		return nil
	}
	w.namespaces[name] = &Namespace{name: name, loaded: true, configs: map[string]*Config{}}
	return nil
}

// checkKeyCollision refuses names whose Redis keys would coincide: namespace
// "a-b" has the list key "a-b", which is also the key of config "b" in "a".
func (w *Workspace) checkKeyCollision(nsName, config string) error {
	key := nsName
	if config != "" {
		key = nsName + "-" + config
	}
	for name, ns := range w.namespaces {
		if ns.deleted {
			continue
		}
		if config != "" && name == key {
			return fmt.Errorf("config %q in namespace %q: %w: its key %q is namespace %q's list key", config, nsName, ErrInvalidName, key, name)
		}
		if config == "" {
			for cname, c := range ns.configs {
				if !c.deleted && name+"-"+cname == key {
					return fmt.Errorf("namespace %q: %w: its key is also the key of config %q in namespace %q", nsName, ErrInvalidName, cname, name)
				}
			}
		}
	}
	return nil
}

// DeleteNamespace deletes a namespace and all its configs locally.
func (w *Workspace) DeleteNamespace(name string) error {
	ns, err := w.liveNamespace(name)
	if err != nil {
		return err
	}
	if !ns.stored {
		delete(w.namespaces, name)
		return nil
	}
	ns.deleted = true
	for _, c := range ns.configs {
		c.deleted = true
	}
	ns.touch()
	return nil
}

// Get returns a config's current value.
func (w *Workspace) Get(nsName, name string) (Value, error) {
	c, err := w.liveConfig(nsName, name)
	if err != nil {
		return Value{}, err
	}
	return c.Value(nsName)
}

// GetField returns one top-level field of a config.
func (w *Workspace) GetField(nsName, name, field string) (Value, error) {
	v, err := w.Get(nsName, name)
	if err != nil {
		return Value{}, err
	}
	if v.Kind() != Object {
		return Value{}, fmt.Errorf("field %q of config %q: %w (it is a %s)", field, name, ErrNotObject, v.Kind())
	}
	f, ok := v.Field(field)
	if !ok {
		return Value{}, fmt.Errorf("field %q of config %q in namespace %q: %w", field, name, nsName, ErrFieldNotFound)
	}
	return f, nil
}

// Set replaces a whole config, creating it when needed.
func (w *Workspace) Set(nsName, name string, v Value) error {
	ns, err := w.liveNamespace(nsName)
	if err != nil {
		return err
	}
	c := ns.configs[name]
	if c == nil {
		if err := ValidateConfigName(name); err != nil {
			return err
		}
		if err := w.checkKeyCollision(nsName, name); err != nil {
			return err
		}
		c = &Config{name: name, base: MissingRaw(), decoded: true}
		ns.addConfig(c)
	}
	c.setValue(v)
	ns.touch()
	return nil
}

// SetField sets one top-level field of an object config, creating the config
// as an object when it does not exist.
func (w *Workspace) SetField(nsName, name, field string, v Value) error {
	cur, err := w.Get(nsName, name)
	switch {
	case err == nil:
	case errors.Is(err, ErrConfigNotFound):
		cur = ObjectValue()
	default:
		return err
	}
	next, err := cur.WithField(field, v)
	if err != nil {
		return fmt.Errorf("set field %q of config %q: %w", field, name, err)
	}
	return w.Set(nsName, name, next)
}

// DeleteField removes a top-level field of an object config.
func (w *Workspace) DeleteField(nsName, name, field string) error {
	if _, err := w.GetField(nsName, name, field); err != nil {
		return err
	}
	cur, _ := w.Get(nsName, name)
	next, err := cur.WithoutField(field)
	if err != nil {
		return err
	}
	return w.Set(nsName, name, next)
}

// DeleteConfig deletes a config locally; persist removes it from the backend.
func (w *Workspace) DeleteConfig(nsName, name string) error {
	c, err := w.liveConfig(nsName, name)
	if err != nil {
		return err
	}
	if c.base.State == RawMissing && !c.listed && c.theirs == nil {
		w.namespaces[nsName].removeConfig(name)
		return nil
	}
	c.deleted = true
	w.namespaces[nsName].touch()
	return nil
}

// RenameConfig moves a config to a new name: the new one is added and the old
// one deleted, both written by the next persist.
func (w *Workspace) RenameConfig(nsName, from, to string) error {
	v, err := w.Get(nsName, from)
	if err != nil {
		return err
	}
	if c := w.namespaces[nsName].configs[to]; c != nil && !c.deleted {
		return fmt.Errorf("rename %q to %q: %w", from, to, ErrConfigExists)
	}
	if err := w.Set(nsName, to, v); err != nil {
		return fmt.Errorf("rename %q to %q: %w", from, to, err)
	}
	return w.DeleteConfig(nsName, from)
}

// ConfigState is a saved copy of one config's local state, for undo. It is
// only meaningful until the next persist or reload of its namespace.
type ConfigState struct {
	namespace, name string
	config          *Config // nil: the config did not exist
	nsDeleted       bool
}

// SaveConfig copies a config's local state so RestoreConfig can bring it back.
func (w *Workspace) SaveConfig(nsName, name string) ConfigState {
	st := ConfigState{namespace: nsName, name: name}
	if ns := w.namespaces[nsName]; ns != nil {
		st.nsDeleted = ns.deleted
		if c := ns.configs[name]; c != nil {
			saved := *c
			st.config = &saved
		}
	}
	return st
}

// RestoreConfig puts back a state saved by SaveConfig.
func (w *Workspace) RestoreConfig(st ConfigState) {
	ns := w.namespaces[st.namespace]
	if ns == nil {
		return
	}
	ns.deleted = st.nsDeleted
	if st.config == nil {
		ns.removeConfig(st.name)
		return
	}
	restored := *st.config
	ns.addConfig(&restored)
}

// Scope selects what a persist writes: everything, one namespace, or one config.
type Scope struct {
	Namespace string // "" means every namespace
	Config    string // "" means every config of Namespace
}

func (s Scope) String() string {
	switch {
	case s.Namespace == "":
		return "backend"
	case s.Config == "":
		return fmt.Sprintf("namespace %q", s.Namespace)
	}
	return fmt.Sprintf("config %q in namespace %q", s.Config, s.Namespace)
}

// Changes computes what a persist of the scope must write. Configs that were
// not edited are never part of it.
func (w *Workspace) Changes(scope Scope) ([]NamespaceChange, error) {
	var names []string
	if scope.Namespace == "" {
		names = w.NamespaceNames()
	} else {
		if w.namespaces[scope.Namespace] == nil {
			return nil, fmt.Errorf("namespace %q: %w", scope.Namespace, ErrNamespaceNotFound)
		}
		names = []string{scope.Namespace}
	}
	var out []NamespaceChange
	for _, name := range names {
		ns := w.namespaces[name]
		if ns.problem != "" && ns.DirtyCount() > 0 {
			return nil, fmt.Errorf("persist namespace %q: its list cannot be read (%s), so confo will not rewrite it", name, ns.problem)
		}
		change := ns.changes(scope.Config)
		if scope.Config != "" && ns.configs[scope.Config] == nil {
			return nil, fmt.Errorf("config %q in namespace %q: %w", scope.Config, name, ErrConfigNotFound)
		}
		if !change.Empty() {
			out = append(out, change)
		}
	}
	return out, nil
}

func (n *Namespace) changes(only string) NamespaceChange {
	change := NamespaceChange{Namespace: n.name}
	if n.deleted {
		if !n.stored {
			return change
		}
		change.Unregister = only == ""
	} else if !n.stored {
		change.Register = true
	}
	for _, name := range n.ConfigNames() {
		if only != "" && name != only {
			continue
		}
		c := n.configs[name]
		switch {
		case c.deleted:
			if c.base.State != RawMissing {
				change.Configs = append(change.Configs, ConfigChange{Name: name, Expect: c.base})
			}
			if c.listed {
				change.ListRemove = append(change.ListRemove, name)
			}
		case c.edited:
			if c.encoded == nil {
				c.encoded = Encode(c.value)
			}
			change.Configs = append(change.Configs, ConfigChange{Name: name, Expect: c.base, Write: c.encoded})
			if !c.listed {
				change.ListAdd = append(change.ListAdd, name)
			}
		case !c.listed:
			change.ListAdd = append(change.ListAdd, name)
		}
	}
	return change
}

// MarkPersisted records that the namespaces in written now hold what changes
// wrote to them.
func (w *Workspace) MarkPersisted(changes []NamespaceChange, written []string) {
	for _, change := range changes {
		if !slices.Contains(written, change.Namespace) {
			continue
		}
		ns := w.namespaces[change.Namespace]
		if ns == nil {
			continue
		}
		if change.Unregister {
			delete(w.namespaces, change.Namespace)
			continue
		}
		if change.Register {
			ns.stored = true
		}
		ns.touch()
		for _, cc := range change.Configs {
			c := ns.configs[cc.Name]
			if c == nil {
				continue
			}
			if cc.Write == nil {
				if c.deleted {
					ns.removeConfig(cc.Name)
				} else {
					c.base = MissingRaw()
				}
				continue
			}
			// An edit made while the write was in flight stays an edit.
			c.base, c.theirs = PresentRaw(cc.Write), nil
			if c.encoded == nil { // edited while the write was in flight
				c.encoded = Encode(c.value)
			}
			c.edited = !bytes.Equal(c.encoded, cc.Write)
		}
		for _, name := range change.ListAdd {
			if c := ns.configs[name]; c != nil {
				c.listed = true
			}
		}
		for _, name := range change.ListRemove {
			if c := ns.configs[name]; c != nil && c.deleted {
				ns.removeConfig(name)
			}
		}
	}
}

// MarkConflicts records the other client's version of each conflicting
// config, so the user can compare and decide.
func (w *Workspace) MarkConflicts(conflicts []Conflict) {
	for _, cf := range conflicts {
		ns := w.namespaces[cf.Namespace]
		if ns == nil || cf.Config == "" {
			continue
		}
		if c := ns.configs[cf.Config]; c != nil {
			theirs := cf.Theirs
			c.theirs = &theirs
			ns.touch()
		}
	}
}

// KeepMine resolves a conflict in favour of the local edit: their version
// becomes the expected one, so the next persist overwrites it (and still
// detects any further change by another client).
func (w *Workspace) KeepMine(nsName, name string) error {
	c, err := w.conflicted(nsName, name)
	if err != nil {
		return err
	}
	c.base, c.theirs = *c.theirs, nil
	if !c.deleted {
		c.edited = true
	}
	w.namespaces[nsName].touch()
	return nil
}

// TakeTheirs resolves a conflict by dropping the local edit for their version.
func (w *Workspace) TakeTheirs(nsName, name string) error {
	c, err := w.conflicted(nsName, name)
	if err != nil {
		return err
	}
	ns := w.namespaces[nsName]
	if c.theirs.State == RawMissing {
		ns.removeConfig(name)
		return nil
	}
	ns.addConfig(&Config{name: name, base: *c.theirs, listed: true})
	return nil
}

func (w *Workspace) conflicted(nsName, name string) (*Config, error) {
	ns := w.namespaces[nsName]
	if ns == nil || ns.configs[name] == nil {
		return nil, fmt.Errorf("config %q in namespace %q: %w", name, nsName, ErrConfigNotFound)
	}
	c := ns.configs[name]
	if c.theirs == nil {
		return nil, fmt.Errorf("config %q in namespace %q has no conflict to resolve", name, nsName)
	}
	return c, nil
}

// ReloadReport says what a reload changed in the workspace.
type ReloadReport struct {
	Namespaces int // namespaces loaded
	Configs    int // configs loaded
	// Changed and Removed count configs that changed or vanished remotely.
	Changed, Removed int
	// Conflicts counts configs edited here and changed remotely.
	Conflicts int
	Warnings  []string
}

// Apply merges a snapshot into the workspace. With discard, local edits in
// the loaded namespaces are dropped; otherwise they are kept on top of the
// fresh state, and a config changed on both sides becomes a conflict.
func (w *Workspace) Apply(snap *Snapshot, discard bool) ReloadReport {
	report := ReloadReport{Namespaces: len(snap.Namespaces), Warnings: snap.Warnings}
	registered := map[string]bool{}
	for _, name := range snap.Registry {
		registered[name] = true
		if w.namespaces[name] == nil {
			w.namespaces[name] = &Namespace{name: name, stored: true, configs: map[string]*Config{}}
		}
		w.namespaces[name].stored = true
	}
	for name, ns := range w.namespaces {
		if registered[name] || !ns.stored {
			continue
		}
		// Deleted by another client: keep it only if it holds local edits.
		if discard || ns.DirtyCount() == 0 {
			delete(w.namespaces, name)
			continue
		}
		ns.stored = false
	}
	for i := range snap.Namespaces {
		w.applyNamespace(&snap.Namespaces[i], discard, &report)
	}
	return report
}

func (w *Workspace) applyNamespace(snap *NamespaceSnapshot, discard bool, report *ReloadReport) {
	ns := w.namespaces[snap.Name]
	ns.loaded, ns.problem = true, snap.Problem
	ns.touch()
	if discard {
		ns.deleted = false
	}
	seen := make(map[string]bool, len(snap.Configs))
	for _, cs := range snap.Configs {
		seen[cs.Name] = true
		report.Configs++
		c := ns.configs[cs.Name]
		fresh := &Config{name: cs.Name, base: cs.Raw, listed: !cs.Unlisted, deleted: ns.deleted}
		switch {
		case c == nil:
			ns.addConfig(fresh)
		case discard || !c.dirty():
			if !c.base.Same(cs.Raw) {
				fresh.remoteChanged = true
				report.Changed++
			}
			ns.addConfig(fresh)
		case !c.base.Same(cs.Raw):
			theirs := cs.Raw
			c.theirs = &theirs
			c.listed = c.listed || !cs.Unlisted
			report.Conflicts++
		}
	}
	for _, name := range ns.ConfigNames() {
		if seen[name] {
			continue
		}
		c := ns.configs[name]
		switch {
		case discard && (c.base.State != RawMissing || c.listed):
			ns.removeConfig(name)
			report.Removed++
		case discard:
			ns.removeConfig(name)
		case !c.dirty():
			ns.removeConfig(name)
			report.Removed++
		case c.base.State != RawMissing:
			missing := MissingRaw()
			c.theirs = &missing
			report.Conflicts++
		}
	}
}
