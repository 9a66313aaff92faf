package redisstore

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"

	"github.com/confo-dev/confo/confo/store"
	"github.com/redis/go-redis/v9"
)

// casScript (commit.lua) compares every config key with what the caller
// expects and, only when all match, writes the configs and then the list keys. Redis runs
// a script atomically, so no other client's write lands between the check
// and the write. It reads and writes with MGET and MSET in chunks: one
// redis.call per key would double its time.
//
//	KEYS: the n config keys, then the list keys to write
//	ARGV[1]: two letters per key: the check ("p" present with these bytes,
//	         "m" missing, "u" unreadable of this Redis type, "*" none;
//	         "-" for a list key) and the write ("s" set, "d" delete)
//	ARGV[2i], ARGV[2i+1]: key i's expected bytes (or type) and new value
//
// It returns nothing when it wrote, else per conflicting config its index
// (1-based), what it holds ("p", "m", "u") and its bytes or type.
//
//go:embed commit.lua
var casScript string

// commitAttempts bounds the retries when a watched key changes between our
// read and EXEC; a real conflicting change then shows up on the re-read.
const commitAttempts = 5

// Commit implements Store: one WATCH/MULTI/EXEC transaction per namespace.
func (s *Store) Commit(ctx context.Context, changes []store.NamespaceChange, opts store.CommitOptions) ([]string, error) {
	if s.cfg.ReadOnly {
		return nil, fmt.Errorf("persist to redis %s: %w", s.cfg, store.ErrReadOnly)
	}
	return store.CommitEach(ctx, changes, func(change store.NamespaceChange) ([]store.Conflict, error) {
		return s.commitNamespace(ctx, change, opts)
	})
}

func (s *Store) commitNamespace(ctx context.Context, change store.NamespaceChange, opts store.CommitOptions) ([]store.Conflict, error) {
	// Only the list keys are WATCHed. Redis (7.0 at least) checks every
	// WATCH argument against the keys the connection already watches, so
	// watching n config keys costs O(n²): 0.4 s for 10k keys. The configs
	// are checked and written by casScript instead, which Redis runs
	// atomically inside the same MULTI/EXEC. The registry is read every
	// time (to refuse config keys that are another namespace's list) but
	// watched only when this change rewrites it, so that namespaces being
	// registered elsewhere do not make every commit retry.
	watched := []string{s.listKey(change.Namespace)}
	if change.Register || change.Unregister {
		watched = append(watched, s.registryKey())
	}
	for range commitAttempts {
		var conflicts []store.Conflict
		err := s.client.Watch(ctx, func(tx *redis.Tx) error {
			var err error
			conflicts, err = s.commitWatched(ctx, tx, change, opts)
			return err
		}, watched...)
		if errors.Is(err, redis.TxFailedErr) {
			continue
		}
		if err != nil {
			return nil, s.classify(err)
		}
		return conflicts, nil
	}
	return nil, fmt.Errorf("other clients kept changing its keys during %d attempts; try again", commitAttempts)
}

