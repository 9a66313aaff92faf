package confo

import (
	"context"
	"slices"
)

// A refresh applies what other clients changed, as a Watcher reports it,
// without the user asking: configs with no local edits take the new stored
// value in place, edited ones keep every local edit and are only marked
// (Config.Remote), new and removed configs and namespaces appear and go.
// It re-reads only what the changes name. Like persist, it runs in three
// steps so that a UI can keep the workspace on its event loop:
// PlanRefresh and ApplyRefresh there, RefreshPlan.Fetch anywhere.

// RefreshPlan is what one refresh re-reads.
type RefreshPlan struct {
	resync   bool     // read every loaded namespace again
	registry bool     // read the registry
	loadNew  bool     // load namespaces that appear, not only list them
	loaded   []string // the loaded namespaces, for a resync
	lists    []string
	configs  []ConfigRef
	// known holds, for each list read, the configs the workspace has, so
	// that Fetch reads only the ones that are new to it.
	known map[string]map[string]bool
	// namespaces is every namespace in the workspace, so Fetch knows which
	// ones the registry brings.
	namespaces map[string]bool
}

// RefreshData is what Fetch read: namespaces read whole (a resync, or
// new) or in part, each with its list when that was read.
type RefreshData struct {
	snap *Snapshot
}

// remoteSeen is a stored value another client wrote while the config had
// local edits, and the base it differed from: once the base changes (a
// persist, a reload), the mark no longer applies.
type remoteSeen struct {
	raw, against Raw
}

// Remote returns what another client stored since this config was loaded,
// when a live refresh saw it while the config had local edits (which it
// left alone). Persisting then checks against it; reloading shows it as a
// conflict.
func (c *Config) Remote() (Raw, bool) {
	remote := c.state().remote
	if remote == nil || !remote.against.Same(c.base) || remote.raw.Same(c.base) {
		return Raw{}, false
	}
	return remote.raw, true
}

// dropRemote forgets what a live refresh saw another client store.
func (c *Config) dropRemote() {
	if c.local != nil {
		c.local.remote = nil
	}
}

// RemoteCount is the number of configs with local edits that another
// client changed meanwhile (see Config.Remote).
func (n *Namespace) RemoteCount() int {
	n.countStats()
	return n.remote
}

// RemoteCount is RemoteCount over every namespace.
func (w *Workspace) RemoteCount() int {
	count := 0
	for _, ns := range w.namespaces {
		count += ns.RemoteCount()
	}
	return count
}

// PlanRefresh turns a batch of changes into what must be read. Changes in
// namespaces that are not loaded are left for their load; ChangeReady and
// ChangeResync read every loaded namespace again.
func (w *Workspace) PlanRefresh(changes []Change) *RefreshPlan {
	p := &RefreshPlan{namespaces: map[string]bool{}, known: map[string]map[string]bool{}}
	for name, ns := range w.namespaces {
		p.namespaces[name] = true
		if ns.loaded && ns.stored {
			p.loaded = append(p.loaded, name)
			p.loadNew = true
		}
	}
	slices.Sort(p.loaded)
	loaded := func(name string) bool {
		ns := w.namespaces[name]
		return ns != nil && ns.loaded && ns.stored
	}
	lists := map[string]bool{}
	configs := map[ConfigRef]bool{}
	for _, c := range changes {
		switch c.Kind {
		case ChangeReady, ChangeResync:
			p.resync, p.registry = true, true
		case ChangeRegistry:
			p.registry = true
		case ChangeList:
			if loaded(c.Namespace) {
				lists[c.Namespace] = true
			}
		case ChangeConfig:
			if loaded(c.Namespace) {
				configs[ConfigRef{Namespace: c.Namespace, Config: c.Config}] = true
			}
		}
	}
	if p.resync {
		return p
	}
	for name := range lists {
		p.lists = append(p.lists, name)
		known := map[string]bool{}
		for cfg := range w.namespaces[name].configs {
			known[cfg] = true
		}
		p.known[name] = known
	}
	slices.Sort(p.lists)
	for ref := range configs {
		p.configs = append(p.configs, ref)
	}
	slices.SortFunc(p.configs, compareRefs)
	return p
}

func compareRefs(a, b ConfigRef) int {
	if a.Namespace != b.Namespace {
		if a.Namespace < b.Namespace {
			return -1
		}
		return 1
	}
	switch {
	case a.Config < b.Config:
		return -1
	case a.Config > b.Config:
		return 1
	}
	return 0
}

// Empty reports whether the plan reads nothing.
func (p *RefreshPlan) Empty() bool {
	return !p.resync && !p.registry && len(p.lists) == 0 && len(p.configs) == 0
}

