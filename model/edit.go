package model

import (
	"fmt"
	"strings"

	"github.com/confo-dev/confo/internal/termsafe"

	"github.com/confo-dev/confo/confo"
)

// The typing rule for edits, shown in the edit prompt and the help:
//
//   - A string field takes the text as typed: 3306 stays the string "3306".
//   - Any other field takes JSON of its own type: a number field wants a
//     number, an object field an object. Anything else is refused.
//   - A leading "=" means "this is JSON, change the type on purpose":
//     =3306 turns a string field into a number, ="3306" a number into a string.
//   - A null field, and a new field, take JSON when the text is JSON and a
//     string otherwise (3306 is a number, localhost a string).
const typeRulePrefix = "="

// TypeRuleHelp is the one-line reminder of the typing rule.
const TypeRuleHelp = `edits: strings as typed, others as JSON of their type, =JSON to change type`

// EditText is the text an edit prompt starts with for a value: the raw text
// of a string (so editing it is just typing), the JSON of anything else. A
// string with control characters cannot be typed on one line, so it is
// offered as =JSON instead.
func EditText(v confo.Value) string {
	if v.Kind() == confo.String {
		s := v.Str()
		if !termsafe.HasControl(s) && !strings.HasPrefix(s, typeRulePrefix) {
			return s
		}
		return typeRulePrefix + string(confo.Encode(v))
	}
	return string(confo.Encode(v))
}

// ParseEdit reads text typed over the value cur, following the typing rule.
func ParseEdit(cur confo.Value, text string) (confo.Value, error) {
	if rest, ok := strings.CutPrefix(text, typeRulePrefix); ok {
		return parseJSON(rest)
	}
	switch cur.Kind() {
	case confo.String:
		return confo.StringValue(text), nil
	case confo.Null:
		return confo.ParseLiteral(text), nil
	}
	v, err := confo.Decode([]byte(text))
	if err != nil {
		return confo.Value{}, fmt.Errorf("it is a %s and %q is not JSON (%v); type a %s, or start with = to change the type", cur.Kind(), text, err, cur.Kind())
	}
	if v.Kind() != cur.Kind() {
		return confo.Value{}, fmt.Errorf("it is a %s and %s is a %s; start with = to change the type on purpose", cur.Kind(), text, v.Kind())
	}
	return v, nil
}

// ParseNew reads the value typed for a new field or config.
func ParseNew(text string) (confo.Value, error) {
	if rest, ok := strings.CutPrefix(text, typeRulePrefix); ok {
		return parseJSON(rest)
	}
	return confo.ParseLiteral(text), nil
}

func parseJSON(text string) (confo.Value, error) {
	v, err := confo.Decode([]byte(text))
	if err != nil {
		return confo.Value{}, fmt.Errorf("after = the text must be JSON: %w", err)
	}
	return v, nil
}
