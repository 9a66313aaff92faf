package model

import (
	"context"
	"errors"

	"github.com/confo-dev/confo/confo"
)

// The first load of a backend runs in small steps so that a UI shows
// something at once and stays responsive: open the store, read the registry
// alone (the namespace list), then a few namespaces at a time, the one the
// user looks at first. Each step's result is merged on the UI's event loop;
// a step is small enough that the merge costs a few milliseconds even when
// the backend holds a million configs.

// loadState is the progress of a backend's first load.
type loadState struct {
	opening bool
	// registry: the namespace list has been read.
	registry bool
	// running: a load job is in flight; id tags it.
	running bool
	id      int
	job     *LoadJob
	// epoch changes when a persist or reload settles; a load read before
	// that may be older than what the workspace now holds and is dropped.
	epoch int
	// err stops the background load until Retry.
	err error
	// done and total count loaded namespaces; configs counts their configs.
	done, total, configs int
	// perNS is the average config count of the namespaces loaded so far,
	// used to size the next step.
	perNS int
}

// OpenJob connects a pending backend.
type OpenJob struct {
	backend *Backend
	open    func(ctx context.Context) (confo.Store, error)
}

// OpenResult is what Run of an OpenJob produced.
type OpenResult struct {
	job   *OpenJob
	store confo.Store
	err   error
}

// StartOpen hands out the job that opens the backend; nil when it is open
// or being opened.
func (b *Backend) StartOpen() *OpenJob {
	if b.store != nil || b.load.opening || b.src.Open == nil {
		return nil
	}
	b.load.opening, b.conn, b.lastErr = true, Connecting, ""
	return &OpenJob{backend: b, open: b.src.Open}
}

// Run opens the store; it touches no state of the backend.
func (j *OpenJob) Run(ctx context.Context) OpenResult {
	s, err := j.open(ctx)
	return OpenResult{job: j, store: s, err: err}
}

// Backend is the backend the result belongs to.
func (r OpenResult) Backend() *Backend { return r.job.backend }

// FinishOpen settles an open: the backend is usable (its namespaces not
// read yet), or marked failed with the error.
func (b *Backend) FinishOpen(r OpenResult) error {
	b.load.opening = false
	if r.err != nil {
		b.conn, b.lastErr = Failed, r.err.Error()
		b.load.err = r.err
		return r.err
	}
	b.store, b.ws = r.store, confo.NewWorkspace(r.store.Naming())
	b.readOnly = b.readOnly || r.store.ReadOnly()
	b.conn, b.lastErr, b.load.err = Connected, "", nil
	b.changed()
	return nil
}

// BadSettings reports whether the backend failed to open because of its
// own settings (a URL or credentials that cannot be used), which trying
// again does not change.
func (b *Backend) BadSettings() bool {
	return !b.Open() && errors.Is(b.load.err, confo.ErrBadCredentials)
}

// Close closes the store, if open.
func (b *Backend) Close() error {
	if b.store == nil {
		return nil
	}
	return b.store.Close()
}

// LoadJob reads part of a backend: its registry alone, or some namespaces,
// which Run hands over one at a time as they are read, so that each is
// merged on its own and the UI's event loop never merges more than one
// namespace at once.
type LoadJob struct {
	id, epoch int
	backend   *Backend
	// namespaces is nil for the registry alone.
	namespaces []string
	// registry is the stored namespaces when the job was planned: merging
	// a namespace must neither add nor drop any other.
	registry []string
}

// LoadPart is one namespace a LoadJob read.
type LoadPart struct {
	job *LoadJob
	ns  confo.NamespaceSnapshot
}

// LoadResult is how a LoadJob ended: the registry it read, or its error.
type LoadResult struct {
	job  *LoadJob
	snap *confo.Snapshot
	err  error
}

