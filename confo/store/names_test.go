package store_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/termsafe"
)

// The library refuses on write what the terminal code would have to escape
// on display: the two HasControl must agree.
func TestHasControlAgreesWithTermsafe(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		s := "a" + string(r) + "b"
		if got, want := store.HasControl(s), termsafe.HasControl(s); got != want {
			t.Fatalf("U+%04X: store.HasControl %v, termsafe.HasControl %v", r, got, want)
		}
	}
	for _, s := range []string{"\xff", "a\x9bb", "\xe2\x80", "plain", ""} {
		if got, want := store.HasControl(s), termsafe.HasControl(s); got != want {
			t.Errorf("%q: store.HasControl %v, termsafe.HasControl %v", s, got, want)
		}
	}
}

func FuzzHasControlAgreesWithTermsafe(f *testing.F) {
	for _, s := range []string{"a\x1b]52;c;x\x07", "\u202e", "\u200d", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := store.HasControl(s), termsafe.HasControl(s); got != want {
			t.Fatalf("%q: store.HasControl %v, termsafe.HasControl %v", s, got, want)
		}
	})
}

func TestNamesAndFieldKeysWithControlsAreRefused(t *testing.T) {
	for _, bad := range []string{"a\x1b_x\x1b\\", "tab\t", "c1\u009b", "bidi\u202e", "ls\u2028", "\xff"} {
		if err := store.ValidateConfigName(bad); !errors.Is(err, store.ErrInvalidName) {
			t.Errorf("ValidateConfigName(%q) = %v", bad, err)
		}
		if err := store.ValidateNamespaceName(bad); !errors.Is(err, store.ErrInvalidName) {
			t.Errorf("ValidateNamespaceName(%q) = %v", bad, err)
		}
		if err := store.ValidateFieldKey(bad); !errors.Is(err, store.ErrInvalidName) {
			t.Errorf("ValidateFieldKey(%q) = %v", bad, err)
		}
	}
	for _, good := range []string{"host", "zwj\u200d", "café", "a-b c"} {
		if err := store.ValidateFieldKey(good); err != nil {
			t.Errorf("ValidateFieldKey(%q) = %v", good, err)
		}
	}
}

func TestValidateLetsBadlyNamedStoredConfigsBeRemoved(t *testing.T) {
	bad := "x\x1b[31m"
	remove := store.NamespaceChange{Namespace: "ns", ListRemove: []string{bad}, Configs: []store.ConfigChange{{Name: bad, Expect: store.PresentRaw([]byte(`1`))}}}
	if err := remove.Validate(); err != nil {
		t.Errorf("removing a stored config with a control character: %v", err)
	}
	create := store.NamespaceChange{Namespace: "ns", ListAdd: []string{bad}, Configs: []store.ConfigChange{{Name: bad, Expect: store.MissingRaw(), Write: []byte(`1`)}}}
	if err := create.Validate(); !errors.Is(err, store.ErrInvalidName) {
		t.Errorf("creating a config with a control character: %v", err)
	}
	for _, ch := range []store.NamespaceChange{
		{Namespace: "ns", ListRemove: []string{"../x"}},
		{Namespace: "..", ListRemove: []string{"x"}},
		{Namespace: "confo", Register: true},
		{Namespace: "n\u202e", Register: true},
	} {
		if err := ch.Validate(); !errors.Is(err, store.ErrInvalidName) {
			t.Errorf("Validate(%+v) = %v", ch, err)
		}
	}
}
