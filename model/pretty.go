package model

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/confo-dev/confo/internal/termsafe"

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
	return CompactLimit(v, -1)
}

// CompactLimit is Compact cut after about limit bytes with "…", so that a
// row of a 50 MB value costs what its visible part costs; a negative limit
// renders everything.
func CompactLimit(v confo.Value, limit int) string {
	b := &limited{limit: limit}
	compactInto(b, v)
	if b.full() {
		b.sb.WriteString("…")
	}
	return b.sb.String()
}

// limited is a builder that stops taking text past its limit.
type limited struct {
	sb    strings.Builder
	limit int
}

func (b *limited) full() bool { return b.limit >= 0 && b.sb.Len() >= b.limit }

func compactInto(b *limited, v confo.Value) {
	if b.full() {
		return
	}
	switch v.Kind() {
	case confo.String:
		writeDisplayString(b, v.Str())
	case confo.Array:
		b.sb.WriteByte('[')
		for i, it := range v.Items() {
			if b.full() {
				return
			}
			if i > 0 {
				b.sb.WriteString(", ")
			}
			compactInto(b, it)
		}
		b.sb.WriteByte(']')
	case confo.Object:
		b.sb.WriteByte('{')
		first := true
		for key, val := range v.Members() {
			if b.full() {
				return
			}
			if !first {
				b.sb.WriteString(", ")
			}
			first = false
			writeDisplayString(b, key)
			b.sb.WriteString(": ")
			compactInto(b, val)
		}
		b.sb.WriteByte('}')
	default:
		b.sb.Write(confo.Encode(v))
	}
}

// displayString quotes s like JSON but keeps printable non-ASCII characters,
// escaping only what would break the line or the quoting.
func displayString(s string) string {
	b := &limited{limit: -1}
	writeDisplayString(b, s)
	return b.sb.String()
}

// writeDisplayString writes s quoted. Characters that are not printable are
// written as JSON writes them (\u001b), the same escapes the edit prompt and
// the editor show, so one character looks the same everywhere.
func writeDisplayString(b *limited, s string) {
	b.sb.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if b.full() {
			return
		}
		switch {
		case r == '"' || r == '\\':
			b.sb.WriteByte('\\')
			b.sb.WriteRune(r)
		case r == '\n':
			b.sb.WriteString(`\n`)
		case r == '\t':
			b.sb.WriteString(`\t`)
		case !unicode.IsPrint(r) || termsafe.HasControl(string(r)):
			writeUnicodeEscape(&b.sb, r)
		default:
			b.sb.WriteRune(r)
		}
	}
	b.sb.WriteByte('"')
}

// writeUnicodeEscape writes r as JSON's \uXXXX, as a surrogate pair above
// the basic plane.
func writeUnicodeEscape(sb *strings.Builder, r rune) {
	if r > 0xffff {
		hi, lo := utf16.EncodeRune(r)
		writeUnicodeEscape(sb, hi)
		writeUnicodeEscape(sb, lo)
		return
	}
	sb.WriteString(`\u`)
	h := strconv.FormatInt(int64(r), 16)
	sb.WriteString(strings.Repeat("0", 4-len(h)) + h)
}
