package ui

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/model"
)

// slowStore is a store whose loads, once blocked, report progress and then
// wait for release or their context, like a slow server.
type slowStore struct {
	*confotest.MemStore
	release chan struct{}
}

func (s *slowStore) block() {
	s.release = make(chan struct{})
	s.OnLoad = func(ctx context.Context, opts confo.LoadOptions) error {
		if opts.Progress != nil {
			opts.Progress(4000, 100000)
		}
		select {
		case <-s.release:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("load: %w", ctx.Err())
		}
	}
}

// bigStore has one namespace "big" with n configs cfg-000000… and a small
// one "small".
func bigStore(n int) *slowStore {
	s := confotest.NewMemStore(false)
	s.Addr = "127.0.0.1:6379"
	for i := range n {
		s.Put("big", fmt.Sprintf("cfg-%06d", i), fmt.Sprintf(`{"id": %d, "name": "config %d"}`, i, i))
	}
	s.Put("small", "one", `{"a": 1}`)
	return &slowStore{MemStore: s}
}

func newTestModel(t testing.TB, store *slowStore, w, h int, opts Options) (*Model, *model.Backend) {
	b := model.NewBackend("demo", store, confotest.Loaded(t, store), model.Options{})
	opts.Static = true
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Unix(0, 0) }
	}
	m := New([]*model.Backend{b}, DefaultKeyMap(), opts)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m, b
}

func pressAll(m *Model, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		msg := tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
		switch k {
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "pgdown":
			msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
		}
		_, cmd = m.Update(msg)
	}
	return cmd
}

func TestHundredThousandConfigsRenderOnlyVisibleRows(t *testing.T) {
	m, _ := newTestModel(t, bigStore(100_000), 160, 48, Options{})
	screen := ansi.Strip(m.View().Content)
	rows := m.paneRows()
	for i := range rows {
		if !strings.Contains(screen, fmt.Sprintf("cfg-%06d", i)) {
			t.Fatalf("visible row %d missing:\n%s", i, screen)
		}
	}
	if strings.Contains(screen, fmt.Sprintf("cfg-%06d", rows)) {
		t.Fatalf("row %d is below the pane but rendered", rows)
	}
	// Plus one: the fields pane's title names the selected config.
	if got := strings.Count(screen, "cfg-"); got != rows+1 {
		t.Fatalf("%d config rows rendered, want %d", got-1, rows)
	}
	if !strings.Contains(screen, "1/100,000") {
		t.Fatalf("no position in the title:\n%s", screen)
	}

	pressAll(m, "G")
	screen = ansi.Strip(m.Render())
	if !strings.Contains(screen, "cfg-099999") || strings.Contains(screen, "cfg-000000") || !strings.Contains(screen, `"config 99999"`) {
		t.Fatalf("G did not scroll to the end:\n%s", screen)
	}
	pressAll(m, "pgdown", "g", "/", "-", "0", "0", "4", "2", "4", "2", "enter")
	screen = ansi.Strip(m.Render())
	if got := strings.Count(screen, "cfg-"); got != 2 || !strings.Contains(screen, "cfg-004242") {
		t.Fatalf("filter shows %d rows:\n%s", got, screen)
	}
	pressAll(m, "esc")
	if got := strings.Count(ansi.Strip(m.Render()), "cfg-"); got != rows+1 {
		t.Fatalf("esc left %d rows", got)
	}
}

