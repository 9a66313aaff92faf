package jsonvalue

import (
	"unicode/utf16"
	"unicode/utf8"
)

// Encode returns v written exactly as Python's json.dumps(obj) writes it with
// default arguments.
func Encode(v Value) []byte {
	return AppendEncode(make([]byte, 0, 256), v)
}

// AppendEncode appends the encoding of v (see Encode) to dst.
func AppendEncode(dst []byte, v Value) []byte {
	switch v.Kind() {
	case Bool:
		if v.Bool() {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case Number:
		return append(dst, v.str...)
	case String:
		return appendString(dst, v.str)
	case Array:
		dst = append(dst, '[')
		for i, it := range v.itemList() {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendEncode(dst, it)
		}
		return append(dst, ']')
	case Object:
		dst = append(dst, '{')
		for i, m := range v.memberList() {
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
