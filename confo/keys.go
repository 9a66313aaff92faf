package confo

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// item is a namespace (cfg "") or a config of a workspace.
type item struct{ ns, cfg string }

// keyIndex finds the items that a backend would keep under the same key:
// in Redis, namespace "a-b" has the list key "a-b", which is also the key
// of config "b" in "a", and config "b-c" of "a" shares "a-b-c" with config
// "c" of "a-b". Writing one would destroy the other, so the second is
// refused. The index is built on the first check and then kept up to date,
// so that adding 100,000 configs costs 100,000 lookups, not a scan each.
type keyIndex struct {
	naming Naming
	ws     *Workspace
	// byKey holds every item, deleted ones included; check skips those.
	byKey map[string][]item
	// sharing caches mayShareKeys until a namespace comes or goes.
	sharing, sharingKnown bool
}

func (k *keyIndex) key(it item) string {
	if it.cfg == "" {
		return k.naming.NamespaceKey(it.ns)
	}
	return k.naming.ConfigKey(it.ns, it.cfg)
}

func (k *keyIndex) add(it item) {
	if it.cfg == "" {
		k.sharingKnown = false
	}
	if k.byKey == nil {
		return
	}
	key := k.key(it)
	k.byKey[key] = append(k.byKey[key], it)
}

func (k *keyIndex) remove(it item) {
	if it.cfg == "" {
		k.sharingKnown = false
	}
	if k.byKey == nil {
		return
	}
	key := k.key(it)
	list := k.byKey[key]
	for i, other := range list {
		if other == it {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(k.byKey, key)
		return
	}
	k.byKey[key] = list
}

func (k *keyIndex) build() {
	k.byKey = map[string][]item{}
	for name, ns := range k.ws.namespaces {
		k.add(item{ns: name})
		for cfg := range ns.configs {
			k.add(item{name, cfg})
		}
	}
}

// live reports whether an item exists and is not deleted locally.
func (k *keyIndex) live(it item) bool {
	ns := k.ws.namespaces[it.ns]
	if ns == nil || ns.deleted {
		return false
	}
	if it.cfg == "" {
		return true
	}
	c := ns.configs[it.cfg]
	return c != nil && !c.deleted
}

// check refuses it when a live item other than itself has its key: it is
// asked before an item is created and before one is written, so that data
// that already collides when it is loaded cannot be written either.
func (k *keyIndex) check(it item) error {
	if other, ok := k.sharer(it); ok {
		return &KeyCollisionError{Key: k.key(it), Item: it.String(), Other: other.String()}
	}
	return nil
}

// sharer returns a live item other than it with its key. A config can
// only share its key when two namespaces are related (see mayShareKeys),
// which is rare, so that case alone builds and reads the index; a new
// namespace is always checked, as it may be the one making such a pair.
func (k *keyIndex) sharer(it item) (item, bool) {
	if k.naming == nil || it.cfg != "" && !k.mayShareKeys() {
		return item{}, false
	}
	if k.byKey == nil {
		k.build()
	}
	for _, other := range k.byKey[k.key(it)] {
		if other != it && k.live(other) {
			return other, true
		}
	}
	return item{}, false
}

// mayShareKeys is a cheap first test for collisions, run on every reload:
// items of two namespaces can only share a key when one namespace's key
// begins with the other's config keys' common start ("a-b" with "a-"), so
// with no such pair the index need not be built. It assumes what the Redis
// layout does, that a config key is ConfigKey(ns, "") followed by the name;
// under the directory layout no two items ever share a path.
func (k *keyIndex) mayShareKeys() bool {
	if k.naming == nil {
		return false
	}
	if !k.sharingKnown {
		k.sharing, k.sharingKnown = k.findSharing(), true
	}
	return k.sharing
}

func (k *keyIndex) findSharing() bool {
	keys := make([]string, 0, len(k.ws.namespaces))
	for name := range k.ws.namespaces {
		keys = append(keys, k.naming.NamespaceKey(name))
	}
	sort.Strings(keys)
	for name := range k.ws.namespaces {
		start := k.naming.ConfigKey(name, "")
		i, _ := slices.BinarySearch(keys, start)
		if i < len(keys) && strings.HasPrefix(keys[i], start) {
			return true
		}
	}
	return false
}

// collisions lists every key that two or more live items share, sorted.
func (k *keyIndex) collisions() []*KeyCollisionError {
	if !k.mayShareKeys() {
		return nil
	}
	if k.byKey == nil {
		k.build()
	}
	var out []*KeyCollisionError
	for key, items := range k.byKey {
		var live []item
		for _, it := range items {
			if k.live(it) {
				live = append(live, it)
			}
		}
		if len(live) < 2 {
			continue
		}
		slices.SortFunc(live, func(a, b item) int { return strings.Compare(a.String(), b.String()) })
		out = append(out, &KeyCollisionError{Key: key, Item: live[0].String(), Other: live[1].String()})
	}
	slices.SortFunc(out, func(a, b *KeyCollisionError) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// Collisions lists the keys that two loaded items share (in Redis,
// config "b-c" of namespace "a" and config "c" of namespace "a-b" are both
// "a-b-c"). Neither item can be written until one is renamed; a reload
// reports them among its warnings.
func (w *Workspace) Collisions() []*KeyCollisionError { return w.keys.collisions() }

// collisionWarnings are the reload warnings for Collisions.
func (w *Workspace) collisionWarnings() []string {
	var out []string
	for _, c := range w.keys.collisions() {
		out = append(out, c.Error()+"; neither can be written until one is renamed")
	}
	return out
}

// KeyCollision returns the error that keeps the namespace from being
// written because another loaded item shares its key, or nil.
func (n *Namespace) KeyCollision() *KeyCollisionError { return n.ws.collision(item{ns: n.name}) }

// ConfigKeyCollision is KeyCollision for one of the namespace's configs.
func (n *Namespace) ConfigKeyCollision(name string) *KeyCollisionError {
	return n.ws.collision(item{n.name, name})
}

func (w *Workspace) collision(it item) *KeyCollisionError {
	if !w.keys.mayShareKeys() {
		return nil
	}
	if other, ok := w.keys.sharer(it); ok {
		return &KeyCollisionError{Key: w.keys.key(it), Item: it.String(), Other: other.String()}
	}
	return nil
}

func (it item) String() string {
	if it.cfg == "" {
		return fmt.Sprintf("namespace %q", it.ns)
	}
	return fmt.Sprintf("config %q in namespace %q", it.cfg, it.ns)
}
