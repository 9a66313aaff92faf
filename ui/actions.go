package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/model"
)

// writable checks the current backend accepts edits and says why not in
// the status line.
func (m *Model) writable() bool {
	if err := m.current.CheckWritable(); err != nil {
		m.fail(err)
		return false
	}
	return true
}

// selection is what the cursor is on, for the actions below.
type selection struct {
	ns, cfg, field string
}

func (m *Model) selection() selection {
	s := selection{}
	if ns, ok := m.namespace(); ok {
		s.ns = ns.Name
	}
	if c, ok := m.config(); ok {
		s.cfg = c.Name
	}
	if m.fields.Note == "" {
		s.field = m.lists[paneFields].selected()
	}
	return s
}

// edit opens the edit prompt for the selected field, or for the whole
// config when the configs pane has focus.
func (m *Model) edit() tea.Cmd {
	if !m.writable() {
		return nil
	}
	sel, b := m.selection(), m.current
	if sel.cfg == "" {
		m.fail(fmt.Errorf("nothing to edit: select a config"))
		return nil
	}
	if m.fields.Unusable {
		m.fail(fmt.Errorf("cannot edit %s: %s", sel.cfg, m.fields.Note))
		return nil
	}
	if m.focus != paneFields || m.fields.Whole {
		kind, text, err := b.EditText(sel.ns, sel.cfg, "")
		if err != nil {
			m.fail(err)
			return nil
		}
		return m.openPrompt(fmt.Sprintf("Edit %s (%s)", sel.cfg, kind), model.TypeRuleHelp, text, func(m *Model, text string) (tea.Cmd, error) {
			if err := b.SetValue(sel.ns, sel.cfg, text); err != nil {
				return nil, err
			}
			m.setStatus(statusInfo, "edited "+sel.cfg+": not persisted yet (s persists it)")
			return nil, nil
		})
	}
	if sel.field == "" {
		m.fail(fmt.Errorf("%s has no fields: a adds one", sel.cfg))
		return nil
	}
	kind, text, err := b.EditText(sel.ns, sel.cfg, sel.field)
	if err != nil {
		m.fail(err)
		return nil
	}
	return m.openPrompt(fmt.Sprintf("Edit %s.%s (%s)", sel.cfg, sel.field, kind), model.TypeRuleHelp, text, func(m *Model, text string) (tea.Cmd, error) {
		if err := b.SetField(sel.ns, sel.cfg, sel.field, text); err != nil {
			return nil, err
		}
		m.setStatus(statusInfo, "edited "+sel.cfg+"."+sel.field+": not persisted yet (s persists it)")
		return nil, nil
	})
}

// add creates a namespace, config or field depending on the focused pane.
func (m *Model) add() tea.Cmd {
	if m.focus == paneBackends {
		m.fail(fmt.Errorf("backends come from the command line: --redis NAME=URL, --dir NAME=PATH"))
		return nil
	}
	if !m.writable() {
		return nil
	}
	sel, b := m.selection(), m.current
	switch m.focus {
	case paneNamespaces:
		return m.openPrompt("New namespace in "+b.Name(), "a name; persist (S) registers it", "", func(m *Model, name string) (tea.Cmd, error) {
			if err := b.AddNamespace(name); err != nil {
				return nil, err
			}
			m.lists[paneNamespaces].selectName(name)
			m.setStatus(statusInfo, "added namespace "+name+": S persists it")
			return nil, nil
		})
	case paneConfigs:
		if sel.ns == "" {
			m.fail(fmt.Errorf("add a namespace first"))
			return nil
		}
		return m.openPrompt("New config in "+sel.ns, "a name; it starts as an empty object", "", func(m *Model, name string) (tea.Cmd, error) {
			if err := b.AddConfig(sel.ns, name); err != nil {
				return nil, err
			}
			m.lists[paneConfigs].setFilter("")
			m.lists[paneConfigs].selectName(name)
			m.setStatus(statusInfo, "added config "+name+": s persists it")
			return nil, nil
		})
	}
	if sel.cfg == "" {
		m.fail(fmt.Errorf("select a config to add a field to"))
		return nil
	}
	return m.openPrompt("New field in "+sel.cfg, "the field's name", "", func(m *Model, field string) (tea.Cmd, error) {
		if field == "" {
			return nil, fmt.Errorf("the field name is empty")
		}
		return m.openPrompt("Value of "+sel.cfg+"."+field, "JSON if it parses (3306, true, [1]), a string otherwise; = forces JSON", "", func(m *Model, text string) (tea.Cmd, error) {
			if err := b.AddField(sel.ns, sel.cfg, field, text); err != nil {
				return nil, err
			}
			m.lists[paneFields].selectName(field)
			m.setStatus(statusInfo, "added "+sel.cfg+"."+field+": s persists it")
			return nil, nil
		}), nil
	})
}

