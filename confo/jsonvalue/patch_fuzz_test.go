package jsonvalue_test

import (
	"errors"
	"testing"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

// FuzzScan checks that the scanner accepts exactly what Decode accepts, and
// tells objects apart as Decode's value would.
func FuzzScan(f *testing.F) {
	for _, s := range codecSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		v, err := jsonvalue.Decode(in)
		if got := jsonvalue.Valid(in) == nil; got != (err == nil) {
			t.Fatalf("Valid(%q) = %v, Decode error %v", in, got, err)
		}
		kind := jsonvalue.ObjectKind(in)
		switch {
		case err != nil:
			var syntax *jsonvalue.SyntaxError
			if !errors.As(kind, &syntax) {
				t.Fatalf("ObjectKind(%q) = %v, want a syntax error like Decode's %v", in, kind, err)
			}
		case v.Kind() == jsonvalue.Object && kind != nil:
			t.Fatalf("ObjectKind(%q) = %v for an object", in, kind)
		case v.Kind() != jsonvalue.Object && !errors.Is(kind, jsonvalue.ErrNotObject):
			t.Fatalf("ObjectKind(%q) = %v for a %s", in, kind, v.Kind())
		}
	})
}
