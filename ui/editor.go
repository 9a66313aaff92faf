package ui

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/model"
)

// E opens the selected field (or the whole config) in $VISUAL or $EDITOR as
// pretty JSON. The result becomes an unsaved edit; an invalid one reopens
// the editor with the error on top, an empty file cancels.

// editorReadyMsg: the file to edit is written.
type editorReadyMsg struct {
	backend *model.Backend
	target  model.EditorTarget
	path    string
	err     error
}

// editorDoneMsg: the editor exited; text is the file as it left it.
type editorDoneMsg struct {
	backend *model.Backend
	target  model.EditorTarget
	text    string
	err     error
}

// editExternal opens the editor on what the focused pane selects.
func (m *Model) editExternal() tea.Cmd {
	if m.focus < paneConfigs {
		m.notHere("$EDITOR")
		return nil
	}
	if !m.writable() {
		return nil
	}
	sel := m.selection()
	if sel.cfg == "" {
		m.fail(errors.New("nothing to edit: select a config"))
		return nil
	}
	field := ""
	if m.focus == paneFields && !m.fields.Whole {
		if sel.deleted {
			m.fail(fmt.Errorf("field %s is deleted here: u undoes the delete", q(sel.field)))
			return nil
		}
		field = sel.field
	}
	return m.openEditor(m.current, sel.ns, sel.cfg, field)
}

func (m *Model) openEditor(b *model.Backend, ns, cfg, field string) tea.Cmd {
	t, err := b.EditorText(ns, cfg, field)
	if err != nil {
		m.fail(err)
		return nil
	}
	return m.writeEditorFile(b, t)
}

// writeEditorFile writes the target's text to a temporary file, in a
// command: files are I/O.
func (m *Model) writeEditorFile(b *model.Backend, t model.EditorTarget) tea.Cmd {
	dir := m.opts.TempDir
	return func() tea.Msg {
		f, err := os.CreateTemp(dir, "confo-*.json")
		if err != nil {
			return editorReadyMsg{backend: b, target: t, err: err}
		}
		_, err = f.WriteString(t.Text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return editorReadyMsg{backend: b, target: t, path: f.Name(), err: err}
	}
}

// editorCommand is $VISUAL, else $EDITOR, else vi; it may carry arguments
// ("code --wait").
func (m *Model) editorCommand(path string) *exec.Cmd {
	editor := m.opts.Getenv("VISUAL")
	if strings.TrimSpace(editor) == "" {
		editor = m.opts.Getenv("EDITOR")
	}
	fields := strings.Fields(editor)
	if len(fields) == 0 {
		fields = []string{"vi"}
	}
	return exec.Command(fields[0], append(fields[1:], path)...)
}

func (m *Model) editorReady(msg editorReadyMsg) tea.Cmd {
	if msg.err != nil {
		if msg.path != "" {
			os.Remove(msg.path)
		}
		m.fail(fmt.Errorf("$EDITOR: %w", msg.err))
		return nil
	}
	b, t, path := msg.backend, msg.target, msg.path
	return m.opts.Exec(m.editorCommand(path), func(err error) tea.Msg {
		data, rerr := os.ReadFile(path)
		os.Remove(path)
		if err == nil {
			err = rerr
		}
		return editorDoneMsg{backend: b, target: t, text: string(data), err: err}
	})
}

func (m *Model) editorDone(msg editorDoneMsg) tea.Cmd {
	b, t := msg.backend, msg.target
	if msg.err != nil {
		m.fail(fmt.Errorf("$EDITOR: %w; nothing changed", msg.err))
		return nil
	}
	if msg.text == t.Text {
		m.setStatus(statusInfo, "no change to "+q(t.Title()))
		return nil
	}
	v, err := t.Parse(msg.text)
	switch {
	case errors.Is(err, model.ErrEditorEmpty):
		m.setStatus(statusInfo, "edit of "+q(t.Title())+" cancelled: "+err.Error())
		return nil
	case err != nil:
		m.fail(fmt.Errorf("%s: %w; reopening the editor", q(t.Title()), err))
		return m.writeEditorFile(b, t.Retry(msg.text, err))
	}
	if err := b.ApplyEditor(t, v); err != nil {
		m.fail(err)
		return nil
	}
	m.setStatus(statusInfo, "edited "+q(t.Title())+" in $EDITOR: not persisted yet (s persists it)")
	return nil
}