// remove asks before deleting the selected namespace, config or field.
func (m *Model) remove() {
	if m.focus == paneBackends {
		m.fail(fmt.Errorf("backends come from the command line and cannot be deleted here"))
		return
	}
	if !m.writable() {
		return
	}
	sel, b := m.selection(), m.current
	var (
		what string
		run  func() error
	)
	switch {
	case m.focus == paneNamespaces && sel.ns != "":
		ns, _ := b.Namespace(sel.ns)
		what = "namespace " + sel.ns + " and its " + plural(ns.Configs, "config", "configs")
		run = func() error { return b.DeleteNamespace(sel.ns) }
	case m.focus == paneConfigs && sel.cfg != "":
		what = "config " + sel.cfg
		run = func() error { return b.DeleteConfig(sel.ns, sel.cfg) }
	case m.focus == paneFields && sel.field != "" && !m.fields.Whole:
		what = "field " + sel.cfg + "." + sel.field
		run = func() error { return b.DeleteField(sel.ns, sel.cfg, sel.field) }
	default:
		m.fail(fmt.Errorf("nothing selected to delete"))
		return
	}
	m.dialog = &choice{
		title: "Delete " + what + "?",
		lines: []string{"It is removed from " + b.Name() + " at the next persist; u undoes it until then."},
		options: []option{{m.keys.Yes, "delete", func(m *Model) tea.Cmd {
			if err := run(); err != nil {
				m.fail(err)
				return nil
			}
			m.setStatus(statusInfo, "deleted "+what+": persist to write it, u to undo")
			return nil
		}}},
	}
}

// rename asks for a config's new name.
func (m *Model) rename() tea.Cmd {
	if !m.writable() {
		return nil
	}
	sel, b := m.selection(), m.current
	if sel.cfg == "" || m.focus < paneConfigs {
		m.fail(fmt.Errorf("select a config to rename"))
		return nil
	}
	return m.openPrompt("Rename "+sel.cfg, "the new name; persisting writes the new config and deletes the old one", sel.cfg, func(m *Model, to string) (tea.Cmd, error) {
		if err := b.RenameConfig(sel.ns, sel.cfg, to); err != nil {
			return nil, err
		}
		m.lists[paneConfigs].selectName(to)
		m.setStatus(statusInfo, "renamed "+sel.cfg+" to "+to+": S persists both")
		return nil, nil
	})
}

func (m *Model) undo() {
	label, err := m.current.Undo()
	if err != nil {
		m.fail(err)
		return
	}
	m.setStatus(statusInfo, "undid "+label)
}

// viewValue shows the selected field (or config) in full.
func (m *Model) viewValue() {
	sel := m.selection()
	if sel.cfg == "" || m.fields.Unusable {
		m.fail(fmt.Errorf("nothing to view"))
		return
	}
	title, field := sel.cfg, ""
	if m.focus == paneFields && !m.fields.Whole && sel.field != "" {
		title, field = title+"."+sel.field, sel.field
	}
	kind, lines, err := m.current.Pretty(sel.ns, sel.cfg, field)
	if err != nil {
		m.fail(err)
		return
	}
	m.dialog = &viewer{title: title + " (" + kind + ")", lines: lines}
}