// loadTarget is how many configs one load job aims at, and loadMaxSpan how
// many namespaces: small enough that the namespace the user selects next
// is read soon, large enough that round trips do not dominate. Each
// namespace is merged on its own, so the job size does not bound a merge.
const (
	loadTarget  = 16000
	loadMaxSpan = 64
)

// NextLoad hands out the next job of the first load, reading first the
// namespace first when it is not loaded yet; nil when the backend is not
// open, a job is in flight, the load stopped on an error, or everything
// is loaded.
func (b *Backend) NextLoad(first string) *LoadJob {
	l := &b.load
	if b.store == nil || l.running || l.err != nil || b.busy == busyReloading {
		return nil
	}
	j := &LoadJob{backend: b, epoch: l.epoch}
	if l.registry {
		// The first job is the namespace the user looks at, alone; then
		// jobs of about loadTarget configs.
		n := 1
		if l.done > 0 {
			n = max(1, min(loadMaxSpan, loadTarget/max(l.perNS, 1)))
		}
		j.namespaces = b.unloaded(first, n)
		if len(j.namespaces) == 0 {
			return nil
		}
		j.registry = b.storedNamespaces()
	}
	l.running, l.job = true, j
	l.id++
	j.id = l.id
	return j
}

// storedNamespaces lists the namespaces the backend's registry held at the
// last load, sorted.
func (b *Backend) storedNamespaces() []string {
	names := b.NamespaceNames()
	out := make([]string, 0, len(names))
	for _, name := range names {
		if b.ws.Namespace(name).Status() != StatusAdded {
			out = append(out, name)
		}
	}
	return out
}

// unloaded lists up to n stored namespaces not loaded yet, first first.
func (b *Backend) unloaded(first string, n int) []string {
	var out []string
	if ns := b.ws.Namespace(first); ns != nil && !ns.Loaded() {
		out = append(out, first)
	}
	for _, name := range b.NamespaceNames() {
		if len(out) >= n {
			break
		}
		if ns := b.ws.Namespace(name); !ns.Loaded() && name != first {
			out = append(out, name)
		}
	}
	return out
}

// Namespaces lists what the job reads; nil for the registry alone.
func (j *LoadJob) Namespaces() []string { return j.namespaces }

// Run reads the store, handing each namespace to part as soon as it is
// read (an error from part stops the load); it touches no state of the
// backend.
func (j *LoadJob) Run(ctx context.Context, part func(LoadPart) error) LoadResult {
	opts := confo.LoadOptions{RegistryOnly: j.namespaces == nil}
	if j.namespaces != nil {
		opts.Namespaces, opts.Discover = j.namespaces, j.backend.discover
		opts.Stream = func(ns confo.NamespaceSnapshot) error { return part(LoadPart{job: j, ns: ns}) }
	}
	snap, err := j.backend.store.Load(ctx, opts)
	return LoadResult{job: j, snap: snap, err: err}
}

// Backend is the backend the part belongs to.
func (p LoadPart) Backend() *Backend { return p.job.backend }

// Backend is the backend the result belongs to.
func (r LoadResult) Backend() *Backend { return r.job.backend }

// LoadStep is what one settled part or job did.
type LoadStep struct {
	// Registry: the job read the namespace list.
	Registry bool
	// Namespaces and Configs count what was merged; 0 for a dropped part.
	Namespaces, Configs int
	Warnings            []string
	Err                 error
}

// current reports whether a job's data may still be merged: it is the job
// in flight, and no persist, reload or refresh of the registry settled
// since it was planned.
func (b *Backend) current(j *LoadJob) bool {
	l := &b.load
	return j.backend == b && j.id == l.id && l.running && j.epoch == l.epoch
}

