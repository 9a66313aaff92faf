package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/model"
)

// conflictDialog shows a config that another client changed in a way that
// does not merge with the edits made here. When the conflict is about
// fields, each field both sides changed is a row with its base (as loaded),
// our and their value, and the user picks a side per field; otherwise the
// three versions stand side by side and one side takes all. Nothing is
// changed until the user writes the result, which asks first (default no)
// and persists expecting their version, so a change made meanwhile is
// caught again.
type conflictDialog struct {
	backend *model.Backend
	cv      model.ConflictView
	// chosen is the side picked for each field so far.
	chosen map[string]model.Side
	// cursor is the field row (field conflicts); offset scrolls the rows
	// or the versions.
	cursor, offset int
}

func newConflictDialog(b *model.Backend, cv model.ConflictView) *conflictDialog {
	d := &conflictDialog{backend: b, cv: cv, chosen: map[string]model.Side{}}
	for _, f := range cv.Fields {
		if f.Chosen != model.SideNone {
			d.chosen[f.Field] = f.Chosen
		}
	}
	return d
}

// fieldLevel: the user picks per field.
func (d *conflictDialog) fieldLevel() bool { return d.cv.FieldLevel && len(d.cv.Fields) > 0 }

func (d *conflictDialog) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if k.scrolled(msg, d.rows(m), func(delta int) { d.move(m, delta) }) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Cancel):
		m.dialog = nil
		m.setStatus(statusInfo, q(d.cv.Config)+" is still in conflict, nothing changed: "+k.Conflict.Help().Key+" shows it again")
	case key.Matches(msg, k.AllOurs), key.Matches(msg, k.Ours) && !d.fieldLevel():
		return d.write(m, model.Resolution{All: model.SideOurs})
	case key.Matches(msg, k.AllTheirs), key.Matches(msg, k.Theirs) && !d.fieldLevel():
		return d.write(m, model.Resolution{All: model.SideTheirs})
	case key.Matches(msg, k.Ours):
		return d.pick(m, model.SideOurs)
	case key.Matches(msg, k.Theirs):
		return d.pick(m, model.SideTheirs)
	case key.Matches(msg, k.Write):
		if left := d.undecided(); len(left) > 0 {
			m.fail(errors.New("decide " + strings.Join(left, ", ") + " first (" + k.Ours.Help().Key + " ours, " + k.Theirs.Help().Key + " theirs), or " + k.AllOurs.Help().Key + "/" + k.AllTheirs.Help().Key + " for every field"))
			return nil
		}
		return d.write(m, model.Resolution{Fields: d.chosen})
	case key.Matches(msg, k.View):
		d.showFull(m)
	}
	return nil
}

// pick decides the field under the cursor; once every field is decided,
// the write is asked for.
func (d *conflictDialog) pick(m *Model, side model.Side) tea.Cmd {
	f := d.cv.Fields[d.cursor]
	d.chosen[f.Field] = side
	left := d.undecided()
	if len(left) == 0 {
		return d.write(m, model.Resolution{Fields: d.chosen})
	}
	for i, g := range d.cv.Fields {
		if g.Field == left[0] {
			d.cursor = i
		}
	}
	d.scrollToCursor(m)
	return nil
}

// undecided lists the fields with no side yet, in order.
func (d *conflictDialog) undecided() []string {
	var out []string
	for _, f := range d.cv.Fields {
		if d.chosen[f.Field] == model.SideNone {
			out = append(out, q(f.Field))
		}
	}
	return out
}

// write applies the decision and asks before persisting it; "no" takes the
// decision back and returns here.
func (d *conflictDialog) write(m *Model, r model.Resolution) tea.Cmd {
	b, cv := d.backend, d.cv
	job, err := b.Resolve(cv.Namespace, cv.Config, r)
	if err != nil {
		m.fail(err)
		return nil
	}
	if job == nil {
		m.dialog = nil
		m.setStatus(statusOK, "✓ took their version of "+q(cv.Namespace)+"/"+q(cv.Config)+": nothing to write ("+m.keys.Undo.Help().Key+" undoes)")
		return nil
	}
	intro := []string{"The resolution of " + q(cv.Namespace) + "/" + q(cv.Config) + " is written expecting their version: if another client changed it again meanwhile, it merges or comes back as a conflict."}
	if cv.TheirsDeleted && r.All != model.SideTheirs {
		intro = append(intro, "Another client deleted it: writing stores it again and lists it in "+q(cv.Namespace)+" again.")
	}
	m.confirmPersist(job, "Write the resolution of "+q(cv.Config)+"?", intro, "write", func(m *Model) {
		b.CancelResolve(cv.Config)
		m.dialog = d
		m.setStatus(statusInfo, "not written: "+q(cv.Config)+" is still in conflict")
	})
	return nil
}

// showFull shows the field under the cursor (or the whole config) in full
// on each side.
func (d *conflictDialog) showFull(m *Model) {
	cv := d.cv
	title := "Conflict: " + q(cv.Namespace) + "/" + q(cv.Config)
	base, ours, theirs := cv.Base, cv.Ours, cv.Theirs
	if d.fieldLevel() {
		f := cv.Fields[d.cursor]
		title += "." + q(f.Field)
		base, ours, theirs = f.Base.Lines(), f.Ours.Lines(), f.Theirs.Lines()
	}
	text := "base (as loaded here):\n" + strings.Join(base, "\n") +
		"\n\nours (edited here, not persisted):\n" + strings.Join(ours, "\n") +
		"\n\ntheirs (stored now by another client):\n" + strings.Join(theirs, "\n")
	m.dialog = &returning{viewer: newViewer(title, text, cv.Reason), back: d}
}

// rows is how many rows of fields or versions fit.
func (d *conflictDialog) rows(m *Model) int { return max(m.height-2-2-d.headRows()-2, 1) }

// headRows are the lines above the rows: the reason, a blank, the
// column headings.
func (d *conflictDialog) headRows() int { return 3 }

func (d *conflictDialog) move(m *Model, delta int) {
	if d.fieldLevel() {
		d.cursor = min(max(d.cursor+delta, 0), len(d.cv.Fields)-1)
		d.scrollToCursor(m)
		return
	}
	longest := max(len(d.cv.Base), len(d.cv.Ours), len(d.cv.Theirs))
	d.offset = min(max(d.offset+delta, 0), max(longest-d.rows(m), 0))
}

func (d *conflictDialog) scrollToCursor(m *Model) {
	h := d.rows(m)
	if d.cursor < d.offset {
		d.offset = d.cursor
	}
	if d.cursor >= d.offset+h {
		d.offset = d.cursor - h + 1
	}
}
