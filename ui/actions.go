package ui

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/confo-dev/confo/internal/termsafe"
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
	// deleted: the field row is a field deleted here.
	deleted bool
}

func (m *Model) selection() selection {
	s := selection{}
	if ns, ok := m.namespace(); ok {
		s.ns = ns.Name
	}
	if c, ok := m.config(); ok {
		s.cfg = c.Name
	}
	if !m.fields.Whole {
		s.field = m.lists[paneFields].selected()
		s.deleted = s.field != "" && m.fields.Deleted(s.field)
	}
	return s
}

// q shows a stored name in a message.
func q(name string) string { return termsafe.Name(name) }

// notHere says a key means nothing in the focused pane.
func (m *Model) notHere(what string) {
	m.fail(fmt.Errorf("%s: not in the %s pane (the key bar lists what works here)", what, strings.ToLower(paneTitles[m.focus])))
}

// edit opens the one-line prompt for the selected field, or for the whole
// config in the configs pane.
func (m *Model) edit() tea.Cmd {
	if m.focus < paneConfigs {
		m.notHere("edit")
		return nil
	}
	if !m.writable() {
		return nil
	}
	sel, b := m.selection(), m.current
	if sel.cfg == "" {
		m.fail(errors.New("nothing to edit: select a config"))
		return nil
	}
	if m.fields.Unusable {
		m.fail(fmt.Errorf("cannot edit %s here: %s (E opens it in $EDITOR)", q(sel.cfg), m.fields.Note))
		return nil
	}
	if m.focus == paneConfigs || m.fields.Whole {
		kind, text, err := b.EditText(sel.ns, sel.cfg, "")
		if err != nil {
			m.fail(err)
			return nil
		}
		return m.openPrompt(fmt.Sprintf("Edit %s (%s)", q(sel.cfg), kind), model.TypeRuleHelp, text, func(m *Model, text string) (tea.Cmd, error) {
			if err := b.SetValue(sel.ns, sel.cfg, text); err != nil {
				return nil, err
			}
			m.setStatus(statusInfo, "edited "+q(sel.cfg)+": not persisted yet (s persists it)")
			return nil, nil
		})
	}
	switch {
	case sel.field == "":
		m.fail(fmt.Errorf("%s has no fields: a adds one", q(sel.cfg)))
		return nil
	case sel.deleted:
		m.fail(fmt.Errorf("field %s is deleted here: u undoes the delete", q(sel.field)))
		return nil
	}
	kind, text, err := b.EditText(sel.ns, sel.cfg, sel.field)
	if err != nil {
		m.fail(err)
		return nil
	}
	return m.openPrompt(fmt.Sprintf("Edit %s.%s (%s)", q(sel.cfg), q(sel.field), kind), model.TypeRuleHelp, text, func(m *Model, text string) (tea.Cmd, error) {
		if err := b.SetField(sel.ns, sel.cfg, sel.field, text); err != nil {
			return nil, err
		}
		m.setStatus(statusInfo, "edited "+q(sel.cfg)+"."+q(sel.field)+": not persisted yet (s persists it)")
		return nil, nil
	})
}

// add creates a namespace, config or field depending on the focused pane.
func (m *Model) add() tea.Cmd {
	if m.focus == paneBackends {
		m.fail(errors.New("backends come from the command line or the config file: --redis NAME=URL, --dir NAME=PATH"))
		return nil
	}
	if !m.writable() {
		return nil
	}
	sel, b := m.selection(), m.current
	switch m.focus {
	case paneNamespaces:
		return m.openPrompt("New namespace in "+q(b.Name()), "a name; persist (S) registers it", "", func(m *Model, name string) (tea.Cmd, error) {
			if err := b.AddNamespace(name); err != nil {
				return nil, err
			}
			m.lists[paneNamespaces].selectName(name)
			m.setStatus(statusInfo, "added namespace "+q(name)+": S persists it")
			return nil, nil
		})
	case paneConfigs:
		if sel.ns == "" {
			m.fail(errors.New("add a namespace first"))
			return nil
		}
		return m.openPrompt("New config in "+q(sel.ns), "a name; it starts as an empty object", "", func(m *Model, name string) (tea.Cmd, error) {
			if err := b.AddConfig(sel.ns, name); err != nil {
				return nil, err
			}
			m.lists[paneConfigs].setFilter("")
			m.lists[paneConfigs].selectName(name)
			m.setStatus(statusInfo, "added config "+q(name)+": s persists it")
			return nil, nil
		})
	}
	if sel.cfg == "" {
		m.fail(errors.New("select a config to add a field to"))
		return nil
	}
	return m.openPrompt("New field in "+q(sel.cfg), "the field's name", "", func(m *Model, field string) (tea.Cmd, error) {
		// Refused before the value is typed, not after.
		if err := b.CheckNewField(sel.ns, sel.cfg, field); err != nil {
			return nil, err
		}
		return m.openPrompt("Value of "+q(sel.cfg)+"."+q(field), "JSON if it parses (3306, true, [1]), a string otherwise; = forces JSON", "", func(m *Model, text string) (tea.Cmd, error) {
			if err := b.AddField(sel.ns, sel.cfg, field, text); err != nil {
				return nil, err
			}
			m.lists[paneFields].selectName(field)
			m.setStatus(statusInfo, "added "+q(sel.cfg)+"."+q(field)+": s persists it")
			return nil, nil
		}), nil
	})
}

