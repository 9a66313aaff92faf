package jsonvalue_test

import (
	"encoding/json"
	"errors"
	"iter"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

// pythonFixture was written by Python's json.dumps with default arguments.
const pythonFixture = `{"host": "localhost", "port": 3306, "ratio": 1.0, "uni": "caf\u00e9 \u2603 \ud83d\ude00", "tags": ["a", null, true]}`

func decodeValue(t *testing.T, s string) jsonvalue.Value {
	t.Helper()
	v, err := jsonvalue.Decode([]byte(s))
	if err != nil {
		t.Fatalf("Decode(%q): %v", s, err)
	}
	return v
}

func numberValue(t *testing.T, lit string) jsonvalue.Value {
	t.Helper()
	v, err := jsonvalue.NumberValue(lit)
	if err != nil {
		t.Fatalf("NumberValue(%q): %v", lit, err)
	}
	return v
}

func TestDecodeEncodePythonFixture(t *testing.T) {
	v := decodeValue(t, pythonFixture)
	if got := string(jsonvalue.Encode(v)); got != pythonFixture {
		t.Fatalf("round trip changed the bytes:\n got %s\nwant %s", got, pythonFixture)
	}
	uni, ok := v.Field("uni")
	if !ok || uni.Kind() != jsonvalue.String || uni.Str() != "café ☃ 😀" {
		t.Errorf(`Field("uni") = %v, %v; want the string "café ☃ 😀"`, uni, ok)
	}
	ratio, _ := v.Field("ratio")
	if ratio.Kind() != jsonvalue.Number || ratio.Literal() != "1.0" {
		t.Errorf(`Field("ratio") = %v (%s), want number literal 1.0`, ratio, ratio.Kind())
	}
	tags, _ := v.Field("tags")
	want := jsonvalue.ArrayValue(jsonvalue.StringValue("a"), jsonvalue.NullValue(), jsonvalue.BoolValue(true))
	if !tags.Equal(want) {
		t.Errorf(`Field("tags") = %v, want %v`, tags, want)
	}
	keys := []string{}
	for key := range v.Members() {
		keys = append(keys, key)
	}
	if got := strings.Join(keys, ","); got != "host,port,ratio,uni,tags" {
		t.Errorf("member order = %s", got)
	}
}

func TestValueWithFieldChangesOnlyThatField(t *testing.T) {
	v := decodeValue(t, pythonFixture)
	tests := []struct {
		key, old string
		val      jsonvalue.Value
		new      string
	}{
		{"port", "3306", jsonvalue.IntValue(3307), "3307"},
		{"host", `"localhost"`, jsonvalue.StringValue("db.internal"), `"db.internal"`},
		{"ratio", "1.0", numberValue(t, "2.50"), "2.50"},
		{"tags", `["a", null, true]`, jsonvalue.ArrayValue(), "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			edited, err := v.WithField(tt.key, tt.val)
			if err != nil {
				t.Fatal(err)
			}
			marker := `"` + tt.key + `": `
			i := strings.Index(pythonFixture, marker) + len(marker)
			prefix, suffix := pythonFixture[:i], pythonFixture[i+len(tt.old):]
			want := prefix + tt.new + suffix
			if got := string(jsonvalue.Encode(edited)); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			if got := v.String(); got != pythonFixture {
				t.Errorf("WithField modified the original: %s", got)
			}
		})
	}
}

