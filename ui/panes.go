package ui

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/confo-dev/confo/internal/termsafe"
	"github.com/confo-dev/confo/model"
)

// row draws one list row: a state marker, then the rest. The row under the
// cursor is highlighted, brighter in the focused pane.
func (m *Model) row(p paneID, i int, mark markSpec, rest string, w int) string {
	if i == m.lists[p].cursor {
		style := m.theme.SelectedBlur
		if p == m.focus {
			style = m.theme.Selected
		}
		return style.Render(fit("▸"+mark.glyph+" "+ansi.Strip(rest), w))
	}
	var sb strings.Builder
	sb.Grow(len(rest) + w + 32)
	sb.WriteByte(' ')
	sb.WriteString(m.mark(mark))
	sb.WriteByte(' ')
	writeFit(&sb, rest, w-3)
	return sb.String()
}

// name shows a stored name safely: escaped, and marked when the escaped
// form differs from the stored bytes. The empty name, a valid JSON key,
// is a dim "" rather than a blank that looks like no row at all.
func (m *Model) name(s string) string {
	switch {
	case s == "":
		return m.theme.Dim.Render(`""`)
	case termsafe.Needs(s):
		return m.mark(escapedMark) + termsafe.Name(s)
	}
	return termsafe.Name(s)
}

// renderBackends draws two lines per backend: name, type, connection and
// read-only badge; then the address, the load's progress or the error.
func (m *Model) renderBackends(w, h int) []string {
	l := &m.lists[paneBackends]
	start, end := l.visible(h / backendRowLines)
	var lines []string
	for i := start; i < end; i++ {
		b := m.backends[l.source(i)]
		mark := connMarks[b.Conn()]
		if b.Busy() != "" {
			mark = markSpec{glyph: ansi.Strip(m.spin.View()), style: func(t Theme) lipgloss.Style { return t.Dialog }}
		}
		rest := m.name(b.Name()) + " " + m.theme.Dim.Render(b.Kind())
		if b.ReadOnly() {
			rest += " " + m.mark(readOnlyBadge)
		}
		if n := b.Unsaved(); n > 0 {
			rest += " " + m.theme.Modified.Render(strconv.Itoa(n))
		}
		lines = append(lines, m.row(paneBackends, i, mark, rest, w))
		second := m.theme.Dim.Render(cutLeft(termsafe.Line(b.Address()), w-3))
		switch p := b.LoadProgress(); {
		case b.Conn() == model.Failed && b.LastErr() != "":
			second = m.theme.Err.Render(cut(termsafe.Line(b.LastErr()), w-3))
		case !b.Open():
			second = m.theme.Dim.Render(cut("connecting…", w-3))
		case !p.Done && p.Err == nil:
			second = m.theme.Dim.Render(cut("loading "+thousands(p.Namespaces)+"/"+thousands(p.Total), w-3))
		}
		lines = append(lines, "   "+second)
	}
	return lines
}

// renderNamespaces draws each namespace with its config count and state.
func (m *Model) renderNamespaces(w, h int) []string {
	l := &m.lists[paneNamespaces]
	start, end := l.visible(h)
	var lines []string
	for i := start; i < end; i++ {
		ns, _ := m.current.Namespace(l.at(i))
		count := "…"
		if ns.Loaded {
			count = strconv.Itoa(ns.Configs)
		}
		lines = append(lines, m.row(paneNamespaces, i, itemMarks[ns.Mark], spread(m.name(ns.Name), count, w-3), w))
	}
	if len(lines) == 0 {
		lines = append(lines, m.theme.Dim.Render(" "+m.emptyNamespaces()))
	}
	return lines
}

// emptyNamespaces says why the namespaces pane is empty.
func (m *Model) emptyNamespaces() string {
	b := m.current
	switch {
	case b.Conn() == model.Failed:
		return m.retryHint(b)
	case !b.Open():
		return "connecting…"
	case !b.LoadProgress().Registry:
		return "reading namespaces…"
	}
	return "none yet: " + m.keys.Add.Help().Key + " adds one"
}

// renderConfigs draws only the visible configs; a namespace may hold
// 100,000 of them.
func (m *Model) renderConfigs(w, h int) []string {
	ns, ok := m.namespace()
	if !ok {
		return nil
	}
	if !ns.Loaded {
		return []string{m.theme.Dim.Render(" loading…")}
	}
	if ns.Problem != "" {
		return []string{m.theme.Bad.Render(" ? " + cut(termsafe.Line(ns.Problem), w-4))}
	}
	l := &m.lists[paneConfigs]
	start, end := l.visible(h)
	lines := make([]string, 0, end-start)
	for i := start; i < end; i++ {
		c, _ := m.current.Config(ns.Name, l.at(i))
		rest := m.name(c.Name)
		if c.Status != model.StatusClean && w >= 24 {
			rest = spread(rest, m.theme.Dim.Render(shortStatus(c.Status)), w-3)
		}
		lines = append(lines, m.row(paneConfigs, i, itemMarks[c.Mark], rest, w))
	}
	return lines
}

func shortStatus(s model.Status) string {
	switch s {
	case model.StatusAdded:
		return "new"
	case model.StatusModified:
		return "mod"
	case model.StatusDeleted:
		return "del"
	case model.StatusConflict:
		return "conflict"
	case model.StatusBad:
		return "bad"
	}
	return ""
}

// paneTitle is a pane's title, with its filter and position when useful.
func (m *Model) paneTitle(p paneID) string {
	t := paneTitles[p]
	switch p {
	case paneConfigs:
		if ns, ok := m.namespace(); ok {
			t = termsafe.Name(ns.Name)
		}
	case paneFields:
		t = m.fieldsTitle()
	}
	l := &m.lists[p]
	if l.filter != "" || (m.filtering && p == m.focus) {
		t += " /" + termsafe.Line(l.filter)
	}
	if p == paneConfigs && l.Len() > m.paneRows() {
		t += " " + thousands(l.cursor+1) + "/" + thousands(l.Len())
	}
	return t
}
