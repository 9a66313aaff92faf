package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// marker is the password of every case below; it must never be printed.
const marker = "Mk7pQ2zSecretMarker"

// TestCLINeverPrintsThePassword sweeps the error paths a password can
// reach: flags, URLs, unreachable servers, refused authentication, the
// config file and its password sources, listings and completion.
func TestCLINeverPrintsThePassword(t *testing.T) {
	m := miniredis.RunT(t)
	m.RequireAuth("the-right-one")
	plantSeed(t, m)
	addr := m.Addr()
	dead := fmt.Sprintf("127.0.0.1:%d", redisserver.FreePort(t))
	dir := t.TempDir()
	importFile := filepath.Join(dir, "in.json")
	if err := os.WriteFile(importFile, []byte(`{"database": {"x": {}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	config := func(name, body string, mode os.FileMode) string {
		p := filepath.Join(dir, name+".toml")
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	wrong := "redis://:" + marker + "@" + addr + "/0"
	userWrong := "redis://ops:" + marker + "@" + addr + "/0"
	unreachable := "redis://:" + marker + "@" + dead + "/0"
	filePassword := config("literal", fmt.Sprintf("[backends.a]\nredis = \"redis://%s\"\npassword = %q\n", addr, marker), 0o600)
	cases := [][]string{
		{"--redis", "prod=redis://:" + marker + "@h/0", "--redis", "prod=redis://:" + marker + "@h/1", "namespaces"},
		{"--redis", "http://:" + marker + "@h/0", "namespaces"},
		{"--redis", "redis:" + marker + "@h/0", "namespaces"},
		{"--redis", "redis://:" + marker + "@h:99999/0", "namespaces"},
		{"--redis", "redis://:" + marker + "@h:abc/0", "namespaces"},
		{"--redis", "redis://:" + marker + "#x@h/0", "namespaces"},
		{"--redis", "redis://:" + marker + "@h/0?password=" + marker, "namespaces"},
		{"--redis", "redis://:" + marker + "@h/x", "namespaces"},
		{"--redis", "a=", "--redis", "b=" + wrong, "namespaces"},
		{"--redis", unreachable, "--timeout", "1s", "namespaces"},
		{"--redis", unreachable, "--timeout", "1s", "backends"},
		{"--redis", unreachable, "--timeout", "1s", "backends", "-o", "json"},
		{"--redis", wrong, "namespaces"},
		{"--redis", userWrong, "get", "database", "mysqli"},
		{"--redis", wrong, "set", "database", "mysqli", "host", "x"},
		{"--redis", wrong, "import", importFile},
		{"--redis", wrong, "diff", importFile},
		{"--redis", wrong, "edit", "database", "mysqli"},
		{"--redis", wrong, "export"},
		{"--redis", wrong, "backends"},
		{"--redis", wrong, "backends", "-o", "json"},
		{"--redis", wrong, "-b", "nope", "namespaces"},
		{"--redis", wrong, "--demo", "namespaces"},
		{"--redis", wrong, "--timeout", "-1s", "namespaces"},
		{"--redis", wrong},
		{"--redis", unreachable, "--timeout", "1s"},
		{"__complete", "--redis", wrong, "get", ""},
		{"__complete", "--redis", "prod=" + wrong, "--redis", "prod=" + wrong, "-b", ""},
		{"--redis", "rediss://:" + marker + "@" + addr + "/0", "--timeout", "1s", "namespaces"},
		{"--config", config("wrong", fmt.Sprintf("[backends.a]\nredis = %q\n", wrong), 0o600), "namespaces"},
		{"--config", config("open", fmt.Sprintf("[backends.a]\nredis = \"redis://%s\"\npassword = %q\n", addr, marker), 0o644), "namespaces"},
		{"--config", filePassword, "namespaces"},
		{"--config", filePassword, "backends"},
		{"--config", config("unquoted", "[backends.a]\nredis = \"redis://h\"\npassword = "+marker+"\n", 0o600), "namespaces"},
		{"--config", config("typo", fmt.Sprintf("[backends.a]\nredis = \"redis://h\"\npasword = %q\n", marker), 0o600), "namespaces"},
		{"--config", config("twice", fmt.Sprintf("[backends.a]\nredis = %q\npassword = %q\n", wrong, marker), 0o600), "namespaces"},
		{"--config", config("number", fmt.Sprintf("[backends.a]\nredis = \"redis://h\"\npassword = 1%s\n", marker), 0o600), "namespaces"},
		{"--config", config("badurl", fmt.Sprintf("[backends.a]\nredis = \"http://:%s@h\"\n", marker), 0o600), "namespaces"},
		{"--config", config("cmd", fmt.Sprintf("[backends.a]\nredis = \"redis://%s\"\npassword_command = \"echo %s; exit 4\"\n", addr, marker), 0o600), "namespaces"},
		{"--config", config("cmdlines", fmt.Sprintf("[backends.a]\nredis = \"redis://%s\"\npassword_command = \"echo %s; echo %s\"\n", addr, marker, marker), 0o600), "namespaces"},
		{"--config", config("cmdok", fmt.Sprintf("[backends.a]\nredis = \"redis://%s\"\npassword_command = \"echo %s\"\n", addr, marker), 0o600), "backends", "-o", "json"},
		{"--config", config("env", fmt.Sprintf("[backends.a]\nredis = \"redis://%s\"\npassword_env = \"CONFO_SECRET_TEST\"\n", addr), 0o600), "namespaces"},
	}
	t.Setenv("CONFO_SECRET_TEST", marker)
	for _, args := range cases {
		r := runCLI(t, "", args...)
		if r.code == exitOK && args[0] != "__complete" && !strings.Contains(strings.Join(args, " "), "backends") {
			t.Errorf("%q: exit 0; every case here should fail", args)
		}
		if strings.Contains(r.stdout, marker) || strings.Contains(r.stderr, marker) {
			t.Errorf("%q printed the password:\nstdout: %s\nstderr: %s", args, r.stdout, r.stderr)
		}
	}
	// The environment's password, refused by the server.
	t.Setenv("CONFO_REDIS_PASSWORD", marker)
	for _, args := range [][]string{{"--redis", "redis://" + addr, "namespaces"}, {"--redis", "redis://" + addr, "backends"}} {
		r := runCLI(t, "", args...)
		if strings.Contains(r.stdout+r.stderr, marker) {
			t.Errorf("%q printed the password from the environment: %s %s", args, r.stdout, r.stderr)
		}
	}
}
