package model

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/confo-dev/confo/confo"
)

// PersistJob is one persist of a backend: planned on the UI's event loop,
// committed by Run anywhere, settled by FinishPersist.
type PersistJob struct {
	id      int
	backend *Backend
	plan    *confo.PersistPlan
	summary Summary
}

// PersistResult is what Run of a PersistJob produced.
type PersistResult struct {
	job *PersistJob
	res confo.PersistResult
}

// MergeNote says that a persist merged a config with another client's
// change; its String is the sentence to show.
type MergeNote = confo.MergeNote

// PersistOutcome is a settled persist, for the UI to report.
type PersistOutcome struct {
	Summary Summary
	// Conflicts names what other clients changed ("ns/cfg", or "ns" for a
	// namespace); those namespaces were left untouched, unless Err is a
	// partial commit (a cluster), which names what it wrote.
	Conflicts []string
	// Merged are the configs written after merging them with another
	// client's change to other fields.
	Merged []MergeNote
	// Err is any other failure, or the partial commit beside Conflicts;
	// nil with no Conflicts means success.
	Err error
}

// PlanPersist computes what a persist of scope writes, for the user to
// confirm; Empty says there is nothing to write.
func (b *Backend) PlanPersist(scope Scope) (*PersistJob, error) {
	if err := b.CheckWritable(); err != nil {
		return nil, err
	}
	plan, err := b.ws.PlanPersist(scope, confo.CommitOptions{})
	if err != nil {
		return nil, err
	}
	summary := Summarize(plan.Changes)
	for i := range summary.Namespaces {
		ns := &summary.Namespaces[i]
		for j := range ns.Configs {
			c := &ns.Configs[j]
			c.Remote, c.RemoteConflict = b.RemoteNote(ns.Name, c.Name)
		}
	}
	return &PersistJob{backend: b, plan: plan, summary: summary}, nil
}

// Empty reports whether the job writes nothing.
func (j *PersistJob) Empty() bool { return j.plan.Empty() }

// Summary is what the job writes.
func (j *PersistJob) Summary() Summary { return j.summary }

// Backend is the backend the job writes to.
func (j *PersistJob) Backend() *Backend { return j.backend }

// ID tags the job's messages.
func (j *PersistJob) ID() int { return j.id }

// StartPersist marks the backend busy with the job; edits wait until it is
// finished.
func (b *Backend) StartPersist(j *PersistJob) error {
	if err := b.CheckWritable(); err != nil {
		return err
	}
	b.jobID++
	j.id, b.busy = b.jobID, busyPersisting
	return nil
}

// Run commits the job. It touches only the store, so it is safe inside a
// tea.Cmd; ctx should be the program's, so that quitting cancels it.
func (j *PersistJob) Run(ctx context.Context) PersistResult {
	return PersistResult{job: j, res: j.plan.Commit(ctx, j.backend.store)}
}

// Backend is the backend the result belongs to.
func (r PersistResult) Backend() *Backend { return r.job.backend }

// FinishPersist settles a result into the workspace. It returns false, and
// changes nothing, for the result of a job that is no longer current.
func (b *Backend) FinishPersist(r PersistResult) (PersistOutcome, bool) {
	j := r.job
	if j.backend != b || j.id != b.jobID || b.busy == "" {
		return PersistOutcome{}, false
	}
	b.busy = ""
	err := b.ws.Settle(j.plan, r.res)
	b.newEpoch()
	out := PersistOutcome{Summary: j.summary, Merged: r.res.Merged}
	if conflict, ok := errors.AsType[*confo.ConflictError](err); ok {
		for _, c := range conflict.Conflicts {
			name := c.Namespace
			if c.Config != "" {
				name += "/" + c.Config
			}
			out.Conflicts = append(out.Conflicts, name)
		}
		if errors.Is(err, confo.ErrPartialCommit) {
			// Part was written (a cluster): the error says which part,
			// which "nothing written" would deny.
			out.Err = err
		}
	} else {
		out.Err = err
	}
	if len(r.res.Written) > 0 || len(out.Conflicts) > 0 {
		// Saved states predate what was just written; undoing to them
		// would resurrect stale bases.
		b.ClearUndo()
	}
	b.recordIO(err)
	return out, true
}

// ReloadJob is one reload of a backend or of one namespace. Like a load,
// it hands over each namespace as soon as it is read, and each is merged
// on its own (FinishReloadPart), so that the UI handles keys in between
// and never holds a second copy of the whole backend; FinishReload then
// settles the registry it read.
type ReloadJob struct {
	id      int
	backend *Backend
	opts    confo.ReloadOptions
	// registry is the stored namespaces when the job started: merging a
	// namespace must neither add nor drop any other.
	registry []string
	// report sums what the merged parts did.
	report ReloadReport
}

