package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// startPane runs argv in a fresh tmux server of its own, in a 120×36 pane
// whose process is a shell that records argv's exit status and pid, with
// tmux options from conf and env added to the environment. The pane stays
// after argv exits so that its last screen can be read.
func startPane(t *testing.T, conf string, env []string, argv ...string) *e2e {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	tmux := redisserver.RequireTool(t, "tmux")
	dir := t.TempDir()
	confFile := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(confFile, []byte("set -g remain-on-exit on\n"+conf), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := fmt.Sprintf("confo-cli-%d-%d", os.Getpid(), e2eSockets.Add(1))
	e := &e2e{t: t, sock: sock, exitFile: filepath.Join(dir, "exit-status")}
	t.Cleanup(func() {
		out, _ := exec.Command(tmux, "-L", sock, "display-message", "-p", "#{socket_path}").Output()
		exec.Command(tmux, "-L", sock, "kill-server").Run()
		if p := strings.TrimSpace(string(out)); p != "" {
			os.Remove(p)
		}
	})
	// The shell writes its pid and, when argv ends, its status. It starts
	// with an empty line: tmux 3.3a drops the first line of a pane whose
	// process has exited. Like an interactive shell, it outlives a ctrl+c
	// that argv handles, so that argv's status is recorded.
	script := `f=$1; shift; trap : INT; echo $$ > "$f.pid"; echo; "$@" 2>"$f.stderr"; echo $? >"$f.tmp" && mv "$f.tmp" "$f"`
	args := []string{"-L", sock, "-f", confFile, "new-session", "-d", "-s", e2eTarget, "-x", "120", "-y", "36",
		"env", "TERM=xterm-256color"}
	args = append(args, env...)
	args = append(args, "sh", "-c", script, "sh", e.exitFile)
	args = append(args, argv...)
	cmd := exec.Command(tmux, args...)
	cmd.Env = tmuxEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return e
}

// tmuxOut runs a tmux command on the pane's server and returns its output.
func (e *e2e) tmuxOut(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", e.sock}, args...)...).CombinedOutput()
	return string(out), err
}

// waitStatus waits for argv to exit and returns its exit status.
func (e *e2e) waitStatus() string {
	e.t.Helper()
	deadline := time.Now().Add(e2eWait)
	for {
		if b, err := os.ReadFile(e.exitFile); err == nil {
			return strings.TrimSpace(string(b))
		}
		if time.Now().After(deadline) {
			e.fatalf("no exit status after %v", e2eWait)
		}
		time.Sleep(e2ePoll)
	}
}
