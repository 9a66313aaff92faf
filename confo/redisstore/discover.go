package redisstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/confo-dev/confo/confo/store"
)

// discover adopts <ns>-<cfg> keys missing from the lists. A key belongs to
// the longest registered namespace that prefixes it, and a key that is
// itself a namespace list (or the registry) is never a config.
func (s *Store) discover(ctx context.Context, registry []string, snap *store.Snapshot) error {
	registered := make(map[string]bool, len(registry))
	for _, ns := range registry {
		registered[ns] = true
	}
	loaded := map[string]*store.NamespaceSnapshot{}
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
		if ns.Problem == "" {
			loaded[ns.Name] = ns
		}
	}
	listed := map[string]bool{}
	for _, ns := range loaded {
		for _, c := range ns.Configs {
			listed[ns.Name+"-"+c.Name] = true
		}
	}
	adopted := map[string]int{}
	var cursor uint64
	for {
		keys, next, err := s.client.Scan(ctx, cursor, escapeGlob(s.cfg.Prefix)+"*", 1000).Result()
		if err != nil {
			return fmt.Errorf("discover keys in redis %s: %w", s.cfg, s.classify(err))
		}
		for _, full := range keys {
			key, ok := strings.CutPrefix(full, s.cfg.Prefix)
			if !ok || key == store.RegistryName || registered[key] || listed[key] {
				continue
			}
			ns, cfg := owningNamespace(key, registry)
			target := loaded[ns]
			if target == nil || store.ValidateConfigName(cfg) != nil {
				continue
			}
			listed[key] = true
			target.Configs = append(target.Configs, store.ConfigSnapshot{Name: cfg, Unlisted: true})
			adopted[ns]++
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	for _, ns := range registry {
		if n := adopted[ns]; n > 0 {
			snap.Warnings = append(snap.Warnings, fmt.Sprintf("adopted %d unlisted config(s) in %s", n, ns))
		}
	}
	return nil
}
