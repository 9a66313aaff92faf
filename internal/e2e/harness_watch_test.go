package e2e

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// redisCLI runs redis-cli against the test's server: the other client.
func (e *e2e) redisCLI(args ...string) string {
	e.t.Helper()
	host, port, _ := strings.Cut(e.rdb.Options().Addr, ":")
	cli := redisserver.RequireTool(e.t, "redis-cli")
	out, err := exec.Command(cli, append([]string{"-h", host, "-p", port}, args...)...).CombinedOutput()
	if err != nil {
		e.fatalf("redis-cli %q: %v: %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// waitLive waits until confo follows the server's changes live.
func (e *e2e) waitLive() {
	e.t.Helper()
	e.waitFor(e2eStartWait, "the watch ready", hasAll("other clients' changes show up live"))
}

// wantMissing checks a key is not stored.
func (e *e2e) wantMissing(key string) {
	e.t.Helper()
	if n, err := e.rdb.Exists(context.Background(), key).Result(); err != nil || n != 0 {
		e.fatalf("key %s: exists %d (%v), want missing", key, n, err)
	}
}

// wantConsistent runs the state checker: no orphan, nothing listed but
// missing.
func (e *e2e) wantConsistent() {
	e.t.Helper()
	st, err := confotest.CheckRedis(context.Background(), e.rdb, "")
	if err == nil {
		err = st.Err()
	}
	if err != nil {
		e.fatalf("state check: %v", err)
	}
}

// startLive starts confo on seed (nil: the default seed), waits for the
// main screen showing show and for the watch, and opens ns/cfg's fields.
func startLive(t *testing.T, seed map[string]string, show, ns, cfg string) *e2e {
	t.Helper()
	e := startTUI(t, tuiRun{seed: seed})
	e.waitFor(e2eStartWait, "main screen", hasAll("Namespaces", show))
	e.waitLive()
	e.goTo(ns, cfg)
	send(t, e.sock, "l")
	return e
}

// setField edits the field under the cursor to text.
func (e *e2e) setField(field, text string) {
	e.t.Helper()
	send(e.t, e.sock, "e", "C-u")
	sendText(e.t, e.sock, text)
	send(e.t, e.sock, "Enter")
	e.waitFor(e2eWait, field+" edited", matches(field+`\s+"?`+regexp.QuoteMeta(text)), hasAll("1 unsaved"))
}

// press sends keys and waits for what they lead to.
func (e *e2e) press(what string, keys []string, conds ...condition) {
	e.t.Helper()
	send(e.t, e.sock, keys...)
	e.waitFor(e2eWait, what, conds...)
}

// keys is a list of tmux key names, for press.
func keys(k ...string) []string { return k }

// noKeyFor waits a while without pressing anything, so that what shows up
// meanwhile came by itself.
func noKeyFor(d time.Duration) { time.Sleep(d) }