func (m *Model) configScope() *model.Scope {
	sel := m.selection()
	if sel.cfg == "" {
		m.fail(fmt.Errorf("select a config to persist"))
		return nil
	}
	return &model.Scope{Namespace: sel.ns, Config: sel.cfg}
}

func (m *Model) namespaceScope() *model.Scope {
	sel := m.selection()
	if sel.ns == "" {
		m.fail(fmt.Errorf("select a namespace to persist"))
		return nil
	}
	return &model.Scope{Namespace: sel.ns}
}

// askPersist shows what a persist of scope writes and asks; No is the
// default answer.
func (m *Model) askPersist(scope *model.Scope) {
	if scope == nil || !m.writable() {
		return
	}
	b := m.current
	job, err := b.PlanPersist(*scope)
	if err != nil {
		m.fail(err)
		return
	}
	if job.Empty() {
		m.setStatus(statusInfo, "nothing to persist in "+scopeText(b, *scope))
		return
	}
	lines := []string{"These changes will be written to " + b.Name() + " (" + b.Kind() + " " + b.Address() + "):", ""}
	m.dialog = &choice{
		title:   "Persist " + scopeText(b, *scope) + "?",
		lines:   append(lines, m.summaryLines(job.Summary())...),
		options: []option{{m.keys.Yes, "persist", func(m *Model) tea.Cmd { return m.persist(job) }}},
		cancel:  "persist cancelled: nothing written",
	}
}

// summaryLines draws a persist summary: namespace headings, and each
// config indented behind its mark.
func (m *Model) summaryLines(s model.Summary) []string {
	var out []string
	for _, l := range s.Lines() {
		if l.Mark == model.MarkNone {
			out = append(out, l.Text)
			continue
		}
		out = append(out, "  "+itemMarks[l.Mark].glyph+" "+l.Text)
	}
	return out
}

func scopeText(b *model.Backend, s model.Scope) string {
	switch {
	case s.Namespace == "":
		return "backend " + b.Name()
	case s.Config == "":
		return "namespace " + s.Namespace
	}
	return "config " + s.Namespace + "/" + s.Config
}

// askReload reloads the selected namespace (or the backend); with unsaved
// changes there it asks whether to discard them or keep them on top.
func (m *Model) askReload(all bool) tea.Cmd {
	b := m.current
	if b.Busy() != "" {
		m.fail(fmt.Errorf("%s is busy %s: wait for it to finish", b.Name(), b.Busy()))
		return nil
	}
	nsName := ""
	dirty := b.Unsaved()
	if !all {
		ns, ok := m.namespace()
		if !ok {
			m.fail(fmt.Errorf("select a namespace to reload, or R reloads the backend"))
			return nil
		}
		nsName, dirty = ns.Name, ns.Unsaved
	}
	if dirty == 0 {
		return m.reload(b, nsName, false)
	}
	what := "backend " + b.Name()
	if nsName != "" {
		what = nsName
	}
	m.dialog = &choice{
		title: "Reload " + what + "?",
		lines: []string{what + " has " + plural(dirty, "unsaved change", "unsaved changes") + "."},
		options: []option{
			{m.keys.Discard, "discard them", func(m *Model) tea.Cmd { return m.reload(b, nsName, true) }},
			{m.keys.Keep, "keep them on top", func(m *Model) tea.Cmd { return m.reload(b, nsName, false) }},
		},
		cancel: "reload cancelled",
	}
	return nil
}

// openConflict shows the selected config's conflict.
func (m *Model) openConflict() {
	sel, b := m.selection(), m.current
	if c, ok := m.config(); !ok || c.Status != model.StatusConflict {
		m.fail(fmt.Errorf("no conflict on the selected config"))
		return
	}
	cv, err := b.ConflictView(sel.ns, sel.cfg)
	if err != nil {
		m.fail(err)
		return
	}
	m.dialog = &conflictDialog{backend: b, cv: cv}
}
