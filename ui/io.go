package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/model"
)

// operation is a load or commit in flight for one backend, as the status
// line shows it. Its id is the model job's: results and progress reports of
// an older job are dropped.
type operation struct {
	id      int
	verb    string // "persisting", "reloading"
	what    string
	started time.Time
	// done and total are the load progress reported so far.
	done, total int
}

type persistDoneMsg struct {
	result  model.PersistResult
	elapsed time.Duration
}

type reloadDoneMsg struct {
	result  *model.ReloadResult
	what    string
	elapsed time.Duration
}

type progressMsg struct {
	backend     *model.Backend
	id          int
	done, total int
	// next listens for the report after this one.
	next tea.Cmd
}

// track shows an operation of b in the status line and starts the spinner.
func (m *Model) track(b *model.Backend, id int, verb, what string) tea.Cmd {
	m.ops[b] = &operation{id: id, verb: verb, what: what, started: m.opts.Now()}
	return m.startSpinner()
}

// untrack ends the status line's operation of b.
func (m *Model) untrack(b *model.Backend) { delete(m.ops, b) }

// io is a command that runs f under a context bounded by the timeout and
// derived from the program's, so that quitting cancels it.
func (m *Model) io(f func(ctx context.Context) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(m.opts.Context, m.opts.Timeout)
		defer cancel()
		return f(ctx)
	}
}

// persist starts a job the user confirmed; Update settles the outcome.
func (m *Model) persist(job *model.PersistJob) tea.Cmd {
	b := job.Backend()
	if err := b.StartPersist(job); err != nil {
		m.fail(err)
		return nil
	}
	spin := m.track(b, job.ID(), "persisting", job.Summary().Describe())
	now := m.opts.Now
	commit := m.io(func(ctx context.Context) tea.Msg {
		start := now()
		result := job.Run(ctx)
		return persistDoneMsg{result: result, elapsed: now().Sub(start)}
	})
	return tea.Batch(commit, spin)
}

func (m *Model) persistDone(msg persistDoneMsg) tea.Cmd {
	b := msg.result.Backend()
	out, current := b.FinishPersist(msg.result)
	if !current {
		return nil
	}
	m.untrack(b)
	quitting := m.quitAfter[b]
	delete(m.quitAfter, b)
	// Changes other clients made meanwhile waited for the persist.
	next := tea.Batch(m.nextLoad(b), m.refresh(b))
	// One merge is told in the persist's own message; several get a line
	// each, and a failed persist keeps them too (they say what was read).
	persisted := len(out.Conflicts) == 0 && out.Err == nil
	if !persisted || len(out.Merged) > 1 {
		for _, note := range out.Merged {
			m.setStatus(statusInfo, "✓ "+note.String())
		}
	}
	switch {
	case len(out.Conflicts) > 0 && out.Err != nil:
		// A partial commit: its error names what was written.
		m.fail(out.Err)
		m.setStatus(statusErr, "! conflict: "+conflictNames(out.Conflicts)+" changed elsewhere too: "+m.keys.Conflict.Help().Key+" compares")
	case len(out.Conflicts) > 0:
		m.setStatus(statusErr, "! conflict: "+conflictNames(out.Conflicts)+" changed elsewhere too, nothing written: "+m.keys.Conflict.Help().Key+" compares")
	case out.Err != nil:
		m.fail(out.Err)
	default:
		text := fmt.Sprintf("✓ persisted %s in %s", out.Summary.Describe(), ms(msg.elapsed))
		if len(out.Merged) == 1 {
			text += "; " + strings.TrimPrefix(out.Merged[0].String(), out.Merged[0].Namespace+"/"+out.Merged[0].Config+": ")
		} else if len(out.Merged) > 1 {
			text += "; " + plural(len(out.Merged), "config", "configs") + " merged with other clients' changes (m lists them)"
		}
		m.setStatus(statusOK, text)
		if quitting && len(m.quitAfter) == 0 {
			return tea.Quit
		}
		return next
	}
	if quitting {
		// One failure stops the quit: the user must see it.
		m.quitAfter = map[*model.Backend]bool{}
		m.setStatus(statusErr, m.msgs.history[len(m.msgs.history)-1].text+" — not quitting")
	}
	return next
}

// conflictNames lists what a persist's conflicts are about: "ns/cfg", or
// "namespace ns" for a namespace another client removed or changed.
func conflictNames(conflicts []string) string {
	out := make([]string, len(conflicts))
	for i, c := range conflicts {
		if !strings.Contains(c, "/") {
			c = "namespace " + c
		}
		out[i] = c
	}
	return strings.Join(out, ", ")
}

// reload loads one namespace (or all) in a command. Progress reports flow
// through a channel that a second command listens to.
func (m *Model) reload(b *model.Backend, namespace string, discard bool) tea.Cmd {
	job, err := b.StartReload(namespace, discard)
	if err != nil {
		m.fail(err)
		return nil
	}
	what := "backend " + b.Name()
	if namespace != "" {
		what = namespace
	}
	spin := m.track(b, job.ID(), "reloading", what)
	report, listener, done := progressChannel(b, job.ID())
	now := m.opts.Now
	start := now()
	load := m.stream(func(ctx context.Context, send func(tea.Msg) error) tea.Msg {
		defer close(done)
		result := job.Run(ctx, report, func(p model.ReloadPart) error { return send(reloadPartMsg{part: p}) })
		return reloadDoneMsg{result: result, what: what, elapsed: now().Sub(start)}
	})
	return tea.Batch(load, listener, spin)
}

// reloadPartMsg is one namespace a reload read; next waits for the
// reload's next message.
type reloadPartMsg struct {
	part model.ReloadPart
	next tea.Cmd
}

func (p reloadPartMsg) withNext(next tea.Cmd) tea.Msg { p.next = next; return p }

func (m *Model) reloadPart(msg reloadPartMsg) tea.Cmd {
	msg.part.Backend().FinishReloadPart(msg.part)
	return msg.next
}

// progressChannel carries a load's progress reports to the event loop:
// report is called by the load, listener waits for the reports, and
// closing done ends it.
func progressChannel(b *model.Backend, id int) (report func(n, total int), listener tea.Cmd, done chan struct{}) {
	progress := make(chan [2]int, 1)
	done = make(chan struct{})
	report = func(n, total int) {
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
	return report, listen(b, id, progress, done), done
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

func (m *Model) reloadDone(msg reloadDoneMsg) tea.Cmd {
	b := msg.result.Backend()
	report, err, current := b.FinishReload(msg.result)
	if !current {
		return nil
	}
	m.untrack(b)
	next := tea.Batch(m.nextLoad(b), m.refresh(b))
	if err != nil {
		m.fail(fmt.Errorf("reload %s: %w", msg.what, err))
		return next
	}
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
		return next
	}
	m.setStatus(statusOK, text)
	return next
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
