package confo

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the type of a JSON value.
type Kind uint8

// The JSON value kinds. Null is zero so that the zero Value is JSON null.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{
	Null:   "null",
	Bool:   "boolean",
	Number: "number",
	String: "string",
	Array:  "array",
	Object: "object",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is an immutable JSON value that remembers what the document it came
// from looked like: number literals are kept verbatim and object members keep
// their order (and any duplicate keys), so that decoding and re-encoding a
// document written by Python's json.dumps reproduces it byte for byte. The
// zero Value is JSON null.
//
// Values never share mutable state with their callers: constructors copy the
// slices they are given and accessors return copies.
type Value struct {
	kind    Kind
	b       bool
	str     string // string content for String, literal for Number
	items   []Value
	members []Member
}

// Member is one key/value pair of a JSON object.
type Member struct {
	Key   string
	Value Value
}

// ErrNotObject is returned when an object operation is applied to another kind.
var ErrNotObject = errors.New("value is not a JSON object")

// NullValue returns JSON null.
func NullValue() Value { return Value{} }

// BoolValue returns JSON true or false.
func BoolValue(b bool) Value { return Value{kind: Bool, b: b} }

// StringValue returns a JSON string. s should be UTF-8; the encoder writes
// WTF-8 encoded surrogates (as produced by Decode for lone surrogate escapes)
// back as \u escapes and any other invalid byte as \ufffd.
func StringValue(s string) Value { return Value{kind: String, str: s} }

// NumberValue returns a JSON number whose literal is kept verbatim. Besides
// RFC 8259 numbers it accepts NaN, Infinity and -Infinity, which Python's
// json module reads and writes.
func NumberValue(literal string) (Value, error) {
	if !validNumber(literal) {
		return Value{}, fmt.Errorf("invalid JSON number literal %q", literal)
	}
	return Value{kind: Number, str: literal}, nil
}

// IntValue returns a JSON number with the decimal literal of i.
func IntValue(i int64) Value {
	return Value{kind: Number, str: strconv.FormatInt(i, 10)}
}

// ArrayValue returns a JSON array of the given items.
func ArrayValue(items ...Value) Value {
	return Value{kind: Array, items: slices.Clone(items)}
}

// ObjectValue returns a JSON object with the members in the given order.
// Duplicate keys are kept, as they are by Decode.
func ObjectValue(members ...Member) Value {
	return Value{kind: Object, members: slices.Clone(members)}
}

// Kind reports the kind of v.
func (v Value) Kind() Kind { return v.kind }

// Bool returns the boolean of a Bool value and false for other kinds.
func (v Value) Bool() bool { return v.b }

// Str returns the content of a String value and "" for other kinds.
func (v Value) Str() string {
	if v.kind != String {
		return ""
	}
	return v.str
}

// Literal returns the verbatim literal of a Number value and "" for other kinds.
func (v Value) Literal() string {
	if v.kind != Number {
		return ""
	}
	return v.str
}

// Len returns the number of items of an array or members of an object, and 0
// for other kinds.
func (v Value) Len() int { return len(v.items) + len(v.members) }

// Items returns a copy of the items of an array, nil for other kinds.
func (v Value) Items() []Value { return slices.Clone(v.items) }

// Members returns a copy of the members of an object, nil for other kinds.
func (v Value) Members() []Member { return slices.Clone(v.members) }

// Field returns the value of the member called key. If the key occurs more
// than once the last occurrence wins, which is what Python's json.loads keeps.
func (v Value) Field(key string) (Value, bool) {
	if i := v.lastIndex(key); i >= 0 {
		return v.members[i].Value, true
	}
	return Value{}, false
}

func (v Value) lastIndex(key string) int {
	for i := len(v.members) - 1; i >= 0; i-- {
		if v.members[i].Key == key {
			return i
		}
	}
	return -1
}

