package e2e

// End-to-end tests: the real confo binary runs in a detached tmux session
// against a real redis-server, and the tests drive it with keystrokes the
// way a person would, reading the screen with capture-pane and the data
// with a go-redis client.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

const (
	// e2eWait bounds every wait for the screen to show something. Polling
	// returns as soon as it does, so a generous bound costs nothing when the
	// machine is fast and keeps a slow, shared one from flaking.
	e2eWait = 10 * time.Second
	// e2eStartWait bounds the first screen: process start, Redis connect
	// and the initial load, on a machine that may be busy building.
	e2eStartWait = 30 * time.Second
	e2ePoll      = 100 * time.Millisecond
	// e2eTarget is the tmux session (and so its only pane) confo runs in.
	e2eTarget = "confo"
)

// The seed data, in the Confo layout: a registry of namespaces, one key per
// namespace listing its configurations, one key per configuration.
const (
	seedMysqli   = `{"host": "localhost", "db_name": "sambe_db", "user": "root"}`
	seedPostgres = `{"host": "localhost", "db_name": "sambe_db", "user": "root123"}`
)

var e2eSeed = map[string]string{
	"confo":             `{"namespaces": ["database"]}`,
	"database":          `{"configurations": ["mysqli", "postgres"]}`,
	"database-mysqli":   seedMysqli,
	"database-postgres": seedPostgres,
}

// TestEndToEndTmux edits a field, persists it with s and checks the bytes in
// Redis; then changes another config behind the app's back, reloads with r
// and sees the new value; then quits with q.
func TestEndToEndTmux(t *testing.T) {
	e := startE2E(t)

	// The main screen, with the first config's fields.
	e.waitFor(e2eStartWait, "main screen", hasAll("Backends", "Namespaces", "database", "mysqli", "postgres", `"root"`))

	// Namespace database → config mysqli → field user. The focus starts
	// somewhere in the middle: walk left to the backends pane first
	// (h stops at the leftmost pane), then right one pane at a time.
	send(t, e.sock, "h", "h", "h", "h")
	send(t, e.sock, "l", "g") // namespaces pane, first namespace
	e.waitFor(e2eWait, "cursor on namespace database", cursorOn("database"))
	send(t, e.sock, "Enter", "g") // configs pane, first config
	e.waitFor(e2eWait, "cursor on config mysqli", cursorOn("mysqli"))
	send(t, e.sock, "l") // fields pane
	e.selectRow("user", "host", "db_name", "user")

	// Edit it: enter opens the prompt prefilled with the value; clear it
	// (ctrl+u deletes to the start of the line) and type the new one.
	send(t, e.sock, "Enter")
	e.waitFor(e2eWait, "edit prompt", hasAll("Edit mysqli.user (string)"))
	e.waitFor(e2eWait, "old value in the prompt", promptShows("Edit mysqli.user", "root"))
	send(t, e.sock, "C-u")
	e.waitFor(e2eWait, "empty prompt", promptShows("Edit mysqli.user", ""))
	sendText(t, e.sock, "maddox1")
	e.waitFor(e2eWait, "new value in the prompt", promptShows("Edit mysqli.user", "maddox1"))
	send(t, e.sock, "Enter")
	e.waitFor(e2eWait, "edited field and unsaved count",
		hasAll("edited mysqli.user: not persisted yet", "1 unsaved"),
		matches(`user\s+"maddox1"\s+string`),
		negate(hasAll("Edit mysqli.user")))

	// Persist the config: s shows what will be written, y confirms.
	send(t, e.sock, "s")
	e.waitFor(e2eWait, "persist confirmation", hasAll("Persist config database/mysqli?", "changed user", "y persist"))
	send(t, e.sock, "y")
	e.waitFor(e2eWait, "persist success in the status bar",
		hasAll("✓ persisted"), negate(hasAll("unsaved")), negate(hasAll("Persist config")))

	// The bytes in Redis: the edited config keeps its key order and
	// spacing, and nothing else was touched.
	e.wantRedis("database-mysqli", `{"host": "localhost", "db_name": "sambe_db", "user": "maddox1"}`)
	e.wantRedis("database-postgres", seedPostgres)
	e.wantRedis("database", e2eSeed["database"])
	e.wantRedis("confo", e2eSeed["confo"])

	// Another client (redis-cli) changes postgres; r reloads the namespace.
	const postgres2 = `{"host": "db2.internal", "db_name": "sambe_db", "user": "root123"}`
	host, port, _ := strings.Cut(e.rdb.Options().Addr, ":")
	if out, err := exec.Command(redisserver.RequireTool(t, "redis-cli"), "-h", host, "-p", port, "SET", "database-postgres", postgres2).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "OK" {
		e.fatalf("redis-cli SET database-postgres: %v: %s", err, out)
	}
	send(t, e.sock, "r")
	// The live refresh may show the change before r does; either way the
	// reload succeeds and the new value is on screen.
	e.waitFor(e2eWait, "reload success in the status bar", hasAll("✓ reloaded database"))
	send(t, e.sock, "h") // back to the configs pane
	e.selectRow("postgres", "mysqli", "postgres")
	e.waitFor(e2eWait, "the new postgres host", matches(`host\s+"db2\.internal"`), hasAll(`"root123"`))
	// The reload did not bring back the old mysqli value.
	e.wantRedis("database-mysqli", `{"host": "localhost", "db_name": "sambe_db", "user": "maddox1"}`)

	// Quit: nothing is unsaved, so q exits at once (answer y if it asks).
	e.quit()
	e.wantRedis("database-postgres", postgres2)
}

