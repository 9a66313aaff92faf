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
	str  string // string content for String, literal for Number
	node *node  // nil for null
}

// node is the rest of a Value: its kind, and the elements of a container.
// Scalars share one node per kind, so a Value is 24 bytes and a Member 40,
// which is most of the memory of a decoded config of millions of fields.
// Nodes are never changed once made.
type node struct {
	kind    Kind
	b       bool
	items   []Value
	members []Member
}

var (
	trueNode    = &node{kind: Bool, b: true}
	falseNode   = &node{kind: Bool}
	numberNode  = &node{kind: Number}
	stringNode  = &node{kind: String}
	emptyArray  = &node{kind: Array}
	emptyObject = &node{kind: Object}
)

func numberOf(literal string) Value { return Value{str: literal, node: numberNode} }
func stringOf(s string) Value       { return Value{str: s, node: stringNode} }

func boolOf(b bool) Value {
	if b {
		return Value{node: trueNode}
	}
	return Value{node: falseNode}
}

func arrayOf(items []Value) Value {
	if len(items) == 0 {
		return Value{node: emptyArray}
	}
	return Value{node: &node{kind: Array, items: items}}
}

func objectOf(members []Member) Value {
	if len(members) == 0 {
		return Value{node: emptyObject}
	}
	return Value{node: &node{kind: Object, members: members}}
}

// itemList and memberList are the elements of an array or an object, nil
// for other kinds; callers never change them.
func (v Value) itemList() []Value {
	if v.node == nil {
		return nil
	}
	return v.node.items
}

func (v Value) memberList() []Member {
	if v.node == nil {
		return nil
	}
	return v.node.members
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
func BoolValue(b bool) Value { return boolOf(b) }

// StringValue returns a JSON string. s should be UTF-8; the encoder writes
// WTF-8 encoded surrogates (as produced by Decode for lone surrogate escapes)
// back as \u escapes and any other invalid byte as \ufffd.
func StringValue(s string) Value { return stringOf(s) }

// NumberValue returns a JSON number whose literal is kept verbatim. Besides
// RFC 8259 numbers it accepts NaN, Infinity and -Infinity, which Python's
// json module reads and writes.
func NumberValue(literal string) (Value, error) {
	if !validNumber(literal) {
		return Value{}, fmt.Errorf("invalid JSON number literal %q", literal)
	}
	return numberOf(literal), nil
}

// IntValue returns a JSON number with the decimal literal of i.
func IntValue(i int64) Value {
	return numberOf(strconv.FormatInt(i, 10))
}

// ArrayValue returns a JSON array of the given items.
func ArrayValue(items ...Value) Value {
	return arrayOf(slices.Clone(items))
}

// ObjectValue returns a JSON object with the members in the given order.
// Duplicate keys are kept, as they are by Decode.
func ObjectValue(members ...Member) Value {
	return objectOf(slices.Clone(members))
}

// Kind reports the kind of v.
func (v Value) Kind() Kind {
	if v.node == nil {
		return Null
	}
	return v.node.kind
}

// Bool returns the boolean of a Bool value and false for other kinds.
func (v Value) Bool() bool { return v.node == trueNode }

// Str returns the content of a String value and "" for other kinds.
func (v Value) Str() string {
	if v.Kind() != String {
		return ""
	}
	return v.str
}

// Literal returns the verbatim literal of a Number value and "" for other kinds.
func (v Value) Literal() string {
	if v.Kind() != Number {
		return ""
	}
	return v.str
}

// Len returns the number of items of an array or members of an object, and 0
// for other kinds.
func (v Value) Len() int { return len(v.itemList()) + len(v.memberList()) }

// Items iterates over the items of an array with their index; other kinds
// have none. Iterating copies nothing, which matters for a config of millions
// of elements.
func (v Value) Items() iter.Seq2[int, Value] {
	return func(yield func(int, Value) bool) {
		for i, it := range v.itemList() {
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
		for _, m := range v.memberList() {
			if !yield(m.Key, m.Value) {
				return
			}
		}
	}
}

// Item returns item i of an array; it panics when i is out of range, like
// indexing a slice.
func (v Value) Item(i int) Value { return v.itemList()[i] }

// Member returns member i of an object; it panics when i is out of range.
func (v Value) Member(i int) Member { return v.memberList()[i] }

// Field returns the value of the member called key. If the key occurs more
// than once the last occurrence wins, which is what Python's json.loads keeps.
func (v Value) Field(key string) (Value, bool) {
	if i := v.lastIndex(key); i >= 0 {
		return v.memberList()[i].Value, true
	}
	return Value{}, false
}

func (v Value) lastIndex(key string) int {
	members := v.memberList()
	for i := len(members) - 1; i >= 0; i-- {
		if members[i].Key == key {
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
	if v.Kind() != Object {
		return Value{}, ErrNotObject
	}
	var members []Member
	if i := v.lastIndex(key); i >= 0 {
		members = slices.Clone(v.memberList())
		members[i].Value = val
	} else {
		old := v.memberList()
		members = make([]Member, len(old), len(old)+1)
		copy(members, old)
		members = append(members, Member{Key: key, Value: val})
	}
	return objectOf(members), nil
}

// WithoutField returns a copy of the object v without any member called key.
func (v Value) WithoutField(key string) (Value, error) {
	if v.Kind() != Object {
		return Value{}, ErrNotObject
	}
	if v.lastIndex(key) < 0 {
		return v, nil
	}
	old := v.memberList()
	members := make([]Member, 0, len(old)-1)
	for _, m := range old {
		if m.Key != key {
			members = append(members, m)
		}
	}
	return objectOf(members), nil
}

// Equal reports whether v and o are the same document: numbers are compared
// by literal (so 1 and 1.0 differ, as they do once written out) and object
// members must be in the same order.
func (v Value) Equal(o Value) bool {
	if v.Kind() != o.Kind() {
		return false
	}
	switch v.Kind() {
	case Bool:
		return v.Bool() == o.Bool()
	case Number, String:
		return v.str == o.str
	case Array:
		return slices.EqualFunc(v.itemList(), o.itemList(), Value.Equal)
	case Object:
		return slices.EqualFunc(v.memberList(), o.memberList(), func(a, b Member) bool {
			return a.Key == b.Key && a.Value.Equal(b.Value)
		})
	}
	return true
}

// String returns the encoded form of v.
func (v Value) String() string { return string(Encode(v)) }
