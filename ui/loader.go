package ui

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/model"
)

// The first load of every backend runs in the background: each backend is
// opened, its registry read (the first frame with the namespace list needs
// nothing more), then its namespaces in jobs of a few dozen, the selected
// one first. A job hands over each namespace as soon as it is read, and
// each is merged in an Update of its own, where it costs about a
// millisecond, so keys keep working while a million configs arrive.

type openDoneMsg struct{ result model.OpenResult }

// loadPartMsg is one namespace a load job read; next waits for the job's
// next message.
type loadPartMsg struct {
	part model.LoadPart
	next tea.Cmd
}

type loadDoneMsg struct{ result model.LoadResult }

// open starts opening b if it is not open yet.
func (m *Model) open(b *model.Backend) tea.Cmd {
	job := b.StartOpen()
	if job == nil {
		return nil
	}
	return m.io(func(ctx context.Context) tea.Msg { return openDoneMsg{result: job.Run(ctx)} })
}

func (m *Model) openDone(msg openDoneMsg) tea.Cmd {
	b := msg.result.Backend()
	if err := b.FinishOpen(msg.result); err != nil {
		m.fail(fmt.Errorf("backend %s: %w; %s", q(b.Name()), err, m.retryHint(b)))
		return nil
	}
	return tea.Batch(m.nextLoad(b), m.watch(b))
}

// retryHint says what brings a backend that failed to open back.
func (m *Model) retryHint(b *model.Backend) string {
	if b.BadSettings() {
		return "fix its settings and start confo again"
	}
	return m.keys.ReloadBackend.Help().Key + " retries"
}

// nextLoad starts the next step of b's first load, if any.
func (m *Model) nextLoad(b *model.Backend) tea.Cmd {
	first := m.nav[b]
	if b == m.current {
		first = m.lists[paneNamespaces].selected()
	}
	job := b.NextLoad(first)
	if job == nil {
		return nil
	}
	return m.stream(func(ctx context.Context, send func(tea.Msg) error) tea.Msg {
		return loadDoneMsg{result: job.Run(ctx, func(p model.LoadPart) error { return send(loadPartMsg{part: p}) })}
	})
}

// partMsg is a message a streaming job sends before its end; the command
// that waits for the job's next message goes with it.
type partMsg interface{ withNext(tea.Cmd) tea.Msg }

func (p loadPartMsg) withNext(next tea.Cmd) tea.Msg { p.next = next; return p }

// stream runs a job that sends parts (partMsg) and then returns its end,
// in a command under the I/O timeout. Parts and the end travel on one
// channel, so the end is handled after every part, and the job waits while
// Update has not taken the part before: it never runs far ahead.
func (m *Model) stream(run func(ctx context.Context, send func(tea.Msg) error) tea.Msg) tea.Cmd {
	out := make(chan tea.Msg, 2)
	program := m.opts.Context
	send := func(msg tea.Msg) error {
		select {
		case out <- msg:
			return nil
		case <-program.Done():
			return program.Err()
		}
	}
	job := m.io(func(ctx context.Context) tea.Msg {
		send(run(ctx, send))
		return nil
	})
	return tea.Batch(job, receive(program, out))
}

// receive waits for a streaming job's next message.
func receive(program context.Context, in <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		select {
		case msg := <-in:
			if p, ok := msg.(partMsg); ok {
				return p.withNext(receive(program, in))
			}
			return msg
		case <-program.Done():
			return nil
		}
	}
}

func (m *Model) loadPart(msg loadPartMsg) tea.Cmd {
	msg.part.Backend().FinishLoadPart(msg.part)
	return msg.next
}

func (m *Model) loadDone(msg loadDoneMsg) tea.Cmd {
	b := msg.result.Backend()
	step := b.FinishLoad(msg.result)
	if step.Err != nil {
		m.fail(fmt.Errorf("load %s: %w; %s retries", q(b.Name()), step.Err, m.keys.ReloadBackend.Help().Key))
		return nil
	}
	if len(step.Warnings) > 0 {
		m.setStatus(statusInfo, q(b.Name())+": "+plural(len(step.Warnings), "warning", "warnings")+": "+step.Warnings[0])
	}
	// Changes held while the job read their namespaces can be read now.
	return tea.Batch(m.nextLoad(b), m.refresh(b))
}

// loadText is the status line while first loads go on.
func (m *Model) loadText() string {
	for _, b := range m.backends {
		p := b.LoadProgress()
		if !b.Open() || p.Done || p.Err != nil {
			continue
		}
		if !p.Registry {
			return "reading namespaces of " + q(b.Name()) + "…"
		}
		return fmt.Sprintf("loading %s: %s of %s namespaces, %s configs (keys work meanwhile)",
			q(b.Name()), thousands(p.Namespaces), thousands(p.Total), thousands(p.Configs))
	}
	return ""
}
