package jsonvalue

import (
	"iter"
	"slices"
)

// Patch is a list of edits of the top-level members of a JSON object: set a
// member to a value, or delete it. Applied to a decoded object (Apply) or
// spliced into the object's stored bytes (Splice), it changes the edited
// members only, and gives what the same calls of Value.WithField and
// Value.WithoutField give: a set replaces the last member of that key in
// place or appends a new one, a delete removes every member of that key,
// and a set after a delete appends the member anew.
//
// A Patch holds at most one edit per key, in the order new members are
// appended in. It is immutable: Set, Delete and Without return a new Patch.
// The zero Patch changes nothing.
type Patch struct {
	edits []Edit
}

// Edit is one edit of a Patch.
type Edit struct {
	Key string
	// Value is the member's new value; unused when Delete is set.
	Value  Value
	Delete bool
	// Moved marks a set that followed a delete of the key: every member of
	// that key goes, and the new one is appended.
	Moved bool
	// at is where Locate found the key, when the edit was made with SetAt.
	at *Location
}

// Len is the number of edited keys.
func (p Patch) Len() int { return len(p.edits) }

// Edits iterates over the edits in order.
func (p Patch) Edits() iter.Seq[Edit] { return slices.Values(p.edits) }

// Lookup returns the edit of key.
func (p Patch) Lookup(key string) (Edit, bool) {
	if i := p.index(key); i >= 0 {
		return p.edits[i], true
	}
	return Edit{}, false
}

func (p Patch) index(key string) int {
	return slices.IndexFunc(p.edits, func(e Edit) bool { return e.Key == key })
}

// Set returns p with key set to v, as WithField would set it after the
// edits of p.
func (p Patch) Set(key string, v Value) Patch { return p.set(key, v, nil) }

// SetAt is Set with where Locate found key in the document the patch will
// be spliced into: a patch of such sets is spliced without a scan.
func (p Patch) SetAt(key string, v Value, at Location) Patch { return p.set(key, v, &at) }

func (p Patch) set(key string, v Value, at *Location) Patch {
	i := p.index(key)
	if i < 0 {
		return Patch{edits: append(slices.Clip(p.edits), Edit{Key: key, Value: v, at: at})}
	}
	old := p.edits[i]
	if old.Delete {
		// Deleted, then set again: a new member, after the others added.
		edits := slices.Delete(slices.Clone(p.edits), i, i+1)
		return Patch{edits: append(edits, Edit{Key: key, Value: v, Moved: true})}
	}
	if old.Moved {
		at = nil
	}
	edits := slices.Clone(p.edits)
	edits[i] = Edit{Key: key, Value: v, Moved: old.Moved, at: at}
	return Patch{edits: edits}
}

// Delete returns p with key deleted, as WithoutField would delete it.
func (p Patch) Delete(key string) Patch {
	e := Edit{Key: key, Delete: true}
	i := p.index(key)
	if i < 0 {
		return Patch{edits: append(slices.Clip(p.edits), e)}
	}
	edits := slices.Clone(p.edits)
	edits[i] = e
	return Patch{edits: edits}
}

// Without returns p with no edit of key.
func (p Patch) Without(key string) Patch {
	i := p.index(key)
	if i < 0 {
		return p
	}
	return Patch{edits: slices.Delete(slices.Clone(p.edits), i, i+1)}
}

// finder returns the index of the edit of a key, or -1. Small patches, the
// usual case, are searched; large ones indexed once.
func (p Patch) finder() func(string) int {
	if len(p.edits) <= 8 {
		return p.index
	}
	m := make(map[string]int, len(p.edits))
	for i, e := range p.edits {
		m[e.Key] = i
	}
	return func(k string) int {
		if i, ok := m[k]; ok {
			return i
		}
		return -1
	}
}

// byKey is finder returning the edit itself.
func (p Patch) byKey() func(string) (Edit, bool) {
	find := p.finder()
	return func(k string) (Edit, bool) {
		if i := find(k); i >= 0 {
			return p.edits[i], true
		}
		return Edit{}, false
	}
}

// Apply returns the object v with the patch applied.
func (p Patch) Apply(v Value) (Value, error) {
	if v.Kind() != Object {
		return Value{}, ErrNotObject
	}
	if len(p.edits) == 0 {
		return v, nil
	}
	lookup := p.byKey()
	last := map[string]int{}
	old := v.memberList()
	for i, m := range old {
		if _, ok := lookup(m.Key); ok {
			last[m.Key] = i
		}
	}
	members := make([]Member, 0, len(old)+len(p.edits))
	for i, m := range old {
		e, ok := lookup(m.Key)
		switch {
		case !ok:
			members = append(members, m)
		case e.Delete || e.Moved:
		case last[m.Key] == i:
			members = append(members, Member{Key: m.Key, Value: e.Value})
		default:
			members = append(members, m)
		}
	}
	for _, e := range p.edits {
		if _, present := last[e.Key]; (!present || e.Moved) && !e.Delete {
			members = append(members, Member{Key: e.Key, Value: e.Value})
		}
	}
	return objectOf(slices.Clip(members)), nil
}

