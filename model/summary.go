package model

import (
	"fmt"
	"strings"

	"github.com/confo-dev/confo/confo"
)

// ChangeKind is what a persist does to one config.
type ChangeKind uint8

const (
	Added ChangeKind = iota
	Changed
	Deleted
	// Listed: the config's value is untouched; only its namespace's list
	// gains it (a config adopted by discovery).
	Listed
)

// Mark is the sign shown for the kind in the persist dialog.
func (k ChangeKind) Mark() Mark {
	return [...]Mark{MarkAdded, MarkModified, MarkDeleted, MarkAdded}[k]
}

func (k ChangeKind) String() string {
	return [...]string{"new", "changed", "deleted", "listed"}[k]
}

// ConfigSummary is one config a persist writes, with the top-level fields
// that differ from the stored value when both are objects.
type ConfigSummary struct {
	Name string
	Kind ChangeKind
	// Fields are set for Changed objects.
	FieldsAdded, FieldsChanged, FieldsRemoved []string
	// WholeValue is set for a Changed config that is not an object on both
	// sides, where field names mean nothing.
	WholeValue bool
	// Changes are the old and new values of each field a Changed config
	// changes (one row named WholeValueRow for a WholeValue).
	Changes []FieldChange
	// Remote says what the persist will meet, when a live refresh saw
	// another client change the config (see Backend.RemoteNote);
	// RemoteConflict when that is a conflict.
	Remote         string
	RemoteConflict bool
}

// FieldChange is one field a persist changes, with both values.
type FieldChange struct {
	Name     string
	Kind     ChangeKind
	old, new confo.Value
}

// summaryLimit bounds the values a dialog line shows; the viewer shows them
// in full.
const summaryLimit = 200

// Old and New are the values for one line of a dialog, cut when long; ""
// for the side that has none.
func (f FieldChange) Old() string { return f.side(f.Kind != Added, f.old) }
func (f FieldChange) New() string { return f.side(f.Kind != Deleted, f.new) }

func (f FieldChange) side(has bool, v confo.Value) string {
	if !has {
		return ""
	}
	return CompactLimit(v, summaryLimit)
}

// Pretty is the full old and new value as indented lines, for the viewer.
func (f FieldChange) Pretty() (old, new []string) {
	if f.Kind != Added {
		old = Pretty(f.old)
	}
	if f.Kind != Deleted {
		new = Pretty(f.new)
	}
	return old, new
}

// NamespaceSummary is what a persist writes in one namespace.
type NamespaceSummary struct {
	Name                 string
	Register, Unregister bool
	Configs              []ConfigSummary
}

// Summary is what a persist of some scope will write.
type Summary struct {
	Namespaces []NamespaceSummary
}

// Summarize describes the changes a persist will write. It decodes only the
// configs being written.
func Summarize(changes []confo.NamespaceChange) Summary {
	var s Summary
	for _, ch := range changes {
		ns := NamespaceSummary{Name: ch.Namespace, Register: ch.Register, Unregister: ch.Unregister}
		written := map[string]bool{}
		for _, cc := range ch.Configs {
			written[cc.Name] = true
			ns.Configs = append(ns.Configs, summarizeConfig(cc))
		}
		for _, name := range ch.ListAdd {
			if !written[name] {
				ns.Configs = append(ns.Configs, ConfigSummary{Name: name, Kind: Listed})
			}
		}
		for _, name := range ch.ListRemove {
			if !written[name] {
				ns.Configs = append(ns.Configs, ConfigSummary{Name: name, Kind: Deleted})
			}
		}
		s.Namespaces = append(s.Namespaces, ns)
	}
	return s
}

func summarizeConfig(cc confo.ConfigChange) ConfigSummary {
	out := ConfigSummary{Name: cc.Name}
	switch {
	case cc.Write == nil:
		out.Kind = Deleted
		return out
	case cc.Expect.State != confo.RawPresent:
		out.Kind = Added
		return out
	}
	out.Kind = Changed
	before, errB := confo.Decode(cc.Expect.Bytes)
	after, errA := confo.Decode(cc.Write)
	if errB != nil || errA != nil || before.Kind() != confo.Object || after.Kind() != confo.Object {
		out.WholeValue = true
		if errB == nil && errA == nil {
			out.Changes = []FieldChange{{Name: WholeValueRow, Kind: Changed, old: before, new: after}}
		}
		return out
	}
	out.FieldsAdded, out.FieldsChanged, out.FieldsRemoved = FieldDiff(before, after)
	for _, name := range out.FieldsChanged {
		o, _ := before.Field(name)
		n, _ := after.Field(name)
		out.Changes = append(out.Changes, FieldChange{Name: name, Kind: Changed, old: o, new: n})
	}
	for _, name := range out.FieldsAdded {
		n, _ := after.Field(name)
		out.Changes = append(out.Changes, FieldChange{Name: name, Kind: Added, new: n})
	}
	for _, name := range out.FieldsRemoved {
		o, _ := before.Field(name)
		out.Changes = append(out.Changes, FieldChange{Name: name, Kind: Deleted, old: o})
	}
	return out
}

