package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/confo-dev/confo/confo/store"
	"github.com/redis/go-redis/v9"
)

// loadTargets reads what t names in one pipeline (a second one only for
// keys of the wrong type), whatever the size of the rest of the backend.
func (s *Store) loadTargets(ctx context.Context, t store.Targets) (*store.Snapshot, error) {
	pipe := s.client.Pipeline()
	var registry *redis.StringCmd
	if t.Registry {
		registry = pipe.Get(ctx, s.registryKey())
	}
	lists := make([]*redis.StringCmd, len(t.Lists))
	for i, ns := range t.Lists {
		lists[i] = pipe.Get(ctx, s.listKey(ns))
	}
	keys := make([]string, len(t.Configs))
	configs := make([]*redis.StringCmd, len(t.Configs))
	for i, ref := range t.Configs {
		keys[i] = s.configKey(ref.Namespace, ref.Config)
		configs[i] = pipe.Get(ctx, keys[i])
	}
	executed, _ := pipe.Exec(ctx)
	if err := pipelineError(executed); err != nil {
		return nil, fmt.Errorf("read from redis %s: %w", s.cfg, s.classify(err))
	}
	snap, byName := t.Skeleton()
	if registry != nil {
		names, err := s.registryOf(ctx, registry)
		if errors.Is(err, errNoRegistry) {
			names, err = []string{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read from redis %s: %w", s.cfg, err)
		}
		snap.Registry = names
	}
	for i, ns := range t.Lists {
		byName[ns].List, byName[ns].Problem = s.listOf(ns, lists[i])
	}
	var absent []int
	raws := make([]store.Raw, len(t.Configs))
	for i, cmd := range configs {
		data, err := cmd.Bytes()
		switch {
		case err == nil:
			raws[i] = store.PresentRaw(data)
		case errors.Is(err, redis.Nil):
			raws[i] = store.MissingRaw()
		default:
			absent = append(absent, i)
		}
	}
	if err := s.typeAbsent(ctx, absent, keys, func(i int, raw store.Raw) { raws[i] = raw }); err != nil {
		return nil, err
	}
	for i, ref := range t.Configs {
		ns := byName[ref.Namespace]
		ns.Configs = append(ns.Configs, store.ConfigSnapshot{Name: ref.Config, Raw: raws[i]})
	}
	for i := range snap.Namespaces {
		snap.Namespaces[i].Configs = sortConfigs(snap.Namespaces[i].Configs)
	}
	return snap, nil
}
