package model

import (
	"context"
	"errors"
	"fmt"

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
	// namespace); those namespaces were left untouched.
	Conflicts []string
	// Merged are the configs written after merging them with another
	// client's change to other fields.
	Merged []MergeNote
	// Err is any other failure; nil with a nil Conflict means success.
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

// ReloadJob is one reload of a backend or of one namespace.
type ReloadJob struct {
	id      int
	backend *Backend
	opts    confo.ReloadOptions
}

// ReloadResult is what Run of a ReloadJob read, and how far FinishReload
// has merged it.
type ReloadResult struct {
	job  *ReloadJob
	snap *confo.Snapshot
	err  error
	// next is the first namespace of snap not merged yet; report sums
	// what the merged parts did.
	next   int
	report ReloadReport
}

// StartReload marks the backend busy with a reload of namespace ("" for
// all of it); with discard, local edits there are dropped, otherwise kept
// on top of the fresh data.
func (b *Backend) StartReload(namespace string, discard bool) (*ReloadJob, error) {
	if b.store == nil {
		return nil, fmt.Errorf("%s is not open yet: %w", b.name, ErrNotOpen)
	}
	if err := b.checkIdle(); err != nil {
		return nil, err
	}
	b.jobID++
	b.busy = busyReloading
	return &ReloadJob{id: b.jobID, backend: b, opts: confo.ReloadOptions{Namespace: namespace, Discard: discard, Discover: b.discover}}, nil
}

// ID tags the job's messages.
func (j *ReloadJob) ID() int { return j.id }

// Backend is the backend the job reads.
func (j *ReloadJob) Backend() *Backend { return j.backend }

// Run reads the store, reporting progress (done of total configs) from its
// goroutine. It touches no state of the backend, so it is safe in a tea.Cmd.
func (j *ReloadJob) Run(ctx context.Context, progress func(done, total int)) *ReloadResult {
	opts := j.opts
	opts.Progress = progress
	snap, err := confo.FetchReload(ctx, j.backend.store, opts)
	return &ReloadResult{job: j, snap: snap, err: err}
}

// Backend is the backend the result belongs to.
func (r *ReloadResult) Backend() *Backend { return r.job.backend }

// reloadChunk is how many configs one FinishReload merges at most (a
// namespace is never split): a few milliseconds of the event loop.
const reloadChunk = 4000

// ReloadOutcome is what one FinishReload did.
type ReloadOutcome struct {
	// Done: the reload is settled; Report sums all it did. Until then,
	// FinishReload is to be called again with the same result.
	Done   bool
	Report ReloadReport
	Err    error
}

// FinishReload merges the next part of a reload's result into the
// workspace: about reloadChunk configs, so that the UI handles keys
// between parts of a large reload. It returns false, and changes nothing,
// for the result of a job that is no longer current.
func (b *Backend) FinishReload(r *ReloadResult) (ReloadOutcome, bool) {
	j := r.job
	if j.backend != b || j.id != b.jobID || b.busy == "" {
		return ReloadOutcome{}, false
	}
	if r.err != nil {
		b.busy = ""
		b.recordIO(r.err)
		return ReloadOutcome{Done: true, Err: r.err}, true
	}
	if r.next == 0 {
		b.recordIO(nil)
		// Load parts in flight read before this reload: drop them.
		b.newEpoch()
	}
	all := r.snap.Namespaces
	end, configs := r.next, 0
	for end < len(all) && (end == r.next || configs+len(all[end].Configs) <= reloadChunk) {
		configs += len(all[end].Configs)
		end++
	}
	part := &confo.Snapshot{Registry: r.snap.Registry, Namespaces: all[r.next:end]}
	if r.next == 0 {
		part.Warnings = r.snap.Warnings
	}
	var got ReloadReport
	if end == len(all) {
		// The last part: collision warnings are about the whole workspace.
		got = b.ws.ApplyReload(part, j.opts)
	} else {
		got = b.ws.Apply(part, j.opts.Discard)
	}
	r.next = end
	r.report.Namespaces += got.Namespaces
	r.report.Configs += got.Configs
	r.report.Changed += got.Changed
	r.report.Removed += got.Removed
	r.report.Conflicts += got.Conflicts
	r.report.Warnings = append(r.report.Warnings, got.Warnings...)
	b.changed()
	if end < len(all) {
		return ReloadOutcome{Report: r.report}, true
	}
	b.busy = ""
	b.newEpoch()
	b.ClearUndo()
	return ReloadOutcome{Done: true, Report: r.report}, true
}
