package confo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

// A config edited here and changed by another client is merged field by
// field against its base, the bytes it was loaded from: their fields plus
// our edits, written into their bytes so that every field we did not edit
// keeps the bytes they stored. Only a field both sides changed differently,
// or a delete on one side and an edit on the other, is a conflict. The same
// comparison decides a reload that keeps local edits, the persist that
// retries after a conflict, and what the conflict view shows.

// ourSide is the local side of one config, as a plan keeps it so that
// Commit can merge on any goroutine: Values and Patches are immutable.
type ourSide struct {
	gen     uint64
	deleted bool
	whole   bool
	value   Value // whole: the new value
	patch   jsonvalue.Patch
}

func (c *Config) ourSide() ourSide {
	local := c.state()
	o := ourSide{gen: local.gen, deleted: c.deleted, whole: c.whole && c.edited, patch: local.patch}
	if o.whole {
		o.value = local.value
	}
	return o
}

// mergeState is what a config knows about another client's version.
type mergeState struct {
	// analysed caches the comparison with theirs for the conflict view;
	// every edit drops it.
	analysed *threeWay
	// chosen holds the conflicting fields the user decided for ours. It is
	// replaced, never changed in place, as undo keeps copies of a Config,
	// whose copied localStates share it.
	chosen map[string]bool
	// nsGone: theirs is missing because another client removed the whole
	// namespace, so keeping ours registers it again.
	nsGone bool
}

// editFate is what becomes of one of our field edits over theirs.
type editFate uint8

const (
	// applies: they left the field as it was, so our edit goes over theirs.
	applies editFate = iota
	// agrees: they made the same change.
	agrees
	// clashes: they changed the field differently.
	clashes
)

// threeWay compares base, ours and theirs.
type threeWay struct {
	// whole is non-empty when the sides cannot be merged field by field,
	// and says why: a delete on one side and a change on the other, a value
	// that is not an object, unreadable data.
	whole string
	// agree: not field by field, but both sides hold the same value (or
	// both deleted the config).
	agree bool
	// edits are our field edits over the base, each with its fate, in
	// order; fields are the clashing ones, in the same order.
	edits  []jsonvalue.Edit
	fates  []editFate
	fields []FieldConflict
	// theirFields names the fields they changed, sorted.
	theirFields []string
}

// mergeable reports whether the sides merge without the user: only when no
// field clashes.
func (a *threeWay) mergeable() bool { return a.agree || a.whole == "" && len(a.fields) == 0 }

// patch is our edits to write over theirs: those that apply, and the
// clashing ones whose field keep says is ours.
func (a *threeWay) patch(keep func(field string) bool) jsonvalue.Patch {
	var p jsonvalue.Patch
	for i, e := range a.edits {
		switch {
		case a.fates[i] == agrees:
			continue
		case a.fates[i] == clashes && !keep(e.Key):
			continue
		}
		if e.Delete {
			p = p.Delete(e.Key)
		} else {
			p = p.Set(e.Key, e.Value)
		}
	}
	return p
}

// analyse compares the three sides of a config.
func analyse(base Raw, ours ourSide, theirs Raw) *threeWay {
	a := &threeWay{}
	switch {
	case ours.deleted && theirs.State == RawMissing:
		a.agree = true
		return a
	case ours.deleted:
		a.whole = "deleted here, " + theirChange(base, theirs)
		return a
	case theirs.State == RawMissing:
		a.whole = "edited here, deleted by another client"
		return a
	case theirs.State == RawUnreadable:
		a.whole = "edited here, and another client stored something unreadable (" + theirs.Detail + ")"
		return a
	}
	theirValue, err := Decode(theirs.Bytes)
	if err != nil {
		a.whole = "edited here, and another client stored something that is not JSON"
		return a
	}
	baseValue, baseErr := ObjectValue(), error(nil)
	if base.State == RawPresent {
		baseValue, baseErr = Decode(base.Bytes)
	} else if base.State == RawUnreadable {
		baseErr = fmt.Errorf("unreadable")
	}
	ourValue := ours.value
	if !ours.whole {
		ourValue, err = ours.patch.Apply(baseValue)
		if err != nil {
			ourValue = baseValue
		}
	}
	if baseErr != nil || baseValue.Kind() != Object || ourValue.Kind() != Object || theirValue.Kind() != Object {
		if ourValue.Equal(theirValue) {
			a.agree = true
			return a
		}
		a.whole = "changed on both sides, and not an object on each, so not field by field"
		return a
	}
	edits := ours.patch
	if ours.whole {
		edits, _ = jsonvalue.Diff(baseValue, ourValue)
	}
	inBase, inTheirs := fieldLookup(baseValue), fieldLookup(theirValue)
	for e := range edits.Edits() {
		b, bOK := inBase(e.Key)
		t, tOK := inTheirs(e.Key)
		fate := clashes
		switch {
		case bOK == tOK && (!bOK || b.Equal(t)):
			fate = applies
		case e.Delete && !tOK || !e.Delete && tOK && e.Value.Equal(t):
			fate = agrees
		}
		a.edits, a.fates = append(a.edits, e), append(a.fates, fate)
		if fate == clashes {
			a.fields = append(a.fields, FieldConflict{Field: e.Key,
				Base:   FieldValue{Value: b, Present: bOK},
				Ours:   FieldValue{Value: e.Value, Present: !e.Delete},
				Theirs: FieldValue{Value: t, Present: tOK}})
		}
	}
	if changed, err := jsonvalue.Diff(baseValue, theirValue); err == nil {
		for e := range changed.Edits() {
			a.theirFields = append(a.theirFields, e.Key)
		}
		slices.Sort(a.theirFields)
	}
	return a
}

