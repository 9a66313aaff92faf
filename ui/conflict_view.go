package ui

import (
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/confo-dev/confo/internal/termsafe"
	"github.com/confo-dev/confo/model"
)

// The columns' headings of the conflict view.
const (
	headBase   = "base (loaded)"
	headOurs   = "ours (here)"
	headTheirs = "theirs (stored)"
)

func (d *conflictDialog) view(m *Model) string {
	cv := d.cv
	th := m.theme
	w, h := m.width, m.height-2
	inner := w - 2
	lines := []string{" " + th.Conflict.Render(itemMark(model.MarkConflict)+" "+termsafe.Line(cv.Reason)), ""}
	if d.fieldLevel() {
		lines = append(lines, d.fieldRows(m, inner)...)
	} else {
		lines = append(lines, d.versionRows(m, inner)...)
	}
	footer := []string{m.keyLine(d.keys(m), inner)}
	if len(cv.Merging) > 0 {
		footer = append([]string{" " + th.Dim.Render("They also changed "+termsafe.Line(joinQuoted(cv.Merging))+": that merges with your edits whatever you choose.")}, footer...)
	}
	for len(lines) < h-2-len(footer) {
		lines = append(lines, "")
	}
	lines = append(lines[:h-2-len(footer)], footer...)
	return box("Conflict: "+q(cv.Namespace)+"/"+q(cv.Config), lines, w, h, th.Conflict, th.Conflict)
}

// fieldRows draws the heading and one row per conflicting field: its name,
// base, our and their value, and the side picked.
func (d *conflictDialog) fieldRows(m *Model, inner int) []string {
	th := m.theme
	nameW := len("field")
	for _, f := range d.cv.Fields {
		nameW = max(nameW, ansi.StringWidth(q(f.Field)))
	}
	const choiceW = 8
	nameW = min(nameW, max(inner/6, 6))
	valW := max((inner-3-nameW-1-choiceW-6)/3, 4)
	cell := func(s string) string { return fit(termsafe.Line(s), valW) }
	head := "  " + fit("field", nameW) + " " + cell(headBase) + " │ " + cell(headOurs) + " │ " + cell(headTheirs) + " " + "choice"
	lines := []string{th.Dim.Render(fit(head, inner))}
	end := min(d.offset+d.rows(m), len(d.cv.Fields))
	for i := d.offset; i < end; i++ {
		f := d.cv.Fields[i]
		side := d.chosen[f.Field]
		ours, theirs := cell(f.Ours.Text()), cell(f.Theirs.Text())
		choice := "?"
		switch side {
		case model.SideOurs:
			ours, choice = th.DiffOurs.Render(ours), "→ ours"
		case model.SideTheirs:
			theirs, choice = th.DiffTheirs.Render(theirs), "→ theirs"
		}
		row := fit(q(f.Field), nameW) + " " + cell(f.Base.Text()) + " │ " + ours + " │ " + theirs + " " + choice
		if i == d.cursor {
			lines = append(lines, th.Selected.Render(fit("▸ "+ansi.Strip(row), inner)))
			continue
		}
		lines = append(lines, "  "+row)
	}
	return lines
}

// versionRows draws base, ours and theirs whole, side by side.
func (d *conflictDialog) versionRows(m *Model, inner int) []string {
	th := m.theme
	colW := max((inner-1-6)/3, 4)
	cell := func(s string) string { return fit(termsafe.Line(s), colW) }
	lines := []string{" " + th.Dim.Render(cell(headBase)+" │ "+cell(headOurs)+" │ "+cell(headTheirs))}
	cv := d.cv
	longest := max(len(cv.Base), len(cv.Ours), len(cv.Theirs))
	for i := d.offset; i < min(d.offset+d.rows(m), longest); i++ {
		lines = append(lines, " "+cell(at(cv.Base, i))+" │ "+th.DiffOurs.Render(cell(at(cv.Ours, i)))+" │ "+th.DiffTheirs.Render(cell(at(cv.Theirs, i))))
	}
	return lines
}

// keys is the conflict view's key line: what each answer does here.
func (d *conflictDialog) keys(m *Model) []key.Binding {
	k := m.keys
	if d.fieldLevel() {
		return []key.Binding{
			hint(k.Ours, "ours"), hint(k.Theirs, "theirs"),
			hint(k.AllOurs, "all ours"), hint(k.AllTheirs, "all theirs"),
			hint(k.Write, "write (asks)"), hint(k.View, "view field"), hint(k.Cancel, "close"), hint(k.Down, "next field"),
		}
	}
	cv := d.cv
	keep, take := "keep ours: write it over theirs", "take theirs: drop your edits"
	switch {
	case cv.OursDeleted && cv.TheirsDeleted:
		keep, take = "keep ours: delete it", "take theirs: drop it"
	case cv.OursDeleted:
		keep, take = "keep ours: delete it anyway", "take theirs: restore their version"
	case cv.TheirsDeleted:
		keep, take = "keep ours: store it again, listed again", "take theirs: drop it here too"
	}
	return []key.Binding{hint(k.AllOurs, keep), hint(k.AllTheirs, take), hint(k.Cancel, "close"), hint(k.View, "view all"), hint(k.Down, "scroll")}
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return ""
}

// joinQuoted lists names for a message.
func joinQuoted(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += q(n)
	}
	return out
}
