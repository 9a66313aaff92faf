//go:build linux

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// holdLockEnv makes the test binary a helper process that takes a
// namespace folder's lock the way a committing confo does (an exclusive
// flock on the folder), says so, and waits to be killed.
const holdLockEnv = "CONFO_E2E_HOLD_LOCK"

func TestDirLockHolderHelper(t *testing.T) {
	folder := os.Getenv(holdLockEnv)
	if folder == "" {
		t.Skip("only runs as the helper process of TestCLIDirStoppedLockHolder")
	}
	f, err := os.Open(folder)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	fmt.Println("locked")
	time.Sleep(time.Hour)
}

// TestCLIDirStoppedLockHolder: a process stopped (SIGSTOP) while it holds
// a namespace's lock makes the real binary's write of that namespace give
// up after --timeout with one line naming the holder's pid (exit 1);
// reads, and writes of other namespaces, do not wait for it.
func TestCLIDirStoppedLockHolder(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	root := t.TempDir()
	for path, data := range map[string]string{"database/mysqli.json": `{"host": "a"}`, "sales/leads.json": `{"n": 1}`} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, path)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, path), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := buildConfo(t)
	holder := startLockHolder(t, filepath.Join(root, "database"))

	run := func(args ...string) (code int, stdout, stderr string, took time.Duration) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--dir", root, "--timeout", "500ms"}, args...)...)
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		began := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatalf("confo %q hangs behind the stopped lock holder", args)
		}
		return cmd.ProcessState.ExitCode(), out.String(), errOut.String(), time.Since(began)
	}

	code, _, stderr, took := run("set", "database", "mysqli", "host", "b")
	want := fmt.Sprintf("locked by process %d", holder)
	if code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, `"database"`) || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("write of the locked namespace: exit %d, stderr %q; want exit 1 and one line with %q", code, stderr, want)
	}
	if took > 5*time.Second {
		t.Fatalf("the write gave up after %s, not after its 500ms timeout", took)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "database/mysqli.json")); string(data) != `{"host": "a"}` {
		t.Fatalf("written despite the lock: %s", data)
	}
	for _, tc := range []struct {
		args []string
		out  string
	}{
		{[]string{"namespaces"}, "database\nsales\n"},
		{[]string{"get", "database", "mysqli", "host"}, "\"a\"\n"},
		{[]string{"get", "database"}, `{"mysqli": {"host": "a"}}` + "\n"},
		{[]string{"export"}, `{"database": {"mysqli": {"host": "a"}}, "sales": {"leads": {"n": 1}}}` + "\n"},
		{[]string{"set", "sales", "leads", "n", "2"}, ""},
	} {
		if code, stdout, stderr, _ := run(tc.args...); code != 0 || stdout != tc.out {
			t.Errorf("%q while a stopped process holds database's lock: exit %d, stdout %q, stderr %q", tc.args, code, stdout, stderr)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(root, "sales/leads.json")); string(data) != `{"n": 2}` {
		t.Errorf("the write of another namespace stored %s", data)
	}
}

// startLockHolder starts the helper on folder, waits until it holds the
// lock, stops it with SIGSTOP, and returns its pid.
func startLockHolder(t *testing.T, folder string) int {
	t.Helper()
	helper := exec.Command(os.Args[0], "-test.run=^TestDirLockHolderHelper$")
	helper.Env = append(os.Environ(), holdLockEnv+"="+folder)
	out, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		helper.Process.Signal(syscall.SIGCONT)
		helper.Process.Kill()
		helper.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("the lock holder said %q, %v", line, err)
	}
	if err := helper.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	return helper.Process.Pid
}
