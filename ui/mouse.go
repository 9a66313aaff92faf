package ui

import (
	tea "charm.land/bubbletea/v2"
)

// handleMouse: a click focuses the pane under it and selects the row; the
// wheel scrolls the pane (or the viewer, or a long dialog) under it; a
// click on a dialog's answer answers it.
func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if !m.fits() {
		// Nothing but the notice is on the screen to click.
		return nil
	}
	mouse := msg.Mouse()
	switch msg.(type) {
	case tea.MouseClickMsg:
		if mouse.Button != tea.MouseLeft {
			return nil
		}
		if m.dialog != nil {
			if c, ok := m.dialog.(*choice); ok {
				return c.click(m, mouse.X, mouse.Y)
			}
			return nil
		}
		m.filtering = false
		m.filterInput.Blur()
		p, row, ok := m.paneAt(mouse.X, mouse.Y)
		if !ok {
			return nil
		}
		m.focus = p
		if p == paneFields && m.fields.Notice != "" {
			row-- // the notice above the fields
		}
		l := &m.lists[p]
		if i := l.offset + row; row >= 0 && i < l.Len() {
			l.moveTo(i)
		}
	case tea.MouseWheelMsg:
		delta := 0
		switch mouse.Button {
		case tea.MouseWheelUp:
			delta = -1
		case tea.MouseWheelDown:
			delta = 1
		default:
			return nil
		}
		return m.wheel(mouse.X, mouse.Y, delta)
	}
	return nil
}

// wheel scrolls what is under the pointer by delta steps.
func (m *Model) wheel(x, y, delta int) tea.Cmd {
	const step = 3
	switch d := m.dialog.(type) {
	case nil:
	case *viewer:
		d.scroll(m, delta*step)
		return nil
	case *returning:
		d.scroll(m, delta*step)
		return nil
	case *choice:
		d.move(m, delta)
		return nil
	case *searchDialog:
		d.move(m, delta)
		return nil
	case *conflictDialog:
		d.move(m, delta)
		return nil
	default:
		return nil
	}
	p, _, ok := m.paneAt(x, y)
	if !ok {
		return nil
	}
	m.lists[p].move(delta)
	return nil
}

// paneAt finds the pane under screen cell (x, y) and the list row there
// (relative to the pane's scroll offset; -1 on a border).
func (m *Model) paneAt(x, y int) (paneID, int, bool) {
	if y < 1 || y >= m.height-2 {
		return 0, 0, false
	}
	left := 0
	for p, w := range m.paneWidths() {
		if x >= left && x < left+w {
			row := y - 2
			if y == m.height-3 {
				row = -1
			}
			if paneID(p) == paneBackends && row >= 0 {
				row /= backendRowLines
			}
			return paneID(p), row, true
		}
		left += w
	}
	return 0, 0, false
}
