package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// A store opened through the Sentinels follows the master: after a forced
// failover, and after the master dies and the Sentinels promote the
// replica, the same store reads and writes the new master, and its watch
// reconnects and reports changes there. While no master answers, a
// persist fails in plain words and writes nothing.
func TestSentinelFailoverNeedsNoRestart(t *testing.T) {
	g := redisserver.NewSentinel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := openURL(t, g.URL())
	check(t, err)
	roundTrip(t, s)
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	changes, err := s.Watch(watchCtx, store.WatchOptions{})
	check(t, err)
	redisstore.AwaitChange(t, changes, "ready", func(c store.Change) bool { return c.Kind == store.ChangeReady })

	if _, err := g.Failover(ctx); err != nil {
		t.Fatal(err)
	}
	roundTrip(t, s)
	// The watch moves to the new master and says so (ready: what changed
	// meanwhile must be read again); changes there are then reported.
	redisstore.AwaitChange(t, changes, "the watch on the new master", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	roundTrip(t, s)
	redisstore.AwaitChange(t, changes, "a write on the new master", func(c store.Change) bool { return c.Kind == store.ChangeConfig && c.Config == "cfg" })

	// The master dies: wait for the replica to hold every write first,
	// as replication is asynchronous.
	old := g.Master.Addr
	ws := confoLoaded(t, s)
	check(t, ws.SetField("rt", "cfg", "during", confo.BoolValue(true)))
	check(t, g.Master.Client().Do(ctx, "WAIT", 1, 1000).Err())
	check(t, g.Master.Stop())
	err = confo.Persist(ctx, s, ws, confo.Scope{}, confo.CommitOptions{})
	if !errors.Is(err, confo.ErrUnreachable) || !strings.Contains(err.Error(), "Sentinels have not promoted a replica yet") {
		t.Errorf("persist while no master answers: %v", err)
	}
	if _, err := g.AwaitFailover(ctx, old); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		ws := confoLoaded(t, s)
		check(t, ws.SetField("rt", "cfg", "after", confo.BoolValue(true)))
		err := confo.Persist(ctx, s, ws, confo.Scope{}, confo.CommitOptions{})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("persist after the promotion still fails: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	redisstore.AwaitChange(t, changes, "the watch on the promoted master", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	roundTrip(t, s)
	redisstore.AwaitChange(t, changes, "a write on the promoted master", func(c store.Change) bool { return c.Kind == store.ChangeConfig && c.Config == "cfg" })
}

// confoLoaded is confotest.Loaded without failing the test on an error a
// failover may cause for a moment.
func confoLoaded(t *testing.T, s confo.Store) *confo.Workspace {
	t.Helper()
	var err error
	for range 50 {
		ws := confo.NewWorkspace(s.Naming())
		if _, err = confo.Reload(context.Background(), s, ws, confo.ReloadOptions{Discard: true}); err == nil {
			return ws
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("load %s: %v", s.Address(), err)
	return nil
}
