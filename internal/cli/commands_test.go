package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
)

// seeded starts a miniredis holding the seed data and returns its URL.
func seeded(t *testing.T) (*miniredis.Miniredis, string) {
	t.Helper()
	m := miniredis.RunT(t)
	plantSeed(t, m)
	return m, "redis://" + m.Addr()
}

// cliCase is one command line and what it must print and return.
type cliCase struct {
	name  string
	stdin string
	args  []string
	code  int
	// stdout, when set, is the exact standard output; the others are
	// substrings of standard output or error.
	stdout     *string
	outHas     []string
	errHas     []string
	errLines   int // 0: do not check; else the exact number of stderr lines
	errMissing []string
}

func exactly(s string) *string { return &s }

func (tc cliCase) run(t *testing.T) {
	t.Helper()
	r := runCLI(t, tc.stdin, tc.args...)
	if r.code != tc.code {
		t.Errorf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", tc.name, r.code, tc.code, r.stdout, r.stderr)
		return
	}
	if tc.stdout != nil && r.stdout != *tc.stdout {
		t.Errorf("%s: stdout %q, want %q", tc.name, r.stdout, *tc.stdout)
	}
	for _, s := range tc.outHas {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("%s: stdout lacks %q: %q", tc.name, s, r.stdout)
		}
	}
	for _, s := range tc.errHas {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("%s: stderr lacks %q: %q", tc.name, s, r.stderr)
		}
	}
	for _, s := range tc.errMissing {
		if strings.Contains(r.stderr, s) {
			t.Errorf("%s: stderr has %q: %q", tc.name, s, r.stderr)
		}
	}
	if tc.errLines > 0 && strings.Count(r.stderr, "\n") != tc.errLines {
		t.Errorf("%s: want %d line(s) on stderr, got %q", tc.name, tc.errLines, r.stderr)
	}
}

func TestCLIReadCommands(t *testing.T) {
	_, url := seeded(t)
	for _, tc := range []cliCase{
		{name: "namespaces", args: []string{"--redis", url, "namespaces"}, stdout: exactly("database\nsales\n")},
		{name: "namespaces -o text", args: []string{"--redis", url, "namespaces", "-o", "text"}, stdout: exactly("database\nsales\n")},
		{name: "namespaces -o json", args: []string{"--redis", url, "namespaces", "-o", "json"}, stdout: exactly(`["database", "sales"]` + "\n")},
		{name: "namespaces --output=json before the command", args: []string{"--redis", url, "--output=json", "namespaces"}, stdout: exactly(`["database", "sales"]` + "\n")},
		{name: "namespaces -o raw", args: []string{"--redis", url, "namespaces", "-o", "raw"}, code: exitUsage, errHas: []string{"-o raw", "text or json"}, errLines: 1},
		{name: "namespaces with an argument", args: []string{"--redis", url, "namespaces", "x"}, code: exitUsage, errHas: []string{"usage: confo namespaces"}, errLines: 1},
		{name: "get field", args: []string{"--redis", url, "get", "database", "mysqli", "host"}, stdout: exactly(`"localhost"` + "\n")},
		{name: "get field -o raw", args: []string{"--redis", url, "get", "database", "mysqli", "host", "-o", "raw"}, stdout: exactly("localhost\n")},
		{name: "get number -o raw", args: []string{"--redis", url, "get", "-o", "raw", "database", "postgres", "ratio"}, stdout: exactly("1.0\n")},
		{name: "get config -o raw keeps the bytes", args: []string{"--redis", url, "get", "database", "postgres", "-o", "raw"}, stdout: exactly(`{"host":"localhost","port":5432,"ratio":1.0}` + "\n")},
		{name: "get -o yaml", args: []string{"--redis", url, "get", "database", "mysqli", "-o", "yaml"}, code: exitUsage, errHas: []string{"json or raw"}, errLines: 1},
		{name: "get unknown namespace", args: []string{"--redis", url, "get", "nope"}, code: exitError, errHas: []string{`namespace not found: "nope"`}, errLines: 1},
		{name: "get unknown config", args: []string{"--redis", url, "get", "database", "nope"}, code: exitError, errHas: []string{`config not found: "nope" in namespace "database"`}, errLines: 1},
		{name: "set into an unknown namespace", args: []string{"--redis", url, "set", "nope", "c", "f", "1"}, code: exitError, errHas: []string{`namespace not found: "nope"`, "confo import"}, errLines: 1},
		{name: "get unknown field", args: []string{"--redis", url, "get", "database", "mysqli", "port"}, code: exitError, errHas: []string{"port"}, errLines: 1},
		{name: "get too many", args: []string{"--redis", url, "get", "a", "b", "c", "d"}, code: exitUsage, errHas: []string{"usage: confo get NS [CONFIG [FIELD]]"}, errLines: 1},
		{name: "export named", args: []string{"--redis", url, "export", "sales"}, stdout: exactly(`{"sales": {}}` + "\n")},
		{name: "export unknown", args: []string{"--redis", url, "export", "nope"}, code: exitError, errHas: []string{`"nope"`}, errLines: 1},
	} {
		tc.run(t)
	}
}

