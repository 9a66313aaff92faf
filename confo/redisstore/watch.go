package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/confo-dev/confo/confo/store"
)

// Watch implements store.Watcher without changing the server's
// configuration. It uses, in this order, what the server offers:
//
//   - server-assisted invalidation (CLIENT TRACKING ... BCAST PREFIX, Redis
//     6+): the server names every key written under the prefix, to a
//     connection of ours subscribed to __redis__:invalidate; nothing is
//     sent while nothing changes;
//   - keyspace notifications, when the server already has them enabled
//     (read with CONFIG GET, never set);
//   - polling (see poll.go), when neither is available (old servers,
//     restricted users, miniredis); not on a cluster, where one script
//     cannot read keys of every slot.
//
// On a cluster it watches every master (watch_cluster.go).
//
// When a connection fails it says so with a ChangeError, tries again with
// a backoff, and reports ChangeReady once watching again.
func (s *Store) Watch(ctx context.Context, opts store.WatchOptions) (<-chan store.Change, error) {
	q, out := store.NewChangeQueue(ctx)
	interval := opts.Interval
	if interval <= 0 {
		interval = time.Second
	}
	w := &watcher{s: s, q: q, interval: interval}
	go w.run(ctx)
	return out, nil
}

// watcher is one Watch.
type watcher struct {
	s        *Store
	q        *store.ChangeQueue
	interval time.Duration

	mu       sync.Mutex
	registry map[string]bool // the registered namespaces, to tell what a key is
	// failure is the failure last reported, until watching works again:
	// the same failure is said once, however often it is retried.
	failure string
}

// errUnsupported marks a way of watching the server does not offer, as
// opposed to a failure of the connection.
var errUnsupported = errors.New("not supported by this server")

// maxBackoff bounds the wait between attempts to watch again: a server
// back after a long outage is watched again within seconds, for the cost
// of one refused dial every few seconds meanwhile.
const maxBackoff = 5 * time.Second

func (w *watcher) run(ctx context.Context) {
	backoff := time.Second
	for ctx.Err() == nil {
		began := time.Now()
		err := w.watchOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errTopologyChanged) {
			continue // watch the new masters at once; ChangeReady asks for a re-read
		}
		w.failed(err)
		if time.Since(began) > maxBackoff {
			backoff = time.Second // it worked for a while: this is a new failure
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// watchOnce watches the best way the server offers until it fails or ctx
// is done.
func (w *watcher) watchOnce(ctx context.Context) error {
	if err := w.reloadRegistry(ctx); err != nil {
		return err
	}
	err := w.watchNodes(ctx, w.openTracking)
	if !errors.Is(err, errUnsupported) {
		return err
	}
	err = w.watchNodes(ctx, w.openKeyspace)
	switch {
	case !errors.Is(err, errUnsupported):
		return err
	case w.s.mode == modeCluster:
		// Polling runs one script over keys of every slot, which a
		// cluster refuses.
		return fmt.Errorf("this cluster offers this user neither CLIENT TRACKING nor keyspace notifications (%v); reload to see other clients' changes", err)
	}
	return w.poll(ctx)
}

// ready reports that watching works, and how.
func (w *watcher) ready(how string) {
	w.mu.Lock()
	w.failure = ""
	w.mu.Unlock()
	w.q.Push(store.Change{Kind: store.ChangeReady, Detail: how})
}

// failed reports that watching fails, unless it said so already since it
// last worked.
func (w *watcher) failed(err error) {
	w.mu.Lock()
	said := w.failure == err.Error()
	w.failure = err.Error()
	w.mu.Unlock()
	if !said {
		w.q.Push(store.Change{Kind: store.ChangeError, Err: err})
	}
}

// reloadRegistry reads the registry the key mapping needs; a malformed
// or missing one maps no key to a namespace, which is right: there are none.
func (w *watcher) reloadRegistry(ctx context.Context) error {
	names, err := w.s.readRegistry(ctx)
	var malformed *store.MalformedKeyError
	if errors.Is(err, errNoRegistry) || errors.As(err, &malformed) {
		names, err = nil, nil
	}
	if err != nil {
		return err
	}
	registry := make(map[string]bool, len(names))
	for _, ns := range names {
		registry[ns] = true
	}
	w.mu.Lock()
	w.registry = registry
	w.mu.Unlock()
	return nil
}

// keyChanged reports what a written key may be: the registry, a namespace
// list, or a config of any namespace whose name and "-" start it (the
// layout is ambiguous, so every reading is reported; the consumer re-reads
// and compares). A registry change is followed before the next key.
func (w *watcher) keyChanged(ctx context.Context, full string) {
	key, ok := strings.CutPrefix(full, w.s.cfg.Prefix)
	if !ok {
		return
	}
	if key == store.RegistryName {
		if err := w.reloadRegistry(ctx); err != nil {
			w.q.Push(store.Change{Kind: store.ChangeResync, Detail: "cannot read the registry: " + err.Error()})
		}
		w.q.Push(store.Change{Kind: store.ChangeRegistry})
		return
	}
	w.mu.Lock()
	registry := w.registry
	w.mu.Unlock()
	if registry[key] {
		w.q.Push(store.Change{Kind: store.ChangeList, Namespace: key})
	}
	for i := 1; i < len(key)-1; i++ {
		if key[i] == '-' && registry[key[:i]] {
			w.q.Push(store.Change{Kind: store.ChangeConfig, Namespace: key[:i], Config: key[i+1:]})
		}
	}
}
