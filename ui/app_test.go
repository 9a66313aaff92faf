package ui

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/alicebob/miniredis/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/demo"
	"github.com/confo-dev/confo/model"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// Fixed addresses keep snapshots independent of the ports and temp folders
// a run happens to get.
const (
	demoAddr  = "127.0.0.1:6379"
	filesAddr = "/tmp/confo-demo"
)

// clock is a settable time source for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// app drives the whole UI the way Bubble Tea would: keys in, commands run
// (concurrently, like the runtime does) until none are left, their messages
// fed back into Update.
type app struct {
	t *testing.T
	m *Model
	// msgs carries the commands' messages; pending counts the commands
	// still running.
	msgs    chan tea.Msg
	pending int
	srv     *miniredis.Miniredis
	rdb     *redis.Client
	demo    *model.Backend
	ws      *confo.Workspace // demo's
	clock   *clock
	quit    bool
}

type appConfig struct {
	width, height int
	readOnly      bool
	files         bool
}

// newApp opens the embedded demo data in a miniredis ("demo") and, with
// files, a directory backend over a copy of it ("files").
func newApp(t *testing.T, cfg appConfig) *app {
	t.Helper()
	ctx := context.Background()
	srv := miniredis.RunT(t)
	if err := demo.Fill(ctx, srv.Addr()); err != nil {
		t.Fatal(err)
	}
	store, err := confo.OpenRedis(ctx, confo.RedisConfig{Addr: srv.Addr(), ReadOnly: cfg.readOnly})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	demoBackend, ws := loaded(t, "demo", store, cfg.readOnly, demoAddr)
	backends := []*model.Backend{demoBackend}
	if cfg.files {
		dir, err := demo.CopyTree()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		files, err := confo.OpenDir(confo.DirConfig{Path: dir})
		if err != nil {
			t.Fatal(err)
		}
		filesBackend, _ := loaded(t, "files", files, false, filesAddr)
		backends = append(backends, filesBackend)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { rdb.Close() })
	clk := &clock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	a := &app{t: t, srv: srv, rdb: rdb, demo: backends[0], ws: ws, clock: clk}
	a.m = New(backends, DefaultKeyMap(), Options{Now: clk.Now, Static: true, Timeout: 5 * time.Second})
	a.resize(cfg.width, cfg.height)
	return a
}

// loaded wraps a store with its freshly loaded workspace, at a fixed address.
func loaded(t *testing.T, name string, store confo.Store, readOnly bool, addr string) (*model.Backend, *confo.Workspace) {
	t.Helper()
	ws := confotest.Loaded(t, store)
	return model.NewBackend(name, fixedAddress{store, addr}, ws, model.Options{ReadOnly: readOnly}), ws
}

// fixedAddress reports a set address, so that screens do not depend on the
// port or folder a run happens to get.
type fixedAddress struct {
	confo.Store
	addr string
}

func (f fixedAddress) Address() string { return f.addr }

func (a *app) resize(w, h int) { a.send(tea.WindowSizeMsg{Width: w, Height: h}) }

// keyMsg builds the key press Bubble Tea delivers for a key name.
func keyMsg(t *testing.T, name string) tea.KeyPressMsg {
	t.Helper()
	special := map[string]tea.KeyPressMsg{
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"left":      {Code: tea.KeyLeft},
		"right":     {Code: tea.KeyRight},
		"pgdown":    {Code: tea.KeyPgDown},
		"backspace": {Code: tea.KeyBackspace},
		"ctrl+s":    {Code: 's', Mod: tea.ModCtrl},
		"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
		"ctrl+u":    {Code: 'u', Mod: tea.ModCtrl},
		"ctrl+f":    {Code: 'f', Mod: tea.ModCtrl},
		"pgup":      {Code: tea.KeyPgUp},
	}
	msg, ok := special[name]
	if !ok {
		r := []rune(name)
		if len(r) != 1 {
			t.Fatalf("unknown key %q", name)
		}
		msg = tea.KeyPressMsg{Code: r[0], Text: name}
	}
	if msg.String() != name {
		t.Fatalf("key %q reads as %q", name, msg.String())
	}
	return msg
}

// press sends keys one by one, running the commands each one returns.
func (a *app) press(keys ...string) *app {
	a.t.Helper()
	for _, k := range keys {
		a.send(keyMsg(a.t, k))
	}
	return a
}

