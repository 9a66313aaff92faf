package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// hostileNamespace would write "PWNED" to the clipboard (OSC 52) and set
// the window title (APC and OSC 2) if it reached a terminal raw.
var hostileNamespace = "ns\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("PWNED")) + "\x07" +
	"\x1b_apc\x1b\\\x1b]2;owned-title\x07\u009b31m"

// seedRedis starts a redis-server holding the given keys.
func seedRedis(t *testing.T, keys map[string]string) string {
	t.Helper()
	addr := redisserver.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	for k, v := range keys {
		if err := rdb.Set(context.Background(), k, v, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	return addr
}

// TestCLIStoredEscapesNeverReachTheTerminal: `confo namespaces` on a
// terminal shows a hostile namespace name escaped, and tmux (with
// set-clipboard on) receives no clipboard write and no title; piped, the
// same command prints the exact bytes for scripts. A raw printf of the
// same sequence first proves the pane would have caught it.
func TestCLIStoredEscapesNeverReachTheTerminal(t *testing.T) {
	registry, err := json.Marshal([]string{"database", hostileNamespace})
	if err != nil {
		t.Fatal(err)
	}
	addr := seedRedis(t, map[string]string{
		"confo":                   `{"namespaces": ` + string(registry) + `}`,
		"database":                `{"configurations": []}`,
		hostileNamespace:          `{"configurations": ["bad"]}`,
		hostileNamespace + "-bad": "not json",
	})
	bin := buildConfo(t)
	const conf = "set -g set-clipboard on\nset -g allow-rename on\nset -g set-titles on\n"

	control := startPane(t, conf, nil, "printf", "\033]52;c;"+base64.StdEncoding.EncodeToString([]byte("PWNED"))+"\007")
	control.waitStatus()
	if out, err := control.tmuxOut("show-buffer"); err != nil || out != "PWNED" {
		t.Fatalf("control: a raw OSC 52 should reach tmux's buffer: %q, %v", out, err)
	}

	e := startPane(t, conf, nil, bin, "--redis", "redis://"+addr, "namespaces")
	if status := e.waitStatus(); status != "0" {
		e.fatalf("confo namespaces exited with %s", status)
	}
	screen := e.waitFor(e2eWait, "escaped name", hasAll(`ns\x1b]52;c;UFdORUQ=\x07\x1b_apc\x1b\\\x1b]2;owned-title\x07\u009b31m`, "database"))
	if out, err := e.tmuxOut("show-buffer"); err == nil {
		t.Fatalf("the clipboard was written: %q\n%s", out, frame(screen))
	}
	if title, _ := e.tmuxOut("display-message", "-p", "#{pane_title}"); strings.Contains(title, "owned") {
		t.Fatalf("the pane title was set: %q", title)
	}

	// An error message that quotes stored names (a config that is not
	// JSON): escaped on a terminal's stderr too. The harness sends
	// stderr to a file, so this run points it back at the terminal.
	e = startPane(t, conf, nil, "sh", "-c", `exec "$@" 2>&1`, "sh", bin, "--redis", "redis://"+addr, "get", hostileNamespace, "bad")
	if status := e.waitStatus(); status != "1" {
		e.fatalf("confo get exited with %s", status)
	}
	screen = e.waitFor(e2eWait, "escaped error", hasAll(`confo: config ns\x1b]52;c;UFdORUQ=\x07\x1b_apc`, "/bad: key \"ns", "not JSON"))
	if out, err := e.tmuxOut("show-buffer"); err == nil {
		t.Fatalf("the clipboard was written by an error message: %q\n%s", out, frame(screen))
	}

	// Piped: exact bytes.
	var out bytes.Buffer
	cmd := exec.Command(bin, "--redis", "redis://"+addr, "namespaces")
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if want := "database\n" + hostileNamespace + "\n"; out.String() != want {
		t.Fatalf("piped output is not exact:\n%q\nwant\n%q", out.String(), want)
	}
}

// TestCLIEditInTmux runs `confo edit` on a terminal with an EDITOR script:
// a valid edit is persisted; an invalid one reopens the editor with the
// error on top, and the fixed text is persisted.
func TestCLIEditInTmux(t *testing.T) {
	addr := seedRedis(t, e2eSeed)
	bin := buildConfo(t)
	dir := t.TempDir()
	// The script edits with sed, shows the file on the terminal, and
	// waits for a key so the screen can be read before confo goes on.
	editor := filepath.Join(dir, "editor")
	script := `#!/bin/sh
n=$(cat "$0.count" 2>/dev/null || echo 0); echo $((n+1)) > "$0.count"
case $n in
  0) sed -i 's/"root"/"admin"/' "$1" ;;
  1) sed -i 's/"localhost",/"localhost"/' "$1" ;;
  2) sed -i 's/"localhost"$/"db2.internal",/' "$1" ;;
esac
echo "--- editor run $n ---"; cat "$1"; echo "--- press enter ---"; read x
`
	if err := os.WriteFile(editor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	get := func(key string) string {
		v, err := rdb.Get(context.Background(), key).Result()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	e := startPane(t, "", []string{"EDITOR=" + editor, "VISUAL="}, bin, "--redis", "redis://"+addr, "edit", "database", "mysqli")
	e.waitFor(e2eWait, "the editor on the pretty config", hasAll("--- editor run 0 ---", "// confo: editing database/mysqli", `  "user": "admin"`, "--- press enter ---"))
	send(t, e.sock, "Enter")
	if status := e.waitStatus(); status != "0" {
		e.fatalf("edit exited with %s", status)
	}
	if got := get("database-mysqli"); got != `{"host": "localhost", "db_name": "sambe_db", "user": "admin"}` {
		t.Fatalf("stored %s", got)
	}

	e = startPane(t, "", []string{"EDITOR=" + editor, "VISUAL="}, bin, "--redis", "redis://"+addr, "edit", "database", "postgres")
	e.waitFor(e2eWait, "the broken edit", hasAll("--- editor run 1 ---", `"host": "localhost"`))
	send(t, e.sock, "Enter")
	e.waitFor(e2eWait, "the editor again, with the error on top", hasAll("--- editor run 2 ---", "// confo: not JSON at line 6, column 3", `"host": "db2.internal",`))
	send(t, e.sock, "Enter")
	if status := e.waitStatus(); status != "0" {
		e.fatalf("edit exited with %s", status)
	}
	if got := get("database-postgres"); got != `{"host": "db2.internal", "db_name": "sambe_db", "user": "root123"}` {
		t.Fatalf("stored %s", got)
	}
}

// TestDemoCleanupOnSignals: the terminal UI on the embedded demo removes
// its temporary folder when its terminal hangs up (SIGHUP) or it is asked
// to stop (SIGTERM), as it does on quit.
func TestDemoCleanupOnSignals(t *testing.T) {
	bin := buildConfo(t)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM} {
		tmp := t.TempDir()
		e := startPane(t, "", []string{"TMPDIR=" + tmp}, bin)
		e.waitFor(e2eStartWait, "the demo's main screen", hasAll("Backends", "Namespaces", "analytics"))
		if entries, _ := os.ReadDir(tmp); len(entries) == 0 {
			t.Fatalf("%v: the demo made no folder in TMPDIR", sig)
		}
		shellPID, err := os.ReadFile(e.exitFile + ".pid")
		if err != nil {
			t.Fatal(err)
		}
		// confo is the recording shell's only child; signal it, as a
		// closing terminal or kill(1) would.
		out, err := exec.Command(redisserver.RequireTool(t, "pgrep"), "-P", strings.TrimSpace(string(shellPID))).Output()
		children := strings.Fields(string(out))
		if err != nil || len(children) != 1 {
			t.Fatalf("want one child of the shell: %q, %v", out, err)
		}
		pid, err := strconv.Atoi(children[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Kill(pid, sig); err != nil {
			t.Fatal(err)
		}
		e.waitStatus()
		deadline := time.Now().Add(e2eWait)
		for {
			entries, _ := os.ReadDir(tmp)
			if len(entries) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%v: the demo left %d entr(ies) in TMPDIR, first %s", sig, len(entries), entries[0].Name())
			}
			time.Sleep(e2ePoll)
		}
	}
}
