package jsonvalue

import (
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// The scanner walks a document without building values: it accepts exactly
// what Decode accepts (FuzzScan checks it) and reports where the members of
// the top-level object start and end. Field edits of a config of millions of
// fields are spliced into its stored bytes with it, at the cost of a pass
// over those bytes instead of a tree of millions of values.

// bytesView reads b as a string without copying it. The scanner never keeps
// what it reads past the call, and callers copy what they keep.
func bytesView(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// span is one member of an object: lead is where the text before its key
// starts (the ',' and spaces, or the spaces after '{' for the first), key
// is its quoted key and val its value; escaped says the key holds a
// backslash.
type span struct {
	lead, keyStart, keyEnd, valStart, valEnd int
	escaped                                  bool
}

// rawKey is the key's text between its quotes, escapes still in place.
func (m span) rawKey(s string) string { return s[m.keyStart+1 : m.keyEnd-1] }

// key is the member's key: its text between the quotes, unescaped only when
// it holds a backslash.
func (m span) key(s string) string {
	raw := m.rawKey(s)
	if !m.escaped {
		return raw
	}
	k, _ := decodeText(s[m.keyStart:m.keyEnd]) // validated by the scan
	return k.str
}

// scanner validates JSON as Decode does.
type scanner struct {
	s   string
	pos int
	// escaped: the last string scanned held a backslash.
	escaped bool
}

func (sc *scanner) fail(msg string) *SyntaxError {
	if sc.pos >= len(sc.s) {
		msg = "unexpected end of input, " + msg
	}
	return &SyntaxError{Offset: sc.pos, Msg: msg}
}

func (sc *scanner) skipSpace() { sc.pos = spaceEnd(sc.s, sc.pos) }

// value skips the value at sc.pos; depth counts the enclosing containers.
func (sc *scanner) value(depth int) error {
	sc.skipSpace()
	if sc.pos >= len(sc.s) {
		return sc.fail("expected value")
	}
	switch c := sc.s[sc.pos]; c {
	case '"':
		return sc.str()
	case '{', '[':
		return sc.container(depth + 1)
	case 't':
		return sc.word("true")
	case 'f':
		return sc.word("false")
	case 'n':
		return sc.word("null")
	case 'N':
		return sc.word("NaN")
	case 'I':
		return sc.word("Infinity")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			end, err := scanNumber(sc.s, sc.pos)
			if err != nil {
				sc.pos = err.Offset
				return sc.fail(err.Msg)
			}
			sc.pos = end
			return nil
		}
		return sc.fail("expected value")
	}
}

func (sc *scanner) word(w string) error {
	if !strings.HasPrefix(sc.s[sc.pos:], w) {
		return sc.fail("invalid literal, expected " + w)
	}
	sc.pos += len(w)
	return nil
}

// container skips an array or an object.
func (sc *scanner) container(depth int) error {
	if depth > maxDepth {
		return sc.fail("nesting deeper than " + strconv.Itoa(maxDepth) + " levels")
	}
	if sc.s[sc.pos] == '[' {
		return sc.array(depth)
	}
	_, err := sc.members(depth, nil)
	return err
}

func (sc *scanner) array(depth int) error {
	sc.pos++
	sc.skipSpace()
	if sc.pos < len(sc.s) && sc.s[sc.pos] == ']' {
		sc.pos++
		return nil
	}
	for {
		if err := sc.value(depth); err != nil {
			return err
		}
		if done, err := sc.after(']', "expected ',' or ']' after array element"); done || err != nil {
			return err
		}
	}
}

// after skips what follows an element of a container: a ',' (done is
// false) or the container's closing byte (done is true).
func (sc *scanner) after(closing byte, msg string) (done bool, err error) {
	sc.skipSpace()
	if sc.pos < len(sc.s) {
		switch sc.s[sc.pos] {
		case ',':
			sc.pos++
			return false, nil
		case closing:
			sc.pos++
			return true, nil
		}
	}
	return false, sc.fail(msg)
}

// members skips the object at sc.pos, calling each (when not nil) with
// every member in order; it returns the offset of the closing '}'.
func (sc *scanner) members(depth int, each func(span)) (int, error) {
	sc.pos++
	lead := sc.pos
	sc.skipSpace()
	if sc.pos < len(sc.s) && sc.s[sc.pos] == '}' {
		sc.pos++
		return sc.pos - 1, nil
	}
	for {
		sc.skipSpace()
		if sc.pos >= len(sc.s) || sc.s[sc.pos] != '"' {
			return 0, sc.fail("expected string for object key")
		}
		m := span{lead: lead, keyStart: sc.pos}
		if err := sc.str(); err != nil {
			return 0, err
		}
		m.keyEnd, m.escaped = sc.pos, sc.escaped
		sc.skipSpace()
		if sc.pos >= len(sc.s) || sc.s[sc.pos] != ':' {
			return 0, sc.fail("expected ':' after object key")
		}
		sc.pos++
		sc.skipSpace()
		m.valStart = sc.pos
		if err := sc.value(depth); err != nil {
			return 0, err
		}
		m.valEnd = sc.pos
		if each != nil {
			each(m)
		}
		lead = sc.pos
		if done, err := sc.after('}', "expected ',' or '}' after object member"); err != nil {
			return 0, err
		} else if done {
			return sc.pos - 1, nil
		}
	}
}

// str skips the string starting at the quote at sc.pos, checking it as
// decoder.str and decoder.escapedStr do.
func (sc *scanner) str() error {
	s := sc.s
	start := sc.pos
	i := start + 1
	sc.escaped = false
	for {
		for i < len(s) && plainInString[s[i]] {
			i++
		}
		if i >= len(s) {
			return &SyntaxError{Offset: start, Msg: "unterminated string"}
		}
		switch c := s[i]; {
		case c == '"':
			sc.pos = i + 1
			return nil
		case c < 0x20:
			sc.pos = i
			return sc.fail("control character in string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				sc.pos = i
				return sc.fail("invalid UTF-8")
			}
			i += size
			continue
		}
		// A backslash.
		sc.escaped = true
		if i+1 >= len(s) {
			return &SyntaxError{Offset: start, Msg: "unterminated string"}
		}
		switch s[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if _, ok := hex4(s, i+2); !ok {
				sc.pos = i
				return sc.fail(`invalid \u escape`)
			}
			i += 6
		default:
			sc.pos = i
			return sc.fail("invalid escape sequence")
		}
	}
}

// scanObject checks that s is one JSON object (with optional surrounding
// space) and calls each with its members in order. It returns the offsets
// of the object's '{' and '}'; an s that is valid JSON but not an object
// gives ErrNotObject.
func scanObject(s string, each func(span)) (open, close int, err error) {
	sc := scanner{s: s}
	sc.skipSpace()
	if sc.pos == len(s) {
		return 0, 0, &SyntaxError{Offset: sc.pos, Msg: "empty input"}
	}
	open = sc.pos
	if s[open] != '{' {
		if err := sc.value(0); err != nil {
			return 0, 0, err
		}
		if err := sc.end(); err != nil {
			return 0, 0, err
		}
		return 0, 0, ErrNotObject
	}
	if close, err = sc.members(1, each); err != nil {
		return 0, 0, err
	}
	return open, close, sc.end()
}

func (sc *scanner) end() error {
	sc.skipSpace()
	if sc.pos != len(sc.s) {
		return sc.fail("unexpected data after JSON value")
	}
	return nil
}

// Valid checks data as Decode would, without building a value: it
// allocates nothing, so a backend's whole content can be checked on its way
// to an export. It returns the *SyntaxError Decode would.
func Valid(data []byte) error {
	sc := scanner{s: bytesView(data)}
	sc.skipSpace()
	if sc.pos == len(sc.s) {
		return &SyntaxError{Offset: sc.pos, Msg: "empty input"}
	}
	if err := sc.value(0); err != nil {
		return err
	}
	return sc.end()
}

// ObjectKind checks data as Decode would and reports whether it is a JSON
// object, without building a value: nil for an object, ErrNotObject for any
// other valid JSON, else the *SyntaxError Decode would return.
func ObjectKind(data []byte) error {
	_, _, err := scanObject(bytesView(data), nil)
	return err
}

// ObjectField returns the value of the member called key in the JSON object
// data (the last one, as Value.Field does) without decoding the others.
func ObjectField(data []byte, key string) (Value, bool, error) {
	v, ok, _, err := Locate(data, key)
	return v, ok, err
}

// Location is where one key's value sits in an object document, as Locate
// found it: Patch.SetAt keeps it so that Splice can write the new value in
// without scanning the document again.
type Location struct {
	// doc identifies the bytes it was found in (their first byte and
	// length): stored configs are never changed in place, so the same
	// slice means the same bytes.
	doc *byte
	n   int
	// start, end: the last member's value; when the key is absent, start
	// is where a new member goes (after the last member, or after '{')
	// and end is -1.
	start, end int
	// comma: a new member needs ", " before it.
	comma bool
}

func (l *Location) of(doc []byte) bool {
	return l != nil && l.n == len(doc) && len(doc) > 0 && l.doc == &doc[0]
}

// Locate is ObjectField that also says where the value is, or where a
// member of that key would be added.
func Locate(data []byte, key string) (Value, bool, Location, error) {
	s := bytesView(data)
	var found span
	last, members, lastEnd := -1, 0, -1
	open, _, err := scanObject(s, func(m span) {
		if raw := s[m.keyStart+1 : m.keyEnd-1]; raw == key && !m.escaped || m.escaped && m.key(s) == key {
			found, last = m, m.valStart
		}
		members++
		lastEnd = m.valEnd
	})
	if err != nil {
		return Value{}, false, Location{}, err
	}
	loc := Location{doc: &data[0], n: len(data), start: open + 1, end: -1}
	if members > 0 {
		loc.start, loc.comma = lastEnd, true
	}
	if last < 0 {
		return Value{}, false, loc, nil
	}
	loc.start, loc.end = found.valStart, found.valEnd
	// Copied: the Value's strings must not point into data.
	v, err := decodeText(strings.Clone(s[found.valStart:found.valEnd]))
	return v, err == nil, loc, err
}
