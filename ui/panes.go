package ui

import (
	"strconv"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/model"
)

// statusMarker is the one-character sign of a config's state.
func statusMarker(s confo.Status) string {
	switch s {
	case confo.StatusModified:
		return "●"
	case confo.StatusAdded:
		return "+"
	case confo.StatusDeleted:
		return "✗"
	case confo.StatusConflict:
		return "!"
	case confo.StatusBad:
		return "?"
	}
	return " "
}

// markStyle colours a marker.
func (m *Model) markStyle(mark string) lipgloss.Style {
	switch mark {
	case "●", "~":
		return m.theme.Modified
	case "+":
		return m.theme.Added
	case "✗":
		return m.theme.Deleted
	case "!":
		return m.theme.Conflict
	case "?":
		return m.theme.Bad
	}
	return lipgloss.NewStyle()
}

// row draws one list row: a state marker, then the rest. The row under the
// cursor is highlighted, brighter in the focused pane.
func (m *Model) row(p paneID, i int, mark, rest string, w int) string {
	if mark == "" {
		mark = " "
	}
	if i == m.lists[p].cursor {
		style := m.theme.SelectedBlur
		if p == m.focus {
			style = m.theme.Selected
		}
		return style.Render(fit("▸"+ansi.Strip(mark)+" "+ansi.Strip(rest), w))
	}
	return " " + m.markStyle(mark).Render(mark) + " " + fit(rest, w-3)
}

// renderBackends draws two lines per backend: name, type, connection and
// read-only badge; then the address.
func (m *Model) renderBackends(w, h int) []string {
	l := &m.lists[paneBackends]
	start, end := l.visible(h / backendRowLines)
	var lines []string
	for i := start; i < end; i++ {
		b := m.backends[l.source(i)]
		mark := "●"
		if b.Conn == model.Failed {
			mark = "✗"
		}
		if b.Busy != "" {
			mark = m.spin.View()
		}
		rest := b.Name + " " + m.theme.Dim.Render(b.Kind)
		if b.ReadOnly {
			rest += " " + m.theme.ReadOnly.Render("RO")
		}
		if n := b.Unsaved(); n > 0 {
			rest += " " + m.theme.Modified.Render(strconv.Itoa(n))
		}
		lines = append(lines, m.row(paneBackends, i, mark, rest, w))
		addr := cutLeft(b.Address, w-3)
		if b.Conn == model.Failed && b.LastErr != "" {
			addr = cut(b.LastErr, w-3)
		}
		lines = append(lines, "   "+m.theme.Dim.Render(addr))
	}
	return lines
}

// renderNamespaces draws each namespace with its config count and state.
func (m *Model) renderNamespaces(w, h int) []string {
	l := &m.lists[paneNamespaces]
	start, end := l.visible(h)
	ws := m.current.WS
	var lines []string
	for i := start; i < end; i++ {
		ns := ws.Namespace(l.at(i))
		mark := " "
		switch {
		case ns.Problem() != "":
			mark = "?"
		case ns.Status() == confo.StatusDeleted:
			mark = "✗"
		case ns.Status() == confo.StatusAdded:
			mark = "+"
		case ns.DirtyCount() > 0:
			mark = "●"
		}
		count := "…"
		if ns.Loaded() {
			count = strconv.Itoa(ns.Len())
		}
		lines = append(lines, m.row(paneNamespaces, i, mark, spread(ns.Name(), count, w-3), w))
	}
	return lines
}

// renderConfigs draws only the visible configs; a namespace may hold
// 100,000 of them.
func (m *Model) renderConfigs(w, h int) []string {
	ns := m.namespace()
	if ns == nil {
		return nil
	}
	if !ns.Loaded() {
		return []string{m.theme.Dim.Render(" not loaded: r reloads it")}
	}
	l := &m.lists[paneConfigs]
	start, end := l.visible(h)
	lines := make([]string, 0, end-start)
	for i := start; i < end; i++ {
		c := ns.Config(l.at(i))
		st := c.Status()
		mark := statusMarker(st)
		if st == confo.StatusClean && c.RemoteChanged() {
			mark = "~"
		}
		rest := c.Name()
		if st != confo.StatusClean && w >= 24 {
			rest = spread(c.Name(), m.theme.Dim.Render(shortStatus(st)), w-3)
		}
		lines = append(lines, m.row(paneConfigs, i, mark, rest, w))
	}
	return lines
}

func shortStatus(s confo.Status) string {
	switch s {
	case confo.StatusAdded:
		return "new"
	case confo.StatusModified:
		return "mod"
	case confo.StatusDeleted:
		return "del"
	case confo.StatusConflict:
		return "conflict"
	case confo.StatusBad:
		return "bad"
	}
	return ""
}

// paneTitle is a pane's title, with its filter and position when useful.
func (m *Model) paneTitle(p paneID) string {
	t := paneTitles[p]
	switch p {
	case paneConfigs:
		if ns := m.namespace(); ns != nil {
			t = ns.Name()
		}
	case paneFields:
		t = m.fieldsTitle()
	}
	l := &m.lists[p]
	if l.filter != "" || (m.filtering && p == m.focus) {
		t += " /" + l.filter
	}
	if p == paneConfigs && l.Len() > m.paneRows() {
		t += " " + thousands(l.cursor+1) + "/" + thousands(l.Len())
	}
	return t
}
