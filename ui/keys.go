package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/model"
)

// mainKey handles a key when no dialog or filter input is open. Every key
// acts on the focused pane: what a key does there is what the key bar says.
func (m *Model) mainKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	l := &m.lists[m.focus]
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.dialog = &helpDialog{}
	case key.Matches(msg, k.Messages):
		m.openMessages()
	case key.Matches(msg, k.Search):
		return m.openSearch()
	case key.Matches(msg, k.Up):
		l.move(-1)
	case key.Matches(msg, k.Down):
		l.move(1)
	case key.Matches(msg, k.PageUp):
		l.move(-max(m.pageRows()-1, 1))
	case key.Matches(msg, k.PageDown):
		l.move(max(m.pageRows()-1, 1))
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
	case key.Matches(msg, k.EditExternal):
		return m.editExternal()
	case key.Matches(msg, k.View):
		m.viewValue()
	case key.Matches(msg, k.CopyValue):
		return m.copyValue()
	case key.Matches(msg, k.CopyKey):
		return m.copyKey()
	case key.Matches(msg, k.Add):
		return m.add()
	case key.Matches(msg, k.Delete):
		m.remove()
	case key.Matches(msg, k.Rename):
		return m.rename()
	case key.Matches(msg, k.Undo):
		return m.undo()
	case key.Matches(msg, k.PersistConfig):
		m.askPersist(m.focusScope())
	case key.Matches(msg, k.PersistNamespace):
		m.askPersist(m.namespaceScope())
	case key.Matches(msg, k.PersistBackend):
		m.askPersist(&model.Scope{})
	case key.Matches(msg, k.ReloadNamespace):
		if m.focus == paneBackends {
			return m.askReload(true)
		}
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

// pageRows is a page of the focused pane in rows.
func (m *Model) pageRows() int { return m.listRows(m.focus) }

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

// editable reports whether editing keys mean anything for the current
// backend; the key bar hides them otherwise.
func (m *Model) editable() bool {
	return m.current.Open() && !m.current.ReadOnly()
}

// hint is a binding with a description for the focused pane.
func hint(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// paneKeys are the key bar of the focused pane (or of the filter input),
// most useful first; editing keys only where editing is possible.
func (m *Model) paneKeys() []key.Binding {
	k := m.keys
	if m.filtering {
		return []key.Binding{
			key.NewBinding(key.WithKeys("_"), key.WithHelp("type", "to filter (fuzzy)")),
			hint(k.Submit, "keep filter"), hint(k.Cancel, "clear"),
			key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "walk the matches")),
		}
	}
	ed := m.editable()
	var out []key.Binding
	add := func(on bool, b key.Binding, desc string) {
		if on {
			out = append(out, hint(b, desc))
		}
	}
	b := m.current
	switch m.focus {
	case paneBackends:
		retry := b.Conn() == model.Failed
		add(true, k.Enter, "open")
		add(retry, k.ReloadBackend, "retry")
		add(!retry && b.Open(), k.ReloadBackend, "reload backend")
		add(ed, k.PersistConfig, "persist backend")
		add(true, k.CopyValue, "copy address")
	case paneNamespaces:
		add(true, k.Enter, "open")
		add(ed, k.Add, "add namespace")
		add(ed, k.Delete, "delete")
		add(ed, k.Rename, "rename")
		add(ed, k.PersistConfig, "persist namespace")
		add(b.Open(), k.ReloadNamespace, "reload")
		add(true, k.CopyValue, "copy name")
		add(b.Open(), k.CopyKey, "copy key")
	case paneConfigs:
		if c, ok := m.config(); ok && c.Status == model.StatusConflict {
			add(true, k.Conflict, "show conflict")
		}
		add(true, k.View, "view")
		add(ed, k.EditExternal, "$EDITOR")
		add(ed, k.Edit, "edit")
		add(ed, k.Add, "add config")
		add(ed, k.Delete, "delete")
		add(ed, k.Rename, "rename")
		add(ed, k.PersistConfig, "persist config")
		add(b.Open(), k.ReloadNamespace, "reload")
		add(true, k.CopyValue, "copy JSON")
		add(b.Open(), k.CopyKey, "copy key")
	case paneFields:
		add(ed, k.Edit, "edit")
		add(ed, k.EditExternal, "$EDITOR")
		add(true, k.View, "view")
		add(ed, k.Add, "add field")
		add(ed, k.Delete, "delete")
		add(ed, k.Rename, "rename")
		add(ed, k.PersistConfig, "persist config")
		add(true, k.CopyValue, "copy value")
		add(b.Open(), k.CopyKey, "copy key")
	}
	add(ed && b.CanUndo(), k.Undo, "undo")
	add(true, k.Filter, "filter")
	add(true, k.Search, "search")
	add(true, k.Help, "help")
	add(true, k.Quit, "quit")
	return out
}

// quit exits, asking first when something is unsaved: the question lists
// it, and offers to persist everything first.
func (m *Model) quit() tea.Cmd {
	n := m.unsaved()
	if n == 0 {
		return tea.Quit
	}
	lines := []string{plural(n, "unsaved change", "unsaved changes") + " will be lost:"}
	var dirty []*model.Backend
	for _, b := range m.backends {
		if b.Unsaved() == 0 {
			continue
		}
		dirty = append(dirty, b)
		job, err := b.PlanPersist(model.Scope{})
		if err != nil {
			lines = append(lines, "", "backend "+b.Name()+": "+err.Error())
			continue
		}
		lines = append(lines, "", "backend "+b.Name()+" ("+b.Kind()+" "+b.Address()+")")
		lines = append(lines, m.summaryLines(job.Summary())...)
	}
	options := []option{{m.keys.Yes, "quit without persisting", func(*Model) tea.Cmd { return tea.Quit }}}
	if len(dirty) > 0 && dirtyWritable(dirty) {
		options = append(options, option{m.keys.PersistAll, "persist all and quit", func(m *Model) tea.Cmd {
			m.dialog = &choice{
				title: "Persist " + plural(n, "change", "changes") + " and quit?",
				lines: []string{"Everything listed before is written, backend by backend; confo quits when all of it is written."},
				options: []option{{m.keys.Yes, "persist all and quit", func(m *Model) tea.Cmd {
					return m.persistAllAndQuit(dirty)
				}}},
				cancel: "nothing persisted, still running",
			}
			return nil
		}})
	}
	m.dialog = &choice{title: "Quit confo?", lines: lines, options: options}
	return nil
}

func dirtyWritable(bs []*model.Backend) bool {
	for _, b := range bs {
		if b.CheckWritable() != nil {
			return false
		}
	}
	return true
}

// persistAllAndQuit persists every backend with changes and quits when all
// of them succeed; a conflict or error keeps the program running.
func (m *Model) persistAllAndQuit(dirty []*model.Backend) tea.Cmd {
	var cmds []tea.Cmd
	for _, b := range dirty {
		job, err := b.PlanPersist(model.Scope{})
		if err != nil {
			m.fail(fmt.Errorf("persist %s: %w", b.Name(), err))
			m.quitAfter = map[*model.Backend]bool{}
			return nil
		}
		if job.Empty() {
			continue
		}
		m.quitAfter[b] = true
		cmds = append(cmds, m.persist(job))
	}
	if len(cmds) == 0 {
		return tea.Quit
	}
	return tea.Batch(cmds...)
}