func TestDecodeKeepsNumberLiterals(t *testing.T) {
	for _, lit := range []string{
		"1.0", "1e5", "-0", "0", "12345678901234567890123456789", "1.5E-10", "1E+2",
		"-0.0", "0.000", "1e-05", "3306", "NaN", "Infinity", "-Infinity",
		"1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890",
	} {
		v := decodeValue(t, " "+lit+"\n")
		if v.Kind() != jsonvalue.Number || v.Literal() != lit {
			t.Errorf("Decode(%s) = %s %q, want number %q", lit, v.Kind(), v.Literal(), lit)
		}
		if got := string(jsonvalue.Encode(v)); got != lit {
			t.Errorf("Encode(Decode(%s)) = %s", lit, got)
		}
		arr := decodeValue(t, "["+lit+","+lit+"]")
		if got, want := arr.String(), "["+lit+", "+lit+"]"; got != want {
			t.Errorf("Encode(Decode([%s,%s])) = %s, want %s", lit, lit, got, want)
		}
	}
}

// The expected outputs were produced by Python's json.dumps(json.loads(in)).
func TestEncodeMatchesPython(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"compact", `{"a":1,"b":[1,2]}`, `{"a": 1, "b": [1, 2]}`},
		{"whitespace", " \t\n\r{ \"a\" :\n[ 1 , { } , [ ] ] } \r\n", `{"a": [1, {}, []]}`},
		{"empty containers", `[{},[],[{}]]`, `[{}, [], [{}]]`},
		{"scalars", `[true,false,null,"",0]`, `[true, false, null, "", 0]`},
		{"raw non-ASCII", `"é"`, `"\u00e9"`},
		{"astral", `"😀"`, `"\ud83d\ude00"`},
		{"max code point", `"\udbff\udfff"`, `"\udbff\udfff"`},
		{"upper-case hex", `"\u00E9\uD83D\uDE00"`, `"\u00e9\ud83d\ude00"`},
		{"delete", `"\u007f"`, `"\u007f"`},
		{"raw delete", "\"\x7f\"", `"\u007f"`},
		{"controls", `"\u0000\u0001\u001f\b\f\n\r\t"`, `"\u0000\u0001\u001f\b\f\n\r\t"`},
		{"quote and backslash", `"\"\\"`, `"\"\\"`},
		{"not escaped", `"</script>&"`, `"</script>&"`},
		{"escaped solidus", `"a\/b"`, `"a/b"`},
		{"line separator", "\"\u2028\ufeff\uffff\"", `"\u2028\ufeff\uffff"`},
		{"lone high surrogate", `"\ud800x"`, `"\ud800x"`},
		{"lone low surrogate", `"\udc00"`, `"\udc00"`},
		{"reversed pair", `"\udc00\ud800"`, `"\udc00\ud800"`},
		{"high then pair", `"\ud800\ud83d\ude00"`, `"\ud800\ud83d\ude00"`},
		{"high then non-surrogate escape", `"\ud800\u0041"`, `"\ud800A"`},
		{"escaped key", `{"caf\u00e9":1}`, `{"caf\u00e9": 1}`},
		{"duplicate keys kept", `{"a":1,"a":2}`, `{"a": 1, "a": 2}`},
		{"python specials", `[NaN,Infinity,-Infinity]`, `[NaN, Infinity, -Infinity]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := decodeValue(t, tt.in)
			got := string(jsonvalue.Encode(v))
			if got != tt.want {
				t.Fatalf("Encode(Decode(%s))\n got %s\nwant %s", tt.in, got, tt.want)
			}
			if again := decodeValue(t, got); !again.Equal(v) {
				t.Errorf("re-decoding %s gave %v, want %v", got, again, v)
			}
		})
	}
}

func TestEncodeStringValue(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ascii", "plain text", `"plain text"`},
		{"utf-8", "café ☃ 😀", `"caf\u00e9 \u2603 \ud83d\ude00"`},
		{"WTF-8 lone surrogate", "\xed\xa0\x80x", `"\ud800x"`},
		{"WTF-8 last surrogate", "\xed\xbf\xbf", `"\udfff"`},
		{"invalid byte", "a\xffb", `"a\ufffdb"`},
		{"truncated sequence", "\xe2\x98", `"\ufffd\ufffd"`},
		{"truncated surrogate", "\xed\xa0", `"\ufffd\ufffd"`},
		{"replacement char itself", "\ufffd", `"\ufffd"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(jsonvalue.Encode(jsonvalue.StringValue(tt.in))); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	if got := decodeValue(t, `"\ud800x"`).Str(); got != "\xed\xa0\x80x" {
		t.Errorf("lone surrogate decoded to %q, want its WTF-8 form", got)
	}
	dst := jsonvalue.AppendEncode([]byte("key="), jsonvalue.ArrayValue(jsonvalue.IntValue(-7)))
	if string(dst) != "key=[-7]" {
		t.Errorf("AppendEncode = %q", dst)
	}
}

