package model

import (
	"context"
	"slices"

	"github.com/confo-dev/confo/confo"
)

// Names from the library's refresh, for the UI's messages.
type (
	RefreshReport = confo.RefreshReport
	RefreshItem   = confo.RefreshItem
	RefreshWhat   = confo.RefreshWhat
)

const (
	RefreshChanged          = confo.RefreshChanged
	RefreshAdded            = confo.RefreshAdded
	RefreshRemoved          = confo.RefreshRemoved
	RefreshRemote           = confo.RefreshRemote
	RefreshNamespaceAdded   = confo.RefreshNamespaceAdded
	RefreshNamespaceRemoved = confo.RefreshNamespaceRemoved
	RefreshBadList          = confo.RefreshBadList
)

// refreshMax bounds the configs one refresh reads, so that applying what
// it read is one short merge.
const refreshMax = 2000

// RefreshJob re-reads part of what other clients changed: planned on the
// event loop, fetched by Run anywhere, applied by FinishRefresh.
type RefreshJob struct {
	id, epoch int
	backend   *Backend
	plan      *confo.RefreshPlan
	// changes are what the job covers, queued again when its result
	// cannot be applied.
	changes []confo.Change
}

// RefreshResult is what Run of a RefreshJob read.
type RefreshResult struct {
	job  *RefreshJob
	data *confo.RefreshData
	err  error
}

// StartRefresh hands out a job for the queued changes, at most refreshMax
// configs of them; nil when there is nothing to read now, a refresh is in
// flight, or a reload is (it reads everything anyway, and what it read
// must not be overtaken by older data). Changes in a namespace that a load
// job is reading wait for that job: the load may have read it before the
// change.
func (b *Backend) StartRefresh() *RefreshJob {
	w := &b.watch
	if b.store == nil || w.refreshing || b.busy == busyReloading || len(w.pending) == 0 && len(w.resync) == 0 {
		return nil
	}
	var take, keep []confo.Change
	for _, c := range w.pending {
		if len(take) >= refreshMax || c.Namespace != "" && b.loading(c.Namespace) {
			keep = append(keep, c)
			continue
		}
		take = append(take, c)
		delete(w.seen, c)
	}
	w.pending = keep
	take = b.takeResync(take)
	if len(take) == 0 {
		return nil
	}
	plan := b.ws.PlanRefresh(take)
	if plan.Empty() {
		// Only namespaces that are not loaded: their load reads them.
		return b.StartRefresh()
	}
	w.refreshing = true
	w.id++
	return &RefreshJob{id: w.id, epoch: b.load.epoch, backend: b, plan: plan, changes: take}
}

// takeResync adds to take the next namespaces to read again whole, as the
// changes that read each of their configs and their list, until take
// holds refreshMax configs; a namespace larger than that is read over
// several jobs.
func (b *Backend) takeResync(take []confo.Change) []confo.Change {
	w := &b.watch
	for len(w.resync) > 0 && len(take) < refreshMax {
		name := w.resync[0]
		ns := b.ws.Namespace(name)
		switch {
		case b.loading(name):
			// Read again once its load has merged it.
			if len(w.resync) == 1 || b.allLoading() {
				return take
			}
			w.resync = append(w.resync[1:], name)
			continue
		case ns == nil || !ns.Loaded():
			w.resync, w.resyncFrom = w.resync[1:], ""
			continue
		}
		names := ns.ConfigNames()
		from := 0
		if w.resyncFrom == "" {
			take = append(take, confo.Change{Kind: confo.ChangeList, Namespace: name})
		} else {
			from, _ = slices.BinarySearch(names, w.resyncFrom)
		}
		for ; from < len(names) && len(take) < refreshMax; from++ {
			take = append(take, confo.Change{Kind: confo.ChangeConfig, Namespace: name, Config: names[from]})
		}
		if from < len(names) {
			w.resyncFrom = names[from]
			return take
		}
		w.resync, w.resyncFrom = w.resync[1:], ""
	}
	return take
}

// allLoading reports whether every namespace left to read again is being
// loaded, so none can be read now.
func (b *Backend) allLoading() bool {
	for _, name := range b.watch.resync {
		if !b.loading(name) {
			return false
		}
	}
	return true
}

// ID tags the job's messages.
func (j *RefreshJob) ID() int { return j.id }

// Run reads what the job covers; it touches no state of the backend.
func (j *RefreshJob) Run(ctx context.Context) RefreshResult {
	data, err := j.plan.Fetch(ctx, j.backend.store)
	return RefreshResult{job: j, data: data, err: err}
}

// Backend is the backend the result belongs to.
func (r RefreshResult) Backend() *Backend { return r.job.backend }

// RefreshOutcome is a settled refresh, for the UI to report.
type RefreshOutcome struct {
	Report RefreshReport
	// Err is a failed read; its changes are queued again and read after
	// the watch's next report.
	Err error
}

// FinishRefresh applies what a job read; local edits are never touched.
// It returns false, changing nothing, for a job that is not current. A
// job that read before a persist or reload settled is not applied: its
// changes are queued again, to be read once more.
func (b *Backend) FinishRefresh(r RefreshResult) (RefreshOutcome, bool) {
	j, w := r.job, &b.watch
	if j.backend != b || j.id != w.id || !w.refreshing {
		return RefreshOutcome{}, false
	}
	w.refreshing = false
	if r.err != nil || j.epoch != b.load.epoch || b.busy == busyReloading {
		for _, c := range j.changes {
			b.queueChange(c)
		}
		if r.err != nil {
			b.recordIO(r.err)
		}
		return RefreshOutcome{Err: r.err}, true
	}
	b.recordIO(nil)
	report := b.ws.ApplyRefresh(j.plan, r.data)
	if report.Count(RefreshNamespaceAdded)+report.Count(RefreshNamespaceRemoved) > 0 {
		// A load job in flight planned with the old registry.
		b.newEpoch()
	} else {
		// Also without items: a remote mark may have been dropped.
		b.changed()
	}
	return RefreshOutcome{Report: report}, true
}

// Refreshing reports whether a refresh is in flight or changes wait to be
// read.
func (b *Backend) Refreshing() bool {
	w := &b.watch
	return w.refreshing || len(w.pending) > 0 || len(w.resync) > 0
}

// recheck queues the configs an undo restored, when the backend is
// watched: a restored state may predate another client's change that a
// refresh applied meanwhile, and reading them again settles it.
func (b *Backend) recheck(refs []confo.ConfigRef) {
	if !b.watch.started {
		return
	}
	for _, ref := range refs {
		b.queueChange(confo.Change{Kind: confo.ChangeList, Namespace: ref.Namespace})
		if ref.Config != "" {
			b.queueChange(confo.Change{Kind: confo.ChangeConfig, Namespace: ref.Namespace, Config: ref.Config})
		}
	}
}
