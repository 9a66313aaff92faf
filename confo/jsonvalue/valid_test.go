package jsonvalue_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

// validSeeds add to codecSeeds the texts whose errors are easiest to get
// wrong: escapes, surrogates, truncation at every kind of token, depth.
var validSeeds = []string{
	``, ` `, `{`, `[`, `"`, `"\`, `"\u12`, `"\u12G4"`, `"\x"`, "\"a\x01\"", `"\ud800\uZZZZ"`, `"\ud800\udc00"`,
	`{"a"`, `{"a":`, `{"a":1`, `{"a":1,`, `{"a":1,}`, `{1:2}`, `[1 2]`, `tru`, `nul`, `NaN`, `-Infinity`, `-Inf`,
	`-`, `01`, `1.`, `1e`, `1e+`, `.5`, `1 2`, `{"configurations": ["mysqli", "pg"`,
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat(`{"a":`, 10001),
}

// TestValidAgreesWithDecode: Valid accepts exactly what Decode accepts and
// reports the same error, at the same byte.
func TestValidAgreesWithDecode(t *testing.T) {
	for _, s := range append(append([]string{}, codecSeeds...), validSeeds...) {
		checkValidAgrees(t, []byte(s))
	}
}

func checkValidAgrees(t *testing.T, in []byte) {
	t.Helper()
	_, decodeErr := jsonvalue.Decode(in)
	validErr := jsonvalue.Valid(in)
	if fmt.Sprint(decodeErr) != fmt.Sprint(validErr) {
		t.Fatalf("%.80q: Decode says %v, Valid says %v", in, decodeErr, validErr)
	}
}

// FuzzValid checks the agreement on any input.
func FuzzValid(f *testing.F) {
	for _, s := range append(append([]string{}, codecSeeds...), validSeeds...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkValidAgrees(t, in) })
}

func BenchmarkValid(b *testing.B) {
	data := []byte(benchConfig)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := jsonvalue.Valid(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeForComparison(b *testing.B) {
	data := []byte(benchConfig)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jsonvalue.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
