package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestKeyNamesMatchKeyPresses: every name the config file may write is
// turned into the name Bubble Tea gives the press, so the binding matches.
func TestKeyNamesMatchKeyPresses(t *testing.T) {
	for _, tc := range []struct {
		written []string
		press   tea.KeyPressMsg
	}{
		{[]string{"F1", "f1"}, tea.KeyPressMsg{Code: tea.KeyF1}},
		{[]string{"f20"}, tea.KeyPressMsg{Code: tea.KeyF20}},
		{[]string{"Ctrl+S", "ctrl+s", "CTRL+s", "ctrl+S"}, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}},
		{[]string{"G"}, tea.KeyPressMsg{Code: 'g', ShiftedCode: 'G', Text: "G", Mod: tea.ModShift}},
		{[]string{"g"}, tea.KeyPressMsg{Code: 'g', Text: "g"}},
		{[]string{"?"}, tea.KeyPressMsg{Code: '?', Text: "?"}},
		{[]string{"é"}, tea.KeyPressMsg{Code: 'é', Text: "é"}},
		{[]string{"+"}, tea.KeyPressMsg{Code: '+', Text: "+"}},
		{[]string{"ctrl++"}, tea.KeyPressMsg{Code: '+', Mod: tea.ModCtrl}},
		{[]string{"space", " ", "Space"}, tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}},
		{[]string{"Enter", "enter"}, tea.KeyPressMsg{Code: tea.KeyEnter}},
		{[]string{"esc", "Escape", "ESC"}, tea.KeyPressMsg{Code: tea.KeyEscape}},
		{[]string{"shift+tab", "Shift+Tab"}, tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}},
		{[]string{"pgdown", "PgDn"}, tea.KeyPressMsg{Code: tea.KeyPgDown}},
		{[]string{"ctrl+up", "Ctrl+Up"}, tea.KeyPressMsg{Code: tea.KeyUp, Mod: tea.ModCtrl}},
		{[]string{"alt+x"}, tea.KeyPressMsg{Code: 'x', Mod: tea.ModAlt}},
		// A terminal reports alt with a capital as alt+shift.
		{[]string{"alt+X", "shift+alt+x", "alt+shift+x"}, tea.KeyPressMsg{Code: 'x', Mod: tea.ModAlt | tea.ModShift}},
		{[]string{"ctrl+alt+delete", "alt+ctrl+delete"}, tea.KeyPressMsg{Code: tea.KeyDelete, Mod: tea.ModCtrl | tea.ModAlt}},
	} {
		for _, w := range tc.written {
			got, err := keyName(w)
			if err != nil {
				t.Errorf("%q refused: %v", w, err)
				continue
			}
			if got != tc.press.String() {
				t.Errorf("%q is %q; the press is %q", w, got, tc.press.String())
			}
		}
	}
}

func TestKeyNamesNoPressHasAreRefused(t *testing.T) {
	for _, w := range []string{
		"ctrl+shift+banana", "banana", "ab", "f21", "F0", "ctrl+", "ctrl", "hyper+x",
		"ctrl+ctrl+x", "cmd+s", "\x01", "\t", "",
		// Shift with a character types another character.
		"shift+a", "shift+1",
	} {
		got, err := keyName(w)
		if err == nil {
			t.Errorf("%q accepted as %q", w, got)
			continue
		}
		if !strings.Contains(err.Error(), "is not a key name") {
			t.Errorf("%q: %v", w, err)
		}
	}
	_, err := keyName("ctrl+shift+banana")
	if want := `"ctrl+shift+banana" is not a key name: write one character`; !strings.Contains(err.Error(), want) {
		t.Errorf("message %q lacks %q", err, want)
	}
}

// TestRebindFunctionKeyWorks: help = "F1" opens help on F1 and the key bar
// shows the name that works.
func TestRebindFunctionKeyWorks(t *testing.T) {
	keys, err := DefaultKeyMap().Rebind(map[string][]string{"help": {"F1"}})
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(t, appConfig{width: 160, height: 48})
	a.m.keys = keys
	a.wantScreen("f1 help")
	a.send(tea.KeyPressMsg{Code: tea.KeyF1})
	a.wantScreen("Keys — any key closes")
}