// FieldDiff compares two objects by top-level field: the names only in
// after, in both with different values, and only in before, each in
// document order.
func FieldDiff(before, after confo.Value) (added, changed, removed []string) {
	for key, val := range after.Members() {
		old, ok := before.Field(key)
		switch {
		case !ok:
			added = appendOnce(added, key)
		case !old.Equal(val):
			changed = appendOnce(changed, key)
		}
	}
	for key := range before.Members() {
		if _, ok := after.Field(key); !ok {
			removed = appendOnce(removed, key)
		}
	}
	return added, changed, removed
}

// appendOnce skips duplicate keys, which JSON objects may carry.
func appendOnce(list []string, name string) []string {
	for _, have := range list {
		if have == name {
			return list
		}
	}
	return append(list, name)
}

// ConfigCount is the number of configs the persist touches.
func (s Summary) ConfigCount() int {
	n := 0
	for _, ns := range s.Namespaces {
		n += len(ns.Configs)
	}
	return n
}

// SummaryLine is one line of a persist dialog: a namespace heading (Mark
// is MarkNone) or one of its configs, drawn indented behind its mark.
type SummaryLine struct {
	Mark Mark
	Text string
	// Config names the config of a config line; Change is set on the line
	// of one field, drawn under its config.
	Config string
	Change *FieldChange
	// Remark: the line is a note about its config (what another client
	// changed), drawn under it.
	Remark bool
}

// Lines renders the summary for a confirmation dialog, one line per
// namespace and config.
func (s Summary) Lines() []SummaryLine {
	var lines []SummaryLine
	for _, ns := range s.Namespaces {
		head := "namespace " + ns.Name
		switch {
		case ns.Register:
			head += " (new)"
		case ns.Unregister:
			head += " (deleted)"
		}
		lines = append(lines, SummaryLine{Text: head})
		for _, c := range ns.Configs {
			lines = append(lines, SummaryLine{Mark: c.Kind.Mark(), Text: c.describe(), Config: c.Name})
			if c.Remote != "" {
				mark := MarkRemoteEdited
				if c.RemoteConflict {
					mark = MarkConflict
				}
				lines = append(lines, SummaryLine{Mark: mark, Text: c.Remote, Config: c.Name, Remark: true})
			}
			for i := range c.Changes {
				ch := &c.Changes[i]
				lines = append(lines, SummaryLine{Mark: ch.Kind.Mark(), Text: ch.Name, Config: c.Name, Change: ch})
			}
		}
	}
	return lines
}

func (c ConfigSummary) describe() string {
	if c.Kind != Changed {
		return c.Name + "  " + c.Kind.String()
	}
	if c.WholeValue {
		return c.Name + "  changed value"
	}
	var parts []string
	if len(c.FieldsChanged) > 0 {
		parts = append(parts, "changed "+strings.Join(c.FieldsChanged, ", "))
	}
	if len(c.FieldsAdded) > 0 {
		parts = append(parts, "added "+strings.Join(c.FieldsAdded, ", "))
	}
	if len(c.FieldsRemoved) > 0 {
		parts = append(parts, "removed "+strings.Join(c.FieldsRemoved, ", "))
	}
	if len(parts) == 0 {
		// Same fields and values in another order.
		return c.Name + "  field order changed"
	}
	return c.Name + "  " + strings.Join(parts, "; ")
}

// Describe is a short account for a status line: "database (2 configs)".
func (s Summary) Describe() string {
	names := make([]string, 0, len(s.Namespaces))
	for _, ns := range s.Namespaces {
		names = append(names, ns.Name)
	}
	n := s.ConfigCount()
	if n == 1 && len(s.Namespaces) == 1 && len(s.Namespaces[0].Configs) == 1 {
		// One config: name it, as the confirmation dialog did.
		return s.Namespaces[0].Name + "/" + s.Namespaces[0].Configs[0].Name
	}
	unit := "configs"
	if n == 1 {
		unit = "config"
	}
	return fmt.Sprintf("%s (%d %s)", strings.Join(names, ", "), n, unit)
}
