package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/dirstore"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// TestMain keeps the tests away from the user's own config file,
// passwords and editor.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "confo-cli-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	os.Setenv("HOME", dir)
	for _, v := range []string{"CONFO_CONFIG", "CONFO_REDIS_PASSWORD", "REDISCLI_AUTH", "VISUAL", "EDITOR"} {
		os.Unsetenv(v)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type cliResult struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut})
	return cliResult{code: code, stdout: out.String(), stderr: errOut.String()}
}

func (r cliResult) want(t *testing.T, code int) cliResult {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	return r
}

// plantSeed stores the seed's database namespace the way Python wrote it,
// plus one value in compact form that confo must pass through untouched.
func plantSeed(t *testing.T, m *miniredis.Miniredis) {
	t.Helper()
	for k, v := range map[string]string{
		"confo":             `{"namespaces": ["database", "sales"]}`,
		"database":          `{"configurations": ["postgres", "mysqli"]}`,
		"database-mysqli":   `{"host": "localhost", "db_name": "sambe_db", "user": "root"}`,
		"database-postgres": `{"host":"localhost","port":5432,"ratio":1.0}`,
		"sales":             `{"configurations": []}`,
	} {
		if err := m.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCLIGetPrintsStoredBytes(t *testing.T) {
	m := miniredis.RunT(t)
	plantSeed(t, m)
	url := "redis://" + m.Addr()

	if got := runCLI(t, "", "--redis", url, "namespaces").want(t, exitOK).stdout; got != "database\nsales\n" {
		t.Fatalf("namespaces printed %q", got)
	}
	if got := runCLI(t, "", "--redis", url, "get", "database", "postgres").want(t, exitOK).stdout; got != `{"host":"localhost","port":5432,"ratio":1.0}`+"\n" {
		t.Fatalf("get config printed %q", got)
	}
	if got := runCLI(t, "", "--redis", url, "get", "database", "postgres", "ratio").want(t, exitOK).stdout; got != "1.0\n" {
		t.Fatalf("get field printed %q", got)
	}
	want := `{"mysqli": {"host": "localhost", "db_name": "sambe_db", "user": "root"}, "postgres": {"host":"localhost","port":5432,"ratio":1.0}}` + "\n"
	if got := runCLI(t, "", "get", "database", "--redis", url).want(t, exitOK).stdout; got != want {
		t.Fatalf("get namespace printed %q", got)
	}
	r := runCLI(t, "", "--redis", url, "get", "database", "nope").want(t, exitError)
	if !strings.Contains(r.stderr, "nope") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("unknown config: want one line naming it, got %q", r.stderr)
	}
}

func TestCLISetKeepsTypesAndTouchesOneConfig(t *testing.T) {
	m := miniredis.RunT(t)
	plantSeed(t, m)
	url := "redis://" + m.Addr()
	for _, tc := range []struct{ field, value, want string }{
		{"zip", "00014", `"zip": "00014"`},
		{"port", "3306", `"port": 3306`},
		{"ratio", "1.0", `"ratio": 1.0`},
		{"tags", `["a", null]`, `"tags": ["a", null]`},
		{"note", "hello world", `"note": "hello world"`},
	} {
		runCLI(t, "", "--redis", url, "set", "database", "mysqli", tc.field, tc.value).want(t, exitOK)
		got, _ := m.Get("database-mysqli")
		if !strings.Contains(got, tc.want) {
			t.Errorf("set %s %s stored %s, want it to contain %s", tc.field, tc.value, got, tc.want)
		}
	}
	if got, _ := m.Get("database-postgres"); got != `{"host":"localhost","port":5432,"ratio":1.0}` {
		t.Fatalf("set rewrote another config: %s", got)
	}
	runCLI(t, "", "--redis", url, "set", "sales", "crm", "url", "https://crm").want(t, exitOK)
	if got, _ := m.Get("sales"); got != `{"configurations": ["crm"]}` {
		t.Fatalf("a new config is not listed in its namespace: %s", got)
	}
	runCLI(t, "", "--redis", url, "--readonly", "set", "sales", "crm", "url", "x").want(t, exitError)
}

func TestCLIExportImportRoundTrip(t *testing.T) {
	src := miniredis.RunT(t)
	plantSeed(t, src)
	exported := runCLI(t, "", "--redis", "redis://"+src.Addr(), "export").want(t, exitOK).stdout

	file := filepath.Join(t.TempDir(), "export.json")
	if err := os.WriteFile(file, []byte(exported), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := miniredis.RunT(t)
	runCLI(t, "", "--redis", "redis://"+dst.Addr(), "import", file).want(t, exitOK)
	again := runCLI(t, "", "--redis", "redis://"+dst.Addr(), "export").want(t, exitOK).stdout
	// Import writes what it stores the way Python does; the compact
	// postgres value comes back reformatted, with the same content.
	if pythonStyle := confo.ParseLiteral(exported).String() + "\n"; again != pythonStyle {
		t.Fatalf("export after import differs:\n%s\n%s", pythonStyle, again)
	}
	exported = again

	dir := t.TempDir()
	runCLI(t, exported, "--dir", dir, "import", "-").want(t, exitOK)
	if got := runCLI(t, "", "--dir", dir, "export").want(t, exitOK).stdout; got != exported {
		t.Fatalf("directory backend export differs:\n%s\n%s", exported, got)
	}
}

// An import reads the backend and then writes; a conflict needs another
// client to write in between, which the store tests cover. Here: the exit
// status and message a conflict maps to.
func TestCLIConflictExitStatus(t *testing.T) {
	var stderr bytes.Buffer
	err := fmt.Errorf("persist namespace \"database\": %w", &confo.ConflictError{Conflicts: []confo.Conflict{{Namespace: "database", Config: "mysqli"}}})
	if code := newApp(context.Background(), Env{Stderr: &stderr}).report(err); code != exitConflict {
		t.Fatalf("conflict maps to exit %d, want %d", code, exitConflict)
	}
	if !strings.Contains(stderr.String(), "database/mysqli") {
		t.Fatalf("conflict message does not name the config: %q", stderr.String())
	}
}

// partialStore commits as a cluster whose persist another client stopped
// after writing 30 of the namespace's configs.
type partialStore struct{ *confotest.MemStore }

func (s partialStore) Commit(ctx context.Context, changes []confo.NamespaceChange, opts confo.CommitOptions) ([]string, error) {
	theirs := confo.Conflict{Namespace: "bulk", Config: "c1", Reason: "created by another client"}
	var written []string
	for i := range 30 {
		written = append(written, fmt.Sprintf("w%02d", i))
	}
	return nil, &confo.PartialCommitError{Namespace: "bulk", Written: written,
		NotWritten: []confo.Conflict{theirs}, Err: &confo.ConflictError{Conflicts: []confo.Conflict{theirs}}}
}

// A write that a partial commit stopped reports it on one line that
// names at most ten configs, says how to finish it from the command line
// (an import: run it again; not the TUI's "persist again"), and exits 3
// when another client's change stopped it.
func TestCLIPartialCommitIsOneLine(t *testing.T) {
	for _, tc := range []struct {
		whole  bool
		finish string
	}{
		{true, "; run the import again to finish"},
		{false, "; run the command again to finish"},
	} {
		s := partialStore{confotest.NewMemStore(false)}
		s.Put("bulk", "c0", `{}`)
		tg := &target{store: s, ws: confotest.Loaded(t, s.MemStore)}
		if err := tg.ws.Set("bulk", "c0", confo.ParseLiteral(`{"v": 1}`)); err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		a := newApp(context.Background(), Env{Stderr: &stderr})
		err := a.persist(tg, confo.Scope{Namespace: "bulk"}, tc.whole)
		if code := a.report(err); code != exitConflict {
			t.Fatalf("exit %d, want %d", code, exitConflict)
		}
		msg := stderr.String()
		if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "wrote 30 config(s) (w00, w01") || !strings.Contains(msg, "w09 and 20 more)") ||
			!strings.Contains(msg, "stopped by: bulk/c1 created by another client"+tc.finish) ||
			strings.Contains(msg, "persist again") || strings.Contains(msg, "w29") {
			t.Fatalf("partial commit reported as %q", msg)
		}
	}
}

func TestCLIImportUpdatesExistingConfigs(t *testing.T) {
	m := miniredis.RunT(t)
	plantSeed(t, m)
	runCLI(t, `{"database": {"mysqli": {"host": "imported"}}}`, "--redis", "redis://"+m.Addr(), "import", "-").want(t, exitOK)
	if got, _ := m.Get("database-mysqli"); got != `{"host": "imported"}` {
		t.Fatalf("import stored %s", got)
	}
	if got, _ := m.Get("database-postgres"); got != `{"host":"localhost","port":5432,"ratio":1.0}` {
		t.Fatalf("import rewrote a config it did not name: %s", got)
	}
}

func TestCLIUsageAndOperationalErrors(t *testing.T) {
	r := runCLI(t, "", "frobnicate").want(t, exitUsage)
	if !strings.Contains(r.stderr, "unknown command") {
		t.Fatalf("unknown command message: %q", r.stderr)
	}
	runCLI(t, "", "--no-such-flag").want(t, exitUsage)
	runCLI(t, "", "get").want(t, exitUsage)
	runCLI(t, "", "set", "a", "b", "c").want(t, exitUsage)
	runCLI(t, "", "--redis", "http://x", "namespaces").want(t, exitUsage)
	runCLI(t, "", "-h").want(t, exitOK)

	port := redisserver.FreePort(t)
	r = runCLI(t, "", "--redis", fmt.Sprintf("redis://u:s3cret@127.0.0.1:%d", port), "--timeout", "1s", "namespaces").want(t, exitError)
	if !strings.Contains(r.stderr, fmt.Sprintf("127.0.0.1:%d", port)) || strings.Contains(r.stderr, "s3cret") {
		t.Fatalf("unreachable server: want the address and no password, got %q", r.stderr)
	}
	if strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("want one line on stderr, got %q", r.stderr)
	}
	runCLI(t, "", "--dir", filepath.Join(t.TempDir(), "missing"), "namespaces").want(t, exitError)
	runCLI(t, "not json", "--dir", t.TempDir(), "import", "-").want(t, exitError)
}

