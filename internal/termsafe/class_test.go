package termsafe

import (
	"testing"
	"unicode/utf8"
)

// Every code point, so the shortcuts in joinsPrev and joinsNext, the probe
// characters and the cached blocks are checked against the plain question.
func TestJoinsAllCodePoints(t *testing.T) {
	if testing.Short() {
		t.Skip("probes every code point")
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		if got, want := joinsPrev(r), refJoins("a", r, ""); got != want {
			t.Errorf("joinsPrev(%U) = %v", r, got)
		}
		if got, want := joinsNext(r), refJoins("", r, "\\"); got != want {
			t.Errorf("joinsNext(%U) = %v", r, got)
		}
	}
}

func TestMustEscapeAllCodePoints(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if got, want := mustEscape(r), refInvisible(r); got != want {
			t.Errorf("mustEscape(%U) = %v", r, got)
		}
	}
}
