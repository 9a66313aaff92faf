package jsonvalue_test

import (
	"bytes"
	"testing"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

var codecSeeds = []string{
	pythonFixture,
	benchConfig,
	`{"a":1,"b":[1,2]}`,
	`{"a": 1, "a": 2}`,
	`[NaN, Infinity, -Infinity, -0, 1.0, 1E+2, 1.5e-10, 12345678901234567890123456789]`,
	`"\ud800x\udc00\ud83d\ude00\uD83D\uDE00"`,
	`"\u0000\u001f\u007f\b\f\n\r\t\"\\\/</script>&"`,
	"\"é\u2028\U0010ffff\"",
	" \t\r\n[[], {}, [{}], {\"\": \"\"}] ",
	`00014`,
	`[1,]`,
	"\"\xff\"",
	`[[[[[[[[[[]]]]]]]]]]`,
	`true`,
	`null`,
}

// FuzzCodec checks that whatever Decode accepts survives an encode/decode
// cycle with its meaning intact, that the encoding is a fixed point, and
// that input already in json.dumps form comes back byte for byte.
func FuzzCodec(f *testing.F) {
	for _, s := range codecSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		v, err := jsonvalue.Decode(in)
		if err != nil {
			return
		}
		e1 := jsonvalue.Encode(v)
		v2, err := jsonvalue.Decode(e1)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q))) = %v\nencoded: %q", in, err, e1)
		}
		if !v2.Equal(v) {
			t.Fatalf("meaning changed:\n in %q\nenc %q", in, e1)
		}
		e2 := jsonvalue.Encode(v2)
		if !bytes.Equal(e1, e2) {
			t.Fatalf("encoding not stable:\n e1 %q\n e2 %q", e1, e2)
		}
		for _, c := range e1 {
			if c < 0x20 || c > 0x7E {
				t.Fatalf("encoding has byte %#x outside printable ASCII: %q", c, e1)
			}
		}
		if v.Kind() == jsonvalue.Object && v.Len() > 0 {
			m := v.Member(v.Len() - 1)
			if got, err := v.WithField(m.Key, m.Value); err != nil || string(jsonvalue.Encode(got)) != string(e1) {
				t.Fatalf("WithField with an unchanged member altered the encoding: %v", err)
			}
		}
	})
}

// FuzzParseLiteral checks that any text gives a value that encodes and
// decodes back, and that text that is not JSON is kept verbatim as a string.
func FuzzParseLiteral(f *testing.F) {
	for _, s := range codecSeeds {
		f.Add(s)
	}
	for _, s := range []string{"", "  ", "hello", " true ", "3306", "1.2.3", "{a:1}", "\ttrue\v"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		v := jsonvalue.ParseLiteral(text)
		back, err := jsonvalue.Decode(jsonvalue.Encode(v))
		if err != nil {
			t.Fatalf("ParseLiteral(%q) encodes to undecodable %q: %v", text, jsonvalue.Encode(v), err)
		}
		if _, err := jsonvalue.Decode([]byte(text)); err == nil && !back.Equal(v) {
			t.Fatalf("ParseLiteral(%q) = %v, which re-decodes as %v", text, v, back)
		}
	})
}

// FuzzDecodeImmutable checks that decoding without a copy gives what
// Decode gives.
func FuzzDecodeImmutable(f *testing.F) {
	for _, s := range codecSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		want, werr := jsonvalue.Decode(in)
		got, gerr := jsonvalue.DecodeImmutable(in)
		if (werr == nil) != (gerr == nil) || werr == nil && !got.Equal(want) {
			t.Fatalf("DecodeImmutable(%q) = %v, %v; Decode gives %v, %v", in, got, gerr, want, werr)
		}
	})
}