// typeText types text into whatever input is open.
func (a *app) typeText(text string) *app {
	for _, r := range text {
		a.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return a
}

// replace clears the open input and types text, then presses enter.
func (a *app) replace(text string) *app {
	return a.press("ctrl+u").typeText(text).press("enter")
}

// send delivers msg and runs the resulting commands until quiescent.
func (a *app) send(msg tea.Msg) {
	a.t.Helper()
	_, cmd := a.m.Update(msg)
	a.run(cmd)
}

// run executes cmd and every command that follows from it, each in its own
// goroutine as Bubble Tea does, feeding messages to Update one at a time,
// until none is left but the waits for a watch's next changes (those stay
// running: waitFor handles what they bring).
func (a *app) run(cmd tea.Cmd) {
	a.t.Helper()
	a.start(cmd)
	timeout := time.After(10 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for a.pending > int(a.m.watchWaits.Load()) {
		select {
		case msg := <-a.msgs:
			a.handle(msg)
		case <-tick.C:
			// A watch wait may have started blocking meanwhile.
		case <-timeout:
			a.t.Fatalf("commands still running after 10s (%d pending, %d watch waits)", a.pending, a.m.watchWaits.Load())
		}
	}
}

// start runs a command in a goroutine of its own.
func (a *app) start(c tea.Cmd) {
	if c == nil {
		return
	}
	if a.msgs == nil {
		a.msgs = make(chan tea.Msg, 64)
	}
	a.pending++
	go func() { a.msgs <- c() }()
}

// handle feeds one command's message to Update.
func (a *app) handle(msg tea.Msg) {
	a.pending--
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			a.start(c)
		}
	case tea.QuitMsg:
		a.quit = true
	default:
		_, next := a.m.Update(msg)
		a.start(next)
	}
}

// next handles the next message, from a watch too.
func (a *app) next() {
	a.t.Helper()
	select {
	case msg := <-a.msgs:
		a.handle(msg)
	case <-time.After(10 * time.Second):
		a.t.Fatal("no message for 10s")
	}
}

// waitFor handles messages, from the watches too, until the screen shows
// every part.
func (a *app) waitFor(parts ...string) *app {
	a.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		s := a.screen()
		missing := ""
		for _, p := range parts {
			if !strings.Contains(s, p) {
				missing = p
			}
		}
		if missing == "" {
			return a
		}
		select {
		case msg := <-a.msgs:
			a.handle(msg)
		case <-timeout:
			a.t.Fatalf("after 10s the screen lacks %q:\n%s", missing, s)
		}
	}
}

// screen is the current frame without colours.
func (a *app) screen() string { return ansi.Strip(a.m.Render()) }

func (a *app) wantScreen(parts ...string) *app {
	a.t.Helper()
	s := a.screen()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			a.t.Fatalf("screen lacks %q:\n%s", p, s)
		}
	}
	return a
}

func (a *app) dontWantScreen(parts ...string) *app {
	a.t.Helper()
	s := a.screen()
	for _, p := range parts {
		if strings.Contains(s, p) {
			a.t.Fatalf("screen has %q:\n%s", p, s)
		}
	}
	return a
}

// stored reads a config's bytes from Redis directly.
func (a *app) stored(ns, cfg string) string {
	a.t.Helper()
	v, err := a.rdb.Get(context.Background(), ns+"-"+cfg).Result()
	if err == redis.Nil {
		return "(missing)"
	}
	if err != nil {
		a.t.Fatal(err)
	}
	return v
}

// behindTheBack writes a config as another client would.
func (a *app) behindTheBack(ns, cfg, value string) {
	a.t.Helper()
	if err := a.rdb.Set(context.Background(), ns+"-"+cfg, value, 0).Err(); err != nil {
		a.t.Fatal(err)
	}
}

func (a *app) local(ns, cfg string) string {
	a.t.Helper()
	v, err := a.ws.Get(ns, cfg)
	if err != nil {
		return err.Error()
	}
	return string(confo.Encode(v))
}

// gotoConfig selects a namespace and config of the current backend by
// filtering, and leaves the focus on the configs pane.
func (a *app) gotoConfig(ns, cfg string) *app {
	a.t.Helper()
	a.press("h", "h", "h", "l")
	a.press("/", "ctrl+u").typeText(ns).press("enter", "esc", "l")
	a.press("/", "ctrl+u").typeText(cfg).press("enter")
	a.wantSelected(ns)
	a.wantSelected(cfg)
	return a
}

// wantSelected checks that a row named name is under a cursor, whatever
// its state marker.
func (a *app) wantSelected(name string) {
	a.t.Helper()
	if !regexp.MustCompile(`▸. ` + regexp.QuoteMeta(name) + `( |$)`).MatchString(a.screen()) {
		a.t.Fatalf("%s is not selected:\n%s", name, a.screen())
	}
}

