// Package ui is the terminal UI of confo: Bubble Tea components for the
// panes (backends, namespaces, configs, fields), the dialogs, and the root
// model that routes messages between them. Editing state and its rules live
// in package model; this package renders them and maps keys to operations.
// Store I/O runs only in tea.Cmds (see io.go).
package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/model"
)

// Options tune the UI; the zero value of each field picks a default.
type Options struct {
	// Context is the program's: every load and commit runs under it, so
	// cancelling it (ctrl+c at the shell, a signal) stops I/O in flight.
	Context context.Context
	// Timeout bounds every load and commit.
	Timeout time.Duration
	// Now is the clock durations are measured with; tests fix it so the
	// screen is deterministic.
	Now func() time.Time
	// ProgressDelay is how long a load runs before its progress is shown.
	ProgressDelay time.Duration
	// Static turns animations off (the spinner does not tick), so a test
	// can run commands until none are left.
	Static bool
	Theme  *Theme
}

type paneID int

const (
	paneBackends paneID = iota
	paneNamespaces
	paneConfigs
	paneFields
	paneCount
)

var paneTitles = [paneCount]string{"Backends", "Namespaces", "Configs", "Fields"}

// Minimum usable screen; below it the UI only says so.
const (
	minWidth  = 60
	minHeight = 10
)

// navState remembers where the user was in a backend while another one is
// selected.
type navState struct{ ns, field string }

// statusKind colours the status line.
type statusKind uint8

const (
	statusInfo statusKind = iota
	statusOK
	statusErr
)

type status struct {
	text string
	kind statusKind
}

// Model is the root Bubble Tea model.
type Model struct {
	keys     KeyMap
	theme    Theme
	opts     Options
	backends []*model.Backend
	bnames   []string

	width, height int
	focus         paneID
	lists         [paneCount]list
	// filtering: the focused pane's filter input receives the keys.
	filtering   bool
	filterInput textinput.Model

	// current is the backend the namespace and config panes show.
	current *model.Backend
	nav     map[*model.Backend]navState
	// shownNS is the namespace the configs pane shows; lastConfig is the
	// config selected in each namespace ("backend/namespace"), restored when
	// the user comes back to it.
	shownNS    string
	lastConfig map[string]string
	fields     *model.FieldsView

	dialog dialog
	status status
	spin   spinner.Model
	// spinning: a spinner tick is scheduled.
	spinning bool
	ops      map[*model.Backend]*operation
}

// New builds the UI over opened backends (at least one).
func New(backends []*model.Backend, keys KeyMap, opts Options) *Model {
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ProgressDelay <= 0 {
		opts.ProgressDelay = 300 * time.Millisecond
	}
	th := DefaultTheme()
	if opts.Theme != nil {
		th = *opts.Theme
	}
	m := &Model{
		keys:       keys,
		theme:      th,
		opts:       opts,
		backends:   backends,
		nav:        map[*model.Backend]navState{},
		lastConfig: map[string]string{},
		ops:        map[*model.Backend]*operation{},
		spin:       spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(th.Dialog)),
	}
	for _, b := range backends {
		m.bnames = append(m.bnames, b.Name())
	}
	m.filterInput = newInput()
	m.focus = paneConfigs
	m.setStatus(statusInfo, "? lists every key · edits stay local until persisted (s, S, ctrl+s)")
	m.sync()
	return m
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return nil }

// Update implements tea.Model. Every change of the workspaces happens here.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	case tea.PasteMsg:
		cmd = m.handlePaste(msg)
	case persistDoneMsg:
		cmd = m.persistDone(msg)
	case reloadDoneMsg:
		m.reloadDone(msg)
	case progressMsg:
		cmd = m.progress(msg)
	case spinner.TickMsg:
		cmd = m.tick(msg)
	}
	m.sync()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	// Quit keys that are not text (ctrl+c) work even inside inputs and
	// dialogs; quit still asks when something is unsaved.
	if msg.Text == "" && key.Matches(msg, m.keys.Quit) {
		m.dialog, m.filtering = nil, false
		return m.quit()
	}
	if m.dialog != nil {
		return m.dialog.update(m, msg)
	}
	if m.filtering {
		return m.filterKey(msg)
	}
	return m.mainKey(msg)
}

