package store

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
}
