package redisstore

import (
	"context"
	"errors"
	"slices"

	"github.com/confo-dev/confo/confo/store"
)

// A namespace commit on a Redis Cluster. The key layout is the Python
// peers', so a namespace's list, its configs and the registry live in
// different slots, usually on different masters: no transaction or script
// can cover them. The commit is therefore a sequence of steps, each a
// compare-and-set of one key (cas.lua), ordered so that what a reader may
// see between two steps never lists a name without its key:
//
//  1. check: read the list, the registry and every config the change
//     touches, and compare them with what the change expects, as the
//     single-server commit does; any difference is a conflict and nothing
//     is written, which is the usual way a conflict ends;
//  2. write the configs, each by compare-and-set;
//  3. list the new ones and unlist the deleted ones, in a compare-and-set
//     loop on the list that merges with what other clients listed;
//  4. register the namespace (or make sure it still is), the same way;
//  5. delete the configs to delete, each by compare-and-set.
//
// Removing a namespace runs the other way: the registry, the list, then the
// configs. When another client's change lands between the check and a
// step, the commit stops there and reports a *store.PartialCommitError
// naming what was written and what not: the tree is still consistent (no
// listed name without its key; a config this commit stored but could not
// list is named, and persisting again lists it), and a persist again
// finishes the change. When another client removes the namespace
// meanwhile, the commit undoes what it wrote, by compare-and-set on its own
// bytes so nothing written since by others is touched.
//
// Every rule below that is not obvious was found by the race test
// (race_cluster_test.go); it is the specification.

// injected is the failure a test makes happen before a step ("list",
// "registry", "deletes"), as if the connection failed there.
func (s *Store) injected(step string) error {
	if s.failBefore == nil {
		return nil
	}
	return s.failBefore(step)
}

// errNamespaceGone stops a step that finds the namespace removed by
// another client.
var errNamespaceGone = errors.New("namespace removed by another client during the commit")

// listAttempts bounds the compare-and-set loop on a list or the registry.
const listAttempts = 20

// clusterCommit is one namespace's commit on a cluster and what its steps
// did.
type clusterCommit struct {
	s      *Store
	change store.NamespaceChange
	opts   store.CommitOptions
	// From the check: the list as read, whether the namespace was
	// registered (and, after step 4, is) and whether this commit
	// registers it.
	list                 store.Raw
	listed               map[string]bool
	registered, register bool

	written    []string         // configs whose write or delete landed
	wrote      []int            // the indexes in change.Configs of the writes that landed
	added      []string         // names the list step added
	listDone   bool             // the list step wrote the list
	unlisted   []string         // stored by this commit, not listed
	notWritten []store.Conflict // configs left as they were
	conflicts  []store.Conflict // those of notWritten another client changed
	stop       error            // why a step stopped
}

func (s *Store) commitCluster(ctx context.Context, change store.NamespaceChange, opts store.CommitOptions) ([]store.Conflict, error) {
	c := &clusterCommit{s: s, change: change, opts: opts}
	if conflicts, err := c.check(ctx); err != nil || len(conflicts) > 0 {
		return conflicts, err
	}
	if change.Unregister {
		c.unregister(ctx)
		return c.finish()
	}
	if c.writeConfigs(ctx) {
		return c.finish()
	}
	if err := c.listStep(ctx); err != nil {
		return c.undo(ctx, err)
	}
	if err := c.registryStep(ctx); err != nil {
		return c.undo(ctx, err)
	}
	c.deleteConfigs(ctx)
	return c.finish()
}