func TestCLISetValuesThatLookLikeFlags(t *testing.T) {
	m, url := seeded(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--redis", url, "set", "database", "mysqli", "port", "-1"}, `"port": -1`},
		{[]string{"set", "database", "mysqli", "port", "-2.5e3", "--redis", url}, `"port": -2.5e3`},
		{[]string{"--redis", url, "set", "--", "database", "mysqli", "note", "-not-a-flag"}, `"note": "-not-a-flag"`},
		{[]string{"set", "--redis", url, "--", "database", "mysqli", "dash", "-"}, `"dash": "-"`},
		{[]string{"--redis=" + url, "set", "database", "mysqli", "-0", "--overwrite"}, ""},
	} {
		r := runCLI(t, "", tc.args...)
		if tc.want == "" {
			// Four positional values were not given: -0 is one.
			if r.code != exitUsage {
				t.Errorf("%q: exit %d, want usage", tc.args, r.code)
			}
			continue
		}
		if r.code != exitOK {
			t.Errorf("%q: exit %d: %s", tc.args, r.code, r.stderr)
			continue
		}
		if got, _ := m.Get("database-mysqli"); !strings.Contains(got, tc.want) {
			t.Errorf("%q stored %s, want %s", tc.args, got, tc.want)
		}
	}
	r := runCLI(t, "", "--redis", url, "set", "database", "mysqli", "note", "-x").want(t, exitUsage)
	if !strings.Contains(r.stderr, "after --") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("a word that begins with '-': want one line pointing at --, got %q", r.stderr)
	}
}

func TestCLIFlagsAndHelp(t *testing.T) {
	_, url := seeded(t)
	for _, tc := range []cliCase{
		{name: "--help on stdout", args: []string{"--help"}, outHas: []string{"Usage:", "namespaces", "--redis", "Exit status"}},
		{name: "-h", args: []string{"-h"}, outHas: []string{"Usage:"}},
		{name: "help CMD", args: []string{"help", "get"}, outHas: []string{"confo get NS [CONFIG [FIELD]]", "-o, --output"}},
		{name: "CMD --help", args: []string{"set", "--help"}, outHas: []string{"confo set NS CONFIG FIELD VALUE", "goes after --"}},
		{name: "help of diff names its exit statuses", args: []string{"diff", "--help"}, outHas: []string{"0 nothing would change, 1 something"}},
		{name: "unknown flag: one line and a hint", args: []string{"--no-such-flag"}, code: exitUsage, errHas: []string{"unknown flag: --no-such-flag", "confo --help"}, errLines: 1},
		{name: "unknown flag of a command", args: []string{"get", "--nope", "a"}, code: exitUsage, errHas: []string{"unknown flag: --nope", "confo get --help"}, errLines: 1},
		{name: "unknown command", args: []string{"frobnicate"}, code: exitUsage, errHas: []string{`unknown command "frobnicate"`}, errLines: 1},
		{name: "misspelt command", args: []string{"namespcaes"}, code: exitUsage, errHas: []string{"did you mean namespaces?"}, errLines: 1},
		{name: "negative timeout", args: []string{"--redis", url, "--timeout", "-1s", "namespaces"}, code: exitUsage, errHas: []string{"--timeout -1s"}, errLines: 1},
		{name: "zero timeout", args: []string{"--redis", url, "--timeout", "0s", "namespaces"}, code: exitUsage, errLines: 1},
		{name: "timeout not a duration", args: []string{"--redis", url, "--timeout", "soon", "namespaces"}, code: exitUsage, errHas: []string{"--timeout"}, errLines: 1},
		{name: "--demo and --redis", args: []string{"--demo", "--redis", url, "namespaces"}, code: exitUsage, errHas: []string{"--demo"}, errLines: 1},
		{name: "unknown --backend", args: []string{"--redis", "a=" + url, "-b", "b", "namespaces"}, code: exitUsage, errHas: []string{`"b"`, "have: a"}, errLines: 1},
		{name: "-b picks by name", args: []string{"--redis", "a=redis://127.0.0.1:1", "--redis", "b=" + url, "-b", "b", "namespaces"}, stdout: exactly("database\nsales\n")},
		{name: "wrong scheme is a bad URL", args: []string{"--redis", "http://x", "namespaces"}, code: exitUsage, errHas: []string{"bad Redis URL", "scheme"}, errMissing: []string{"credentials"}, errLines: 1},
		{name: "empty --redis", args: []string{"--redis", "a=", "namespaces"}, code: exitUsage, errLines: 1},
		{name: "name used twice", args: []string{"--redis", "a=" + url, "--dir", "a=/tmp", "namespaces"}, code: exitUsage, errHas: []string{`"a" used twice`}, errLines: 1},
		{name: "an unused bad --dir is still reported", args: []string{"--redis", url, "--dir", "/no/such/dir", "namespaces"}, code: exitError, errHas: []string{"/no/such/dir"}, errLines: 1},
		{name: "an unused bad --redis is still reported", args: []string{"--dir", os.TempDir(), "--redis", "redis://h:0", "namespaces"}, code: exitUsage, errHas: []string{"port"}, errLines: 1},
		{name: "version", args: []string{"version"}, outHas: []string{"confo "}},
		{name: "--version", args: []string{"--version"}, outHas: []string{"confo "}},
		{name: "version takes no argument", args: []string{"version", "x"}, code: exitUsage, errLines: 1},
	} {
		tc.run(t)
	}
}

