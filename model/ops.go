package model

import (
	"fmt"

	"github.com/confo-dev/confo/confo"
)

// undoStep is one user action that Undo can take back: the saved states of
// the configs it touched, plus what to do with a namespace the action
// created or removed outright.
type undoStep struct {
	label string
	// recreate names a never-persisted namespace the action deleted; it is
	// created again before the states are restored.
	recreate string
	// remove names a namespace the action created; undo deletes it.
	remove string
	states []confo.ConfigState
	// refs name the configs (and, with Config "", the namespaces) whose
	// states are saved.
	refs []confo.ConfigRef
}

// save keeps a config's state (a namespace's deleted flag when cfg does not
// exist) for undo.
func (s *undoStep) save(ws *confo.Workspace, ns, cfg string) {
	s.states = append(s.states, ws.SaveConfig(ns, cfg))
	s.refs = append(s.refs, confo.ConfigRef{Namespace: ns, Config: cfg})
}

// record runs op after saving the named configs of ns; when op succeeds the
// saved states become an undo step.
func (b *Backend) record(label, ns string, configs []string, op func() error) error {
	if err := b.CheckWritable(); err != nil {
		return err
	}
	if err := b.checkLoaded(ns); err != nil {
		return err
	}
	step := undoStep{label: label}
	for _, name := range configs {
		step.save(b.ws, ns, name)
	}
	if err := op(); err != nil {
		// An operation of several steps may fail after the first: put
		// back what it touched.
		b.restore(step)
		return err
	}
	b.undo = append(b.undo, step)
	b.changed()
	return nil
}

// restore puts back the saved states of a step, in reverse so that a
// config saved twice (rename onto itself) ends in its oldest state.
func (b *Backend) restore(step undoStep) {
	for i := len(step.states) - 1; i >= 0; i-- {
		b.ws.RestoreConfig(step.states[i])
	}
}

// checkLoaded refuses edits in a namespace whose configs are not read yet:
// the load would find them and turn them into conflicts.
func (b *Backend) checkLoaded(ns string) error {
	if n := b.ws.Namespace(ns); n != nil && !n.Loaded() {
		return fmt.Errorf("namespace %q is still loading: wait a moment", ns)
	}
	return nil
}

// CanUndo reports whether there is an action to undo.
func (b *Backend) CanUndo() bool { return len(b.undo) > 0 }

// Undo takes back the last action and returns its label.
func (b *Backend) Undo() (string, error) {
	if err := b.CheckWritable(); err != nil {
		return "", err
	}
	if len(b.undo) == 0 {
		return "", fmt.Errorf("nothing to undo in %s", b.name)
	}
	step := b.undo[len(b.undo)-1]
	b.undo = b.undo[:len(b.undo)-1]
	defer b.changed()
	if step.remove != "" {
		if err := b.ws.DeleteNamespace(step.remove); err != nil {
			return "", fmt.Errorf("undo %s: %w", step.label, err)
		}
	}
	if step.recreate != "" {
		if err := b.ws.CreateNamespace(step.recreate); err != nil {
			return "", fmt.Errorf("undo %s: %w", step.label, err)
		}
	}
	b.restore(step)
	b.recheck(step.refs)
	return step.label, nil
}

// ClearUndo forgets every undo step. Saved states are only valid until the
// next persist or reload, so both call it.
func (b *Backend) ClearUndo() { b.undo = nil }

// SetField replaces an existing field of an object config with the value the
// user typed, keeping its JSON type (see ParseEdit).
func (b *Backend) SetField(ns, cfg, field, text string) error {
	cur, err := b.ws.GetField(ns, cfg, field)
	if err != nil {
		return err
	}
	v, err := ParseEdit(cur, text)
	if err != nil {
		return fmt.Errorf("field %q: %w", field, err)
	}
	return b.record(fmt.Sprintf("edit %s.%s", cfg, field), ns, []string{cfg}, func() error {
		return b.ws.SetField(ns, cfg, field, v)
	})
}

// SetValue replaces a whole config (one that is not an object) with the
// value the user typed, keeping its JSON type.
func (b *Backend) SetValue(ns, cfg, text string) error {
	cur, err := b.ws.Get(ns, cfg)
	if err != nil {
		return err
	}
	v, err := ParseEdit(cur, text)
	if err != nil {
		return fmt.Errorf("config %q: %w", cfg, err)
	}
	return b.record("edit "+cfg, ns, []string{cfg}, func() error {
		return b.ws.Set(ns, cfg, v)
	})
}

