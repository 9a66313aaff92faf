package main

import (
	"charm.land/bubbles/v2/key"

	"github.com/confo-dev/confo/ui"
)

// defaultKeyMap is every key binding of the terminal UI. The help overlay
// (?) and the status bar are generated from it.
func defaultKeyMap() ui.KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return ui.KeyMap{
		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		Left:     b("←/h", "pane left", "left", "h"),
		Right:    b("→/l", "pane right", "right", "l"),
		NextPane: b("tab", "next pane", "tab"),
		PrevPane: b("shift+tab", "previous pane", "shift+tab"),
		PageUp:   b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown: b("pgdn", "page down", "pgdown", "ctrl+d"),
		Top:      b("g/home", "first", "g", "home"),
		Bottom:   b("G/end", "last", "G", "end"),
		Filter:   b("/", "filter", "/"),
		Enter:    b("enter", "open / edit", "enter"),

		Edit:   b("e", "edit value", "e"),
		View:   b("v", "view full value", "v"),
		Add:    b("a", "add", "a"),
		Delete: b("d", "delete", "d"),
		Rename: b("n", "rename config", "n"),
		Undo:   b("u", "undo", "u"),

		PersistConfig:    b("s", "persist config", "s"),
		PersistNamespace: b("S", "persist namespace", "S"),
		PersistBackend:   b("ctrl+s", "persist backend", "ctrl+s"),
		ReloadNamespace:  b("r", "reload namespace", "r"),
		ReloadBackend:    b("R", "reload backend", "R"),
		Conflict:         b("c", "show conflict", "c"),

		Help: b("?", "help", "?"),
		Quit: b("q/ctrl+c", "quit", "q", "ctrl+c"),

		Yes:       b("y", "yes", "y"),
		No:        b("n", "no", "n"),
		Cancel:    b("esc", "cancel", "esc"),
		Discard:   b("d", "discard edits", "d"),
		Keep:      b("k", "keep on top", "k"),
		Overwrite: b("o", "overwrite theirs", "o"),
		Theirs:    b("t", "take theirs", "t"),
		Submit:    b("enter", "confirm", "enter"),
	}
}