// remove asks before deleting the selected namespace, config or field.
func (m *Model) remove() {
	if m.focus == paneBackends {
		m.fail(errors.New("backends come from the command line or the config file and cannot be deleted here"))
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
		what = "namespace " + q(sel.ns) + " and its " + plural(ns.Configs, "config", "configs")
		run = func() error { return b.DeleteNamespace(sel.ns) }
	case m.focus == paneConfigs && sel.cfg != "":
		what = "config " + q(sel.cfg)
		run = func() error { return b.DeleteConfig(sel.ns, sel.cfg) }
	case m.focus == paneFields && sel.deleted:
		m.fail(fmt.Errorf("field %s is deleted already: u undoes the delete", q(sel.field)))
		return
	case m.focus == paneFields && sel.field != "":
		what = "field " + q(sel.cfg) + "." + q(sel.field)
		run = func() error { return b.DeleteField(sel.ns, sel.cfg, sel.field) }
	default:
		m.fail(errors.New("nothing selected to delete"))
		return
	}
	m.dialog = &choice{
		title: "Delete " + what + "?",
		lines: []string{"It is removed from " + q(b.Name()) + " at the next persist; u undoes it until then."},
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

// rename asks for the new name of the selected namespace, config or field.
func (m *Model) rename() tea.Cmd {
	if m.focus == paneBackends {
		m.fail(errors.New("backends are named on the command line or in the config file"))
		return nil
	}
	if !m.writable() {
		return nil
	}
	sel, b := m.selection(), m.current
	switch {
	case m.focus == paneNamespaces && sel.ns != "":
		return m.renamePrompt("Rename namespace "+q(sel.ns), "persisting writes its configs under it and deletes the old namespace", sel.ns, func(m *Model, to string) (tea.Cmd, error) {
			if err := b.RenameNamespace(sel.ns, to); err != nil {
				if bad, ok := errors.AsType[*model.UnusableConfigError](err); ok {
					bad.Fix = m.keys.EditExternal.Help().Key + " on it opens it in $EDITOR"
				}
				return nil, err
			}
			m.lists[paneNamespaces].selectName(to)
			m.setStatus(statusInfo, "renamed namespace "+q(sel.ns)+" to "+q(to)+": ctrl+s persists both")
			return nil, nil
		})
	case m.focus == paneConfigs && sel.cfg != "":
		return m.renamePrompt("Rename "+q(sel.cfg), "persisting writes the new config and deletes the old one", sel.cfg, func(m *Model, to string) (tea.Cmd, error) {
			if err := b.RenameConfig(sel.ns, sel.cfg, to); err != nil {
				return nil, err
			}
			m.lists[paneConfigs].setFilter("")
			m.lists[paneConfigs].selectName(to)
			m.setStatus(statusInfo, "renamed "+q(sel.cfg)+" to "+q(to)+": S persists both")
			return nil, nil
		})
	case m.focus == paneFields && sel.field != "" && !sel.deleted:
		return m.renamePrompt("Rename field "+q(sel.cfg)+"."+q(sel.field), "the value and its place stay", sel.field, func(m *Model, to string) (tea.Cmd, error) {
			if err := b.RenameField(sel.ns, sel.cfg, sel.field, to); err != nil {
				return nil, err
			}
			m.lists[paneFields].selectName(to)
			m.setStatus(statusInfo, "renamed field "+q(sel.field)+" to "+q(to)+": s persists it")
			return nil, nil
		})
	}
	m.fail(errors.New("nothing selected to rename"))
	return nil
}

// renamePrompt asks for the new name of name, prefilled with it. A name
// the screen shows escaped starts the prompt empty: the escaped form is
// not the name, and accepting it would store its backslashes.
func (m *Model) renamePrompt(title, hint, name string, submit func(*Model, string) (tea.Cmd, error)) tea.Cmd {
	if !termsafe.Needs(name) {
		return m.openPrompt(title, "the new name; "+hint, name, submit)
	}
	why := "holds control characters"
	if !termsafe.HasControl(name) {
		why = "starts or ends with a character shown escaped"
	}
	return m.openPrompt(title, "the name "+why+", so the prompt starts empty: type the new name; "+hint, "", submit)
}

// undo takes back the last edit; a live refresh then reads again what it
// restored, which may predate another client's change.
func (m *Model) undo() tea.Cmd {
	label, err := m.current.Undo()
	if err != nil {
		m.fail(err)
		return nil
	}
	m.setStatus(statusInfo, "undid "+label)
	return m.refresh(m.current)
}

// viewValue shows the selected field (or config) in full, or a config's
// stored bytes when they are not JSON.
func (m *Model) viewValue() {
	if m.focus < paneConfigs {
		m.notHere("view")
		return
	}
	sel, b := m.selection(), m.current
	if sel.cfg == "" {
		m.fail(errors.New("nothing to view: select a config"))
		return
	}
	field := ""
	if m.focus == paneFields && sel.field != "" && !sel.deleted {
		field = sel.field
	}
	if sel.deleted {
		m.fail(fmt.Errorf("field %s is deleted here: its stored value shows in the persist dialog (s, then v)", q(sel.field)))
		return
	}
	title := q(b.Name()) + ": " + q(sel.ns) + "/" + q(sel.cfg)
	if field != "" {
		title += "." + q(field)
	}
	if c, _ := m.config(); c.Status == model.StatusDeleted {
		m.fail(fmt.Errorf("config %s is deleted here: u undoes the delete", q(sel.cfg)))
		return
	}
	kind, lines, err := b.Pretty(sel.ns, sel.cfg, field)
	var v *viewer
	if err != nil {
		raw, ok := b.Raw(sel.ns, sel.cfg)
		if !ok || field != "" {
			m.fail(err)
			return
		}
		v = newViewer(title+" (stored bytes)", raw, err.Error()+" — shown with escapes; E fixes it in $EDITOR")
	} else {
		v = newViewer(title+" ("+kind+")", strings.Join(lines, "\n"), "")
		if text, err := b.ConfigJSON(sel.ns, sel.cfg, field); err == nil {
			v.copyText, v.copyWhat = text, "the value of "+q(sel.cfg)+dotField(field)
		}
	}
	if m.editable() {
		v.edit = func(m *Model) tea.Cmd { return m.openEditor(b, sel.ns, sel.cfg, field) }
	}
	m.dialog = v
}

func dotField(field string) string {
	if field == "" {
		return ""
	}
	return "." + q(field)
}

// focusScope is what s persists: the selected item of the focused pane.
func (m *Model) focusScope() *model.Scope {
	switch m.focus {
	case paneBackends:
		return &model.Scope{}
	case paneNamespaces:
		return m.namespaceScope()
	}
	sel := m.selection()
	if sel.cfg == "" {
		m.fail(errors.New("select a config to persist"))
		return nil
	}
	return &model.Scope{Namespace: sel.ns, Config: sel.cfg}
}

func (m *Model) namespaceScope() *model.Scope {
	sel := m.selection()
	if sel.ns == "" {
		m.fail(errors.New("select a namespace to persist"))
		return nil
	}
	return &model.Scope{Namespace: sel.ns}
}

// askPersist shows what a persist of scope writes, old → new for each
// field, and asks; No is the default answer.
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
	m.confirmPersist(job, "Persist "+scopeText(b, *scope)+"?", nil, "persist", nil)
}

// confirmPersist asks whether to run a planned persist: intro, then what it
// writes; v on a field line shows its old and new value in full. onNo,
// when set, runs on the default answer instead of the usual message.
func (m *Model) confirmPersist(job *model.PersistJob, title string, intro []string, yes string, onNo func(*Model)) {
	b := job.Backend()
	var head []string
	for _, l := range intro {
		head = append(head, strings.Split(ansi.Wordwrap(l, choiceWidth(m)-3, ""), "\n")...)
	}
	if len(head) > 0 {
		head = append(head, "")
	}
	head = append(head, "These changes will be written to "+q(b.Name())+" ("+b.Kind()+" "+termsafe.Line(b.Address())+"):", "")
	summary := job.Summary().Lines()
	c := &choice{
		title:    title,
		lines:    append(head, m.summaryLines(job.Summary())...),
		options:  []option{{m.keys.Yes, yes, func(m *Model) tea.Cmd { return m.persist(job) }}},
		cancel:   "persist cancelled: nothing written",
		onCancel: onNo,
	}
	c.cursor = len(head)
	for i, l := range summary {
		if l.Change != nil {
			c.cursor = len(head) + i
			break
		}
	}
	c.detail = func(m *Model, i int) bool {
		if i < len(head) || summary[i-len(head)].Change == nil {
			return false
		}
		line := summary[i-len(head)]
		old, new := line.Change.Pretty()
		text := "old (stored):\n" + orNone(old) + "\n\nnew (local, not persisted):\n" + orNone(new)
		back := m.dialog
		v := newViewer("Persist: "+q(line.Config)+"."+q(line.Change.Name), text, "")
		m.dialog = &returning{viewer: v, back: back}
		return true
	}
	m.dialog = c
}

func orNone(lines []string) string {
	if lines == nil {
		return "  (none)"
	}
	return strings.Join(lines, "\n")
}

// returning is a viewer opened from a dialog, which comes back on close.
type returning struct {
	*viewer
	back dialog
}

func (r *returning) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	cmd := r.viewer.update(m, msg)
	if m.dialog == nil {
		m.dialog = r.back
	}
	return cmd
}

