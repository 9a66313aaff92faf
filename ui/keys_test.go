package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/model"
)

// clipboard records what the UI copied.
type clipboard struct{ got []string }

func (c *clipboard) set(s string) tea.Cmd {
	c.got = append(c.got, s)
	return nil
}

func (c *clipboard) last() string {
	if len(c.got) == 0 {
		return ""
	}
	return c.got[len(c.got)-1]
}

// withClipboard swaps the app's clipboard for a recorder.
func (a *app) withClipboard() *clipboard {
	c := &clipboard{}
	a.m.opts.Clipboard = c.set
	return c
}

// withEditor makes E run script (a shell script given the file's path as
// $1) directly instead of handing the terminal over.
func (a *app) withEditor(script string) {
	path := filepath.Join(a.t.TempDir(), "editor.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		a.t.Fatal(err)
	}
	a.m.opts.TempDir = a.t.TempDir()
	a.m.opts.Getenv = func(k string) string {
		if k == "EDITOR" {
			return path
		}
		return ""
	}
	a.m.opts.Exec = func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd {
		return func() tea.Msg { return fn(c.Run()) }
	}
}

func (a *app) click(x, y int) *app {
	a.send(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
	return a
}

func (a *app) wheel(x, y int, down bool) *app {
	b := tea.MouseWheelUp
	if down {
		b = tea.MouseWheelDown
	}
	a.send(tea.MouseWheelMsg{X: x, Y: y, Button: b})
	return a
}

// find returns the screen cell where text starts.
func (a *app) find(text string) (x, y int) {
	a.t.Helper()
	for i, l := range strings.Split(a.screen(), "\n") {
		if j := strings.Index(l, text); j >= 0 {
			return len([]rune(l[:j])), i
		}
	}
	a.t.Fatalf("%q not on screen:\n%s", text, a.screen())
	return 0, 0
}

func TestKeysActOnTheFocusedPane(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("h")
	// e and v in the namespaces pane do not edit or view the config.
	a.press("e").wantScreen("edit: not in the namespaces pane")
	a.dontWantScreen("Edit mysqli")
	a.press("v").wantScreen("view: not in the namespaces pane")
	// n in the fields pane renames the field, not the config.
	a.press("l", "l", "j", "n").wantScreen("Rename field mysqli.db_name")
	a.replace("database_name")
	if got := a.local("database", "mysqli"); got != `{"host": "localhost", "database_name": "sambe_db", "user": "root"}` {
		t.Fatalf("rename field: %s", got)
	}
	a.wantSelected("database_name")
	a.press("u")
	if got := a.local("database", "mysqli"); got != mysqli {
		t.Fatalf("undo rename field: %s", got)
	}
	// n in the namespaces pane renames the namespace.
	a.press("h", "h", "n").wantScreen("Rename namespace database").replace("db")
	a.wantSelected("db")
	a.wantScreen("✗ database")
	if got := a.local("db", "mysqli"); got != mysqli {
		t.Fatalf("renamed namespace lost mysqli: %s", got)
	}
	a.press("ctrl+s").wantScreen("namespace db (new)", "namespace database (deleted)")
	a.press("y").wantScreen("✓ persisted")
	if got := a.stored("db", "mysqli"); got != mysqli {
		t.Fatalf("stored db/mysqli: %s", got)
	}
	if got := a.stored("database", "mysqli"); got != "(missing)" {
		t.Fatalf("old config still stored: %s", got)
	}
	// s in the namespaces pane persists the namespace.
	a.press("a").replace("fresh")
	a.press("s").wantScreen("Persist namespace fresh?")
	a.press("esc")
}

func TestFieldCursorIsRememberedPerConfig(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("esc", "l", "j", "j").wantSelected("user")
	a.press("h", "j").wantSelected("postgres")
	a.press("l").wantSelected("host")
	a.press("h", "k", "l").wantSelected("user")
	a.press("e").wantScreen("Edit mysqli.user")
}

func TestKeyBarFollowsPaneAndMode(t *testing.T) {
	a := newApp(t, appConfig{width: 160, height: 30})
	a.gotoConfig("database", "mysqli")
	a.wantScreen("a add config", "n rename", "y copy JSON")
	a.press("l").wantScreen("a add field", "y copy value", "E $EDITOR")
	a.press("h", "h").wantScreen("a add namespace", "s persist namespace")
	a.press("h").wantScreen("R reload backend", "y copy address")
	a.dontWantScreen("a add")
	a.press("l", "/").wantScreen("type to filter (fuzzy)", "enter keep filter")

	ro := newApp(t, appConfig{width: 160, height: 30, readOnly: true})
	ro.gotoConfig("database", "mysqli").press("l")
	ro.wantScreen("v view", "y copy value")
	ro.dontWantScreen("e edit", "a add", "d delete", "s persist", "E $EDITOR")
}

func TestAddFieldRefusesAnExistingNameFirst(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("l", "a").typeText("host").press("enter")
	a.wantScreen("exists already", "New field in mysqli")
	a.dontWantScreen("Value of")
	// The error goes from the dialog as soon as the text changes (the
	// status line keeps it until it expires).
	if n := strings.Count(a.screen(), "exists already"); n != 2 {
		t.Fatalf("%d copies of the error", n)
	}
	a.press("backspace")
	if n := strings.Count(a.screen(), "exists already"); n != 1 {
		t.Fatalf("%d copies of the error after typing:\n%s", n, a.screen())
	}
}

func TestDeletedFieldsStayVisibleUntilPersisted(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("l", "j", "d", "y")
	a.wantScreen(`✗ db_name  deleted, was "sambe_db"`)
	a.press("e").wantScreen("is deleted here: u undoes")
	a.press("s").wantScreen(`✗ db_name: "sambe_db" (deleted)`)
	a.press("y").wantScreen("✓ persisted")
	a.dontWantScreen("db_name")
}

func TestPersistDialogShowsOldAndNewAndViewsThemInFull(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	long := strings.Repeat("x", 300)
	a.gotoConfig("database", "mysqli").press("l", "j", "j", "e").replace(long)
	a.press("s").wantScreen(`● user: "root" → "xxxxxxxx`, "v view line in full")
	a.press("v").wantScreen("Persist: mysqli.user", "old (stored):", "new (local, not persisted):", `"root"`)
	if !strings.Contains(flat(a.screen()), strings.Repeat("x", 300)) {
		t.Fatalf("the viewer does not show the whole value:\n%s", a.screen())
	}
	// Closing the viewer returns to the question, which still defaults to no.
	a.press("esc").wantScreen("Persist config database/mysqli?")
	a.press("esc").wantScreen("persist cancelled")
}

func TestQuitListsUnsavedAndPersistsAllOnRequest(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("l", "j", "j", "e").replace("admin")
	a.press("q").wantScreen("Quit confo?", "1 unsaved change will be lost", "backend demo", `● user: "root" → "admin"`, "p persist all and quit")
	a.press("p").wantScreen("Persist 1 change and quit?")
	a.press("enter")
	if a.quit {
		t.Fatal("enter (default no) quit")
	}
	a.wantScreen("nothing persisted")
	a.press("q", "p", "y")
	if !a.quit {
		t.Fatalf("persist all and quit did not quit:\n%s", a.screen())
	}
	if got := a.stored("database", "mysqli"); !strings.Contains(got, `"user": "admin"`) {
		t.Fatalf("not persisted before quitting: %s", got)
	}
}

func TestPersistAllAndQuitStaysOnConflict(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("l", "j", "j", "e").replace("admin")
	a.behindTheBack("database", "mysqli", `{"host": "other"}`)
	a.press("q", "p", "y")
	if a.quit {
		t.Fatal("quit although the persist had a conflict")
	}
	a.wantScreen("conflict", "not quitting")
}

func TestMessagesExpireAndHistoryKeepsThem(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("h", "e")
	a.wantScreen("edit: not in the namespaces pane")
	a.clock.mu.Lock()
	a.clock.now = a.clock.now.Add(time.Minute)
	a.clock.mu.Unlock()
	a.dontWantScreen("not in the namespaces pane")
	a.wantScreen("m shows earlier messages")
	a.press("m").wantScreen("Messages", "edit: not in the namespaces pane (the key bar lists what works here)")
	a.press("esc").dontWantScreen("Messages")
}

func TestViewerWrapsScrollsAndSearches(t *testing.T) {
	a := newApp(t, appConfig{width: 80, height: 24})
	long := strings.Repeat("abcdefghij", 300) + "NEEDLE" + strings.Repeat("z", 3000)
	a.gotoConfig("database", "mysqli").press("l", "j", "j", "e").replace(long)
	a.press("v").wantScreen("demo: database/mysqli.user (string)", "abcdefghij")
	if strings.Contains(a.screen(), "…") {
		t.Fatalf("the viewer cut the value:\n%s", a.screen())
	}
	a.press("G").wantScreen("zzzz")
	a.dontWantScreen("abcdefghijabcdefghij")
	a.press("g").wantScreen("abcdefghij")
	a.press("/").typeText("needle").press("enter").wantScreen("NEEDLE", "match 1/1")
	a.press("n").wantScreen("match 1/1")
	a.press("pgdown", "esc").dontWantScreen("View ")
	// A title longer than the screen is shown whole, wrapped.
	a.press("h", "n").replace(strings.Repeat("long-name-", 10))
	a.press("l", "v").wantScreen("long-name-long-name-long")
	if !strings.Contains(flat(a.screen()), strings.Repeat("long-name-", 10)+".host") {
		t.Fatalf("the title lost the field name:\n%s", a.screen())
	}
}

func TestNonJSONIsViewedRawAndFixedInTheEditor(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.behindTheBack("database", "mysqli", "{broken \x1b]2;x\x07")
	a.press("R")
	a.gotoConfig("database", "mysqli").press("v")
	a.wantScreen("(stored bytes)", `{broken \x1b]2;x\x07`, "not JSON")
	a.press("esc")
	a.withEditor(`printf '{"fixed": true}\n' > "$1"`)
	a.press("E").wantScreen("edited database/mysqli in $EDITOR")
	if got := a.local("database", "mysqli"); got != `{"fixed": true}` {
		t.Fatalf("fixed: %s", got)
	}
}

func TestEditorRoundTripKeepsTypeAndRetriesInvalid(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "redis-cache").press("l", "j")
	// The file holds the value as pretty JSON under comments.
	seen := filepath.Join(t.TempDir(), "seen")
	a.withEditor(`cp "$1" ` + seen + `; printf '6380\n' > "$1"`)
	a.press("E").wantScreen("edited database/redis-cache.port in $EDITOR")
	data, _ := os.ReadFile(seen)
	if !strings.Contains(string(data), "// confo: editing database/redis-cache.port (number)") || !strings.HasSuffix(string(data), "\n6379\n") {
		t.Fatalf("editor file:\n%s", data)
	}
	if got := a.local("database", "redis-cache"); !strings.Contains(got, `"port": 6380`) {
		t.Fatalf("port: %s", got)
	}
	// A string field takes text without quotes as the string.
	a.press("k")
	a.withEditor(`printf 'cache.internal\n' > "$1"`)
	a.press("E")
	if got := a.local("database", "redis-cache"); !strings.Contains(got, `"host": "cache.internal"`) {
		t.Fatalf("host: %s", got)
	}
	// Invalid JSON reopens the editor with the error on top; the second
	// run fixes it.
	count := filepath.Join(t.TempDir(), "count")
	a.press("j")
	a.withEditor(`echo x >> ` + count + `; if [ $(wc -l < ` + count + `) -eq 1 ]; then printf '{oops\n' > "$1"; else grep -q '^// confo: not JSON at line' "$1" && printf '7000\n' > "$1"; fi`)
	a.press("E")
	if got := a.local("database", "redis-cache"); !strings.Contains(got, `"port": 7000`) {
		t.Fatalf("retry: %s\n%s", got, a.screen())
	}
	// An empty file cancels; the value stays.
	a.withEditor(`: > "$1"`)
	a.press("E").wantScreen("cancelled")
	// A failing editor changes nothing.
	a.withEditor(`exit 3`)
	a.press("E").wantScreen("$EDITOR: exit status 3; nothing changed")
	if got := a.local("database", "redis-cache"); !strings.Contains(got, `"port": 7000`) {
		t.Fatalf("after cancel: %s", got)
	}
	a.wantScreen("● port")
}

