package confo_test

import (
	"context"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

// follow applies watched changes to ws until done holds, for at most
// three seconds (a change must show up "within about a second").
func follow(t *testing.T, s confo.Store, ws *confo.Workspace, ch <-chan confo.Change, what string, done func() bool) {
	t.Helper()
	deadline := time.After(3 * time.Second)
	for !done() {
		var batch []confo.Change
		select {
		case c := <-ch:
			batch = append(batch, c)
		case <-deadline:
			t.Fatalf("%s did not show up within 3s", what)
		}
		for more := true; more; {
			select {
			case c := <-ch:
				batch = append(batch, c)
			default:
				more = false
			}
		}
		if _, err := confo.Refresh(context.Background(), s, ws, batch); err != nil {
			t.Fatal(err)
		}
	}
}

func startWatch(t *testing.T, s confo.Store) <-chan confo.Change {
	t.Helper()
	w, ok := s.(confo.Watcher)
	if !ok {
		t.Fatalf("%T cannot watch", s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := w.Watch(ctx, confo.WatchOptions{Interval: 50 * time.Millisecond})
	check(t, err)
	for c := range ch {
		if c.Kind == confo.ChangeReady {
			return ch
		}
	}
	t.Fatal("the watch ended before it was ready")
	return nil
}

func valueOf(ws *confo.Workspace, ns, cfg string) string {
	v, err := ws.Get(ns, cfg)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return string(confo.Encode(v))
}

// TestLiveRefreshOnEveryBackend: what another client writes shows up in a
// workspace without a reload, and unsaved edits survive it.
func TestLiveRefreshOnEveryBackend(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		testLiveRefresh(t, openStore(t, b), func() *confo.Confo { return b.Open(t) })
	})
	t.Run("memory", func(t *testing.T) {
		s := confotest.NewMemStore(false)
		testLiveRefresh(t, s, func() *confo.Confo {
			c := confo.New()
			check(t, c.AttachBackend(context.Background(), "m", s, confo.BackendOptions{}))
			check(t, c.ActivateBackend("m"))
			return c
		})
	})
}

func testLiveRefresh(t *testing.T, s confo.Store, open func() *confo.Confo) {
	ctx := context.Background()
	other := open()
	seedDatabase(t, other)
	ws := confotest.Loaded(t, s)
	check(t, ws.SetField("database", "mysqli", "user", confo.StringValue("mine")))
	mine := valueOf(ws, "database", "mysqli")
	ch := startWatch(t, s)

	check(t, other.SetField("postgres", "user", confo.StringValue("theirs")))
	check(t, other.SetField("mysqli", "host", confo.StringValue("theirs")))
	check(t, other.PersistNamespace(ctx, "database"))
	follow(t, s, ws, ch, "another client's change", func() bool {
		_, marked := ws.Namespace("database").Config("mysqli").Remote()
		return valueOf(ws, "database", "postgres") == `{"host": "localhost", "db_name": "sambe_db", "user": "theirs"}` && marked
	})
	if got := valueOf(ws, "database", "mysqli"); got != mine {
		t.Fatalf("the unsaved edit was touched: %s, want %s", got, mine)
	}
	if ws.RemoteCount() != 1 {
		t.Fatalf("RemoteCount = %d, want 1", ws.RemoteCount())
	}

	check(t, other.Set("fresh", confo.IntValue(1)))
	check(t, other.DeleteConfig("postgres"))
	check(t, other.CreateNamespace("sales"))
	check(t, other.UseNamespace("sales"))
	check(t, other.Set("leads", confo.IntValue(2)))
	check(t, other.Persist(ctx))
	follow(t, s, ws, ch, "a new and a deleted config, a new namespace", func() bool {
		db := ws.Namespace("database")
		return db.Config("fresh") != nil && db.Config("postgres") == nil && ws.Namespace("sales") != nil && valueOf(ws, "sales", "leads") == "2"
	})
	if got := valueOf(ws, "database", "mysqli"); got != mine {
		t.Fatalf("the unsaved edit was touched: %s, want %s", got, mine)
	}
}