// summaryLines draws a persist summary: namespace headings, each config
// indented behind its mark, and under it each field old → new.
func (m *Model) summaryLines(s model.Summary) []string {
	var out []string
	th := m.theme
	for _, l := range s.Lines() {
		switch {
		case l.Mark == model.MarkNone:
			out = append(out, termsafe.Line(l.Text))
		case l.Remark:
			out = append(out, "      "+itemMarks[l.Mark].render(th)+" "+th.Dim.Render(termsafe.Line(l.Text)))
		case l.Change != nil:
			ch := l.Change
			line := "      " + itemMarks[l.Mark].render(th) + " " + q(ch.Name) + ": "
			switch ch.Kind {
			case model.Added:
				line += th.DiffOurs.Render(termsafe.Line(cutRunes(ch.New(), 60)))
			case model.Deleted:
				line += th.DiffTheirs.Render(termsafe.Line(cutRunes(ch.Old(), 60))) + th.Dim.Render(" (deleted)")
			default:
				line += th.DiffTheirs.Render(termsafe.Line(cutRunes(ch.Old(), 40))) + " → " + th.DiffOurs.Render(termsafe.Line(cutRunes(ch.New(), 40)))
			}
			out = append(out, line)
		default:
			out = append(out, "  "+itemMarks[l.Mark].render(th)+" "+termsafe.Line(l.Text))
		}
	}
	return out
}

