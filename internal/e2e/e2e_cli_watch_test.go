package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// TestCLIWatchInTmux runs `confo watch` on a terminal against a real
// redis-server while redis-cli changes the data: each change shows up as a
// line without a key press, a hostile config name shows escaped and leaves
// the pane title alone, and ctrl+c ends it with status 0. A second run
// ends with SIGTERM, status 0 too.
func TestCLIWatchInTmux(t *testing.T) {
	addr := seedRedis(t, e2eSeed)
	bin := buildConfo(t)
	cli := redisCLI(t, addr)
	const conf = "set -g allow-rename on\nset -g set-titles on\n"

	e := startPane(t, conf, nil, bin, "--redis", "redis://"+addr, "watch")
	e.waitStderr("watching every namespace")
	cli("SET", "database-mysqli", `{"host": "db2.internal"}`)
	e.waitFor(e2eWait, "the changed config", hasAll("changed database/mysqli"))

	const hostile = "evil\x1b]2;owned-title\x07"
	list, err := json.Marshal(map[string][]string{"configurations": {"mysqli", "postgres", hostile}})
	if err != nil {
		t.Fatal(err)
	}
	cli("MSET", "database", string(list), "database-"+hostile, "{}")
	screen := e.waitFor(e2eWait, "the added config, escaped", hasAll(`added database/evil\x1b]2;owned-title\x07`))
	if title, _ := e.tmuxOut("display-message", "-p", "#{pane_title}"); strings.Contains(title, "owned") {
		t.Fatalf("stored data set the pane title: %q\n%s", title, frame(screen))
	}
	cli("MSET", "confo", `{"namespaces": ["database", "sales"]}`, "sales", `{"configurations": ["leads"]}`, "sales-leads", "1")
	e.waitFor(e2eWait, "the new namespace and its config", hasAll("namespace added sales", "added sales/leads"))
	cli("DEL", "database-postgres")
	cli("SET", "database", `{"configurations": ["mysqli"]}`)
	e.waitFor(e2eWait, "the removed configs", hasAll("removed database/postgres", `removed database/evil\x1b]2;owned-title\x07`))
	send(t, e.sock, "C-c")
	if status := e.waitStatus(); status != "0" {
		e.fatalf("confo watch after ctrl+c: exit status %s", status)
	}

	e = startPane(t, conf, nil, bin, "--redis", "redis://"+addr, "watch", "-o", "json")
	e.waitStderr("watching every namespace")
	cli("SET", "sales-leads", "2")
	e.waitFor(e2eWait, "the JSON line", hasAll(`{"what": "changed", "namespace": "sales", "config": "leads"}`))
	if err := syscall.Kill(e.childPid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if status := e.waitStatus(); status != "0" {
		e.fatalf("confo watch after SIGTERM: exit status %s", status)
	}
}

// redisCLI returns a function that runs redis-cli against addr, as another
// client would, and fails the test when the command fails.
func redisCLI(t *testing.T, addr string) func(args ...string) {
	path := redisserver.RequireTool(t, "redis-cli")
	host, port, _ := strings.Cut(addr, ":")
	return func(args ...string) {
		t.Helper()
		out, err := exec.Command(path, append([]string{"-h", host, "-p", port}, args...)...).CombinedOutput()
		if err != nil || strings.HasPrefix(string(out), "(error)") || strings.HasPrefix(string(out), "ERR") {
			t.Fatalf("redis-cli %q: %v: %s", args, err, out)
		}
	}
}

// waitStderr waits until the command's stderr holds want.
func (e *e2e) waitStderr(want string) {
	e.t.Helper()
	deadline := time.Now().Add(e2eStartWait)
	for {
		if b, _ := os.ReadFile(e.exitFile + ".stderr"); strings.Contains(string(b), want) {
			return
		}
		if dead, how := e.exited(); dead {
			e.fatalf("waiting for %q on stderr: confo exited (%s)", want, how)
		}
		if time.Now().After(deadline) {
			e.fatalf("waiting for %q on stderr: not there after %s", want, e2eStartWait)
		}
		time.Sleep(e2ePoll)
	}
}

// childPid is the pid of the command the pane's shell runs.
func (e *e2e) childPid() int {
	e.t.Helper()
	b, err := os.ReadFile(e.exitFile + ".pid")
	if err != nil {
		e.fatalf("the shell's pid: %v", err)
	}
	shell := strings.TrimSpace(string(b))
	children, err := os.ReadFile("/proc/" + shell + "/task/" + shell + "/children")
	if err != nil {
		e.fatalf("the children of the shell %s: %v", shell, err)
	}
	fields := strings.Fields(string(children))
	if len(fields) != 1 {
		e.fatalf("the shell %s runs %q, want one command", shell, fields)
	}
	pid, err := strconv.Atoi(fields[0])
	if err != nil {
		e.fatalf("child pid %q: %v", fields[0], err)
	}
	return pid
}