func TestDecodeErrors(t *testing.T) {
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	tests := []struct {
		name, in string
		offset   int
		msg      string
	}{
		{"empty", "", 0, "empty input"},
		{"only whitespace", "   ", 3, "empty input"},
		{"unclosed object", "{", 1, "unexpected end of input, expected string for object key"},
		{"unclosed array", "[1", 2, "unexpected end of input, expected ',' or ']'"},
		{"leading zeros", "00014", 1, "leading zeros"},
		{"negative leading zero", "-01", 2, "leading zeros"},
		{"trailing comma in array", "[1,]", 3, "expected value"},
		{"trailing comma in object", `{"a":1,}`, 7, "expected string for object key"},
		{"missing colon", `{"a" 1}`, 5, "expected ':' after object key"},
		{"missing comma", `{"a":1 "b":2}`, 7, "expected ',' or '}'"},
		{"unquoted key", `{a:1}`, 1, "expected string for object key"},
		{"truncated literal", "nul", 0, "expected null"},
		{"wrong case literal", "True", 0, "expected value"},
		{"nan lower case", "nan", 0, "expected null"},
		{"control character", "\"\x01\"", 1, "control character"},
		{"raw newline", "[\"a\nb\"]", 3, "control character"},
		{"invalid UTF-8", "[\"ab\xff\"]", 4, "invalid UTF-8"},
		{"invalid UTF-8 after escape", "\"\\n\xc3\"", 3, "invalid UTF-8"},
		{"raw surrogate", "\"\xed\xa0\x80\"", 1, "invalid UTF-8"},
		{"overlong encoding", "\"\xc0\xaf\"", 1, "invalid UTF-8"},
		{"invalid UTF-8 outside string", "\xff", 0, "expected value"},
		{"trailing garbage", `{"a": 1} x`, 9, "unexpected data after JSON value"},
		{"two values", "1 2", 2, "unexpected data after JSON value"},
		{"unterminated string", `["abc`, 1, "unterminated string"},
		{"unterminated escape", `"ab\`, 0, "unterminated string"},
		{"bad escape", `"\x"`, 1, "invalid escape"},
		{"short unicode escape", `"\u12"`, 1, `invalid \u escape`},
		{"bad unicode escape", `"\u12g4"`, 1, `invalid \u escape`},
		{"bad escape after high surrogate", `"\ud800\u12"`, 7, `invalid \u escape`},
		{"bare minus", "-", 1, "expected digit"},
		{"minus letter", "-x", 1, "expected digit"},
		{"missing fraction", "1.", 2, "expected digit after decimal point"},
		{"missing exponent", "1e+", 3, "expected digit in exponent"},
		{"leading dot", ".5", 0, "expected value"},
		{"plus sign", "+1", 0, "expected value"},
		{"hex", "0x10", 1, "unexpected data"},
		{"single quotes", "'a'", 0, "expected value"},
		{"too deep", deep, 10000, "nesting deeper than 10000"},
		{"too deep objects", strings.Repeat(`{"a":`, 10001), 50000, "nesting deeper than 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsonvalue.Decode([]byte(tt.in))
			var se *jsonvalue.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Decode(%q) = %v, %v; want a *SyntaxError", tt.in, v, err)
			}
			if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("Decode(%q) error at %d %q, want at %d containing %q", tt.in, se.Offset, se.Msg, tt.offset, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "invalid JSON at byte ") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

func TestDecodeDepthLimit(t *testing.T) {
	const depth = 10000
	v := decodeValue(t, strings.Repeat("[", depth)+strings.Repeat("]", depth))
	for range depth - 1 {
		if v.Len() != 1 {
			t.Fatalf("nested array lost an item: %v", v.Kind())
		}
		v = v.Item(0)
	}
	if v.Kind() != jsonvalue.Array || v.Len() != 0 {
		t.Fatalf("innermost value = %v", v)
	}
}

func TestDecodeErrorMessage(t *testing.T) {
	_, err := jsonvalue.Decode([]byte(`{"host": "x", "port" 3306}`))
	if got, want := err.Error(), "invalid JSON at byte 21: expected ':' after object key"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestParseLiteral(t *testing.T) {
	tests := []struct {
		in   string
		want jsonvalue.Value
	}{
		{"00014", jsonvalue.StringValue("00014")},
		{"3306", jsonvalue.IntValue(3306)},
		{" true ", jsonvalue.BoolValue(true)},
		{"false", jsonvalue.BoolValue(false)},
		{"null", jsonvalue.NullValue()},
		{"hello", jsonvalue.StringValue("hello")},
		{" hello ", jsonvalue.StringValue(" hello ")},
		{"", jsonvalue.StringValue("")},
		{"  ", jsonvalue.StringValue("  ")},
		{`{"a":1}`, jsonvalue.ObjectValue(jsonvalue.Member{Key: "a", Value: jsonvalue.IntValue(1)})},
		{`["x", 2]`, jsonvalue.ArrayValue(jsonvalue.StringValue("x"), jsonvalue.IntValue(2))},
		{`"q"`, jsonvalue.StringValue("q")},
		{`"unterminated`, jsonvalue.StringValue(`"unterminated`)},
		{"1.0", numberValue(t, "1.0")},
		{"-0", numberValue(t, "-0")},
		{"NaN", numberValue(t, "NaN")},
		{"1.2.3", jsonvalue.StringValue("1.2.3")},
		{"{a:1}", jsonvalue.StringValue("{a:1}")},
		{"read, write", jsonvalue.StringValue("read, write")},
		{"\ttrue\n", jsonvalue.BoolValue(true)},
	}
	for _, tt := range tests {
		if got := jsonvalue.ParseLiteral(tt.in); !got.Equal(tt.want) {
			t.Errorf("ParseLiteral(%q) = %s %v, want %s %v", tt.in, got.Kind(), got, tt.want.Kind(), tt.want)
		}
	}
}

// The expected literals are Python's repr of the same floats.
func TestValueOfFloatMatchesPythonRepr(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{1, "1.0"},
		{100, "100.0"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1e-5, "1e-05"},
		{1e-4, "0.0001"},
		{1.5e-4, "0.00015"},
		{-2.5e-7, "-2.5e-07"},
		{0.1, "0.1"},
		{1.0 / 3, "0.3333333333333333"},
		{123.456, "123.456"},
		{12345678.9, "12345678.9"},
		{1e15, "1000000000000000.0"},
		{9007199254740992, "9007199254740992.0"},
		{9999999999999998, "9999999999999998.0"},
		{1e16, "1e+16"},
		{1.5e16, "1.5e+16"},
		{1e22, "1e+22"},
		{1e100, "1e+100"},
		{5e-324, "5e-324"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, tt := range tests {
		v, err := jsonvalue.ValueOf(tt.f)
		if err != nil {
			t.Fatal(err)
		}
		if v.Kind() != jsonvalue.Number || v.Literal() != tt.want {
			t.Errorf("ValueOf(%v) = %s %q, want %q", tt.f, v.Kind(), v.Literal(), tt.want)
		}
		if _, err := jsonvalue.NumberValue(v.Literal()); err != nil {
			t.Errorf("ValueOf(%v) made an invalid literal: %v", tt.f, err)
		}
	}
}

type tcpPort uint16

func TestValueOf(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, "null"},
		{"bool", true, "true"},
		{"int", -3, "-3"},
		{"int8", int8(-128), "-128"},
		{"int64", int64(math.MinInt64), "-9223372036854775808"},
		{"uint64", uint64(math.MaxUint64), "18446744073709551615"},
		{"named uint16", tcpPort(3306), "3306"},
		{"float32", float32(0.1), "0.1"},
		{"float32 integral", float32(2), "2.0"},
		{"json.Number", json.Number("1.50"), "1.50"},
		{"string", "é", `"\u00e9"`},
		{"value", jsonvalue.IntValue(7), "7"},
		{"slice", []any{1, "a", nil, []any{}}, `[1, "a", null, []]`},
		{"typed slice", []string{"x", "y"}, `["x", "y"]`},
		{"nil slice", []any(nil), "[]"},
		{"map sorted", map[string]any{"b": 1, "a": map[string]any{}, "c": 2.5}, `{"a": {}, "b": 1, "c": 2.5}`},
		{"typed map sorted", map[string]int{"z": 1, "y": 2}, `{"y": 2, "z": 1}`},
		{"value slice", []jsonvalue.Value{jsonvalue.BoolValue(false)}, "[false]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsonvalue.ValueOf(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.String(); got != tt.want {
				t.Errorf("ValueOf(%#v) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
	for _, bad := range []any{json.Number("01"), struct{}{}, map[int]any{1: 1}, []any{make(chan int)}, map[string]any{"a": new(int)}} {
		if v, err := jsonvalue.ValueOf(bad); err == nil {
			t.Errorf("ValueOf(%#v) = %v, want an error", bad, v)
		}
	}
}

func TestValueInterfaceRoundTrip(t *testing.T) {
	// Keys sorted and unique: the only objects that survive a trip through a map.
	v := decodeValue(t, `{"a": [1, 2.50, "x", null, true, {}], "b": {"c": -1e5, "d": NaN}, "e": "caf\u00e9"}`)
	x := v.Interface()
	want := map[string]any{
		"a": []any{json.Number("1"), json.Number("2.50"), "x", nil, true, map[string]any{}},
		"b": map[string]any{"c": json.Number("-1e5"), "d": json.Number("NaN")},
		"e": "café",
	}
	if !reflect.DeepEqual(x, want) {
		t.Fatalf("Interface() = %#v\nwant %#v", x, want)
	}
	back, err := jsonvalue.ValueOf(x)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Equal(v) {
		t.Errorf("ValueOf(Interface()) = %v, want %v", back, v)
	}
	dup := decodeValue(t, `{"k": 1, "k": 2}`).Interface().(map[string]any)
	if dup["k"] != json.Number("2") {
		t.Errorf("duplicate key: Interface kept %v, want the last value 2", dup["k"])
	}
}

func TestValueFields(t *testing.T) {
	v := decodeValue(t, `{"a": 1, "b": 2, "a": 3}`)
	if got, ok := v.Field("a"); !ok || got.Literal() != "3" {
		t.Errorf(`Field("a") = %v, %v; want the last duplicate, 3`, got, ok)
	}
	if _, ok := v.Field("zz"); ok {
		t.Error(`Field("zz") found a missing key`)
	}
	edits := []struct {
		name string
		edit func(jsonvalue.Value) (jsonvalue.Value, error)
		want string
	}{
		{"replace last duplicate", func(v jsonvalue.Value) (jsonvalue.Value, error) { return v.WithField("a", jsonvalue.StringValue("x")) },
			`{"a": 1, "b": 2, "a": "x"}`},
		{"replace in place", func(v jsonvalue.Value) (jsonvalue.Value, error) { return v.WithField("b", jsonvalue.NullValue()) },
			`{"a": 1, "b": null, "a": 3}`},
		{"append", func(v jsonvalue.Value) (jsonvalue.Value, error) { return v.WithField("c", jsonvalue.BoolValue(false)) },
			`{"a": 1, "b": 2, "a": 3, "c": false}`},
		{"remove all duplicates", func(v jsonvalue.Value) (jsonvalue.Value, error) { return v.WithoutField("a") },
			`{"b": 2}`},
		{"remove missing", func(v jsonvalue.Value) (jsonvalue.Value, error) { return v.WithoutField("zz") },
			`{"a": 1, "b": 2, "a": 3}`},
	}
	for _, tt := range edits {
		got, err := tt.edit(v)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got.String() != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
	if got := v.String(); got != `{"a": 1, "b": 2, "a": 3}` {
		t.Errorf("edits changed the original: %s", got)
	}
	empty, err := jsonvalue.ObjectValue().WithField("k", jsonvalue.IntValue(1))
	if err != nil || empty.String() != `{"k": 1}` {
		t.Errorf("WithField on an empty object = %v, %v", empty, err)
	}

	for _, notObj := range []jsonvalue.Value{jsonvalue.NullValue(), jsonvalue.ArrayValue(), jsonvalue.StringValue("{}"), jsonvalue.IntValue(1)} {
		if _, err := notObj.WithField("a", jsonvalue.NullValue()); !errors.Is(err, jsonvalue.ErrNotObject) {
			t.Errorf("%s.WithField error = %v, want ErrNotObject", notObj.Kind(), err)
		}
		if _, err := notObj.WithoutField("a"); !errors.Is(err, jsonvalue.ErrNotObject) {
			t.Errorf("%s.WithoutField error = %v, want ErrNotObject", notObj.Kind(), err)
		}
		if _, ok := notObj.Field("a"); ok {
			t.Errorf("%s.Field found a member", notObj.Kind())
		}
	}
}

func TestValueIsImmutable(t *testing.T) {
	items := []jsonvalue.Value{jsonvalue.IntValue(1)}
	arr := jsonvalue.ArrayValue(items...)
	items[0] = jsonvalue.IntValue(2)
	if arr.String() != "[1]" {
		t.Errorf("array changed through the slice it was built from: %s", arr)
	}
	members := []jsonvalue.Member{{Key: "a", Value: jsonvalue.IntValue(1)}}
	obj := jsonvalue.ObjectValue(members...)
	members[0].Key = "b"
	if obj.String() != `{"a": 1}` {
		t.Errorf("object changed through the slice it was built from: %s", obj)
	}
}

func TestValueAccessorsAndEqual(t *testing.T) {
	var zero jsonvalue.Value
	if zero.Kind() != jsonvalue.Null || zero.String() != "null" || !zero.Equal(jsonvalue.NullValue()) {
		t.Errorf("zero Value = %s %s, want null", zero.Kind(), zero)
	}
	s := jsonvalue.StringValue("3")
	if s.Literal() != "" || s.Len() != 0 || s.Bool() || count(s.Items()) != 0 || count(s.Members()) != 0 {
		t.Error("a string answered number, container or bool accessors")
	}
	if n := jsonvalue.IntValue(3); n.Str() != "" {
		t.Errorf("number Str() = %q", n.Str())
	}
	pairs := []struct {
		a, b string
		eq   bool
	}{
		{`1`, `1`, true},
		{`1`, `1.0`, false},
		{`1`, `"1"`, false},
		{`-0`, `0`, false},
		{`true`, `true`, true},
		{`true`, `false`, false},
		{`null`, `false`, false},
		{`"a"`, `"\u0061"`, true},
		{`[1, 2]`, `[1,2]`, true},
		{`[1, 2]`, `[2, 1]`, false},
		{`[1]`, `[1, 1]`, false},
		{`{"a": 1, "b": 2}`, `{"a":1,"b":2}`, true},
		{`{"a": 1, "b": 2}`, `{"b": 2, "a": 1}`, false},
		{`{"a": 1}`, `{"b": 1}`, false},
		{`{"a": 1}`, `{"a": 1, "a": 1}`, false},
		{`[]`, `{}`, false},
		{`NaN`, `NaN`, true},
	}
	for _, p := range pairs {
		if got := decodeValue(t, p.a).Equal(decodeValue(t, p.b)); got != p.eq {
			t.Errorf("Equal(%s, %s) = %v, want %v", p.a, p.b, got, p.eq)
		}
	}
}

func TestValueKindString(t *testing.T) {
	want := map[jsonvalue.Kind]string{
		jsonvalue.Null: "null", jsonvalue.Bool: "boolean", jsonvalue.Number: "number",
		jsonvalue.String: "string", jsonvalue.Array: "array", jsonvalue.Object: "object",
		jsonvalue.Kind(42): "kind(42)",
	}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), s)
		}
	}
}

func TestNumberValue(t *testing.T) {
	for _, ok := range []string{"0", "-0", "1.5", "1e5", "1E-5", "-1.0e+10", "NaN", "Infinity", "-Infinity"} {
		if v, err := jsonvalue.NumberValue(ok); err != nil || v.Literal() != ok || v.Kind() != jsonvalue.Number {
			t.Errorf("NumberValue(%q) = %v, %v", ok, v, err)
		}
	}
	for _, bad := range []string{"", "-", "01", "1.", ".1", "+1", "1e", "1 ", " 1", "0x1", "nan", "-NaN", "Inf", "1_000", "true"} {
		if v, err := jsonvalue.NumberValue(bad); err == nil {
			t.Errorf("NumberValue(%q) = %v, want an error", bad, v)
		}
	}
}

func TestValueWithEncodingJSON(t *testing.T) {
	var doc struct {
		Name  string          `json:"name"`
		Value jsonvalue.Value `json:"value"`
	}
	if err := json.Unmarshal([]byte(`{"name": "n", "value": {"z": 1.0, "a": [true]}}`), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Value.String(); got != `{"z": 1.0, "a": [true]}` {
		t.Errorf("UnmarshalJSON kept %s", got)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"name":"n","value":{"z":1.0,"a":[true]}}` {
		t.Errorf("json.Marshal = %s", out)
	}
	var v jsonvalue.Value
	var se *jsonvalue.SyntaxError
	if err := v.UnmarshalJSON([]byte("[1,]")); !errors.As(err, &se) {
		t.Errorf("UnmarshalJSON error = %v, want *SyntaxError", err)
	}
}

// benchConfig is a typical ~300-byte stored configuration with 10 fields.
const benchConfig = `{"host": "db-primary.internal.example.com", "port": 5432, "db_name": "orders_production", ` +
	`"user": "svc_orders", "password": "s3cr3t-\u00e9t\u00e9-2024", "pool_size": 20, "timeout": 2.5, ` +
	`"ssl": true, "replicas": ["db-replica-1.internal", "db-replica-2.internal"], ` +
	`"options": {"application_name": "orders", "retries": 3}}`

func BenchmarkDecode(b *testing.B) {
	data := []byte(benchConfig)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jsonvalue.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	v, err := jsonvalue.Decode([]byte(benchConfig))
	if err != nil {
		b.Fatal(err)
	}
	if got := string(jsonvalue.Encode(v)); got != benchConfig {
		b.Fatalf("benchConfig does not round-trip: %s", got)
	}
	b.SetBytes(int64(len(benchConfig)))
	b.ReportAllocs()
	for b.Loop() {
		jsonvalue.Encode(v)
	}
}

func count[K, V any](seq iter.Seq2[K, V]) int {
	n := 0
	for range seq {
		n++
	}
	return n
}
