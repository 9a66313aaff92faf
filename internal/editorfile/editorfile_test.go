package editorfile

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

func TestSplitTakesOnlyTheCommentsOnTop(t *testing.T) {
	for _, tc := range []struct{ text, body string }{
		{Header("ns/c", "save", "oops") + "{\"a\": \"// not a comment\"}\n", "{\"a\": \"// not a comment\"}\n"},
		{"  // indented\n[1]\n// after the value\n", "[1]\n// after the value\n"},
		{"// only comments", ""},
		{"#ff8800\n", "#ff8800\n"},
	} {
		if _, body := Split(tc.text); body != tc.body {
			t.Errorf("Split(%q) body %q, want %q", tc.text, body, tc.body)
		}
	}
}

// The reported line and column point at the problem in the file that
// reopens with the problem on top.
func TestNotJSONCountsInTheReopenedFile(t *testing.T) {
	for _, body := range []string{"{\n  \"a\": 1,\n}\n", "[1, 2\n", "{oops}", "\n\n  nul\n"} {
		_, err := jsonvalue.Decode([]byte(body))
		problem := NotJSON(body, err)
		text := Header("ns/c", "save", problem) + body
		var line, col int
		if _, serr := fmt.Sscanf(problem, "not JSON at line %d, column %d:", &line, &col); serr != nil {
			t.Fatalf("%q: %v", problem, serr)
		}
		lines := strings.Split(text, "\n")
		syn, _ := errors.AsType[*jsonvalue.SyntaxError](err)
		off := len(text) - len(body) + syn.Offset
		wantLine := strings.Count(text[:off], "\n") + 1
		if line != wantLine || col != off-strings.LastIndexByte(text[:off], '\n') || line > len(lines) {
			t.Errorf("%q: %s; the problem is at line %d", body, problem, wantLine)
		}
	}
	if got := NotJSON("x", errors.New("too deep")); got != "not JSON: too deep" {
		t.Errorf("other error: %q", got)
	}
}

func TestHeaderEscapesTheNameAndKeepsOneLinePerProblem(t *testing.T) {
	h := Header("a\x1b]2;x\x07/b\\c", "save", "line one\nline two")
	if strings.ContainsAny(h, "\x1b\x07") || !strings.Contains(h, `editing a\x1b]2;x\x07/b\\c; save.`) {
		t.Fatalf("name not escaped: %q", h)
	}
	if n := strings.Count(h, "\n"); n != problemLines || !strings.HasPrefix(h, Comment+` confo: line one\nline two`+"\n") {
		t.Fatalf("%d lines: %q", n, h)
	}
}
