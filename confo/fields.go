package confo

import (
	"fmt"
	"sync/atomic"

	"github.com/confo-dev/confo/confo/jsonvalue"
	"github.com/confo-dev/confo/confo/store"
)

// Field edits of an object config are kept as a jsonvalue.Patch over the
// stored bytes, not applied to a decoded tree: setting one field of a
// config of millions of fields then costs a scan of its bytes, and persist
// splices the edited members into those bytes, so every other field keeps
// its stored bytes exactly. The decoded value is built only when someone
// asks for it (Value, Get), and kept up to date from then on.

// generations numbers local values across all workspaces: no two values
// share a number (an undo puts back a value with its own), so settling a
// persist tells the value it wrote from any other.
var generations atomic.Uint64

// touchEdit records that the local value is about to change.
func (c *Config) touchEdit() {
	c.deleted = false
	c.remoteChanged = false
	local := c.mutable()
	local.encoded = nil
	local.gen = generations.Add(1)
	local.merge.analysed = nil
}

// baseValue is the decoded base, decoded again only when the value at hand
// is not the base.
func (c *Config) baseValue() (Value, bool) {
	if !c.edited && c.decoded {
		return c.state().value, c.state().decodeErr == ""
	}
	if c.base.State != RawPresent {
		return Value{}, false
	}
	v, err := jsonvalue.DecodeImmutable(c.base.Bytes)
	return v, err == nil
}

// baseObject is the base as the object field edits go over: the decoded
// base, or {} for a config not stored yet.
func (c *Config) baseObject() Value {
	if v, ok := c.baseValue(); ok {
		return v
	}
	return ObjectValue()
}

// patchedValue is the base with the field edits applied.
func (c *Config) patchedValue() Value {
	v, err := c.state().patch.Apply(c.baseObject())
	if err != nil { // the base was checked to be an object when the first edit was made
		return c.baseObject()
	}
	return v
}

// written is what persisting the config writes.
func (c *Config) written() []byte {
	local := c.mutable()
	if local.encoded != nil {
		return local.encoded
	}
	if c.whole || c.base.State != RawPresent {
		c.problem()
		local.encoded = Encode(local.value)
		return local.encoded
	}
	out, err := jsonvalue.Splice(c.base.Bytes, local.patch)
	if err != nil {
		out = Encode(c.patchedValue())
	}
	local.encoded = out
	return out
}

// fieldEditable says whether field edits can go over the config: it holds
// an object, or is not stored yet. The stored bytes are scanned, not
// decoded, unless they turn out not to be an object and the error must say
// what they are.
func (c *Config) fieldEditable(ns string) error {
	switch {
	case c.edited && !c.whole:
		return nil
	case !c.edited && !c.decoded && c.base.State == RawPresent && len(c.base.Bytes) > 0:
		if jsonvalue.ObjectKind(c.base.Bytes) == nil {
			return nil
		}
	case !c.edited && c.base.State == RawMissing && !c.listed:
		return nil
	}
	v, err := c.Value(ns)
	if err != nil {
		return err
	}
	if v.Kind() != Object {
		return fmt.Errorf("config %q in namespace %q: %w (it is a %s)", c.name, ns, ErrNotObject, v.Kind())
	}
	return nil
}

// field returns the current value of one field, scanning the stored bytes
// instead of decoding them when the value has not been decoded yet.
func (c *Config) field(key string) (Value, bool) {
	if c.decoded {
		return c.state().value.Field(key)
	}
	if e, ok := c.state().patch.Lookup(key); ok {
		return e.Value, !e.Delete
	}
	return c.baseField(key)
}

// baseField returns one field of the base.
func (c *Config) baseField(key string) (Value, bool) {
	if !c.edited && c.decoded {
		return c.state().value.Field(key)
	}
	if c.base.State != RawPresent {
		return Value{}, false
	}
	v, ok, err := jsonvalue.ObjectField(c.base.Bytes, key)
	return v, ok && err == nil
}

// setFieldChecked checks that the config takes field edits and records
// one. Over stored bytes that is one scan, which checks them, finds the
// field's stored value (to tell an edit back to it) and remembers where it
// is, so that persisting writes the new value in without another scan.
func (c *Config) setFieldChecked(ns, key string, v Value) error {
	if c.edited || c.decoded || c.base.State != RawPresent || len(c.base.Bytes) == 0 {
		if err := c.fieldEditable(ns); err != nil {
			return err
		}
		if !c.edited || !c.whole && c.base.State != RawPresent {
			old, found := c.baseField(key)
			c.setField(key, v, old, found, nil)
			return nil
		}
	}
	old, found, at, err := jsonvalue.Locate(c.base.Bytes, key)
	if err != nil {
		if perr := c.fieldEditable(ns); perr != nil {
			return perr
		}
		return err
	}
	c.setField(key, v, old, found, &at)
	return nil
}

// setField records an edit of one field whose stored value is old (when
// found); the config must take field edits and not be in whole mode.
// Setting a field back to its stored value drops the edit, so undoing an
// edit by hand writes nothing.
func (c *Config) setField(key string, v, old Value, found bool, at *jsonvalue.Location) {
	e, has := c.state().patch.Lookup(key)
	revert := (!has || !e.Delete && !e.Moved) && found && old.Equal(v)
	c.editPatch(func(p jsonvalue.Patch) jsonvalue.Patch {
		switch {
		case revert:
			return p.Without(key)
		case at != nil:
			return p.SetAt(key, v, *at)
		}
		return p.Set(key, v)
	}, func(cur Value) (Value, error) { return cur.WithField(key, v) })
}

// deleteField records the removal of one field, which must exist.
func (c *Config) deleteField(key string) {
	_, inBase := c.baseField(key)
	e, has := c.state().patch.Lookup(key)
	c.editPatch(func(p jsonvalue.Patch) jsonvalue.Patch {
		if !inBase && has && !e.Delete {
			return p.Without(key) // a field added here: as if never added
		}
		return p.Delete(key)
	}, func(cur Value) (Value, error) { return cur.WithoutField(key) })
}

// editPatch changes the field edits, and the decoded value when there is
// one, in the same way.
func (c *Config) editPatch(patch func(jsonvalue.Patch) jsonvalue.Patch, value func(Value) (Value, error)) {
	wasDecoded := c.decoded && c.state().decodeErr == ""
	cur := c.state().value
	c.touchEdit()
	local := c.local
	local.patch = patch(local.patch)
	c.whole = false
	c.edited = local.patch.Len() > 0 || c.base.State != RawPresent || !c.listed
	local.decodeErr = ""
	c.decoded = false
	if wasDecoded {
		if next, err := value(cur); err == nil {
			local.value, c.decoded = next, true
		}
	}
}

// checkFieldKeys refuses top-level keys of v with control characters,
// except those the config already has (stored by another tool, they may
// be kept, just not created here).
func (c *Config) checkFieldKeys(ns string, v Value) error {
	if v.Kind() != Object {
		return nil
	}
	for key := range v.Members() {
		if !store.HasControl(key) {
			continue
		}
		if _, had := c.field(key); had && !c.deleted {
			continue
		}
		return fmt.Errorf("config %q in namespace %q: %w", c.name, ns, store.ValidateFieldKey(key))
	}
	return nil
}
