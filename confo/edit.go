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

// GetField returns one top-level field of a config. A config that has not
// been decoded is not: the field is found in its stored bytes.
func (w *Workspace) GetField(nsName, name, field string) (Value, error) {
	c, err := w.liveConfig(nsName, name)
	if err != nil {
		return Value{}, err
	}
	if err := c.fieldEditable(nsName); err != nil {
		if errors.Is(err, ErrNotObject) {
			return Value{}, fmt.Errorf("field %q of %w", field, err)
		}
		return Value{}, err
	}
	f, ok := c.field(field)
	if !ok {
		return Value{}, fmt.Errorf("field %q of config %q in namespace %q: %w", field, name, nsName, ErrFieldNotFound)
	}
	return f, nil
}

// Set replaces a whole config, creating it when needed. It refuses a new
// config whose key another item has, and any config that shares its key
// with another loaded item (until one of them is renamed).
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
	}
	if err := w.keys.check(item{nsName, name}); err != nil {
		return err
	}
	if c == nil {
		c = &Config{name: name, base: MissingRaw(), decoded: true}
		if err := c.checkFieldKeys(nsName, v); err != nil {
			return err
		}
		ns.addConfig(c)
	} else if err := c.checkFieldKeys(nsName, v); err != nil {
		return err
	}
	c.setValue(v)
	ns.touch()
	return nil
}

// SetField sets one top-level field of an object config, creating the config
// as an object when it does not exist. Only that field is written by the
// next persist: the others keep their stored bytes, and a change another
// client makes to them meanwhile is merged, not lost.
func (w *Workspace) SetField(nsName, name, field string, v Value) error {
	if err := store.ValidateFieldKey(field); err != nil {
		return fmt.Errorf("config %q in namespace %q: %w", name, nsName, err)
	}
	c, err := w.liveConfig(nsName, name)
	switch {
	case errors.Is(err, ErrConfigNotFound) && w.namespaces[nsName].configs[name] != nil:
		// Deleted here: a new object takes its place.
		return w.Set(nsName, name, ObjectValue(Member{Key: field, Value: v}))
	case errors.Is(err, ErrConfigNotFound):
		if err := store.ValidateConfigName(name); err != nil {
			return err
		}
		if err := w.keys.check(item{nsName, name}); err != nil {
			return err
		}
		c = &Config{name: name, base: MissingRaw()}
		w.namespaces[nsName].addConfig(c)
	case err != nil:
		return err
	default:
		if err := w.keys.check(item{nsName, name}); err != nil {
			return err
		}
	}
	if c.edited && c.whole {
		next, err := c.local.value.WithField(field, v)
		if err != nil {
			return fmt.Errorf("set field %q of config %q in namespace %q: %w (it is a %s)", field, name, nsName, err, c.local.value.Kind())
		}
		c.setValue(next)
	} else if err := c.setFieldChecked(nsName, field, v); err != nil {
		return fmt.Errorf("set field %q: %w", field, err)
	}
	w.namespaces[nsName].touch()
	return nil
}

// DeleteField removes a top-level field of an object config.
func (w *Workspace) DeleteField(nsName, name, field string) error {
	if _, err := w.GetField(nsName, name, field); err != nil {
		return err
	}
	if err := w.keys.check(item{nsName, name}); err != nil {
		return err
	}
	c := w.namespaces[nsName].configs[name]
	if c.edited && c.whole {
		next, err := c.local.value.WithoutField(field)
		if err != nil {
			return err
		}
		c.setValue(next)
	} else {
		c.deleteField(field)
	}
	w.namespaces[nsName].touch()
	return nil
}

// DeleteConfig deletes a config locally; persist removes it from the backend.
func (w *Workspace) DeleteConfig(nsName, name string) error {
	c, err := w.liveConfig(nsName, name)
	if err != nil {
		return err
	}
	if c.base.State == RawMissing && !c.listed && c.state().theirs == nil {
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
			st.config = c.copied()
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
	// A copy again, so that the state can be restored more than once.
	ns.addConfig(st.config.copied())
}
