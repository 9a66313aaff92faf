package model

import (
	"errors"
	"fmt"

	"github.com/confo-dev/confo/confo"
)

// RenameField renames a top-level field of an object config, keeping its
// place and value.
func (b *Backend) RenameField(ns, cfg, from, to string) error {
	if from == to {
		return fmt.Errorf("rename field %q: the new name is the same", from)
	}
	if to == "" {
		return fmt.Errorf("rename field %q: the new name is empty", from)
	}
	cur, err := b.ws.Get(ns, cfg)
	if err != nil {
		return err
	}
	if cur.Kind() != confo.Object {
		return fmt.Errorf("rename field of %q: %w (it is a %s)", cfg, confo.ErrNotObject, cur.Kind())
	}
	if _, ok := cur.Field(to); ok {
		return fmt.Errorf("rename field %q to %q: %q exists already", from, to, to)
	}
	if _, ok := cur.Field(from); !ok {
		return fmt.Errorf("rename field %q of %q: no such field", from, cfg)
	}
	members := make([]confo.Member, 0, cur.Len())
	for key, val := range cur.Members() {
		if key == from {
			key = to
		}
		members = append(members, confo.Member{Key: key, Value: val})
	}
	return b.record(fmt.Sprintf("rename %s.%s to %s", cfg, from, to), ns, []string{cfg}, func() error {
		return b.ws.Set(ns, cfg, confo.ObjectValue(members...))
	})
}

// UnusableConfigError refuses an operation on a whole namespace because
// one of its configs holds stored bytes that are no value (not JSON): they
// cannot be carried over, so the config is fixed or deleted first.
type UnusableConfigError struct {
	// Op is what was refused: `rename namespace "database"`.
	Op     string
	Config string
	// Reason is what is wrong with the stored bytes: "not JSON: …".
	Reason string
	// Fix, when the caller sets it, says how to fix the config (the UI's
	// key for $EDITOR).
	Fix string
	err error
}

// Error puts what to do before the reason, which may be long and is the
// part a one-line status may cut.
func (e *UnusableConfigError) Error() string {
	fix := ""
	if e.Fix != "" {
		fix = " (" + e.Fix + ")"
	}
	return fmt.Sprintf("%s: fix or delete config %q first%s: %s", e.Op, e.Config, fix, e.Reason)
}

func (e *UnusableConfigError) Unwrap() error { return e.err }

// RenameNamespace moves every config of a namespace to a new one; persisting
// registers the new namespace, writes its configs and deletes the old ones.
func (b *Backend) RenameNamespace(from, to string) error {
	if err := b.CheckWritable(); err != nil {
		return err
	}
	if from == to {
		return fmt.Errorf("rename namespace %q: the new name is the same", from)
	}
	old := b.ws.Namespace(from)
	if old == nil || old.Deleted() {
		return fmt.Errorf("rename namespace %q: %w", from, confo.ErrNamespaceNotFound)
	}
	if err := b.checkLoaded(from); err != nil {
		return err
	}
	if b.ws.Namespace(to) != nil {
		// Also when deleted here: its stored configs would mix with ours.
		return fmt.Errorf("rename namespace %q to %q: %w (persist its deletion first)", from, to, confo.ErrNamespaceExists)
	}
	var names []string
	var values []confo.Value
	for _, name := range old.ConfigNames() {
		c := old.Config(name)
		if c.Deleted() {
			continue
		}
		v, err := c.Value(from)
		if bad, ok := errors.AsType[*confo.BadDataError](err); ok {
			return &UnusableConfigError{Op: fmt.Sprintf("rename namespace %q", from), Config: name, Reason: bad.Reason, err: err}
		}
		if err != nil {
			return fmt.Errorf("rename namespace %q: %w", from, err)
		}
		names, values = append(names, name), append(values, v)
	}
	step := undoStep{label: "rename namespace " + from + " to " + to, remove: to}
	if old.Status() == confo.StatusAdded {
		step.recreate = from
	}
	b.saveFlag(&step, from)
	for _, name := range old.ConfigNames() {
		step.save(b.ws, from, name)
	}
	if err := b.ws.CreateNamespace(to); err != nil {
		return err
	}
	for i, name := range names {
		if err := b.ws.Set(to, name, values[i]); err != nil {
			b.ws.DeleteNamespace(to)
			return fmt.Errorf("rename namespace %q to %q: %w", from, to, err)
		}
	}
	if err := b.ws.DeleteNamespace(from); err != nil {
		b.ws.DeleteNamespace(to)
		return err
	}
	b.undo = append(b.undo, step)
	b.changed()
	return nil
}
