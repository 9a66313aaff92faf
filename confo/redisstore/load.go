package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/confo-dev/confo/confo/store"
	"github.com/redis/go-redis/v9"
)

// Load implements Store in a handful of round trips whatever the size: the
// registry, the lists (one pipeline), discovery SCANs when asked, then the
// configs by pipelined MGET in batches of loadBatch keys.
func (s *Store) Load(ctx context.Context, opts store.LoadOptions) (*store.Snapshot, error) {
	registry, err := s.readRegistry(ctx)
	if errors.Is(err, errNoRegistry) {
		registry, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reload from redis %s: %w", s.cfg, err)
	}
	wanted := registry
	if opts.Namespaces != nil {
		wanted = slices.Clone(opts.Namespaces)
		slices.Sort(wanted)
		wanted = slices.Compact(wanted)
		for _, ns := range wanted {
			if _, found := slices.BinarySearch(registry, ns); !found {
				return nil, fmt.Errorf("reload namespace %q from redis %s: %w", ns, s.cfg, store.ErrNamespaceNotFound)
			}
		}
	}
	snap := &store.Snapshot{Registry: registry, Namespaces: make([]store.NamespaceSnapshot, len(wanted))}
	if err := s.loadLists(ctx, wanted, snap); err != nil {
		return nil, err
	}
	if opts.Discover {
		if err := s.discover(ctx, registry, snap); err != nil {
			return nil, err
		}
	}
	if err := s.loadConfigs(ctx, snap, opts.Progress); err != nil {
		return nil, err
	}
	slices.SortFunc(snap.Namespaces, func(a, b store.NamespaceSnapshot) int { return strings.Compare(a.Name, b.Name) })
	return snap, nil
}

func (s *Store) loadLists(ctx context.Context, names []string, snap *store.Snapshot) error {
	pipe := s.client.Pipeline()
	cmds := make([]*redis.StringCmd, len(names))
	for i, ns := range names {
		cmds[i] = pipe.Get(ctx, s.listKey(ns))
	}
	executed, _ := pipe.Exec(ctx)
	if err := pipelineError(executed); err != nil {
		return fmt.Errorf("reload from redis %s: %w", s.cfg, s.classify(err))
	}
	for i, ns := range names {
		snap.Namespaces[i].Name = ns
		data, err := cmds[i].Bytes()
		switch {
		case errors.Is(err, redis.Nil):
			continue
		case err != nil:
			snap.Namespaces[i].Problem = fmt.Sprintf("key %q is not a Redis string", s.listKey(ns))
			continue
		}
		list, reason := decodeList(data, "configurations")
		if reason != "" {
			snap.Namespaces[i].Problem = fmt.Sprintf("key %q: %s", s.listKey(ns), reason)
			continue
		}
		configs := make([]store.ConfigSnapshot, len(list))
		for j, cfg := range list {
			configs[j].Name = cfg
		}
		snap.Namespaces[i].Configs = configs
	}
	return nil
}

// loadBatch is the number of keys per MGET; loadRound the MGETs per round trip.
const (
	loadBatch = 500
	loadRound = 20
)

func (s *Store) loadConfigs(ctx context.Context, snap *store.Snapshot, progress func(done, total int)) error {
	type slot struct{ ns, cfg int }
	var slots []slot
	var keys []string
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
		slices.SortFunc(ns.Configs, func(a, b store.ConfigSnapshot) int { return strings.Compare(a.Name, b.Name) })
		for j := range ns.Configs {
			slots = append(slots, slot{i, j})
			keys = append(keys, s.configKey(ns.Name, ns.Configs[j].Name))
		}
	}
	report := func(done int) {
		if progress != nil {
			progress(done, len(keys))
		}
	}
	report(0)
	var absent []int
	for start := 0; start < len(keys); start += loadBatch * loadRound {
		end := min(start+loadBatch*loadRound, len(keys))
		pipe := s.client.Pipeline()
		var cmds []*redis.SliceCmd
		for b := start; b < end; b += loadBatch {
			cmds = append(cmds, pipe.MGet(ctx, keys[b:min(b+loadBatch, end)]...))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("reload from redis %s: %w", s.cfg, s.classify(err))
		}
		i := start
		for _, cmd := range cmds {
			for _, v := range cmd.Val() {
				sl := slots[i]
				str, ok := v.(string)
				if ok {
					snap.Namespaces[sl.ns].Configs[sl.cfg].Raw = store.PresentRaw([]byte(str))
				} else {
					absent = append(absent, i)
				}
				i++
			}
		}
		report(end)
	}
	if len(absent) == 0 {
		return nil
	}
	// MGET answers nil both for a missing key and for one of another type.
	pipe := s.client.Pipeline()
	types := make([]*redis.StatusCmd, len(absent))
	for n, i := range absent {
		types[n] = pipe.Type(ctx, keys[i])
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("reload from redis %s: %w", s.cfg, s.classify(err))
	}
	for n, i := range absent {
		sl := slots[i]
		raw := &snap.Namespaces[sl.ns].Configs[sl.cfg].Raw
		*raw = rawOfType(types[n].Val())
	}
	return nil
}

func rawOfType(typ string) store.Raw {
	if typ == "none" || typ == "" {
		return store.MissingRaw()
	}
	return store.UnreadableRaw(typ, "redis type "+typ)
}