func TestCopy(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30, files: true})
	c := a.withClipboard()
	a.gotoConfig("database", "mysqli")
	a.press("y").wantScreen("✓ copied the config mysqli as JSON")
	if c.last() != mysqli {
		t.Fatalf("y in configs: %q", c.last())
	}
	a.press("Y").wantScreen("✓ copied the key database-mysqli")
	a.press("l", "j", "j", "y")
	if c.last() != "root" {
		t.Fatalf("y on a string field: %q", c.last())
	}
	a.press("h", "h", "y")
	if c.last() != "database" {
		t.Fatalf("y on a namespace: %q", c.last())
	}
	a.press("h", "j", "l", "l", "Y")
	if want := filepath.Join(filesAddr, "analytics", "dashboards.json"); c.last() != want {
		t.Fatalf("Y in a directory backend: %q, want %q", c.last(), want)
	}
}

func TestSearchEverywhere(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30, files: true})
	a.press("ctrl+f").wantScreen("Search everywhere", "type to search")
	a.typeText("sambe").wantScreen("value", "database/mysqli.db_name", "sambe_db")
	a.press("esc").dontWantScreen("Search everywhere")
	// Fuzzy over names; enter jumps there.
	a.press("ctrl+f").typeText("rdscache").wantScreen("config", "redis-cache")
	a.press("enter").wantSelected("redis-cache")
	a.wantSelected("database")
	a.press("ctrl+f").typeText("db_nme").wantScreen("field", "db_name")
	a.press("enter").wantSelected("db_name")
	if a.m.focus != paneFields {
		t.Fatalf("focus %d after jumping to a field", a.m.focus)
	}
	a.press("ctrl+f").typeText("zzzqqq").wantScreen("no match in")
	a.press("esc")
}

