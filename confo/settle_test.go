package confo_test

import (
	"context"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

// An edit made while a persist is in flight (the UI commits in the
// background) stays an edit after the persist settles, also when an undo
// puts back an earlier state.
func TestEditsWhileAPersistIsInFlightStayEdits(t *testing.T) {
	ctx := context.Background()
	store := confotest.NewMemStore(false)
	store.Put("ns", "cfg", `{"a": 1, "b": 1}`)
	ws := confotest.Loaded(t, store)
	check(t, ws.SetField("ns", "cfg", "a", confo.IntValue(2)))
	saved := ws.SaveConfig("ns", "cfg")
	check(t, ws.SetField("ns", "cfg", "b", confo.IntValue(3)))
	plan, err := ws.PlanPersist(confo.Scope{}, confo.CommitOptions{})
	check(t, err)

	// In flight: undo the edit of b, then edit a again.
	ws.RestoreConfig(saved)
	check(t, ws.SetField("ns", "cfg", "a", confo.IntValue(4)))
	check(t, ws.Settle(plan, plan.Commit(ctx, store)))

	if got, _ := store.Get("ns", "cfg"); got != `{"a": 2, "b": 3}` {
		t.Fatalf("stored %s", got)
	}
	cfg := ws.Namespace("ns").Config("cfg")
	if cfg.Status() != confo.StatusModified {
		t.Fatalf("the edit made in flight is gone: status %s", cfg.Status())
	}
	if v, _ := ws.GetField("ns", "cfg", "a"); v.Literal() != "4" {
		t.Fatalf("a = %s, want the edit made in flight, 4", v.Literal())
	}
	check(t, confo.Persist(ctx, store, ws, confo.Scope{}, confo.CommitOptions{}))
	if got, _ := store.Get("ns", "cfg"); got != `{"a": 4, "b": 3}` {
		t.Fatalf("stored %s after persisting the edit made in flight", got)
	}
}
