package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/confo-dev/confo/confo/store"
	"github.com/redis/go-redis/v9"
)

// A namespace commit reads the namespace's list and the registry, decides
// in Go what to write (the merged list, the registry, which configs), and
// then writes it in one step that first checks that every key still holds
// what was read or loaded. On a single server (or a Sentinel-managed
// master) that step is one Lua script (commit_single.go), or for a few
// configs WATCH and MULTI/EXEC (commit_watch.go). What is decided here
// holds for any such step:
//
//   - every config written is listed in its namespace and the namespace is
//     registered, or nothing is written: a change into a namespace another
//     client removed is a conflict (with Overwrite, the namespace is
//     registered again), and so is a config another client took out of
//     the list;
//   - no key is written that another registered namespace's list or listed
//     config also uses.

// Commit implements Store: on one server (or Sentinel's master) each
// namespace in one atomic step; on a cluster each namespace key by key
// (commit_cluster.go), unless the prefix holds a hash tag, which keeps
// the whole tree in one slot, where the single-server step works.
func (s *Store) Commit(ctx context.Context, changes []store.NamespaceChange, opts store.CommitOptions) ([]string, error) {
	if s.cfg.ReadOnly {
		return nil, fmt.Errorf("redis %s: %w", s.Address(), store.ErrReadOnly)
	}
	return store.CommitEach(ctx, changes, func(change store.NamespaceChange) ([]store.Conflict, error) {
		conflicts, err := s.commitOne(ctx, change, opts)
		if s.mode == modeSentinel && isReadOnlyReply(err) {
			// The master a failover demoted refused the first write, so
			// nothing was written: the failover client is moving to the
			// new master; try once more when it has.
			if err := pause(ctx, failoverPause); err != nil {
				return nil, err
			}
			conflicts, err = s.commitOne(ctx, change, opts)
		}
		if err != nil {
			err = s.classify(err)
		}
		return conflicts, err
	})
}

// failoverPause is how long a commit refused by a demoted master waits
// before trying again.
const failoverPause = 500 * time.Millisecond

func (s *Store) commitOne(ctx context.Context, change store.NamespaceChange, opts store.CommitOptions) ([]store.Conflict, error) {
	switch {
	case s.mode == modeCluster && !hashTagged(s.cfg.Prefix):
		return s.commitCluster(ctx, change, opts)
	case len(change.Configs) <= watchLimit:
		return s.commitWatched(ctx, change, opts)
	}
	return s.commitScripted(ctx, change, opts)
}

// hashTagged reports whether every key under prefix hashes to one cluster
// slot: the prefix holds a hash tag, a "{" followed by at least one
// character and a "}", which Redis then hashes instead of the whole key.
func hashTagged(prefix string) bool {
	open := strings.IndexByte(prefix, '{')
	return open >= 0 && strings.IndexByte(prefix[open+1:], '}') > 0
}

// isReadOnlyReply reports a replica's refusal of a write.
func isReadOnlyReply(err error) bool {
	return isServerError(err) && strings.Contains(err.Error(), "READONLY")
}

// pause waits d, or until ctx is done.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// current is what the keys a namespace commit depends on hold now.
type current struct {
	list, registry store.Raw
	// registered is the registry's names; others the lists of the other
	// namespaces whose items could share a key with what the change writes.
	registered []string
	others     map[string]store.Raw
}

// readRaws reads keys in one round trip.
func (s *Store) readRaws(ctx context.Context, keys []string) ([]store.Raw, error) {
	gets := make([]*redis.StringCmd, len(keys))
	executed, _ := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, key := range keys {
			gets[i] = p.Get(ctx, key)
		}
		return nil
	})
	if err := pipelineError(executed); err != nil {
		return nil, err
	}
	return rawsOf(ctx, s.client, keys, gets)
}

// rawsOf turns the answers to GETs of keys into what the keys hold, asking
// the TYPE of those that are not strings.
func rawsOf(ctx context.Context, c redis.Cmdable, keys []string, gets []*redis.StringCmd) ([]store.Raw, error) {
	out := make([]store.Raw, len(keys))
	for i, cmd := range gets {
		data, err := cmd.Bytes()
		switch {
		case err == nil:
			out[i] = store.PresentRaw(data)
		case errors.Is(err, redis.Nil):
			out[i] = store.MissingRaw()
		default:
			// WRONGTYPE, the only error pipelineError let through.
			typ, terr := c.Type(ctx, keys[i]).Result()
			if terr != nil {
				return nil, terr
			}
			out[i] = rawOfType(typ)
		}
	}
	return out, nil
}

