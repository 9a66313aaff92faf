package ui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
)

// KeyMap is every binding of the UI. Help, the key bar and the dialogs are
// generated from these bindings, so rebinding a key updates them too.
type KeyMap struct {
	Up, Down, Left, Right     key.Binding
	NextPane, PrevPane        key.Binding
	PageUp, PageDown          key.Binding
	Top, Bottom               key.Binding
	Filter, Search            key.Binding
	Enter                     key.Binding
	Edit, EditExternal, View  key.Binding
	Add, Delete, Rename, Undo key.Binding
	CopyValue, CopyKey        key.Binding

	PersistConfig, PersistNamespace, PersistBackend key.Binding
	ReloadNamespace, ReloadBackend                  key.Binding
	Conflict                                        key.Binding

	Messages, Help, Quit key.Binding

	// In the viewer: the next and previous match of its search.
	NextMatch, PrevMatch key.Binding

	// Dialog answers.
	Yes, No, Cancel key.Binding
	Discard, Keep   key.Binding
	PersistAll      key.Binding
	Submit          key.Binding

	// In the conflict view: ours or theirs for the field under the cursor
	// (or the whole config), for every field, and writing the result.
	Ours, Theirs       key.Binding
	AllOurs, AllTheirs key.Binding
	Write              key.Binding
}

// keyContext is where a binding is active; two bindings of one context
// must not share a key. The viewer closes on help, messages, view and quit
// as well. Dialogs scroll with the movement keys but are not listed for
// them: a dialog's answers are matched first, so keep's k shadows up's k
// in the one dialog that offers keep, and the arrows still scroll.
type keyContext uint8

const (
	inMain keyContext = 1 << iota
	inDialog
	inViewer
	inConflict
)

// action is one bindable action: its name in the config file's [keys]
// table, the binding it sets, its default keys and what help says.
type action struct {
	name    string
	binding func(*KeyMap) *key.Binding
	keys    []string
	desc    string
	ctx     keyContext
}