func TestSlowLoadStaysResponsiveAndShowsProgress(t *testing.T) {
	var now atomic.Int64
	store := bigStore(3)
	m, b := newTestModel(t, store, 120, 30, Options{Now: func() time.Time { return time.Unix(now.Load(), 0) }, Timeout: time.Minute})
	a := &app{t: t, m: m, clock: &clock{}}
	store.block()
	a.start(pressAll(m, "r"))
	if b.Busy() == "" {
		t.Fatal("reload did not start")
	}
	// The load blocks; keys still move the cursor meanwhile.
	pressAll(m, "j", "j")
	if got := m.lists[paneConfigs].selected(); got != "cfg-000002" {
		t.Fatalf("cursor on %q while loading", got)
	}
	if err := b.SetField("big", "cfg-000000", "id", "1"); err == nil {
		t.Fatal("edit accepted while reloading")
	}
	for m.ops[b].total == 0 {
		a.next() // the progress report
	}
	if s := ansi.Strip(m.Render()); strings.Contains(s, "loading 4,000") {
		t.Fatal("progress shown before the load ran a moment")
	}
	now.Store(1)
	if s := ansi.Strip(m.Render()); !strings.Contains(s, "reloading big… loading 4,000/100,000") {
		t.Fatalf("no progress:\n%s", s)
	}
	close(store.release)
	a.run(nil)
	if b.Busy() != "" || !strings.Contains(ansi.Strip(m.Render()), "✓ reloaded big (") {
		t.Fatalf("reload did not finish:\n%s", ansi.Strip(m.Render()))
	}
}

func TestDeadServerTimesOutIntoStatusBar(t *testing.T) {
	store := bigStore(3)
	m, b := newTestModel(t, store, 120, 30, Options{Timeout: 20 * time.Millisecond})
	a := &app{t: t, m: m, clock: &clock{}}
	store.block()
	a.run(pressAll(m, "R"))
	s := ansi.Strip(m.Render())
	if !strings.Contains(s, "✗ reload backend demo: load: context deadline exceeded") || b.Conn() != model.Failed {
		t.Fatalf("timeout not reported:\n%s", s)
	}
	if !strings.Contains(s, "⊘ demo") {
		t.Fatalf("backend not marked failed:\n%s", s)
	}
}

func TestStaleProgressIsDropped(t *testing.T) {
	store := bigStore(3)
	m, b := newTestModel(t, store, 120, 30, Options{Timeout: time.Minute})
	a := &app{t: t, m: m, clock: &clock{}}
	a.run(pressAll(m, "r"))
	store.block()
	a.start(pressAll(m, "r"))
	op := m.ops[b]
	m.Update(progressMsg{backend: b, id: op.id - 1, done: 1, total: 2})
	if b.Busy() == "" || m.ops[b] != op || op.total != 0 {
		t.Fatal("a stale message changed the running operation")
	}
	close(store.release)
	a.run(nil)
}

func TestListKeepsSelectionByName(t *testing.T) {
	names := []string{"a", "b", "c", "d"}
	var l list
	l.setNames(names, true)
	l.moveTo(2)
	l.setNames([]string{"a", "c", "d"}, true)
	if l.selected() != "c" {
		t.Fatalf("selected %q", l.selected())
	}
	l.setFilter("D")
	if l.Len() != 1 || l.selected() != "d" {
		t.Fatalf("filter: %d rows, %q", l.Len(), l.selected())
	}
	l.setNames(nil, true)
	if l.selected() != "" || l.Len() != 0 {
		t.Fatal("empty list has a selection")
	}
}

func TestFuzzyScore(t *testing.T) {
	for _, tt := range []struct {
		s, pattern string
		want       bool
	}{
		{"Database", "base", true}, {"database", "BASE", true}, {"Zoë", "ZOË", true},
		{"abc", "abcd", false}, {"", "", true}, {"héllo", "hlo", true}, {"abc", "x", false},
		{"redis-cache", "rc", true}, {"redis-cache", "cr", false}, {"service009999", "9999", true},
	} {
		if _, got := fuzzyScore(tt.s, tt.pattern); got != tt.want {
			t.Errorf("fuzzyScore(%q, %q) = %v", tt.s, tt.pattern, got)
		}
	}
	// Whole words and word starts rank before scattered letters.
	exact, _ := fuzzyScore("db_name", "name")
	scattered, _ := fuzzyScore("n_a_m_e_x", "name")
	if exact <= scattered {
		t.Errorf("db_name %d ≤ n_a_m_e_x %d", exact, scattered)
	}
}
