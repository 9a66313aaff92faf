package jsonvalue

import (
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Valid reports whether data is one JSON text that Decode accepts, without
// building a Value: it allocates nothing and runs several times faster, so
// a backend's whole content can be checked on its way to an export. It
// returns exactly the *SyntaxError Decode would.
func Valid(data []byte) error {
	// The text is only read while Valid runs and never kept, so it can
	// share data's memory instead of copying a value that may be 50 MB.
	v := validator{s: unsafe.String(unsafe.SliceData(data), len(data))}
	v.skipSpace()
	if v.pos == len(v.s) {
		return &SyntaxError{Offset: v.pos, Msg: "empty input"}
	}
	if err := v.value(0); err != nil {
		return err
	}
	v.skipSpace()
	if v.pos != len(v.s) {
		return v.fail("unexpected data after JSON value")
	}
	return nil
}

// validator walks a text the way decoder does, in the same order and with
// the same messages, keeping nothing.
type validator struct {
	s   string
	pos int
}

func (v *validator) fail(msg string) *SyntaxError {
	if v.pos >= len(v.s) {
		msg = "unexpected end of input, " + msg
	}
	return &SyntaxError{Offset: v.pos, Msg: msg}
}

func (v *validator) failAt(pos int, msg string) *SyntaxError {
	v.pos = pos
	return v.fail(msg)
}

func (v *validator) skipSpace() {
	for v.pos < len(v.s) {
		switch v.s[v.pos] {
		case ' ', '\t', '\n', '\r':
			v.pos++
		default:
			return
		}
	}
}

func (v *validator) value(depth int) error {
	v.skipSpace()
	if v.pos >= len(v.s) {
		return v.fail("expected value")
	}
	switch c := v.s[v.pos]; c {
	case '"':
		return v.str()
	case '{':
		return v.object(depth + 1)
	case '[':
		return v.array(depth + 1)
	case 't':
		return v.word("true")
	case 'f':
		return v.word("false")
	case 'n':
		return v.word("null")
	case 'N':
		return v.word("NaN")
	case 'I':
		return v.word("Infinity")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			end, err := scanNumber(v.s, v.pos)
			if err != nil {
				return v.failAt(err.Offset, err.Msg)
			}
			v.pos = end
			return nil
		}
		return v.fail("expected value")
	}
}

func (v *validator) word(w string) error {
	if !strings.HasPrefix(v.s[v.pos:], w) {
		return v.fail("invalid literal, expected " + w)
	}
	v.pos += len(w)
	return nil
}

func (v *validator) array(depth int) error {
	if depth > maxDepth {
		return v.fail("nesting deeper than " + strconv.Itoa(maxDepth) + " levels")
	}
	v.pos++
	v.skipSpace()
	if v.pos < len(v.s) && v.s[v.pos] == ']' {
		v.pos++
		return nil
	}
	for {
		if err := v.value(depth); err != nil {
			return err
		}
		v.skipSpace()
		if v.pos < len(v.s) {
			switch v.s[v.pos] {
			case ',':
				v.pos++
				continue
			case ']':
				v.pos++
				return nil
			}
		}
		return v.fail("expected ',' or ']' after array element")
	}
}

func (v *validator) object(depth int) error {
	if depth > maxDepth {
		return v.fail("nesting deeper than " + strconv.Itoa(maxDepth) + " levels")
	}
	v.pos++
	v.skipSpace()
	if v.pos < len(v.s) && v.s[v.pos] == '}' {
		v.pos++
		return nil
	}
	for {
		v.skipSpace()
		if v.pos >= len(v.s) || v.s[v.pos] != '"' {
			return v.fail("expected string for object key")
		}
		if err := v.str(); err != nil {
			return err
		}
		v.skipSpace()
		if v.pos >= len(v.s) || v.s[v.pos] != ':' {
			return v.fail("expected ':' after object key")
		}
		v.pos++
		if err := v.value(depth); err != nil {
			return err
		}
		v.skipSpace()
		if v.pos < len(v.s) {
			switch v.s[v.pos] {
			case ',':
				v.pos++
				continue
			case '}':
				v.pos++
				return nil
			}
		}
		return v.fail("expected ',' or '}' after object member")
	}
}

// str checks the string starting at the quote at v.pos. Unlike the
// decoder it has no separate path for escapes: it only has to find the
// errors the decoder finds, at the same offsets.
func (v *validator) str() error {
	s := v.s
	start := v.pos + 1
	i := start
	for {
		for i < len(s) && plainInString[s[i]] {
			i++
		}
		if i >= len(s) {
			return &SyntaxError{Offset: start - 1, Msg: "unterminated string"}
		}
		switch c := s[i]; {
		case c == '"':
			v.pos = i + 1
			return nil
		case c < 0x20:
			return v.failAt(i, "control character in string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return v.failAt(i, "invalid UTF-8")
			}
			i += size
			continue
		}
		// A backslash.
		if i+1 >= len(s) {
			return &SyntaxError{Offset: start - 1, Msg: "unterminated string"}
		}
		switch s[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			// Every \u escape is accepted once its four hex digits are there:
			// lone surrogates decode too (Python writes them).
			if _, ok := hex4(s, i+2); !ok {
				return v.failAt(i, `invalid \u escape`)
			}
			i += 6
		default:
			return v.failAt(i, "invalid escape sequence")
		}
	}
}
