package ui

import (
	"github.com/charmbracelet/x/ansi"

	"github.com/confo-dev/confo/internal/termsafe"
	"github.com/confo-dev/confo/model"
)

// syncFields points the Fields pane at the selected config, with the field
// cursor where it was last in that config. The model caches the view, so
// this costs nothing until the config changes.
func (m *Model) syncFields() {
	ns, _ := m.namespace()
	cfg, _ := m.config()
	key := m.current.Name() + "/" + ns.Name + "/" + cfg.Name
	if key != m.shownCfg {
		if m.shownCfg != "" {
			m.lastField[m.shownCfg] = m.lists[paneFields].selected()
		}
		m.lists[paneFields] = list{want: m.lastField[key]}
		m.shownCfg = key
	}
	m.fields = m.current.Fields(ns.Name, cfg.Name)
	m.lists[paneFields].setNames(m.fields.Names(), false)
}

// fieldsTitle is the pane title: the config's name and state.
func (m *Model) fieldsTitle() string {
	fv := m.fields
	if fv.Config == "" {
		return paneTitles[paneFields]
	}
	t := termsafe.Name(fv.Config)
	if mark := itemMarks[model.StatusMark(fv.Status)]; mark.glyph != " " {
		t += " " + mark.glyph + " " + fv.Status.String()
	}
	return t
}

// renderFields draws the visible field rows: marker, name, value, type.
// Fields deleted here stay, marked, until persisted.
func (m *Model) renderFields(w, h int) []string {
	fv := m.fields
	if fv.Note != "" && len(fv.Names()) == 0 {
		return m.renderNote(termsafe.Line(fv.Note), w, h)
	}
	l := &m.lists[paneFields]
	var lines []string
	if fv.Notice != "" {
		lines = append(lines, " "+itemMarks[fv.NoticeMark].render(m.theme)+" "+m.theme.Dim.Render(cut(termsafe.Line(fv.Notice), w-3)))
	}
	start, end := l.visible(m.listRows(paneFields))
	nameW := 0
	for i := start; i < end; i++ {
		nameW = max(nameW, ansi.StringWidth(m.name(l.at(i)))+1)
	}
	nameW = min(nameW, max(w/3, 6))
	const typeW = 7
	valW := max(w-nameW-typeW-6, 1)
	for i := start; i < end; i++ {
		row := fv.Row(l.source(i))
		value := termsafe.Line(row.Display)
		if row.Deleted {
			value = m.theme.Dim.Render(cut("deleted, was "+value, valW))
		}
		rest := fit(m.name(row.Name), nameW) + " " + fit(value, valW) + " " + fit(row.Kind, typeW) + " "
		lines = append(lines, m.row(paneFields, i, itemMarks[row.Mark], rest, w))
	}
	return lines
}

// renderNote draws a note in place of the fields, wrapped to the pane: the
// note of a config that is not JSON says where the JSON breaks, which a
// cut line would hide. Rows the pane lacks end with an ellipsis.
func (m *Model) renderNote(note string, w, h int) []string {
	spans := wrapLine(nil, 0, note, max(w-1, 1), 0)
	lines := make([]string, 0, min(len(spans), h))
	for i, s := range spans {
		row := note[s.start:s.end]
		if i == h-1 && len(spans) > h {
			row = cut(note[s.start:], w-1)
		}
		lines = append(lines, m.theme.Dim.Render(" "+row))
		if i == h-1 {
			break
		}
	}
	return lines
}
