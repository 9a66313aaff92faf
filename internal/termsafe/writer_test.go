package termsafe

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriterPipeIsExact(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, false)
	in := "ns\x1b]52;c;aGk=\x07\tA\\B\r\n\xff"
	w.Write([]byte(in))
	w.WriteString(in)
	if w.Name(in) != in || w.Line(in) != in || w.Flush() != nil {
		t.Fatal("a pipe Writer changed something")
	}
	if buf.String() != in+in {
		t.Fatalf("got %q", buf.String())
	}
}

func TestWriterTerminal(t *testing.T) {
	for _, c := range []struct {
		writes []string
		want   string
	}{
		{[]string{"ns\x1b]52;c;aGk=\x07\n"}, "ns\\x1b]52;c;aGk=\\x07\n"},
		{[]string{"name\tsize\n", "a\\b\t12\n"}, "name\tsize\na\\b\t12\n"},
		{[]string{"caf\xc3", "\xa9\n"}, "café\n"},      // é split across writes
		{[]string{"caf\xc3"}, `caf\xc3`},               // never completed
		{[]string{"\u0d4e", "\u0d15"}, "\u0d4e\u0d15"}, // prepended letter, then its consonant
		{[]string{"\u0d4e", "\x00"}, `\u0d4e\x00`},
		{[]string{"\u0d4e"}, `\u0d4e`},
		{[]string{"\x00", "\u0301"}, `\x00\u0301`},
		{[]string{"a\r\n"}, "a\\r\n"},
	} {
		var buf bytes.Buffer
		w := NewWriter(&buf, true)
		for _, s := range c.writes {
			if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != c.want {
			t.Errorf("%+q: got %q, want %q", c.writes, buf.String(), c.want)
		}
	}
}

func TestWriterHelpersOnTerminal(t *testing.T) {
	w := NewWriter(new(bytes.Buffer), true)
	if !w.Terminal() || w.Name("a\\b\n") != `a\\b\n` || w.Line("a\\b\n") != `a\b\n` {
		t.Fatal("terminal helpers do not escape")
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

func TestWriterErrorSticks(t *testing.T) {
	boom := errors.New("boom")
	w := NewWriter(failWriter{boom}, true)
	if n, err := w.Write([]byte("x")); n != 0 || err != boom {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if _, err := w.WriteString("y"); err != boom {
		t.Fatalf("second write: %v", err)
	}
	if err := w.Flush(); err != boom {
		t.Fatalf("Flush: %v", err)
	}
}

func TestIsTerminalFalse(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) || IsTerminal(nil) {
		t.Fatal("a file is not a terminal")
	}
	r, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer pw.Close()
	if IsTerminal(pw) {
		t.Fatal("a pipe is not a terminal")
	}
}
