package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"
)

// TestTUIEditorRoundTrip: E opens $EDITOR on the field as JSON; a script
// standing in for the editor changes the file; the value comes back as an
// unsaved edit that s persists.
func TestTUIEditorRoundTrip(t *testing.T) {
	dir := t.TempDir()
	editor := filepath.Join(dir, "editor.sh")
	seen := filepath.Join(dir, "seen")
	script := "#!/bin/sh\ncp \"$1\" " + seen + "\nsed -i 's/\"root\"/\"from-editor\"/' \"$1\"\n"
	if err := os.WriteFile(editor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	e := startTUI(t, tuiRun{env: []string{"EDITOR=" + editor, "VISUAL="}})
	e.waitFor(e2eStartWait, "main screen", hasAll("Namespaces", "mysqli", `"root"`))
	e.goTo("database", "mysqli")
	send(t, e.sock, "l")
	e.selectRow("user", "host", "db_name", "user")
	send(t, e.sock, "E")
	e.waitFor(e2eWait, "edited from the editor",
		hasAll("edited database/mysqli.user in $EDITOR", "1 unsaved"), matches(`user\s+"from-editor"`))
	data, err := os.ReadFile(seen)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "// confo: editing database/mysqli.user (string)") || !strings.HasSuffix(string(data), "\n\"root\"\n") {
		t.Fatalf("the editor got:\n%s", data)
	}
	e.wantRedis("database-mysqli", seedMysqli)
	send(t, e.sock, "s")
	e.waitFor(e2eWait, "persist question", hasAll(`user: "root" → "from-editor"`))
	send(t, e.sock, "y")
	e.waitFor(e2eWait, "persisted", hasAll("✓ persisted database/mysqli"))
	e.wantRedis("database-mysqli", `{"host": "localhost", "db_name": "sambe_db", "user": "from-editor"}`)
	e.quit()
}

// TestTUICopy: y copies the config as JSON through OSC 52; tmux, with
// set-clipboard on, keeps it as a paste buffer.
func TestTUICopy(t *testing.T) {
	e := startTUI(t, tuiRun{tmuxConf: "set -g set-clipboard on\n"})
	e.waitFor(e2eStartWait, "main screen", hasAll("Namespaces", "mysqli"))
	e.goTo("database", "mysqli")
	send(t, e.sock, "y")
	e.waitFor(e2eWait, "copied", hasAll("✓ copied the config mysqli as JSON"))
	e.waitBuffer(seedMysqli)
	send(t, e.sock, "Y")
	e.waitFor(e2eWait, "copied the key", hasAll("✓ copied the key database-mysqli"))
	e.waitBuffer("database-mysqli")
	e.quit()
}

// waitBuffer waits for tmux's newest paste buffer to hold want.
func (e *e2e) waitBuffer(want string) {
	e.t.Helper()
	for range 100 {
		if got := e.tmux("show-buffer"); got == want {
			return
		}
		e.waitFor(e2eWait, "still running", hasAll("Namespaces"))
	}
	e.fatalf("tmux buffer is %q, want %q", e.tmux("show-buffer"), want)
}

// TestTUIDeadBackendAtStart: one unreachable backend is shown with its
// error and a retry key; the other one is usable.
func TestTUIDeadBackendAtStart(t *testing.T) {
	e := startTUI(t, tuiRun{args: []string{"--redis", "good=REDIS", "--redis", "dead=redis://127.0.0.1:1/0"}})
	e.waitFor(e2eStartWait, "both backends", hasAll("◆ good", "⊘ dead", "mysqli", `"root"`))
	e.goTo("database", "postgres")
	e.waitFor(e2eWait, "postgres fields", hasAll(`"root123"`))
	send(t, e.sock, "h", "h", "h", "j")
	e.waitFor(e2eWait, "dead backend selected", cursorOn("dead"), hasAll("R retry"))
	send(t, e.sock, "R")
	e.waitFor(e2eWait, "retried", hasAll("⊘ dead", "cannot reach"))
	send(t, e.sock, "k")
	e.waitFor(e2eWait, "back on the good backend", cursorOn("good"), hasAll("postgres"))
	e.quit()
}

