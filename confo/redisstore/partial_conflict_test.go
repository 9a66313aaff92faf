package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/internal/confotest"
)

// Another client's change between two steps of a cluster commit makes a
// partial commit: its message is one line that says what stopped it (the
// config and what the other client did), never that nothing of the
// namespace was written; the conflict is still there for callers that
// show it.
func TestClusterPartialCommitByConflictIsOneTruthfulLine(t *testing.T) {
	c := confotest.Cluster(t)
	raw := c.Client()
	t.Cleanup(func() { raw.Close() })
	ctx := context.Background()
	prefix := confotest.FreshPrefix()
	s, err := redisstore.Open(ctx, redisstore.Config{Addr: c.Masters()[0].Addr, Prefix: prefix})
	check(t, err)
	t.Cleanup(func() { s.Close() })
	seed := confo.NewWorkspace(s.Naming())
	check(t, seed.CreateNamespace("bulk"))
	check(t, seed.Set("bulk", "keep", confo.ParseLiteral(`{"v": 1}`)))
	check(t, seed.Set("bulk", "gone", confo.ParseLiteral(`{"v": 2}`)))
	check(t, confo.Persist(ctx, s, seed, confo.Scope{}, confo.CommitOptions{}))

	ws := confotest.Loaded(t, s)
	check(t, ws.SetField("bulk", "keep", "v", confo.IntValue(10)))
	check(t, ws.DeleteConfig("bulk", "gone"))
	redisstore.FailBefore(s, func(step string) error {
		if step == "deletes" { // the configs are written: now another client changes one to delete
			check(t, raw.Set(ctx, prefix+"bulk-gone", `{"v": 3}`, 0).Err())
		}
		return nil
	})
	err = confo.Persist(ctx, s, ws, confo.Scope{}, confo.CommitOptions{NoMerge: true})
	if !errors.Is(err, confo.ErrPartialCommit) || !errors.Is(err, confo.ErrConflict) {
		t.Fatalf("got %v, want a partial commit stopped by a conflict", err)
	}
	msg := err.Error()
	t.Log(msg)
	if strings.Contains(msg, "\n") || strings.Contains(msg, "nothing of their namespace was written") {
		t.Errorf("not one truthful line: %q", msg)
	}
	if !strings.Contains(msg, "wrote 1 config(s) (keep)") || !strings.Contains(msg, "stopped by: bulk/gone changed by another client;") {
		t.Errorf("does not say what was written and what stopped it: %q", msg)
	}
	conflict, ok := errors.AsType[*confo.ConflictError](err)
	if !ok || len(conflict.Conflicts) != 1 || conflict.Conflicts[0].Config != "gone" {
		t.Errorf("the conflict for callers that show it: %+v", conflict)
	}
}
