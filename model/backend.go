// Package model is the editable state the terminal UI shows, over the confo
// library: one Backend per opened store, read-only views of it for the
// panes, the operations a user applies (with undo), and persist and reload
// jobs whose I/O half runs off the UI's event loop. It imports nothing from
// the terminal side, so everything here is tested without a screen.
package model

import (
	"context"
	"errors"
	"fmt"

	"github.com/confo-dev/confo/confo"
)

// Names from the library the UI needs, so that it imports this package only.
type (
	Scope        = confo.Scope
	Status       = confo.Status
	ReloadReport = confo.ReloadReport
)

const (
	StatusClean    = confo.StatusClean
	StatusModified = confo.StatusModified
	StatusAdded    = confo.StatusAdded
	StatusDeleted  = confo.StatusDeleted
	StatusConflict = confo.StatusConflict
	StatusBad      = confo.StatusBad
)

// ConnState is what is known about a backend's connection.
type ConnState uint8

const (
	// Connected: the last load or persist reached the backend.
	Connected ConnState = iota
	// Failed: the last operation could not reach the backend (or it could
	// not be opened at all).
	Failed
	// Connecting: the backend is being opened; nothing is known yet.
	Connecting
	// ConnCount is the number of states, for tables indexed by ConnState.
	ConnCount
)

// ErrBusy refuses an edit while a persist or reload of the same backend is
// in flight: the result will be merged into the workspace, and an edit made
// meanwhile would race with it.
var ErrBusy = errors.New("busy")

// The jobs a backend can be busy with.
const (
	busyPersisting = "persisting"
	busyReloading  = "reloading"
)

// ErrNotOpen refuses what needs the store before the backend is open.
var ErrNotOpen = errors.New("not connected")

// Options are a backend's settings from the command line.
type Options struct {
	// ReadOnly disables editing and persisting even where the store allows it.
	ReadOnly bool
	// Discover adopts unlisted configs at every reload.
	Discover bool
}

// Source says how to reach a backend that is not open yet, and what to show
// for it meanwhile.
type Source struct {
	// Kind and Address are shown until the store is open; Address must
	// carry no password.
	Kind, Address string
	// Prefix is put in front of every Redis key, for copying key names.
	Prefix string
	// Open connects; it runs in a job, off the UI's event loop.
	Open func(ctx context.Context) (confo.Store, error)
}

// Backend is one backend as the UI shows it, from before it is open until
// the program ends. Every method runs on the UI's event loop except the Run
// methods of the jobs it hands out, which do the store I/O and touch no
// state here.
type Backend struct {
	name     string
	readOnly bool
	discover bool
	src      Source
	// store is nil until the backend is open; ws is then empty.
	store   confo.Store
	ws      *confo.Workspace
	conn    ConnState
	lastErr string
	// busy names the job in flight ("persisting", "reloading"); jobID tags
	// it, so the result of an older job is recognised and dropped.
	busy  string
	jobID int
	undo  []undoStep
	// rev counts the changes of the workspace that are not background
	// loads, so that views computed from it can be cached.
	rev    int
	fields fieldsCache
	// names caches NamespaceNames until the set of namespaces may change.
	names []string
	// parts counts the namespaces merged by loads, which change no view
	// but the counts; counts caches Unsaved and RemoteCount until rev or
	// parts move.
	parts  int
	counts countsCache
	load   loadState
	watch  watchState
}

// NewBackend wraps an opened store and its loaded workspace.
func NewBackend(name string, store confo.Store, ws *confo.Workspace, opts Options) *Backend {
	return &Backend{
		name:     name,
		readOnly: opts.ReadOnly || store.ReadOnly(),
		discover: opts.Discover,
		src:      Source{Kind: string(store.Kind()), Address: store.Address()},
		store:    store,
		ws:       ws,
		load:     loadState{registry: true},
	}
}

// NewPending is a backend that is not open yet: StartOpen opens it and the
// load jobs read it, so a UI can show it (and the others) at once.
func NewPending(name string, src Source, opts Options) *Backend {
	return &Backend{
		name:     name,
		readOnly: opts.ReadOnly,
		discover: opts.Discover,
		src:      src,
		ws:       confo.NewWorkspace(nil),
		conn:     Connecting,
	}
}

// Name is the backend's name.
func (b *Backend) Name() string { return b.name }

// Kind is the backend type ("redis", "dir").
func (b *Backend) Kind() string { return b.src.Kind }

// Address says where the data lives, never with a password.
func (b *Backend) Address() string {
	if b.store != nil {
		return b.store.Address()
	}
	return b.src.Address
}

// Open reports whether the backend's store is open.
func (b *Backend) Open() bool { return b.store != nil }

// ReadOnly reports whether editing and persisting are disabled.
func (b *Backend) ReadOnly() bool { return b.readOnly }

// Conn is the state of the connection as of the last operation.
func (b *Backend) Conn() ConnState { return b.conn }

// LastErr is the last I/O error, "" after a success.
func (b *Backend) LastErr() string { return b.lastErr }

// Busy names the job in flight, "" when idle.
func (b *Backend) Busy() string { return b.busy }

// CheckWritable says why the backend cannot be edited right now, or nil.
func (b *Backend) CheckWritable() error {
	if b.store == nil {
		return fmt.Errorf("%s is not open yet: %w", b.name, ErrNotOpen)
	}
	if b.readOnly {
		return &confo.ReadOnlyError{What: b.name, Why: "editing and persisting are disabled"}
	}
	return b.checkIdle()
}

func (b *Backend) checkIdle() error {
	if b.busy != "" {
		return fmt.Errorf("%s: %w: wait for the %s to finish", b.name, ErrBusy, b.busy)
	}
	return nil
}

// countsCache keeps the backend-wide counts: the UI asks for them on every
// frame, and they walk every namespace.
type countsCache struct {
	rev, parts      int
	valid           bool
	unsaved, remote int
}

func (b *Backend) cachedCounts() *countsCache {
	c := &b.counts
	if !c.valid || c.rev != b.rev || c.parts != b.parts {
		*c = countsCache{rev: b.rev, parts: b.parts, valid: true, unsaved: b.ws.DirtyCount(), remote: b.ws.RemoteCount()}
	}
	return c
}

// Unsaved is the number of configs and namespaces with something to persist.
func (b *Backend) Unsaved() int { return b.cachedCounts().unsaved }

// changed notes a change of the workspace that cached views must see.
func (b *Backend) changed() {
	b.rev++
	b.names = nil
}

// recordIO notes the outcome of an operation that reached for the store.
func (b *Backend) recordIO(err error) {
	if err == nil || errors.Is(err, confo.ErrConflict) {
		b.conn, b.lastErr = Connected, ""
		return
	}
	if errors.Is(err, confo.ErrUnreachable) || errors.Is(err, context.DeadlineExceeded) {
		b.conn = Failed
	}
	b.lastErr = err.Error()
}
