package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"unsafe"

	"github.com/confo-dev/confo/confo/store"
	"github.com/redis/go-redis/v9"
)

// Load implements Store in a handful of round trips whatever the size: the
// registry, the lists (one pipeline), discovery SCANs when asked, then the
// configs by pipelined MGET (GET per master on a cluster, load_cluster.go)
// in rounds of loadBatch×loadRound keys. A registry-only or targeted load is one round
// trip. Every read goes to a master: the failover client talks to the
// master only, and the cluster client never routes reads to replicas.
func (s *Store) Load(ctx context.Context, opts store.LoadOptions) (*store.Snapshot, error) {
	switch {
	case opts.RegistryOnly:
		return s.loadTargets(ctx, store.Targets{Registry: true})
	case opts.Targets != nil:
		return s.loadTargets(ctx, *opts.Targets)
	}
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
				return nil, fmt.Errorf("%w: %q in redis %s", store.ErrNamespaceNotFound, ns, s.cfg)
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
	if err := s.loadConfigs(ctx, snap, opts.Progress, opts.Stream); err != nil {
		return nil, err
	}
	if opts.Stream != nil {
		snap.Namespaces = nil
	}
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
		list, problem := s.listOf(ns, cmds[i])
		if problem != "" {
			snap.Namespaces[i].Problem = problem
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

// listOf reads a namespace's list from the answer to its GET: the names
// (empty when the key is missing), or what is wrong with it.
func (s *Store) listOf(ns string, cmd *redis.StringCmd) ([]string, string) {
	data, err := cmd.Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return []string{}, ""
	case err != nil:
		return nil, fmt.Sprintf("key %q is not a Redis string", s.listKey(ns))
	}
	list, reason := decodeList(data, "configurations")
	if reason != "" {
		return nil, fmt.Sprintf("key %q: %s", s.listKey(ns), reason)
	}
	return list, ""
}

// loadBatch is the number of keys per MGET; loadRound the MGETs per round
// trip; loadAhead the rounds on the wire at once.
const (
	loadBatch = 500
	loadRound = 20
	loadAhead = 1
	// clusterAhead is loadAhead on a cluster: a round waits for its
	// slowest master, so more rounds in flight keep every master busy.
	clusterAhead = 3
)

// configSlot places one key of a load: namespace and config index.
type configSlot struct{ ns, cfg int }

// loadConfigs reads every config of snap's namespaces, one round trip per
// round of keys. With stream, each namespace is handed over (and dropped)
// as soon as its last config is read, and the next round is already on
// the wire meanwhile, so reading and the consumer's work overlap.
func (s *Store) loadConfigs(ctx context.Context, snap *store.Snapshot, progress func(done, total int), stream func(store.NamespaceSnapshot) error) error {
	var slots []configSlot
	var keys []string
	// last[i] is one past the index of namespace i's last key.
	last := make([]int, len(snap.Namespaces))
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
		ns.Configs = sortConfigs(ns.Configs)
		for j := range ns.Configs {
			slots = append(slots, configSlot{i, j})
			keys = append(keys, s.configKey(ns.Name, ns.Configs[j].Name))
		}
		last[i] = len(keys)
	}
	report := func(done int) {
		if progress != nil {
			progress(done, len(keys))
		}
	}
	report(0)
	fetch := s.fetchRound
	if s.mode == modeCluster && len(keys) > 0 {
		r, err := s.route(ctx)
		if err != nil {
			return fmt.Errorf("reload from redis %s: %w", s.Address(), s.classify(err))
		}
		fetch = func(ctx context.Context, keys []string) ([]any, error) { return s.fetchRoundCluster(ctx, r, keys) }
	}
	const round = loadBatch * loadRound
	type fetched struct {
		start, end int
		vals       []any
		err        error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Rounds are fetched by loadAhead goroutines on their own connections
	// and handed over in order, so the server, the wire and the consumer
	// all work at once.
	var rounds []chan fetched
	for start := 0; start < len(keys); start += round {
		rounds = append(rounds, make(chan fetched, 1))
	}
	inFlight := loadAhead
	if s.mode == modeCluster {
		inFlight = clusterAhead
	}
	ahead := make(chan struct{}, inFlight)
	go func() {
		for r, out := range rounds {
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				return
			}
			start := r * round
			end := min(start+round, len(keys))
			go func() {
				vals, err := fetch(ctx, keys[start:end])
				out <- fetched{start, end, vals, err}
			}()
		}
	}()
	emitted := 0 // namespaces handed to stream so far
	emit := func(upTo int) error {
		for ; emitted < len(snap.Namespaces) && last[emitted] <= upTo; emitted++ {
			if stream == nil {
				continue
			}
			if err := stream(snap.Namespaces[emitted]); err != nil {
				return err
			}
			snap.Namespaces[emitted] = store.NamespaceSnapshot{}
		}
		return nil
	}
	if err := emit(0); err != nil {
		return err
	}
	for _, next := range rounds {
		var r fetched
		select {
		case r = <-next:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-ahead
		if r.err != nil {
			return fmt.Errorf("reload from redis %s: %w", s.cfg, s.classify(r.err))
		}
		var absent []int
		for n, v := range r.vals {
			i := r.start + n
			sl := slots[i]
			if str, ok := v.(string); ok {
				snap.Namespaces[sl.ns].Configs[sl.cfg].Raw = store.PresentRaw(stringBytes(str))
			} else {
				absent = append(absent, i)
			}
		}
		if err := s.typeAbsent(ctx, absent, keys, func(i int, raw store.Raw) {
			sl := slots[i]
			snap.Namespaces[sl.ns].Configs[sl.cfg].Raw = raw
		}); err != nil {
			return err
		}
		report(r.end)
		if err := emit(r.end); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// fetchRound reads keys by pipelined MGETs of loadBatch keys, in one round
// trip.
func (s *Store) fetchRound(ctx context.Context, keys []string) ([]any, error) {
	pipe := s.client.Pipeline()
	cmds := make([]*redis.SliceCmd, 0, (len(keys)+loadBatch-1)/loadBatch)
	for b := 0; b < len(keys); b += loadBatch {
		cmds = append(cmds, pipe.MGet(ctx, keys[b:min(b+loadBatch, len(keys))]...))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	vals := make([]any, 0, len(keys))
	for _, cmd := range cmds {
		vals = append(vals, cmd.Val()...)
	}
	return vals, nil
}

// typeAbsent tells apart, for the keys MGET answered nil, a missing key
// from one of another type, in one round trip.
func (s *Store) typeAbsent(ctx context.Context, absent []int, keys []string, set func(i int, raw store.Raw)) error {
	if len(absent) == 0 {
		return nil
	}
	pipe := s.client.Pipeline()
	types := make([]*redis.StatusCmd, len(absent))
	for n, i := range absent {
		types[n] = pipe.Type(ctx, keys[i])
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("reload from redis %s: %w", s.cfg, s.classify(err))
	}
	for n, i := range absent {
		set(i, rawOfType(types[n].Val()))
	}
	return nil
}

// stringBytes shares the memory of a value go-redis returned instead of
// copying it: a store.Raw's bytes are never written to, and a copy of a
// whole backend costs a sixth of a load's time and doubles its garbage.
// The slice's capacity is its length, so an append copies.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func rawOfType(typ string) store.Raw {
	if typ == "none" || typ == "" {
		return store.MissingRaw()
	}
	return store.UnreadableRaw(typ, "redis type "+typ)
}
