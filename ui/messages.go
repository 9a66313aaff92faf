package ui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/internal/termsafe"
)

// statusKind colours the status line.
type statusKind uint8

const (
	statusInfo statusKind = iota
	statusOK
	statusErr
)

// message is one status message, kept in the history.
type message struct {
	text string
	kind statusKind
	at   time.Time
}

// How long a message stays in the status line; errors stay longer. The
// history (m) keeps every message of the session in full.
const (
	messageTTL = 5 * time.Second
	errorTTL   = 12 * time.Second
	historyCap = 500
)

type messages struct {
	history []message
	// scheduled is the length of history when the last expiry timer was
	// set, so that one timer runs per message.
	scheduled int
}

// expireMsg redraws the screen when a message expires.
type expireMsg struct{}

func (m *Model) setStatus(kind statusKind, text string) {
	// Messages quote names, values and errors from stored data.
	text = termsafe.Line(text)
	h := &m.msgs
	h.history = append(h.history, message{text: text, kind: kind, at: m.opts.Now()})
	if len(h.history) > historyCap {
		drop := len(h.history) - historyCap
		h.history = append(h.history[:0], h.history[drop:]...)
		h.scheduled = max(h.scheduled-drop, 0)
	}
}

func (m *Model) fail(err error) {
	m.setStatus(statusErr, "✗ "+err.Error())
}

// current is the message the status line shows: the last one, until it
// expires.
func (h *messages) current(now time.Time) (message, bool) {
	if len(h.history) == 0 {
		return message{}, false
	}
	last := h.history[len(h.history)-1]
	ttl := messageTTL
	if last.kind == statusErr {
		ttl = errorTTL
	}
	return last, now.Sub(last.at) < ttl
}

// expireLater schedules a redraw for when the newest message expires.
func (m *Model) expireLater() tea.Cmd {
	h := &m.msgs
	if m.opts.Static || h.scheduled == len(h.history) {
		return nil
	}
	h.scheduled = len(h.history)
	ttl := messageTTL
	if h.history[len(h.history)-1].kind == statusErr {
		ttl = errorTTL
	}
	return tea.Tick(ttl, func(time.Time) tea.Msg { return expireMsg{} })
}

// openMessages shows the history, newest last, each message in full.
func (m *Model) openMessages() {
	const stamp = "15:04:05  "
	var lines []string
	for _, msg := range m.msgs.history {
		lines = append(lines, msg.at.Format(stamp)+msg.text)
	}
	if len(lines) == 0 {
		lines = []string{"no messages yet"}
	}
	v := newViewer("Messages", strings.Join(lines, "\n"), "")
	v.bottom, v.indent = true, len(stamp)
	m.dialog = v
}
