package ui

import (
	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/model"
)

// wholeValueRow names the single row of a config that is not an object.
const wholeValueRow = "(value)"

// fieldsView is the Fields pane's data: the top-level fields of the selected
// config. Values are encoded only when a row is drawn.
type fieldsView struct {
	config string
	names  []string
	values []confo.Value
	// marks flag fields that differ from the stored value: ● changed, + new.
	marks map[string]string
	// whole: the config is not an object and shows as one row.
	whole bool
	// note says why there are no rows (deleted config, bad data, none,
	// no fields yet).
	note string
	// unusable: there is no value to edit or view (deleted, bad data, none).
	unusable bool
	status   confo.Status
}

// syncFields rebuilds the Fields pane from the selected config. Only that
// config is decoded.
func (m *Model) syncFields() {
	fv := fieldsView{}
	ns := m.namespace()
	c := m.config()
	switch {
	case ns == nil:
		fv.note, fv.unusable = "no namespace selected", true
	case c == nil:
		fv.note, fv.unusable = "no config selected", true
	default:
		fv.config = c.Name()
		fv.status = c.Status()
		m.fillFields(&fv, ns, c)
	}
	m.fields = fv
	m.lists[paneFields].setNames(fv.names, false)
}

func (m *Model) fillFields(fv *fieldsView, ns *confo.Namespace, c *confo.Config) {
	if model.DeletedLocally(m.current.WS, ns.Name(), c.Name()) {
		fv.note, fv.unusable = "deleted: persist to remove it, u to undo", true
		return
	}
	v, err := c.Value(ns.Name())
	if err != nil {
		fv.note, fv.unusable = "? "+err.Error(), true
		return
	}
	if v.Kind() != confo.Object {
		fv.whole = true
		fv.names = []string{wholeValueRow}
		fv.values = []confo.Value{v}
		return
	}
	if v.Len() == 0 {
		fv.note = "no fields yet: a adds one"
		return
	}
	fv.names = make([]string, 0, v.Len())
	fv.values = make([]confo.Value, 0, v.Len())
	for key, val := range v.Members() {
		fv.names = append(fv.names, key)
		fv.values = append(fv.values, val)
	}
	fv.marks = fieldMarks(c, v)
}

// fieldMarks compares the local value with the stored one, field by field.
func fieldMarks(c *confo.Config, v confo.Value) map[string]string {
	st := c.Status()
	if st != confo.StatusModified && st != confo.StatusConflict && st != confo.StatusAdded {
		return nil
	}
	marks := map[string]string{}
	base, err := confo.Decode(c.Base().Bytes)
	if c.Base().State != confo.RawPresent || err != nil || base.Kind() != confo.Object {
		for key := range v.Members() {
			marks[key] = "+"
		}
		return marks
	}
	added, changed, _ := model.FieldDiff(base, v)
	for _, f := range added {
		marks[f] = "+"
	}
	for _, f := range changed {
		marks[f] = "●"
	}
	return marks
}

// fieldsTitle is the pane title: the config's name and state.
func (m *Model) fieldsTitle() string {
	fv := m.fields
	if fv.config == "" {
		return paneTitles[paneFields]
	}
	t := fv.config
	if mark := statusMarker(fv.status); mark != " " {
		t += " " + mark + " " + fv.status.String()
	}
	return t
}

// renderFields draws the visible field rows: marker, name, value, type.
func (m *Model) renderFields(w, h int) []string {
	fv := m.fields
	if fv.note != "" {
		return []string{m.theme.Dim.Render(" " + fv.note)}
	}
	l := &m.lists[paneFields]
	start, end := l.visible(h)
	nameW := 0
	for i := start; i < end; i++ {
		nameW = max(nameW, len(l.at(i)))
	}
	nameW = min(nameW, max(w/3, 6))
	const typeW = 7
	valW := max(w-nameW-typeW-6, 1)
	lines := make([]string, 0, end-start)
	for i := start; i < end; i++ {
		name := l.at(i)
		v := fv.values[l.source(i)]
		rest := fit(name, nameW) + " " + fit(model.Compact(v), valW) + " " + fit(v.Kind().String(), typeW) + " "
		lines = append(lines, m.row(paneFields, i, fv.marks[name], rest, w))
	}
	return lines
}
