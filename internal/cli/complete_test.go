package cli

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// completions runs `confo __complete args...` (what the shell scripts
// run on TAB) and returns the offered words and the directive line.
func completions(t *testing.T, args ...string) (words []string, directive string, r cliResult) {
	t.Helper()
	r = runCLI(t, "", append([]string{"__complete"}, args...)...)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != exitOK || len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
		t.Fatalf("__complete %q: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
	}
	for _, l := range lines[:len(lines)-1] {
		word, _, _ := strings.Cut(l, "\t") // the description follows a tab
		words = append(words, word)
	}
	return words, lines[len(lines)-1], r
}

// TestCLICompletesFromTheLiveBackend: namespaces, configs and fields come
// from a real redis-server; backend names from the flags and the config
// file; failures offer nothing and print no error.
func TestCLICompletesFromTheLiveBackend(t *testing.T) {
	addr := redisserver.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	ctx := context.Background()
	for k, v := range map[string]string{
		"confo":             `{"namespaces": ["database", "sales", "evil\u001b]52;c;aGk=\u0007"]}`,
		"database":          `{"configurations": ["mysqli", "postgres"]}`,
		"database-mysqli":   `{"host": "localhost", "db_name": "sambe_db", "user": "root"}`,
		"database-postgres": `{"host": "localhost"}`,
		"sales":             `{"configurations": []}`,
	} {
		if err := rdb.Set(ctx, k, v, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	url := "redis://" + addr
	cfg := writeConfig(t, t.TempDir(), fmt.Sprintf("default = \"live\"\n[backends.live]\nredis = %q\n[backends.other]\ndir = \"/tmp\"\n", url))

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--redis", url, "get", ""}, "database sales"},
		{[]string{"--redis", url, "get", "d"}, "database"},
		{[]string{"--redis", url, "get", "database", ""}, "mysqli postgres"},
		{[]string{"--redis", url, "get", "database", "mysqli", ""}, "host db_name user"},
		{[]string{"--redis", url, "get", "database", "mysqli", "u"}, "user"},
		{[]string{"--redis", url, "get", "database", "mysqli", "host", ""}, ""},
		{[]string{"--redis", url, "set", "database", "postgres", ""}, "host"},
		{[]string{"--redis", url, "edit", "database", ""}, "mysqli postgres"},
		{[]string{"--redis", url, "edit", "database", "mysqli", ""}, ""},
		{[]string{"--redis", url, "export", "database", "s"}, "sales"},
		{[]string{"--redis", url, "watch", "database", ""}, "database sales"},
		{[]string{"watch", "-o", ""}, "text json"},
		{[]string{"--config", cfg, "get", ""}, "database sales"},
		{[]string{"--config", cfg, "-b", ""}, "live other"},
		{[]string{"--config", cfg, "--backend", "o"}, "other"},
		{[]string{"--redis", "a=" + url, "--dir", "b=/tmp", "-b", ""}, "a b"},
		{[]string{"namespaces", "-o", ""}, "text json"},
		{[]string{"get", "a", "b", "c", "-o", ""}, "json raw"},
		{[]string{"completion", ""}, "bash fish powershell zsh"},
		{[]string{""}, "backends completion diff edit export get help import namespaces set version watch"},
	} {
		words, directive, r := completions(t, tc.args...)
		if got := strings.Join(words, " "); got != tc.want {
			t.Errorf("complete %q: got %q, want %q", tc.args, got, tc.want)
		}
		if tc.args[0] != "completion" && tc.args[0] != "" && directive != ":4" {
			t.Errorf("complete %q: directive %s, want :4 (no file names)", tc.args, directive)
		}
		if strings.Contains(r.stderr, "confo:") {
			t.Errorf("complete %q printed an error: %q", tc.args, r.stderr)
		}
	}

	// A server that never answers: nothing offered, no error printed,
	// and the shell is not kept waiting past the completion timeout.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	for _, args := range [][]string{
		{"--redis", "redis://" + silent.Addr().String(), "get", ""},
		{"--redis", "redis://127.0.0.1:1", "get", "database", ""},
		{"--redis", "http://bad", "get", ""},
		{"--config", "/no/such/config.toml", "get", ""},
		{"--config", "/no/such/config.toml", "-b", ""},
		{"get", ""},
	} {
		start := time.Now()
		words, _, r := completions(t, args...)
		if len(words) != 0 || strings.Contains(r.stderr, "confo:") {
			t.Errorf("complete %q: want nothing and no error, got %q, stderr %q", args, words, r.stderr)
		}
		if took := time.Since(start); took > completionTimeout+8*time.Second {
			t.Errorf("complete %q took %v", args, took)
		}
	}
}
