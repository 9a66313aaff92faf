package main

// The terminal UI's hot paths with 100,000 configs in one namespace, driven
// the way the program drives it: the root model from ui.New with the
// program's key map, a tea.WindowSizeMsg, then key presses, each followed by
// a View. BenchmarkKeyPress and BenchmarkFilter show regressions in review;
// TestUIFigures is what cmd/confobench runs (with CONFOBENCH_UI set) for
// the p99 and the filter figures of BENCHMARKS.md.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/cmd/confobench/dataset"
	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/model"
	"github.com/confo-dev/confo/ui"
)

// benchStore is a Store that holds a snapshot in memory: key presses do no
// I/O, so the UI figures measure Update and View only.
type benchStore struct{ snap *confo.Snapshot }

func (s benchStore) Kind() confo.BackendType { return confo.BackendRedis }
func (s benchStore) Address() string         { return "127.0.0.1:6379" }
func (s benchStore) ReadOnly() bool          { return false }
func (s benchStore) Close() error            { return nil }
func (s benchStore) Naming() confo.Naming    { return nil }
func (s benchStore) Load(context.Context, confo.LoadOptions) (*confo.Snapshot, error) {
	return s.snap, nil
}
func (s benchStore) Commit(_ context.Context, changes []confo.NamespaceChange, _ confo.CommitOptions) ([]string, error) {
	var written []string
	for _, c := range changes {
		written = append(written, c.Namespace)
	}
	return written, nil
}

const benchNamespace = "bulk"

// newBenchUI returns the root model over one backend whose namespace
// "bulk" holds n configs, sized w×h, with the configs pane focused.
func newBenchUI(tb testing.TB, n, w, h int) (*ui.Model, int) {
	tb.Helper()
	data := dataset.Single(benchNamespace, n)
	snap := &confo.Snapshot{Registry: []string{benchNamespace}}
	nss := confo.NamespaceSnapshot{Name: benchNamespace}
	for _, c := range data.Namespaces[0].Configs {
		nss.Configs = append(nss.Configs, confo.ConfigSnapshot{Name: c.Name, Raw: confo.PresentRaw(c.Value)})
	}
	snap.Namespaces = append(snap.Namespaces, nss)
	store := benchStore{snap: snap}
	ws := confo.NewWorkspace(nil)
	if r := ws.Apply(snap, true); r.Configs != n {
		tb.Fatalf("applied %d configs, want %d", r.Configs, n)
	}
	app := ui.New([]*model.Backend{model.NewBackend("bench", store, ws, false)}, defaultKeyMap(), ui.Options{Static: true})
	app.Update(tea.WindowSizeMsg{Width: w, Height: h})
	if screen := app.Render(); !strings.Contains(screen, "service000000") {
		tb.Fatalf("the configs pane does not show the first config:\n%s", screen)
	}
	return app, len(app.Render())
}

func press(app *ui.Model, k tea.KeyPressMsg) int {
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
		press(app, pressKey(i))
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
		press(app, keyEsc)
	}
}

// typeFilter opens the filter and types text; it returns each keystroke's
// Update + View time.
func typeFilter(app *ui.Model, text string) []time.Duration {
	press(app, keyText('/'))
	var ds []time.Duration
	for _, r := range text {
		start := time.Now()
		press(app, keyText(r))
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
		press(app, pressKey(i))
	}
	keys := make([]time.Duration, 0, presses)
	for i := 0; i < presses && time.Now().Before(deadline); i++ {
		k := pressKey(i)
		start := time.Now()
		press(app, k)
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
		press(app, keyEsc)
		press(app, keyEsc)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	fig := map[string]any{
		"configs": configs, "width": w, "height": h, "presses": len(keys),
		"key_p50_ms": ms(nearestRank(keys, 50)), "key_p99_ms": ms(nearestRank(keys, 99)), "key_max_ms": ms(slices.Max(keys)),
		"filter": benchFilter, "filter_runs": len(last),
		"filter_last_ms": ms(medianOf(last)), "filter_worst_key_ms": ms(medianOf(worst)),
		"filter_matches": matches,
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
