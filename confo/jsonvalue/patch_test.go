package jsonvalue_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

func TestSpliceWritesOnlyTheEditedMembers(t *testing.T) {
	three := jsonvalue.IntValue(3)
	for _, tc := range []struct {
		name, doc string
		patch     jsonvalue.Patch
		want      string
	}{
		{"set keeps the others' bytes", `{"a":1,  "b" : 2.50 , "c": "x"}`, jsonvalue.Patch{}.Set("b", three), `{"a":1,  "b" : 3 , "c": "x"}`},
		{"new member appended", `{"a":1}`, jsonvalue.Patch{}.Set("z", jsonvalue.StringValue("é")), `{"a":1, "z": "\u00e9"}`},
		{"into an empty object", ` { } `, jsonvalue.Patch{}.Set("k", three), ` {"k": 3 } `},
		{"delete the first", `{ "a": 1, "b": 2 }`, jsonvalue.Patch{}.Delete("a"), `{ "b": 2 }`},
		{"delete a middle one", `{"a": 1, "b": 2, "c": 3}`, jsonvalue.Patch{}.Delete("b"), `{"a": 1, "c": 3}`},
		{"delete the last", `{"a": 1, "b": 2}`, jsonvalue.Patch{}.Delete("b"), `{"a": 1}`},
		{"delete all", "{\n \"a\": 1,\n \"b\": 2\n}", jsonvalue.Patch{}.Delete("a").Delete("b"), "{\n}"},
		{"delete all, add one", `{"a": 1}`, jsonvalue.Patch{}.Delete("a").Set("b", three), `{"b": 3}`},
		{"duplicates: set replaces the last", `{"a": 1, "a": 2}`, jsonvalue.Patch{}.Set("a", three), `{"a": 1, "a": 3}`},
		{"duplicates: delete removes all", `{"a": 1, "b": 0, "a": 2}`, jsonvalue.Patch{}.Delete("a"), `{"b": 0}`},
		{"escaped key", `{"h\u00e9": 1, "x": 2}`, jsonvalue.Patch{}.Set("hé", three), `{"h\u00e9": 3, "x": 2}`},
		{"delete of a missing key", `{"a": 1}`, jsonvalue.Patch{}.Delete("zz"), `{"a": 1}`},
		{"empty patch", `{"a" :1}`, jsonvalue.Patch{}, `{"a" :1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := jsonvalue.Splice([]byte(tc.doc), tc.patch)
			if err != nil || string(got) != tc.want {
				t.Fatalf("Splice(%s) = %s, %v; want %s", tc.doc, got, err, tc.want)
			}
			base := decodeValue(t, tc.doc)
			applied, err := tc.patch.Apply(base)
			if err != nil || !decodeValue(t, string(got)).Equal(applied) {
				t.Fatalf("Splice and Apply disagree: %s vs %s", got, applied)
			}
		})
	}
}

func TestSpliceRefusesWhatDecodeRefuses(t *testing.T) {
	p := jsonvalue.Patch{}.Set("a", jsonvalue.IntValue(1))
	for _, doc := range []string{``, `{`, `{"a": 1,}`, `{"a": 01}`, `{"a": "\x01"}`, `{"a": 1} x`} {
		if _, err := jsonvalue.Splice([]byte(doc), p); err == nil {
			t.Errorf("Splice(%q) accepted", doc)
		}
	}
	for _, doc := range []string{`[1]`, `"x"`, ` 3 `, `null`} {
		if _, err := jsonvalue.Splice([]byte(doc), p); !errors.Is(err, jsonvalue.ErrNotObject) {
			t.Errorf("Splice(%q) = %v, want ErrNotObject", doc, err)
		}
	}
}

func TestObjectField(t *testing.T) {
	doc := []byte(`{"a": {"x": [1, 2]}, "b\u0041": "v", "a": 2}`)
	if v, ok, err := jsonvalue.ObjectField(doc, "a"); err != nil || !ok || v.Literal() != "2" {
		t.Errorf("ObjectField(a) = %v, %v, %v; want the last member, 2", v, ok, err)
	}
	if v, ok, err := jsonvalue.ObjectField(doc, "bA"); err != nil || !ok || v.Str() != "v" {
		t.Errorf("ObjectField(bA) = %v, %v, %v", v, ok, err)
	}
	if _, ok, err := jsonvalue.ObjectField(doc, "zz"); err != nil || ok {
		t.Errorf("ObjectField(zz) = %v, %v", ok, err)
	}
	if _, _, err := jsonvalue.ObjectField([]byte(`[1]`), "a"); !errors.Is(err, jsonvalue.ErrNotObject) {
		t.Errorf("ObjectField of an array: %v", err)
	}
}

func TestPatchIsImmutable(t *testing.T) {
	p := jsonvalue.Patch{}.Set("a", jsonvalue.IntValue(1))
	q := p.Set("a", jsonvalue.IntValue(2)).Delete("b")
	r := q.Without("a")
	if e, _ := p.Lookup("a"); e.Value.Literal() != "1" || p.Len() != 1 {
		t.Errorf("p changed: %v", e)
	}
	if q.Len() != 2 || r.Len() != 1 {
		t.Errorf("q has %d edits, r %d", q.Len(), r.Len())
	}
	if e, ok := r.Lookup("b"); !ok || !e.Delete {
		t.Errorf("r lost the delete of b")
	}
}

func TestDiff(t *testing.T) {
	base := decodeValue(t, `{"a": 1, "b": 2, "c": 3}`)
	v := decodeValue(t, `{"c": 3, "b": 20, "d": 4}`)
	p, err := jsonvalue.Diff(base, v)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for e := range p.Edits() {
		if e.Delete {
			got = append(got, "-"+e.Key)
		} else {
			got = append(got, e.Key+"="+e.Value.String())
		}
	}
	if strings.Join(got, " ") != "b=20 d=4 -a" {
		t.Errorf("Diff = %v", got)
	}
	out, err := jsonvalue.Splice([]byte(`{"a": 1, "b": 2, "c": 3}`), p)
	if err != nil || string(out) != `{"b": 20, "c": 3, "d": 4}` {
		t.Errorf("Splice of the diff = %s, %v", out, err)
	}
}

func TestValidAndObjectKindAgreeWithDecode(t *testing.T) {
	for _, s := range codecSeeds {
		_, err := jsonvalue.Decode([]byte(s))
		if got := jsonvalue.Valid([]byte(s)) == nil; got != (err == nil) {
			t.Errorf("Valid(%q) = %v, Decode error %v", s, got, err)
		}
	}
}

// BenchmarkSplice edits one field of a ~300-byte config, the unit of a
// persist of 10k edited configs.
func BenchmarkSplice(b *testing.B) {
	doc := []byte(benchConfig)
	p := jsonvalue.Patch{}.Set("user", jsonvalue.StringValue("svc_edit"))
	b.SetBytes(int64(len(doc)))
	for range b.N {
		if _, err := jsonvalue.Splice(doc, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLocateHuge finds one field of an object of 2.5M fields (~50 MB):
// what setting one field of such a config costs before it is persisted.
func BenchmarkLocateHuge(b *testing.B) {
	doc := []byte{'{'}
	for i := range 2_500_000 {
		if i > 0 {
			doc = append(doc, ", "...)
		}
		doc = fmt.Appendf(doc, `"field%07d": %d`, i, i)
	}
	doc = append(doc, '}')
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for range b.N {
		if _, ok, _, err := jsonvalue.Locate(doc, "field1234567"); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}
