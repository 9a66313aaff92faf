package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/confo-dev/confo/model"
)

// mainKey handles a key when no dialog or filter input is open.
func (m *Model) mainKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	l := &m.lists[m.focus]
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.dialog = &helpDialog{}
	case key.Matches(msg, k.Up):
		l.move(-1)
	case key.Matches(msg, k.Down):
		l.move(1)
	case key.Matches(msg, k.PageUp):
		l.move(-max(m.paneRows()-1, 1))
	case key.Matches(msg, k.PageDown):
		l.move(max(m.paneRows()-1, 1))
	case key.Matches(msg, k.Top):
		l.moveTo(0)
	case key.Matches(msg, k.Bottom):
		l.moveTo(l.Len() - 1)
	case key.Matches(msg, k.Left):
		m.focus = max(m.focus-1, 0)
	case key.Matches(msg, k.Right):
		m.focus = min(m.focus+1, paneCount-1)
	case key.Matches(msg, k.PrevPane):
		m.focus = (m.focus + paneCount - 1) % paneCount
	case key.Matches(msg, k.NextPane):
		m.focus = (m.focus + 1) % paneCount
	case key.Matches(msg, k.Filter):
		m.filtering = true
		m.filterInput.SetValue(l.filter)
		m.filterInput.CursorEnd()
		return m.filterInput.Focus()
	case key.Matches(msg, k.Enter):
		return m.enter()
	case key.Matches(msg, k.Edit):
		return m.edit()
	case key.Matches(msg, k.View):
		m.viewValue()
	case key.Matches(msg, k.Add):
		return m.add()
	case key.Matches(msg, k.Delete):
		m.remove()
	case key.Matches(msg, k.Rename):
		return m.rename()
	case key.Matches(msg, k.Undo):
		m.undo()
	case key.Matches(msg, k.PersistConfig):
		m.askPersist(m.configScope())
	case key.Matches(msg, k.PersistNamespace):
		m.askPersist(m.namespaceScope())
	case key.Matches(msg, k.PersistBackend):
		m.askPersist(&model.Scope{})
	case key.Matches(msg, k.ReloadNamespace):
		return m.askReload(false)
	case key.Matches(msg, k.ReloadBackend):
		return m.askReload(true)
	case key.Matches(msg, k.Conflict):
		m.openConflict()
	case key.Matches(msg, k.Cancel):
		if l.filter != "" {
			l.setFilter("")
		}
	}
	return nil
}

// filterKey edits the focused pane's filter; it applies as the user types.
func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	l := &m.lists[m.focus]
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.filtering = false
		m.filterInput.Blur()
		l.setFilter("")
		return nil
	case key.Matches(msg, m.keys.Submit):
		m.filtering = false
		m.filterInput.Blur()
		return nil
	case msg.Text == "" && key.Matches(msg, m.keys.Up, m.keys.Down):
		// Arrows (not j/k, which are text here) leave the input so the
		// filtered list can be walked.
		m.filtering = false
		m.filterInput.Blur()
		return m.mainKey(msg)
	}
	var cmd tea.Cmd
	m.filterInput, cmd = m.filterInput.Update(msg)
	l.setFilter(m.filterInput.Value())
	l.moveTo(0)
	return cmd
}

// enter walks right: backend → namespaces → configs → fields, and edits
// a field. On a config in conflict it opens the conflict view.
func (m *Model) enter() tea.Cmd {
	switch m.focus {
	case paneFields:
		return m.edit()
	case paneConfigs:
		if c, ok := m.config(); ok && c.Status == model.StatusConflict {
			m.openConflict()
			return nil
		}
	}
	m.focus = min(m.focus+1, paneCount-1)
	return nil
}

// quit exits, asking first when something is unsaved.
func (m *Model) quit() tea.Cmd {
	n := m.unsaved()
	if n == 0 {
		return tea.Quit
	}
	m.dialog = &choice{
		title:   "Quit confo?",
		lines:   []string{plural(n, "unsaved change", "unsaved changes") + " will be lost."},
		options: []option{{m.keys.Yes, "quit", func(*Model) tea.Cmd { return tea.Quit }}},
	}
	return nil
}
