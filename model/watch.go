package model

import (
	"context"
	"fmt"
	"time"

	"github.com/confo-dev/confo/confo"
)

// Another client's changes reach a backend without the user asking: the
// store's watch reports them, Next (in a command) hands them over in
// batches, NoteChanges queues them here, and refresh jobs re-read what
// they name, a bounded amount at a time, so that a burst of thousands of
// changes costs a few short merges on the event loop, never a long one.

// Change is one thing another client may have changed, as a watch
// reports it.
type Change = confo.Change

// Watch is the watch of one backend.
type Watch struct {
	backend *Backend
	changes <-chan confo.Change
}

// WatchBatch is what one Next returned: the changes reported together,
// or the end of the watch.
type WatchBatch struct {
	watch   *Watch
	changes []confo.Change
	// Closed: the watch ended (its context is done); nothing more comes.
	Closed bool
}

// How a burst of changes is gathered into one batch: after the first
// change, Next keeps taking the ones that follow for at most batchWindow,
// and at most batchMax of them.
const (
	batchWindow = 50 * time.Millisecond
	batchMax    = 10000
)

// StartWatch starts watching the backend for other clients' changes until
// ctx is done. It returns nil, and no error, when the store cannot watch or
// the backend is watched already.
func (b *Backend) StartWatch(ctx context.Context) (*Watch, error) {
	w, ok := b.store.(confo.Watcher)
	if b.store == nil || !ok || b.watch.started {
		return nil, nil
	}
	ch, err := w.Watch(ctx, confo.WatchOptions{})
	if err != nil {
		return nil, fmt.Errorf("watch %s for other clients' changes: %w", b.name, err)
	}
	b.watch.started = true
	return &Watch{backend: b, changes: ch}, nil
}

// Backend is the backend the watch belongs to.
func (w *Watch) Backend() *Backend { return w.backend }

// Next waits for the next change, then gathers those that follow it
// closely (see batchWindow). It touches no state of the backend, so it
// runs in a command.
func (w *Watch) Next(ctx context.Context) WatchBatch {
	batch := WatchBatch{watch: w}
	select {
	case c, ok := <-w.changes:
		if !ok {
			batch.Closed = true
			return batch
		}
		batch.changes = append(batch.changes, c)
	case <-ctx.Done():
		batch.Closed = true
		return batch
	}
	window := time.NewTimer(batchWindow)
	defer window.Stop()
	for len(batch.changes) < batchMax {
		select {
		case c, ok := <-w.changes:
			if !ok {
				return batch
			}
			batch.changes = append(batch.changes, c)
		case <-window.C:
			return batch
		case <-ctx.Done():
			return batch
		}
	}
	return batch
}

// Watch is the watch the batch came from, to wait for the next one.
func (b WatchBatch) Watch() *Watch { return b.watch }

// Backend is the backend the batch belongs to.
func (b WatchBatch) Backend() *Backend { return b.watch.backend }

// watchState is what a backend knows of other clients' changes not yet
// applied.
type watchState struct {
	started bool
	// how says how the store watches, once it said so; problem is its
	// last failure, "" while it works.
	how, problem string
	// pending are the changes to read, each once; resync the namespaces
	// to read again whole (after a reconnect, or too many changes).
	pending []confo.Change
	seen    map[confo.Change]bool
	resync  []string
	// resyncFrom is where the read of resync[0] goes on, for a namespace
	// read over several jobs.
	resyncFrom string
	// refreshing: a refresh job is in flight; id tags it.
	refreshing bool
	id         int
}

// maxPending bounds the changes kept one by one: past it, reading every
// loaded namespace again is cheaper than following each change.
const maxPending = 50000

// WatchNote is what a batch said about the watch itself, for the status
// line: how it watches once it works, or why it does not.
type WatchNote struct {
	// Ready is set when watching works for the first time, again after a
	// failure, or in another way: how it watches. A silent reconnect (a
	// failover, say) is no news, and its message would hide the outcome
	// of what the user just did.
	Ready string
	// Problem is set when watching fails for now.
	Problem string
}

// NoteChanges queues a batch's changes for the next refreshes.
func (b *Backend) NoteChanges(batch WatchBatch) WatchNote {
	var note WatchNote
	w := &b.watch
	for _, c := range batch.changes {
		switch c.Kind {
		case confo.ChangeReady:
			// Changes made before the watch worked were not reported:
			// everything read so far is read once more.
			if w.how != c.Detail || w.problem != "" {
				note.Ready = c.Detail
			}
			w.how, w.problem, note.Problem = c.Detail, "", ""
			b.resyncAll()
		case confo.ChangeResync:
			b.resyncAll()
		case confo.ChangeError:
			w.problem = "watching for other clients' changes failed"
			if c.Err != nil {
				w.problem += ": " + c.Err.Error()
			}
			note.Problem = w.problem
		default:
			b.queueChange(c)
		}
	}
	return note
}

// queueChange adds one change to read, unless it is queued already.
func (b *Backend) queueChange(c confo.Change) {
	w := &b.watch
	if w.seen[c] {
		return
	}
	if len(w.pending) >= maxPending {
		b.resyncAll()
		return
	}
	if w.seen == nil {
		w.seen = map[confo.Change]bool{}
	}
	w.seen[c] = true
	w.pending = append(w.pending, c)
}

// resyncAll drops the queued changes for one reading of the registry and
// of every loaded namespace (or one being loaded: its data may predate
// the watch).
func (b *Backend) resyncAll() {
	w := &b.watch
	w.pending, w.seen = nil, nil
	b.queueChange(confo.Change{Kind: confo.ChangeRegistry})
	w.resync, w.resyncFrom = w.resync[:0], ""
	for _, name := range b.NamespaceNames() {
		if ns := b.ws.Namespace(name); ns.Loaded() && ns.Status() != StatusAdded || b.loading(name) {
			w.resync = append(w.resync, name)
		}
	}
}

// loading reports whether the load job in flight reads the namespace.
func (b *Backend) loading(name string) bool {
	return b.load.running && b.load.job != nil && b.load.job.reads(name)
}

func (j *LoadJob) reads(name string) bool {
	for _, ns := range j.namespaces {
		if ns == name {
			return true
		}
	}
	return false
}

// Watching says how the backend is watched: "" when it is not (yet), and
// the watch's last problem, "" while it works.
func (b *Backend) Watching() (how, problem string) { return b.watch.how, b.watch.problem }

// RemoteCount is the number of configs edited here that another client
// changed meanwhile: a persist merges them with that change, or reports a
// conflict.
func (b *Backend) RemoteCount() int { return b.cachedCounts().remote }
