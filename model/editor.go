package model

import (
	"errors"
	"fmt"
	"strings"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/editorfile"
)

// An external editor ($VISUAL, $EDITOR) gets a value as pretty JSON under a
// few comment lines that say what is edited (internal/editorfile, shared
// with the CLI's confo edit); an invalid result comes back with the error
// on top. The rule for types: the text is JSON and says its own type,
// except that a string field also takes text that is not JSON as the
// string itself, so its quotes may be dropped.

// editorOnSave is what saving the file does, in the TUI.
const editorOnSave = "save and quit to apply it (not persisted until you persist)"

// ErrEditorEmpty is an editor file left without a value: the edit is
// cancelled.
var ErrEditorEmpty = errors.New("the file holds no value: nothing changed")

// EditorTarget is what one editor session edits.
type EditorTarget struct {
	Namespace, Config string
	// Field is "" for the whole config.
	Field string
	// Kind is the JSON kind of the value ("" when it is not JSON).
	Kind string
	// Text is the file's content: comments, then the value.
	Text string
	cur  confo.Value
	// raw: the stored bytes are not JSON; the text is them as they are.
	raw bool
}

// Title names the target: "ns/cfg" or "ns/cfg.field".
func (t EditorTarget) Title() string {
	s := t.Namespace + "/" + t.Config
	if t.Field != "" {
		s += "." + t.Field
	}
	return s
}

// EditorText prepares an editor session for a field of a config, or the
// whole config when field is "". A config whose stored bytes are not JSON
// is offered as those bytes, to be fixed.
func (b *Backend) EditorText(ns, cfg, field string) (EditorTarget, error) {
	t := EditorTarget{Namespace: ns, Config: cfg, Field: field}
	v, err := b.value(ns, cfg, field)
	var bad *confo.BadDataError
	switch {
	case field == "" && errors.As(err, &bad):
		c := b.config(ns, cfg)
		t.raw = true
		// The reason says what is wrong ("not JSON: …") by itself.
		t.Text = editorfile.Header(t.what(), editorOnSave, bad.Reason) + string(c.Base().Bytes)
		return t, nil
	case err != nil:
		return t, err
	}
	t.cur, t.Kind = v, v.Kind().String()
	t.Text = editorfile.Header(t.what(), editorOnSave, "") + strings.Join(Pretty(v), "\n") + "\n"
	return t, nil
}

// what names the target in the file's header, with its kind when known.
func (t EditorTarget) what() string {
	if t.Kind == "" {
		return t.Title()
	}
	return t.Title() + " (" + t.Kind + ")"
}

// Retry is the file to reopen after an invalid result: the text as the
// user left it, the error on top.
func (t EditorTarget) Retry(text string, err error) EditorTarget {
	_, body := editorfile.Split(text)
	t.Text = editorfile.Header(t.what(), editorOnSave, err.Error()) + body
	return t
}

// Parse reads the edited file by the editor rule. A syntax error says its
// line in the file Retry reopens.
func (t EditorTarget) Parse(text string) (confo.Value, error) {
	_, body := editorfile.Split(text)
	trimmed := strings.TrimSpace(body)
	if trimmed == "" {
		return confo.Value{}, ErrEditorEmpty
	}
	v, err := confo.Decode([]byte(body))
	if err == nil {
		return v, nil
	}
	if !t.raw && t.cur.Kind() == confo.String && !strings.ContainsAny(trimmed[:1], `{["`) {
		return confo.StringValue(strings.TrimSuffix(body, "\n")), nil
	}
	return confo.Value{}, errors.New(editorfile.NotJSON(body, err))
}

// ApplyEditor sets the edited value as an unsaved edit.
func (b *Backend) ApplyEditor(t EditorTarget, v confo.Value) error {
	if t.Field == "" {
		return b.record("edit "+t.Config, t.Namespace, []string{t.Config}, func() error {
			return b.ws.Set(t.Namespace, t.Config, v)
		})
	}
	return b.record(fmt.Sprintf("edit %s.%s", t.Config, t.Field), t.Namespace, []string{t.Config}, func() error {
		return b.ws.SetField(t.Namespace, t.Config, t.Field, v)
	})
}
