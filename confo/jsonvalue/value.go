// Package jsonvalue is the JSON codec of confo: an immutable Value that keeps
// field order and number literals exactly, and an encoder that writes what
// Python's json.dumps writes with default arguments, so confo and the Python
// Confo library read and write the same bytes. It uses the standard library only.
package jsonvalue

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
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
// slices they are given, and the accessors hand out iterators or single
// elements, never the backing slices.
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

// Items iterates over the items of an array with their index; other kinds
// have none. Iterating copies nothing, which matters for a config of millions
// of elements.
func (v Value) Items() iter.Seq2[int, Value] {
	return func(yield func(int, Value) bool) {
		for i, it := range v.items {
			if !yield(i, it) {
				return
			}
		}
	}
}

// Members iterates over the members of an object in document order,
// duplicate keys included; other kinds have none.
func (v Value) Members() iter.Seq2[string, Value] {
	return func(yield func(string, Value) bool) {
		for _, m := range v.members {
			if !yield(m.Key, m.Value) {
				return
			}
		}
	}
}

// Item returns item i of an array; it panics when i is out of range, like
// indexing a slice.
func (v Value) Item(i int) Value { return v.items[i] }

// Member returns member i of an object; it panics when i is out of range.
func (v Value) Member(i int) Member { return v.members[i] }

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
