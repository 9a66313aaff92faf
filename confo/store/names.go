package store

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// RegistryName is the name the Confo layout gives the namespace registry; no
// namespace may take it, in any backend, so that trees can move between them.
const RegistryName = "confo"

// ValidateNamespaceName checks a namespace name for every backend.
func ValidateNamespaceName(name string) error {
	if name == RegistryName {
		return fmt.Errorf("namespace %q: %w: reserved for the registry key", name, ErrInvalidName)
	}
	if err := validateName(name); err != nil {
		return fmt.Errorf("namespace %q: %w", name, err)
	}
	return nil
}

// ValidateConfigName checks a config name for every backend.
func ValidateConfigName(name string) error {
	if err := validateName(name); err != nil {
		return fmt.Errorf("config %q: %w", name, err)
	}
	return nil
}

// ValidateFieldKey checks a top-level field key that is about to be
// written: any string JSON can hold, except one with control characters,
// which would reach an operator's terminal when the field is shown.
func ValidateFieldKey(key string) error {
	if HasControl(key) {
		return fmt.Errorf("field %q: %w: contains a control or invisible formatting character", key, ErrInvalidName)
	}
	return nil
}

// validateName keeps names portable between backends (a name that works in
// Redis must also be a file name in the directory store) and harmless on a
// terminal.
func validateName(name string) error {
	if err := checkStoredName(name); err != nil {
		return err
	}
	if HasControl(name) {
		return fmt.Errorf("%w: contains a control or invisible formatting character", ErrInvalidName)
	}
	return nil
}

// checkStoredName is what any name must pass to be used as a key or a path,
// including names that other tools stored.
func checkStoredName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrInvalidName)
	case name == "." || name == "..":
		return fmt.Errorf("%w: %q is not allowed", ErrInvalidName, name)
	case len(name) > 200:
		return fmt.Errorf("%w: longer than 200 bytes", ErrInvalidName)
	case strings.ContainsRune(name, '/'):
		return fmt.Errorf("%w: contains '/'", ErrInvalidName)
	case strings.IndexByte(name, 0) >= 0:
		return fmt.Errorf("%w: contains a NUL byte", ErrInvalidName)
	}
	return nil
}

// HasControl reports whether s holds something that must never reach a
// terminal raw: a C0 or C1 control or DEL, a format character (bidi
// controls among them; ZWNJ and ZWJ, which join letters, excepted), a line
// or paragraph separator, or a byte that is not valid UTF-8 (a stray 0x9b
// is a CSI to an 8-bit terminal). It is the rule of internal/termsafe's
// HasControl, which the terminal code uses to escape what it shows; the
// library keeps its own copy because it must not import terminal code, and
// a test holds the two to the same answers.
func HasControl(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if n == 1 || isControlRune(r) {
			return true
		}
		i += n
	}
	return false
}

func isControlRune(r rune) bool {
	switch {
	case r < 0xa0:
		return r >= 0x80
	case r == 0x200c || r == 0x200d:
		return false
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}
