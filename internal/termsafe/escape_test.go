package termsafe

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"
)

func TestLineC0AndDEL(t *testing.T) {
	named := map[byte]string{'\n': `\n`, '\t': `\t`, '\r': `\r`}
	for c := byte(0); c < 0x20; c++ {
		want, ok := named[c]
		if !ok {
			want = fmt.Sprintf(`\x%02x`, c)
		}
		check(t, Line, "a"+string(c)+"b", "a"+want+"b")
	}
	check(t, Line, "a\x7fb", `a\x7fb`)
}

func TestLineC1(t *testing.T) {
	for r := rune(0x80); r < 0xa0; r++ {
		check(t, Line, "a"+string(r)+"b", fmt.Sprintf(`a\u%04xb`, r))
	}
}

func TestLineBidiAndFormat(t *testing.T) {
	bidi := []rune{0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c}
	for _, r := range bidi {
		check(t, Line, "a"+string(r)+"b", fmt.Sprintf(`a\u%04xb`, r))
	}
	for in, want := range map[string]string{
		"ad\u200bmin":           `ad\u200bmin`, // zero-width space: "admin" lookalike
		"\ufeffname":            `\ufeffname`,
		"soft\u00adhyphen":      `soft\u00adhyphen`,
		"a\u2028b\u2029c":       `a\u2028b\u2029c`,
		"x\U000e0041\U000e0042": `x\U000e0041\U000e0042`, // tag characters, hidden ASCII
		"\u2060\u2064":          `\u2060\u2064`,
	} {
		check(t, Line, in, want)
	}
}

func TestLineInvalidUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"\xff":             `\xff`,
		"a\x9b31mb":        `a\x9b31mb`, // a raw 8-bit CSI byte
		"\xc3":             `\xc3`,      // truncated é
		"\xc3(":            `\xc3(`,
		"\xed\xa0\x80":     `\xed\xa0\x80`,     // surrogate half
		"\xc0\xaf":         `\xc0\xaf`,         // overlong slash
		"\xf4\x90\x80\x80": `\xf4\x90\x80\x80`, // above U+10FFFF
		"ok\ufffd":         "ok\ufffd",         // a real U+FFFD is text
	} {
		check(t, Line, in, want)
	}
}

