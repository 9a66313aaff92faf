package ui

import "github.com/confo-dev/confo/model"

// syncFields points the Fields pane at the selected config. Only that config
// is decoded.
func (m *Model) syncFields() {
	ns, _ := m.namespace()
	cfg, _ := m.config()
	m.fields = m.current.Fields(ns.Name, cfg.Name)
	m.lists[paneFields].setNames(m.fields.Names(), false)
}

// fieldsTitle is the pane title: the config's name and state.
func (m *Model) fieldsTitle() string {
	fv := m.fields
	if fv.Config == "" {
		return paneTitles[paneFields]
	}
	t := fv.Config
	if mark := itemMarks[model.StatusMark(fv.Status)]; mark.glyph != " " {
		t += " " + mark.glyph + " " + fv.Status.String()
	}
	return t
}

// renderFields draws the visible field rows: marker, name, value, type.
func (m *Model) renderFields(w, h int) []string {
	fv := m.fields
	if fv.Note != "" {
		return []string{m.theme.Dim.Render(" " + fv.Note)}
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
		row := fv.Row(l.source(i))
		rest := fit(row.Name, nameW) + " " + fit(row.Display, valW) + " " + fit(row.Kind, typeW) + " "
		lines = append(lines, m.row(paneFields, i, itemMarks[row.Mark], rest, w))
	}
	return lines
}
