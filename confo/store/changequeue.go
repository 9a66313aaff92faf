package store

import (
	"context"
	"sync"
)

// maxPendingChanges bounds what a ChangeQueue holds for a slow consumer:
// past it, one ChangeResync replaces them all, since re-reading everything
// is then cheaper than following each change.
const maxPendingChanges = 10000

// ChangeQueue hands a watcher's changes to its consumer without ever
// blocking the watcher: repeated changes are merged while they wait, and
// too many become one ChangeResync. Every Watcher delivers through one.
type ChangeQueue struct {
	mu      sync.Mutex
	pending []Change
	seen    map[Change]bool
	wake    chan struct{}
	out     chan Change
}

// NewChangeQueue starts delivering to the returned channel until ctx is
// done, then closes it.
func NewChangeQueue(ctx context.Context) (*ChangeQueue, <-chan Change) {
	q := &ChangeQueue{seen: map[Change]bool{}, wake: make(chan struct{}, 1), out: make(chan Change, 64)}
	go q.deliver(ctx)
	return q, q.out
}

// Push queues a change.
func (q *ChangeQueue) Push(c Change) {
	q.mu.Lock()
	switch {
	case c.Kind == ChangeError || c.Kind == ChangeReady:
		// Not merged: each says something new about the watch itself.
		q.pending = append(q.pending, c)
	case len(q.pending) >= maxPendingChanges:
		q.pending = []Change{{Kind: ChangeResync, Detail: "too many changes at once"}}
		clear(q.seen)
		q.seen[q.pending[0]] = true
	case !q.seen[c]:
		q.seen[c] = true
		q.pending = append(q.pending, c)
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *ChangeQueue) deliver(ctx context.Context) {
	defer close(q.out)
	for {
		q.mu.Lock()
		batch := q.pending
		q.pending = nil
		clear(q.seen)
		q.mu.Unlock()
		for _, c := range batch {
			select {
			case q.out <- c:
			case <-ctx.Done():
				return
			}
		}
		select {
		case <-q.wake:
		case <-ctx.Done():
			return
		}
	}
}