func TestCLIPasswordFromEnvironment(t *testing.T) {
	m := miniredis.RunT(t)
	m.RequireAuth("s3cret")
	plantSeed(t, m)
	url := "redis://" + m.Addr()
	r := runCLI(t, "", "--redis", url, "namespaces").want(t, exitError)
	if strings.Contains(strings.ToLower(r.stderr), "s3cret") {
		t.Fatalf("password printed: %q", r.stderr)
	}
	t.Setenv("CONFO_REDIS_PASSWORD", "s3cret")
	runCLI(t, "", "--redis", url, "namespaces").want(t, exitOK)
}

func TestCLIEmbeddedDemo(t *testing.T) {
	r := runCLI(t, "", "--demo", "namespaces").want(t, exitOK)
	if r.stdout != "analytics\ndatabase\nfeatures\nsales\n" {
		t.Fatalf("demo namespaces: %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "embedded demo") {
		t.Fatalf("the demo does not say it is a demo: %q", r.stderr)
	}
	got := runCLI(t, "", "--demo", "get", "database", "mysqli").want(t, exitOK).stdout
	if got != `{"host": "localhost", "db_name": "sambe_db", "user": "root"}`+"\n" {
		t.Fatalf("demo mysqli: %q", got)
	}
	runCLI(t, "", "--demo", "--backend", "files", "get", "sales", "pricing").want(t, exitOK)
}

// Without a backend, a headless command stops and says how to name one; it
// never writes into the throwaway demo unasked.
func TestCLIHeadlessNeverUsesTheDemoSilently(t *testing.T) {
	for _, args := range [][]string{
		{"namespaces"},
		{"get", "database", "mysqli"},
		{"set", "database", "mysqli", "host", "prod-db"},
		{"import", "-"},
		{"export"},
		{"diff", "-"},
		{"edit", "database", "mysqli"},
		{"backends"},
	} {
		r := runCLI(t, `{"database": {"mysqli": {}}}`, args...).want(t, exitUsage)
		for _, want := range []string{"--redis", "--dir", "config file", "--demo"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%v: the message does not name %s: %q", args, want, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "using the embedded demo") || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: want one line and no demo, got stdout %q stderr %q", args, r.stdout, r.stderr)
		}
	}
}

// A lock held past --timeout (the directory store's *LockedError, or any
// ErrBusy) is an operational error: exit 1, one line naming the holder.
func TestCLIBusyExitStatus(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("persist namespace \"database\": %w", &dirstore.LockedError{PID: 4242, Waited: 500 * time.Millisecond}),
		fmt.Errorf("persist namespace \"database\": %w", confo.ErrBusy),
	} {
		var stderr bytes.Buffer
		if code := newApp(context.Background(), Env{Stderr: &stderr}).report(err); code != exitError {
			t.Errorf("%v maps to exit %d, want %d", err, code, exitError)
		}
		if strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), `"database"`) {
			t.Errorf("want one line naming the namespace, got %q", stderr.String())
		}
	}
}
