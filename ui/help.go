package ui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/confo-dev/confo/model"
)

// helpDialog lists every binding of the keymap, by group, and the legend
// of the marks. Any key closes it, except that the movement keys scroll it
// when it is taller than the screen.
type helpDialog struct{ offset int }

func (d *helpDialog) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	_, lines := d.content(m)
	rows := d.rows(m)
	if len(lines) > rows && m.keys.scrolled(msg, rows, func(delta int) {
		d.offset = min(max(d.offset+delta, 0), len(lines)-rows)
	}) {
		return nil
	}
	m.dialog = nil
	return nil
}

// rows is how many lines of help fit on the screen.
func (d *helpDialog) rows(m *Model) int { return max(m.height-2, 1) }

// content is the help's width and every line of it.
func (d *helpDialog) content(m *Model) (int, []string) {
	var groups [][]string
	for _, g := range m.keys.Groups() {
		keyW := 0
		for _, b := range g.Bindings {
			keyW = max(keyW, ansi.StringWidth(b.Help().Key))
		}
		lines := []string{m.theme.FocusTitle.Render(g.Title)}
		for _, b := range g.Bindings {
			if b.Enabled() {
				lines = append(lines, m.theme.Key.Render(fit(b.Help().Key, keyW))+" "+m.theme.KeyDesc.Render(b.Help().Desc))
			}
		}
		groups = append(groups, lines)
	}
	// The overlay may cover the whole screen: help is read, then closed.
	avail := m.height - 2 - 2
	lines := sideBySide(balance(groups, m.width-2, avail))
	w := 0
	for _, l := range lines {
		w = max(w, ansi.StringWidth(l))
	}
	w = min(max(w+2, ansi.StringWidth(model.TypeRuleHelp)+4), m.width)
	if w == m.width-1 {
		// Centred, it would leave the screen's last column showing
		// the panes' borders beside it.
		w = m.width
	}
	lines = append(lines, "")
	lines = append(lines, legendLines(m.theme, w-4)...)
	return w, append(lines, m.theme.Dim.Render(" "+cut(model.TypeRuleHelp, w-4)))
}

func (d *helpDialog) view(m *Model) string {
	w, lines := d.content(m)
	rows := d.rows(m)
	title := "Keys — any key closes"
	if len(lines) > rows {
		d.offset = min(d.offset, len(lines)-rows)
		lines = lines[d.offset : d.offset+rows]
		title += ", " + m.keys.Down.Help().Key + " " + m.keys.Up.Help().Key + " scroll"
	}
	return box(title, lines, w, min(len(lines)+2, m.height), m.theme.FocusBorder, m.theme.FocusTitle)
}

// balance picks the shortest column height whose layout fits the width, so
// a wide screen shows the groups side by side instead of one long column.
// When no layout of at most maxH lines fits, fewer, taller columns do:
// the help scrolls, while a column cut at the border cannot be read.
func balance(groups [][]string, w, maxH int) [][]string {
	h, total := 0, 0
	for _, g := range groups {
		h = max(h, len(g))
		total += len(g) + 1
	}
	var cols [][]string
	for ; h <= max(total, maxH); h++ {
		cols = newspaper(groups, h)
		if columnsWidth(cols) <= w || len(cols) == 1 {
			return cols
		}
	}
	return cols
}

func columnsWidth(cols [][]string) int {
	total := 1
	for i, c := range cols {
		cw := 0
		for _, l := range c {
			cw = max(cw, ansi.StringWidth(l))
		}
		if i < len(cols)-1 {
			cw += 2
		}
		total += cw
	}
	return total
}

// newspaper fills columns of at most h lines with the groups in order,
// starting a new column when the next group does not fit, with a blank line
// between groups of one column.
func newspaper(groups [][]string, h int) [][]string {
	var cols [][]string
	var col []string
	for _, g := range groups {
		need := len(g)
		if len(col) > 0 {
			need++
		}
		if len(col) > 0 && len(col)+need > h {
			cols = append(cols, col)
			col = nil
		}
		if len(col) > 0 {
			col = append(col, "")
		}
		col = append(col, g...)
	}
	if len(col) > 0 {
		cols = append(cols, col)
	}
	return cols
}

// sideBySide puts columns of lines side by side, each as wide as its
// widest line plus a gutter.
func sideBySide(cols [][]string) []string {
	rows := 0
	widths := make([]int, len(cols))
	for i, c := range cols {
		rows = max(rows, len(c))
		for _, l := range c {
			widths[i] = max(widths[i], ansi.StringWidth(l))
		}
	}
	out := make([]string, rows)
	for r := range rows {
		line := " "
		for i, c := range cols {
			cell := ""
			if r < len(c) {
				cell = c[r]
			}
			gutter := 2
			if i == len(cols)-1 {
				gutter = 0
			}
			line += fit(cell, widths[i]+gutter)
		}
		out[r] = line
	}
	return out
}

// legendLines explains every mark, wrapped to w cells.
func legendLines(th Theme, w int) []string {
	var lines []string
	line, used := " ", 0
	for i, spec := range legend() {
		item := spec.render(th) + " " + th.KeyDesc.Render(spec.meaning)
		width := ansi.StringWidth(spec.glyph) + 1 + ansi.StringWidth(spec.meaning)
		if i > 0 && used+2+width > w {
			lines = append(lines, line)
			line, used = " ", 0
		}
		if used > 0 {
			line += "  "
			used += 2
		}
		line += item
		used += width
	}
	return append(lines, line)
}