const mysqli = `{"host": "localhost", "db_name": "sambe_db", "user": "root"}`

func TestNavigation(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30, files: true})
	a.wantScreen("demo", "redis 127.0.0.1:6379", "refresh_seconds")
	a.wantSelected("analytics")
	a.wantSelected("dashboards")
	a.press("j").wantSelected("sampling")
	a.press("k", "down").wantSelected("sampling")
	a.press("h", "j").wantSelected("database")
	a.wantSelected("mysqli")
	a.wantScreen(`"sambe_db"`)
	a.press("l", "l", "j").wantSelected("db_name")
	a.press("l", "tab", "j").wantScreen("files", "dir /tmp/confo-demo")
	a.wantSelected("files")
	a.press("shift+tab", "h", "G").wantSelected("warehouse")
	a.press("h", "h", "h", "k").wantSelected("demo")
	a.wantSelected("database")
	a.wantSelected("mysqli")
	a.press("tab", "tab", "j").wantSelected("postgres")
	a.press("h", "k", "j").wantSelected("postgres")
}

func TestFilter(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.press("h", "/").typeText("sal")
	a.wantScreen("▸  sales", "Namespaces /sal")
	a.dontWantScreen("analytics", "database")
	a.press("esc").wantScreen("analytics", "database", "sales")
	a.press("/").typeText("data").press("enter", "l", "/").typeText("post").press("enter")
	a.wantScreen("▸  postgres", `"root123"`)
	a.dontWantScreen("mysqli")
	a.press("esc").wantScreen("mysqli", "postgres", "redis-cache")
}

func TestEditField(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("l", "j", "j", "e")
	a.wantScreen("Edit mysqli.user (string)")
	a.replace("3306")
	if got := a.local("database", "mysqli"); got != `{"host": "localhost", "db_name": "sambe_db", "user": "3306"}` {
		t.Fatalf("a string field stays a string: %s", got)
	}
	a.wantScreen("1 unsaved", "●", "mysqli ● modified")
	// enter edits too; esc cancels and keeps the value.
	a.press("enter").typeText("zzz").press("esc")
	if got := a.local("database", "mysqli"); !strings.Contains(got, `"user": "3306"`) {
		t.Fatalf("esc changed the value: %s", got)
	}
	a.press("enter").replace("=3306")
	if got := a.local("database", "mysqli"); !strings.Contains(got, `"user": 3306`) {
		t.Fatalf("= did not change the type: %s", got)
	}
}

func TestEditRefusesInvalidInput(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "redis-cache").press("l", "j", "e")
	a.wantScreen("Edit redis-cache.port (number)")
	a.replace("not a number")
	a.wantScreen("is not JSON", "Edit redis-cache.port (number)")
	a.press("esc")
	if got := a.local("database", "redis-cache"); !strings.Contains(got, `"port": 6379`) {
		t.Fatalf("refused input changed the value: %s", got)
	}
	a.press("e").replace(`"6379"`)
	a.wantScreen("is a string")
	a.press("ctrl+u").typeText("6380").press("enter")
	if got := a.local("database", "redis-cache"); !strings.Contains(got, `"port": 6380`) {
		t.Fatalf("number edit: %s", got)
	}
}

func TestEditWholeValueOfArrayConfig(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("sales", "regions").press("l").wantScreen("(value)", "array")
	a.press("e").replace(`["eu-west-1"]`)
	if got := a.local("sales", "regions"); got != `["eu-west-1"]` {
		t.Fatalf("regions = %s", got)
	}
}

func TestAddDeleteRenameUndo(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli")

	a.press("l", "a").typeText("port").press("enter").typeText("3306").press("enter")
	if got := a.local("database", "mysqli"); !strings.Contains(got, `"port": 3306`) {
		t.Fatalf("add field: %s", got)
	}
	a.wantScreen("+ port")

	a.press("d").wantScreen("Delete field mysqli.port?")
	a.press("enter")
	if got := a.local("database", "mysqli"); !strings.Contains(got, `"port"`) {
		t.Fatal("enter (the default no) deleted the field")
	}
	a.press("d", "y")
	if got := a.local("database", "mysqli"); got != mysqli {
		t.Fatalf("delete field: %s", got)
	}

	a.press("h", "a").replace("cache")
	a.wantScreen("▸+ cache")
	a.press("n").replace("cache2")
	a.wantScreen("▸+ cache2")
	if got := a.local("database", "cache"); !strings.Contains(got, "not found") {
		t.Fatalf("renamed config still there: %s", got)
	}
	a.press("/").typeText("postgres").press("enter", "d", "y")
	a.wantScreen("▸✗ postgres")

	a.press("esc", "h", "a").replace("billing")
	a.wantScreen("▸+ billing")
	a.press("/").typeText("sales").press("enter", "d")
	a.wantScreen("Delete namespace sales and its 4 configs?")
	a.press("y").wantScreen("▸✗ sales")

	for range 7 {
		a.press("u")
	}
	if n := a.demo.Unsaved(); n != 0 {
		t.Fatalf("after undoing everything %d unsaved:\n%s", n, a.screen())
	}
	a.press("u").wantScreen("nothing to undo")
}

