package ui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
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
type choice struct {
	title   string
	lines   []string
	options []option
	// cancel is the status line after the default answer, if any.
	cancel string
}

func (c *choice) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	for _, o := range c.options {
		if key.Matches(msg, o.key) {
			m.dialog = nil
			return o.run(m)
		}
	}
	if key.Matches(msg, m.keys.No, m.keys.Cancel, m.keys.Submit) {
		m.dialog = nil
		if c.cancel != "" {
			m.setStatus(statusInfo, c.cancel)
		}
	}
	return nil
}

func (c *choice) view(m *Model) string {
	w := min(m.width-4, 90)
	maxBody := max(m.height-8, 1)
	lines := c.lines
	if len(lines) > maxBody {
		more := len(lines) - maxBody + 1
		lines = append(lines[:maxBody-1:maxBody-1], "… and "+strconv.Itoa(more)+" more lines")
	}
	body := make([]string, 0, len(lines)+3)
	for _, l := range lines {
		body = append(body, " "+l)
	}
	body = append(body, "", m.answerLine(c.options, w-2))
	return box(c.title, body, w, len(body)+2, m.theme.FocusBorder, m.theme.FocusTitle)
}

// answerLine lists a dialog's answers, the default last.
func (m *Model) answerLine(options []option, w int) string {
	bindings := make([]key.Binding, 0, len(options)+1)
	for _, o := range options {
		bindings = append(bindings, key.NewBinding(key.WithKeys(o.key.Keys()...), key.WithHelp(o.key.Help().Key, o.label)))
	}
	no := m.keys.No.Help().Key + "/" + m.keys.Submit.Help().Key + "/" + m.keys.Cancel.Help().Key
	label := "no (default)"
	if len(options) > 1 {
		label = "cancel (default)"
	}
	bindings = append(bindings, key.NewBinding(key.WithKeys("_"), key.WithHelp(no, label)))
	return m.keyLine(bindings, w)
}