// TestEndToEndTmuxQuitAsksWithUnsavedChanges: with an unsaved edit, q asks
// before quitting, "no" keeps the app running, and quitting anyway writes
// nothing.
func TestEndToEndTmuxQuitAsksWithUnsavedChanges(t *testing.T) {
	e := startE2E(t)

	e.waitFor(e2eStartWait, "main screen", hasAll("Backends", "Namespaces", "database", "mysqli", "postgres", `"root"`))
	send(t, e.sock, "h", "h", "h", "h", "l", "g")
	e.waitFor(e2eWait, "cursor on namespace database", cursorOn("database"))
	send(t, e.sock, "l", "g")
	e.waitFor(e2eWait, "cursor on config mysqli", cursorOn("mysqli"))
	send(t, e.sock, "l")
	e.selectRow("user", "host", "db_name", "user")
	send(t, e.sock, "e")
	e.waitFor(e2eWait, "edit prompt", hasAll("Edit mysqli.user (string)"), promptShows("Edit mysqli.user", "root"))
	send(t, e.sock, "C-u")
	e.waitFor(e2eWait, "empty prompt", promptShows("Edit mysqli.user", ""))
	sendText(t, e.sock, "nobody")
	e.waitFor(e2eWait, "new value in the prompt", promptShows("Edit mysqli.user", "nobody"))
	send(t, e.sock, "Enter")
	e.waitFor(e2eWait, "one unsaved change", hasAll("1 unsaved"), matches(`user\s+"nobody"`))

	// q asks; n answers no and the app goes on.
	send(t, e.sock, "q")
	e.waitFor(e2eWait, "quit question", hasAll("Quit confo?", "1 unsaved change will be lost"))
	send(t, e.sock, "n")
	e.waitFor(e2eWait, "question gone, edit kept",
		negate(hasAll("Quit confo?")), hasAll("1 unsaved"), matches(`user\s+"nobody"`))
	// Still running and still listening to keys.
	send(t, e.sock, "k")
	e.waitFor(e2eWait, "cursor moved after answering no", cursorOn("db_name"))
	if dead, _ := e.exited(); dead {
		e.fatalf("confo exited after answering no to the quit question")
	}
	e.wantRedis("database-mysqli", seedMysqli)

	// Quitting anyway throws the edit away.
	send(t, e.sock, "q")
	waitFor(t, e.sock, "Quit confo?", e2eWait)
	send(t, e.sock, "y")
	e.waitExit()
	e.wantRedis("database-mysqli", seedMysqli)
	e.wantRedis("database-postgres", seedPostgres)
}

// e2e is one confo process in tmux over one redis-server.
type e2e struct {
	t    *testing.T
	sock string
	rdb  *redis.Client
	// exitFile receives confo's exit status from the shell that runs it.
	exitFile string
}

var e2eSockets atomic.Int64

// startE2E checks the tools, builds confo, starts and seeds a redis-server,
// and runs confo on it in a fresh tmux server of its own.
func startE2E(t *testing.T) *e2e {
	t.Helper()
	return startTUI(t, tuiRun{})
}

