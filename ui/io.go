package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/model"
)

// operation is a load or commit in flight for one backend. Its id tags the
// messages it produces, so results of an older request are dropped.
type operation struct {
	id      int
	verb    string // "persisting", "reloading"
	what    string
	started time.Time
	// done and total are the load progress reported so far.
	done, total int
}

type persistDoneMsg struct {
	backend *model.Backend
	id      int
	changes []confo.NamespaceChange
	summary model.Summary
	written []string
	err     error
	elapsed time.Duration
}

type reloadDoneMsg struct {
	backend *model.Backend
	id      int
	what    string
	discard bool
	snap    *confo.Snapshot
	err     error
	elapsed time.Duration
}

type progressMsg struct {
	backend     *model.Backend
	id          int
	done, total int
	// next listens for the report after this one.
	next tea.Cmd
}

// begin registers an operation on b and starts the spinner.
func (m *Model) begin(b *model.Backend, verb, what string) (*operation, tea.Cmd) {
	m.seq++
	op := &operation{id: m.seq, verb: verb, what: what, started: m.opts.Now()}
	m.ops[b] = op
	b.Busy = verb
	return op, m.startSpinner()
}

// finish ends b's operation if id is the current one; false means the
// message is stale.
func (m *Model) finish(b *model.Backend, id int) bool {
	op := m.ops[b]
	if op == nil || op.id != id {
		return false
	}
	delete(m.ops, b)
	b.Busy = ""
	return true
}

// persist commits changes in a command; Update applies the outcome.
func (m *Model) persist(b *model.Backend, changes []confo.NamespaceChange, summary model.Summary) tea.Cmd {
	op, spin := m.begin(b, "persisting", summary.Describe())
	store, timeout, now, id := b.Store, m.opts.Timeout, m.opts.Now, op.id
	commit := func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		start := now()
		written, err := store.Commit(ctx, changes, confo.CommitOptions{})
		return persistDoneMsg{backend: b, id: id, changes: changes, summary: summary, written: written, err: err, elapsed: now().Sub(start)}
	}
	return tea.Batch(commit, spin)
}

func (m *Model) persistDone(msg persistDoneMsg) tea.Cmd {
	b := msg.backend
	if !m.finish(b, msg.id) {
		return nil
	}
	b.WS.MarkPersisted(msg.changes, msg.written)
	var conflict *confo.ConflictError
	if errors.As(msg.err, &conflict) {
		b.WS.MarkConflicts(conflict.Conflicts)
	}
	if len(msg.written) > 0 || conflict != nil {
		// Saved states predate what was just written; undoing to them
		// would resurrect stale bases.
		b.ClearUndo()
	}
	switch {
	case conflict != nil:
		b.Conn, b.LastErr = model.Connected, ""
		m.setStatus(statusErr, "! "+conflictText(conflict))
	case msg.err != nil:
		m.ioFailed(b, fmt.Errorf("persist %s: %w", msg.summary.Describe(), msg.err))
	default:
		b.Conn, b.LastErr = model.Connected, ""
		m.setStatus(statusOK, fmt.Sprintf("✓ persisted %s in %s", msg.summary.Describe(), ms(msg.elapsed)))
	}
	return nil
}

func conflictText(e *confo.ConflictError) string {
	names := ""
	for i, c := range e.Conflicts {
		if i > 0 {
			names += ", "
		}
		names += c.Namespace
		if c.Config != "" {
			names += "/" + c.Config
		}
	}
	return fmt.Sprintf("conflict: %s changed elsewhere, nothing written: c compares", names)
}

// ioFailed records an I/O error on the backend and in the status line.
func (m *Model) ioFailed(b *model.Backend, err error) {
	if errors.Is(err, confo.ErrUnreachable) || errors.Is(err, context.DeadlineExceeded) {
		b.Conn = model.Failed
	}
	b.LastErr = err.Error()
	m.fail(err)
}

