package ui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/model"
)

// Other clients' changes show up without a key press: each open backend
// has a command waiting for its watch's next changes, which re-arms itself
// when Update has noted them; refresh jobs read what they name (in a
// command) and apply it here, a bounded amount at a time.

// watchMsg carries the changes one wait of a watch returned.
type watchMsg struct{ batch model.WatchBatch }

// refreshDoneMsg carries what a refresh job read.
type refreshDoneMsg struct{ result model.RefreshResult }

// watch starts following b's other clients, unless turned off, b is not
// open, or it is followed already.
func (m *Model) watch(b *model.Backend) tea.Cmd {
	if m.opts.NoWatch || !b.Open() {
		return nil
	}
	w, err := b.StartWatch(m.opts.Context)
	if err != nil {
		m.fail(err)
		return nil
	}
	if w == nil {
		return nil
	}
	return m.awaitChanges(w)
}

// awaitChanges waits, under the program's context, for w's next changes.
func (m *Model) awaitChanges(w *model.Watch) tea.Cmd {
	ctx, waits := m.opts.Context, m.watchWaits
	return func() tea.Msg {
		waits.Add(1)
		defer waits.Add(-1)
		return watchMsg{batch: w.Next(ctx)}
	}
}

func (m *Model) watched(msg watchMsg) tea.Cmd {
	batch := msg.batch
	if batch.Closed {
		return nil
	}
	b := batch.Backend()
	note := b.NoteChanges(batch)
	switch {
	case note.Problem != "":
		m.setStatus(statusErr, "✗ "+q(b.Name())+": "+note.Problem+" (retrying; r and R still reload)")
	case note.Ready != "":
		m.setStatus(statusInfo, q(b.Name())+": other clients' changes show up live ("+note.Ready+")")
	}
	return tea.Batch(m.awaitChanges(batch.Watch()), m.refresh(b))
}

// refresh starts reading b's queued changes, if any and none is in flight.
func (m *Model) refresh(b *model.Backend) tea.Cmd {
	job := b.StartRefresh()
	if job == nil {
		return nil
	}
	return m.io(func(ctx context.Context) tea.Msg { return refreshDoneMsg{result: job.Run(ctx)} })
}

func (m *Model) refreshDone(msg refreshDoneMsg) tea.Cmd {
	b := msg.result.Backend()
	out, current := b.FinishRefresh(msg.result)
	if !current {
		return nil
	}
	if out.Err != nil {
		// The changes wait for the watch's next report (it reconnects).
		m.fail(fmt.Errorf("%s: reading other clients' changes: %w", q(b.Name()), out.Err))
		return nil
	}
	m.reportRefresh(b, out.Report)
	return m.refresh(b)
}

// refreshWords says what a refresh did to items of one kind: the verb,
// what goes before one item's name (a config's ns/cfg says what it is),
// and what goes before the count of several.
var refreshWords = map[model.RefreshWhat]struct{ verb, one, many string }{
	model.RefreshChanged:          {"changed", "", ""},
	model.RefreshAdded:            {"added", "", ""},
	model.RefreshRemoved:          {"removed", "", ""},
	model.RefreshNamespaceAdded:   {"added", "namespace ", ""},
	model.RefreshNamespaceRemoved: {"removed", "namespace ", ""},
	model.RefreshBadList:          {"made unreadable", "the list of ", "the lists of "},
}

// refreshOrder is the order of the parts of a refresh's message.
var refreshOrder = []model.RefreshWhat{model.RefreshNamespaceAdded, model.RefreshNamespaceRemoved, model.RefreshAdded, model.RefreshChanged, model.RefreshRemoved, model.RefreshBadList}

// reportRefresh tells what other clients changed: one message for what
// was refreshed in place, one per config edited here that they changed
// (what persisting it will do).
func (m *Model) reportRefresh(b *model.Backend, r model.RefreshReport) {
	byWhat := map[model.RefreshWhat][]model.RefreshItem{}
	for _, it := range r.Items {
		byWhat[it.What] = append(byWhat[it.What], it)
	}
	var parts []string
	for _, what := range refreshOrder {
		items, words := byWhat[what], refreshWords[what]
		switch {
		case len(items) == 0:
		case len(items) == 1:
			parts = append(parts, words.verb+" "+words.one+itemName(items[0]))
		case items[0].Config == "": // namespaces are items without a config
			parts = append(parts, words.verb+" "+words.many+plural(len(items), "namespace", "namespaces"))
		default:
			parts = append(parts, words.verb+" "+words.many+plural(len(items), "config", "configs"))
		}
	}
	if len(parts) > 0 {
		text := "↻ another client " + strings.Join(parts, ", ")
		if len(m.backends) > 1 {
			text += " in " + q(b.Name())
		}
		m.setStatus(statusInfo, text)
	}
	if len(r.Warnings) > 0 {
		m.setStatus(statusInfo, q(b.Name())+": "+r.Warnings[0])
	}
	remote := byWhat[model.RefreshRemote]
	for i, it := range remote {
		if i == 3 {
			m.setStatus(statusInfo, fmt.Sprintf("%s %s more configs edited here were changed by other clients", itemMark(model.MarkRemoteEdited), thousands(len(remote)-i)))
			break
		}
		note, _ := b.RemoteNote(it.Namespace, it.Config)
		if note == "" {
			continue
		}
		m.setStatus(statusInfo, itemMark(model.MarkRemoteEdited)+" "+itemName(it)+" (edited here): "+note)
	}
}

// itemName names a refresh item: "ns/cfg", or "ns" for a namespace.
func itemName(it model.RefreshItem) string {
	if it.Config == "" {
		return q(it.Namespace)
	}
	return q(it.Namespace) + "/" + q(it.Config)
}

// itemMark is a mark's glyph, for a message.
func itemMark(mark model.Mark) string { return itemMarks[mark].glyph }
