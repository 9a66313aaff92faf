package confo

import "fmt"

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
}

func (k *keyIndex) key(it item) string {
	if it.cfg == "" {
		return k.naming.NamespaceKey(it.ns)
	}
	return k.naming.ConfigKey(it.ns, it.cfg)
}

func (k *keyIndex) add(it item) {
	if k.byKey == nil {
		return
	}
	key := k.key(it)
	k.byKey[key] = append(k.byKey[key], it)
}

func (k *keyIndex) remove(it item) {
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

// check refuses it when a live item other than itself has its key.
func (k *keyIndex) check(it item) error {
	if k.naming == nil {
		return nil
	}
	if k.byKey == nil {
		k.build()
	}
	key := k.key(it)
	for _, other := range k.byKey[key] {
		if other == it || !k.live(other) {
			continue
		}
		return fmt.Errorf("%s: %w: its key %q is also the key of %s", it, ErrInvalidName, key, other)
	}
	return nil
}

func (it item) String() string {
	if it.cfg == "" {
		return fmt.Sprintf("namespace %q", it.ns)
	}
	return fmt.Sprintf("config %q in namespace %q", it.cfg, it.ns)
}
