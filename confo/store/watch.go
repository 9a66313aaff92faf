package store

import (
	"context"
	"time"
)

// Watcher is implemented by stores that can report what other clients
// change, so a UI can show it without being asked to reload. A Watch runs
// until ctx is done, then closes its channel.
type Watcher interface {
	Watch(ctx context.Context, opts WatchOptions) (<-chan Change, error)
}

// WatchOptions tunes a Watch.
type WatchOptions struct {
	// Interval is how often a store that must poll looks for changes;
	// zero means one second. Stores told of changes by the backend itself
	// ignore it.
	Interval time.Duration
}

// ChangeKind says what a Change is about.
type ChangeKind uint8

const (
	// ChangeReady: the watch is established (or re-established after a
	// failure); Detail says how it watches. Changes made before it were
	// not reported, so a consumer that loaded earlier reads once more.
	ChangeReady ChangeKind = iota
	// ChangeConfig: one config's stored value may have changed, been
	// created or been deleted.
	ChangeConfig
	// ChangeList: a namespace's list of configs may have changed.
	ChangeList
	// ChangeRegistry: the set of namespaces may have changed.
	ChangeRegistry
	// ChangeResync: changes may have been missed (a reconnect, too many
	// changes at once): everything loaded must be read again.
	ChangeResync
	// ChangeError: watching fails for now (Err says why); the watch keeps
	// trying, and reports ChangeReady when it works again.
	ChangeError
)

func (k ChangeKind) String() string {
	return [...]string{"ready", "config", "list", "registry", "resync", "error"}[k]
}

// Change is one thing another client may have changed. A watcher may
// report a change that did not happen (the same value written again, a key
// that only looks like a config): a consumer re-reads what a Change names
// and compares.
type Change struct {
	Kind      ChangeKind
	Namespace string // for ChangeConfig and ChangeList
	Config    string // for ChangeConfig
	Detail    string // for ChangeReady and ChangeResync
	Err       error  // for ChangeError
}
