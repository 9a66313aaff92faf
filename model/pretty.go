package model

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/confo-dev/confo/confo"
)

// Pretty renders a value as indented JSON lines for reading, two spaces per
// level. Strings show their characters instead of the \u escapes the stored
// form uses; numbers keep their literal.
func Pretty(v confo.Value) []string {
	var lines []string
	prettyInto(&lines, v, "", "", "")
	return lines
}

// prettyInto appends v's lines: prefix goes before the first line (a member
// key), suffix after the last (a comma).
func prettyInto(lines *[]string, v confo.Value, indent, prefix, suffix string) {
	switch {
	case v.Kind() == confo.Object && v.Len() > 0:
		*lines = append(*lines, indent+prefix+"{")
		i, n := 0, v.Len()
		for key, val := range v.Members() {
			prettyInto(lines, val, indent+"  ", displayString(key)+": ", comma(i, n))
			i++
		}
		*lines = append(*lines, indent+"}"+suffix)
	case v.Kind() == confo.Array && v.Len() > 0:
		*lines = append(*lines, indent+prefix+"[")
		n := v.Len()
		for i, it := range v.Items() {
			prettyInto(lines, it, indent+"  ", "", comma(i, n))
		}
		*lines = append(*lines, indent+"]"+suffix)
	default:
		*lines = append(*lines, indent+prefix+Compact(v)+suffix)
	}
}

func comma(i, n int) string {
	if i < n-1 {
		return ","
	}
	return ""
}

// Compact renders a value on one line for reading, with the stored form's
// separators but readable strings.
func Compact(v confo.Value) string {
	var b strings.Builder
	compactInto(&b, v)
	return b.String()
}

func compactInto(b *strings.Builder, v confo.Value) {
	switch v.Kind() {
	case confo.String:
		b.WriteString(displayString(v.Str()))
	case confo.Array:
		b.WriteByte('[')
		for i, it := range v.Items() {
			if i > 0 {
				b.WriteString(", ")
			}
			compactInto(b, it)
		}
		b.WriteByte(']')
	case confo.Object:
		b.WriteByte('{')
		first := true
		for key, val := range v.Members() {
			if !first {
				b.WriteString(", ")
			}
			first = false
			b.WriteString(displayString(key))
			b.WriteString(": ")
			compactInto(b, val)
		}
		b.WriteByte('}')
	default:
		b.Write(confo.Encode(v))
	}
}

// displayString quotes s like JSON but keeps printable non-ASCII characters,
// escaping only what would break the line or the quoting.
func displayString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case !unicode.IsPrint(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
