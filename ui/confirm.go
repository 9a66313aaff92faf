package ui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// dialog is a modal layer over the panes: it gets every key until it
// closes itself by clearing Model.dialog.
type dialog interface {
	update(m *Model, msg tea.KeyPressMsg) tea.Cmd
	view(m *Model) string
}

// option is one answer of a choice other than the default "no".
type option struct {
	key   key.Binding
	label string
	run   func(*Model) tea.Cmd
}

// choice asks a question whose default answer, on enter or esc, is to do
// nothing: persisting, deleting, discarding or quitting needs its own key.
// A long body scrolls; with detail set, a cursor walks the body and the
// view key opens the line in full.
type choice struct {
	title   string
	lines   []string
	options []option
	// cancel is the status line after the default answer, if any;
	// onCancel, when set, runs instead.
	cancel   string
	onCancel func(*Model)
	offset   int
	cursor   int
	detail   func(m *Model, line int) bool
}

func (c *choice) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	for _, o := range c.options {
		if key.Matches(msg, o.key) {
			return c.answer(m, o)
		}
	}
	k := m.keys
	if k.scrolled(msg, c.bodyRows(m), func(delta int) { c.move(m, delta) }) {
		return nil
	}
	switch {
	case key.Matches(msg, k.No, k.Cancel, k.Submit):
		c.answer(m, option{})
	case key.Matches(msg, k.View) && c.detail != nil:
		if !c.detail(m, c.cursor) {
			m.setStatus(statusInfo, "nothing more to show on this line: select a field line")
		}
	}
	return nil
}

// scrolled moves a dialog's cursor or text for the movement keys, by a row
// or by page rows; it reports whether msg was one of them.
func (k KeyMap) scrolled(msg tea.KeyPressMsg, page int, move func(delta int)) bool {
	switch {
	case key.Matches(msg, k.Down):
		move(1)
	case key.Matches(msg, k.Up):
		move(-1)
	case key.Matches(msg, k.PageDown):
		move(page)
	case key.Matches(msg, k.PageUp):
		move(-page)
	default:
		return false
	}
	return true
}

// answer closes the dialog with o; the zero option is the default "no".
func (c *choice) answer(m *Model, o option) tea.Cmd {
	m.dialog = nil
	if o.run == nil {
		if c.onCancel != nil {
			c.onCancel(m)
			return nil
		}
		if c.cancel != "" {
			m.setStatus(statusInfo, c.cancel)
		}
		return nil
	}
	return o.run(m)
}

func (c *choice) move(m *Model, delta int) {
	h := c.bodyRows(m)
	if c.detail == nil {
		c.offset = min(max(c.offset+delta, 0), max(len(c.lines)-h, 0))
		return
	}
	c.cursor = min(max(c.cursor+delta, 0), max(len(c.lines)-1, 0))
	if c.cursor < c.offset {
		c.offset = c.cursor
	}
	if c.cursor >= c.offset+h {
		c.offset = c.cursor - h + 1
	}
}

func (c *choice) width(m *Model) int { return choiceWidth(m) }

// choiceWidth is the width of a question's box.
func choiceWidth(m *Model) int { return min(m.width-4, 100) }

// bodyRows is how many body lines fit.
func (c *choice) bodyRows(m *Model) int {
	return max(min(len(c.lines), m.height-6), 1)
}

func (c *choice) view(m *Model) string {
	w := c.width(m)
	h := c.bodyRows(m)
	body := make([]string, 0, h+2)
	for i := c.offset; i < min(c.offset+h, len(c.lines)); i++ {
		line := " " + cut(c.lines[i], w-3)
		if c.detail != nil && i == c.cursor {
			line = m.theme.Selected.Render(fit(ansi.Strip(line), w-2))
		}
		body = append(body, line)
	}
	title := c.title
	if len(c.lines) > h {
		title += " (" + strconv.Itoa(c.offset+1) + "–" + strconv.Itoa(min(c.offset+h, len(c.lines))) + " of " + strconv.Itoa(len(c.lines)) + ")"
	}
	body = append(body, "", m.answerLine(c.options, w-2, c.detail != nil))
	return box(title, body, w, len(body)+2, m.theme.FocusBorder, m.theme.FocusTitle)
}

// answerBindings are a dialog's answers as help bindings, the default last.
func (m *Model) answerBindings(options []option, detail bool) []key.Binding {
	bindings := make([]key.Binding, 0, len(options)+2)
	for _, o := range options {
		bindings = append(bindings, key.NewBinding(key.WithKeys(o.key.Keys()...), key.WithHelp(o.key.Help().Key, o.label)))
	}
	no := m.keys.No.Help().Key + "/" + m.keys.Submit.Help().Key + "/" + m.keys.Cancel.Help().Key
	label := "no (default)"
	if len(options) > 1 {
		label = "cancel (default)"
	}
	bindings = append(bindings, key.NewBinding(key.WithKeys("_"), key.WithHelp(no, label)))
	if detail {
		bindings = append(bindings, key.NewBinding(key.WithKeys(m.keys.View.Keys()...), key.WithHelp(m.keys.View.Help().Key, "view line in full")))
	}
	return bindings
}

// answerLine lists a dialog's answers, the default last.
func (m *Model) answerLine(options []option, w int, detail bool) string {
	return m.keyLine(m.answerBindings(options, detail), w)
}

// clickChoice answers the dialog whose button is at screen cell (x, y).
func (c *choice) click(m *Model, x, y int) tea.Cmd {
	top := c.view(m)
	tw, th := lipgloss.Size(top)
	left, upper := max((m.width-tw)/2, 0), max((m.height-th)/2, 0)
	if y != upper+th-2 {
		return nil
	}
	spans := keyLineSpans(m.answerBindings(c.options, c.detail != nil), c.width(m)-2)
	for i, s := range spans {
		if x >= left+1+s[0] && x < left+1+s[1] {
			if i < len(c.options) {
				return c.answer(m, c.options[i])
			}
			if i == len(c.options) {
				return c.answer(m, option{})
			}
		}
	}
	return nil
}
