package ui

// The start of the terminal UI over a large real backend, as Bubble Tea
// runs it: one goroutine takes messages (load results, key presses) one at
// a time, commands run on goroutines of their own. cmd/confobench fills a
// redis-server (1,000,000 configs in 1,000 namespaces) and runs
// TestUILoadFigures with CONFOBENCH_UI_LOAD set; it prints one JSON line
// after "confobench-ui-load: ".

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/model"
)

func TestUILoadFigures(t *testing.T) {
	spec := os.Getenv("CONFOBENCH_UI_LOAD")
	if spec == "" {
		t.Skip("set CONFOBENCH_UI_LOAD=addr,stored_bytes (cmd/confobench does)")
	}
	addr, storedText, ok := strings.Cut(spec, ",")
	stored, err := strconv.Atoi(storedText)
	if !ok || err != nil {
		t.Fatalf("CONFOBENCH_UI_LOAD=%q: want addr,stored_bytes", spec)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	start := time.Now()
	src := model.Source{Kind: "redis", Address: addr, Open: func(ctx context.Context) (confo.Store, error) {
		return confo.OpenRedis(ctx, confo.RedisConfig{Addr: addr, ReadOnly: true})
	}}
	b := model.NewPending("bench", src, model.Options{ReadOnly: true})
	app := New([]*model.Backend{b}, DefaultKeyMap(), Options{Static: true, Timeout: 10 * time.Minute, Theme: ptr(DefaultTheme())})
	app.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	app.View()

	msgs := make(chan tea.Msg, 256)
	var run func(tea.Cmd)
	run = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		go func() { msgs <- cmd() }()
	}
	run(app.Init())
	var firstFrame time.Duration
	var keys []time.Duration
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	presses := 0
	var merges []time.Duration
	deadline := time.After(loadDeadline())
	for !b.LoadProgress().Done || firstFrame == 0 {
		select {
		case msg := <-msgs:
			switch msg := msg.(type) {
			case nil:
			case tea.BatchMsg:
				for _, c := range msg {
					run(c)
				}
			default:
				t0 := time.Now()
				_, next := app.Update(msg)
				app.View()
				merges = append(merges, time.Since(t0))
				run(next)
			}
			if first := firstNamespace(b); firstFrame == 0 && first != "" && strings.Contains(app.Render(), first) {
				firstFrame = time.Since(start)
				app.Update(keyText('h'))
			}
		case sent := <-tick.C:
			if firstFrame == 0 {
				continue
			}
			// Down through the namespaces and back: every press changes
			// the configs and fields panes.
			k := keyDown
			if (presses/40)%2 == 1 {
				k = keyUp
			}
			presses++
			app.Update(k)
			app.View()
			keys = append(keys, time.Since(sent))
		case <-deadline:
			t.Fatalf("not loaded after 10 minutes: %+v\n%s", b.LoadProgress(), app.Render())
		}
	}
	loaded := time.Since(start)
	fmt.Printf("merges %d p50 %v p90 %v p99 %v max %v\n", len(merges), nearestRank(merges, 50), nearestRank(merges, 90), nearestRank(merges, 99), nearestRank(merges, 100))
	p := b.LoadProgress()
	runtime.GC()
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	runtime.KeepAlive(app)
	if len(keys) < 100 {
		t.Fatalf("only %d key presses during the load", len(keys))
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	fig := map[string]any{
		"configs": p.Configs, "namespaces": p.Total, "first_frame_ms": ms(firstFrame), "loaded_ms": ms(loaded),
		"presses": len(keys), "key_p50_ms": ms(nearestRank(keys, 50)), "key_p99_ms": ms(nearestRank(keys, 99)),
		"key_max_ms": ms(nearestRank(keys, 100)), "heap_bytes": heap, "stored_bytes": stored,
	}
	js, err := json.Marshal(fig)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("confobench-ui-load: %s\n", js)
}

func ptr[T any](v T) *T { return &v }

// loadDeadline bounds the load figure; CONFOBENCH_UI_LOAD_DEADLINE (a Go
// duration) shortens it for a quick run.
func loadDeadline() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("CONFOBENCH_UI_LOAD_DEADLINE")); err == nil {
		return d
	}
	return 10 * time.Minute
}

// firstNamespace is the name the first usable frame shows at the top of
// the namespaces pane; "" before the registry is read.
func firstNamespace(b *model.Backend) string {
	if names := b.NamespaceNames(); b.LoadProgress().Registry && len(names) > 0 {
		return names[0]
	}
	return ""
}
