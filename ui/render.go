package ui

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// fit truncates s (which may hold ANSI styles) to w cells with an ellipsis
// and pads it with spaces to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	if pad := w - ansi.StringWidth(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// cut truncates s to w cells with an ellipsis, without padding.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		return ansi.Truncate(s, w, "…")
	}
	return s
}

// cutLeft is cut keeping the end: for an address or a path the port or the
// last folder tells more than the start.
func cutLeft(s string, w int) string {
	sw := ansi.StringWidth(s)
	if w <= 0 || sw <= w {
		return cut(s, w)
	}
	return ansi.TruncateLeft(s, sw-w+1, "…")
}

// spread puts left and right on one line of w cells, truncating left first.
func spread(left, right string, w int) string {
	rw := ansi.StringWidth(right)
	if rw >= w {
		return fit(right, w)
	}
	return fit(left, w-rw-1) + " " + right
}

// box draws a rounded frame of w×h cells with a title in the top edge and
// the given lines inside (truncated or padded to fit).
func box(title string, lines []string, w, h int, border, titleStyle lipgloss.Style) string {
	f := newFrame(title, lines, w, h, border, titleStyle)
	var sb strings.Builder
	for r := range f.h {
		if r > 0 {
			sb.WriteByte('\n')
		}
		f.writeRow(&sb, r)
	}
	return sb.String()
}

// frame is a box whose rows are written straight into a screen, so that
// boxes side by side cost no string per row.
type frame struct {
	top, bottom, side string
	inner, h          int
	lines             []string
}

func newFrame(title string, lines []string, w, h int, border, titleStyle lipgloss.Style) frame {
	if w < 2 || h < 2 {
		return frame{}
	}
	inner := w - 2
	t := ""
	if title != "" && inner > 3 {
		t = " " + cut(title, inner-3) + " "
	}
	fill := max(inner-1-ansi.StringWidth(t), 0)
	return frame{
		top:    border.Render("╭─") + titleStyle.Render(t) + border.Render(strings.Repeat("─", fill)+"╮"),
		bottom: border.Render("╰" + strings.Repeat("─", inner) + "╯"),
		side:   border.Render("│"),
		inner:  inner, h: h, lines: lines,
	}
}

// writeRow writes row r of the frame (0 is the top edge).
func (f frame) writeRow(sb *strings.Builder, r int) {
	switch {
	case r >= f.h:
	case r == 0:
		sb.WriteString(f.top)
	case r == f.h-1:
		sb.WriteString(f.bottom)
	default:
		line := ""
		if r-1 < len(f.lines) {
			line = f.lines[r-1]
		}
		sb.WriteString(f.side)
		writeFit(sb, line, f.inner)
		sb.WriteString(f.side)
	}
}

// spaces pads rows without allocating.
var spaces = strings.Repeat(" ", 512)

// writeFit writes fit(s, w).
func writeFit(sb *strings.Builder, s string, w int) {
	if w <= 0 {
		return
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	sb.WriteString(s)
	for pad := w - sw; pad > 0; pad -= len(spaces) {
		sb.WriteString(spaces[:min(pad, len(spaces))])
	}
}

// overlay draws top over base, centred in a w×h screen.
func overlay(base, top string, w, h int) string {
	tw, th := lipgloss.Size(top)
	x, y := max((w-tw)/2, 0), max((h-th)/2, 0)
	return lipgloss.NewCompositor(lipgloss.NewLayer(base), lipgloss.NewLayer(top).X(x).Y(y).Z(1)).Render()
}

// thousands writes n with comma separators: 100000 → "100,000".
func thousands(n int) string {
	s := []byte(strings.TrimPrefix(strconv.Itoa(n), "-"))
	var out []byte
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	if n < 0 {
		return "-" + string(out)
	}
	return string(out)
}
