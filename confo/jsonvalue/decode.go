package jsonvalue

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// SyntaxError describes why Decode rejected its input.
type SyntaxError struct {
	Offset int    // byte offset of the problem in the input
	Msg    string // what was found or expected
}

func (e *SyntaxError) Error() string {
	return "invalid JSON at byte " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// maxDepth bounds nesting so that hostile input yields an error instead of
// exhausting the stack.
const maxDepth = 10000

// Decode parses one JSON text. It is strict RFC 8259 plus Python's NaN,
// Infinity and -Infinity. Strings without escapes and number literals are
// substrings of a single copy of data, so a decoded Value keeps that copy
// alive for as long as any of its strings are in use.
func Decode(data []byte) (Value, error) {
	return decodeText(string(data))
}

// DecodeImmutable is Decode without a copy of data: the Value's strings
// may point into it, so data must never change afterwards. confo decodes
// stored configs with it, whose bytes it never changes, so that a decoded
// config costs its elements and not a second copy of its bytes.
func DecodeImmutable(data []byte) (Value, error) {
	return decodeText(bytesView(data))
}

func decodeText(s string) (Value, error) {
	d := decoderPool.Get().(*decoder)
	defer d.release()
	d.s, d.pos = s, 0
	d.skipSpace()
	if d.pos == len(s) {
		return Value{}, &SyntaxError{Offset: d.pos, Msg: "empty input"}
	}
	v, err := d.value(0)
	if err != nil {
		return Value{}, err
	}
	d.skipSpace()
	if d.pos != len(s) {
		return Value{}, d.fail("unexpected data after JSON value")
	}
	return v, nil
}

// decoder holds scratch space reused across Decode calls: containers collect
// their elements on a shared stack and are copied out at their exact size,
// which avoids the garbage that growing a slice per container would make.
type decoder struct {
	s       string
	pos     int
	items   []Value
	members []Member
	buf     []byte
}

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

// maxPooledScratch keeps one huge document from pinning its scratch space.
const maxPooledScratch = 1 << 12

func (d *decoder) release() {
	d.s = ""
	clear(d.items[:cap(d.items)])
	clear(d.members[:cap(d.members)])
	d.items, d.members, d.buf = d.items[:0], d.members[:0], d.buf[:0]
	if cap(d.items) > maxPooledScratch || cap(d.members) > maxPooledScratch || cap(d.buf) > maxPooledScratch*16 {
		return
	}
	decoderPool.Put(d)
}

func (d *decoder) fail(msg string) *SyntaxError {
	if d.pos >= len(d.s) {
		msg = "unexpected end of input, " + msg
	}
	return &SyntaxError{Offset: d.pos, Msg: msg}
}

func (d *decoder) failAt(pos int, msg string) *SyntaxError {
	d.pos = pos
	return d.fail(msg)
}

func (d *decoder) skipSpace() { d.pos = spaceEnd(d.s, d.pos) }

// spaceEnd is the end of the JSON whitespace at s[i:].
func spaceEnd(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// value parses the value at d.pos; depth counts the enclosing containers.
func (d *decoder) value(depth int) (Value, error) {
	d.skipSpace()
	if d.pos >= len(d.s) {
		return Value{}, d.fail("expected value")
	}
	switch c := d.s[d.pos]; c {
	case '"':
		s, err := d.str()
		return stringOf(s), err
	case '{':
		return d.object(depth + 1)
	case '[':
		return d.array(depth + 1)
	case 't':
		return d.word("true", boolOf(true))
	case 'f':
		return d.word("false", boolOf(false))
	case 'n':
		return d.word("null", Value{})
	case 'N':
		return d.word("NaN", numberOf("NaN"))
	case 'I':
		return d.word("Infinity", numberOf("Infinity"))
	default:
		if c == '-' || c >= '0' && c <= '9' {
			end, err := scanNumber(d.s, d.pos)
			if err != nil {
				return Value{}, d.failAt(err.Offset, err.Msg)
			}
			v := numberOf(d.s[d.pos:end])
			d.pos = end
			return v, nil
		}
		return Value{}, d.fail("expected value")
	}
}

func (d *decoder) word(w string, v Value) (Value, error) {
	if !strings.HasPrefix(d.s[d.pos:], w) {
		return Value{}, d.fail("invalid literal, expected " + w)
	}
	d.pos += len(w)
	return v, nil
}

func (d *decoder) array(depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, d.fail("nesting deeper than " + strconv.Itoa(maxDepth) + " levels")
	}
	d.pos++
	d.skipSpace()
	if d.pos < len(d.s) && d.s[d.pos] == ']' {
		d.pos++
		return Value{node: emptyArray}, nil
	}
	base := len(d.items)
	for {
		item, err := d.value(depth)
		if err != nil {
			return Value{}, err
		}
		d.items = append(d.items, item)
		d.skipSpace()
		if d.pos < len(d.s) {
			switch d.s[d.pos] {
			case ',':
				d.pos++
				continue
			case ']':
				d.pos++
				items := slices.Clone(d.items[base:])
				d.items = d.items[:base]
				return arrayOf(items), nil
			}
		}
		return Value{}, d.fail("expected ',' or ']' after array element")
	}
}

func (d *decoder) object(depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, d.fail("nesting deeper than " + strconv.Itoa(maxDepth) + " levels")
	}
	d.pos++
	d.skipSpace()
	if d.pos < len(d.s) && d.s[d.pos] == '}' {
		d.pos++
		return Value{node: emptyObject}, nil
	}
	base := len(d.members)
	for {
		d.skipSpace()
		if d.pos >= len(d.s) || d.s[d.pos] != '"' {
			return Value{}, d.fail("expected string for object key")
		}
		key, err := d.str()
		if err != nil {
			return Value{}, err
		}
		d.skipSpace()
		if d.pos >= len(d.s) || d.s[d.pos] != ':' {
			return Value{}, d.fail("expected ':' after object key")
		}
		d.pos++
		val, err := d.value(depth)
		if err != nil {
			return Value{}, err
		}
		d.members = append(d.members, Member{Key: key, Value: val})
		d.skipSpace()
		if d.pos < len(d.s) {
			switch d.s[d.pos] {
			case ',':
				d.pos++
				continue
			case '}':
				d.pos++
				members := slices.Clone(d.members[base:])
				d.members = d.members[:base]
				return objectOf(members), nil
			}
		}
		return Value{}, d.fail("expected ',' or '}' after object member")
	}
}

