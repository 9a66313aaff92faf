package store

import (
	"fmt"
	"strings"
	"unicode"
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

// validateName keeps names portable between backends: a name that works in
// Redis must also be a file name in the directory store.
func validateName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrInvalidName)
	case name == "." || name == "..":
		return fmt.Errorf("%w: %q is not allowed", ErrInvalidName, name)
	case len(name) > 200:
		return fmt.Errorf("%w: longer than 200 bytes", ErrInvalidName)
	case strings.ContainsRune(name, '/'):
		return fmt.Errorf("%w: contains '/'", ErrInvalidName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: contains a control character", ErrInvalidName)
	}
	return nil
}