// ReloadPart is one namespace a ReloadJob read.
type ReloadPart struct {
	job *ReloadJob
	ns  confo.NamespaceSnapshot
}

// ReloadResult is how a ReloadJob ended: the registry it read, or its
// error.
type ReloadResult struct {
	job  *ReloadJob
	snap *confo.Snapshot
	err  error
}

// StartReload marks the backend busy with a reload of namespace ("" for
// all of it); with discard, local edits there are dropped, otherwise kept
// on top of the fresh data. Load parts and refreshes in flight read before
// it and are dropped.
func (b *Backend) StartReload(namespace string, discard bool) (*ReloadJob, error) {
	if b.store == nil {
		return nil, fmt.Errorf("%s is not open yet: %w", b.name, ErrNotOpen)
	}
	if err := b.checkIdle(); err != nil {
		return nil, err
	}
	b.jobID++
	b.busy = busyReloading
	b.newEpoch()
	return &ReloadJob{id: b.jobID, backend: b, registry: b.storedNamespaces(),
		opts: confo.ReloadOptions{Namespace: namespace, Discard: discard, Discover: b.discover}}, nil
}

// ID tags the job's messages.
func (j *ReloadJob) ID() int { return j.id }

// Backend is the backend the job reads.
func (j *ReloadJob) Backend() *Backend { return j.backend }

// Run reads the store, handing each namespace to part as soon as it is
// read and reporting progress (done of total configs), both from its
// goroutine. It touches no state of the backend, so it is safe in a
// tea.Cmd.
func (j *ReloadJob) Run(ctx context.Context, progress func(done, total int), part func(ReloadPart) error) *ReloadResult {
	opts := confo.LoadOptions{Discover: j.opts.Discover, Progress: progress}
	if j.opts.Namespace != "" {
		opts.Namespaces = []string{j.opts.Namespace}
	}
	opts.Stream = func(ns confo.NamespaceSnapshot) error { return part(ReloadPart{job: j, ns: ns}) }
	snap, err := j.backend.store.Load(ctx, opts)
	return &ReloadResult{job: j, snap: snap, err: err}
}

// Backend is the backend the part belongs to.
func (p ReloadPart) Backend() *Backend { return p.job.backend }

// Backend is the backend the result belongs to.
func (r *ReloadResult) Backend() *Backend { return r.job.backend }

// currentReload reports whether j is the reload in flight.
func (b *Backend) currentReload(j *ReloadJob) bool {
	return j.backend == b && j.id == b.jobID && b.busy == busyReloading
}

// FinishReloadPart merges one namespace a reload read; it changes nothing
// for a part of a job that is no longer current.
func (b *Backend) FinishReloadPart(p ReloadPart) {
	j := p.job
	if !b.currentReload(j) {
		return
	}
	// A namespace registered since the job started stays for the parts
	// after it.
	j.registry = withName(j.registry, p.ns.Name)
	got := b.ws.Apply(&confo.Snapshot{Registry: j.registry, Namespaces: []confo.NamespaceSnapshot{p.ns}}, j.opts.Discard)
	j.report.Namespaces += got.Namespaces
	j.report.Configs += got.Configs
	j.report.Changed += got.Changed
	j.report.Removed += got.Removed
	j.report.Conflicts += got.Conflicts
	b.changed()
}

// withName is the sorted names with name in them.
func withName(sorted []string, name string) []string {
	if _, ok := slices.BinarySearch(sorted, name); ok {
		return sorted
	}
	out := append(slices.Clone(sorted), name)
	slices.Sort(out)
	return out
}

// FinishReload settles a reload once every part is merged: the registry
// it read drops the namespaces other clients removed, and the report sums
// what the parts did. It returns false, changing nothing, for a job that
// is no longer current.
func (b *Backend) FinishReload(r *ReloadResult) (ReloadReport, error, bool) {
	j := r.job
	if !b.currentReload(j) {
		return ReloadReport{}, nil, false
	}
	b.busy = ""
	b.recordIO(r.err)
	defer b.newEpoch()
	if r.err != nil {
		return ReloadReport{}, r.err, true
	}
	final := b.ws.ApplyReload(&confo.Snapshot{Registry: r.snap.Registry, Warnings: r.snap.Warnings}, j.opts)
	report := j.report
	report.Warnings = final.Warnings
	b.ClearUndo()
	return report, nil, true
}
