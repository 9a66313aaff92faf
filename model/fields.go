package model

import (
	"github.com/confo-dev/confo/confo"
)

// WholeValueRow names the single row of a config that is not an object.
const WholeValueRow = "(value)"

// FieldsView is what the fields pane shows of one config: its top-level
// fields, each with a mark where it differs from the stored value. Values
// are rendered for display only when a row is drawn.
type FieldsView struct {
	Config string
	Status Status
	// Whole: the config is not an object and shows as one row.
	Whole bool
	// Note says why there are no rows (none selected, deleted, bad data,
	// no fields yet).
	Note string
	// Unusable: there is no value to edit or view (deleted, bad data, none).
	Unusable bool
	names    []string
	values   []confo.Value
	marks    []Mark
	display  []string
}

// FieldRow is one row of the fields pane.
type FieldRow struct {
	Name, Display, Kind string
	Mark                Mark
}

// Fields describes the selected config for the fields pane; only that
// config is decoded.
func (b *Backend) Fields(ns, cfg string) *FieldsView {
	fv := &FieldsView{}
	c := b.config(ns, cfg)
	switch {
	case b.ws.Namespace(ns) == nil:
		fv.Note, fv.Unusable = "no namespace selected", true
		return fv
	case c == nil:
		fv.Note, fv.Unusable = "no config selected", true
		return fv
	}
	fv.Config, fv.Status = cfg, c.Status()
	if c.Deleted() {
		fv.Note, fv.Unusable = "deleted: persist to remove it, u to undo", true
		return fv
	}
	v, err := c.Value(ns)
	if err != nil {
		fv.Note, fv.Unusable = "? "+err.Error(), true
		return fv
	}
	if v.Kind() != confo.Object {
		fv.Whole = true
		fv.names, fv.values = []string{WholeValueRow}, []confo.Value{v}
		fv.marks = make([]Mark, 1)
		fv.display = make([]string, 1)
		return fv
	}
	if v.Len() == 0 {
		fv.Note = "no fields yet: a adds one"
		return fv
	}
	fv.names = make([]string, 0, v.Len())
	fv.values = make([]confo.Value, 0, v.Len())
	for key, val := range v.Members() {
		fv.names = append(fv.names, key)
		fv.values = append(fv.values, val)
	}
	fv.marks = fieldMarks(c, v, fv.names)
	fv.display = make([]string, len(fv.names))
	return fv
}

// Names lists the rows' names in document order; the slice is the view's own.
func (f *FieldsView) Names() []string { return f.names }

// Row describes row i, rendering its value the first time it is drawn.
func (f *FieldsView) Row(i int) FieldRow {
	if f.display[i] == "" {
		f.display[i] = Compact(f.values[i])
	}
	return FieldRow{Name: f.names[i], Display: f.display[i], Kind: f.values[i].Kind().String(), Mark: f.marks[i]}
}

// fieldMarks compares the local value with the stored one, field by field.
func fieldMarks(c *confo.Config, v confo.Value, names []string) []Mark {
	marks := make([]Mark, len(names))
	st := c.Status()
	if st != StatusModified && st != StatusConflict && st != StatusAdded {
		return marks
	}
	base, err := confo.Decode(c.Base().Bytes)
	if c.Base().State != confo.RawPresent || err != nil || base.Kind() != confo.Object {
		for i := range marks {
			marks[i] = MarkAdded
		}
		return marks
	}
	added, changed, _ := FieldDiff(base, v)
	byName := map[string]Mark{}
	for _, f := range added {
		byName[f] = MarkAdded
	}
	for _, f := range changed {
		byName[f] = MarkModified
	}
	for i, name := range names {
		marks[i] = byName[name]
	}
	return marks
}

// EditText is the text an edit prompt starts with for a field of a config,
// or for the whole config when field is "", and the value's JSON kind.
func (b *Backend) EditText(ns, cfg, field string) (kind, text string, err error) {
	v, err := b.value(ns, cfg, field)
	if err != nil {
		return "", "", err
	}
	return v.Kind().String(), EditText(v), nil
}

// Pretty renders a field of a config (the whole config when field is "")
// as indented JSON lines for the viewer, with its JSON kind.
func (b *Backend) Pretty(ns, cfg, field string) (kind string, lines []string, err error) {
	v, err := b.value(ns, cfg, field)
	if err != nil {
		return "", nil, err
	}
	return v.Kind().String(), Pretty(v), nil
}

func (b *Backend) value(ns, cfg, field string) (confo.Value, error) {
	if field == "" {
		return b.ws.Get(ns, cfg)
	}
	return b.ws.GetField(ns, cfg, field)
}