func TestFuzzyFilter(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli")
	a.press("/", "ctrl+u").typeText("rc").press("enter")
	a.wantSelected("redis-cache")
	a.dontWantScreen("mysqli ", "postgres")
}

func TestMouse(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30, files: true})
	a.click(a.find("sales")).wantSelected("sales")
	if a.m.focus != paneNamespaces {
		t.Fatalf("click focused pane %d", a.m.focus)
	}
	a.click(a.find("payments")).wantSelected("payments")
	a.click(a.find("pricing")).wantSelected("pricing")
	a.click(a.find("discounts")).wantSelected("discounts")
	a.click(a.find("files")).wantSelected("files")
	a.click(a.find("demo redis")).wantSelected("demo")
	// The wheel moves the pane under the pointer.
	x, y := a.find("analytics")
	a.click(x, y).wheel(x, y, true).wantSelected("database")
	a.wheel(x, y, false).wantSelected("analytics")
	// A click on a dialog's answer answers it.
	a.gotoConfig("database", "mysqli").press("d").wantScreen("Delete config mysqli?")
	a.click(a.find("n/enter/esc no")).dontWantScreen("Delete config")
	if got := a.local("database", "mysqli"); got != mysqli {
		t.Fatalf("no deleted: %s", got)
	}
	a.press("d")
	a.click(a.find("y delete"))
	a.wantScreen("▸✗ mysqli")
	// The wheel scrolls the viewer.
	a.press("l", "v").wheel(10, 10, true).press("esc")
}

