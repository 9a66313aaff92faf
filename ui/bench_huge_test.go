package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/model"
)

// hugeValueBytes is the value issue 9 measured at 2.5–3 s per key press.
const hugeValueBytes = 50 << 20

// newHugeUI shows a config whose field "blob" holds a 50 MB string, with
// the fields pane focused on it.
func newHugeUI(tb testing.TB) *Model {
	tb.Helper()
	store := confotest.NewMemStore(false)
	store.Put("big", "huge", `{"blob": "`+strings.Repeat("x", hugeValueBytes)+`", "small": 1, "name": "n"}`)
	ws := confotest.Loaded(tb, store)
	app := New([]*model.Backend{model.NewBackend("bench", store, ws, model.Options{})}, DefaultKeyMap(), Options{Static: true})
	app.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	app.Update(keyText('l'))
	app.View()
	if !strings.Contains(app.Render(), "blob") {
		tb.Fatalf("the fields pane does not show the huge field:\n%s", app.Render())
	}
	return app
}

// hugeKey walks the fields pane: down, down, up, up, so the cursor keeps
// coming back to the 50 MB field.
func hugeKey(i int) tea.KeyPressMsg {
	if i%4 < 2 {
		return keyDown
	}
	return keyUp
}

// BenchmarkKeyPressHugeValue is one key press (Update + View) with a
// 50 MB value in the fields pane.
func BenchmarkKeyPressHugeValue(b *testing.B) {
	app := newHugeUI(b)
	b.ResetTimer()
	for i := range b.N {
		pressTimed(app, hugeKey(i))
	}
}

// hugePresses times presses with the 50 MB value selected, for
// TestUIFigures.
func hugePresses(tb testing.TB, n int) []time.Duration {
	app := newHugeUI(tb)
	for i := range 20 {
		pressTimed(app, hugeKey(i))
	}
	ds := make([]time.Duration, 0, n)
	for i := range n {
		start := time.Now()
		pressTimed(app, hugeKey(i))
		ds = append(ds, time.Since(start))
	}
	return ds
}