// check is step 1: the single-server commit's checks, on what the keys
// hold now.
func (c *clusterCommit) check(ctx context.Context) ([]store.Conflict, error) {
	s, change := c.s, c.change
	keys := []string{s.listKey(change.Namespace), s.registryKey()}
	for _, cc := range change.Configs {
		keys = append(keys, s.configKey(change.Namespace, cc.Name))
	}
	raws, err := s.readRaws(ctx, keys)
	if err != nil {
		return nil, s.classify(err)
	}
	cur, err := s.currentOf(raws[0], raws[1])
	if err != nil {
		return nil, err
	}
	if others := neighbours(change, cur.registered); len(others) > 0 {
		lists := make([]string, len(others))
		for i, ns := range others {
			lists[i] = s.listKey(ns)
		}
		got, err := s.readRaws(ctx, lists)
		if err != nil {
			return nil, s.classify(err)
		}
		cur.setOthers(others, got)
	}
	w, err := s.decide(change, cur, c.opts)
	if err != nil || len(w.conflicts) > 0 {
		return w.conflicts, err
	}
	var conflicts []store.Conflict
	for i, cc := range change.Configs {
		if now := raws[2+i]; !c.opts.Overwrite && !now.Same(cc.Expect) {
			conflicts = append(conflicts, conflictOf(change.Namespace, cc, now))
		}
	}
	c.list = cur.list
	c.listed = map[string]bool{}
	if cur.list.State == store.RawPresent {
		names, _ := decodeList(cur.list.Bytes, "configurations") // decide read it
		for _, n := range names {
			c.listed[n] = true
		}
	}
	_, c.registered = slices.BinarySearch(cur.registered, change.Namespace)
	writes := len(change.ListAdd) > 0 || slices.ContainsFunc(change.Configs, func(cc store.ConfigChange) bool { return cc.Write != nil })
	// A registered namespace without a list (Python's create_namespace
	// before any config, or a list lost with a master that kept no data)
	// is an empty namespace, as on one server: this commit writes its
	// list, the way a registering commit does, rather than reading the
	// missing list as a removal under way (a removal unregisters first).
	orphanedList := c.registered && cur.list.State == store.RawMissing
	c.register = change.Register || writes && (orphanedList || c.opts.Overwrite && !c.registered)
	return conflicts, nil
}

func conflictOf(ns string, cc store.ConfigChange, theirs store.Raw) store.Conflict {
	return store.Conflict{Namespace: ns, Config: cc.Name, Reason: store.ConflictReason(cc.Expect, theirs), Ours: cc.Expect, Theirs: theirs}
}

// writeConfigs is step 2. It reports whether the commit ends here: nothing
// was written and nothing else is to be done.
func (c *clusterCommit) writeConfigs(ctx context.Context) bool {
	var idx []int
	var ops []keyCAS
	for i, cc := range c.change.Configs {
		if cc.Write != nil {
			idx = append(idx, i)
			ops = append(ops, c.op(cc, cc.Write))
		}
	}
	for n, o := range c.s.runKeyCAS(ctx, ops) {
		if c.record(idx[n], o) {
			c.wrote = append(c.wrote, idx[n])
		}
	}
	more := len(c.change.ListAdd) > 0 || len(c.change.ListRemove) > 0 || c.register ||
		slices.ContainsFunc(c.change.Configs, func(cc store.ConfigChange) bool { return cc.Write == nil })
	// A list step that changes nothing, followed by the registry step,
	// would race with a removal of the namespace for nothing.
	return len(c.wrote) == 0 && !more
}

// op is the compare-and-set of config cc to write (nil deletes).
func (c *clusterCommit) op(cc store.ConfigChange, write []byte) keyCAS {
	return keyCAS{key: c.s.configKey(c.change.Namespace, cc.Name), expect: cc.Expect, any: c.opts.Overwrite, write: write}
}

// record notes what one config's compare-and-set did; true when it landed.
func (c *clusterCommit) record(i int, o casOutcome) bool {
	cc := c.change.Configs[i]
	switch {
	case o.ok:
		c.written = append(c.written, cc.Name)
		return true
	case o.err != nil:
		c.notWritten = append(c.notWritten, store.Conflict{Namespace: c.change.Namespace, Config: cc.Name, Ours: cc.Expect})
		if c.stop == nil {
			c.stop = c.s.classify(o.err)
		}
	default:
		cf := conflictOf(c.change.Namespace, cc, o.theirs)
		c.notWritten, c.conflicts = append(c.notWritten, cf), append(c.conflicts, cf)
		if c.stop == nil {
			c.stop = &store.ConflictError{Conflicts: []store.Conflict{cf}}
		}
	}
	return false
}

