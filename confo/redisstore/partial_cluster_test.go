package redisstore_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/internal/confotest"
)

// A cluster commit that stops between two steps (the connection fails) is
// a partial commit naming what it wrote and what it stored without listing
// it; the tree stays consistent but for those, and persisting the same
// workspace again finishes the change.
func TestClusterPartialCommitIsFinishedByPersistingAgain(t *testing.T) {
	c := confotest.Cluster(t)
	raw := c.Client()
	t.Cleanup(func() { raw.Close() })
	ctx := context.Background()
	for _, step := range []string{"list", "registry", "deletes"} {
		t.Run("failing before "+step, func(t *testing.T) {
			prefix := confotest.FreshPrefix()
			s, err := redisstore.Open(ctx, redisstore.Config{Addr: c.Masters()[1].Addr, Prefix: prefix})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			seed := confo.NewWorkspace(s.Naming())
			check(t, seed.CreateNamespace("app"))
			check(t, seed.Set("app", "keep", confo.ParseLiteral(`{"v": 1}`)))
			check(t, seed.Set("app", "gone", confo.ParseLiteral(`{"v": 2}`)))
			check(t, confo.Persist(ctx, s, seed, confo.Scope{}, confo.CommitOptions{}))

			ws := confotest.Loaded(t, s)
			check(t, ws.SetField("app", "keep", "v", confo.IntValue(10)))
			check(t, ws.Set("app", "new1", confo.ParseLiteral(`{"n": 1}`)))
			check(t, ws.Set("app", "new2", confo.ParseLiteral(`{"n": 2}`)))
			check(t, ws.DeleteConfig("app", "gone"))
			lost := errors.New("connection lost (injected)")
			redisstore.FailBefore(s, func(at string) error {
				if at == step {
					return lost
				}
				return nil
			})
			err = confo.Persist(ctx, s, ws, confo.Scope{}, confo.CommitOptions{})
			partial, ok := errors.AsType[*confo.PartialCommitError](err)
			if !ok || !errors.Is(err, confo.ErrPartialCommit) || !errors.Is(err, lost) {
				t.Fatalf("got %v, want a partial commit stopped by the injected failure", err)
			}
			t.Logf("%v", err)
			if !slices.Contains(partial.Written, "keep") || !slices.Contains(partial.Written, "new1") {
				t.Errorf("written %v, want keep, new1 and new2", partial.Written)
			}
			var reported []string
			for _, name := range partial.Unlisted {
				reported = append(reported, prefix+"app-"+name)
			}
			st, err := confotest.CheckRedis(ctx, raw, prefix)
			check(t, err)
			if err := st.Accept(reported).Err(); err != nil {
				t.Fatalf("after the partial commit: %v", err)
			}
			if len(st.Orphans) != len(partial.Unlisted) {
				t.Errorf("orphans %v, reported as unlisted %v", st.Orphans, partial.Unlisted)
			}

			// What is left to do is only what was not written.
			redisstore.FailBefore(s, nil)
			changes, err := ws.Changes(confo.Scope{})
			check(t, err)
			for _, ch := range changes {
				for _, cc := range ch.Configs {
					if cc.Write != nil {
						t.Errorf("persisting again writes %s again", cc.Name)
					}
				}
			}
			check(t, confo.Persist(ctx, s, ws, confo.Scope{}, confo.CommitOptions{}))
			st, err = confotest.CheckRedis(ctx, raw, prefix)
			check(t, err)
			if err := st.Err(); err != nil || st.Configs != 3 {
				t.Fatalf("after persisting again: %+v, %v", st, err)
			}
			fresh := confotest.Loaded(t, s)
			if got := fresh.Namespace("app").ConfigNames(); !slices.Equal(got, []string{"keep", "new1", "new2"}) {
				t.Errorf("configs %v after persisting again", got)
			}
			if v, err := fresh.GetField("app", "keep", "v"); err != nil || v.Literal() != "10" {
				t.Errorf("keep.v = %v, %v", v, err)
			}
		})
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
