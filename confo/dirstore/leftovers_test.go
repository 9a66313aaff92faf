package dirstore

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/confo-dev/confo/confo/store"
)

// TestDirCommitCleansLeftovers: after a commit, the namespace folder holds
// only configs and the root only namespaces, whatever crashed commits
// (of this version or an older one) left; temp files of a live writer of
// another namespace are kept.
func TestDirCommitCleansLeftovers(t *testing.T) {
	root := t.TempDir()
	dead := 1 << 22 // above the default pid_max, so never a live process
	live := os.Getpid()
	private := func(ns string, pid int) string {
		return privateDir + "/" + tempPrefix(ns) + strconv.Itoa(pid) + "-123" + tempSuffix
	}
	dirTestTree(t, root, map[string]string{
		"database/mysqli.json":              "{}",
		"database/" + legacyLockName:        "",
		"database/.mysqli.json.tmp-1234567": `{"half`,
		"sales/leads.json":                  "{}",
		private("database", live):           `{"half`, // ours: we hold the lock, so it is stale
		private("sales", dead):              `{"half`,
		private("sales", live):              `{"being written`,
	})
	s := dirTestOpen(t, root, false)
	_, err := s.Commit(context.Background(), []store.NamespaceChange{{Namespace: "database", Configs: []store.ConfigChange{
		{Name: "mysqli", Expect: store.PresentRaw([]byte("{}")), Write: []byte(`{"a": 1}`)},
		{Name: "fresh", Expect: store.MissingRaw(), Write: []byte(`{}`)},
	}}}, store.CommitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dirTestDiff(t, dirTestRead(t, root), map[string]string{
		"database/mysqli.json": `{"a": 1}`,
		"database/fresh.json":  `{}`,
		"sales/leads.json":     "{}",
		private("sales", live): `{"being written`,
	})
	// Once nobody writes, the private folder goes too.
	os.Remove(filepath.Join(root, private("sales", live)))
	if _, err := s.Commit(context.Background(), []store.NamespaceChange{{Namespace: "sales", Configs: []store.ConfigChange{
		{Name: "leads", Expect: store.PresentRaw([]byte("{}")), Write: []byte(`{"n": 1}`)}}}}, store.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, privateDir)); !os.IsNotExist(err) {
		t.Fatalf("the private folder outlived the commits: %v", err)
	}
}

// TestDirCommitAcrossFilesystems: a config symlinked to a file on another
// filesystem is still replaced atomically, with the temp file next to it.
func TestDirCommitAcrossFilesystems(t *testing.T) {
	other, err := os.MkdirTemp("/dev/shm", "confo-test-")
	if err != nil {
		t.Skipf("no second filesystem at /dev/shm: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(other) })
	target := filepath.Join(other, "shared.json")
	if err := os.WriteFile(target, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	dirTestTree(t, root, map[string]string{"database/shared.json": "->" + target})
	s := dirTestOpen(t, root, false)
	if _, err := s.Commit(context.Background(), []store.NamespaceChange{{Namespace: "database", Configs: []store.ConfigChange{
		{Name: "shared", Expect: store.PresentRaw([]byte("{}")), Write: []byte(`{"x": 1}`)}}}}, store.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(target); string(data) != `{"x": 1}` {
		t.Fatalf("target holds %q", data)
	}
	if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("target mode %v, %v", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(other)
	if len(entries) != 1 {
		t.Fatalf("%s holds %d entries, want the config alone", other, len(entries))
	}
	dirTestDiff(t, dirTestRead(t, root), map[string]string{"database/shared.json": "->" + target})
}