// listStep is step 3. A written config is added when it was not listed at
// the check (listing an edited config again would undo a concurrent delete
// that saw our value), and a name the change lists without writing it (an
// existing config adopted into the list) as well; each only while its key
// holds what this commit wrote (or, adopted, anything), checked right
// before each compare-and-set of the list and once more after it (see
// listed).
func (c *clusterCommit) listStep(ctx context.Context) error {
	ours := map[string][]byte{}
	var add []string
	for _, i := range c.wrote {
		if cc := c.change.Configs[i]; !c.listed[cc.Name] {
			add, ours[cc.Name] = append(add, cc.Name), cc.Write
		}
	}
	for _, name := range c.change.ListAdd {
		if !slices.ContainsFunc(c.change.Configs, func(cc store.ConfigChange) bool { return cc.Name == name && cc.Write != nil }) {
			add = append(add, name)
		}
	}
	drop := slices.Clone(c.change.ListRemove)
	for _, cc := range c.change.Configs {
		if cc.Write == nil {
			drop = append(drop, cc.Name)
		}
	}
	if len(add) == 0 && len(drop) == 0 && !c.register {
		return nil
	}
	keep := func(name string, now store.Raw) bool {
		if write, written := ours[name]; written {
			return now.Same(store.PresentRaw(write))
		}
		return holdsValue(name, now)
	}
	var added []string
	err := c.s.injected("list")
	if err == nil {
		err = c.s.updateList(ctx, c.change.Namespace, c.s.listKey(c.change.Namespace), "configurations", func(names []string, present bool) ([]string, error) {
			if !present && !c.register {
				return nil, errNamespaceGone
			}
			var err error
			if added, err = c.stored(ctx, add, keep); err != nil {
				return nil, err
			}
			next := append(append([]string{}, names...), added...)
			return slices.DeleteFunc(next, func(n string) bool { return slices.Contains(drop, n) }), nil
		})
	}
	if err == nil {
		c.added, c.listDone = added, true
		err = c.unlistGone(ctx, added)
	}
	return err
}

// registryStep is step 4: the namespace is registered, or must still be.
// A registering commit then makes sure the list exists: a removal of the
// namespace may have deleted it between steps 3 and 4.
func (c *clusterCommit) registryStep(ctx context.Context) error {
	ns := c.change.Namespace
	err := c.s.injected("registry")
	if err == nil {
		err = c.s.updateList(ctx, ns, c.s.registryKey(), "namespaces", func(names []string, _ bool) ([]string, error) {
			switch {
			case slices.Contains(names, ns), !c.register && len(c.wrote)+len(c.added) == 0:
				// Registered; or not, and nothing was written that
				// needs it: only deletes.
				return nil, nil
			case !c.register:
				return nil, errNamespaceGone
			}
			return append(names, ns), nil
		})
	}
	if err == nil && c.register {
		err = c.s.updateList(ctx, ns, c.s.listKey(ns), "configurations", func(names []string, present bool) ([]string, error) {
			if present {
				return nil, nil
			}
			return c.stillOurs(ctx, c.wrote)
		})
	}
	if err == nil {
		c.registered = true
	}
	return err
}

// deleteConfigs is step 5, run whatever happened to the writes: the list
// step has unlisted these configs. A delete that finds new bytes lists the
// config again, so their value is not orphaned; one that finds nothing has
// reached its goal; one whose outcome is unknown is named as unlisted.
func (c *clusterCommit) deleteConfigs(ctx context.Context) {
	var idx []int
	var ops []keyCAS
	for i, cc := range c.change.Configs {
		if cc.Write == nil {
			idx = append(idx, i)
			ops = append(ops, c.op(cc, nil))
		}
	}
	if err := c.s.injected("deletes"); err != nil {
		c.abandon(err)
		return
	}
	var relist, deleted []string
	for n, o := range c.s.runKeyCAS(ctx, ops) {
		name := c.change.Configs[idx[n]].Name
		landed := c.record(idx[n], o)
		switch {
		case landed:
			deleted = append(deleted, name)
		case o.err != nil:
			c.unlisted = append(c.unlisted, name)
		default:
			relist = append(relist, name)
		}
	}
	// A client that found the value this commit deleted (another
	// client's, which this one saw) may have listed it again meanwhile,
	// having read the key before the delete: take it out again.
	if err := c.unlistGone(ctx, deleted); err != nil && c.stop == nil {
		c.stop = c.s.classify(err)
	}
	if len(relist) == 0 {
		return
	}
	if err := c.listAgain(ctx, relist, false); err != nil {
		c.unlisted = append(c.unlisted, relist...)
	}
}

