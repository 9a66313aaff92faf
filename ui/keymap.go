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
