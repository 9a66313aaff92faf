package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/internal/termsafe"
)

// prompt reads one line of text. Submitting runs submit; on error the
// prompt stays open with the message and the text, so nothing is lost and
// nothing invalid is applied. Esc cancels.
type prompt struct {
	title, hint string
	input       textinput.Model
	submit      func(m *Model, text string) (tea.Cmd, error)
	err         string
}

// openPrompt shows a prompt prefilled with value.
func (m *Model) openPrompt(title, hint, value string, submit func(*Model, string) (tea.Cmd, error)) tea.Cmd {
	in := newInput()
	in.SetValue(value)
	in.CursorEnd()
	in.SetWidth(promptWidth(m.width) - 4)
	p := &prompt{title: title, hint: hint, input: in, submit: submit}
	m.dialog = p
	return p.input.Focus()
}

func (p *prompt) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.dialog = nil
		m.setStatus(statusInfo, "cancelled: nothing changed")
		return nil
	case key.Matches(msg, m.keys.Submit):
		m.dialog = nil
		cmd, err := p.submit(m, p.input.Value())
		if err != nil {
			p.err = err.Error()
			m.dialog = p
			m.fail(err)
		}
		return cmd
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		// The error was about the text before: it goes while it is fixed.
		p.err = ""
	}
	return cmd
}

func (p *prompt) paste(msg tea.PasteMsg) tea.Cmd {
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	p.err = ""
	return cmd
}

func (p *prompt) view(m *Model) string {
	w := promptWidth(m.width)
	lines := []string{" " + p.input.View(), ""}
	// The hint may say why the prompt starts empty: all of it is shown.
	for _, s := range wrapLine(nil, 0, p.hint, max(w-3, 1), 0) {
		lines = append(lines, " "+m.theme.Dim.Render(p.hint[s.start:s.end]))
	}
	if p.err != "" {
		lines = append(lines, " "+m.theme.Err.Render(cut("✗ "+termsafe.Line(p.err), w-3)))
	}
	lines = append(lines, m.keyLine([]key.Binding{m.keys.Submit, m.keys.Cancel}, w-2))
	return box(p.title, lines, w, len(lines)+2, m.theme.FocusBorder, m.theme.FocusTitle)
}

// promptWidth is the width of an input dialog on a screen w cells wide.
func promptWidth(w int) int { return min(w-4, 90) }