// WithField returns a copy of the object v with key set to val. An existing
// member keeps its position so that an edited document re-encodes with only
// that member changed; with duplicate keys the last occurrence, the one
// Field reads, is replaced. A new key is appended.
func (v Value) WithField(key string, val Value) (Value, error) {
	if v.kind != Object {
		return Value{}, ErrNotObject
	}
	var members []Member
	if i := v.lastIndex(key); i >= 0 {
		members = slices.Clone(v.members)
		members[i].Value = val
	} else {
		members = make([]Member, len(v.members), len(v.members)+1)
		copy(members, v.members)
		members = append(members, Member{Key: key, Value: val})
	}
	return Value{kind: Object, members: members}, nil
}

// WithoutField returns a copy of the object v without any member called key.
func (v Value) WithoutField(key string) (Value, error) {
	if v.kind != Object {
		return Value{}, ErrNotObject
	}
	if v.lastIndex(key) < 0 {
		return v, nil
	}
	members := make([]Member, 0, len(v.members)-1)
	for _, m := range v.members {
		if m.Key != key {
			members = append(members, m)
		}
	}
	return Value{kind: Object, members: members}, nil
}

// Equal reports whether v and o are the same document: numbers are compared
// by literal (so 1 and 1.0 differ, as they do once written out) and object
// members must be in the same order.
func (v Value) Equal(o Value) bool {
	if v.kind != o.kind {
		return false
	}
	switch v.kind {
	case Bool:
		return v.b == o.b
	case Number, String:
		return v.str == o.str
	case Array:
		return slices.EqualFunc(v.items, o.items, Value.Equal)
	case Object:
		return slices.EqualFunc(v.members, o.members, func(a, b Member) bool {
			return a.Key == b.Key && a.Value.Equal(b.Value)
		})
	}
	return true
}

// String returns the encoded form of v.
func (v Value) String() string { return string(Encode(v)) }

// Interface converts v to plain Go values: nil, bool, json.Number, string,
// []any or map[string]any. Objects lose their member order, and of duplicate
// keys only the last survives.
func (v Value) Interface() any {
	switch v.kind {
	case Bool:
		return v.b
	case Number:
		return json.Number(v.str)
	case String:
		return v.str
	case Array:
		out := make([]any, len(v.items))
		for i, it := range v.items {
			out[i] = it.Interface()
		}
		return out
	case Object:
		out := make(map[string]any, len(v.members))
		for _, m := range v.members {
			out[m.Key] = m.Value.Interface()
		}
		return out
	}
	return nil
}

// ValueOf converts a Go value to a Value. It accepts nil, bool, every integer
// and floating-point kind, json.Number, string, slices and arrays, maps with
// string keys and Value itself. Map keys are sorted so that the result is
// deterministic, and nil slices and maps become empty arrays and objects
// because their type says which they are. Floats are written the way Python's
// repr writes them, so a value converted here encodes exactly as the Python
// tool would write the same float.
func ValueOf(x any) (Value, error) {
	switch x := x.(type) {
	case nil:
		return Value{}, nil
	case Value:
		return x, nil
	case bool:
		return BoolValue(x), nil
	case string:
		return StringValue(x), nil
	case json.Number:
		return NumberValue(string(x))
	case int:
		return IntValue(int64(x)), nil
	case int64:
		return IntValue(x), nil
	case float64:
		return floatValue(x, 64), nil
	case []any:
		items := make([]Value, len(x))
		for i, e := range x {
			var err error
			if items[i], err = ValueOf(e); err != nil {
				return Value{}, err
			}
		}
		return Value{kind: Array, items: items}, nil
	case map[string]any:
		members := make([]Member, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			val, err := ValueOf(x[k])
			if err != nil {
				return Value{}, err
			}
			members = append(members, Member{Key: k, Value: val})
		}
		return Value{kind: Object, members: members}, nil
	}
	return reflectValueOf(reflect.ValueOf(x))
}