// Fetch reads what the plan names. It touches no workspace, so it may run
// on any goroutine. It costs what it reads: the registry, the changed lists
// and the changed or new configs, or for a resync the loaded namespaces.
func (p *RefreshPlan) Fetch(ctx context.Context, s Store) (*RefreshData, error) {
	d := &RefreshData{snap: &Snapshot{}}
	if p.Empty() {
		return d, nil
	}
	if p.registry {
		snap, err := s.Load(ctx, LoadOptions{RegistryOnly: true})
		if err != nil {
			return nil, err
		}
		d.snap.Registry, d.snap.Warnings = snap.Registry, snap.Warnings
	}
	var whole []string
	if p.resync {
		for _, name := range p.loaded {
			if _, ok := slices.BinarySearch(d.snap.Registry, name); ok {
				whole = append(whole, name)
			}
		}
	}
	if p.loadNew {
		for _, name := range d.snap.Registry {
			if !p.namespaces[name] {
				whole = append(whole, name)
			}
		}
	}
	if len(whole) > 0 {
		slices.Sort(whole)
		snap, err := s.Load(ctx, LoadOptions{Namespaces: whole})
		if err != nil {
			return nil, err
		}
		for _, ns := range snap.Namespaces {
			ns.List = []string{}
			for _, c := range ns.Configs {
				if !c.Unlisted {
					ns.List = append(ns.List, c.Name)
				}
			}
			d.snap.Namespaces = append(d.snap.Namespaces, ns)
		}
		d.snap.Warnings = append(d.snap.Warnings, snap.Warnings...)
	}
	if p.resync || len(p.lists) == 0 && len(p.configs) == 0 {
		return d, nil
	}
	snap, err := s.Load(ctx, LoadOptions{Targets: &Targets{Lists: p.lists, Configs: p.configs}})
	if err != nil {
		return nil, err
	}
	// The configs a changed list names that the workspace does not have:
	// read them too, so that they show up with their values.
	var more []ConfigRef
	for _, ns := range snap.Namespaces {
		for _, name := range ns.List {
			if !p.known[ns.Name][name] && !slices.ContainsFunc(ns.Configs, func(c ConfigSnapshot) bool { return c.Name == name }) {
				more = append(more, ConfigRef{Namespace: ns.Name, Config: name})
			}
		}
	}
	if len(more) > 0 {
		extra, err := s.Load(ctx, LoadOptions{Targets: &Targets{Configs: more}})
		if err != nil {
			return nil, err
		}
		for _, ens := range extra.Namespaces {
			for i := range snap.Namespaces {
				if snap.Namespaces[i].Name == ens.Name {
					snap.Namespaces[i].Configs = append(snap.Namespaces[i].Configs, ens.Configs...)
				}
			}
		}
	}
	d.snap.Namespaces = append(d.snap.Namespaces, snap.Namespaces...)
	return d, nil
}

// RefreshWhat says what a refresh did to one item.
type RefreshWhat uint8

const (
	// RefreshChanged: a config with no local edits took its new stored value.
	RefreshChanged RefreshWhat = iota
	// RefreshAdded: a config another client added.
	RefreshAdded
	// RefreshRemoved: a config another client removed (it had no local edits).
	RefreshRemoved
	// RefreshRemote: a config with local edits that another client changed
	// or removed; the edits were kept (see Config.Remote).
	RefreshRemote
	// RefreshNamespaceAdded and RefreshNamespaceRemoved: the registry changed.
	RefreshNamespaceAdded
	RefreshNamespaceRemoved
	// RefreshBadList: the namespace's list can no longer be read.
	RefreshBadList
)

func (w RefreshWhat) String() string {
	return [...]string{"changed", "added", "removed", "changed remotely, local edits kept", "namespace added", "namespace removed", "list unreadable"}[w]
}

// RefreshItem is one thing a refresh changed in the workspace.
type RefreshItem struct {
	Namespace, Config string // Config is empty for namespace items
	What              RefreshWhat
}

// RefreshReport says what a refresh changed in the workspace; a change a
// watcher reported that changed nothing (a value written again) is not in it.
type RefreshReport struct {
	Items    []RefreshItem
	Warnings []string
}

// Count is the number of items of one kind.
func (r RefreshReport) Count(what RefreshWhat) int {
	n := 0
	for _, it := range r.Items {
		if it.What == what {
			n++
		}
	}
	return n
}

// Refresh plans, fetches and applies a refresh, for a program that owns the
// workspace on the calling goroutine.
func Refresh(ctx context.Context, s Store, w *Workspace, changes []Change) (RefreshReport, error) {
	p := w.PlanRefresh(changes)
	d, err := p.Fetch(ctx, s)
	if err != nil {
		return RefreshReport{}, err
	}
	return w.ApplyRefresh(p, d), nil
}