func TestPersistConfig(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("l", "j", "j", "e").replace("admin")
	a.press("s").wantScreen("Persist config database/mysqli?", "● mysqli  changed user", "y persist", "no (default)")
	a.press("enter").wantScreen("persist cancelled")
	if got := a.stored("database", "mysqli"); got != mysqli {
		t.Fatalf("no wrote: %s", got)
	}
	a.press("s", "n")
	if got := a.stored("database", "mysqli"); got != mysqli {
		t.Fatalf("n wrote: %s", got)
	}
	a.press("s", "y").wantScreen("✓ persisted database/mysqli in 0 ms")
	if got := a.stored("database", "mysqli"); got != `{"host": "localhost", "db_name": "sambe_db", "user": "admin"}` {
		t.Fatalf("stored: %s", got)
	}
	a.dontWantScreen("unsaved")
	a.press("s").wantScreen("nothing to persist in config database/mysqli")
	a.press("u").wantScreen("nothing to undo")
}

func TestPersistNamespaceAndBackend(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("l", "j", "j", "e").replace("admin")
	a.press("h", "a").replace("cache")
	a.gotoConfig("sales", "regions").press("l", "e").replace(`["eu"]`)

	a.gotoConfig("database", "mysqli").press("S")
	a.wantScreen("Persist namespace database?", "+ cache  new", "● mysqli  changed user")
	a.dontWantScreen("● regions")
	a.press("y").wantScreen("✓ persisted database (2 configs)", "1 unsaved")
	if got := a.stored("database", "cache"); got != "{}" {
		t.Fatalf("cache: %s", got)
	}
	if got := a.stored("sales", "regions"); got != `["eu-west-1", "eu-central-1", "us-east-1"]` {
		t.Fatalf("namespace persist wrote another namespace: %s", got)
	}

	a.press("ctrl+s").wantScreen("Persist backend demo?", "namespace sales", "● regions  changed value")
	a.press("y").wantScreen("✓ persisted sales/regions")
	if got := a.stored("sales", "regions"); got != `["eu"]` {
		t.Fatalf("regions: %s", got)
	}
	a.dontWantScreen("unsaved")
}

func TestReloadWithoutUnsavedChanges(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli")
	a.behindTheBack("database", "mysqli", `{"host": "db.internal"}`)
	a.press("r").wantScreen("✓ reloaded database (3 configs) in 0 ms, 1 changed remotely", "▸~ mysqli")
	a.press("l").wantScreen(`"db.internal"`)
	a.behindTheBack("sales", "crm", `{"vendor": "other"}`)
	a.press("R").wantScreen("✓ reloaded backend demo")
	if got := a.local("sales", "crm"); got != `{"vendor": "other"}` {
		t.Fatalf("crm after R: %s", got)
	}
}

func TestReloadDiscardsOrKeepsUnsavedChanges(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("l", "j", "j", "e").replace("mine")
	a.behindTheBack("database", "postgres", `{"host": "theirs"}`)

	a.press("r").wantScreen("Reload database?", "database has 1 unsaved change", "d discard them", "k keep them on top")
	a.press("esc").wantScreen("reload cancelled")
	if got := a.local("database", "postgres"); strings.Contains(got, "theirs") {
		t.Fatal("cancelled reload loaded")
	}

	a.press("r", "k")
	if got := a.local("database", "mysqli"); !strings.Contains(got, `"user": "mine"`) {
		t.Fatalf("keep lost the edit: %s", got)
	}
	if got := a.local("database", "postgres"); got != `{"host": "theirs"}` {
		t.Fatalf("keep did not load theirs: %s", got)
	}

	a.press("R").wantScreen("Reload backend demo?")
	a.press("d")
	if got := a.local("database", "mysqli"); got != mysqli {
		t.Fatalf("discard kept the edit: %s", got)
	}
	a.dontWantScreen("unsaved")
}