// tmuxEnv is the test's environment for a tmux of its own: not nested in
// a tmux the tests may run in, with the terminal type the app should see.
func tmuxEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TMUX=") || strings.HasPrefix(kv, "TMUX_PANE=") || strings.HasPrefix(kv, "TERM=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TERM=xterm-256color")
}

// buildConfo builds the real binary, once per test, into the test's
// temporary directory.
func buildConfo(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "confo")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/confo-dev/confo").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// capture returns the visible screen of the session's pane.
func capture(sock string) (string, error) {
	out, err := exec.Command("tmux", "-L", sock, "capture-pane", "-p", "-t", e2eTarget).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("tmux capture-pane: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// exited reports whether confo has exited and, when known, how ("status
// N"; 128+N when signal N killed it).
func (e *e2e) exited() (done bool, how string) {
	if b, err := os.ReadFile(e.exitFile); err == nil {
		return true, "status " + strings.TrimSpace(string(b))
	}
	out, err := exec.Command("tmux", "-L", e.sock, "display-message", "-p", "-t", e2eTarget, "#{pane_dead}").CombinedOutput()
	if err != nil {
		// No server or no session: nothing runs there any more.
		return true, "unknown: " + strings.TrimSpace(string(out))
	}
	if strings.TrimSpace(string(out)) == "1" {
		return true, "unknown: its pane is dead"
	}
	return false, ""
}

// condition is what a screen must show; desc says what failed.
type condition func(screen string) (ok bool, desc string)

func hasAll(subs ...string) condition {
	return func(s string) (bool, string) {
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				return false, fmt.Sprintf("missing %q", sub)
			}
		}
		return true, ""
	}
}

func matches(expr string) condition {
	re := regexp.MustCompile(expr)
	return func(s string) (bool, string) {
		if !re.MatchString(s) {
			return false, fmt.Sprintf("no match for /%s/", expr)
		}
		return true, ""
	}
}

func negate(c condition) condition {
	return func(s string) (bool, string) {
		if ok, _ := c(s); ok {
			return false, "shows what it should not"
		}
		return true, ""
	}
}

// promptShows: the input line of the dialog titled title (the line under
// its top border) holds exactly value.
func promptShows(title, value string) condition {
	return func(s string) (bool, string) {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			if !strings.Contains(l, title) || i+1 >= len(lines) {
				continue
			}
			// The dialog's left border is the ╭ nearest before its title.
			head, _, _ := strings.Cut(l, title)
			col := strings.LastIndex(head, "╭")
			if col >= 0 {
				col = len([]rune(head[:col]))
			}
			next := []rune(lines[i+1])
			if col < 0 || col >= len(next) || next[col] != '│' {
				return false, "no input line under the " + title + " dialog"
			}
			text, _, _ := strings.Cut(string(next[col+1:]), "│")
			if got := strings.TrimSpace(text); got != value {
				return false, fmt.Sprintf("the %s dialog shows %q, want %q", title, got, value)
			}
			return true, ""
		}
		return false, "no " + title + " dialog"
	}
}

// cursorOn: the cursor mark (▸, then a state mark or blank) is on the row
// named name, in whichever pane.
func cursorOn(name string) condition {
	return matches(`▸.{0,2}` + regexp.QuoteMeta(name) + `(\s|$)`)
}

// waitFor polls the screen every 100 ms until it contains want, and fails
// the test with the last screen when timeout passes first.
func waitFor(t *testing.T, sock, want string, timeout time.Duration) string {
	t.Helper()
	return (&e2e{t: t, sock: sock}).waitFor(timeout, fmt.Sprintf("%q on screen", want), hasAll(want))
}

// waitFor polls the screen until every condition holds. It fails at once
// when confo has exited, and after timeout with the last screen.
func (e *e2e) waitFor(timeout time.Duration, what string, conds ...condition) string {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	var screen, why string
	for {
		s, err := capture(e.sock)
		if err != nil {
			why = err.Error()
		} else {
			screen, why = s, ""
			for _, c := range conds {
				if ok, d := c(s); !ok {
					why = d
					break
				}
			}
			if why == "" {
				return screen
			}
		}
		if dead, how := e.exited(); dead {
			e.t.Fatalf("waiting for %s: confo exited (%s)\n%s%s", what, how, frame(screen), e.stderr())
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("waiting for %s: not there after %v (%s)\n%s%s", what, timeout, why, frame(screen), e.stderr())
		}
		time.Sleep(e2ePoll)
	}
}

