package redisstore

import (
	"context"
	"slices"

	"github.com/confo-dev/confo/confo/store"
)

// The list steps of a cluster commit (commit_cluster.go): a namespace's
// list and the registry change by compare-and-set, and a name is listed
// only while its key holds a value.

// stored reads the keys of names and returns the names whose key holds
// what keep accepts.
func (c *clusterCommit) stored(ctx context.Context, names []string, keep func(name string, now store.Raw) bool) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	keys := make([]string, len(names))
	for i, name := range names {
		keys[i] = c.s.configKey(c.change.Namespace, name)
	}
	raws, err := c.s.readRaws(ctx, keys)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, name := range names {
		if keep(name, raws[i]) {
			out = append(out, name)
		}
	}
	return out, nil
}

// holdsValue accepts a key that holds anything.
func holdsValue(_ string, now store.Raw) bool { return now.State != store.RawMissing }

// listAgain adds to the list those of names whose keys still hold
// something (the other clients' values a step found), as listStep does.
// If the list is gone, the namespace is being removed and the names stay
// unlisted, unless create, when this commit puts the namespace back.
func (c *clusterCommit) listAgain(ctx context.Context, names []string, create bool) error {
	var added []string
	err := c.s.updateList(ctx, c.change.Namespace, c.s.listKey(c.change.Namespace), "configurations", func(list []string, present bool) ([]string, error) {
		if !present && !create {
			return nil, errNamespaceGone
		}
		var err error
		if added, err = c.stored(ctx, names, holdsValue); err != nil || len(added) == 0 {
			return nil, err
		}
		return append(append([]string{}, list...), added...), nil
	})
	if err == nil {
		err = c.unlistGone(ctx, added)
	}
	return err
}

// unlistGone takes out of the list those of names whose keys are missing
// now. After listing names: another client saw a value listed and deleted
// it between the read of its key and the write of the list. After
// deleting them: another client read a key before the delete and listed it
// again.
func (c *clusterCommit) unlistGone(ctx context.Context, names []string) error {
	gone, err := c.stored(ctx, names, func(_ string, now store.Raw) bool { return now.State == store.RawMissing })
	if err != nil || len(gone) == 0 {
		return err
	}
	return c.s.updateList(ctx, c.change.Namespace, c.s.listKey(c.change.Namespace), "configurations", func(list []string, present bool) ([]string, error) {
		if !present {
			return nil, nil
		}
		still, err := c.stored(ctx, gone, func(_ string, now store.Raw) bool { return now.State == store.RawMissing })
		if err != nil || len(still) == 0 {
			return nil, err
		}
		return slices.DeleteFunc(list, func(n string) bool { return slices.Contains(still, n) }), nil
	})
}

// stillOurs names the written configs of idx whose keys still hold what
// this commit wrote.
func (c *clusterCommit) stillOurs(ctx context.Context, idx []int) ([]string, error) {
	keys := make([]string, len(idx))
	for n, i := range idx {
		keys[n] = c.s.configKey(c.change.Namespace, c.change.Configs[i].Name)
	}
	raws, err := c.s.readRaws(ctx, keys)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for n, i := range idx {
		if cc := c.change.Configs[i]; raws[n].Same(store.PresentRaw(cc.Write)) {
			names = append(names, cc.Name)
		}
	}
	return names, nil
}

// updateList changes the names of a list key (a namespace's list, or the
// registry) by compare-and-set: it reads the key, hands its names to f,
// and writes what f returns only if the key still holds what was read,
// reading again until it does. f returns nil to write nothing, or an error
// to stop.
func (s *Store) updateList(ctx context.Context, ns, key, field string, f func(names []string, present bool) ([]string, error)) error {
	for attempt := 1; attempt <= listAttempts; attempt++ {
		if attempt > 1 {
			if err := backoff(ctx, attempt); err != nil {
				return err
			}
		}
		raws, err := s.readRaws(ctx, []string{key})
		if err != nil {
			return err
		}
		cur := raws[0]
		var names []string
		switch cur.State {
		case store.RawPresent:
			var reason string
			if names, reason = decodeList(cur.Bytes, field); reason != "" {
				return &store.MalformedKeyError{Key: key, Reason: reason}
			}
		case store.RawUnreadable:
			return &store.MalformedKeyError{Key: key, Reason: notAString(cur.Type)}
		}
		next, err := f(slices.Clone(names), cur.State == store.RawPresent)
		if err != nil || next == nil {
			return err
		}
		slices.Sort(next)
		next = slices.Compact(next)
		if cur.State == store.RawPresent && slices.Equal(next, names) {
			return nil
		}
		o := s.runKeyCAS(ctx, []keyCAS{{key: key, expect: cur, write: encodeList(field, next)}})[0]
		if o.err != nil || o.ok {
			return o.err
		}
	}
	return &store.ContentionError{Namespace: ns, Attempts: listAttempts}
}