func TestReadOnly(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30, readOnly: true})
	a.wantScreen("READ-ONLY", "RO")
	a.gotoConfig("database", "mysqli")
	for _, keys := range [][]string{{"e"}, {"a"}, {"d"}, {"n"}, {"s"}, {"S"}, {"ctrl+s"}, {"l", "e"}, {"l", "enter"}, {"u"}, {"E"}} {
		// One clause, not "…disabled: backend is read-only".
		a.press(keys...).wantScreen("demo is read-only: editing and persisting are disabled ")
		a.press("esc")
		a.dontWantScreen("Edit ", "Persist ", "Delete ")
	}
	if a.demo.Unsaved() != 0 {
		t.Fatal("read-only backend was edited")
	}
	a.press("r").wantScreen("✓ reloaded database")
}

func TestQuit(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.press("q")
	if !a.quit {
		t.Fatal("q did not quit with nothing unsaved")
	}

	a = newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("d", "y")
	for _, key := range []string{"q", "ctrl+c"} {
		a.press(key).wantScreen("Quit confo?", "1 unsaved change will be lost")
		a.press("enter")
		if a.quit {
			t.Fatalf("%s + enter quit with unsaved changes", key)
		}
	}
	a.press("q", "y")
	if !a.quit {
		t.Fatal("q y did not quit")
	}
}

func TestSizes(t *testing.T) {
	a := newApp(t, appConfig{width: 80, height: 24, files: true})
	for _, size := range [][2]int{{10, 5}, {1, 1}, {0, 0}, {59, 30}, {100, 9}, {80, 24}, {160, 48}, {61, 10}, {300, 100}} {
		a.resize(size[0], size[1])
		a.press("?")
		help := a.screen()
		a.press("esc", "j", "l")
		s := a.screen()
		lines := strings.Split(s, "\n")
		if size[0] < 60 || size[1] < 10 {
			if size[0] >= 18 && !strings.Contains(s, "terminal too small") {
				t.Errorf("%v: no notice:\n%s", size, s)
			}
		} else if len(lines) != size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		for i, l := range append(lines, strings.Split(help, "\n")...) {
			if w := ansi.StringWidth(l); w > max(size[0], 0) {
				t.Errorf("%v: line %d is %d wide: %q", size, i, w, l)
			}
		}
	}
}

// golden compares a frame with testdata/golden/name; -update rewrites it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "testdata", "golden", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestGoldenScreens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		suffix := fmt.Sprintf("%dx%d.txt", size[0], size[1])
		t.Run(suffix, func(t *testing.T) {
			a := newApp(t, appConfig{width: size[0], height: size[1], files: true})
			a.gotoConfig("database", "mysqli").press("esc", "a").replace("cache")
			a.gotoConfig("database", "mysqli").press("esc", "l", "j", "j", "e").replace("admin")
			golden(t, "main_"+suffix, a.screen())

			a.press("?")
			golden(t, "help_"+suffix, a.screen())

			a.press("esc", "S")
			golden(t, "persist_"+suffix, a.screen())
		})
	}
}

func TestViewFullValue(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("features", "search").press("l")
	a.press("v").wantScreen("search.")
	a.press("esc").dontWantScreen("↓/j down")
	a.press("h", "v").wantScreen("search (object)", "{")
	a.press("esc")
}

func TestCtrlCInsideAnInputStillQuits(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "mysqli").press("l", "e", "ctrl+c")
	if !a.quit {
		t.Fatal("ctrl+c in the edit prompt did not quit")
	}
}

// TestRandomKeys presses random keys at several sizes; nothing may panic
// and every frame must fit the screen.
func TestRandomKeys(t *testing.T) {
	keys := []string{"j", "k", "h", "l", "tab", "shift+tab", "enter", "esc", "e", "a", "d", "n", "u", "v", "s", "S", "ctrl+s", "r", "R", "c", "y", "o", "t", "/", "x", "1", "=", "G", "g", "pgdown", "backspace", "?"}
	for _, size := range [][2]int{{80, 24}, {61, 10}, {160, 48}} {
		a := newApp(t, appConfig{width: size[0], height: size[1], files: true})
		seed := uint32(size[0]*1000 + size[1])
		for range 1500 {
			seed = seed*1664525 + 1013904223
			a.press(keys[seed>>16%uint32(len(keys))])
			for i, l := range strings.Split(a.screen(), "\n") {
				if w := ansi.StringWidth(l); w > size[0] || i >= size[1] {
					t.Fatalf("%v: line %d (%d wide) outside the screen:\n%s", size, i, w, a.screen())
				}
			}
		}
	}
}
