package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/model"
)

// conflictDialog shows a config that another client changed while it had
// local edits: theirs and ours side by side, then the line diff. The user
// overwrites theirs with ours, takes theirs, or goes back to editing.
type conflictDialog struct {
	backend *model.Backend
	cv      model.ConflictView
	offset  int
}

func (d *conflictDialog) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	b, cv := d.backend, d.cv
	switch {
	case key.Matches(msg, m.keys.Overwrite):
		m.dialog = nil
		if err := b.KeepMine(cv.Namespace, cv.Config); err != nil {
			m.fail(err)
			return nil
		}
		job, err := b.PlanPersist(model.Scope{Namespace: cv.Namespace, Config: cv.Config})
		if err != nil {
			m.fail(err)
			return nil
		}
		// Choosing overwrite after seeing both versions is the confirmation.
		return m.persist(job)
	case key.Matches(msg, m.keys.Theirs):
		m.dialog = nil
		if err := b.TakeTheirs(cv.Namespace, cv.Config); err != nil {
			m.fail(err)
			return nil
		}
		m.setStatus(statusOK, "✓ took their version of "+cv.Namespace+"/"+cv.Config+" (u undoes)")
	case key.Matches(msg, m.keys.Cancel):
		m.dialog = nil
		m.setStatus(statusInfo, "kept editing "+cv.Config+": still in conflict, c compares again")
	case key.Matches(msg, m.keys.Down):
		d.offset = min(d.offset+1, max(len(cv.Diff)-1, 0))
	case key.Matches(msg, m.keys.Up):
		d.offset = max(d.offset-1, 0)
	}
	return nil
}

func (d *conflictDialog) view(m *Model) string {
	cv := d.cv
	w, h := m.width, m.height-2
	inner := w - 2
	rows := h - 2
	// Footer and two section headings.
	avail := max(rows-3, 2)
	sideRows := min(max(len(cv.Ours), len(cv.Theirs)), avail/2)
	diffRows := avail - sideRows
	half := (inner - 3) / 2

	th := m.theme
	lines := []string{" " + fit(th.DiffTheirs.Render("theirs (stored now)"), half) + " │ " + th.DiffOurs.Render("ours (local, not persisted)")}
	for i := range sideRows {
		lines = append(lines, " "+fit(at(cv.Theirs, i), half)+" │ "+at(cv.Ours, i))
	}
	lines = append(lines, " "+th.FocusTitle.Render("diff theirs → ours"))
	start := min(d.offset, max(len(cv.Diff)-diffRows, 0))
	for _, dl := range cv.Diff[start:min(start+diffRows, len(cv.Diff))] {
		switch dl.Op {
		case model.OnlyTheirs:
			lines = append(lines, " "+th.DiffTheirs.Render("- "+dl.Text))
		case model.OnlyOurs:
			lines = append(lines, " "+th.DiffOurs.Render("+ "+dl.Text))
		default:
			lines = append(lines, "   "+dl.Text)
		}
	}
	for len(lines) < rows-1 {
		lines = append(lines, "")
	}
	lines = append(lines, m.keyLine([]key.Binding{
		key.NewBinding(key.WithKeys(m.keys.Overwrite.Keys()...), key.WithHelp(m.keys.Overwrite.Help().Key, "overwrite theirs with mine")),
		key.NewBinding(key.WithKeys(m.keys.Theirs.Keys()...), key.WithHelp(m.keys.Theirs.Help().Key, "take theirs")),
		key.NewBinding(key.WithKeys(m.keys.Cancel.Keys()...), key.WithHelp(m.keys.Cancel.Help().Key, "keep editing")),
		m.keys.Down,
	}, inner))
	return box("Conflict: "+cv.Namespace+"/"+cv.Config+" was changed by another client", lines, w, h, th.Conflict, th.Conflict)
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return ""
}
