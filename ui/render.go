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
	if w < 2 || h < 2 {
		return ""
	}
	inner := w - 2
	var b strings.Builder
	t := ""
	if title != "" && inner > 3 {
		t = " " + cut(title, inner-3) + " "
	}
	fill := max(inner-1-ansi.StringWidth(t), 0)
	b.WriteString(border.Render("╭─"))
	b.WriteString(titleStyle.Render(t))
	b.WriteString(border.Render(strings.Repeat("─", fill) + "╮"))
	side := border.Render("│")
	for i := range h - 2 {
		b.WriteByte('\n')
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		b.WriteString(side + fit(line, inner) + side)
	}
	b.WriteByte('\n')
	b.WriteString(border.Render("╰" + strings.Repeat("─", inner) + "╯"))
	return b.String()
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