// Splice applies the patch to the JSON object stored as doc and returns the
// new bytes: every member the patch does not touch keeps its bytes exactly,
// with the text between members; edited values and new members are written
// as Encode writes them, new members after the others with ", " between. It
// fails as Decode would on a doc that is not JSON, and with ErrNotObject on
// one that is not an object.
func Splice(doc []byte, p Patch) ([]byte, error) {
	if out, ok := spliceLocated(doc, p); ok {
		return out, nil
	}
	s := bytesView(doc)
	find := p.finder()
	// The first pass checks the document, finds the last member of each
	// edited key (the one a set replaces) and keeps the members of a small
	// object; a large one is scanned a second time instead.
	var small [32]span
	spans := small[:0]
	last := make([]int, len(p.edits))
	for i := range last {
		last[i] = -1
	}
	n := 0
	open, close, err := scanObject(s, func(m span) {
		if e := find(m.key(s)); e >= 0 {
			last[e] = n
		}
		if spans != nil && len(spans) < cap(spans) {
			spans = append(spans, m)
		} else {
			spans = nil
		}
		n++
	})
	if err != nil {
		return nil, err
	}
	if len(p.edits) == 0 {
		return slices.Clone(doc), nil
	}
	out := make([]byte, 0, len(doc)+64)
	out = append(out, s[:open+1]...)
	// Each member is copied with its lead, or replaced, or left out. The
	// first member written takes the first member's lead (the space after
	// '{'), since its own lead may hold a ','.
	var firstLead string
	tail := open + 1
	wrote := false
	i := 0
	emit := func(m span) {
		if i == 0 {
			firstLead = s[m.lead:m.keyStart]
		}
		idx := i
		i++
		tail = m.valEnd
		ei := find(m.key(s))
		if ei >= 0 && (p.edits[ei].Delete || p.edits[ei].Moved) {
			return
		}
		if wrote {
			out = append(out, s[m.lead:m.keyStart]...)
		} else {
			out = append(out, firstLead...)
		}
		wrote = true
		if ei >= 0 && last[ei] == idx {
			out = append(out, s[m.keyStart:m.valStart]...)
			out = AppendEncode(out, p.edits[ei].Value)
			return
		}
		out = append(out, s[m.keyStart:m.valEnd]...)
	}
	if spans != nil || n == 0 {
		for _, m := range spans {
			emit(m)
		}
	} else {
		sc := scanner{s: s, pos: open}
		sc.members(1, emit)
	}
	for ei, e := range p.edits {
		if last[ei] >= 0 && !e.Moved || e.Delete {
			continue
		}
		if wrote {
			out = append(out, ", "...)
		}
		wrote = true
		out = appendString(out, e.Key)
		out = append(out, ": "...)
		out = AppendEncode(out, e.Value)
	}
	out = append(out, s[tail:close]...)
	return append(out, s[close:]...), nil
}

// spliceLocated splices a patch of sets that all carry where Locate found
// their key in doc: the document is copied around the edited values, not
// scanned (Locate checked it). ok is false for any other patch.
func spliceLocated(doc []byte, p Patch) ([]byte, bool) {
	if len(p.edits) == 0 {
		return nil, false
	}
	for _, e := range p.edits {
		if e.Delete || e.Moved || !e.at.of(doc) {
			return nil, false
		}
	}
	edits := slices.Clone(p.edits)
	// In document order. New members all go after the last member (no
	// value starts there), in the order of the patch.
	slices.SortStableFunc(edits, func(a, b Edit) int { return a.at.start - b.at.start })
	out := make([]byte, 0, len(doc)+64)
	cursor := 0
	comma := false
	for _, e := range edits {
		out = append(out, doc[cursor:e.at.start]...)
		cursor = e.at.start
		if e.at.end >= 0 {
			out = AppendEncode(out, e.Value)
			cursor = e.at.end
			continue
		}
		if e.at.comma || comma {
			out = append(out, ", "...)
		}
		comma = true
		out = appendString(out, e.Key)
		out = append(out, ": "...)
		out = AppendEncode(out, e.Value)
	}
	return append(out, doc[cursor:]...), true
}

// Diff returns the patch that turns the object base into the object v, by
// top-level key: a key whose last member differs (or that base lacks) is
// set, a key v lacks is deleted. Member order is not an edit: a patch
// applied to base keeps base's order.
func Diff(base, v Value) (Patch, error) {
	if base.Kind() != Object || v.Kind() != Object {
		return Patch{}, ErrNotObject
	}
	baseMembers, members := base.memberList(), v.memberList()
	baseLast := make(map[string]int, len(baseMembers))
	for i, m := range baseMembers {
		baseLast[m.Key] = i
	}
	var p Patch
	seen := make(map[string]bool, len(members))
	for i := len(members) - 1; i >= 0; i-- {
		m := members[i]
		if seen[m.Key] {
			continue
		}
		seen[m.Key] = true
		if j, ok := baseLast[m.Key]; !ok || !baseMembers[j].Value.Equal(m.Value) {
			p.edits = append(p.edits, Edit{Key: m.Key, Value: m.Value})
		}
	}
	slices.Reverse(p.edits)
	for _, m := range baseMembers {
		if !seen[m.Key] {
			seen[m.Key] = true
			p.edits = append(p.edits, Edit{Key: m.Key, Delete: true})
		}
	}
	return p, nil
}
