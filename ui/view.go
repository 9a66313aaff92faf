package ui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/confo-dev/confo/internal/termsafe"
	"github.com/confo-dev/confo/model"
)

// View implements tea.Model. It only reads the state Update prepared.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "confo"
	return v
}

// Render is the screen as a string, for View and for snapshot tests.
func (m *Model) Render() string {
	if !m.fits() {
		return m.tooSmall()
	}
	var sb strings.Builder
	sb.Grow(m.height * m.width * 4)
	sb.WriteString(m.header())
	sb.WriteByte('\n')
	m.writeBody(&sb)
	sb.WriteByte('\n')
	sb.WriteString(m.hints())
	sb.WriteByte('\n')
	sb.WriteString(m.statusLine())
	screen := sb.String()
	if m.dialog == nil {
		return screen
	}
	return overlay(screen, m.dialog.view(m), m.width, m.height)
}

// tooSmall fits a notice into whatever space there is, even 1×1.
func (m *Model) tooSmall() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	msg := []string{"terminal too small", "need " + strconv.Itoa(minWidth) + "×" + strconv.Itoa(minHeight)}
	lines := make([]string, 0, m.height)
	for i := 0; i < m.height && i < len(msg); i++ {
		lines = append(lines, cut(msg[i], m.width))
	}
	return strings.Join(lines, "\n")
}

// paneWidths splits the width between the four panes; the fields pane,
// whose values are the widest content, gets what is left.
func (m *Model) paneWidths() [paneCount]int {
	clamp := func(pct, lo, hi int) int { return min(max(m.width*pct/100, lo), hi) }
	bw, nw, cw := clamp(16, 14, 30), clamp(18, 16, 30), clamp(22, 17, 40)
	return [paneCount]int{bw, nw, cw, m.width - bw - nw - cw}
}

// writeBody writes the four panes side by side.
func (m *Model) writeBody(sb *strings.Builder) {
	widths := m.paneWidths()
	h := m.height - 3
	rows := m.paneRows()
	var panes [paneCount]frame
	for p := range paneCount {
		inner := widths[p] - 2
		var lines []string
		switch p {
		case paneBackends:
			lines = m.renderBackends(inner, rows)
		case paneNamespaces:
			lines = m.renderNamespaces(inner, rows)
		case paneConfigs:
			lines = m.renderConfigs(inner, rows)
		case paneFields:
			lines = m.renderFields(inner, rows)
		}
		panes[p] = m.paneFrame(m.paneTitle(p), p == m.focus, widths[p], h)
		panes[p].lines = lines
	}
	for r := range h {
		if r > 0 {
			sb.WriteByte('\n')
		}
		for _, f := range panes {
			f.writeRow(sb, r)
		}
	}
}

// frameKey is what a pane's frame is drawn from.
type frameKey struct {
	title   string
	focused bool
	w, h    int
}

// paneFrame is the frame of a pane, drawn once per title, size and focus:
// its edges are the same from one frame to the next.
func (m *Model) paneFrame(title string, focused bool, w, h int) frame {
	k := frameKey{title, focused, w, h}
	if f, ok := m.frames[k]; ok {
		return f
	}
	if len(m.frames) >= 64 || m.frames == nil {
		m.frames = map[frameKey]frame{}
	}
	border, style := m.theme.Border, m.theme.Title
	if focused {
		border, style = m.theme.FocusBorder, m.theme.FocusTitle
	}
	f := newFrame(title, nil, w, h, border, style)
	m.frames[k] = f
	return f
}

// header names the app, the active backend and where the cursor is, and
// counts what is unsaved.
func (m *Model) header() string {
	b := m.current
	th := m.theme
	parts := []string{th.Header.Render("confo"), th.Badge.Render(" "+termsafe.Name(b.Name())+" ") + " " + th.Dim.Render(b.Kind()+" "+termsafe.Line(b.Address()))}
	if b.ReadOnly() {
		parts = append(parts, th.ReadOnly.Render(" READ-ONLY "))
	}
	if ns, ok := m.namespace(); ok {
		parts = append(parts, termsafe.Name(ns.Name))
	}
	if n := m.unsaved(); n > 0 {
		parts = append(parts, th.Modified.Render(strconv.Itoa(n)+" unsaved"))
	}
	if n := m.remote(); n > 0 {
		parts = append(parts, itemMarks[model.MarkRemoteEdited].render(th)+" "+th.Conflict.Render(strconv.Itoa(n)+" changed remotely"))
	}
	help := th.Key.Render(m.keys.Help.Help().Key) + " " + th.KeyDesc.Render(m.keys.Help.Help().Desc)
	return spread(strings.Join(parts, th.Dim.Render(" ─ ")), help, m.width)
}

