package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/model"
)

// The first load of every backend runs in the background: each backend is
// opened, its registry read (the first frame with the namespace list needs
// nothing more), then its namespaces a few at a time, the selected one
// first. Each step's result is merged in Update, where it costs a few
// milliseconds, so keys keep working while a million configs arrive.

type openDoneMsg struct{ result model.OpenResult }

type loadDoneMsg struct{ result model.LoadResult }

// open starts opening b if it is not open yet.
func (m *Model) open(b *model.Backend) tea.Cmd {
	job := b.StartOpen()
	if job == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := m.ioContext()
		defer cancel()
		return openDoneMsg{result: job.Run(ctx)}
	}
}

func (m *Model) openDone(msg openDoneMsg) tea.Cmd {
	b := msg.result.Backend()
	if err := b.FinishOpen(msg.result); err != nil {
		m.fail(fmt.Errorf("backend %s: %w; %s retries", q(b.Name()), err, m.keys.ReloadBackend.Help().Key))
		return nil
	}
	return m.nextLoad(b)
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
	return func() tea.Msg {
		ctx, cancel := m.ioContext()
		defer cancel()
		return loadDoneMsg{result: job.Run(ctx, nil)}
	}
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
	return m.nextLoad(b)
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
