package termsafe

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// mode selects how newline, tab and backslash are treated; every other
// rule is the same for all outputs.
type mode uint8

const (
	escBackslash mode = 1 << iota // so that the output can be decoded
	keepNewline
	expandTab
	keepTab
)

const (
	modeLine   mode = 0
	modeName        = escBackslash
	modeBlock       = keepNewline | expandTab
	modeStream      = keepNewline | keepTab
)

// tabWidth is the distance between tab stops in Block, the terminal default,
// so a value looks as it would under cat.
const tabWidth = 8

// Line returns s for one line of a terminal: names, keys, one-line values,
// error texts. Newline, tab and carriage return become \n, \t, \r; see the
// package comment for the rest. A backslash is kept as is, so a literal
// "\x1b" in s looks like an escape; use Name where that matters, or mark
// the text with Needs. Line(Line(s)) == Line(s).
func Line(s string) string { return apply(s, modeLine) }

// Name is Line that also doubles every backslash, so that two different
// names never look the same: the output, put in double quotes with any
// double quote backslashed, is a Go string literal that decodes to s.
// Use it for config names, namespaces and field keys.
func Name(s string) string { return apply(s, modeName) }

// Block returns s for a multi-line view such as a pretty-printed value or a
// diff. Newlines are kept. Tabs become spaces up to the next multiple of 8
// columns from the start of the line, because a raw tab has no width for a
// layout to measure and lands wherever the terminal's tab stops are.
// A carriage return is escaped (\r), as it would overwrite the line; other
// characters as in Line. Block(Block(s)) == Block(s).
func Block(s string) string { return apply(s, modeBlock) }

func apply(s string, m mode) string {
	if clean(s, m) {
		return s
	}
	return escapeAll(s, m)
}

// escapeAll is the slow path, separate so the tests can compare it with clean.
func escapeAll(s string, m mode) string {
	e := newEncoder(m, len(s)+len(s)/4+8)
	e.feed(s, true)
	return string(e.out)
}

// clean reports whether the encoder would return s unchanged. It runs for
// every visible row on every frame, so printable ASCII costs two compares
// and the grapheme checks run only at the edges of a line.
func clean(s string, m mode) bool {
	edge := true // at a line start, a mark would cling to what the caller put before
	last := -1   // start of the previous rune when it is not ASCII
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			if c == '\\' && m&escBackslash != 0 {
				return false
			}
			i++
			edge, last = false, -1
			continue
		}
		if c == '\n' && m&keepNewline != 0 || c == '\t' && m&keepTab != 0 {
			if endsJoining(s, last) {
				return false
			}
			i++
			edge, last = true, -1
			continue
		}
		if c < utf8.RuneSelf {
			return false
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if n == 1 || mustEscape(r) || edge && joinsPrev(r) {
			return false
		}
		last = i
		i += n
		edge = false
	}
	return !endsJoining(s, last)
}

func endsJoining(s string, last int) bool {
	if last < 0 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[last:])
	return joinsNext(r)
}

// encoder writes the escaped form of its input to out. The Writer feeds it
// in chunks; the string functions in one.
type encoder struct {
	m    mode
	out  []byte
	edge bool // the next kept rune would follow an escape, padding or line start
	// tail is where the trailing kept runes that would join a following
	// character (prepended letters) begin in out, or -1. They stay if text
	// follows and are escaped if an escape or line end does.
	tail  int
	col   int // Block: display column at out[colAt]
	colAt int
}

func newEncoder(m mode, size int) *encoder {
	return &encoder{m: m, out: make([]byte, 0, size), edge: true, tail: -1}
}

// feed escapes s and returns how much of it was consumed: all of it, unless
// final is false and s ends inside a UTF-8 sequence.
func (e *encoder) feed(s string, final bool) int {
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\' && e.m&escBackslash != 0:
			e.escape(`\\`)
			i++
		case c >= 0x20 && c < 0x7f:
			e.out = append(e.out, c)
			e.edge, e.tail = false, -1
			i++
		case c == '\n' && e.m&keepNewline != 0:
			e.closeRun()
			e.out = append(e.out, '\n')
			e.col, e.colAt = 0, len(e.out)
			e.edge = true
			i++
		case c == '\t' && e.m&keepTab != 0:
			e.closeRun()
			e.out = append(e.out, '\t')
			e.edge = true
			i++
		case c == '\t' && e.m&expandTab != 0:
			e.closeRun()
			e.col += width(e.out[e.colAt:])
			for n := tabWidth - e.col%tabWidth; n > 0; n-- {
				e.out = append(e.out, ' ')
				e.col++
			}
			e.colAt = len(e.out)
			e.edge = true
			i++
		case c < utf8.RuneSelf:
			e.closeRun()
			e.out = appendByteEscape(e.out, c)
			e.edge = true
			i++
		default:
			if !final && !utf8.FullRuneInString(s[i:]) {
				return i
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			switch {
			case n == 1:
				e.closeRun()
				e.out = appendByteEscape(e.out, c)
				e.edge = true
			case mustEscape(r) || e.edge && joinsPrev(r):
				e.escapeRune(r)
			default:
				if !joinsNext(r) {
					e.tail = -1
				} else if e.tail < 0 {
					e.tail = len(e.out)
				}
				e.out = append(e.out, s[i:i+n]...)
				e.edge = false
			}
			i += n
		}
	}
	if final {
		e.closeRun()
	}
	return i
}

// settled returns how much of out no later input can change.
func (e *encoder) settled() int {
	if e.tail < 0 {
		return len(e.out)
	}
	return e.tail
}

// drop removes the first n bytes of out once they are written.
func (e *encoder) drop(n int) {
	e.out = e.out[:copy(e.out, e.out[n:])]
	if e.tail >= 0 {
		e.tail -= n
	}
	e.colAt = max(e.colAt-n, 0)
}

// closeRun escapes the prepended letters at the end of the kept text, before
// an escape or line end is written after them.
func (e *encoder) closeRun() {
	if e.tail < 0 {
		return
	}
	tail := string(e.out[e.tail:])
	e.out = e.out[:e.tail]
	e.tail = -1
	for _, r := range tail {
		e.out = appendRuneEscape(e.out, r)
	}
}

func (e *encoder) escape(esc string) {
	e.closeRun()
	e.out = append(e.out, esc...)
	e.edge = true
}

func (e *encoder) escapeRune(r rune) {
	e.closeRun()
	e.out = appendRuneEscape(e.out, r)
	e.edge = true
}

// width is the display width of b; escapes and most values are ASCII, which
// need no string copy to measure.
func width(b []byte) int {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return ansi.StringWidth(string(b))
		}
	}
	return len(b)
}

const hexDigits = "0123456789abcdef"

func appendByteEscape(b []byte, c byte) []byte {
	switch c {
	case '\n':
		return append(b, `\n`...)
	case '\t':
		return append(b, `\t`...)
	case '\r':
		return append(b, `\r`...)
	}
	return append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
}

func appendRuneEscape(b []byte, r rune) []byte {
	digits := 4
	b = append(b, '\\', 'u')
	if r > 0xffff {
		digits = 8
		b[len(b)-1] = 'U'
	}
	for shift := 4 * (digits - 1); shift >= 0; shift -= 4 {
		b = append(b, hexDigits[r>>shift&0xf])
	}
	return b
}
