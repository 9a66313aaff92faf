package confotest

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/confo-dev/confo/confo"
)

// Load implements confo.Store, registry-only, targeted and streaming loads
// included.
func (s *MemStore) Load(ctx context.Context, opts confo.LoadOptions) (*confo.Snapshot, error) {
	if s.OnLoad != nil {
		if err := s.OnLoad(ctx, opts); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case opts.RegistryOnly:
		return &confo.Snapshot{Registry: s.registry()}, nil
	case opts.Targets != nil:
		return s.loadTargets(*opts.Targets), nil
	}
	snap := &confo.Snapshot{Registry: s.registry()}
	wanted := snap.Registry
	if opts.Namespaces != nil {
		wanted = slices.Sorted(slices.Values(opts.Namespaces))
		for _, ns := range wanted {
			if s.namespaces[ns] == nil {
				return nil, fmt.Errorf("%w: %q", confo.ErrNamespaceNotFound, ns)
			}
		}
	}
	total := 0
	for _, ns := range wanted {
		total += len(s.namespaces[ns])
	}
	done := 0
	for _, ns := range wanted {
		nss := confo.NamespaceSnapshot{Name: ns}
		for _, cfg := range slices.Sorted(maps.Keys(s.namespaces[ns])) {
			nss.Configs = append(nss.Configs, confo.ConfigSnapshot{Name: cfg, Raw: s.raw(ns, cfg)})
		}
		done += len(nss.Configs)
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
		if opts.Stream != nil {
			if err := opts.Stream(nss); err != nil {
				return nil, err
			}
			continue
		}
		snap.Namespaces = append(snap.Namespaces, nss)
	}
	return snap, nil
}

func (s *MemStore) registry() []string { return slices.Sorted(maps.Keys(s.namespaces)) }

// raw is what a config holds now; the caller holds s.mu.
func (s *MemStore) raw(ns, cfg string) confo.Raw {
	data, ok := s.namespaces[ns][cfg]
	if !ok {
		return confo.MissingRaw()
	}
	return confo.PresentRaw(slices.Clone(data))
}

func (s *MemStore) loadTargets(t confo.Targets) *confo.Snapshot {
	snap, byName := t.Skeleton()
	if t.Registry {
		snap.Registry = s.registry()
	}
	for _, ns := range t.Lists {
		byName[ns].List = slices.Sorted(maps.Keys(s.namespaces[ns]))
		if byName[ns].List == nil {
			byName[ns].List = []string{}
		}
	}
	for _, ref := range t.Configs {
		nss := byName[ref.Namespace]
		nss.Configs = append(nss.Configs, confo.ConfigSnapshot{Name: ref.Config, Raw: s.raw(ref.Namespace, ref.Config)})
	}
	return snap
}
