package dirstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo/store"
)

func waitDirChange(t *testing.T, ch <-chan store.Change, what string, want store.Change) {
	t.Helper()
	deadline := time.After(2 * time.Second)
	for {
		select {
		case c := <-ch:
			if c == want {
				return
			}
		case <-deadline:
			t.Fatalf("no %s (%+v) within 2s", what, want)
		}
	}
}

func TestDirWatch(t *testing.T) {
	root := t.TempDir()
	dirTestTree(t, root, map[string]string{"database/mysqli.json": "{}"})
	s := dirTestOpen(t, root, false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := s.Watch(ctx, store.WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := <-ch; c.Kind != store.ChangeReady {
		t.Fatalf("first change %+v, want ready", c)
	}
	// Python's FileBackend writes in place.
	if err := os.WriteFile(filepath.Join(root, "database/mysqli.json"), []byte(`{"a": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	waitDirChange(t, ch, "an edit in place", store.Change{Kind: store.ChangeConfig, Namespace: "database", Config: "mysqli"})
	// confo's own commits rename a temp file into place.
	_, err = s.Commit(ctx, []store.NamespaceChange{{Namespace: "database", Configs: []store.ConfigChange{
		{Name: "pg", Expect: store.MissingRaw(), Write: []byte(`{}`)}}}}, store.CommitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitDirChange(t, ch, "a new config", store.Change{Kind: store.ChangeList, Namespace: "database"})
	waitDirChange(t, ch, "a new config", store.Change{Kind: store.ChangeConfig, Namespace: "database", Config: "pg"})
	// A namespace that appears is watched from then on.
	if err := os.Mkdir(filepath.Join(root, "sales"), 0o755); err != nil {
		t.Fatal(err)
	}
	waitDirChange(t, ch, "a new namespace", store.Change{Kind: store.ChangeRegistry})
	time.Sleep(50 * time.Millisecond)
	if err := os.WriteFile(filepath.Join(root, "sales/leads.json"), []byte(`1`), 0o644); err != nil {
		t.Fatal(err)
	}
	waitDirChange(t, ch, "a config of the new namespace", store.Change{Kind: store.ChangeConfig, Namespace: "sales", Config: "leads"})
	if err := os.Remove(filepath.Join(root, "database/mysqli.json")); err != nil {
		t.Fatal(err)
	}
	waitDirChange(t, ch, "a removed config", store.Change{Kind: store.ChangeConfig, Namespace: "database", Config: "mysqli"})
	cancel()
	for range ch {
	}
}
