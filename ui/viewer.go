package ui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/rivo/uniseg"

	"github.com/confo-dev/confo/internal/termsafe"
)

// viewer shows a text in full: wrapped to the screen, scrolled with the
// movement keys, searched with the filter key. Wrapping is computed once
// per width, so a 50 MB value costs its layout once, not on every frame.
type viewer struct {
	title string
	lines []string
	// wrapped is the layout for width: each screen row is a part of a line.
	width   int
	wrapped []span
	offset  int
	// bottom: start at the end (the message history).
	bottom bool
	// indent is how far the continuation rows of a wrapped line sit to
	// the right: the message history puts them under the text, not under
	// the time.
	indent int
	// searching: the search input has the keys.
	searching bool
	input     textinput.Model
	query     string
	matches   []match
	current   int
	// copyText and edit, when set, serve the copy and $EDITOR keys.
	copyText, copyWhat string
	edit               func(*Model) tea.Cmd
}

// span is one screen row: bytes [start, end) of line.
type span struct{ line, start, end int }

// match is one search hit: bytes [start, end) of line.
type match struct{ line, start, end int }

// newViewer shows text, sanitized for the terminal; note goes on top (why
// the text is what it is, such as "not JSON").
func newViewer(title, text, note string) *viewer {
	text = termsafe.Block(text)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if note != "" {
		lines = append([]string{"⚠ " + termsafe.Line(note), ""}, lines...)
	}
	return &viewer{title: termsafe.Line(title), lines: lines, input: newInput()}
}

// layout wraps the lines to w cells, once per width. A new width keeps
// the text at the top of the screen there, so a resize neither loses the
// place read nor the search match shown.
func (v *viewer) layout(w int) {
	if w == v.width && v.wrapped != nil {
		return
	}
	var top span
	if v.offset < len(v.wrapped) {
		top = v.wrapped[v.offset]
	}
	v.width, v.wrapped = w, v.wrapped[:0]
	indent := v.contIndent(w)
	for i, l := range v.lines {
		v.wrapped = wrapLine(v.wrapped, i, l, w, indent)
	}
	if v.offset > 0 {
		v.offset = v.rowOf(top.line, top.start)
	}
}

// contIndent is the indent of continuation rows at width w: at most half
// of it, so that a narrow screen still has room for the text.
func (v *viewer) contIndent(w int) int { return min(v.indent, w/2) }

// rowOf is the screen row that shows byte at of line.
func (v *viewer) rowOf(line, at int) int {
	i, _ := slices.BinarySearchFunc(v.wrapped, span{line: line, start: at}, func(s, t span) int {
		if c := cmp.Compare(s.line, t.line); c != 0 {
			return c
		}
		return cmp.Compare(s.start, t.start)
	})
	// The row starting after at is the next one; a skipped break space
	// belongs to the row before it.
	if i == len(v.wrapped) || v.wrapped[i].line != line || v.wrapped[i].start > at {
		i = max(i-1, 0)
	}
	return i
}

// wrapLine appends the rows of one line wrapped at w cells, the rows after
// the first at w-indent: at the last space that fits, whose space is then
// not shown, or between grapheme clusters for a word longer than a row.
// ASCII takes a fast path.
func wrapLine(out []span, i int, l string, w, indent int) []span {
	if l == "" {
		return append(out, span{i, 0, 0})
	}
	// space is the last space of the row and used the cells before it.
	start, used, state := 0, 0, -1
	space, beforeSpace := -1, 0
	for pos := 0; pos < len(l); {
		var n, cw int
		if c := l[pos]; c < utf8.RuneSelf && (pos+1 == len(l) || l[pos+1] < utf8.RuneSelf) {
			n, cw, state = 1, 1, -1
		} else {
			var cluster string
			cluster, _, cw, state = uniseg.FirstGraphemeClusterInString(l[pos:], state)
			n = len(cluster)
		}
		if used+cw > w && used > 0 {
			next := max(w-indent, 1)
			switch rest := used - beforeSpace - 1; {
			case l[pos] == ' ':
				out = append(out, span{i, start, pos})
				start, used, pos = pos+n, 0, pos+n
				space, w, indent = -1, next, 0
				continue
			case space > start && rest+cw <= next:
				out = append(out, span{i, start, space})
				start, used = space+1, rest
			default:
				out = append(out, span{i, start, pos})
				start, used = pos, 0
			}
			space, w, indent = -1, next, 0
		}
		if l[pos] == ' ' {
			space, beforeSpace = pos, used
		}
		used += cw
		pos += n
	}
	return append(out, span{i, start, len(l)})
}

