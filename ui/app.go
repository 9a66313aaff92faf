// Package ui is the terminal UI of confo: Bubble Tea components for the
// panes (backends, namespaces, configs, fields), the dialogs, and the root
// model that routes messages between them. Editing state and its rules live
// in package model; this package renders them and maps keys to operations.
// Store I/O runs only in tea.Cmds (see io.go and loader.go).
package ui

import (
	"context"
	"os"
	"os/exec"
	"sync/atomic"
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
	// Static turns animations and timers off (the spinner does not tick,
	// messages expire without a timer), so a test can run commands until
	// none are left.
	Static bool
	// Theme, when set, is used as is; otherwise ThemeSettings decide.
	Theme         *Theme
	ThemeSettings ThemeSettings
	// Getenv reads $VISUAL and $EDITOR; os.Getenv by default.
	Getenv func(string) string
	// Exec runs the external editor; tea.ExecProcess by default. Tests run
	// it directly.
	Exec func(*exec.Cmd, tea.ExecCallback) tea.Cmd
	// Clipboard copies text; tea.SetClipboard (OSC 52) by default.
	Clipboard func(string) tea.Cmd
	// TempDir holds the editor's files; os.TempDir() by default.
	TempDir string
	// NoWatch turns off following other clients' changes live: they show
	// only at a reload.
	NoWatch bool
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

// Model is the root Bubble Tea model.
type Model struct {
	keys  KeyMap
	theme Theme
	// glyphs caches the marks rendered in theme, by glyph; keyLines the
	// key lines (see keyLine).
	glyphs   map[string]string
	keyLines map[string]string
	frames   map[frameKey]frame
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
	// nav remembers the namespace selected in each backend.
	nav map[*model.Backend]string
	// shownNS is the namespace the configs pane shows; lastConfig is the
	// config selected in each namespace ("backend/namespace"), restored when
	// the user comes back to it. shownCfg and lastField do the same for
	// the field cursor of each config.
	shownNS    string
	lastConfig map[string]string
	shownCfg   string
	lastField  map[string]string
	fields     *model.FieldsView

	dialog dialog
	msgs   messages
	spin   spinner.Model
	// spinning: a spinner tick is scheduled.
	spinning bool
	ops      map[*model.Backend]*operation
	// quitAfter: quit once the persists in flight all succeed.
	quitAfter map[*model.Backend]bool
	// watchWaits counts the commands blocked waiting for a watch's next
	// changes (one per watched backend), so a test driving Update knows
	// which commands never end by themselves.
	watchWaits *atomic.Int32
}

// New builds the UI over backends (at least one), open or not yet open.
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
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Exec == nil {
		opts.Exec = tea.ExecProcess
	}
	if opts.Clipboard == nil {
		opts.Clipboard = tea.SetClipboard
	}
	th := opts.ThemeSettings.resolve(true)
	if opts.Theme != nil {
		th = *opts.Theme
	}
	m := &Model{
		keys:       keys,
		theme:      th,
		opts:       opts,
		backends:   backends,
		nav:        map[*model.Backend]string{},
		lastConfig: map[string]string{},
		lastField:  map[string]string{},
		ops:        map[*model.Backend]*operation{},
		quitAfter:  map[*model.Backend]bool{},
		watchWaits: new(atomic.Int32),
	}
	m.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(th.Dialog))
	for _, b := range backends {
		m.bnames = append(m.bnames, b.Name())
	}
	m.filterInput = newInput()
	m.focus = paneConfigs
	m.setStatus(statusInfo, keys.Help.Help().Key+" lists every key · edits stay local until persisted ("+
		keys.PersistConfig.Help().Key+", "+keys.PersistNamespace.Help().Key+", "+keys.PersistBackend.Help().Key+")")
	m.sync()
	return m
}