// AddField adds a new field; text is read by ParseNew.
func (b *Backend) AddField(ns, cfg, field, text string) error {
	if err := b.CheckNewField(ns, cfg, field); err != nil {
		return err
	}
	v, err := ParseNew(text)
	if err != nil {
		return fmt.Errorf("field %q: %w", field, err)
	}
	return b.record(fmt.Sprintf("add %s.%s", cfg, field), ns, []string{cfg}, func() error {
		return b.ws.SetField(ns, cfg, field, v)
	})
}

// CheckNewField says why a field named field cannot be added to a config,
// before its value is asked for.
func (b *Backend) CheckNewField(ns, cfg, field string) error {
	if field == "" {
		return fmt.Errorf("add field to %q: the name is empty", cfg)
	}
	cur, err := b.ws.Get(ns, cfg)
	if err != nil {
		return err
	}
	if cur.Kind() != confo.Object {
		return fmt.Errorf("add field to %q: %w (it is a %s)", cfg, confo.ErrNotObject, cur.Kind())
	}
	if _, ok := cur.Field(field); ok {
		return fmt.Errorf("add field %q to %q: it exists already; edit it instead", field, cfg)
	}
	return nil
}

// DeleteField removes a field of an object config.
func (b *Backend) DeleteField(ns, cfg, field string) error {
	return b.record(fmt.Sprintf("delete %s.%s", cfg, field), ns, []string{cfg}, func() error {
		return b.ws.DeleteField(ns, cfg, field)
	})
}

// AddConfig creates an empty object config.
func (b *Backend) AddConfig(ns, name string) error {
	if c := b.config(ns, name); c != nil && c.Status() != confo.StatusDeleted {
		return fmt.Errorf("add config %q: %w", name, confo.ErrConfigExists)
	}
	return b.record("add "+name, ns, []string{name}, func() error {
		return b.ws.Set(ns, name, confo.ObjectValue())
	})
}

// DeleteConfig marks a config deleted (or drops it if it was never persisted).
func (b *Backend) DeleteConfig(ns, name string) error {
	return b.record("delete "+name, ns, []string{name}, func() error {
		return b.ws.DeleteConfig(ns, name)
	})
}

// RenameConfig moves a config to a new name.
func (b *Backend) RenameConfig(ns, from, to string) error {
	if from == to {
		return fmt.Errorf("rename %q: the new name is the same", from)
	}
	return b.record(fmt.Sprintf("rename %s to %s", from, to), ns, []string{from, to}, func() error {
		return b.ws.RenameConfig(ns, from, to)
	})
}

// AddNamespace creates a namespace locally.
func (b *Backend) AddNamespace(name string) error {
	if err := b.CheckWritable(); err != nil {
		return err
	}
	step := undoStep{label: "add namespace " + name}
	if b.ws.Namespace(name) != nil {
		// It was deleted locally and is now revived: undo flags it deleted again.
		b.saveFlag(&step, name)
	} else {
		step.remove = name
	}
	if err := b.ws.CreateNamespace(name); err != nil {
		return err
	}
	b.undo = append(b.undo, step)
	b.changed()
	return nil
}

// saveFlag saves only the namespace's deleted flag.
func (b *Backend) saveFlag(step *undoStep, name string) {
	// SaveConfig of a config name that does not exist records only the
	// namespace's deleted flag; RestoreConfig of it only sets that flag.
	step.save(b.ws, name, "")
}

// DeleteNamespace deletes a namespace and all its configs locally.
func (b *Backend) DeleteNamespace(name string) error {
	if err := b.CheckWritable(); err != nil {
		return err
	}
	ns := b.ws.Namespace(name)
	if ns == nil || ns.Deleted() {
		return fmt.Errorf("delete namespace %q: %w", name, confo.ErrNamespaceNotFound)
	}
	if err := b.checkLoaded(name); err != nil {
		return err
	}
	step := undoStep{label: "delete namespace " + name}
	if ns.Status() == confo.StatusAdded {
		step.recreate = name
	}
	b.saveFlag(&step, name)
	for _, cfg := range ns.ConfigNames() {
		step.save(b.ws, name, cfg)
	}
	if err := b.ws.DeleteNamespace(name); err != nil {
		return err
	}
	b.undo = append(b.undo, step)
	b.changed()
	return nil
}
