package confotest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/store"
)

// MemStore is an in-memory confo.Store with the commit rules of the real
// stores: each config is checked against what the committer loaded, a
// namespace is written all or nothing, and lists merge with what others
// listed meanwhile. It names items like the Redis layout, so key collisions
// behave as they do there. It is safe for concurrent use.
type MemStore struct {
	// Addr is what Address reports; tests fix it so screens are stable.
	Addr     string
	readOnly bool

	// OnLoad and OnCommit, when set, run first in every Load and Commit; an
	// error fails the call. Tests use them to act like a slow or dead server.
	OnLoad   func(ctx context.Context, opts confo.LoadOptions) error
	OnCommit func(ctx context.Context, changes []confo.NamespaceChange) error

	mu         sync.Mutex
	namespaces map[string]map[string][]byte // registered namespace → listed config → value
}

// NewMemStore returns an empty store; readOnly makes Commit refuse.
func NewMemStore(readOnly bool) *MemStore {
	return &MemStore{Addr: "memory", readOnly: readOnly, namespaces: map[string]map[string][]byte{}}
}

// Put stores a config as another client would, registering its namespace
// and listing it.
func (s *MemStore) Put(ns, cfg, data string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.namespaces[ns] == nil {
		s.namespaces[ns] = map[string][]byte{}
	}
	s.namespaces[ns][cfg] = []byte(data)
}

// Remove deletes a config as another client would, unlisting it.
func (s *MemStore) Remove(ns, cfg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.namespaces[ns], cfg)
}

// Get returns what a config holds now.
func (s *MemStore) Get(ns, cfg string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, ok := s.namespaces[ns][cfg]
	return string(data), ok
}

func (s *MemStore) Kind() confo.BackendType { return confo.BackendRedis }
func (s *MemStore) Address() string         { return s.Addr }
func (s *MemStore) ReadOnly() bool          { return s.readOnly }
func (s *MemStore) Close() error            { return nil }

// Naming is the Redis layout's: "<ns>" for a list, "<ns>-<cfg>" for a config.
func (s *MemStore) Naming() confo.Naming { return redisLayout{} }

type redisLayout struct{}

func (redisLayout) NamespaceKey(ns string) string   { return ns }
func (redisLayout) ConfigKey(ns, cfg string) string { return ns + "-" + cfg }

// Commit implements confo.Store.
func (s *MemStore) Commit(ctx context.Context, changes []confo.NamespaceChange, opts confo.CommitOptions) ([]string, error) {
	if s.readOnly {
		return nil, fmt.Errorf("persist to %s: %w", s.Addr, confo.ErrReadOnly)
	}
	if s.OnCommit != nil {
		if err := s.OnCommit(ctx, changes); err != nil {
			return nil, err
		}
	}
	return store.CommitEach(ctx, changes, func(ch confo.NamespaceChange) ([]confo.Conflict, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.commitNamespace(ch, opts)
	})
}

func (s *MemStore) commitNamespace(ch confo.NamespaceChange, opts confo.CommitOptions) ([]confo.Conflict, error) {
	if err := s.checkKeys(ch); err != nil {
		return nil, err
	}
	configs, registered := s.namespaces[ch.Namespace]
	var conflicts []confo.Conflict
	for _, c := range ch.Configs {
		now := confo.MissingRaw()
		if data, ok := configs[c.Name]; ok {
			now = confo.PresentRaw(data)
		}
		if opts.Overwrite || now.Same(c.Expect) {
			continue
		}
		conflicts = append(conflicts, confo.Conflict{Namespace: ch.Namespace, Config: c.Name,
			Reason: store.ConflictReason(c.Expect, now), Ours: c.Expect, Theirs: now})
	}
	writes := slices.ContainsFunc(ch.Configs, func(c confo.ConfigChange) bool { return c.Write != nil })
	switch {
	case !registered && !ch.Register && !opts.Overwrite && (writes || len(ch.ListAdd) > 0):
		conflicts = append(conflicts, store.NamespaceDeletedConflict(ch.Namespace))
	case ch.Unregister:
		for name := range configs {
			if !slices.ContainsFunc(ch.Configs, func(c confo.ConfigChange) bool { return c.Name == name }) {
				conflicts = append(conflicts, store.NamespaceNotEmptyConflict(ch.Namespace))
				break
			}
		}
	}
	if len(conflicts) > 0 {
		return conflicts, nil
	}
	if ch.Unregister {
		delete(s.namespaces, ch.Namespace)
		return nil, nil
	}
	if configs == nil {
		configs = map[string][]byte{}
		s.namespaces[ch.Namespace] = configs
	}
	for _, c := range ch.Configs {
		if c.Write == nil {
			delete(configs, c.Name)
		} else {
			configs[c.Name] = slices.Clone(c.Write)
		}
	}
	return nil, nil
}

// checkKeys refuses, as the Redis store does, to write a key that another
// registered namespace uses for its list or a config.
func (s *MemStore) checkKeys(ch confo.NamespaceChange) error {
	var names []string
	for _, c := range ch.Configs {
		if c.Write != nil {
			names = append(names, c.Name)
		}
	}
	names = append(names, ch.ListAdd...)
	for _, name := range names {
		key := redisLayout{}.ConfigKey(ch.Namespace, name)
		for ns, configs := range s.namespaces {
			if ns == ch.Namespace {
				continue
			}
			if ns == key {
				return &store.KeyCollisionError{Key: key, Item: fmt.Sprintf("config %q in namespace %q", name, ch.Namespace), Other: fmt.Sprintf("the list of namespace %q", ns)}
			}
			if cfg, ok := strings.CutPrefix(key, ns+"-"); ok {
				if _, listed := configs[cfg]; listed {
					return &store.KeyCollisionError{Key: key, Item: fmt.Sprintf("config %q in namespace %q", name, ch.Namespace), Other: fmt.Sprintf("config %q in namespace %q", cfg, ns)}
				}
			}
		}
	}
	return nil
}

// DropNamespace removes a namespace and its configs as another client
// would.
func (s *MemStore) DropNamespace(ns string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.namespaces, ns)
}
