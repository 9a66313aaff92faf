package confotest

import (
	"bytes"
	"context"
	"maps"
	"time"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/store"
)

// Watch implements confo.Watcher by comparing the store's content with
// what it held at the previous look, every opts.Interval (20ms when zero):
// changes made by Put, Remove or any commit are reported alike.
func (s *MemStore) Watch(ctx context.Context, opts confo.WatchOptions) (<-chan confo.Change, error) {
	interval := opts.Interval
	if interval <= 0 {
		interval = 20 * time.Millisecond
	}
	q, out := store.NewChangeQueue(ctx)
	before := s.content()
	go func() {
		q.Push(confo.Change{Kind: confo.ChangeReady, Detail: "memory"})
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
			now := s.content()
			for _, c := range memChanges(before, now) {
				q.Push(c)
			}
			before = now
		}
	}()
	return out, nil
}

// content copies what the store holds.
func (s *MemStore) content() map[string]map[string][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]map[string][]byte, len(s.namespaces))
	for ns, configs := range s.namespaces {
		out[ns] = maps.Clone(configs)
	}
	return out
}

// memChanges lists what differs between two copies of the content.
func memChanges(before, now map[string]map[string][]byte) []confo.Change {
	var changes []confo.Change
	registry := len(before) != len(now)
	for ns, configs := range now {
		old, ok := before[ns]
		if !ok {
			registry = true
		}
		list := len(old) != len(configs)
		for cfg, data := range configs {
			prev, had := old[cfg]
			if !had {
				list = true
			}
			if !had || !bytes.Equal(prev, data) {
				changes = append(changes, confo.Change{Kind: confo.ChangeConfig, Namespace: ns, Config: cfg})
			}
		}
		for cfg := range old {
			if _, has := configs[cfg]; !has {
				list = true
				changes = append(changes, confo.Change{Kind: confo.ChangeConfig, Namespace: ns, Config: cfg})
			}
		}
		if list {
			changes = append(changes, confo.Change{Kind: confo.ChangeList, Namespace: ns})
		}
	}
	for ns := range before {
		if _, ok := now[ns]; !ok {
			registry = true
		}
	}
	if registry {
		changes = append(changes, confo.Change{Kind: confo.ChangeRegistry})
	}
	return changes
}
