package confo

import (
	"errors"
	"fmt"

	"github.com/confo-dev/confo/confo/store"
)

// CreateNamespace adds a namespace locally; persist registers it.
func (w *Workspace) CreateNamespace(name string) error {
	if err := store.ValidateNamespaceName(name); err != nil {
		return err
	}
	if err := w.keys.check(item{ns: name}); err != nil {
		return err
	}
	if ns := w.namespaces[name]; ns != nil {
		if !ns.deleted {
			return fmt.Errorf("namespace %q: %w", name, ErrNamespaceExists)
		}
		ns.deleted = false
		return nil
	}
	w.addNamespace(name, false)
	return nil
}

// DeleteNamespace deletes a namespace and all its configs locally.
func (w *Workspace) DeleteNamespace(name string) error {
	ns, err := w.liveNamespace(name)
	if err != nil {
		return err
	}
	if !ns.stored {
		w.removeNamespace(name)
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
		if err := store.ValidateConfigName(name); err != nil {
			return err
		}
		if err := w.keys.check(item{nsName, name}); err != nil {
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