// ApplyRefresh merges what Fetch read into the workspace. Local edits are
// never touched.
func (w *Workspace) ApplyRefresh(p *RefreshPlan, d *RefreshData) RefreshReport {
	report := RefreshReport{Warnings: d.snap.Warnings}
	if p.registry {
		w.refreshRegistry(d.snap.Registry, &report)
	}
	for i := range d.snap.Namespaces {
		snap := &d.snap.Namespaces[i]
		ns := w.namespaces[snap.Name]
		if ns == nil || ns.deleted && !ns.stored {
			continue
		}
		if !ns.loaded {
			// New here: load it whole, as a reload would.
			w.applyNamespace(snap, false, &ReloadReport{})
			continue
		}
		w.refreshNamespace(ns, snap, &report)
	}
	return report
}

func (w *Workspace) refreshRegistry(registry []string, report *RefreshReport) {
	registered := map[string]bool{}
	for _, name := range registry {
		registered[name] = true
		ns := w.namespaces[name]
		if ns == nil {
			w.addNamespace(name, true)
			report.Items = append(report.Items, RefreshItem{Namespace: name, What: RefreshNamespaceAdded})
			continue
		}
		ns.stored = true
	}
	for _, name := range w.NamespaceNames() {
		ns := w.namespaces[name]
		if registered[name] || !ns.stored {
			continue
		}
		// Another client removed it: keep it only if it holds local edits,
		// which a persist then re-registers.
		if ns.DirtyCount() == 0 {
			w.removeNamespace(name)
			report.Items = append(report.Items, RefreshItem{Namespace: name, What: RefreshNamespaceRemoved})
			continue
		}
		ns.stored = false
	}
}

// refreshNamespace applies the configs read of one namespace and, when
// its list was read, the configs it no longer names.
func (w *Workspace) refreshNamespace(ns *Namespace, snap *NamespaceSnapshot, report *RefreshReport) {
	if snap.Problem != "" {
		if ns.problem != snap.Problem {
			report.Items = append(report.Items, RefreshItem{Namespace: ns.name, What: RefreshBadList})
		}
		ns.problem = snap.Problem
		ns.touch()
		return
	}
	listRead := snap.List != nil
	listed := map[string]bool{}
	if listRead {
		ns.problem = ""
		for _, name := range snap.List {
			listed[name] = true
		}
	}
	read := map[string]bool{}
	for _, cs := range snap.Configs {
		read[cs.Name] = true
		c := ns.configs[cs.Name]
		switch {
		case c == nil && listRead && listed[cs.Name]:
			ns.addConfig(&Config{name: cs.Name, base: cs.Raw, listed: true, remoteChanged: true, deleted: ns.deleted})
			report.Items = append(report.Items, RefreshItem{Namespace: ns.name, Config: cs.Name, What: RefreshAdded})
		case c == nil:
			// A key nobody listed: adopting it is discovery's job.
		case listRead && !listed[cs.Name] && c.listed:
			w.refreshRemoved(ns, c, cs.Raw, report)
		default:
			w.refreshConfig(ns, c, cs.Raw, c.listed || listed[cs.Name], report)
		}
	}
	if !listRead {
		return
	}
	for _, name := range ns.ConfigNames() {
		c := ns.configs[name]
		if read[name] || listed[name] || !c.listed {
			continue // still listed, or never was (added here, or found unlisted)
		}
		w.refreshRemoved(ns, c, MissingRaw(), report)
	}
}

// refreshConfig applies a config's new stored value.
func (w *Workspace) refreshConfig(ns *Namespace, c *Config, raw Raw, listed bool, report *RefreshReport) {
	if !c.dirty() {
		if c.base.Same(raw) && c.listed == listed {
			return
		}
		ns.addConfig(&Config{name: c.name, base: raw, listed: listed, remoteChanged: true, deleted: c.deleted})
		report.Items = append(report.Items, RefreshItem{Namespace: ns.name, Config: c.name, What: RefreshChanged})
		return
	}
	c.listed = c.listed || listed
	w.markRemote(ns, c, raw, report)
}

// refreshRemoved applies another client's removal of a listed config.
func (w *Workspace) refreshRemoved(ns *Namespace, c *Config, raw Raw, report *RefreshReport) {
	if !c.dirty() {
		ns.removeConfig(c.name)
		report.Items = append(report.Items, RefreshItem{Namespace: ns.name, Config: c.name, What: RefreshRemoved})
		return
	}
	w.markRemote(ns, c, raw, report)
}

// markRemote records another client's change of a config edited here.
func (w *Workspace) markRemote(ns *Namespace, c *Config, raw Raw, report *RefreshReport) {
	if c.base.Same(raw) {
		// Changed back: there is nothing remote to mark any more.
		if c.state().remote != nil {
			c.dropRemote()
			ns.touch()
		}
		return
	}
	if seen, ok := c.Remote(); ok && seen.Same(raw) {
		return
	}
	c.mutable().remote = &remoteSeen{raw: raw, against: c.base}
	ns.touch()
	report.Items = append(report.Items, RefreshItem{Namespace: ns.name, Config: c.name, What: RefreshRemote})
}
