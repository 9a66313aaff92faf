package termsafe

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var seeds = []string{
	"", "name", `back\slash`, "\x1b[31mred\x1b[0m", "ns\x1b]52;c;aGk=\x07",
	"\x1b]0;t\x1b\\", "\x1bP1$r\x1b\\", "\x1b_G\x1b\\", "\x1b^pm\x1b\\", "\x1bXs\x1b\\",
	"\u009b31m", "\x9b31m", "a\r\n\tb\b", "\u202eevil\u202c", "\u2066x\u2069\u200e\u200f\u061c",
	"\xff\xc3", "日本\t語", "👨‍👩‍👧🇺🇸", "e\u0301", "\x00\ufe0f", "\u0d4e\x00", "\u0d4e\u0d15",
	"\x01\u0e33", "\U000e0041", "\u0600\x01", "a\u0301\n\u0301",
}

// fillJoinBlocks answers the grapheme questions for every code point up
// front. Filled lazily, the cache would make the first run of an input cover
// more code than a rerun, and the fuzzer could then not minimize.
func fillJoinBlocks() {
	for r := rune(0); r <= utf8.MaxRune; r += 256 {
		joinsFor(r)
	}
}

func FuzzLine(f *testing.F) {
	fillJoinBlocks()
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line := Line(s)
		checkOutput(t, s, line, modeLine)
		if again := Line(line); again != line {
			t.Fatalf("Line not idempotent: %q -> %q", line, again)
		}
		if Needs(s) != (line != s) {
			t.Fatalf("Needs(%+q) = %v, Line = %q", s, Needs(s), line)
		}
		if HasControl(s) && !Needs(s) {
			t.Fatalf("HasControl(%+q) without Needs", s)
		}

		name := Name(s)
		checkOutput(t, s, name, modeName)
		if Line(name) != name {
			t.Fatalf("Line changes Name's output %q", name)
		}
		quoted := `"` + strings.ReplaceAll(name, `"`, `\"`) + `"`
		if back, err := strconv.Unquote(quoted); err != nil || back != s {
			t.Fatalf("Name(%+q) = %q decodes to %+q, %v", s, name, back, err)
		}
	})
}

func FuzzBlock(f *testing.F) {
	fillJoinBlocks()
	for _, s := range seeds {
		f.Add(s, []byte{1, 2, 3})
	}
	f.Fuzz(func(t *testing.T, s string, cuts []byte) {
		block := Block(s)
		checkOutput(t, s, block, modeBlock)
		if again := Block(block); again != block {
			t.Fatalf("Block not idempotent: %q -> %q", block, again)
		}

		want := escapeAll(s, modeStream)
		checkOutput(t, s, want, modeStream)
		var buf bytes.Buffer
		w := NewWriter(&buf, true)
		rest := s
		for _, c := range cuts {
			n := min(int(c)%8, len(rest))
			w.WriteString(rest[:n])
			rest = rest[n:]
		}
		w.Write([]byte(rest))
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Fatalf("Writer in chunks %v: %q, in one: %q", cuts, buf.String(), want)
		}
	})
}

// checkOutput checks what holds for every output of mode m.
func checkOutput(t *testing.T, in, out string, m mode) {
	t.Helper()
	ref := refPieces(in, m)
	if want := join(ref); out != want {
		t.Fatalf("%+q: got %q, reference %q", in, out, want)
	}
	if clean(in, m) != (escapeAll(in, m) == in) {
		t.Fatalf("%+q: clean = %v disagrees with the escaper", in, clean(in, m))
	}
	if !utf8.ValidString(out) {
		t.Fatalf("%+q: output %q is not UTF-8", in, out)
	}
	for _, r := range out {
		switch {
		case r == '\n' && m&keepNewline != 0, r == '\t' && m&keepTab != 0:
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == 0x2028, r == 0x2029,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c,
			unicode.Is(unicode.Cf, r) && r != 0x200c && r != 0x200d:
			t.Fatalf("%+q: output %q holds %U", in, out, r)
		}
	}
	for _, p := range ref {
		if p.kept || p.text == "\n" || p.text == "\t" {
			continue
		}
		for i := 0; i < len(p.text); i++ {
			if c := p.text[i]; c < 0x20 || c >= 0x7f {
				t.Fatalf("%+q: escape %q is not printable ASCII", in, p.text)
			}
		}
	}
	if got, want := ansiWidth(out), pieceWidth(ref); got != want {
		t.Fatalf("%+q: output %q is %d cells wide, its pieces %d", in, out, got, want)
	}
}