// TestTUIHostileNames: stored names with APC, OSC and C1 sequences, newline,
// CR and backspace reach the screen escaped: the pane's title and the
// clipboard stay untouched and every row keeps its place.
func TestTUIHostileNames(t *testing.T) {
	evil := "cfg\x1b_evil\x1b\\\x1b]2;pwned\x07"
	names := []string{evil, "c1\u009b31m", "nl\nbreak", "cr\rover", "bs\bback", "osc52\x1b]52;c;cHduZWQ=\x07"}
	seed := map[string]string{
		"confo":    `{"namespaces": ["database"]}`,
		"database": fmt.Sprintf(`{"configurations": [%s]}`, quoteAll(names)),
	}
	for _, n := range names {
		seed["database-"+n] = `{"k\u001b]2;pwned2\u0007": "v\u009b2J"}`
	}
	e := startTUI(t, tuiRun{seed: seed, tmuxConf: "set -g set-clipboard on\nset -g allow-rename on\nset -g set-titles on\n"})
	screen := e.waitFor(e2eStartWait, "escaped names", hasAll(`cfg\x1b_evil`, `c1\u009b31m`, `nl\nbreak`, `cr\rover`, `bs\x08back`, "␛"))
	send(t, e.sock, "h", "h", "l", "g")
	screen = e.waitFor(e2eWait, "escaped field keys", hasAll(`␛k\x1b]2;pwned2`))
	if title := strings.TrimSpace(e.tmux("display-message", "-p", "-t", e2eTarget, "#{pane_title}")); strings.Contains(title, "pwned") || title != "confo" {
		e.fatalf("the pane title is %q", title)
	}
	if buf := e.tmux("show-buffer"); !strings.HasPrefix(buf, "error:") {
		e.fatalf("something wrote the clipboard: %q", buf)
	}
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	if len(lines) != 36 {
		e.fatalf("%d screen lines, want 36", len(lines))
	}
	for i, l := range lines {
		if w := utf8.RuneCountInString(l); w > 120 {
			e.fatalf("line %d is %d wide", i, w)
		}
		if i > 0 && i < 34 && !strings.HasPrefix(l, "╭") && !strings.HasPrefix(l, "│") && !strings.HasPrefix(l, "╰") {
			e.fatalf("line %d lost the pane border: %q", i, l)
		}
	}
	e.quit()
}

func quoteAll(names []string) string {
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%q", n))
	}
	// Go's %q is JSON-compatible for these escapes except \x, \a, \b, \v.
	return strings.NewReplacer(`\x1b`, `\u001b`, `\x07`, `\u0007`, `\a`, `\u0007`, `\b`, `\u0008`).Replace(strings.Join(parts, ", "))
}

// TestTUITypingDuringALargeLoad: the first frame shows the namespace list
// while 1,000,000 configs (1,000 namespaces of 1,000) load in the
// background; keys move the cursor and the filter answers while the
// loading goes on (the test fails if the load had ended before them).
func TestTUITypingDuringALargeLoad(t *testing.T) {
	const namespaces, perNS = 1000, 1000
	fill := func(t *testing.T, rdb *redis.Client) {
		ctx := context.Background()
		var reg []string
		for i := range namespaces {
			ns := fmt.Sprintf("ns%04d", i)
			reg = append(reg, fmt.Sprintf("%q", ns))
			pipe := rdb.Pipeline()
			var cfgs []string
			for j := range perNS {
				cfg := fmt.Sprintf("cfg%04d", j)
				cfgs = append(cfgs, fmt.Sprintf("%q", cfg))
				pipe.Set(ctx, ns+"-"+cfg, fmt.Sprintf(`{"host": "h%d", "port": %d, "pad": "%s"}`, j, j, strings.Repeat("x", 200)), 0)
			}
			pipe.Set(ctx, ns, `{"configurations": [`+strings.Join(cfgs, ", ")+`]}`, 0)
			if _, err := pipe.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if err := rdb.Set(ctx, "confo", `{"namespaces": [`+strings.Join(reg, ", ")+`]}`, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	e := startTUI(t, tuiRun{seed: map[string]string{}, fill: fill})
	e.waitFor(e2eStartWait, "namespace list", hasAll("ns0000", "ns0001"))
	send(t, e.sock, "h")
	// While loading: the cursor moves and the filter answers.
	for _, want := range []string{"ns0001", "ns0002", "ns0003"} {
		send(t, e.sock, "j")
		e.waitFor(e2eWait, "cursor on "+want, cursorOn(want))
	}
	send(t, e.sock, "/")
	sendText(t, e.sock, "0399")
	e.waitFor(e2eWait, "filtered", cursorOn("ns0399"))
	send(t, e.sock, "Enter", "l")
	e.waitFor(e2eWait, "ns0399 configs", hasAll("cfg0000", "cfg0001"))
	if s, _ := capture(e.sock); !strings.Contains(s, "loading") {
		e.fatalf("the load ended before the keys were typed: nothing was typed during it")
	}
	e.waitFor(e2eStartWait, "the load finished", negate(hasAll("loading ")), matches(fmt.Sprintf(`ns0399\s+%d`, perNS)))
	e.quit()
}