// TestDeadBackendAtStart: a backend that cannot be opened is shown with
// its error and a retry key; the others work.
func TestDeadBackendAtStart(t *testing.T) {
	good := confotest.NewMemStore(false)
	good.Put("database", "mysqli", mysqli)
	fails := true
	pending := []*model.Backend{
		model.NewPending("good", model.Source{Kind: "redis", Address: "127.0.0.1:1", Open: func(context.Context) (confo.Store, error) { return good, nil }}, model.Options{}),
		model.NewPending("dead", model.Source{Kind: "redis", Address: "127.0.0.1:2", Open: func(context.Context) (confo.Store, error) {
			if fails {
				return nil, errors.New("cannot reach 127.0.0.1:2: connection refused")
			}
			return confotest.NewMemStore(false), nil
		}}, model.Options{}),
	}
	m := New(pending, DefaultKeyMap(), Options{Static: true, Now: func() time.Time { return time.Unix(0, 0) }})
	a := &app{t: t, m: m, clock: &clock{}}
	a.resize(120, 30)
	a.wantScreen("◇ good", "◇ dead", "connecting")
	a.run(m.Init())
	a.wantScreen("◆ good", "⊘ dead", "cannot reach 127.0.0.1:2", "mysqli")
	a.press("h", "h", "j").wantScreen("R retry")
	fails = false
	a.press("R").wantScreen("◆ dead")
	a.dontWantScreen("⊘")
}