// plainInString marks the ASCII bytes that stand for themselves inside a JSON
// string; everything else needs the slow path.
var plainInString = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str parses the string starting at the quote at d.pos.
func (d *decoder) str() (string, error) {
	s := d.s
	start := d.pos + 1
	i := start
	for {
		for i < len(s) && plainInString[s[i]] {
			i++
		}
		if i >= len(s) {
			return "", &SyntaxError{Offset: start - 1, Msg: "unterminated string"}
		}
		switch c := s[i]; {
		case c == '"':
			d.pos = i + 1
			return s[start:i], nil
		case c == '\\':
			return d.escapedStr(start, i)
		case c < 0x20:
			return "", d.failAt(i, "control character in string")
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return "", d.failAt(i, "invalid UTF-8")
			}
			i += size
		}
	}
}

// escapedStr finishes a string whose content starts at start and whose first
// backslash is at i, building the unescaped content in d.buf.
func (d *decoder) escapedStr(start, i int) (string, error) {
	s := d.s
	buf := append(d.buf[:0], s[start:i]...)
	for {
		for i < len(s) && plainInString[s[i]] {
			buf = append(buf, s[i])
			i++
		}
		if i >= len(s) {
			return "", &SyntaxError{Offset: start - 1, Msg: "unterminated string"}
		}
		c := s[i]
		switch {
		case c == '"':
			d.pos = i + 1
			d.buf = buf
			return string(buf), nil
		case c < 0x20:
			return "", d.failAt(i, "control character in string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return "", d.failAt(i, "invalid UTF-8")
			}
			buf = append(buf, s[i:i+size]...)
			i += size
			continue
		}
		// A backslash.
		if i+1 >= len(s) {
			return "", &SyntaxError{Offset: start - 1, Msg: "unterminated string"}
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := hex4(s, i+2)
			if !ok {
				return "", d.failAt(i, `invalid \u escape`)
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r < 0xDC00 && i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if lo, ok := hex4(s, i+2); ok && lo >= 0xDC00 && lo <= 0xDFFF {
						buf = utf8.AppendRune(buf, utf16.DecodeRune(r, lo))
						i += 6
						continue
					}
				}
				// A lone surrogate (which Python accepts and writes back
				// as the same escape) has no UTF-8 form; keep it as
				// WTF-8 so that the encoder can reproduce the escape.
				buf = append(buf, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
				continue
			}
			buf = utf8.AppendRune(buf, r)
			continue
		default:
			return "", d.failAt(i, "invalid escape sequence")
		}
		i += 2
	}
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// scanNumber returns the end of the number literal starting at s[i], which
// is '-' or a digit. -Infinity is accepted here because it shares the sign.
func scanNumber(s string, i int) (int, *SyntaxError) {
	if s[i] == '-' {
		i++
		if strings.HasPrefix(s[i:], "Infinity") {
			return i + len("Infinity"), nil
		}
	}
	if i < len(s) && s[i] == '0' {
		i++
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			return 0, &SyntaxError{Offset: i, Msg: "leading zeros are not allowed in numbers"}
		}
	} else if j := skipDigits(s, i); j == i {
		return 0, &SyntaxError{Offset: i, Msg: "expected digit in number"}
	} else {
		i = j
	}
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return 0, &SyntaxError{Offset: j, Msg: "expected digit after decimal point"}
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := skipDigits(s, i)
		if j == i {
			return 0, &SyntaxError{Offset: j, Msg: "expected digit in exponent"}
		}
		i = j
	}
	return i, nil
}

func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func validNumber(lit string) bool {
	if lit == "NaN" || lit == "Infinity" {
		return true
	}
	if lit == "" || lit[0] != '-' && (lit[0] < '0' || lit[0] > '9') {
		return false
	}
	end, err := scanNumber(lit, 0)
	return err == nil && end == len(lit)
}