// reload loads one namespace (or all) in a command. Progress reports flow
// through a channel that a second command listens to.
func (m *Model) reload(b *model.Backend, namespace string, discard bool) tea.Cmd {
	what := "backend " + b.Name
	load := confo.LoadOptions{Discover: b.Discover}
	if namespace != "" {
		what = namespace
		load.Namespaces = []string{namespace}
	}
	op, spin := m.begin(b, "reloading", what)
	progress := make(chan [2]int, 1)
	done := make(chan struct{})
	load.Progress = func(n, total int) {
		// Keep only the newest report: drop an unread older one first.
		select {
		case <-progress:
		default:
		}
		select {
		case progress <- [2]int{n, total}:
		default:
		}
	}
	store, timeout, now, id := b.Store, m.opts.Timeout, m.opts.Now, op.id
	loadCmd := func() tea.Msg {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		start := now()
		snap, err := store.Load(ctx, load)
		return reloadDoneMsg{backend: b, id: id, what: what, discard: discard, snap: snap, err: err, elapsed: now().Sub(start)}
	}
	return tea.Batch(loadCmd, listen(b, id, progress, done), spin)
}

// listen waits for the next progress report of a load, or its end.
func listen(b *model.Backend, id int, progress <-chan [2]int, done <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-progress:
			return progressMsg{backend: b, id: id, done: p[0], total: p[1], next: listen(b, id, progress, done)}
		case <-done:
			return nil
		}
	}
}

func (m *Model) progress(msg progressMsg) tea.Cmd {
	op := m.ops[msg.backend]
	if op == nil || op.id != msg.id {
		return nil
	}
	op.done, op.total = msg.done, msg.total
	return msg.next
}

func (m *Model) reloadDone(msg reloadDoneMsg) {
	b := msg.backend
	if !m.finish(b, msg.id) {
		return
	}
	if msg.err != nil {
		m.ioFailed(b, fmt.Errorf("reload %s: %w", msg.what, msg.err))
		return
	}
	b.Conn, b.LastErr = model.Connected, ""
	report := b.WS.Apply(msg.snap, msg.discard)
	b.ClearUndo()
	text := fmt.Sprintf("✓ reloaded %s (%s) in %s", msg.what, plural(report.Configs, "config", "configs"), ms(msg.elapsed))
	if report.Changed > 0 {
		text += ", " + thousands(report.Changed) + " changed remotely"
	}
	if report.Removed > 0 {
		text += ", " + thousands(report.Removed) + " removed remotely"
	}
	if len(report.Warnings) > 0 {
		text += ", " + plural(len(report.Warnings), "warning", "warnings") + ": " + report.Warnings[0]
	}
	if report.Conflicts > 0 {
		m.setStatus(statusErr, text+"; "+plural(report.Conflicts, "conflict", "conflicts")+": c compares")
		return
	}
	m.setStatus(statusOK, text)
}

// opText is the status line of a running operation, with the load progress
// once it has run longer than a moment.
func (m *Model) opText(op *operation) string {
	text := op.verb + " " + op.what + "…"
	if op.total > 0 && m.opts.Now().Sub(op.started) >= m.opts.ProgressDelay {
		text += " loading " + thousands(op.done) + "/" + thousands(op.total)
	}
	return text
}

// startSpinner schedules spinner ticks unless they already run.
func (m *Model) startSpinner() tea.Cmd {
	if m.spinning || m.opts.Static {
		return nil
	}
	m.spinning = true
	return m.spin.Tick
}

// tick advances the spinner while something is in flight and lets it stop
// otherwise, so an idle UI schedules nothing.
func (m *Model) tick(msg spinner.TickMsg) tea.Cmd {
	if len(m.ops) == 0 {
		m.spinning = false
		return nil
	}
	var cmd tea.Cmd
	m.spin, cmd = m.spin.Update(msg)
	return cmd
}

// ms formats a duration for the status line.
func ms(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}