var actions = []action{
	{"up", func(k *KeyMap) *key.Binding { return &k.Up }, []string{"up", "k"}, "up", inMain | inViewer | inConflict},
	{"down", func(k *KeyMap) *key.Binding { return &k.Down }, []string{"down", "j"}, "down", inMain | inViewer | inConflict},
	{"left", func(k *KeyMap) *key.Binding { return &k.Left }, []string{"left", "h"}, "pane left", inMain},
	{"right", func(k *KeyMap) *key.Binding { return &k.Right }, []string{"right", "l"}, "pane right", inMain},
	{"next_pane", func(k *KeyMap) *key.Binding { return &k.NextPane }, []string{"tab"}, "next pane", inMain},
	{"prev_pane", func(k *KeyMap) *key.Binding { return &k.PrevPane }, []string{"shift+tab"}, "previous pane", inMain},
	{"page_up", func(k *KeyMap) *key.Binding { return &k.PageUp }, []string{"pgup", "ctrl+u"}, "page up", inMain | inViewer | inConflict},
	{"page_down", func(k *KeyMap) *key.Binding { return &k.PageDown }, []string{"pgdown", "ctrl+d"}, "page down", inMain | inViewer | inConflict},
	{"top", func(k *KeyMap) *key.Binding { return &k.Top }, []string{"g", "home"}, "first", inMain | inViewer},
	{"bottom", func(k *KeyMap) *key.Binding { return &k.Bottom }, []string{"G", "end"}, "last", inMain | inViewer},
	{"filter", func(k *KeyMap) *key.Binding { return &k.Filter }, []string{"/"}, "filter (fuzzy)", inMain | inViewer},
	{"search", func(k *KeyMap) *key.Binding { return &k.Search }, []string{"ctrl+f"}, "search everywhere", inMain},
	{"enter", func(k *KeyMap) *key.Binding { return &k.Enter }, []string{"enter"}, "open / edit", inMain},
	{"edit", func(k *KeyMap) *key.Binding { return &k.Edit }, []string{"e"}, "edit (one line)", inMain},
	{"edit_external", func(k *KeyMap) *key.Binding { return &k.EditExternal }, []string{"E"}, "edit in $EDITOR", inMain | inViewer},
	{"view", func(k *KeyMap) *key.Binding { return &k.View }, []string{"v"}, "view in full", inMain | inDialog | inViewer | inConflict},
	{"add", func(k *KeyMap) *key.Binding { return &k.Add }, []string{"a"}, "add", inMain},
	{"delete", func(k *KeyMap) *key.Binding { return &k.Delete }, []string{"d"}, "delete", inMain},
	{"rename", func(k *KeyMap) *key.Binding { return &k.Rename }, []string{"n"}, "rename", inMain},
	{"undo", func(k *KeyMap) *key.Binding { return &k.Undo }, []string{"u"}, "undo", inMain},
	{"copy_value", func(k *KeyMap) *key.Binding { return &k.CopyValue }, []string{"y"}, "copy value", inMain | inViewer},
	{"copy_key", func(k *KeyMap) *key.Binding { return &k.CopyKey }, []string{"Y"}, "copy key / path", inMain},
	{"persist_config", func(k *KeyMap) *key.Binding { return &k.PersistConfig }, []string{"s"}, "persist selected item", inMain},
	{"persist_namespace", func(k *KeyMap) *key.Binding { return &k.PersistNamespace }, []string{"S"}, "persist namespace", inMain},
	{"persist_backend", func(k *KeyMap) *key.Binding { return &k.PersistBackend }, []string{"ctrl+s"}, "persist backend", inMain},
	{"reload_namespace", func(k *KeyMap) *key.Binding { return &k.ReloadNamespace }, []string{"r"}, "reload", inMain},
	{"reload_backend", func(k *KeyMap) *key.Binding { return &k.ReloadBackend }, []string{"R"}, "reload backend / retry", inMain},
	{"conflict", func(k *KeyMap) *key.Binding { return &k.Conflict }, []string{"c"}, "show conflict", inMain},
	{"messages", func(k *KeyMap) *key.Binding { return &k.Messages }, []string{"m"}, "messages", inMain | inViewer},
	{"help", func(k *KeyMap) *key.Binding { return &k.Help }, []string{"?"}, "help", inMain | inViewer},
	{"quit", func(k *KeyMap) *key.Binding { return &k.Quit }, []string{"q", "ctrl+c"}, "quit", inMain | inViewer},
	{"next_match", func(k *KeyMap) *key.Binding { return &k.NextMatch }, []string{"n"}, "next match", inViewer},
	{"prev_match", func(k *KeyMap) *key.Binding { return &k.PrevMatch }, []string{"N"}, "previous match", inViewer},
	{"yes", func(k *KeyMap) *key.Binding { return &k.Yes }, []string{"y"}, "yes", inDialog},
	{"no", func(k *KeyMap) *key.Binding { return &k.No }, []string{"n"}, "no", inDialog},
	{"cancel", func(k *KeyMap) *key.Binding { return &k.Cancel }, []string{"esc"}, "cancel / close", inDialog | inViewer | inConflict},
	{"discard", func(k *KeyMap) *key.Binding { return &k.Discard }, []string{"d"}, "discard edits", inDialog},
	{"keep", func(k *KeyMap) *key.Binding { return &k.Keep }, []string{"k"}, "keep on top", inDialog},
	{"persist_all", func(k *KeyMap) *key.Binding { return &k.PersistAll }, []string{"p"}, "persist all and quit", inDialog},
	{"submit", func(k *KeyMap) *key.Binding { return &k.Submit }, []string{"enter"}, "confirm", inDialog},
	{"ours", func(k *KeyMap) *key.Binding { return &k.Ours }, []string{"o"}, "keep ours (field)", inConflict},
	{"theirs", func(k *KeyMap) *key.Binding { return &k.Theirs }, []string{"t"}, "take theirs (field)", inConflict},
	{"all_ours", func(k *KeyMap) *key.Binding { return &k.AllOurs }, []string{"O"}, "keep ours, all fields", inConflict},
	{"all_theirs", func(k *KeyMap) *key.Binding { return &k.AllTheirs }, []string{"T"}, "take theirs, all fields", inConflict},
	{"write", func(k *KeyMap) *key.Binding { return &k.Write }, []string{"s"}, "write the result (asks)", inConflict},
}

// ActionNames lists the names the config file's [keys] table accepts.
func ActionNames() []string {
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = a.name
	}
	return names
}

// DefaultKeyMap is every binding of the UI as shipped: vim-style movement
// and a letter per action, the habits of k9s and lazygit users.
func DefaultKeyMap() KeyMap {
	var k KeyMap
	for _, a := range actions {
		*a.binding(&k) = newBinding(a.keys, a.desc)
	}
	return k
}

func newBinding(keys []string, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKeys(keys), desc))
}

// keySymbols are the short forms help shows for some key names.
var keySymbols = map[string]string{"up": "↑", "down": "↓", "left": "←", "right": "→", "pgdown": "pgdn"}

