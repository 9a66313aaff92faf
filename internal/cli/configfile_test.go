package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
)

// writeConfig writes a config file with mode 0600 and returns its path.
func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "config.toml")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// twoServers starts two servers told apart by their only namespace.
func twoServers(t *testing.T) (a, b string) {
	t.Helper()
	for i, name := range []string{"alpha", "beta"} {
		m := miniredis.RunT(t)
		m.Set("confo", fmt.Sprintf(`{"namespaces": [%q]}`, name))
		m.Set(name, `{"configurations": []}`)
		if i == 0 {
			a = "redis://" + m.Addr()
		} else {
			b = "redis://" + m.Addr()
		}
	}
	return a, b
}

func TestCLIConfigFileBackends(t *testing.T) {
	alpha, beta := twoServers(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf(`
default = "b"

[backends.a]
redis = %q

[backends.b]
redis = %q
readonly = true
`, alpha, beta))
	for _, tc := range []cliCase{
		{name: "the file's default", args: []string{"--config", cfg, "namespaces"}, stdout: exactly("beta\n")},
		{name: "-b picks one of the file", args: []string{"--config", cfg, "-b", "a", "namespaces"}, stdout: exactly("alpha\n")},
		{name: "--backend=", args: []string{"--config", cfg, "--backend=a", "namespaces"}, stdout: exactly("alpha\n")},
		{name: "flags replace the file's backends", args: []string{"--config", cfg, "--redis", "x=" + alpha, "namespaces"}, stdout: exactly("alpha\n")},
		{name: "-b among the flags' backends only", args: []string{"--config", cfg, "--redis", "x=" + alpha, "-b", "b", "namespaces"}, code: exitUsage, errHas: []string{"have: x"}, errLines: 1},
		{name: "readonly from the file", args: []string{"--config", cfg, "set", "beta", "c", "f", "1"}, code: exitError, errHas: []string{"read-only"}, errLines: 1},
		{name: "writable one", args: []string{"--config", cfg, "-b", "a", "set", "alpha", "c", "f", "1"}, errHas: []string{"persisted alpha/c"}},
		{name: "the missing file named by --config", args: []string{"--config", filepath.Join(dir, "nope.toml"), "namespaces"}, code: exitUsage, errHas: []string{"nope.toml", "no such file"}, errLines: 1},
		{name: "backends lists the file's", args: []string{"--config", cfg, "backends"}, outHas: []string{"a ", "b ", "✓ ok"}},
	} {
		tc.run(t)
	}

	// $CONFO_CONFIG, and --config over it.
	other := writeConfig(t, filepath.Join(dir, "other"), fmt.Sprintf("[backends.only]\nredis = %q\n", alpha))
	t.Setenv("CONFO_CONFIG", other)
	(cliCase{name: "$CONFO_CONFIG", args: []string{"namespaces"}, stdout: exactly("alpha\n")}).run(t)
	(cliCase{name: "--config over $CONFO_CONFIG", args: []string{"--config", cfg, "namespaces"}, stdout: exactly("beta\n")}).run(t)
	t.Setenv("CONFO_CONFIG", "")

	// The default location, under $XDG_CONFIG_HOME, and $CONFO_CONFIG
	// over it.
	xdg := t.TempDir()
	writeConfig(t, filepath.Join(xdg, "confo"), fmt.Sprintf("[backends.home]\nredis = %q\n", beta))
	t.Setenv("XDG_CONFIG_HOME", xdg)
	(cliCase{name: "XDG default location", args: []string{"namespaces"}, stdout: exactly("beta\n")}).run(t)
	t.Setenv("CONFO_CONFIG", other)
	(cliCase{name: "$CONFO_CONFIG over the default location", args: []string{"namespaces"}, stdout: exactly("alpha\n")}).run(t)
}

