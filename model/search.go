package model

import "github.com/confo-dev/confo/confo"

// SearchEntry is one config as a search reads it off the event loop: its
// names and its JSON bytes, which nothing changes while the search runs.
type SearchEntry struct {
	Namespace, Config string
	Bytes             []byte
}

// SearchEntries lists the backend's namespaces and the configs of its
// loaded namespaces (deleted ones left out), with their current JSON.
func (b *Backend) SearchEntries() (namespaces []string, entries []SearchEntry) {
	for _, name := range b.ws.NamespaceNames() {
		ns := b.ws.Namespace(name)
		if ns.Deleted() {
			continue
		}
		namespaces = append(namespaces, name)
		// Status decodes a clean config's bytes; a namespace without edits
		// has only clean configs, so their bytes serve as they are.
		edited := ns.DirtyCount() > 0
		for _, cfg := range ns.ConfigNames() {
			c := ns.Config(cfg)
			if c.Deleted() {
				continue
			}
			e := SearchEntry{Namespace: name, Config: cfg}
			if c.Base().State == confo.RawPresent {
				e.Bytes = c.Base().Bytes
			}
			if edited && c.Status().Dirty() {
				if v, err := c.Value(name); err == nil {
					e.Bytes = confo.Encode(v)
				}
			}
			entries = append(entries, e)
		}
	}
	return namespaces, entries
}