// TestFirstFrameBeforeTheData: the registry alone gives the namespace
// list; the selected namespace loads first, then the rest, while keys work.
func TestFirstFrameBeforeTheData(t *testing.T) {
	store := confotest.NewMemStore(false)
	for i := range 40 {
		for j := range 3 {
			store.Put(fmt.Sprintf("ns%02d", i), fmt.Sprintf("cfg%d", j), fmt.Sprintf(`{"n": %d}`, i))
		}
	}
	var mu sync.Mutex
	var loads []string
	block := make(chan struct{})
	store.OnLoad = func(ctx context.Context, opts confo.LoadOptions) error {
		mu.Lock()
		what := strings.Join(opts.Namespaces, ",")
		if opts.RegistryOnly {
			what = "registry"
		}
		loads = append(loads, what)
		n := len(loads)
		mu.Unlock()
		if n == 2 {
			<-block
		}
		return nil
	}
	loaded := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(loads)
	}
	b := model.NewPending("big", model.Source{Kind: "redis", Address: "x", Open: func(context.Context) (confo.Store, error) { return store, nil }}, model.Options{})
	m := New([]*model.Backend{b}, DefaultKeyMap(), Options{Static: true, NoWatch: true, Now: func() time.Time { return time.Unix(0, 0) }})
	a := &app{t: t, m: m, clock: &clock{}}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	// Open, then the registry alone: the namespace list.
	a.start(m.Init())
	a.waitFor("ns00", "ns20")
	if got := loaded(); got[0] != "registry" {
		t.Fatalf("first load %v, want the registry alone", got)
	}
	// The user moves to ns05 while the first namespace is being read;
	// keys work while it blocks.
	m.Update(tea.KeyPressMsg{Code: 'h', Text: "h"})
	for range 5 {
		m.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	}
	if got := m.lists[paneNamespaces].selected(); got != "ns05" {
		t.Fatalf("selected %q while loading", got)
	}
	close(block)
	a.run(nil)
	got := loaded()
	if len(got) < 3 || got[1] != "ns00" || !strings.HasPrefix(got[2], "ns05,") {
		t.Fatalf("loads %v: want the namespace selected at first alone, then the one selected after first", got)
	}
	if p := b.LoadProgress(); !p.Done || p.Configs != 120 || p.Namespaces != 40 {
		t.Fatalf("progress %+v", p)
	}
}

