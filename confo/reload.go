package confo

import (
	"context"
)

// ReloadOptions narrows a reload and says what happens to local edits.
type ReloadOptions struct {
	// Namespace limits the reload to one namespace; "" reloads the backend.
	Namespace string
	// Discard drops local edits; otherwise they are kept on top of the
	// fresh data and configs changed on both sides become conflicts.
	Discard bool
	// Discover adopts configs stored under a namespace but missing from its list.
	Discover bool
	// Progress, when set, is called from the loading goroutine as configs arrive.
	Progress func(done, total int)
}

// Reload is the one reload sequence: FetchReload reads the store, then
// ApplyReload merges what it read into the workspace. A program that owns
// the workspace on one goroutine (a terminal UI) runs the two halves apart.
func Reload(ctx context.Context, s Store, w *Workspace, opts ReloadOptions) (ReloadReport, error) {
	snap, err := FetchReload(ctx, s, opts)
	if err != nil {
		return ReloadReport{}, err
	}
	return w.ApplyReload(snap, opts), nil
}

// FetchReload is the I/O half of a reload. It touches no workspace, so it
// may run on any goroutine.
func FetchReload(ctx context.Context, s Store, opts ReloadOptions) (*Snapshot, error) {
	load := LoadOptions{Discover: opts.Discover, Progress: opts.Progress}
	if opts.Namespace != "" {
		load.Namespaces = []string{opts.Namespace}
	}
	return s.Load(ctx, load)
}

// ApplyReload is the workspace half of a reload: it merges what FetchReload
// read, keeping or discarding local edits as opts says.
func (w *Workspace) ApplyReload(snap *Snapshot, opts ReloadOptions) ReloadReport {
	report := w.Apply(snap, opts.Discard)
	if extra := w.collisionWarnings(); len(extra) > 0 {
		n := len(report.Warnings) // the snapshot's slice: never appended to in place
		report.Warnings = append(report.Warnings[:n:n], extra...)
	}
	return report
}

// ReloadReport says what a reload changed in the workspace.
type ReloadReport struct {
	Namespaces int // namespaces loaded
	Configs    int // configs loaded
	// Changed and Removed count configs that changed or vanished remotely.
	Changed, Removed int
	// Conflicts counts configs edited here and changed remotely.
	Conflicts int
	Warnings  []string
}

// Apply merges a snapshot into the workspace. With discard, local edits in
// the loaded namespaces are dropped; otherwise they are kept on top of the
// fresh state, and a config changed on both sides becomes a conflict.
func (w *Workspace) Apply(snap *Snapshot, discard bool) ReloadReport {
	report := ReloadReport{Namespaces: len(snap.Namespaces), Warnings: snap.Warnings}
	registered := map[string]bool{}
	for _, name := range snap.Registry {
		registered[name] = true
		if w.namespaces[name] == nil {
			w.addNamespace(name, true)
		}
		w.namespaces[name].stored = true
	}
	for name, ns := range w.namespaces {
		if registered[name] || !ns.stored {
			continue
		}
		// Deleted by another client: keep it only if it holds local edits.
		if discard || ns.DirtyCount() == 0 {
			w.removeNamespace(name)
			continue
		}
		ns.stored = false
	}
	for i := range snap.Namespaces {
		w.applyNamespace(&snap.Namespaces[i], discard, &report)
	}
	return report
}

func (w *Workspace) applyNamespace(snap *NamespaceSnapshot, discard bool, report *ReloadReport) {
	ns := w.namespaces[snap.Name]
	ns.loaded, ns.problem = true, snap.Problem
	ns.touch()
	if discard {
		ns.deleted = false
	}
	// A namespace that held no configs (every one, on a first load) has
	// nothing the snapshot can have removed: it needs neither the names seen
	// nor the sorted pass below, whose sort of 100,000 names was a third of
	// a first load's Apply. The names are sorted when a view first asks.
	if len(ns.configs) == 0 {
		ns.configs = make(map[string]*Config, len(snap.Configs))
		for _, cs := range snap.Configs {
			ns.addConfig(ns.loadedConfig(cs))
		}
		report.Configs += len(snap.Configs)
		return
	}
	seen := make(map[string]bool, len(snap.Configs))
	for _, cs := range snap.Configs {
		seen[cs.Name] = true
		report.Configs++
		c := ns.configs[cs.Name]
		fresh := ns.loadedConfig(cs)
		switch {
		case c == nil:
			ns.addConfig(fresh)
		case discard || !c.dirty():
			if !c.base.Same(cs.Raw) {
				fresh.remoteChanged = true
				report.Changed++
			}
			ns.addConfig(fresh)
		case !c.base.Same(cs.Raw):
			// The reload brings their version itself: what a live refresh
			// only noted is settled here, merged or as a conflict.
			c.dropRemote()
			c.listed = c.listed || !cs.Unlisted
			if ns.remoteChange(c, cs.Raw) {
				report.Conflicts++
			} else {
				report.Changed++
			}
		}
	}
	for _, name := range ns.ConfigNames() {
		if seen[name] {
			continue
		}
		c := ns.configs[name]
		switch {
		case discard && (c.base.State != RawMissing || c.listed):
			ns.removeConfig(name)
			report.Removed++
		case discard:
			ns.removeConfig(name)
		case !c.dirty():
			ns.removeConfig(name)
			report.Removed++
		case c.base.State != RawMissing:
			c.dropRemote()
			if ns.remoteChange(c, MissingRaw()) {
				report.Conflicts++
			} else {
				report.Removed++
			}
		}
	}
}

// loadedConfig is a config as a reload brings it, with no local state;
// deleted with its namespace when that is deleted here.
func (n *Namespace) loadedConfig(cs ConfigSnapshot) *Config {
	return &Config{name: cs.Name, base: cs.Raw, listed: !cs.Unlisted, deleted: n.deleted}
}
