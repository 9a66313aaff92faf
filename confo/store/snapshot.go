package store

import "slices"

// Snapshot is what one Load read from a backend.
type Snapshot struct {
	// Registry is every namespace the backend lists, sorted.
	Registry []string
	// Namespaces holds the namespaces that were loaded, sorted by name.
	Namespaces []NamespaceSnapshot
	// Warnings are problems worth showing that did not stop the load
	// (stray files, keys adopted by discovery).
	Warnings []string
}

// NamespaceSnapshot is one loaded namespace.
type NamespaceSnapshot struct {
	Name string
	// Problem is non-empty when the namespace's own list could not be read;
	// its configs are then unknown and it must not be written.
	Problem string
	Configs []ConfigSnapshot // sorted by name
	// List is set by a targeted load (LoadOptions.Targets) that read the
	// namespace's list: every name it holds, sorted, non-nil even when
	// empty. Configs then holds only the configs asked for by name.
	List []string
}

// ConfigSnapshot is one loaded config.
type ConfigSnapshot struct {
	Name string
	Raw  Raw
	// Unlisted is true for a config found by discovery but absent from its
	// namespace's list; persisting the namespace lists it.
	Unlisted bool
}

// LoadOptions narrows and instruments a Load.
type LoadOptions struct {
	// Namespaces limits the load to these namespaces; nil loads all of them.
	Namespaces []string
	// Discover adopts configs stored under a namespace but missing from its list.
	Discover bool
	// Progress, when set, is called as configs arrive (done of total). It is
	// called from the loading goroutine.
	Progress func(done, total int)
	// RegistryOnly reads the registry and nothing else: Snapshot.Registry is
	// set, Snapshot.Namespaces is empty. It costs the same whatever the
	// number of configs, so a UI can draw its first frame from it.
	RegistryOnly bool
	// Targets, when set, makes the load targeted: it reads only what
	// Targets names, so that reading one config or following another
	// client's change costs what it reads, not the backend's size.
	// Namespaces and Discover are ignored.
	Targets *Targets
	// Stream, when set, receives each loaded namespace as soon as its
	// configs are read, in name order, instead of Snapshot.Namespaces
	// holding them all; the returned Snapshot has no Namespaces. An error
	// from Stream stops the load and is returned as it is. It runs on the
	// loading goroutine.
	Stream func(NamespaceSnapshot) error
}

// Targets names the parts of a backend a targeted load reads.
type Targets struct {
	// Registry reads the registry into Snapshot.Registry (nil otherwise).
	Registry bool
	// Lists reads these namespaces' lists into NamespaceSnapshot.List, or
	// sets NamespaceSnapshot.Problem when a list cannot be read. A list
	// that is not stored reads as empty.
	Lists []string
	// Configs reads these configs by key, listed or not, into the
	// NamespaceSnapshot of their namespace (Unlisted is left false: a
	// targeted load does not know).
	Configs []ConfigRef
}

// ConfigRef names one config.
type ConfigRef struct{ Namespace, Config string }

// Skeleton is the snapshot a targeted load fills: one NamespaceSnapshot
// for each of t's namespaces, sorted, and a way to find each by name.
func (t *Targets) Skeleton() (*Snapshot, map[string]*NamespaceSnapshot) {
	names := t.Namespaces()
	snap := &Snapshot{Namespaces: make([]NamespaceSnapshot, len(names))}
	byName := make(map[string]*NamespaceSnapshot, len(names))
	for i, ns := range names {
		snap.Namespaces[i].Name = ns
		byName[ns] = &snap.Namespaces[i]
	}
	return snap, byName
}

// Namespaces is every namespace a targeted load reads something of,
// sorted, each once.
func (t *Targets) Namespaces() []string {
	names := slices.Clone(t.Lists)
	for _, ref := range t.Configs {
		names = append(names, ref.Namespace)
	}
	slices.Sort(names)
	return slices.Compact(names)
}
