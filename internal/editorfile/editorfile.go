// Package editorfile is the text confo hands to an external editor
// ($VISUAL, $EDITOR): comment lines on top that say what is edited, what
// saving does and, when the editor is reopened, what was wrong; then the
// value. The TUI's E and the CLI's confo edit both write and read their
// files here, so the two look and behave alike.
package editorfile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/confo-dev/confo/confo/jsonvalue"
	"github.com/confo-dev/confo/internal/termsafe"
)

// Comment starts the lines on top that are not part of the value. "//"
// rather than "#": editors that know JSON with comments (JSONC) show these
// lines as comments, and a string field may be given without quotes, where
// a leading "#" (a colour, a chat channel) is far more likely than "//".
// No JSON value starts with either.
const Comment = "//"

// Header is the comment block on top of a file. what names the value,
// escaped as the terminal shows names: it is stored data that an editor
// would otherwise show raw, while the comments are confo's text. onSave
// says what saving does; problem, when not "", is what was wrong with the
// text handed back, on a line of its own above the rest.
func Header(what, onSave, problem string) string {
	var b strings.Builder
	if problem != "" {
		b.WriteString(Comment + " confo: " + termsafe.Line(problem) + "\n")
	}
	b.WriteString(Comment + " confo: editing " + termsafe.Name(what) + "; " + onSave + ".\n")
	b.WriteString(Comment + " Lines starting with " + Comment + " on top are ignored; an empty value cancels.\n")
	return b.String()
}

// problemLines is how many lines Header puts above the value when it
// reports a problem: the position of a syntax error is counted in the
// reopened file, where the user looks for it.
var problemLines = strings.Count(Header("x", "x", "x"), "\n")

// Split splits the comment lines on top of text from the value and
// returns the byte length of the comments.
func Split(text string) (int, string) {
	n := 0
	for {
		line, rest, ok := strings.Cut(text[n:], "\n")
		if !strings.HasPrefix(strings.TrimSpace(line), Comment) {
			return n, text[n:]
		}
		if !ok {
			return len(text), ""
		}
		n = len(text) - len(rest)
	}
}

// NotJSON is the problem to report for body, the text under the comments,
// which the JSON decoder refused with err reading from its start:
// "not JSON at line L, column C: …", counted in the file that reopens
// with this problem on top, Header(…, problem) + body.
func NotJSON(body string, err error) string {
	syn, ok := errors.AsType[*jsonvalue.SyntaxError](err)
	if !ok {
		return "not JSON: " + err.Error()
	}
	before := body[:min(max(syn.Offset, 0), len(body))]
	line := problemLines + strings.Count(before, "\n") + 1
	col := len(before) - strings.LastIndexByte(before, '\n')
	return fmt.Sprintf("not JSON at line %d, column %d: %s", line, col, syn.Msg)
}