func TestLineSequences(t *testing.T) {
	for _, c := range []struct{ name, in, line, name2 string }{
		{"CSI", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`, ""},
		{"OSC 52 BEL", "ns\x1b]52;c;aGk=\x07", `ns\x1b]52;c;aGk=\x07`, ""},
		{"OSC ST", "\x1b]0;pwned\x1b\\", `\x1b]0;pwned\x1b\`, `\x1b]0;pwned\x1b\\`},
		{"OSC 8", "\x1b]8;;http://x\x1b\\a\x1b]8;;\x1b\\", `\x1b]8;;http://x\x1b\a\x1b]8;;\x1b\`, `\x1b]8;;http://x\x1b\\a\x1b]8;;\x1b\\`},
		{"DCS", "\x1bP1$r\x1b\\", `\x1bP1$r\x1b\`, `\x1bP1$r\x1b\\`},
		{"APC", "\x1b_Gf=24;AAAA\x1b\\", `\x1b_Gf=24;AAAA\x1b\`, `\x1b_Gf=24;AAAA\x1b\\`},
		{"PM", "\x1b^pm\x1b\\", `\x1b^pm\x1b\`, `\x1b^pm\x1b\\`},
		{"SOS", "\x1bXsos\x1b\\", `\x1bXsos\x1b\`, `\x1bXsos\x1b\\`},
		{"8-bit CSI", "\u009b31m", `\u009b31m`, ""},
		{"8-bit OSC ST", "\u009d0;t\u009c", `\u009d0;t\u009c`, ""},
		{"8-bit APC", "\u009fx\u009c", `\u009fx\u009c`, ""},
		{"cursor up, erase", "ok\r\x1b[1A\x1b[2K", `ok\r\x1b[1A\x1b[2K`, ""},
		{"backspace", "adm\bin", `adm\x08in`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			check(t, Line, c.in, c.line)
			if c.name2 == "" {
				c.name2 = c.line
			}
			check(t, Name, c.in, c.name2)
			check(t, Block, c.in, c.line)
		})
	}
}

func TestPrintableUnchanged(t *testing.T) {
	for _, s := range []string{
		"", "plain-name_1.2", `C:\temp\x1b`, "日本語の設定", "한국어", "Ελληνικά", "مرحبا بالعالم",
		"नमस्ते", "e\u0301te\u0301", "😀 👍🏽 👨‍👩‍👧 🇺🇸", "1\ufe0f\u20e3", "می\u200cخواهم",
		"\u0d4e\u0d15", // prepended letter before its consonant
		"a\u0301\u0302\u0303",
	} {
		for _, f := range []func(string) string{Line, Block} {
			check(t, f, s, s)
		}
		if Needs(s) || HasControl(s) {
			t.Errorf("Needs/HasControl(%+q) = true", s)
		}
	}
}

func TestNameKeepsNamesApart(t *testing.T) {
	a, b := "a\x1bb", `a\x1bb`
	if Line(a) != Line(b) {
		t.Fatalf("Line no longer collides; update the doc")
	}
	if Name(a) == Name(b) {
		t.Fatalf("Name(%+q) == Name(%+q) == %q", a, b, Name(a))
	}
	check(t, Name, `C:\temp`, `C:\\temp`)
	check(t, Name, "\\\u0301", `\\\u0301`) // a mark after an escaped backslash
}

// A mark after an escape or at a line start, and a prepended letter before
// an escape or at a line end, are escaped too.
func TestGraphemeEdges(t *testing.T) {
	for _, c := range []struct{ in, line, block string }{
		{"\x1b\u0301", `\x1b\u0301`, ""},
		{"\x00\ufe0f", `\x00\ufe0f`, ""}, // else measured as a two-cell keycap "0️"
		{"\x01\u0e33", `\x01\u0e33`, ""}, // spacing mark
		{"\x01\u200d", `\x01\u200d`, ""},
		{"\x01\u0301\u0302", `\x01\u0301\u0302`, ""},
		{"\u0301abc", `\u0301abc`, ""},
		{"\u0d4e\x00", `\u0d4e\x00`, ""},
		{"x\u0d4e\u0d4e\x00", `x\u0d4e\u0d4e\x00`, ""},
		{"\u0d4e", `\u0d4e`, ""},
		{"a\u0d4e\nb", `a\u0d4e\nb`, "a\\u0d4e\nb"},
		{"a\n\u0301b", `a\n\u0301b`, "a\n\\u0301b"},
		{"\u0d4e\tx", `\u0d4e\tx`, `\u0d4e` + "  x"},
		{"\t\u0301", `\t\u0301`, "        \\u0301"},
	} {
		check(t, Line, c.in, c.line)
		if c.block == "" {
			c.block = c.line
		}
		check(t, Block, c.in, c.block)
		if !Needs(c.in) {
			t.Errorf("Needs(%+q) = false", c.in)
		}
	}
	if HasControl("\u0301abc") || HasControl("\u0d4e") {
		t.Errorf("HasControl counts edge marks")
	}
}

func TestBlock(t *testing.T) {
	for in, want := range map[string]string{
		"a\tb":                 "a       b",
		"{\n\t\"k\": 1\n}":     "{\n        \"k\": 1\n}",
		"ab\tc\n\td":           "ab      c\n        d",
		"日本\tx":                "日本    x",
		"\x01\tx":              `\x01` + "    x",
		"12345678\tx":          "12345678        x",
		"line\r\nnext\r\n":     "line\\r\nnext\\r\n",
		"- old\x1b[31m\n+ new": "- old\\x1b[31m\n+ new",
	} {
		check(t, Block, in, want)
	}
}

func TestHasControlAndNeeds(t *testing.T) {
	for s, want := range map[string]bool{
		"name": false, `back\slash`: false, "日本": false, "👨‍👩‍👧": false,
		"a\nb": true, "a\tb": true, "\x1b": true, "\x7f": true, "\u0085": true,
		"\u202e": true, "\u2066": true, "\u200b": true, "\xff": true, "\u2028": true,
	} {
		if got := HasControl(s); got != want {
			t.Errorf("HasControl(%+q) = %v", s, got)
		}
		if got := Needs(s); got != want {
			t.Errorf("Needs(%+q) = %v", s, got)
		}
	}
}

func TestCleanReturnsInputWithoutAllocating(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("config-name.prod ", 4),
		"日本語の設定-😀", // non-ASCII at both edges: the grapheme checks run
		"e\u0301\u0d4e\u0d15👍🏽",
	} {
		for _, f := range []func(string) string{Line, Name, Block} {
			if got := f(s); unsafe.StringData(got) != unsafe.StringData(s) {
				t.Fatalf("clean %q was copied", s)
			}
			if n := testing.AllocsPerRun(100, func() { f(s) }); n != 0 {
				t.Fatalf("%v allocations on the clean path for %q", n, s)
			}
		}
		if n := testing.AllocsPerRun(100, func() { Needs(s); HasControl(s) }); n != 0 {
			t.Fatalf("%v allocations in Needs/HasControl", n)
		}
	}
}

func check(t *testing.T, f func(string) string, in, want string) {
	t.Helper()
	if got := f(in); got != want {
		t.Errorf("(%+q) = %q, want %q", in, got, want)
	}
}
