package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every binding of the UI. The defaults live in the program's
// keymap.go; help and the status bar are generated from these bindings, so
// rebinding a key updates them too.
type KeyMap struct {
	Up, Down, Left, Right     key.Binding
	NextPane, PrevPane        key.Binding
	PageUp, PageDown          key.Binding
	Top, Bottom               key.Binding
	Filter                    key.Binding
	Enter                     key.Binding
	Edit, View                key.Binding
	Add, Delete, Rename, Undo key.Binding

	PersistConfig, PersistNamespace, PersistBackend key.Binding
	ReloadNamespace, ReloadBackend                  key.Binding
	Conflict                                        key.Binding

	Help, Quit key.Binding

	// Dialog answers.
	Yes, No, Cancel   key.Binding
	Discard, Keep     key.Binding
	Overwrite, Theirs key.Binding
	Submit            key.Binding
}

// HelpGroup is one titled column of the help overlay.
type HelpGroup struct {
	Title    string
	Bindings []key.Binding
}

// ShortHelp is what the status bar shows, most useful first.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.PersistConfig, k.PersistNamespace, k.PersistBackend, k.ReloadNamespace, k.Edit, k.Add, k.Delete, k.Undo, k.Filter, k.Help, k.Quit}
}

// Groups is what the help overlay shows.
func (k KeyMap) Groups() []HelpGroup {
	return []HelpGroup{
		{"Move", []key.Binding{k.Up, k.Down, k.Left, k.Right, k.NextPane, k.PrevPane, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Filter, k.Enter}},
		{"Edit", []key.Binding{k.Edit, k.View, k.Add, k.Delete, k.Rename, k.Undo}},
		{"Persist & reload", []key.Binding{k.PersistConfig, k.PersistNamespace, k.PersistBackend, k.ReloadNamespace, k.ReloadBackend, k.Conflict}},
		{"Dialogs", []key.Binding{k.Yes, k.No, k.Cancel, k.Discard, k.Keep, k.Overwrite, k.Theirs, k.Submit}},
		{"General", []key.Binding{k.Help, k.Quit}},
	}
}

// DefaultKeyMap is every binding of the UI as shipped: vim-style movement
// and a letter per action, the habits of k9s and lazygit users.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
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
