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

// SearchField is one top-level field of a config, as a search matches it.
type SearchField struct {
	Name  string
	value confo.Value
}

// Text is what a value search looks in: a string's own text, any other
// value as compact JSON.
func (f SearchField) Text() string {
	if f.value.Kind() == confo.String {
		return f.value.Str()
	}
	return Compact(f.value)
}

// Excerpt is the value as compact JSON, cut to about limit bytes.
func (f SearchField) Excerpt(limit int) string { return CompactLimit(f.value, limit) }

// Fields reads the entry for a search: the fields of a JSON object
// (object true), or else the whole value as text — compact JSON, or the
// stored bytes when they are not JSON.
func (e SearchEntry) Fields() (fields []SearchField, text string, object bool) {
	v, err := confo.Decode(e.Bytes)
	switch {
	case err != nil:
		return nil, string(e.Bytes), false
	case v.Kind() != confo.Object:
		return nil, Compact(v), false
	}
	fields = make([]SearchField, 0, v.Len())
	for name, val := range v.Members() {
		fields = append(fields, SearchField{Name: name, value: val})
	}
	return fields, "", true
}
