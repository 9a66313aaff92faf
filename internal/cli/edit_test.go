package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// editorScript writes a shell script that the edit command runs as
// $EDITOR: each run appends the file it was given to a log, then does the
// next of steps (sed expressions; "" leaves the file as it is; "EMPTY"
// empties it; "SH:…" runs a shell command).
func editorScript(t *testing.T, steps ...string) (logFile string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the editor script is a POSIX shell script")
	}
	dir := t.TempDir()
	logFile = filepath.Join(dir, "seen")
	var b strings.Builder
	b.WriteString("#!/bin/sh\nset -e\nn=$(cat \"$0.count\" 2>/dev/null || echo 0)\necho $((n+1)) > \"$0.count\"\n")
	b.WriteString("{ echo '=== run'; cat \"$1\"; } >> " + logFile + "\n")
	b.WriteString("case $n in\n")
	for i, s := range steps {
		switch {
		case s == "":
			b.WriteString("  " + strconv.Itoa(i) + ") ;;\n")
		case s == "EMPTY":
			b.WriteString("  " + strconv.Itoa(i) + ") : > \"$1\" ;;\n")
		case strings.HasPrefix(s, "SH:"):
			b.WriteString("  " + strconv.Itoa(i) + ") " + s[3:] + " ;;\n")
		default:
			b.WriteString("  " + strconv.Itoa(i) + ") sed -i '" + s + "' \"$1\" ;;\n")
		}
	}
	b.WriteString("  *) echo 'editor run too often' >&2; exit 9 ;;\nesac\n")
	script := filepath.Join(dir, "editor")
	if err := os.WriteFile(script, []byte(b.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", script)
	return logFile
}

func readLog(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCLIEditPersistsAValidEdit(t *testing.T) {
	m, url := seeded(t)
	log := editorScript(t, `s/"root"/"admin"/`)
	r := runCLI(t, "", "--redis", url, "edit", "database", "mysqli").want(t, exitOK)
	if !strings.Contains(r.stderr, "persisted database/mysqli") {
		t.Fatalf("stderr: %q", r.stderr)
	}
	if got, _ := m.Get("database-mysqli"); got != `{"host": "localhost", "db_name": "sambe_db", "user": "admin"}` {
		t.Fatalf("stored %s", got)
	}
	seen := readLog(t, log)
	// Pretty-printed, under the help comment.
	if !strings.Contains(seen, "// confo: editing database/mysqli; save and quit to persist it") ||
		!strings.Contains(seen, "{\n  \"host\": \"localhost\",\n  \"db_name\": \"sambe_db\",\n  \"user\": \"root\"\n}\n") {
		t.Fatalf("the editor was given:\n%s", seen)
	}
	// Stored bytes of the other config and its literals are untouched.
	if got, _ := m.Get("database-postgres"); got != `{"host":"localhost","port":5432,"ratio":1.0}` {
		t.Fatalf("postgres: %s", got)
	}
}

func TestCLIEditReopensOnInvalidJSON(t *testing.T) {
	m, url := seeded(t)
	// First run breaks the JSON (drops a closing quote on line 4 of the
	// file), second run fixes it and changes the port.
	log := editorScript(t, `s/"localhost",/"localhost,/`, `s/"localhost,/"db.internal",/`)
	runCLI(t, "", "--redis", url, "edit", "database", "postgres").want(t, exitOK)
	if got, _ := m.Get("database-postgres"); got != `{"host": "db.internal", "port": 5432, "ratio": 1.0}` {
		t.Fatalf("stored %s", got)
	}
	runs := strings.Split(readLog(t, log), "=== run\n")
	if len(runs) != 3 {
		t.Fatalf("want two editor runs, got %d:\n%s", len(runs)-1, readLog(t, log))
	}
	second := runs[2]
	// The error's line is the broken line of this file, the one shown.
	lines := strings.Split(second, "\n")
	var line int
	if _, err := fmt.Sscanf(lines[0], "// confo: not JSON at line %d,", &line); err != nil || line > len(lines) ||
		lines[line-1] != `  "host": "localhost,` {
		t.Fatalf("the second run does not show the error, and its line, on top of the user's text:\n%s", second)
	}
	if strings.Count(second, "not JSON") != 1 || !strings.Contains(second, "// confo: editing database/postgres") {
		t.Fatalf("the header under the error:\n%s", second)
	}
}

func TestCLIEditCancels(t *testing.T) {
	m, url := seeded(t)
	before := m.Dump()
	for _, tc := range []struct {
		name  string
		steps []string
		code  int
		want  string
	}{
		{"unchanged", []string{""}, exitOK, "edit cancelled: no changes"},
		{"emptied", []string{"EMPTY"}, exitOK, "edit cancelled: the file was emptied"},
		{"only reformatted", []string{`s/  "host"/"host"/`}, exitOK, "edit cancelled: no changes"},
		{"comments only", []string{`/^{/,$d`}, exitOK, "edit cancelled: the file was emptied"},
		{"still invalid", []string{`s/}/]/`, ""}, exitError, "still not valid JSON; it is kept in "},
		{"editor fails", []string{"q5"}, exitError, "the editor exited with exit status 5; nothing was written"},
	} {
		editorScript(t, tc.steps...)
		r := runCLI(t, "", "--redis", url, "edit", "database", "mysqli")
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, r.code, r.stderr, tc.code, tc.want)
		}
		if after := m.Dump(); after != before {
			t.Fatalf("%s: the edit wrote:\n%s", tc.name, after)
		}
		if tc.name == "still invalid" {
			kept := strings.TrimSpace(r.stderr[strings.Index(r.stderr, "kept in ")+len("kept in "):])
			if b, err := os.ReadFile(kept); err != nil || !strings.Contains(string(b), "]") {
				t.Errorf("the kept file %s: %v %q", kept, err, b)
			}
			os.Remove(kept)
		}
	}
	runCLI(t, "", "--redis", url, "--readonly", "edit", "database", "mysqli").want(t, exitError)
	runCLI(t, "", "--redis", url, "edit", "database", "nope").want(t, exitError)
	runCLI(t, "", "--redis", url, "edit", "database").want(t, exitUsage)
}