// reflectValueOf handles what ValueOf's fast path does not: the other numeric
// types, named types and typed slices and maps.
func reflectValueOf(rv reflect.Value) (Value, error) {
	switch rv.Kind() {
	case reflect.Bool:
		return BoolValue(rv.Bool()), nil
	case reflect.String:
		return StringValue(rv.String()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return IntValue(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return Value{kind: Number, str: strconv.FormatUint(rv.Uint(), 10)}, nil
	case reflect.Float32:
		// Shortest float32 digits, so float32(0.1) reads back as 0.1 rather
		// than as the float64 widening 0.10000000149011612.
		return floatValue(rv.Float(), 32), nil
	case reflect.Float64:
		return floatValue(rv.Float(), 64), nil
	case reflect.Slice, reflect.Array:
		items := make([]Value, rv.Len())
		for i := range items {
			var err error
			if items[i], err = ValueOf(rv.Index(i).Interface()); err != nil {
				return Value{}, err
			}
		}
		return Value{kind: Array, items: items}, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		keys := rv.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		members := make([]Member, len(keys))
		for i, k := range keys {
			val, err := ValueOf(rv.MapIndex(k).Interface())
			if err != nil {
				return Value{}, err
			}
			members[i] = Member{Key: k.String(), Value: val}
		}
		return Value{kind: Object, members: members}, nil
	}
	return Value{}, fmt.Errorf("cannot convert %s to a JSON value", rv.Type())
}

// floatValue formats f like Python's float repr: the shortest digits that
// read back as the same float, in positional notation with at least one
// fractional digit when the decimal exponent is in [-4, 16), otherwise in
// exponent notation with a signed exponent of at least two digits.
func floatValue(f float64, bitSize int) Value {
	switch {
	case math.IsNaN(f):
		return Value{kind: Number, str: "NaN"}
	case math.IsInf(f, 1):
		return Value{kind: Number, str: "Infinity"}
	case math.IsInf(f, -1):
		return Value{kind: Number, str: "-Infinity"}
	}
	var buf [32]byte
	sci := strconv.AppendFloat(buf[:0], f, 'e', -1, bitSize)
	out := make([]byte, 0, 32)
	if sci[0] == '-' {
		out = append(out, '-')
		sci = sci[1:]
	}
	ePos := slices.Index(sci, 'e')
	exp, _ := strconv.Atoi(string(sci[ePos+1:]))
	digits := slices.DeleteFunc(sci[:ePos], func(c byte) bool { return c == '.' })

	switch {
	case exp < -4 || exp >= 16:
		out = append(out, digits[0])
		if len(digits) > 1 {
			out = append(out, '.')
			out = append(out, digits[1:]...)
		}
		out = append(out, 'e')
		if exp < 0 {
			out = append(out, '-')
			exp = -exp
		} else {
			out = append(out, '+')
		}
		if exp < 10 {
			out = append(out, '0')
		}
		out = strconv.AppendInt(out, int64(exp), 10)
	case exp < 0:
		out = append(out, "0."...)
		for range -exp - 1 {
			out = append(out, '0')
		}
		out = append(out, digits...)
	case len(digits) <= exp+1:
		out = append(out, digits...)
		for range exp + 1 - len(digits) {
			out = append(out, '0')
		}
		out = append(out, ".0"...)
	default:
		out = append(out, digits[:exp+1]...)
		out = append(out, '.')
		out = append(out, digits[exp+1:]...)
	}
	return Value{kind: Number, str: string(out)}
}

// MarshalJSON returns Encode(v). Note that encoding/json compacts (removing
// the separator spaces) and validates what this returns, so NaN and Infinity
// make json.Marshal fail; use Encode for Python-compatible output.
func (v Value) MarshalJSON() ([]byte, error) { return Encode(v), nil }

// UnmarshalJSON decodes b into v.
func (v *Value) UnmarshalJSON(b []byte) error {
	d, err := Decode(b)
	if err != nil {
		return err
	}
	*v = d
	return nil
}

// ParseLiteral interprets text typed by a user: if it is a complete JSON text
// (ignoring surrounding ASCII whitespace) it is that value, otherwise it is the
// string text itself. So 3306 is a number and "x" (with quotes) the string x,
// while 00014, which JSON does not allow, stays the string "00014". NaN and
// Infinity are numbers, as they are to the Python tool.
func ParseLiteral(text string) Value {
	if v, err := decodeText(strings.Trim(text, " \t\n\r\f\v")); err == nil {
		return v
	}
	return StringValue(text)
}

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

func (d *decoder) skipSpace() {
	for d.pos < len(d.s) {
		switch d.s[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
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
		return Value{kind: String, str: s}, err
	case '{':
		return d.object(depth + 1)
	case '[':
		return d.array(depth + 1)
	case 't':
		return d.word("true", Value{kind: Bool, b: true})
	case 'f':
		return d.word("false", Value{kind: Bool})
	case 'n':
		return d.word("null", Value{})
	case 'N':
		return d.word("NaN", Value{kind: Number, str: "NaN"})
	case 'I':
		return d.word("Infinity", Value{kind: Number, str: "Infinity"})
	default:
		if c == '-' || c >= '0' && c <= '9' {
			end, err := scanNumber(d.s, d.pos)
			if err != nil {
				return Value{}, d.failAt(err.Offset, err.Msg)
			}
			v := Value{kind: Number, str: d.s[d.pos:end]}
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
		return Value{kind: Array}, nil
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
				return Value{kind: Array, items: items}, nil
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
		return Value{kind: Object}, nil
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
				return Value{kind: Object, members: members}, nil
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
	digits := func(what string) *SyntaxError {
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return &SyntaxError{Offset: i, Msg: "expected digit " + what}
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return nil
	}
	if i < len(s) && s[i] == '0' {
		i++
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			return 0, &SyntaxError{Offset: i, Msg: "leading zeros are not allowed in numbers"}
		}
	} else if err := digits("in number"); err != nil {
		return 0, err
	}
	if i < len(s) && s[i] == '.' {
		i++
		if err := digits("after decimal point"); err != nil {
			return 0, err
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if err := digits("in exponent"); err != nil {
			return 0, err
		}
	}
	return i, nil
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

// Encode returns v written exactly as Python's json.dumps(obj) writes it with
// default arguments.
func Encode(v Value) []byte {
	return AppendEncode(make([]byte, 0, 256), v)
}

// AppendEncode appends the encoding of v (see Encode) to dst.
func AppendEncode(dst []byte, v Value) []byte {
	switch v.kind {
	case Bool:
		if v.b {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case Number:
		return append(dst, v.str...)
	case String:
		return appendString(dst, v.str)
	case Array:
		dst = append(dst, '[')
		for i, it := range v.items {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendEncode(dst, it)
		}
		return append(dst, ']')
	case Object:
		dst = append(dst, '{')
		for i, m := range v.members {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendString(dst, m.Key)
			dst = append(dst, ": "...)
			dst = AppendEncode(dst, m.Value)
		}
		return append(dst, '}')
	}
	return append(dst, "null"...)
}

// plainOut marks the bytes Python's ensure_ascii output writes unescaped.
var plainOut = func() (t [256]bool) {
	for c := 0x20; c < 0x7F; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plainOut[c] {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = appendU(dst, rune(c))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if size == 1 && c == 0xED && i+2 < len(s) && s[i+1]&0xE0 == 0xA0 && s[i+2]&0xC0 == 0x80 {
			// The WTF-8 form of a surrogate, as Decode stores a lone one.
			r, size = 0xD000|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
		}
		if r > 0xFFFF {
			hi, lo := utf16.EncodeRune(r)
			dst = appendU(appendU(dst, hi), lo)
		} else {
			dst = appendU(dst, r)
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}
