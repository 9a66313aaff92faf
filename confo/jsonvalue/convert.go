package jsonvalue

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Interface converts v to plain Go values: nil, bool, json.Number, string,
// []any or map[string]any. Objects lose their member order, and of duplicate
// keys only the last survives.
func (v Value) Interface() any {
	switch v.Kind() {
	case Bool:
		return v.Bool()
	case Number:
		return json.Number(v.str)
	case String:
		return v.str
	case Array:
		out := make([]any, v.Len())
		for i, it := range v.itemList() {
			out[i] = it.Interface()
		}
		return out
	case Object:
		out := make(map[string]any, v.Len())
		for _, m := range v.memberList() {
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
		return arrayOf(items), nil
	case map[string]any:
		members := make([]Member, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			val, err := ValueOf(x[k])
			if err != nil {
				return Value{}, err
			}
			members = append(members, Member{Key: k, Value: val})
		}
		return objectOf(members), nil
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
		return numberOf(strconv.FormatUint(rv.Uint(), 10)), nil
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
		return arrayOf(items), nil
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
		return objectOf(members), nil
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
		return numberOf("NaN")
	case math.IsInf(f, 1):
		return numberOf("Infinity")
	case math.IsInf(f, -1):
		return numberOf("-Infinity")
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
	return numberOf(string(out))
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