// Another client changes the config while the editor is open: the edit is
// refused as a conflict (exit 3), nothing of it is written, and the text
// is kept for the user.
func TestCLIEditConflict(t *testing.T) {
	addr := redisserver.Redis(t)
	cli := redisserver.RequireTool(t, "redis-cli")
	host, port, _ := strings.Cut(addr, ":")
	url := "redis://" + addr
	runCLI(t, `{"database": {"mysqli": {"host": "localhost"}}}`, "--redis", url, "import", "-").want(t, exitOK)
	theirs := `{"host": "theirs"}`
	editorScript(t, fmt.Sprintf(`SH:sed -i 's/localhost/mine/' "$1" && %s -h %s -p %s SET database-mysqli '%s' >/dev/null`, cli, host, port, theirs))
	r := runCLI(t, "", "--redis", url, "edit", "database", "mysqli").want(t, exitConflict)
	if !strings.Contains(r.stderr, "1 conflict, nothing of their namespace was written: database/mysqli (changed by another client)") ||
		!strings.Contains(r.stderr, "confo get shows their version; --overwrite writes yours over it") ||
		strings.Contains(r.stderr, "reload") || !strings.Contains(r.stderr, "your text is kept in ") {
		t.Fatalf("conflict message: %q", r.stderr)
	}
	kept := strings.TrimSpace(r.stderr[strings.Index(r.stderr, "kept in ")+len("kept in "):])
	defer os.Remove(kept)
	if b, err := os.ReadFile(kept); err != nil || !strings.Contains(string(b), `"mine"`) {
		t.Fatalf("kept file %s: %v %q", kept, err, b)
	}
	if got := runCLI(t, "", "--redis", url, "get", "database", "mysqli").want(t, exitOK).stdout; got != theirs+"\n" {
		t.Fatalf("their version was overwritten: %s", got)
	}
}

// The header is confo's text: a stored name in it is escaped, as on the
// terminal; the value under it keeps its bytes.
func TestCLIEditHeaderEscapesTheName(t *testing.T) {
	m, url := seeded(t)
	// Written by a tool that does not check names, as confo does.
	ns := "title\x1b]2;PWNED\x07ns"
	m.Set("confo", `{"namespaces": ["database", "sales", "title\u001b]2;PWNED\u0007ns"]}`)
	m.Set(ns, `{"configurations": ["plain"]}`)
	m.Set(ns+"-plain", `{"a": "\u001b"}`)
	log := editorScript(t, "")
	runCLI(t, "", "--redis", url, "edit", "title\x1b]2;PWNED\x07ns", "plain").want(t, exitOK)
	seen := readLog(t, log)
	if !strings.Contains(seen, `// confo: editing title\x1b]2;PWNED\x07ns/plain; `) || strings.Count(seen, "\x1b") != 0 || !strings.Contains(seen, `"a": "\u001b"`) {
		t.Fatalf("the editor was given:\n%q", seen)
	}
}
