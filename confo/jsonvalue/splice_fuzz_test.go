package jsonvalue

import (
	"slices"
	"strings"
	"testing"
)

// FuzzSplice checks Splice against Apply on decoded values: same meaning,
// every member the patch does not name kept byte for byte and in order,
// errors exactly where Decode fails or the document is not an object.
func FuzzSplice(f *testing.F) {
	for _, s := range []string{`{"a":1,"b" : [2], "a": "x"}`, ` {"host":"db",  "n": 1.50} `, `{}`, `[1]`, `{"a": 1,}`,
		`{"h\u00e9": {"x": [1, {"y": null}]}, "z": "\ud800"}`, "{\n  \"a\": 1,\n  \"b\": 2\n}\n"} {
		f.Add([]byte(s), uint8(0), "a", `1`, uint8(1))
		f.Add([]byte(s), uint8(3), "b", `{"n": null}`, uint8(2))
	}
	f.Fuzz(func(t *testing.T, doc []byte, op uint8, key, literal string, pick uint8) {
		base, decodeErr := Decode(doc)
		// Keys come from decoded JSON or typed text: valid UTF-8.
		key = strings.ToValidUTF8(key, "\uFFFD")
		val := ParseLiteral(literal)
		target := key
		if decodeErr == nil && base.Kind() == Object && base.Len() > 0 && pick%2 == 1 {
			target = base.Member(int(pick) % base.Len()).Key
		}
		var p Patch
		switch op % 4 {
		case 0:
			p = p.Set(target, val)
		case 1:
			p = p.Delete(target)
		case 2:
			p = p.Set(target, val).Set(key+"2", IntValue(int64(pick)))
		case 3:
			p = p.Delete(target).Set(key, val)
		}
		out, err := Splice(doc, p)
		if decodeErr != nil || base.Kind() != Object {
			if err == nil {
				t.Fatalf("Splice accepted %q, which decodes as %v, %v", doc, base.Kind(), decodeErr)
			}
			return
		}
		if err != nil {
			t.Fatalf("Splice(%q) = %v", doc, err)
		}
		applied, _ := p.Apply(base)
		// Through the encoder, as keys that are not UTF-8 come out as U+FFFD.
		want, err := Decode(Encode(applied))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(out)
		if err != nil {
			t.Fatalf("Splice(%q) wrote invalid JSON %q: %v", doc, out, err)
		}
		if !got.Equal(want) {
			t.Fatalf("Splice(%q) = %q, Apply gives %q", doc, out, Encode(want))
		}
		if before, after := untouched(t, doc, p), untouched(t, out, p); !slices.Equal(before, after) {
			t.Fatalf("untouched members changed:\n%q\n%q", before, after)
		}
		if again, err := Splice(doc, Patch{}); err != nil || string(again) != string(doc) {
			t.Fatalf("an empty patch changed %q to %q (%v)", doc, again, err)
		}
		// Sets located with Locate splice without a scan, to the same bytes.
		var located Patch
		for e := range p.Edits() {
			if e.Delete || e.Moved {
				return
			}
			_, _, at, err := Locate(doc, e.Key)
			if err != nil {
				t.Fatal(err)
			}
			located = located.SetAt(e.Key, e.Value, at)
		}
		if fast, ok := spliceLocated(doc, located); !ok || string(fast) != string(out) {
			t.Fatalf("located splice of %q = %q (%v), scanning splice %q", doc, fast, ok, out)
		}
		// A location found in other bytes is not used.
		other := append([]byte(nil), doc...)
		if _, ok := spliceLocated(other, located); ok {
			t.Fatal("a location was used on other bytes")
		}
	})
}

// untouched lists the text of the members of the object doc that p does
// not edit: the ones Splice must copy byte for byte.
func untouched(t *testing.T, doc []byte, p Patch) []string {
	s := string(doc)
	var all []span
	if _, _, err := scanObject(s, func(m span) { all = append(all, m) }); err != nil {
		t.Fatalf("scan %q: %v", doc, err)
	}
	last := map[string]int{}
	for i, m := range all {
		last[m.key(s)] = i
	}
	var out []string
	for i, m := range all {
		e, edited := p.Lookup(m.key(s))
		// An earlier duplicate of a key set in place stays as it was.
		if edited && (e.Delete || e.Moved || last[m.key(s)] == i) {
			continue
		}
		out = append(out, s[m.keyStart:m.valEnd])
	}
	return out
}

// FuzzPatchMatchesValueEdits checks that a sequence of field edits gives
// the same object whether it is made with WithField and WithoutField on
// the decoded value or recorded in a Patch and applied or spliced.
func FuzzPatchMatchesValueEdits(f *testing.F) {
	f.Add([]byte(`{"a": 1, "b": 2, "a": 3}`), []byte{0x01, 0x82, 0x01, 0x40})
	f.Add([]byte(`{}`), []byte{0x00, 0x81, 0x80, 0x00})
	f.Add([]byte(`{"x": [1], "c": {}}`), []byte{0x83, 0x03, 0x42, 0xc3})
	f.Fuzz(func(t *testing.T, doc, ops []byte) {
		base, err := Decode(doc)
		if err != nil || base.Kind() != Object {
			return
		}
		keys := []string{"a", "b", "c", "x"}
		v, p := base, Patch{}
		for _, op := range ops {
			key := keys[int(op&0x3f)%len(keys)]
			if op&0x80 != 0 {
				v, _ = v.WithoutField(key)
				p = p.Delete(key)
			} else {
				val := IntValue(int64(op & 0x7f))
				v, _ = v.WithField(key, val)
				p = p.Set(key, val)
			}
		}
		applied, err := p.Apply(base)
		if err != nil || !applied.Equal(v) {
			t.Fatalf("Apply = %s, edits give %s", Encode(applied), Encode(v))
		}
		out, err := Splice(doc, p)
		if err != nil {
			t.Fatal(err)
		}
		spliced, err := Decode(out)
		if err != nil || !spliced.Equal(v) {
			t.Fatalf("Splice = %s, edits give %s", out, Encode(v))
		}
	})
}
