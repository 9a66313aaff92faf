package redisstore

import (
	"strings"

	"github.com/confo-dev/confo/confo/store"
)

// layout is the documented Confo key layout, before the prefix every key
// shares: the registry "confo", a namespace's list under its own name, and a
// config under "<ns>-<cfg>". The "-" makes keys collide: config "b-c" of
// namespace "a" and config "c" of namespace "a-b" are both "a-b-c", and
// config "b" of "a" is the list of namespace "a-b".
type layout struct{}

func (layout) NamespaceKey(ns string) string   { return ns }
func (layout) ConfigKey(ns, cfg string) string { return ns + "-" + cfg }

// Naming implements store.Store.
func (s *Store) Naming() store.Naming { return layout{} }

func (s *Store) registryKey() string             { return s.cfg.Prefix + store.RegistryName }
func (s *Store) listKey(ns string) string        { return s.cfg.Prefix + layout{}.NamespaceKey(ns) }
func (s *Store) configKey(ns, cfg string) string { return s.cfg.Prefix + layout{}.ConfigKey(ns, cfg) }

// owningNamespace splits key into the longest registered namespace and the
// config name after its "-", or returns "" when no namespace owns it.
func owningNamespace(key string, registry []string) (string, string) {
	best := ""
	for _, ns := range registry {
		if len(ns) > len(best) && len(key) > len(ns)+1 && strings.HasPrefix(key, ns+"-") {
			best = ns
		}
	}
	if best == "" {
		return "", ""
	}
	return best, key[len(best)+1:]
}

// escapeGlob quotes the characters SCAN MATCH reads as a pattern, so a
// prefix is matched literally.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
