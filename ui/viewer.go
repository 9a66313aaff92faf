package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// viewer shows a value in full, pretty-printed; long values scroll.
type viewer struct {
	title  string
	lines  []string
	offset int
}

func (v *viewer) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	h := v.rows(m)
	switch {
	case key.Matches(msg, m.keys.Down):
		v.offset++
	case key.Matches(msg, m.keys.Up):
		v.offset--
	case key.Matches(msg, m.keys.PageDown):
		v.offset += h
	case key.Matches(msg, m.keys.PageUp):
		v.offset -= h
	default:
		m.dialog = nil
	}
	v.offset = min(max(v.offset, 0), max(len(v.lines)-h, 0))
	return nil
}

func (v *viewer) rows(m *Model) int { return max(m.height-2-2-1, 1) }

func (v *viewer) view(m *Model) string {
	h := v.rows(m)
	end := min(v.offset+h, len(v.lines))
	lines := make([]string, 0, h+1)
	for _, l := range v.lines[v.offset:end] {
		lines = append(lines, " "+l)
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	lines = append(lines, m.keyLine([]key.Binding{m.keys.Up, m.keys.Down, m.keys.PageDown, m.keys.Cancel}, m.width-2))
	return box(v.title, lines, m.width, h+3, m.theme.FocusBorder, m.theme.FocusTitle)
}