// helpKeys is the key column of help for a binding's keys: "↑/k".
func helpKeys(keys []string) string {
	shown := make([]string, len(keys))
	for i, k := range keys {
		shown[i] = k
		if s, ok := keySymbols[k]; ok {
			shown[i] = s
		}
	}
	return strings.Join(shown, "/")
}

// Rebind applies the config file's [keys] table: each named action gets
// exactly the keys listed, by the names a key press has (see keyName).
// It refuses an unknown action, a key no press produces, and a key of two
// actions active at the same time, which would do only one of them; the
// error is SettingErrors, every mistake at once.
func (k KeyMap) Rebind(bindings map[string][]string) (KeyMap, error) {
	names := make([]string, 0, len(bindings))
	for name := range bindings {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs SettingErrors
	for _, name := range names {
		path := []string{"keys", name}
		i := slices.IndexFunc(actions, func(a action) bool { return a.name == name })
		if i < 0 {
			errs = append(errs, &SettingError{path, "is not an action; the actions are " + strings.Join(ActionNames(), ", ")})
			continue
		}
		if len(bindings[name]) == 0 {
			errs = append(errs, &SettingError{path, "give at least one key"})
			continue
		}
		var keys []string
		for _, written := range bindings[name] {
			key, err := keyName(written)
			if err != nil {
				errs = append(errs, &SettingError{path, err.Error()})
				continue
			}
			if !slices.Contains(keys, key) {
				keys = append(keys, key)
			}
		}
		if len(keys) > 0 {
			*actions[i].binding(&k) = newBinding(keys, actions[i].desc)
		}
	}
	if len(errs) == 0 {
		errs = k.conflicts(bindings)
	}
	return k, errs.orNil()
}

// contextNames say where two actions meet, in a conflict's message.
var contextNames = map[keyContext]string{
	inMain: "the main screen", inDialog: "dialogs", inViewer: "the viewer", inConflict: "the conflict view",
}

// conflicts are the keys bound to two actions active at the same time,
// each reported at the action the file rebinds (both may be).
func (k KeyMap) conflicts(bindings map[string][]string) SettingErrors {
	var errs SettingErrors
	reported := map[string]bool{}
	for _, ctx := range []keyContext{inMain, inDialog, inViewer, inConflict} {
		owner := map[string]string{}
		for _, a := range actions {
			for _, key := range a.binding(&k).Keys() {
				if a.ctx&ctx == 0 && !(a.name == "quit" && !typesText(key)) {
					continue
				}
				other, taken := owner[key]
				if !taken {
					owner[key] = a.name
					continue
				}
				at := a.name
				if _, rebound := bindings[at]; !rebound {
					at = other
				}
				if reported[key+" "+other+" "+a.name] {
					continue
				}
				reported[key+" "+other+" "+a.name] = true
				errs = append(errs, &SettingError{[]string{"keys", at}, fmt.Sprintf("key %q is both %s and %s in %s, so it would do only one of them; give one of them another key", key, other, a.name, contextNames[ctx])})
			}
		}
	}
	return errs
}

// typesText reports whether a press of the key named types text; the
// quit keys that type none (ctrl+c) work in inputs and dialogs too.
func typesText(name string) bool {
	return utf8.RuneCountInString(name) == 1 || name == "space"
}

// HelpGroup is one titled column of the help overlay.
type HelpGroup struct {
	Title    string
	Bindings []key.Binding
}

// Groups is what the help overlay shows.
func (k KeyMap) Groups() []HelpGroup {
	return []HelpGroup{
		{"Move", []key.Binding{k.Up, k.Down, k.Left, k.Right, k.NextPane, k.PrevPane, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Enter}},
		{"Find", []key.Binding{k.Filter, k.Search, k.NextMatch, k.PrevMatch}},
		{"Edit", []key.Binding{k.Edit, k.EditExternal, k.View, k.Add, k.Delete, k.Rename, k.Undo, k.CopyValue, k.CopyKey}},
		{"Persist & reload", []key.Binding{k.PersistConfig, k.PersistNamespace, k.PersistBackend, k.ReloadNamespace, k.ReloadBackend, k.Conflict}},
		{"Dialogs", []key.Binding{k.Yes, k.No, k.Cancel, k.Discard, k.Keep, k.PersistAll, k.Submit}},
		{"Conflict view", []key.Binding{k.Ours, k.Theirs, k.AllOurs, k.AllTheirs, k.Write}},
		{"General", []key.Binding{k.Messages, k.Help, k.Quit}},
	}
}