// commitWatched runs inside WATCH of the list keys: it reads the list and
// the registry in one round trip, merges the lists, and sends casScript in
// one MULTI/EXEC, which writes everything or, when a config changed, nothing.
func (s *Store) commitWatched(ctx context.Context, tx *redis.Tx, change store.NamespaceChange, opts store.CommitOptions) ([]store.Conflict, error) {
	keys := []string{s.listKey(change.Namespace), s.registryKey()}
	gets := make([]*redis.StringCmd, len(keys))
	executed, _ := tx.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, key := range keys {
			gets[i] = p.Get(ctx, key)
		}
		return nil
	})
	if err := pipelineError(executed); err != nil {
		return nil, err
	}
	current := make([]store.Raw, len(keys))
	for i, cmd := range gets {
		data, err := cmd.Bytes()
		switch {
		case err == nil:
			current[i] = store.PresentRaw(data)
		case errors.Is(err, redis.Nil):
			current[i] = store.MissingRaw()
		default:
			// WRONGTYPE, the only error pipelineError let through.
			typ, terr := tx.Type(ctx, keys[i]).Result()
			if terr != nil {
				return nil, terr
			}
			current[i] = rawOfType(typ)
		}
	}
	list, reg := current[0], current[1]
	if err := s.checkKeyClashes(change, reg); err != nil {
		return nil, err
	}
	newList, listChanged, err := s.mergeList(change, list)
	if err != nil {
		return nil, err
	}
	if change.Unregister && len(newList) > 0 {
		return []store.Conflict{{Namespace: change.Namespace, Reason: "namespace has configs added by another client"}}, nil
	}
	regBytes, regChanged, err := s.mergeRegistry(change, reg)
	if err != nil {
		return nil, err
	}

	n := len(change.Configs)
	scriptKeys := make([]string, 0, n+2)
	ops := make([]byte, 0, 2*n+4)
	args := make([]any, 1, 1+2*n+4)
	for _, c := range change.Configs {
		scriptKeys = append(scriptKeys, s.configKey(change.Namespace, c.Name))
		switch {
		case opts.Overwrite:
			ops = append(ops, '*')
			args = append(args, "")
		case c.Expect.State == store.RawPresent:
			ops = append(ops, 'p')
			args = append(args, c.Expect.Bytes)
		case c.Expect.State == store.RawMissing:
			ops = append(ops, 'm')
			args = append(args, "")
		default:
			ops = append(ops, 'u')
			args = append(args, c.Expect.Type)
		}
		if c.Write == nil {
			ops = append(ops, 'd')
			args = append(args, "")
		} else {
			ops = append(ops, 's')
			args = append(args, c.Write)
		}
	}
	write := func(key string, value []byte) {
		scriptKeys = append(scriptKeys, key)
		if value == nil {
			ops = append(ops, '-', 'd')
			args = append(args, "", "")
		} else {
			ops = append(ops, '-', 's')
			args = append(args, "", value)
		}
	}
	switch {
	case change.Unregister:
		write(s.listKey(change.Namespace), nil)
	case listChanged:
		write(s.listKey(change.Namespace), encodeList("configurations", newList))
	}
	if regChanged {
		write(s.registryKey(), regBytes)
	}
	if len(scriptKeys) == 0 {
		// Registering a namespace that is already registered and listed.
		return nil, nil
	}
	args[0] = ops
	var cas *redis.Cmd
	if _, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
		cas = p.Eval(ctx, casScript, scriptKeys, args...)
		return nil
	}); err != nil {
		return nil, err
	}
	bad, err := cas.Slice()
	if err != nil {
		return nil, err
	}
	var conflicts []store.Conflict
	for i := 0; i+2 < len(bad); i += 3 {
		idx, _ := bad[i].(int64)
		kind, _ := bad[i+1].(string)
		payload, _ := bad[i+2].(string)
		if idx < 1 || int(idx) > n {
			return nil, fmt.Errorf("unexpected answer from the compare-and-set script: %v", bad)
		}
		var theirs store.Raw
		switch kind {
		case "p":
			theirs = store.PresentRaw([]byte(payload))
		case "m":
			theirs = store.MissingRaw()
		default:
			theirs = rawOfType(payload)
		}
		c := change.Configs[idx-1]
		conflicts = append(conflicts, store.Conflict{Namespace: change.Namespace, Config: c.Name, Reason: store.ConflictReason(c.Expect, theirs), Ours: c.Expect, Theirs: theirs})
	}
	return conflicts, nil
}

// checkKeyClashes refuses a config whose key is the list key of another
// registered namespace ("b" in "a" and the namespace "a-b"): writing it would
// destroy that list. A malformed registry is reported by mergeRegistry when
// this change rewrites it and by every Load; it is not this check's concern.
func (s *Store) checkKeyClashes(change store.NamespaceChange, registry store.Raw) error {
	if registry.State != store.RawPresent || len(change.Configs) == 0 {
		return nil
	}
	names, reason := decodeList(registry.Bytes, "namespaces")
	if reason != "" {
		return nil
	}
	for _, c := range change.Configs {
		other := change.Namespace + "-" + c.Name
		if _, found := slices.BinarySearch(names, other); found {
			return fmt.Errorf("config %q: %w: its key %q is the list of the namespace %q", c.Name, store.ErrInvalidName, s.listKey(other), other)
		}
	}
	return nil
}

// mergeList applies the change's additions and removals to the namespace's
// current list, keeping names other clients added meanwhile.
func (s *Store) mergeList(change store.NamespaceChange, current store.Raw) ([]string, bool, error) {
	var names []string
	switch current.State {
	case store.RawPresent:
		list, reason := decodeList(current.Bytes, "configurations")
		if reason != "" {
			return nil, false, &store.MalformedKeyError{Key: s.listKey(change.Namespace), Reason: reason}
		}
		names = list
	case store.RawUnreadable:
		return nil, false, &store.MalformedKeyError{Key: s.listKey(change.Namespace), Reason: notAString(current.Type)}
	}
	merged := slices.Clone(names)
	merged = append(merged, change.ListAdd...)
	merged = slices.DeleteFunc(merged, func(n string) bool { return slices.Contains(change.ListRemove, n) })
	slices.Sort(merged)
	merged = slices.Compact(merged)
	if current.State == store.RawMissing {
		return merged, len(merged) > 0 || change.Register, nil
	}
	return merged, !slices.Equal(merged, names), nil
}

func (s *Store) mergeRegistry(change store.NamespaceChange, current store.Raw) ([]byte, bool, error) {
	if !change.Register && !change.Unregister {
		return nil, false, nil
	}
	var names []string
	switch current.State {
	case store.RawPresent:
		list, reason := decodeList(current.Bytes, "namespaces")
		if reason != "" {
			return nil, false, &store.MalformedKeyError{Key: s.registryKey(), Reason: reason}
		}
		names = list
	case store.RawUnreadable:
		return nil, false, &store.MalformedKeyError{Key: s.registryKey(), Reason: notAString(current.Type)}
	}
	next := slices.Clone(names)
	if change.Register {
		next = append(next, change.Namespace)
	} else {
		next = slices.DeleteFunc(next, func(n string) bool { return n == change.Namespace })
	}
	slices.Sort(next)
	next = slices.Compact(next)
	if current.State == store.RawPresent && slices.Equal(next, names) {
		return nil, false, nil
	}
	return encodeList("namespaces", next), true, nil
}
