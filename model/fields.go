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
	// Notice is a line about the config shown above its fields, with its
	// mark: another item shares its key (it cannot be written), or another
	// client changed it while it was edited here.
	Notice     string
	NoticeMark Mark
	names      []string
	values     []confo.Value
	marks      []Mark
	display    []string
	// live is the number of rows that are fields of the value; the rows
	// after them are fields deleted here, still stored until persisted.
	live int
}

// FieldRow is one row of the fields pane.
type FieldRow struct {
	Name, Display, Kind string
	Mark                Mark
	// Deleted: the field was deleted here; it is stored until persisted.
	Deleted bool
}

// fieldsCache keeps the last FieldsView: the panes ask for it after every
// message, and building it decodes and walks the config, which takes
// seconds for a value of 50 MB.
type fieldsCache struct {
	ns, cfg string
	config  *confo.Config
	rev     int
	view    *FieldsView
}

// Fields describes a config for the fields pane. The view is built once per
// config and change: asking again returns the same view.
func (b *Backend) Fields(ns, cfg string) *FieldsView {
	c := b.config(ns, cfg)
	fc := &b.fields
	if fc.view != nil && fc.ns == ns && fc.cfg == cfg && fc.config == c && fc.rev == b.rev {
		return fc.view
	}
	fv := b.buildFields(ns, cfg, c)
	b.fields = fieldsCache{ns: ns, cfg: cfg, config: c, rev: b.rev, view: fv}
	return fv
}

func (b *Backend) buildFields(ns, cfg string, c *confo.Config) *FieldsView {
	fv := &FieldsView{}
	switch {
	case b.ws.Namespace(ns) == nil:
		fv.Note, fv.Unusable = "no namespace selected", true
		return fv
	case c == nil:
		fv.Note, fv.Unusable = "no config selected", true
		return fv
	}
	fv.Config, fv.Status = cfg, c.Status()
	if err := b.ws.Namespace(ns).ConfigKeyCollision(cfg); err != nil {
		fv.Notice, fv.NoticeMark = err.Error(), MarkLocked
	} else if note, conflict := b.RemoteNote(ns, cfg); note != "" {
		fv.Notice, fv.NoticeMark = note, MarkRemoteEdited
		if conflict {
			fv.NoticeMark = MarkConflict
		}
	}
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
		fv.live = 1
		return fv
	}
	fv.names = make([]string, 0, v.Len())
	fv.values = make([]confo.Value, 0, v.Len())
	for key, val := range v.Members() {
		fv.names = append(fv.names, key)
		fv.values = append(fv.values, val)
	}
	fv.live = len(fv.names)
	fv.marks = fv.compare(c, v)
	fv.display = make([]string, len(fv.names))
	if len(fv.names) == 0 {
		fv.Note = "no fields yet: a adds one"
	}
	return fv
}

// Names lists the rows' names in document order, deleted fields last; the
// slice is the view's own.
func (f *FieldsView) Names() []string { return f.names }

// displayLimit bounds the text rendered for one row: a row shows a few
// hundred cells at most, and a value may be 50 MB.
const displayLimit = 1024

// Row describes row i, rendering its value the first time it is drawn.
func (f *FieldsView) Row(i int) FieldRow {
	if f.display[i] == "" {
		f.display[i] = CompactLimit(f.values[i], displayLimit)
	}
	return FieldRow{Name: f.names[i], Display: f.display[i], Kind: f.values[i].Kind().String(), Mark: f.marks[i], Deleted: i >= f.live}
}

// Deleted reports whether the field named name is a deleted row.
func (f *FieldsView) Deleted(name string) bool {
	for i := f.live; i < len(f.names); i++ {
		if f.names[i] == name {
			return true
		}
	}
	return false
}

// compare marks each field against the stored value and appends the
// fields deleted here as rows of their own.
func (f *FieldsView) compare(c *confo.Config, v confo.Value) []Mark {
	marks := make([]Mark, len(f.names))
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
	added, changed, removed := FieldDiff(base, v)
	byName := map[string]Mark{}
	for _, name := range added {
		byName[name] = MarkAdded
	}
	for _, name := range changed {
		byName[name] = MarkModified
	}
	for i, name := range f.names {
		marks[i] = byName[name]
	}
	for _, name := range removed {
		old, _ := base.Field(name)
		f.names = append(f.names, name)
		f.values = append(f.values, old)
		marks = append(marks, MarkDeleted)
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

// Raw is a config's stored bytes as text, for showing data that is not
// JSON; false when nothing is stored.
func (b *Backend) Raw(ns, cfg string) (string, bool) {
	c := b.config(ns, cfg)
	if c == nil || c.Base().State != confo.RawPresent {
		return "", false
	}
	return string(c.Base().Bytes), true
}

func (b *Backend) value(ns, cfg, field string) (confo.Value, error) {
	if field == "" {
		return b.ws.Get(ns, cfg)
	}
	return b.ws.GetField(ns, cfg, field)
}