func TestCLIConfigFileSettingsAndFlags(t *testing.T) {
	m := miniredis.RunT(t)
	m.Set("app:confo", `{"namespaces": ["prefixed"]}`)
	m.Set("app:prefixed", `{"configurations": []}`)
	m.Set("confo", `{"namespaces": ["plain"]}`)
	m.Set("plain", `{"configurations": []}`)
	url := "redis://" + m.Addr()
	cfg := writeConfig(t, t.TempDir(), fmt.Sprintf("[backends.p]\nredis = %q\nprefix = \"app:\"\ntimeout = \"3s\"\n", url))
	for _, tc := range []cliCase{
		{name: "prefix from the file", args: []string{"--config", cfg, "namespaces"}, stdout: exactly("prefixed\n")},
		{name: "--prefix over the file", args: []string{"--config", cfg, "--prefix", "x:", "namespaces"}, stdout: exactly("")},
		{name: "--readonly over the file", args: []string{"--config", cfg, "--readonly", "set", "prefixed", "c", "f", "1"}, code: exitError, errHas: []string{"read-only"}},
		{name: "--timeout must still be valid", args: []string{"--config", cfg, "--timeout", "-3s", "namespaces"}, code: exitUsage},
	} {
		tc.run(t)
	}
}

func TestCLIConfigFileErrorsNameTheLine(t *testing.T) {
	m := miniredis.RunT(t)
	url := "redis://" + m.Addr()
	dir := t.TempDir()
	for _, tc := range []struct {
		name, body string
		args       []string
		want       []string
		code       int
	}{
		{"TOML syntax", "[backends.a\nredis = 1\n", nil, []string{"config.toml:1:", "invalid TOML"}, exitUsage},
		{"unknown key", fmt.Sprintf("[backends.a]\nredis = %q\nprefx = \"x\"\n", url), nil, []string{"config.toml:3:1: backends.a: unknown key \"prefx\""}, exitUsage},
		{"two problems, two lines", "default = \"zz\"\n[backends.a]\ndir = 3\n", nil, []string{"config.toml:1:", "config.toml:3:"}, exitUsage},
		{"bad URL at its line", fmt.Sprintf("[backends.a]\ndir = %q\n\n[backends.b]\n\nredis = \"http://h\"\n", dir), []string{"-b", "b"}, []string{"config.toml:6:1: backends.b.redis: bad Redis URL: scheme \"http\""}, exitUsage},
		{"missing CA file at its line", fmt.Sprintf("[backends.a]\nredis = \"rediss://%s\"\ntls_ca = \"nope.pem\"\n", m.Addr()), nil, []string{"config.toml:3:1: backends.a.tls_ca: bad TLS settings: TLS CA", "nope.pem: no such file"}, exitUsage},
		{"unset password_env", fmt.Sprintf("[backends.a]\nredis = %q\npassword_env = \"CONFO_TEST_UNSET\"\n", url), nil, []string{"config.toml:3:1: backends.a.password_env: environment variable CONFO_TEST_UNSET is not set"}, exitError},
		// [keys] and [theme] are the UI's, but every command reads the file
		// and reports their mistakes like the others.
		{"unknown action", fmt.Sprintf("[backends.a]\nredis = %q\n\n[keys]\nfrobnicate = \"z\"\n", url), nil, []string{"config.toml:5:1: keys.frobnicate: is not an action; the actions are up, down"}, exitUsage},
		{"key no press has", fmt.Sprintf("[backends.a]\nredis = %q\n[keys]\nhelp = \"F1\"\nquit = [\"q\", \"ctrl+shift+banana\"]\n", url), nil, []string{`config.toml:5:1: keys.quit: "ctrl+shift+banana" is not a key name: write one character`}, exitUsage},
		{"conflicting keys", fmt.Sprintf("[backends.a]\nredis = %q\n[keys]\nedit = [\"i\", \"e\"]\ndelete = \"e\"\n", url), nil, []string{`config.toml:5:1: keys.delete: key "e" is both edit and delete in the main screen`}, exitUsage},
		{"unknown theme", fmt.Sprintf("[theme]\nname = \"solarized\"\ncolors.accent = \"300\"\n[backends.a]\nredis = %q\n", url), nil, []string{`config.toml:2:1: theme.name: "solarized" is not a theme; want dark, light or auto`, `config.toml:3:8: theme.colors.accent: "300": want`}, exitUsage},
		{"failing password_command", fmt.Sprintf("[backends.a]\nredis = %q\npassword_command = \"echo oops >&2; exit 3\"\n", url), nil, []string{"config.toml:3:1: backends.a.password_command: exit status 3: oops"}, exitError},
	} {
		cfg := writeConfig(t, filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")), tc.body)
		r := runCLI(t, "", append(append([]string{"--config", cfg}, tc.args...), "namespaces")...)
		if r.code != tc.code {
			t.Errorf("%s: exit %d, want %d: %s", tc.name, r.code, tc.code, r.stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: stderr lacks %q: %q", tc.name, w, r.stderr)
			}
		}
		for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
			if !strings.HasPrefix(line, "confo: config ") {
				t.Errorf("%s: every line names the file: %q", tc.name, line)
			}
		}
	}
}