// readCurrent reads the list and the registry, then the lists of the
// namespaces whose items could share a key with what the change writes
// (a second round trip, only when there are such namespaces).
func (s *Store) readCurrent(ctx context.Context, change store.NamespaceChange) (*current, error) {
	raws, err := s.readRaws(ctx, []string{s.listKey(change.Namespace), s.registryKey()})
	if err != nil {
		return nil, err
	}
	cur, err := s.currentOf(raws[0], raws[1])
	if err != nil {
		return nil, err
	}
	others := neighbours(change, cur.registered)
	if len(others) == 0 {
		return cur, nil
	}
	keys := make([]string, len(others))
	for i, ns := range others {
		keys[i] = s.listKey(ns)
	}
	if raws, err = s.readRaws(ctx, keys); err != nil {
		return nil, err
	}
	cur.setOthers(others, raws)
	return cur, nil
}

// currentOf reads the registry's names.
func (s *Store) currentOf(list, registry store.Raw) (*current, error) {
	cur := &current{list: list, registry: registry}
	switch registry.State {
	case store.RawPresent:
		names, reason := decodeList(registry.Bytes, "namespaces")
		if reason != "" {
			return nil, &store.MalformedKeyError{Key: s.registryKey(), Reason: reason}
		}
		cur.registered = names
	case store.RawUnreadable:
		return nil, &store.MalformedKeyError{Key: s.registryKey(), Reason: notAString(registry.Type)}
	}
	return cur, nil
}

func (cur *current) setOthers(names []string, lists []store.Raw) {
	cur.others = make(map[string]store.Raw, len(names))
	for i, ns := range names {
		cur.others[ns] = lists[i]
	}
}

// writtenKeys lists the keys (without the prefix) a change creates or
// writes, each with the item it belongs to: configs written or listed and,
// when registering, the namespace's list.
func writtenKeys(change store.NamespaceChange) (keys, items []string) {
	seen := map[string]bool{}
	add := func(key, it string) {
		if !seen[key] {
			seen[key] = true
			keys, items = append(keys, key), append(items, it)
		}
	}
	if change.Register {
		add(layout{}.NamespaceKey(change.Namespace), fmt.Sprintf("namespace %q", change.Namespace))
	}
	for _, c := range change.Configs {
		if c.Write != nil {
			add(layout{}.ConfigKey(change.Namespace, c.Name), configItem(change.Namespace, c.Name))
		}
	}
	for _, name := range change.ListAdd {
		add(layout{}.ConfigKey(change.Namespace, name), configItem(change.Namespace, name))
	}
	return keys, items
}

func configItem(ns, cfg string) string { return fmt.Sprintf("config %q in namespace %q", cfg, ns) }

// neighbours lists the registered namespaces, other than the change's own,
// whose configs could have a key the change writes: those a key begins
// with, followed by "-". Such a namespace either begins the change's own
// name ("a" for "a-b") or begins with it ("a-b" for "a"); when the registry
// holds neither, which is the usual case, no key needs a look.
func neighbours(change store.NamespaceChange, registered []string) []string {
	if !hasRelatives(change.Namespace, registered) {
		return nil
	}
	var out []string
	keys, _ := writtenKeys(change)
	for _, key := range keys {
		for p := strings.IndexByte(key, '-'); p >= 0; p = nextDash(key, p) {
			ns := key[:p]
			if ns == change.Namespace || slices.Contains(out, ns) {
				continue
			}
			if _, ok := slices.BinarySearch(registered, ns); ok {
				out = append(out, ns)
			}
		}
	}
	return out
}

// hasRelatives reports whether a registered namespace other than ns begins
// ns at a "-" or begins with ns followed by "-".
func hasRelatives(ns string, registered []string) bool {
	for p := strings.IndexByte(ns, '-'); p >= 0; p = nextDash(ns, p) {
		if _, ok := slices.BinarySearch(registered, ns[:p]); ok {
			return true
		}
	}
	i, _ := slices.BinarySearch(registered, ns+"-")
	return i < len(registered) && strings.HasPrefix(registered[i], ns+"-")
}

func nextDash(s string, p int) int {
	next := strings.IndexByte(s[p+1:], '-')
	if next < 0 {
		return -1
	}
	return p + 1 + next
}

// checkKeyClashes refuses a change that would write a key another
// registered namespace uses: its list ("b" in "a" and the namespace "a-b")
// or one of its listed configs ("b-c" in "a" and "c" in "a-b").
func (s *Store) checkKeyClashes(change store.NamespaceChange, cur *current) error {
	if !hasRelatives(change.Namespace, cur.registered) {
		return nil
	}
	keys, items := writtenKeys(change)
	for i, key := range keys {
		if key != change.Namespace {
			if _, ok := slices.BinarySearch(cur.registered, key); ok {
				return &store.KeyCollisionError{Key: s.cfg.Prefix + key, Item: items[i], Other: fmt.Sprintf("the list of namespace %q", key)}
			}
		}
		for p := strings.IndexByte(key, '-'); p >= 0; p = nextDash(key, p) {
			list, ok := cur.others[key[:p]]
			if !ok || list.State != store.RawPresent {
				continue
			}
			names, reason := decodeList(list.Bytes, "configurations")
			if reason != "" {
				continue
			}
			if _, ok := slices.BinarySearch(names, key[p+1:]); ok {
				return &store.KeyCollisionError{Key: s.cfg.Prefix + key, Item: items[i], Other: configItem(key[:p], key[p+1:])}
			}
		}
	}
	return nil
}

