package redisstore

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

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
	err := s.scanKeys(ctx, escapeGlob(s.cfg.Prefix)+"*", func(keys []string) {
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
	})
	if err != nil {
		return fmt.Errorf("discover keys in redis %s: %w", s.Address(), s.classify(err))
	}
	for _, ns := range registry {
		if n := adopted[ns]; n > 0 {
			snap.Warnings = append(snap.Warnings, fmt.Sprintf("adopted %d unlisted config(s) in %s", n, ns))
		}
	}
	return nil
}

// scanKeys hands found, one batch at a time and never two at once, the
// keys matching pattern: on a cluster those of every master (replicas hold
// copies). A key whose slot migrates meanwhile may come twice.
func (s *Store) scanKeys(ctx context.Context, pattern string, found func([]string)) error {
	scan := func(ctx context.Context, c redis.Cmdable, found func([]string)) error {
		iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
		var batch []string
		for iter.Next(ctx) {
			if batch = append(batch, iter.Val()); len(batch) == 1000 {
				found(batch)
				batch = nil
			}
		}
		found(batch)
		return iter.Err()
	}
	if s.mode != modeCluster {
		return scan(ctx, s.client, found)
	}
	var mu sync.Mutex
	return s.cluster.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		return scan(ctx, node, func(keys []string) {
			mu.Lock()
			defer mu.Unlock()
			found(keys)
		})
	})
}
