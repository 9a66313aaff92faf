package ui

import (
	"charm.land/lipgloss/v2"

	"github.com/confo-dev/confo/model"
)

// markSpec is how one mark is drawn and what it means. These tables are the
// only place glyphs are chosen: the panes, the persist dialog, the help
// legend and (checked by a test) the README legend all read them.
type markSpec struct {
	glyph   string
	style   func(Theme) lipgloss.Style
	meaning string
}

var itemMarks = [model.MarkCount]markSpec{
	model.MarkNone:         {" ", plain, ""},
	model.MarkModified:     {"●", func(t Theme) lipgloss.Style { return t.Modified }, "modified"},
	model.MarkAdded:        {"+", func(t Theme) lipgloss.Style { return t.Added }, "new"},
	model.MarkDeleted:      {"✗", func(t Theme) lipgloss.Style { return t.Deleted }, "deleted"},
	model.MarkConflict:     {"!", func(t Theme) lipgloss.Style { return t.Conflict }, "conflict"},
	model.MarkBad:          {"?", func(t Theme) lipgloss.Style { return t.Bad }, "not JSON"},
	model.MarkRemote:       {"~", func(t Theme) lipgloss.Style { return t.Modified }, "changed by another client"},
	model.MarkRemoteEdited: {"≈", func(t Theme) lipgloss.Style { return t.Conflict }, "edited here, changed by another client"},
	model.MarkLocked:       {"#", func(t Theme) lipgloss.Style { return t.Bad }, "key shared with another config: read-only"},
}

// connMarks are the backends pane's connection signs: their own glyphs, so
// that a connected backend never looks like a modified item.
var connMarks = [model.ConnCount]markSpec{
	model.Connected:  {"◆", func(t Theme) lipgloss.Style { return t.OK }, "connected"},
	model.Failed:     {"⊘", func(t Theme) lipgloss.Style { return t.Err }, "unreachable"},
	model.Connecting: {"◇", func(t Theme) lipgloss.Style { return t.Dim }, "connecting"},
}

// escapedMark follows a name that holds control characters: what is shown
// is its escaped form, not the stored bytes.
var escapedMark = markSpec{"␛", func(t Theme) lipgloss.Style { return t.Bad }, "name shown escaped"}

// readOnlyBadge marks a backend that cannot be written.
var readOnlyBadge = markSpec{"RO", func(t Theme) lipgloss.Style { return t.ReadOnly }, "read-only"}

func plain(Theme) lipgloss.Style { return lipgloss.NewStyle() }

// render draws the glyph in its colour.
func (s markSpec) render(t Theme) string { return s.style(t).Render(s.glyph) }

// mark draws a mark in the current theme; every frame draws dozens, so
// each is rendered once per theme.
func (m *Model) mark(s markSpec) string {
	if m.glyphs == nil {
		m.glyphs = map[string]string{}
	}
	g, ok := m.glyphs[s.glyph]
	if !ok {
		g = s.render(m.theme)
		m.glyphs[s.glyph] = g
	}
	return g
}

// legend is every mark with its meaning, in the order the help shows them.
func legend() []markSpec {
	out := make([]markSpec, 0, len(itemMarks)+len(connMarks)+1)
	for _, s := range itemMarks[1:] {
		out = append(out, s)
	}
	out = append(out, connMarks[:]...)
	return append(out, readOnlyBadge, escapedMark)
}