// unregister removes the namespace: the registry first, then its list
// (only as read at the check: a list another client added to is a
// conflict, and the registration comes back if this commit took it out),
// then its configs. A config another client changed meanwhile stays: if
// this commit took the namespace out of the registry, it lists that config
// again and registers the namespace again, so their value stays reachable;
// otherwise another removal took it out, and the config is named as
// unlisted.
func (c *clusterCommit) unregister(ctx context.Context) {
	s, ns := c.s, c.change.Namespace
	tookOut := false
	err := s.updateList(ctx, ns, s.registryKey(), "namespaces", func(names []string, _ bool) ([]string, error) {
		if tookOut = slices.Contains(names, ns); !tookOut {
			return nil, nil
		}
		return slices.DeleteFunc(names, func(n string) bool { return n == ns }), nil
	})
	if err != nil {
		c.stop = err
		return
	}
	if c.list.State == store.RawPresent {
		o := s.runKeyCAS(ctx, []keyCAS{{key: s.listKey(ns), expect: c.list}})[0]
		if !o.ok {
			c.stop = s.classify(o.err)
			if o.err == nil {
				cf := store.NamespaceNotEmptyConflict(ns)
				c.conflicts, c.stop = append(c.conflicts, cf), &store.ConflictError{Conflicts: []store.Conflict{cf}}
			}
			if tookOut {
				c.registerAgain(ctx)
			}
			return
		}
	}
	var idx []int
	var ops []keyCAS
	for i, cc := range c.change.Configs {
		idx, ops = append(idx, i), append(ops, c.op(cc, nil))
	}
	var theirs []string
	for n, o := range s.runKeyCAS(ctx, ops) {
		name := c.change.Configs[idx[n]].Name
		landed := c.record(idx[n], o)
		switch {
		case landed:
		case o.err == nil && tookOut:
			theirs = append(theirs, name)
		default:
			c.unlisted = append(c.unlisted, name)
		}
	}
	if len(theirs) == 0 {
		return
	}
	// Listed first, then registered: the order of a write.
	if err := c.listAgain(ctx, theirs, true); err != nil {
		c.unlisted = append(c.unlisted, theirs...)
		c.stop = errors.Join(c.stop, s.classify(err))
		return
	}
	c.registerAgain(ctx)
}

// registerAgain puts back the registration this commit took out.
func (c *clusterCommit) registerAgain(ctx context.Context) {
	ns := c.change.Namespace
	err := c.s.updateList(ctx, ns, c.s.registryKey(), "namespaces", func(names []string, _ bool) ([]string, error) {
		return append(names, ns), nil
	})
	if err != nil {
		c.stop = errors.Join(c.stop, err)
	}
}

