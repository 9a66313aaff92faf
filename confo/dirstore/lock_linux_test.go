package dirstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo/store"
)

// holdEnv makes the test binary a helper process that takes a namespace's
// lock as a committing confo would, says so, and waits to be killed.
const holdEnv = "CONFO_DIRSTORE_TEST_HOLD"

func TestDirLockHelperProcess(t *testing.T) {
	root := os.Getenv(holdEnv)
	if root == "" {
		t.Skip("only runs as the helper process of TestDirStoppedLockHolder")
	}
	s, err := Open(Config{Path: root})
	if err != nil {
		t.Fatal(err)
	}
	lock, err := s.lockNamespace(context.Background(), "database")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	fmt.Println("locked")
	time.Sleep(time.Hour)
}

// TestDirStoppedLockHolder: a confo process stopped (SIGSTOP) while it
// holds a namespace's lock hangs no read, and a writer gives up after its
// timeout with an error naming the stopped process.
func TestDirStoppedLockHolder(t *testing.T) {
	root := t.TempDir()
	dirTestTree(t, root, map[string]string{"database/mysqli.json": "{}", "sales/leads.json": "{}"})
	helper := exec.Command(os.Args[0], "-test.run=^TestDirLockHelperProcess$")
	helper.Env = append(os.Environ(), holdEnv+"="+root)
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
		t.Fatalf("helper said %q, %v", line, err)
	}
	if err := helper.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}

	s, err := Open(Config{Path: root, LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, opts := range []store.LoadOptions{{}, {RegistryOnly: true}, {Namespaces: []string{"database"}},
		{Targets: &store.Targets{Lists: []string{"database"}, Configs: []store.ConfigRef{{Namespace: "database", Config: "mysqli"}}}}} {
		if _, err := s.Load(ctx, opts); err != nil {
			t.Fatalf("Load %+v while a stopped process holds the lock: %v", opts, err)
		}
	}
	// Other namespaces are written as usual.
	if _, err := s.Commit(ctx, []store.NamespaceChange{{Namespace: "sales", Configs: []store.ConfigChange{
		{Name: "leads", Expect: store.PresentRaw([]byte("{}")), Write: []byte(`{"n": 1}`)}}}}, store.CommitOptions{}); err != nil {
		t.Fatalf("commit of another namespace: %v", err)
	}
	began := time.Now()
	_, err = s.Commit(ctx, []store.NamespaceChange{{Namespace: "database", Configs: []store.ConfigChange{
		{Name: "mysqli", Expect: store.PresentRaw([]byte("{}")), Write: []byte(`{"a": 1}`)}}}}, store.CommitOptions{})
	waited := time.Since(began)
	want := fmt.Sprintf("locked by process %d", helper.Process.Pid)
	if !errors.Is(err, store.ErrBusy) || !strings.Contains(err.Error(), want) {
		t.Fatalf("commit of the locked namespace: %v; want %q", err, want)
	}
	if waited > 3*time.Second {
		t.Fatalf("the writer waited %s, past its 200ms timeout", waited)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "database/mysqli.json")); string(data) != "{}" {
		t.Fatalf("written despite the lock: %q", data)
	}
	dirTestDiff(t, dirTestRead(t, root), map[string]string{"database/mysqli.json": "{}", "sales/leads.json": `{"n": 1}`})
}