func TestCLIConfigFilePasswordSources(t *testing.T) {
	m := miniredis.RunT(t)
	m.RequireAuth("s3cret")
	plantSeed(t, m)
	dir := t.TempDir()
	t.Setenv("CONFO_TEST_PASSWORD", "s3cret")
	for _, source := range []string{
		`password_env = "CONFO_TEST_PASSWORD"`,
		`password_command = "printf s3cret"`,
		`password = "s3cret"`,
	} {
		cfg := writeConfig(t, filepath.Join(dir, fmt.Sprint(len(source))), fmt.Sprintf("[backends.a]\nredis = \"redis://%s\"\n%s\n", m.Addr(), source))
		r := runCLI(t, "", "--config", cfg, "namespaces")
		if r.code != exitOK || r.stdout != "database\nsales\n" {
			t.Errorf("%s: exit %d, %q %q", source, r.code, r.stdout, r.stderr)
		}
	}
	// A password in the URL and another source: ambiguous, refused at the
	// URL's line.
	cfg := writeConfig(t, filepath.Join(dir, "both"), fmt.Sprintf("[backends.a]\nredis = \"redis://:s3cret@%s\"\npassword_env = \"CONFO_TEST_PASSWORD\"\n", m.Addr()))
	r := runCLI(t, "", "--config", cfg, "namespaces").want(t, exitUsage)
	if !strings.Contains(r.stderr, "config.toml:2:1: backends.a.redis: ") || strings.Contains(r.stderr, "s3cret") {
		t.Fatalf("URL password and password_env: %q", r.stderr)
	}
}

// tls_insecure is honoured but never silent: every run that opens such a
// backend says so on stderr, and only for that backend.
func TestCLIConfigFileInsecureTLSSaysSo(t *testing.T) {
	m := miniredis.RunT(t)
	cfg := writeConfig(t, t.TempDir(), fmt.Sprintf(`
[backends.plain]
redis = "redis://%s"

[backends.risky]
redis = "rediss://127.0.0.1:1"
tls_insecure = true
tls_server_name = "prod.internal"
timeout = "1s"
`, m.Addr()))
	r := runCLI(t, "", "--config", cfg, "-b", "risky", "namespaces").want(t, exitError)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "backend risky: tls_insecure is set: the server's certificate is not checked") || !strings.Contains(lines[1], "cannot reach 127.0.0.1:1") {
		t.Fatalf("stderr: %q", r.stderr)
	}
	r = runCLI(t, "", "--config", cfg, "namespaces").want(t, exitOK)
	if strings.Contains(r.stderr, "tls_insecure") {
		t.Fatalf("warned about a backend it did not open: %q", r.stderr)
	}
	r = runCLI(t, "", "--config", cfg, "backends")
	if !strings.Contains(r.stderr, "backend risky: tls_insecure") {
		t.Fatalf("backends opens risky and must say so: %q", r.stderr)
	}
}
