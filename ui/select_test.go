package ui

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/model"
)

// TestSelectionFollowsTheNameWhileLoading: a namespace another client adds
// before the selected one, while the first load still runs, must not take
// over the cursor the user never moved (e, d, s would act on it).
func TestSelectionFollowsTheNameWhileLoading(t *testing.T) {
	store := confotest.NewMemStore(false)
	store.Put("big", "one", `{"a": 1}`)
	store.Put("database", "mysqli", mysqli)
	var loads atomic.Int32
	block := make(chan struct{})
	store.OnLoad = func(ctx context.Context, opts confo.LoadOptions) error {
		if !opts.RegistryOnly && loads.Add(1) == 1 {
			select {
			case <-block:
			case <-ctx.Done():
			}
		}
		return nil
	}
	b := model.NewPending("files", model.Source{Kind: "dir", Address: "x", Open: func(context.Context) (confo.Store, error) { return store, nil }}, model.Options{})
	m := New([]*model.Backend{b}, DefaultKeyMap(), Options{Context: t.Context(), Static: true, Now: func() time.Time { return time.Unix(0, 0) }})
	a := &app{t: t, m: m, clock: &clock{}}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	a.start(m.Init())
	a.waitFor("big", "database", "other clients' changes show up live")
	if got := m.lists[paneNamespaces].selected(); got != "big" {
		t.Fatalf("selected %q at first", got)
	}
	if b.LoadProgress().Done {
		t.Fatal("the load finished before the other client's change")
	}
	store.Put("aaa", "z", `{"q": 1}`)
	a.waitFor("added namespace aaa")
	if got := m.lists[paneNamespaces].selected(); got != "big" {
		t.Fatalf("selected %q after another client added aaa while loading, want big:\n%s", got, a.screen())
	}
	close(block)
	a.run(nil)
	store.Put("aab", "z", `{"q": 1}`)
	a.waitFor("added namespace aab")
	if got := m.lists[paneNamespaces].selected(); got != "big" {
		t.Fatalf("selected %q after another client added aab once loaded, want big", got)
	}
}

// TestListFollowsTheRowOnScreen: a cursor nobody moved stays on its row
// when rows are added before it, and when its row goes away the neighbour
// it lands on is followed from then on; a name asked for that has not
// arrived yet is still found when it does.
func TestListFollowsTheRowOnScreen(t *testing.T) {
	var l list
	for _, step := range []struct {
		names []string
		want  string
	}{
		{[]string{"big", "database"}, "big"},                // the first row, never moved to
		{[]string{"aaa", "big", "database"}, "big"},         // a row added above
		{[]string{"aaa", "database"}, "database"},           // big went away
		{[]string{"a", "aaa", "database"}, "database"},      // the neighbour is followed
		{[]string{"a", "aaa", "database", "z"}, "database"}, // a row added below
	} {
		l.setNames(step.names, true)
		if l.selected() != step.want {
			t.Fatalf("%v: selected %q, want %q", step.names, l.selected(), step.want)
		}
	}
	// A restored position waits for its name through an empty list and
	// one without it.
	l = list{want: "mysqli"}
	l.setNames(nil, true)
	l.setNames([]string{"a", "b"}, true)
	l.setNames([]string{"a", "b", "mysqli"}, true)
	if l.selected() != "mysqli" {
		t.Fatalf("the wanted name was dropped: %q", l.selected())
	}
}