// nsWrite is what a namespace commit writes besides its configs.
type nsWrite struct {
	// conflicts, when there are any, mean nothing is written.
	conflicts []store.Conflict
	// list: the new list (nil: keep it); dropList deletes it.
	list     []byte
	dropList bool
	// registry: the new registry (nil: keep it).
	registry []byte
}

// decide merges the change with what the keys hold now.
func (s *Store) decide(change store.NamespaceChange, cur *current, opts store.CommitOptions) (nsWrite, error) {
	var w nsWrite
	if err := s.checkKeyClashes(change, cur); err != nil {
		return w, err
	}
	_, registered := slices.BinarySearch(cur.registered, change.Namespace)
	writes := len(change.ListAdd) > 0 || slices.ContainsFunc(change.Configs, func(c store.ConfigChange) bool { return c.Write != nil })
	register := change.Register || opts.Overwrite && writes && !registered
	if writes && !registered && !register && !change.Unregister {
		w.conflicts = []store.Conflict{store.NamespaceDeletedConflict(change.Namespace)}
		return w, nil
	}
	if registered || register {
		names, listed, err := s.mergeList(change, cur.list)
		if err != nil {
			return w, err
		}
		if !opts.Overwrite {
			w.conflicts = unlisted(change, listed)
		}
		switch {
		case change.Unregister && len(names) > 0:
			w.conflicts = append(w.conflicts, store.NamespaceNotEmptyConflict(change.Namespace))
		case change.Unregister:
			w.dropList = cur.list.State != store.RawMissing
		case cur.list.State == store.RawMissing || !slices.Equal(names, listed):
			w.list = encodeList("configurations", names)
		}
	}
	if len(w.conflicts) > 0 {
		return w, nil
	}
	switch {
	case register && !registered:
		w.registry = encodeList("namespaces", append(slices.Clone(cur.registered), change.Namespace))
	case change.Unregister && registered:
		w.registry = encodeList("namespaces", slices.DeleteFunc(slices.Clone(cur.registered), func(n string) bool { return n == change.Namespace }))
	}
	return w, nil
}

// mergeList applies the change to the namespace's current list, keeping
// names other clients added meanwhile: every config written is listed,
// every config deleted is not. It also returns the current names.
func (s *Store) mergeList(change store.NamespaceChange, list store.Raw) (merged, current []string, err error) {
	switch list.State {
	case store.RawPresent:
		names, reason := decodeList(list.Bytes, "configurations")
		if reason != "" {
			return nil, nil, &store.MalformedKeyError{Key: s.listKey(change.Namespace), Reason: reason}
		}
		current = names
	case store.RawUnreadable:
		return nil, nil, &store.MalformedKeyError{Key: s.listKey(change.Namespace), Reason: notAString(list.Type)}
	}
	drop := make(map[string]bool, len(change.ListRemove))
	for _, name := range change.ListRemove {
		drop[name] = true
	}
	// Only names the list lacks are added: editing listed configs, the
	// common case, leaves the list as it is without sorting it again.
	merged = slices.Clone(current)
	added := false
	add := func(name string) {
		if _, ok := slices.BinarySearch(current, name); !ok {
			merged, added = append(merged, name), true
		}
	}
	for _, name := range change.ListAdd {
		add(name)
	}
	for _, c := range change.Configs {
		if c.Write != nil {
			add(c.Name)
		} else {
			drop[c.Name] = true
		}
	}
	if len(drop) > 0 {
		merged = slices.DeleteFunc(merged, func(n string) bool { return drop[n] })
	}
	if added {
		slices.Sort(merged)
		merged = slices.Compact(merged)
	}
	return merged, current, nil
}

// unlisted reports the configs the change writes as listed ones that the
// current list no longer names: another client deleted them, as far as
// confo can tell, and writing them would bring them back unasked.
func unlisted(change store.NamespaceChange, current []string) []store.Conflict {
	adding := make(map[string]bool, len(change.ListAdd))
	for _, name := range change.ListAdd {
		adding[name] = true
	}
	var out []store.Conflict
	for _, c := range change.Configs {
		if c.Write == nil || c.Expect.State == store.RawMissing || adding[c.Name] {
			continue
		}
		if _, ok := slices.BinarySearch(current, c.Name); ok {
			continue
		}
		out = append(out, store.Conflict{Namespace: change.Namespace, Config: c.Name,
			Reason: "removed from its namespace's list by another client", Ours: c.Expect, Theirs: store.MissingRaw()})
	}
	return out
}
