package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestTooSmallIgnoresKeysButQuit: while the screen says only that it is
// too small, a key must not answer the dialog hidden behind it.
func TestTooSmallIgnoresKeysButQuit(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("l", "j", "j", "e").replace("admin")
	a.press("s").wantScreen("Persist config database/mysqli?")
	a.resize(50, 15)
	a.wantScreen("terminal too small", "need 60×10")
	a.press("y", "enter", "esc", "j")
	a.send(tea.MouseClickMsg{X: 10, Y: 5, Button: tea.MouseLeft})
	a.send(tea.PasteMsg{Content: "x"})
	if got := a.stored("database", "mysqli"); got != mysqli {
		t.Fatalf("a key on the hidden dialog persisted: %s", got)
	}
	a.resize(120, 30)
	a.wantScreen("Persist config database/mysqli?")

	// Quit still works, and asks about the unsaved change.
	a.press("esc").resize(50, 15)
	a.press("q")
	a.resize(120, 30)
	a.wantScreen("Quit confo?")
}