// FinishLoadPart merges one namespace a job read. A part read before a
// persist or reload settled may hold older data than the workspace: it is
// dropped, and NextLoad reads the namespace again.
func (b *Backend) FinishLoadPart(p LoadPart) LoadStep {
	if !b.current(p.job) {
		return LoadStep{}
	}
	ns, j := p.ns, p.job
	// Apply adds what the registry names, so it must name this one, maybe
	// registered since the job was planned, and keep naming it.
	if registry := withName(j.registry, ns.Name); len(registry) != len(j.registry) {
		j.registry, b.names = registry, nil
	}
	b.ws.Apply(&confo.Snapshot{Registry: j.registry, Namespaces: []confo.NamespaceSnapshot{ns}}, false)
	l := &b.load
	l.done++
	l.configs += b.ws.Namespace(ns.Name).Len()
	l.perNS = l.configs / l.done
	b.parts++
	return LoadStep{Namespaces: 1, Configs: len(ns.Configs)}
}

// FinishLoad settles a job: a registry it read is merged (a job of
// namespaces reads it too, and with nothing else watching the backend,
// that is how namespaces other clients add or remove show up).
func (b *Backend) FinishLoad(r LoadResult) LoadStep {
	j, l := r.job, &b.load
	if j.backend != b || j.id != l.id || !l.running {
		return LoadStep{}
	}
	fresh := j.epoch == l.epoch
	l.running, l.job = false, nil
	step := LoadStep{Registry: j.namespaces == nil}
	if r.err != nil {
		if errors.Is(r.err, confo.ErrNamespaceNotFound) {
			// Deleted by another client since the registry was read:
			// read the registry again and go on.
			l.registry = false
			return step
		}
		b.recordIO(r.err)
		l.err, step.Err = r.err, r.err
		return step
	}
	b.recordIO(nil)
	if !fresh {
		return step
	}
	b.ws.Apply(r.snap, false)
	if !l.registry {
		l.registry = true
		step.Warnings = r.snap.Warnings
	}
	// A new registry may add or drop namespaces the views show.
	b.changed()
	b.countLoaded()
	return step
}

// countLoaded recounts the load's progress over the namespaces.
func (b *Backend) countLoaded() {
	l := &b.load
	l.done, l.total, l.configs = 0, 0, 0
	for _, name := range b.ws.NamespaceNames() {
		ns := b.ws.Namespace(name)
		if ns.Status() == StatusAdded {
			continue
		}
		l.total++
		if ns.Loaded() {
			l.done++
			l.configs += ns.Len()
		}
	}
	if l.done > 0 {
		l.perNS = l.configs / l.done
	}
}

// LoadProgress is how far the first load of a backend is.
type LoadProgress struct {
	// Registry: the namespace list is known.
	Registry bool
	// Namespaces loaded of Total; Configs in the loaded ones.
	Namespaces, Total, Configs int
	// Done: nothing is left to load.
	Done bool
	// Err stopped the load; Retry goes on.
	Err error
}

// LoadProgress reports how far the first load is.
func (b *Backend) LoadProgress() LoadProgress {
	l := b.load
	return LoadProgress{
		Registry: l.registry, Namespaces: l.done, Total: l.total, Configs: l.configs,
		Done: b.store != nil && l.registry && l.done >= l.total && !l.running, Err: l.err,
	}
}

// Retry clears the error that stopped the open or the load, so that
// StartOpen and NextLoad go on; it reports whether there was one.
func (b *Backend) Retry() bool {
	if b.load.err == nil {
		return false
	}
	b.load.err = nil
	return true
}

// Loading reports whether the first load still has work to do.
func (b *Backend) Loading() bool {
	return b.store == nil || !b.LoadProgress().Done
}

// newEpoch drops load steps in flight: what they read may predate a
// persist or reload that just settled.
func (b *Backend) newEpoch() {
	b.load.epoch++
	b.changed()
	b.countLoaded()
}

// NamespaceLoaded reports whether a namespace's configs have been read.
func (b *Backend) NamespaceLoaded(name string) bool {
	ns := b.ws.Namespace(name)
	return ns != nil && ns.Loaded()
}