// theirChange says what they did to a config we deleted.
func theirChange(base, theirs Raw) string {
	if base.State == RawMissing {
		return "created by another client"
	}
	return "changed by another client"
}

// fieldLookup finds fields of an object by key (the last member, as
// Value.Field does), by index when there are many.
func fieldLookup(v Value) func(string) (Value, bool) {
	if v.Len() <= 16 {
		return v.Field
	}
	last := make(map[string]Value, v.Len())
	for k, m := range v.Members() {
		last[k] = m
	}
	return func(k string) (Value, bool) {
		m, ok := last[k]
		return m, ok
	}
}

// mergedWrite is what to write after a merge over theirs: our edits
// spliced into their bytes, or their bytes when ours add nothing.
func mergedWrite(theirs Raw, p jsonvalue.Patch) ([]byte, error) {
	if p.Len() == 0 {
		return slices.Clone(theirs.Bytes), nil
	}
	return jsonvalue.Splice(theirs.Bytes, p)
}

// MergeNote says that a persist merged a config with another client's
// change instead of reporting a conflict.
type MergeNote struct {
	Namespace, Config string
	// TheirFields are the fields the other client changed, sorted; empty
	// when it made the very change we made, or deleted what we deleted.
	TheirFields []string
}

func (m MergeNote) String() string {
	what := "merged with another client's identical change"
	if len(m.TheirFields) > 0 {
		what = "merged with another client's change to " + strings.Join(m.TheirFields, ", ")
	}
	return m.Namespace + "/" + m.Config + ": " + what
}

// mergeChange rewrites a namespace change after its commit reported
// conflicts: each conflicting config is merged with theirs and expected to
// hold theirs; ours is the local side of each config, in order. It returns
// the rewritten change (its configs in the same order) and what was
// merged, or the conflicts that do not merge.
func mergeChange(change NamespaceChange, conflicts []Conflict, ours []ourSide) (NamespaceChange, []MergeNote, []Conflict) {
	byName := map[string]Conflict{}
	var final []Conflict
	for _, cf := range conflicts {
		if cf.Config == "" {
			final = append(final, cf) // the namespace itself: nothing to merge
			continue
		}
		byName[cf.Config] = cf
	}
	out := change
	out.Configs = slices.Clone(change.Configs)
	var notes []MergeNote
	for i, cc := range out.Configs {
		cf, ok := byName[cc.Name]
		if !ok {
			continue
		}
		if i >= len(ours) {
			final = append(final, cf)
			continue
		}
		o := ours[i]
		a := analyse(cc.Expect, o, cf.Theirs)
		if !a.mergeable() {
			final = append(final, cf)
			continue
		}
		next := ConfigChange{Name: cc.Name, Expect: cf.Theirs}
		if !o.deleted {
			write, err := mergedWrite(cf.Theirs, a.patch(func(string) bool { return false }))
			if err != nil {
				final = append(final, cf)
				continue
			}
			next.Write = write
		}
		out.Configs[i] = next
		notes = append(notes, MergeNote{Namespace: change.Namespace, Config: cc.Name, TheirFields: a.theirFields})
	}
	return out, notes, final
}
