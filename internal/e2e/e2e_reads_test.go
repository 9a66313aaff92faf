//go:build linux

package e2e

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCLIDirUnreadableFolders: with the directory store, a namespace
// folder that cannot be listed makes export and get fail with one line
// naming it (exit 1), never an empty namespace; a top folder that cannot
// be listed fails namespaces too. Tests run as root, whom permissions do
// not stop, so the binary then runs as nobody.
func TestCLIDirUnreadableFolders(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	// A tree and a binary that nobody can reach: t.TempDir's parent is
	// private to the user running the tests.
	top, err := os.MkdirTemp("", "confo-e2e-reads-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.Walk(top, func(path string, _ os.FileInfo, _ error) error { os.Chmod(path, 0o755); return nil })
		os.RemoveAll(top)
	})
	root := filepath.Join(top, "data")
	for path, data := range map[string]string{"database/mysqli.json": `{"host": "a"}`, "sales/leads.json": `{"n": 1}`} {
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(root, path)), 0o755))
		must(t, os.WriteFile(filepath.Join(root, path), []byte(data), 0o644))
	}
	bin := filepath.Join(top, "confo")
	copyFile(t, buildConfo(t), bin)
	must(t, os.Chmod(top, 0o755))
	must(t, os.Chmod(bin, 0o755))

	run := func(args ...string) (int, string, string) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--dir", root}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+top+"/home", "XDG_CONFIG_HOME="+top+"/home", "CONFO_CONFIG=")
		if os.Geteuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if _, exited := err.(*exec.ExitError); err != nil && !exited {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
	}
	if code, out, stderr := run("export"); code != 0 || out != `{"database": {"mysqli": {"host": "a"}}, "sales": {"leads": {"n": 1}}}`+"\n" {
		t.Fatalf("export of the readable tree: exit %d, %q, %q", code, out, stderr)
	}

	must(t, os.Chmod(filepath.Join(root, "database"), 0o000))
	for _, args := range [][]string{{"export"}, {"export", "database"}, {"get", "database"}, {"get", "database", "mysqli"}} {
		code, out, stderr := run(args...)
		if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, `namespace "database"`) || !strings.Contains(stderr, "permission denied") {
			t.Errorf("%q with an unreadable namespace folder: exit %d, stderr %q; want exit 1 and one line naming it", args, code, stderr)
		}
		if strings.Contains(out, "{}") {
			t.Errorf("%q: the output shows an empty namespace: %q", args, out)
		}
	}
	if code, out, _ := run("get", "sales", "leads"); code != 0 || out != `{"n": 1}`+"\n" {
		t.Errorf("get of another namespace: exit %d, %q", code, out)
	}

	must(t, os.Chmod(root, 0o311)) // traversable, not listable
	for _, args := range [][]string{{"namespaces"}, {"export"}, {"get", "sales", "leads"}} {
		code, out, stderr := run(args...)
		if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, root) || !strings.Contains(stderr, "permission denied") || out != "" && out != "{" {
			t.Errorf("%q with an unreadable top folder: exit %d, stdout %q, stderr %q; want exit 1 and one line naming it", args, code, out, stderr)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	must(t, err)
	defer in.Close()
	out, err := os.Create(to)
	must(t, err)
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	must(t, out.Close())
}