func (v *viewer) rows(m *Model) int { return max(m.height-2-1-v.headRows(m), 1) }

// headRows is the wrapped full title above the text.
func (v *viewer) headRows(m *Model) int {
	return len(wrapLine(nil, 0, v.title, max(m.width-4, 1), 0))
}

func (v *viewer) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	v.layout(max(m.width-4, 1))
	if v.searching {
		return v.searchKey(m, msg)
	}
	h := v.rows(m)
	k := m.keys
	switch {
	case key.Matches(msg, k.Down):
		v.offset++
	case key.Matches(msg, k.Up):
		v.offset--
	case key.Matches(msg, k.PageDown):
		v.offset += max(h-1, 1)
	case key.Matches(msg, k.PageUp):
		v.offset -= max(h-1, 1)
	case key.Matches(msg, k.Top):
		v.offset = 0
	case key.Matches(msg, k.Bottom):
		v.offset = len(v.wrapped)
	case key.Matches(msg, k.Filter):
		v.searching = true
		v.input.SetValue(v.query)
		v.input.CursorEnd()
		return v.input.Focus()
	case key.Matches(msg, k.NextMatch):
		v.jump(m, 1)
	case key.Matches(msg, k.PrevMatch):
		v.jump(m, -1)
	case key.Matches(msg, k.CopyValue) && v.copyText != "":
		return m.copy(v.copyText, v.copyWhat)
	case key.Matches(msg, k.EditExternal) && v.edit != nil:
		m.dialog = nil
		return v.edit(m)
	case key.Matches(msg, k.Cancel, k.Quit, k.Help, k.View, k.Messages):
		m.dialog = nil
	}
	v.clamp(h)
	return nil
}

// scroll moves the text by rows, for the mouse wheel.
func (v *viewer) scroll(m *Model, rows int) {
	v.layout(max(m.width-4, 1))
	v.offset += rows
	v.clamp(v.rows(m))
}

func (v *viewer) clamp(h int) {
	v.offset = min(max(v.offset, 0), max(len(v.wrapped)-h, 0))
}

func (v *viewer) searchKey(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		v.searching = false
		v.input.Blur()
		return nil
	case key.Matches(msg, m.keys.Submit):
		v.searching = false
		v.input.Blur()
		v.search(m, v.input.Value())
		return nil
	}
	var cmd tea.Cmd
	v.input, cmd = v.input.Update(msg)
	return cmd
}

func (v *viewer) paste(msg tea.PasteMsg) tea.Cmd {
	if !v.searching {
		return nil
	}
	var cmd tea.Cmd
	v.input, cmd = v.input.Update(msg)
	return cmd
}

// search finds every case-insensitive occurrence of q and shows the first
// one at or after the top of the screen.
func (v *viewer) search(m *Model, q string) {
	v.query, v.matches, v.current = q, nil, 0
	if q == "" {
		return
	}
	lq := strings.ToLower(q)
	for i, l := range v.lines {
		ll := strings.ToLower(l)
		if len(ll) != len(l) {
			// Lower-casing changed byte lengths: match the line as is.
			ll, lq = l, q
		}
		for from := 0; ; {
			j := strings.Index(ll[from:], lq)
			if j < 0 {
				break
			}
			v.matches = append(v.matches, match{i, from + j, from + j + len(lq)})
			from += j + max(len(lq), 1)
		}
		lq = strings.ToLower(q)
	}
	if len(v.matches) == 0 {
		m.setStatus(statusErr, "✗ "+strconv.Quote(q)+" not found")
		return
	}
	top := 0
	if v.offset < len(v.wrapped) {
		top = v.wrapped[v.offset].line
	}
	for i, mt := range v.matches {
		if mt.line >= top {
			v.current = i
			break
		}
	}
	v.show(m)
}