// Init implements tea.Model: it opens the backends that are not open yet
// and asks the terminal for its background when the theme follows it.
func (m *Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.opts.Theme == nil && m.opts.ThemeSettings.auto() {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	for _, b := range m.backends {
		cmds = append(cmds, m.open(b), m.nextLoad(b), m.watch(b))
	}
	return tea.Batch(cmds...)
}

// Update implements tea.Model. Every change of the workspaces happens here.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.BackgroundColorMsg:
		m.setTheme(m.opts.ThemeSettings.resolve(msg.IsDark()))
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	case tea.MouseMsg:
		cmd = m.handleMouse(msg)
	case tea.PasteMsg:
		cmd = m.handlePaste(msg)
	case persistDoneMsg:
		cmd = m.persistDone(msg)
	case reloadPartMsg:
		cmd = m.reloadPart(msg)
	case reloadDoneMsg:
		cmd = m.reloadDone(msg)
	case openDoneMsg:
		cmd = m.openDone(msg)
	case loadPartMsg:
		cmd = m.loadPart(msg)
	case loadDoneMsg:
		cmd = m.loadDone(msg)
	case watchMsg:
		cmd = m.watched(msg)
	case refreshDoneMsg:
		cmd = m.refreshDone(msg)
	case editorReadyMsg:
		cmd = m.editorReady(msg)
	case editorDoneMsg:
		cmd = m.editorDone(msg)
	case searchDoneMsg:
		m.searchDone(msg)
	case progressMsg:
		cmd = m.progress(msg)
	case spinner.TickMsg:
		cmd = m.tick(msg)
	}
	m.sync()
	return m, tea.Batch(cmd, m.expireLater())
}

func (m *Model) setTheme(th Theme) {
	m.theme, m.glyphs, m.keyLines, m.frames = th, nil, nil, nil
	m.spin.Style = th.Dialog
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	// Quit keys that are not text (ctrl+c) work even inside inputs and
	// dialogs; quit still asks when something is unsaved. While the screen
	// only says it is too small, the quit keys are all that work: any other
	// key would act on a dialog or pane the user cannot see.
	if (msg.Text == "" || !m.fits()) && key.Matches(msg, m.keys.Quit) {
		m.dialog, m.filtering = nil, false
		return m.quit()
	}
	if !m.fits() {
		return nil
	}
	if m.dialog != nil {
		return m.dialog.update(m, msg)
	}
	if m.filtering {
		return m.filterKey(msg)
	}
	return m.mainKey(msg)
}

// fits reports whether the screen is big enough to show the UI; below it
// the UI only says so.
func (m *Model) fits() bool { return m.width >= minWidth && m.height >= minHeight }

// handlePaste sends pasted text to whichever input is open.
func (m *Model) handlePaste(msg tea.PasteMsg) tea.Cmd {
	if !m.fits() {
		return nil
	}
	if in, ok := m.dialog.(interface{ paste(tea.PasteMsg) tea.Cmd }); ok {
		return in.paste(msg)
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
// lists (Namespace.ConfigNames) and the one selected config, whose fields
// view the model caches.
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
	for p := range paneCount {
		m.lists[p].scroll(m.listRows(p))
	}
}

// switchBackend saves where the user was in the old backend and restores
// where they were in the new one.
func (m *Model) switchBackend(b *model.Backend) {
	if m.current != nil {
		m.lastConfig[m.current.Name()+"/"+m.shownNS] = m.lists[paneConfigs].selected()
		m.nav[m.current] = m.lists[paneNamespaces].selected()
	}
	m.current = b
	m.lists[paneNamespaces] = list{want: m.nav[b]}
	// The next sync restores the configs and fields panes.
	m.shownNS = ""
}

// listRows is the number of entries a pane's list shows.
func (m *Model) listRows(p paneID) int {
	rows := m.paneRows()
	switch {
	case p == paneBackends:
		return rows / backendRowLines
	case p == paneFields && m.fields.Notice != "":
		return max(rows-1, 0)
	}
	return rows
}

// paneRows is the number of list rows inside a pane.
func (m *Model) paneRows() int {
	// Header, key hints and status line, plus the pane borders.
	return max(m.height-3-2, 0)
}

// Backends pane entries take two lines: the name line and the address.
const backendRowLines = 2

// remote is the number of configs edited here that other clients changed
// meanwhile, in every backend.
func (m *Model) remote() int {
	n := 0
	for _, b := range m.backends {
		n += b.RemoteCount()
	}
	return n
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