// handlePaste sends pasted text to whichever input is open.
func (m *Model) handlePaste(msg tea.PasteMsg) tea.Cmd {
	if p, ok := m.dialog.(*prompt); ok {
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return cmd
	}
	if m.filtering {
		var cmd tea.Cmd
		m.filterInput, cmd = m.filterInput.Update(msg)
		m.lists[m.focus].setFilter(m.filterInput.Value())
		return cmd
	}
	return nil
}

// backend is the backend the cursor is on; while a filter hides every
// backend, the one shown before stays.
func (m *Model) backend() *model.Backend {
	l := &m.lists[paneBackends]
	if l.Len() == 0 {
		if m.current != nil {
			return m.current
		}
		return m.backends[0]
	}
	return m.backends[l.source(l.cursor)]
}

// namespace describes the selected namespace; false when there is none.
func (m *Model) namespace() (model.NamespaceView, bool) {
	name := m.lists[paneNamespaces].selected()
	if name == "" {
		return model.NamespaceView{}, false
	}
	return m.current.Namespace(name)
}

// config describes the selected config; false when there is none.
func (m *Model) config() (model.ConfigView, bool) {
	ns, ok := m.namespace()
	name := m.lists[paneConfigs].selected()
	if !ok || name == "" {
		return model.ConfigView{}, false
	}
	return m.current.Config(ns.Name, name)
}

// sync points every pane at the current data. It runs after every message,
// so the panes follow persists and reloads, and it touches only cached
// lists (Namespace.ConfigNames) and the one selected config.
func (m *Model) sync() {
	m.lists[paneBackends].setNames(m.bnames, false)
	b := m.backend()
	if b != m.current {
		m.switchBackend(b)
	}
	m.lists[paneNamespaces].setNames(b.NamespaceNames(), true)
	var configs []string
	nsName := ""
	if ns, ok := m.namespace(); ok {
		configs, nsName = b.ConfigNames(ns.Name), ns.Name
	}
	if nsName != m.shownNS {
		if m.shownNS != "" {
			m.lastConfig[b.Name()+"/"+m.shownNS] = m.lists[paneConfigs].selected()
		}
		m.lists[paneConfigs] = list{want: m.lastConfig[b.Name()+"/"+nsName]}
		m.shownNS = nsName
	}
	m.lists[paneConfigs].setNames(configs, true)
	m.syncFields()
	rows := m.paneRows()
	for p := range paneCount {
		h := rows
		if p == paneBackends {
			h = rows / backendRowLines
		}
		m.lists[p].scroll(h)
	}
}

// switchBackend saves where the user was in the old backend and restores
// where they were in the new one.
func (m *Model) switchBackend(b *model.Backend) {
	if m.current != nil {
		m.lastConfig[m.current.Name()+"/"+m.shownNS] = m.lists[paneConfigs].selected()
		m.nav[m.current] = navState{
			ns:    m.lists[paneNamespaces].selected(),
			field: m.lists[paneFields].selected(),
		}
	}
	m.current = b
	nav := m.nav[b]
	m.lists[paneNamespaces] = list{want: nav.ns}
	m.lists[paneFields] = list{want: nav.field}
	// The next sync restores the configs pane for the restored namespace.
	m.shownNS = ""
}

// paneRows is the number of list rows inside a pane.
func (m *Model) paneRows() int {
	// Header, key hints and status line, plus the pane borders.
	return max(m.height-3-2, 0)
}

// Backends pane entries take two lines: the name line and the address.
const backendRowLines = 2

func (m *Model) setStatus(kind statusKind, text string) {
	m.status = status{text: text, kind: kind}
}

func (m *Model) fail(err error) {
	m.setStatus(statusErr, "✗ "+err.Error())
}

// unsaved is the number of pending changes in every backend.
func (m *Model) unsaved() int {
	n := 0
	for _, b := range m.backends {
		n += b.Unsaved()
	}
	return n
}

func newInput() textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	st := textinput.DefaultDarkStyles()
	// A steady cursor: blinking would need timer commands for nothing.
	st.Cursor.Blink = false
	in.SetStyles(st)
	return in
}
