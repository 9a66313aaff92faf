// Package model is the editable state the terminal UI shows, over the confo
// library: one Backend per opened store, the operations a user can apply to
// it (with undo), summaries of what a persist would write, and the
// conflict view. It does no I/O and imports nothing from the terminal side,
// so everything here is tested without a screen.
package model

import (
	"errors"
	"fmt"

	"github.com/confo-dev/confo/confo"
)

// ConnState is what the UI knows about a backend's connection.
type ConnState uint8

const (
	// Connected: the last load or persist reached the backend.
	Connected ConnState = iota
	// Failed: the last operation could not reach the backend.
	Failed
)

// ErrBusy refuses an edit while a persist or reload of the same backend is
// in flight: the result will be merged into the workspace, and an edit made
// meanwhile would race with it.
var ErrBusy = errors.New("busy")

// Backend is one opened backend as the UI shows it. Its Workspace is mutated
// only by the methods below, which a UI calls from its event loop; Store is
// for the commands that do I/O in the background.
type Backend struct {
	Name    string
	Kind    string
	Address string
	// ReadOnly is set by the global --readonly flag or the store itself.
	ReadOnly bool
	Discover bool
	Store    confo.Store
	WS       *confo.Workspace
	Conn     ConnState
	// LastErr is the last I/O error, shown next to the backend.
	LastErr string
	// Busy names the operation in flight ("persist", "reload"), "" when idle.
	Busy string
	undo []undoStep
}

// NewBackend wraps an opened store and its loaded workspace.
func NewBackend(name string, store confo.Store, ws *confo.Workspace, readOnly bool) *Backend {
	return &Backend{
		Name:     name,
		Kind:     string(store.Kind()),
		Address:  store.Address(),
		ReadOnly: readOnly || store.ReadOnly(),
		Store:    store,
		WS:       ws,
	}
}

// CheckWritable says why the backend cannot be edited right now, or nil.
func (b *Backend) CheckWritable() error {
	if b.ReadOnly {
		return fmt.Errorf("%s is read-only: editing and persisting are disabled: %w", b.Name, confo.ErrReadOnly)
	}
	if b.Busy != "" {
		return fmt.Errorf("%s: %w: wait for the %s to finish", b.Name, ErrBusy, b.Busy)
	}
	return nil
}

// Unsaved is the number of configs and namespaces with something to persist.
func (b *Backend) Unsaved() int { return b.WS.DirtyCount() }