func TestRebindAndConflicts(t *testing.T) {
	k, err := DefaultKeyMap().Rebind(map[string][]string{"quit": {"x"}, "edit": {"F2", "i"}})
	if err != nil {
		t.Fatal(err)
	}
	if k.Quit.Help().Key != "x" || k.Edit.Help().Key != "f2/i" {
		t.Fatalf("help: %q %q", k.Quit.Help().Key, k.Edit.Help().Key)
	}
	if _, err := DefaultKeyMap().Rebind(map[string][]string{"quitt": {"x"}}); err == nil || !strings.Contains(err.Error(), `keys.quitt: is not an action`) {
		t.Fatalf("unknown action: %v", err)
	}
	if _, err := DefaultKeyMap().Rebind(map[string][]string{"quit": {}}); err == nil {
		t.Fatal("empty keys accepted")
	}
	// Two actions of one context on one key: the key would do only one of
	// them, so the binding is refused at the action the file rebinds.
	for _, tc := range []struct {
		bindings map[string][]string
		want     string
	}{
		{map[string][]string{"edit": {"j"}}, `keys.edit: key "j" is both down and edit in the main screen`},
		{map[string][]string{"edit": {"i", "e"}, "delete": {"e"}}, `keys.delete: key "e" is both edit and delete in the main screen`},
		// The viewer closes on help: n is its next match.
		{map[string][]string{"help": {"n"}}, `keys.help: key "n" is both help and next_match in the viewer`},
		// A quit key that types nothing works in dialogs too.
		{map[string][]string{"quit": {"esc"}}, `keys.quit: key "esc" is both quit and cancel in dialogs`},
	} {
		_, err := DefaultKeyMap().Rebind(tc.bindings)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.bindings, err, tc.want)
		}
		if _, ok := errors.AsType[SettingErrors](err); !ok {
			t.Errorf("%v: %T, want SettingErrors", tc.bindings, err)
		}
	}
	// The same key in two contexts is no conflict: n renames in the panes
	// and answers no in dialogs.
	if _, err := DefaultKeyMap().Rebind(map[string][]string{"rename": {"n"}, "yes": {"Y"}}); err != nil {
		t.Fatal(err)
	}
	// The effective map drives keys, the key bar and help.
	a := newApp(t, appConfig{width: 120, height: 30})
	a.m.keys, _ = DefaultKeyMap().Rebind(map[string][]string{"edit": {"i"}, "help": {"f1", "H"}})
	a.gotoConfig("database", "mysqli").press("l").wantScreen("i edit")
	a.press("i").wantScreen("Edit mysqli.host")
	a.press("esc", "e").dontWantScreen("Edit mysqli")
	a.wantScreen("f1/H help")
	a.press("H").wantScreen("Keys — any key closes", "i edit (one line)")
}

func TestThemes(t *testing.T) {
	for _, s := range []ThemeSettings{{Name: "dark"}, {Name: "light"}, {Name: "auto"}, {}, {Name: "dark", Colors: map[string]string{"accent": "#ff8800"}}} {
		if err := s.Check(); err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
	}
	for _, s := range []ThemeSettings{{Name: "blue"}, {Colors: map[string]string{"acent": "1"}}, {Colors: map[string]string{"accent": "#12"}}, {Colors: map[string]string{"accent": "300"}}} {
		if err := s.Check(); err == nil {
			t.Fatalf("%+v accepted", s)
		}
	}
	dark := ThemeSettings{Name: "auto"}.resolve(true).FocusBorder.Render("x")
	light := ThemeSettings{Name: "auto"}.resolve(false).FocusBorder.Render("x")
	if dark == light {
		t.Fatal("auto draws the same on dark and light backgrounds")
	}
	// An auto theme switches when the terminal reports its background.
	a := newApp(t, appConfig{width: 120, height: 30})
	a.m.opts.ThemeSettings = ThemeSettings{Name: "auto"}
	a.m.opts.Theme = nil
	a.send(tea.BackgroundColorMsg{Color: lightColor{}})
	if a.m.theme.FocusBorder.Render("x") != light {
		t.Fatal("a light background did not pick the light palette")
	}
	// NO_COLOR: attributes only, no colour escapes.
	mono := ThemeSettings{Name: "dark", NoColor: true}.resolve(true)
	for _, s := range []string{mono.Selected.Render("x"), mono.Err.Render("x"), mono.FocusBorder.Render("x")} {
		if strings.Contains(s, "38;") || strings.Contains(s, "48;") {
			t.Fatalf("NO_COLOR theme has a colour: %q", s)
		}
	}
}

// flat is a screen without borders, line breaks and blanks, so text that
// wraps reads as one.
func flat(screen string) string {
	return strings.NewReplacer("│", "", "\n", "", " ", "").Replace(screen)
}

type lightColor struct{}

func (lightColor) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

// TestHelpScrollsWhenTallerThanTheScreen: at 80×24 the legend is below the
// fold; the movement keys reach it, any other key closes.
func TestHelpScrollsWhenTallerThanTheScreen(t *testing.T) {
	a := newApp(t, appConfig{width: 80, height: 24})
	a.press("?").wantScreen("Keys — any key closes, ↓/j ↑/k scroll").dontWantScreen("◆ connected")
	a.press("pgdown").wantScreen("◆ connected", "edits: strings as typed")
	a.press("x").dontWantScreen("Keys — any key closes")

	a.resize(160, 48)
	a.press("?").wantScreen("Keys — any key closes", "◆ connected").dontWantScreen("scroll")
	a.press("j").dontWantScreen("Keys — any key closes")
}