// selectRow moves the focused pane's cursor to the row named want with
// j/k, the rows being listed top to bottom, waiting for each step.
func (e *e2e) selectRow(want string, rows ...string) {
	e.t.Helper()
	send(e.t, e.sock, "g")
	e.waitFor(e2eWait, "cursor on "+rows[0], cursorOn(rows[0]))
	for _, r := range rows[1:] {
		send(e.t, e.sock, "j")
		e.waitFor(e2eWait, "cursor on "+r, cursorOn(r))
		if r == want {
			return
		}
	}
	if rows[0] != want {
		e.t.Fatalf("selectRow: %q is not in %q", want, rows)
	}
}

// send presses keys by their tmux names (Enter, C-u, Escape, j …).
func send(t *testing.T, sock string, keys ...string) {
	t.Helper()
	args := append([]string{"-L", sock, "send-keys", "-t", e2eTarget}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux send-keys %q: %v: %s", keys, err, out)
	}
}

// sendText types text literally.
func sendText(t *testing.T, sock, text string) {
	t.Helper()
	if out, err := exec.Command("tmux", "-L", sock, "send-keys", "-t", e2eTarget, "-l", text).CombinedOutput(); err != nil {
		t.Fatalf("tmux send-keys -l %q: %v: %s", text, err, out)
	}
}

// wantRedis checks a key's bytes in Redis.
func (e *e2e) wantRedis(key, want string) {
	e.t.Helper()
	got, err := e.rdb.Get(context.Background(), key).Result()
	if err != nil {
		e.fatalf("GET %s: %v", key, err)
	}
	if got != want {
		e.fatalf("Redis %s =\n  %s\nwant\n  %s", key, got, want)
	}
}

// quit presses q, answers y if confo asks, and waits for it to exit.
func (e *e2e) quit() {
	e.t.Helper()
	send(e.t, e.sock, "q")
	deadline := time.Now().Add(e2eWait)
	for {
		if dead, _ := e.exited(); dead {
			break
		}
		if s, err := capture(e.sock); err == nil && strings.Contains(s, "Quit confo?") {
			send(e.t, e.sock, "y")
			break
		}
		if time.Now().After(deadline) {
			e.fatalf("q: confo neither exited nor asked within %v", e2eWait)
		}
		time.Sleep(e2ePoll)
	}
	e.waitExit()
}

// waitExit waits for confo to exit with status 0, its pane left dead.
func (e *e2e) waitExit() {
	e.t.Helper()
	deadline := time.Now().Add(e2eWait)
	for {
		// The exit status first, then the pane closing (its pty shut).
		if b, err := os.ReadFile(e.exitFile); err == nil {
			if status := strings.TrimSpace(string(b)); status != "0" {
				e.fatalf("confo exited with status %s", status)
			}
			break
		}
		if time.Now().After(deadline) {
			e.fatalf("confo still running %v after quitting", e2eWait)
		}
		time.Sleep(e2ePoll)
	}
	for {
		out, err := exec.Command("tmux", "-L", e.sock, "display-message", "-p", "-t", e2eTarget, "#{pane_dead}").CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) == "1" {
			return
		}
		if time.Now().After(deadline) {
			e.fatalf("confo exited but its pane is still open %v after quitting", e2eWait)
		}
		time.Sleep(e2ePoll)
	}
}

// fatalf fails the test with the current screen.
func (e *e2e) fatalf(format string, args ...any) {
	e.t.Helper()
	s, err := capture(e.sock)
	if err != nil {
		s = err.Error()
	}
	e.t.Fatalf(format+"\n%s%s", append(args, frame(s), e.stderr())...)
}

// stderr is what confo wrote to its standard error so far, if anything.
func (e *e2e) stderr() string {
	b, err := os.ReadFile(e.exitFile + ".stderr")
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	return "confo's stderr:\n" + string(b)
}

// frame marks a screen dump's edges so trailing blanks and empty lines
// are visible in the log.
func frame(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	var b strings.Builder
	b.WriteString("screen:\n")
	for _, l := range lines {
		b.WriteString("  |" + l + "\n")
	}
	return b.String()
}
