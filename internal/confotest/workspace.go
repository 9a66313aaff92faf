package confotest

import (
	"context"
	"testing"

	"github.com/confo-dev/confo/confo"
)

// Loaded reads a whole store into a new workspace, as opening a backend does.
func Loaded(t testing.TB, s confo.Store) *confo.Workspace {
	t.Helper()
	ws := confo.NewWorkspace(s.Naming())
	if _, err := confo.Reload(context.Background(), s, ws, confo.ReloadOptions{Discard: true}); err != nil {
		t.Fatalf("load %s: %v", s.Address(), err)
	}
	return ws
}
