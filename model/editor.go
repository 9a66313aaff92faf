package model

import (
	"errors"
	"fmt"
	"strings"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/jsonvalue"
)

// An external editor ($VISUAL, $EDITOR) gets a value as pretty JSON under a
// few comment lines that say what is edited; an invalid result comes back
// with the error on top. The rule for types: the text is JSON and says its
// own type, except that a string field also takes text that is not JSON as
// the string itself, so its quotes may be dropped.

// editorComment starts the lines at the top of an editor file that are not
// part of the value.
const editorComment = "//"

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
		t.Text = editorHeader(t.Title(), "not JSON: "+bad.Reason) + string(c.Base().Bytes)
		return t, nil
	case err != nil:
		return t, err
	}
	t.cur, t.Kind = v, v.Kind().String()
	t.Text = editorHeader(t.Title()+" ("+t.Kind+")", "") + strings.Join(Pretty(v), "\n") + "\n"
	return t, nil
}

func editorHeader(what, problem string) string {
	var b strings.Builder
	if problem != "" {
		b.WriteString(editorComment + " confo: " + oneLine(problem) + "\n")
	}
	b.WriteString(editorComment + " confo: editing " + oneLine(what) + ". Save and quit to apply (not persisted until you persist).\n")
	b.WriteString(editorComment + " Lines starting with " + editorComment + " at the top are ignored; an empty value cancels.\n")
	return b.String()
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// Retry is the file to reopen after an invalid result: the text as the
// user left it, the error on top.
func (t EditorTarget) Retry(text string, err error) EditorTarget {
	_, body := splitComments(text)
	t.Text = editorHeader(t.Title(), err.Error()) + body
	return t
}

// Parse reads the edited file by the editor rule.
func (t EditorTarget) Parse(text string) (confo.Value, error) {
	skipped, body := splitComments(text)
	trimmed := strings.TrimSpace(body)
	if trimmed == "" {
		return confo.Value{}, ErrEditorEmpty
	}
	v, err := confo.Decode([]byte(trimmed))
	if err == nil {
		return v, nil
	}
	if !t.raw && t.cur.Kind() == confo.String && !strings.ContainsAny(trimmed[:1], `{["`) {
		return confo.StringValue(strings.TrimSuffix(body, "\n")), nil
	}
	lead := len(body) - len(strings.TrimLeft(body, " \t\r\n"))
	return confo.Value{}, fmt.Errorf("not JSON at %s: %w", position(text, skipped+lead, err), err)
}

// splitComments splits the comment lines at the top from the rest and
// returns the byte length of the comments.
func splitComments(text string) (int, string) {
	n := 0
	for {
		line, rest, ok := strings.Cut(text[n:], "\n")
		if !strings.HasPrefix(strings.TrimSpace(line), editorComment) {
			return n, text[n:]
		}
		if !ok {
			return len(text), ""
		}
		n = len(text) - len(rest)
	}
}

// position turns a syntax error's offset in the value into "line L, column C"
// of the file.
func position(text string, start int, err error) string {
	var syn *jsonvalue.SyntaxError
	if !errors.As(err, &syn) {
		return "the value"
	}
	off := min(start+syn.Offset, len(text))
	line := strings.Count(text[:off], "\n") + 1
	col := off - strings.LastIndexByte(text[:off], '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
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