// hints lists the keys of the focused pane, or of the filter input.
func (m *Model) hints() string {
	return m.keyLine(m.cutKeys(m.paneKeys(), m.width), m.width)
}

// cutKeys are the key bar's bindings for a line w cells wide. When not all
// fit, the line ends with "… ? help" instead, so the user knows there is
// more and which key lists it.
func (m *Model) cutKeys(bindings []key.Binding, w int) []key.Binding {
	enabled := 0
	for _, b := range bindings {
		if b.Enabled() {
			enabled++
		}
	}
	if len(keyLineSpans(bindings, w)) == enabled {
		return bindings
	}
	help := m.keys.Help.Help().Key
	more := key.NewBinding(key.WithKeys(m.keys.Help.Keys()...), key.WithHelp("… "+help, "help"))
	shown := make([]key.Binding, 0, len(bindings))
	for _, b := range bindings {
		if b.Enabled() && b.Help().Key != help {
			shown = append(shown, b)
		}
	}
	for n := len(shown); n >= 0; n-- {
		line := append(shown[:n:n], more)
		if len(keyLineSpans(line, w)) == n+1 {
			return line
		}
	}
	return []key.Binding{more}
}

// keyLine renders bindings as "key desc · key desc", dropping what does not
// fit rather than cutting a hint in half. A frame draws the same lines as
// the one before, so each is rendered once per theme.
func (m *Model) keyLine(bindings []key.Binding, w int) string {
	var id strings.Builder
	id.WriteString(strconv.Itoa(w))
	for _, b := range bindings {
		if b.Enabled() {
			h := b.Help()
			id.WriteString("\x00" + h.Key + "\x01" + h.Desc)
		}
	}
	if line, ok := m.keyLines[id.String()]; ok {
		return line
	}
	if len(m.keyLines) >= 64 || m.keyLines == nil {
		m.keyLines = map[string]string{}
	}
	line := m.renderKeyLine(bindings, w)
	m.keyLines[id.String()] = line
	return line
}

func (m *Model) renderKeyLine(bindings []key.Binding, w int) string {
	th := m.theme
	var out strings.Builder
	spans := keyLineSpans(bindings, w)
	n := 0
	for _, b := range bindings {
		if !b.Enabled() {
			continue
		}
		if n >= len(spans) {
			break
		}
		h := b.Help()
		if n > 0 {
			out.WriteString(th.Dim.Render(" · "))
		}
		out.WriteString(th.Key.Render(h.Key) + " " + th.KeyDesc.Render(h.Desc))
		n++
	}
	return " " + out.String()
}

// keyLineSpans are the cells [from, to) each shown binding of keyLine
// takes, counted from the start of the line; bindings that do not fit
// have none.
func keyLineSpans(bindings []key.Binding, w int) [][2]int {
	var spans [][2]int
	used := 0
	for _, b := range bindings {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		plain := ansi.StringWidth(h.Key + " " + h.Desc)
		sep := 0
		if len(spans) > 0 {
			sep = 3
		}
		if 1+used+sep+plain > w {
			break
		}
		from := 1 + used + sep
		spans = append(spans, [2]int{from, from + plain})
		used += sep + plain
	}
	return spans
}

// statusLine shows the running operation, the last message until it
// expires, or the load progress.
func (m *Model) statusLine() string {
	if op := m.ops[m.current]; op != nil {
		return fit(" "+m.spin.View()+" "+m.opText(op), m.width)
	}
	for _, b := range m.backends {
		if op := m.ops[b]; op != nil {
			return fit(" "+m.spin.View()+" "+m.opText(op), m.width)
		}
	}
	if msg, ok := m.msgs.current(m.opts.Now()); ok {
		style := m.theme.KeyDesc
		switch msg.kind {
		case statusOK:
			style = m.theme.OK
		case statusErr:
			style = m.theme.Err
		}
		return fit(" "+style.Render(msg.text), m.width)
	}
	if text := m.loadText(); text != "" {
		return fit(" "+m.theme.Dim.Render(text), m.width)
	}
	if n := m.remote(); n > 0 {
		text := plural(n, "config", "configs") + " edited here changed by another client meanwhile (" + itemMark(model.MarkRemoteEdited) + "): persisting merges, or shows a conflict"
		return fit(" "+m.theme.Conflict.Render(text), m.width)
	}
	hint := m.keys.Messages.Help().Key + " shows earlier messages"
	return fit(" "+m.theme.Dim.Render(hint), m.width)
}
