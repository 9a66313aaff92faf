package model

import (
	"path/filepath"

	"github.com/confo-dev/confo/confo"
)

// ConfigJSON is a config's value as its stored JSON, or a field's when
// field is not "", for the clipboard.
func (b *Backend) ConfigJSON(ns, cfg, field string) (string, error) {
	v, err := b.value(ns, cfg, field)
	if err != nil {
		return "", err
	}
	if field != "" && v.Kind() == confo.String {
		// A string field is copied as its text: what a user pastes.
		return v.Str(), nil
	}
	return string(confo.Encode(v)), nil
}

// ConfigKey is where a config lives: its Redis key (with the prefix) or its
// file's path; the namespace's own key when cfg is "".
func (b *Backend) ConfigKey(ns, cfg string) string {
	if b.store == nil {
		return ""
	}
	n := b.store.Naming()
	k := n.NamespaceKey(ns)
	if cfg != "" {
		k = n.ConfigKey(ns, cfg)
	}
	if b.store.Kind() == confo.BackendDir {
		return filepath.Join(b.store.Address(), filepath.FromSlash(k))
	}
	return b.src.Prefix + k
}