// undo runs when step 3 or 4 finds the namespace removed by another client
// (or fails). The deletes are carried out all the same: an unlisted key
// is never wrong to delete, and left alone it would be an orphan. Every
// write is taken back by compare-and-set on this commit's own bytes, so a
// value another client wrote since stays: an edit gets its old bytes back
// (the removal that raced with it either deletes those, or, having found
// ours, keeps the namespace with the config listed, or names it), and a
// created config is unlisted and deleted (listed again if another client
// wrote it since). Lists are never deleted: a list
// this commit created is harmless when empty, and a compare-and-set cannot
// tell it from one a concurrent registration relies on.
func (c *clusterCommit) undo(ctx context.Context, cause error) ([]store.Conflict, error) {
	if !errors.Is(cause, errNamespaceGone) {
		c.abandon(cause)
		return c.finish()
	}
	c.deleteConfigs(ctx)
	s, ns := c.s, c.change.Namespace
	var restore, remove []int
	for _, i := range c.wrote {
		if c.change.Configs[i].Expect.State == store.RawPresent {
			restore = append(restore, i)
		} else {
			remove = append(remove, i)
		}
	}
	var ops []keyCAS
	for _, i := range restore {
		cc := c.change.Configs[i]
		ops = append(ops, keyCAS{key: s.configKey(ns, cc.Name), expect: store.PresentRaw(cc.Write), write: cc.Expect.Bytes})
	}
	kept := c.takeBack(s.runKeyCAS(ctx, ops), restore)
	var created []string
	for _, i := range remove {
		created = append(created, c.change.Configs[i].Name)
	}
	if len(created) > 0 {
		if err := s.updateList(ctx, ns, s.listKey(ns), "configurations", func(names []string, present bool) ([]string, error) {
			if !present {
				return nil, nil
			}
			return slices.DeleteFunc(names, func(n string) bool { return slices.Contains(created, n) }), nil
		}); err != nil {
			return c.undone(err)
		}
	}
	ops = ops[:0]
	for _, i := range remove {
		cc := c.change.Configs[i]
		ops = append(ops, keyCAS{key: s.configKey(ns, cc.Name), expect: store.PresentRaw(cc.Write)})
	}
	theirs := c.takeBack(s.runKeyCAS(ctx, ops), remove)
	if len(theirs) > 0 {
		if err := c.listAgain(ctx, theirs, false); err != nil && !errors.Is(err, errNamespaceGone) {
			c.unlisted = append(c.unlisted, theirs...)
			return c.undone(err)
		}
	}
	if len(kept)+len(theirs) == 0 && len(c.written) == 0 && c.stop == nil {
		return []store.Conflict{store.NamespaceDeletedConflict(ns)}, nil
	}
	return c.undone(nil)
}

// abandon stops a commit that failed (a lost connection, a malformed list)
// after writing configs, naming what is stored and not listed: the new
// configs, if the list step did not run, or ran for a namespace that is
// not registered yet; and the configs to delete, which it took out of the
// list.
func (c *clusterCommit) abandon(err error) {
	c.stop = c.s.classify(err)
	switch {
	case !c.listDone:
		for _, i := range c.wrote {
			if name := c.change.Configs[i].Name; !c.listed[name] {
				c.unlisted = append(c.unlisted, name)
			}
		}
		return
	case !c.registered:
		c.unlisted = append(c.unlisted, c.added...)
	}
	for i, cc := range c.change.Configs {
		if cc.Write == nil {
			c.record(i, casOutcome{err: err})
			c.unlisted = append(c.unlisted, cc.Name)
		}
	}
}

// takeBack notes the undo compare-and-sets of the writes at idx: an undo
// that landed takes its config out of written; one that found another
// client's bytes leaves it to them. It returns the configs whose undo did
// not land.
func (c *clusterCommit) takeBack(outcomes []casOutcome, idx []int) []string {
	var left []string
	for n, o := range outcomes {
		name := c.change.Configs[idx[n]].Name
		if o.ok {
			c.written = slices.DeleteFunc(c.written, func(w string) bool { return w == name })
			continue
		}
		left = append(left, name)
		if o.err != nil && c.stop == nil {
			c.stop = c.s.classify(o.err)
		}
	}
	return left
}

// undone ends an undo that could not take everything back: a partial
// commit, stopped by the namespace's removal (or by err).
func (c *clusterCommit) undone(err error) ([]store.Conflict, error) {
	cf := store.NamespaceDeletedConflict(c.change.Namespace)
	c.conflicts = append(c.conflicts, cf)
	c.stop = &store.ConflictError{Conflicts: []store.Conflict{cf}}
	if err != nil {
		c.stop = errors.Join(c.stop, c.s.classify(err))
	}
	return c.finish()
}

// finish reports the commit: done, a plain conflict or failure when
// nothing was written, or a partial commit.
func (c *clusterCommit) finish() ([]store.Conflict, error) {
	if c.stop == nil && len(c.notWritten) == 0 && len(c.unlisted) == 0 {
		return nil, nil
	}
	if len(c.written) == 0 && len(c.unlisted) == 0 {
		if len(c.conflicts) > 0 {
			return c.conflicts, nil
		}
		return nil, c.stop
	}
	return c.conflicts, &store.PartialCommitError{Namespace: c.change.Namespace, Written: c.written,
		Unlisted: c.unlisted, NotWritten: c.notWritten, Err: c.stop}
}