// cutRunes shortens s to n characters with an ellipsis.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

func scopeText(b *model.Backend, s model.Scope) string {
	switch {
	case s.Namespace == "":
		return "backend " + q(b.Name())
	case s.Config == "":
		return "namespace " + q(s.Namespace)
	}
	return "config " + q(s.Namespace) + "/" + q(s.Config)
}

// askReload reloads the selected namespace (or the backend); with unsaved
// changes there it asks whether to discard them or keep them on top. On a
// backend that could not be opened or loaded it retries.
func (m *Model) askReload(all bool) tea.Cmd {
	b := m.current
	if b.Retry() || !b.Open() {
		m.setStatus(statusInfo, "retrying "+q(b.Name())+"…")
		return tea.Batch(m.open(b), m.nextLoad(b))
	}
	if b.Busy() != "" {
		m.fail(fmt.Errorf("%s is busy %s: wait for it to finish", q(b.Name()), b.Busy()))
		return nil
	}
	nsName := ""
	dirty := b.Unsaved()
	if !all {
		ns, ok := m.namespace()
		if !ok {
			m.fail(errors.New("select a namespace to reload, or R reloads the backend"))
			return nil
		}
		nsName, dirty = ns.Name, ns.Unsaved
	}
	if dirty == 0 {
		return m.reload(b, nsName, false)
	}
	what := "backend " + q(b.Name())
	if nsName != "" {
		what = q(nsName)
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
		m.fail(errors.New("no conflict on the selected config"))
		return
	}
	if !m.writable() {
		return
	}
	cv, err := b.ConflictView(sel.ns, sel.cfg)
	if err != nil {
		m.fail(err)
		return
	}
	m.dialog = newConflictDialog(b, cv)
}