// jump moves to the next (dir 1) or previous (-1) match.
func (v *viewer) jump(m *Model, dir int) {
	if len(v.matches) == 0 {
		return
	}
	v.current = (v.current + dir + len(v.matches)) % len(v.matches)
	v.show(m)
}

// show scrolls so the current match is on screen, a few rows from the top.
func (v *viewer) show(m *Model) {
	mt := v.matches[v.current]
	r := v.rowOf(mt.line, mt.start)
	v.offset = r - min(3, r)
	v.clamp(v.rows(m))
}

func (v *viewer) view(m *Model) string {
	inner := max(m.width-4, 1)
	v.layout(inner)
	h := v.rows(m)
	if v.bottom {
		v.offset, v.bottom = len(v.wrapped), false
	}
	v.clamp(h)
	th := m.theme
	var lines []string
	for _, s := range wrapLine(nil, 0, v.title, inner, 0) {
		lines = append(lines, " "+th.FocusTitle.Render(v.title[s.start:s.end]))
	}
	end := min(v.offset+h, len(v.wrapped))
	indent := strings.Repeat(" ", v.contIndent(inner))
	for _, s := range v.wrapped[v.offset:end] {
		if s.start > 0 {
			lines = append(lines, " "+indent+v.highlight(th, s))
		} else {
			lines = append(lines, " "+v.highlight(th, s))
		}
	}
	for len(lines) < h+v.headRows(m) {
		lines = append(lines, "")
	}
	lines = append(lines, v.footer(m, end))
	return box(v.position(end), lines, m.width, m.height, th.FocusBorder, th.FocusTitle)
}

// highlight draws a row with the search matches in it marked.
func (v *viewer) highlight(th Theme, s span) string {
	text := v.lines[s.line][s.start:s.end]
	if v.query == "" {
		return text
	}
	var b strings.Builder
	at := s.start
	for _, mt := range v.matches {
		if mt.line != s.line || mt.end <= s.start || mt.start >= s.end {
			continue
		}
		from, to := max(mt.start, s.start), min(mt.end, s.end)
		b.WriteString(v.lines[s.line][at:from])
		b.WriteString(th.Match.Render(v.lines[s.line][from:to]))
		at = to
	}
	b.WriteString(v.lines[s.line][at:s.end])
	return b.String()
}

func (v *viewer) position(end int) string {
	total := len(v.wrapped)
	if total == 0 {
		return "View"
	}
	return "View " + thousands(min(v.offset+1, total)) + "–" + thousands(end) + " of " + thousands(total) + " rows"
}

func (v *viewer) footer(m *Model, end int) string {
	if v.searching {
		return " " + m.theme.Key.Render("/") + v.input.View()
	}
	k := m.keys
	bindings := []key.Binding{hint(k.Cancel, "close"), hint(k.Filter, "search")}
	if len(v.matches) > 0 {
		bindings = append(bindings, k.NextMatch, k.PrevMatch)
	}
	if v.copyText != "" {
		bindings = append(bindings, k.CopyValue)
	}
	if v.edit != nil {
		bindings = append(bindings, k.EditExternal)
	}
	bindings = append(bindings, k.Down, k.PageDown, k.Top, k.Bottom)
	line := m.keyLine(bindings, m.width-2)
	if len(v.matches) > 0 {
		line = spread(line, m.theme.Dim.Render("match "+strconv.Itoa(v.current+1)+"/"+strconv.Itoa(len(v.matches))+" "), m.width-2)
	}
	return line
}
