package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestCutKeyBarEndsWithHelp: a key bar too long for the screen says so and
// names the key that lists the rest, whatever it is bound to.
func TestCutKeyBarEndsWithHelp(t *testing.T) {
	a := newApp(t, appConfig{width: 80, height: 24})
	a.gotoConfig("database", "mysqli")
	if bar := a.m.hints(); !strings.HasSuffix(strings.TrimSpace(ansi.Strip(bar)), "… ? help") {
		t.Fatalf("cut key bar %q", ansi.Strip(bar))
	}
	a.resize(300, 30)
	if bar := ansi.Strip(a.m.hints()); strings.Contains(bar, "…") || !strings.HasSuffix(strings.TrimSpace(bar), "? help · q/ctrl+c quit") {
		t.Fatalf("whole key bar %q", bar)
	}

	keys, err := DefaultKeyMap().Rebind(map[string][]string{"help": {"f1"}, "persist_config": {"w"}})
	if err != nil {
		t.Fatal(err)
	}
	b := newApp(t, appConfig{width: 80, height: 24})
	b.m.keys = keys
	if bar := ansi.Strip(b.m.hints()); !strings.HasSuffix(strings.TrimSpace(bar), "… f1 help") {
		t.Fatalf("cut key bar with help on f1: %q", bar)
	}
}

// TestStartMessageNamesTheBoundKeys: the first status line tells the keys
// the user's map has, not the defaults.
func TestStartMessageNamesTheBoundKeys(t *testing.T) {
	keys, err := DefaultKeyMap().Rebind(map[string][]string{"help": {"f1"}, "persist_config": {"w"}})
	if err != nil {
		t.Fatal(err)
	}
	m := New(newApp(t, appConfig{width: 120, height: 30}).m.backends, keys, Options{Static: true})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	if s := ansi.Strip(m.Render()); !strings.Contains(s, "f1 lists every key · edits stay local until persisted (w, S, ctrl+s)") {
		t.Fatalf("start message:\n%s", s)
	}
}
