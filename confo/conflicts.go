package confo

import (
	"fmt"
	"maps"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

// ConfigConflict is what a UI shows of a config in conflict: what the other
// client holds now and, when both sides are objects, each field both
// changed with its base, our and their value.
type ConfigConflict struct {
	// Reason says in a few words what happened on each side.
	Reason string
	Theirs Raw
	// FieldLevel is true when the conflict is about fields; otherwise
	// (a delete on one side, a value that is not an object) only keeping
	// ours or taking theirs resolves it.
	FieldLevel bool
	// Fields are the fields both sides changed differently, in the order
	// of our edits.
	Fields []FieldConflict
	// TheirFields are all the fields they changed, sorted; those not in
	// Fields merge with our edits.
	TheirFields []string
}

// FieldConflict is one field both sides changed differently.
type FieldConflict struct {
	Field              string
	Base, Ours, Theirs FieldValue
	// Chosen is the user's decision so far (SideNone until ChooseField).
	Chosen Side
}

// FieldValue is one side's value of a field; Present is false when that
// side has no such field.
type FieldValue struct {
	Value   Value
	Present bool
}

// Side is a side of a conflict.
type Side uint8

const (
	SideNone Side = iota
	SideOurs
	SideTheirs
)

func (s Side) String() string { return [...]string{"undecided", "ours", "theirs"}[s] }

// analysis compares the config with theirs; it must be in conflict.
func (c *Config) analysis() *threeWay {
	local := c.mutable()
	if local.merge.analysed == nil {
		local.merge.analysed = analyse(c.base, c.ourSide(), *local.theirs)
	}
	return local.merge.analysed
}

// Conflict describes the config's conflict; ok is false when it has none.
func (c *Config) Conflict() (cf ConfigConflict, ok bool) {
	if c.state().theirs == nil {
		return ConfigConflict{}, false
	}
	a := c.analysis()
	cf = ConfigConflict{Theirs: *c.local.theirs, FieldLevel: a.whole == "" && !a.agree, TheirFields: a.theirFields}
	switch {
	case c.local.merge.nsGone:
		cf.Reason = "edited here, and another client removed the namespace"
	case a.whole != "":
		cf.Reason = a.whole
	case a.agree:
		cf.Reason = "both sides made the same change"
	case len(a.fields) == 0:
		cf.Reason = "changed on both sides, in different fields: it will merge"
	default:
		cf.Reason = "changed on both sides"
	}
	for _, f := range a.fields {
		if c.local.merge.chosen[f.Field] {
			f.Chosen = SideOurs
		}
		cf.Fields = append(cf.Fields, f)
	}
	return cf, true
}

// ChooseField decides one conflicting field: SideOurs keeps our value,
// SideTheirs takes theirs. Once every conflicting field is decided, the
// config holds their version with our edits on top, and the next persist
// writes it expecting their version, so a further change by another
// client is caught again.
func (w *Workspace) ChooseField(nsName, name, field string, side Side) error {
	c, err := w.conflicted(nsName, name)
	if err != nil {
		return err
	}
	a := c.analysis()
	if a.whole != "" || a.agree {
		return fmt.Errorf("config %q in namespace %q: the conflict is not about fields (%s): keep yours or take theirs", name, nsName, c.conflictReason())
	}
	var fc *FieldConflict
	for i := range a.fields {
		if a.fields[i].Field == field {
			fc = &a.fields[i]
		}
	}
	if fc == nil {
		return fmt.Errorf("field %q of config %q in namespace %q: %w: it is not in conflict", field, name, nsName, ErrFieldNotFound)
	}
	switch side {
	case SideOurs:
		chosen := maps.Clone(c.local.merge.chosen)
		if chosen == nil {
			chosen = map[string]bool{}
		}
		chosen[field] = true
		c.local.merge.chosen = chosen
	case SideTheirs:
		chosen := maps.Clone(c.local.merge.chosen)
		delete(chosen, field)
		c.local.merge.chosen = chosen
		c.takeTheirField(field, fc.Theirs)
	default:
		return fmt.Errorf("choose field %q: no side given", field)
	}
	ns := w.namespaces[nsName]
	ns.touch()
	a = c.analysis()
	chosen := c.local.merge.chosen
	for _, f := range a.fields {
		if !chosen[f.Field] {
			return nil
		}
	}
	c.rebaseOnto(*c.local.theirs, a.patch(func(f string) bool { return chosen[f] }))
	return nil
}

// takeTheirField makes our value of a field theirs, so it no longer clashes.
func (c *Config) takeTheirField(field string, theirs FieldValue) {
	if c.whole {
		v := c.local.value
		if theirs.Present {
			v, _ = v.WithField(field, theirs.Value)
		} else {
			v, _ = v.WithoutField(field)
		}
		c.touchEdit()
		c.local.value = v
		return
	}
	if theirs.Present {
		old, found := c.baseField(field)
		c.setField(field, theirs.Value, old, found, nil)
		return
	}
	if _, ok := c.field(field); ok {
		c.deleteField(field)
	}
}

func (c *Config) conflictReason() string {
	cf, _ := c.Conflict()
	return cf.Reason
}

// KeepMine resolves a conflict with our version: every conflicting field
// takes our value while their other changes are kept, or, when the
// conflict is not about fields, ours replaces theirs (a config they
// deleted is written and listed again, in a namespace they removed too).
// The next persist writes it expecting their version, so a further change
// by another client is still caught.
func (w *Workspace) KeepMine(nsName, name string) error {
	c, err := w.conflicted(nsName, name)
	if err != nil {
		return err
	}
	ns := w.namespaces[nsName]
	theirs := *c.local.theirs
	a := c.analysis()
	switch {
	case c.deleted:
		c.base = theirs
		c.dropTheirs()
		if theirs.State == RawMissing {
			ns.removeConfig(name)
		}
	case a.whole != "" || a.agree:
		v, verr := c.Value(nsName)
		if verr != nil {
			return verr
		}
		if c.local.merge.nsGone {
			ns.stored = false
		}
		c.base = theirs
		c.dropTheirs()
		c.touchEdit()
		c.replaceValue(v, true)
		if theirs.State == RawMissing {
			c.listed = false
		}
	default:
		c.rebaseOnto(theirs, a.patch(func(string) bool { return true }))
	}
	ns.touch()
	return nil
}

// TakeTheirs resolves a conflict with their version: every conflicting
// field takes their value while our other edits are kept, or, when the
// conflict is not about fields, theirs replaces our local edit.
func (w *Workspace) TakeTheirs(nsName, name string) error {
	c, err := w.conflicted(nsName, name)
	if err != nil {
		return err
	}
	ns := w.namespaces[nsName]
	a := c.analysis()
	theirs := *c.local.theirs
	if a.whole == "" && !a.agree && !c.deleted {
		c.rebaseOnto(theirs, a.patch(func(string) bool { return false }))
		ns.touch()
		return nil
	}
	if theirs.State == RawMissing {
		ns.removeConfig(name)
		return nil
	}
	ns.addConfig(&Config{name: name, base: theirs, listed: true})
	return nil
}

// rebaseOnto makes theirs the config's base, with p as our edits over it.
func (c *Config) rebaseOnto(theirs Raw, p jsonvalue.Patch) {
	c.touchEdit()
	c.base = theirs
	c.dropTheirs()
	c.local.patch, c.local.decodeErr = p, ""
	c.whole, c.decoded = false, false
	c.edited = p.Len() > 0 || !c.listed
}

// remoteChange takes another client's new stored value of a config that
// has local edits, as a reload found it: when the two sides changed
// different fields (or both deleted it), the edits now sit on top of
// theirs and it returns false; otherwise the config keeps theirs for the
// user's decision and it returns true.
func (n *Namespace) remoteChange(c *Config, theirs Raw) (conflict bool) {
	a := analyse(c.base, c.ourSide(), theirs)
	switch {
	case c.deleted && a.agree:
		n.removeConfig(c.name)
		return false
	case a.mergeable():
		c.rebaseOnto(theirs, a.patch(func(string) bool { return false }))
		n.touch()
		return false
	}
	local := c.mutable()
	local.theirs, local.merge = &theirs, mergeState{analysed: a}
	n.touch()
	return true
}

func (w *Workspace) conflicted(nsName, name string) (*Config, error) {
	ns := w.namespaces[nsName]
	if ns == nil || ns.configs[name] == nil {
		return nil, fmt.Errorf("%w: %q in namespace %q", ErrConfigNotFound, name, nsName)
	}
	c := ns.configs[name]
	if c.state().theirs == nil {
		return nil, fmt.Errorf("config %q in namespace %q has no conflict to resolve", name, nsName)
	}
	return c, nil
}
