package ui

// The terminal UI's hot paths with 100,000 configs in one namespace, driven
// the way the program drives it: the root model from New with the
// program's key map, a tea.WindowSizeMsg, then key presses, each followed by
// a View. BenchmarkKeyPress and BenchmarkFilter show regressions in review;
// TestUIFigures is what cmd/confobench runs (with CONFOBENCH_UI set) for
// the p99 and the filter figures of BENCHMARKS.md.

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/dataset"
	"github.com/confo-dev/confo/model"
)

const benchNamespace = "bulk"

// newBenchUI returns the root model over one backend whose namespace
// "bulk" holds n configs, sized w×h, with the configs pane focused.
func newBenchUI(tb testing.TB, n, w, h int) (*Model, int) {
	tb.Helper()
	// An in-memory store: key presses do no I/O, so the figures measure
	// Update and View only.
	store := confotest.NewMemStore(false)
	for _, c := range dataset.Single(benchNamespace, n).Namespaces[0].Configs {
		store.Put(benchNamespace, c.Name, string(c.Value))
	}
	ws := confotest.Loaded(tb, store)
	app := New([]*model.Backend{model.NewBackend("bench", store, ws, model.Options{})}, DefaultKeyMap(), Options{Static: true})
	app.Update(tea.WindowSizeMsg{Width: w, Height: h})
	if screen := app.Render(); !strings.Contains(screen, "service000000") {
		tb.Fatalf("the configs pane does not show the first config:\n%s", screen)
	}
	return app, len(app.Render())
}

func pressTimed(app *Model, k tea.KeyPressMsg) int {
	app.Update(k)
	v := app.View()
	return len(v.Content)
}

var (
	keyDown = tea.KeyPressMsg{Code: tea.KeyDown}
	keyUp   = tea.KeyPressMsg{Code: tea.KeyUp}
	keyEsc  = tea.KeyPressMsg{Code: tea.KeyEscape}
)

func keyText(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

// pressKey is the i-th key of the browsing pattern: down through the list
// (so it scrolls), with an up every fourth press.
func pressKey(i int) tea.KeyPressMsg {
	if i%4 == 3 {
		return keyUp
	}
	return keyDown
}

// BenchmarkKeyPress is one key press (Update + View) in the configs pane
// of a 100k-config namespace at 160×48.
func BenchmarkKeyPress(b *testing.B) {
	app, _ := newBenchUI(b, 100000, 160, 48)
	b.ResetTimer()
	for i := range b.N {
		pressTimed(app, pressKey(i))
	}
}

const benchFilter = "9999"

// BenchmarkFilter types a filter over 100k config names, one key press
// (Update + View) at a time, and clears it.
func BenchmarkFilter(b *testing.B) {
	app, _ := newBenchUI(b, 100000, 160, 48)
	b.ResetTimer()
	for range b.N {
		typeFilter(app, benchFilter)
		pressTimed(app, keyEsc)
	}
}

// typeFilter opens the filter and types text; it returns each keystroke's
// Update + View time.
func typeFilter(app *Model, text string) []time.Duration {
	pressTimed(app, keyText('/'))
	var ds []time.Duration
	for _, r := range text {
		start := time.Now()
		pressTimed(app, keyText(r))
		ds = append(ds, time.Since(start))
	}
	return ds
}

// TestUIFigures measures the UI figures of BENCHMARKS.md. It runs only when
// CONFOBENCH_UI is "configs,presses,width,height" (cmd/confobench sets it)
// and prints one JSON line after "confobench-ui: ".
func TestUIFigures(t *testing.T) {
	spec := os.Getenv("CONFOBENCH_UI")
	if spec == "" {
		t.Skip("set CONFOBENCH_UI=configs,presses,width,height (cmd/confobench does)")
	}
	var p [4]int
	parts := strings.Split(spec, ",")
	if len(parts) != 4 {
		t.Fatalf("CONFOBENCH_UI=%q: want configs,presses,width,height", spec)
	}
	for i, s := range parts {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("CONFOBENCH_UI=%q: %q is not a positive number", spec, s)
		}
		p[i] = n
	}
	configs, presses, w, h := p[0], min(p[1], 1_000_000), p[2], p[3]
	app, _ := newBenchUI(t, configs, w, h)
	deadline := time.Now().Add(2 * time.Minute)

	for i := range 100 { // warm up
		pressTimed(app, pressKey(i))
	}
	keys := make([]time.Duration, 0, presses)
	for i := 0; i < presses && time.Now().Before(deadline); i++ {
		k := pressKey(i)
		start := time.Now()
		pressTimed(app, k)
		keys = append(keys, time.Since(start))
	}
	if len(keys) < 1000 {
		t.Fatalf("only %d presses before the deadline", len(keys))
	}

	// The filter: type it, check the view, clear it; five times.
	const filterRuns = 5
	var last, worst []time.Duration
	matches := 0
	for i := range configs {
		if strings.Contains(fmt.Sprintf("service%06d", i), benchFilter) {
			matches++
		}
	}
	for run := 0; run < filterRuns && time.Now().Before(deadline); run++ {
		ds := typeFilter(app, benchFilter)
		last = append(last, ds[len(ds)-1])
		worst = append(worst, slices.Max(ds))
		screen := app.Render()
		if configs > 9999 && !strings.Contains(screen, "service009999") {
			t.Fatalf("the filtered view does not show service009999:\n%s", screen)
		}
		pressTimed(app, keyEsc)
		pressTimed(app, keyEsc)
	}
	huge := hugePresses(t, 500)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	fig := map[string]any{
		"configs": configs, "width": w, "height": h, "presses": len(keys),
		"key_p50_ms": ms(nearestRank(keys, 50)), "key_p99_ms": ms(nearestRank(keys, 99)), "key_max_ms": ms(slices.Max(keys)),
		"filter": benchFilter, "filter_runs": len(last),
		"filter_last_ms": ms(medianOf(last)), "filter_worst_key_ms": ms(medianOf(worst)),
		"filter_matches": matches,
		"huge_bytes":     hugeValueBytes, "huge_presses": len(huge), "huge_p99_ms": ms(nearestRank(huge, 99)), "huge_max_ms": ms(slices.Max(huge)),
	}
	js, err := json.Marshal(fig)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("confobench-ui: %s\n", js)
}

func nearestRank(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(float64(len(s))*p/100+0.999999) - 1
	return s[max(0, min(rank, len(s)-1))]
}

func medianOf(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
