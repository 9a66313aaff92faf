package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// tuiRun says how to start confo for one of the terminal UI's tests.
type tuiRun struct {
	// seed is written to a fresh redis-server before confo starts; nil
	// writes e2eSeed.
	seed map[string]string
	// fill, when set, writes more data with the client.
	fill func(t *testing.T, rdb *redis.Client)
	// args come after the binary; "REDIS" is replaced by the server's URL.
	args []string
	// env is added to confo's environment.
	env []string
	// tmuxConf is added to the tmux server's configuration.
	tmuxConf string
}

// startTUI checks the tools, builds confo, starts and seeds a redis-server,
// and runs confo on it in a fresh tmux server of its own, with the settings
// of run: its own data, flags, environment and tmux options. The pane stays
// after confo exits, so a failure can still show its last screen; a shell
// records confo's exit status and stderr (tmux 3.3a sometimes never reaps
// the pane's process and can lose the last output of one that exits at once).
func startTUI(t *testing.T, run tuiRun) *e2e {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	tmux := redisserver.RequireTool(t, "tmux")
	bin := buildConfo(t)
	addr := redisserver.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	seed := run.seed
	if seed == nil {
		seed = e2eSeed
	}
	ctx := context.Background()
	for k, v := range seed {
		if err := rdb.Set(ctx, k, v, 0).Err(); err != nil {
			t.Fatalf("seed %s: %v", k, err)
		}
	}
	if run.fill != nil {
		run.fill(t, rdb)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g remain-on-exit on\n"+run.tmuxConf), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := fmt.Sprintf("confo-tui-%d-%d", os.Getpid(), e2eSockets.Add(1))
	e := &e2e{t: t, sock: sock, rdb: rdb, exitFile: filepath.Join(dir, "exit-status")}
	var sockPath string
	t.Cleanup(func() {
		// Kills confo too; the redis-server cleanup, registered earlier,
		// runs after this one. kill-server leaves the socket file behind.
		exec.Command(tmux, "-L", sock, "kill-server").Run()
		if sockPath != "" {
			os.Remove(sockPath)
		}
	})
	args := []string{"-L", sock, "-f", conf, "new-session", "-d", "-s", e2eTarget, "-x", "120", "-y", "36",
		"env", "TERM=xterm-256color"}
	args = append(args, run.env...)
	args = append(args, "sh", "-c", `f=$1; shift; "$@" 2>"$f.stderr"; echo $? >"$f.tmp" && mv "$f.tmp" "$f"`, "sh", e.exitFile, bin)
	for _, a := range run.args {
		args = append(args, strings.ReplaceAll(a, "REDIS", "redis://"+addr))
	}
	if len(run.args) == 0 {
		args = append(args, "--redis", "redis://"+addr)
	}
	cmd := exec.Command(tmux, args...)
	cmd.Env = tmuxEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	if out, err := exec.Command(tmux, "-L", sock, "display-message", "-p", "#{socket_path}").Output(); err == nil {
		sockPath = strings.TrimSpace(string(out))
	}
	return e
}

// tmuxValue reads a tmux format (#{pane_title}) or runs a tmux command
// and returns its output.
func (e *e2e) tmux(args ...string) string {
	e.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", e.sock}, args...)...).CombinedOutput()
	if err != nil {
		return "error: " + strings.TrimSpace(string(out))
	}
	return string(out)
}

// goTo selects a namespace and a config with the filter, leaving the focus
// on the configs pane.
func (e *e2e) goTo(ns, cfg string) {
	e.t.Helper()
	send(e.t, e.sock, "h", "h", "h", "h", "l", "/")
	sendText(e.t, e.sock, ns)
	send(e.t, e.sock, "Enter")
	e.waitFor(e2eWait, "cursor on namespace "+ns, cursorOn(ns))
	send(e.t, e.sock, "l", "/")
	sendText(e.t, e.sock, cfg)
	send(e.t, e.sock, "Enter")
	e.waitFor(e2eWait, "cursor on config "+cfg, cursorOn(cfg))
}