func TestCLICompletionScripts(t *testing.T) {
	for shell, marker := range map[string]string{
		"bash":       "__start_confo",
		"zsh":        "#compdef confo",
		"fish":       "complete -c confo",
		"powershell": "Register-ArgumentCompleter",
	} {
		r := runCLI(t, "", "completion", shell).want(t, exitOK)
		if !strings.Contains(r.stdout, marker) || r.stderr != "" {
			t.Errorf("completion %s: want a script with %q on stdout and nothing on stderr, got stderr %q", shell, marker, r.stderr)
		}
	}
}

func TestCLIDiffExitStatus(t *testing.T) {
	m, url := seeded(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	same := write("same.json", `{"database": {"mysqli": {"host": "localhost", "db_name": "sambe_db", "user": "root"}}}`)
	changed := write("changed.json", `{"database": {"mysqli": {"host": "db2", "db_name": "sambe_db", "user": "root"}, "new": {"a": 1}}, "fresh": {}}`)
	bad := write("bad.json", `{"database": `)
	before := m.Dump()

	runCLI(t, "", "--redis", url, "diff", same).want(t, exitOK)
	r := runCLI(t, "", "--redis", url, "diff", changed).want(t, exitError)
	for _, want := range []string{
		"--- a/database/mysqli\n+++ b/database/mysqli\n@@ -1,5 +1,5 @@\n {\n-  \"host\": \"localhost\",\n+  \"host\": \"db2\",\n",
		"--- /dev/null\n+++ b/database/new\n@@ -0,0 +1,3 @@\n+{\n+  \"a\": 1\n+}\n",
		"Only in " + changed + ": namespace fresh (empty)\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("diff output lacks\n%s\ngot\n%s", want, r.stdout)
		}
	}
	if r.stderr != "" {
		t.Errorf("differences are not an error message: %q", r.stderr)
	}
	// A compact stored config with the same content: import leaves it as
	// it is, so diff sees nothing.
	compact := write("compact.json", `{"database": {"postgres": {"host": "localhost", "port": 5432, "ratio": 1.0}}}`)
	runCLI(t, "", "--redis", url, "diff", compact).want(t, exitOK)
	runCLI(t, "", "--redis", url, "diff", bad).want(t, exitUsage)
	runCLI(t, "", "--redis", url, "diff", filepath.Join(dir, "missing.json")).want(t, exitUsage)
	runCLI(t, "", "--redis", "redis://127.0.0.1:1", "--timeout", "1s", "diff", same).want(t, exitUsage)
	runCLI(t, "", "--redis", url, "diff").want(t, exitUsage)
	runCLI(t, `{"sales": {}}`, "--redis", url, "diff", "-").want(t, exitOK)
	if after := m.Dump(); after != before {
		t.Fatalf("diff wrote to the backend:\n%s\n%s", before, after)
	}
	// And import then makes diff say "same".
	runCLI(t, "", "--redis", url, "import", changed).want(t, exitOK)
	runCLI(t, "", "--redis", url, "diff", changed).want(t, exitOK)
}

func TestCLIBackendsListsReachability(t *testing.T) {
	_, url := seeded(t)
	dir := t.TempDir()
	r := runCLI(t, "", "--redis", "live="+url, "--redis", "dead=redis://127.0.0.1:1/0", "--dir", "files="+dir, "-b", "files", "backends").want(t, exitOK)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "NAME") {
		t.Fatalf("backends printed %q", r.stdout)
	}
	for i, want := range []string{"live.*redis.*✓ ok", "dead.*redis.*✗ cannot reach 127.0.0.1:1", `^\*\s+files\s+dir\s+` + dir + `\s+✓ ok`} {
		if !matchLine(lines[i+1], want) {
			t.Errorf("line %q does not match %s", lines[i+1], want)
		}
	}
	r = runCLI(t, "", "--redis", "live="+url, "--redis", "dead=redis://127.0.0.1:1/0", "backends", "-o", "json").want(t, exitOK)
	if !strings.Contains(r.stdout, `"name": "live", "kind": "redis"`) || !strings.Contains(r.stdout, `"reachable": false, "error": "cannot reach 127.0.0.1:1`) {
		t.Fatalf("backends -o json: %s", r.stdout)
	}
}

func matchLine(line, expr string) bool {
	return regexp.MustCompile(expr).MatchString(line)
}
