package ui

// The start of the terminal UI over a large real backend, as Bubble Tea
// runs it: one goroutine takes messages (load results, key presses) one at
// a time, commands run on goroutines of their own, and every Update is
// followed by a View. cmd/confobench fills a redis-server (1,000,000
// configs in 1,000 namespaces) and runs TestUILoadFigures with
// CONFOBENCH_UI_LOAD set; it prints one JSON line after
// "confobench-ui-load: ". After the load it presses R (a reload of the
// whole, clean backend) and keeps pressing keys until the reload is done.

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

	d := newDriver(app)
	d.run(app.Init())
	var firstFrame time.Duration
	load := d.until(t, func() bool {
		if first := firstNamespace(b); firstFrame == 0 && first != "" && strings.Contains(app.Render(), first) {
			firstFrame = time.Since(start)
			app.Update(keyText('h'))
		}
		return b.LoadProgress().Done && firstFrame != 0
	}, func() bool { return firstFrame != 0 })
	loaded := time.Since(start)
	p := b.LoadProgress()
	runtime.GC()
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if len(load.keys) < 100 {
		t.Fatalf("only %d key presses during the load", len(load.keys))
	}

	// R on the clean backend: keys go on while it reads and merges.
	reloadStart := time.Now()
	d.update(keyText('R'))
	if b.Busy() == "" {
		t.Fatal("R did not start a reload")
	}
	reload := d.until(t, func() bool { return b.Busy() == "" }, func() bool { return true })
	reloaded := time.Since(reloadStart)
	if s := app.Render(); !strings.Contains(s, "✓ reloaded backend bench") {
		t.Fatalf("the reload did not succeed:\n%s", s)
	}
	runtime.KeepAlive(app)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	fig := map[string]any{
		"configs": p.Configs, "namespaces": p.Total, "first_frame_ms": ms(firstFrame), "loaded_ms": ms(loaded),
		"presses": len(load.keys), "key_p50_ms": ms(nearestRank(load.keys, 50)), "key_p99_ms": ms(nearestRank(load.keys, 99)),
		"key_max_ms": ms(nearestRank(load.keys, 100)), "heap_bytes": heap, "stored_bytes": stored,
		"key_update_p99_ms": ms(nearestRank(load.ownKeys, 99)),
		"step_p50_ms":       ms(nearestRank(load.steps, 50)), "step_p99_ms": ms(nearestRank(load.steps, 99)), "step_max_ms": ms(nearestRank(load.steps, 100)),
		"reload_ms": ms(reloaded), "reload_presses": len(reload.keys),
		"reload_key_p99_ms": ms(nearestRank(reload.keys, 99)), "reload_key_max_ms": ms(nearestRank(reload.keys, 100)),
		"reload_step_max_ms": ms(nearestRank(reload.steps, 100)),
	}
	js, err := json.Marshal(fig)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("confobench-ui-load: %s\n", js)
}

// driver runs the UI the way Bubble Tea does: one goroutine takes the
// commands' messages and the key presses, one at a time, each Update
// followed by a View.
type driver struct {
	app  *Model
	msgs chan tea.Msg
}

func newDriver(app *Model) *driver { return &driver{app: app, msgs: make(chan tea.Msg, 256)} }

// run starts a command on a goroutine of its own.
func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { d.msgs <- cmd() }()
}

// update is one Update and View; the commands it returns run.
func (d *driver) update(msg tea.Msg) {
	_, next := d.app.Update(msg)
	d.app.View()
	d.run(next)
}

// timings are what a phase measured: each key press from its tick to its
// frame (keys) and its own Update and View (ownKeys), and each command
// message's Update and View (steps).
type timings struct{ keys, ownKeys, steps []time.Duration }

// until handles messages, and presses a key every 5 ms once pressing()
// says so, until done() is true: down through the namespaces and back, so
// every press changes the configs and fields panes. The presses come from
// a goroutine of their own, as a terminal's input does, and queue while
// the loop is busy: a long Update shows in the latency of every key typed
// meanwhile.
func (d *driver) until(t *testing.T, done, pressing func() bool) timings {
	var tm timings
	typed := make(chan time.Time, 1<<16)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				typed <- time.Now()
			case <-stop:
				return
			}
		}
	}()
	deadline := time.After(loadDeadline())
	presses := 0
	press := func(at time.Time) {
		k := keyDown
		if (presses/40)%2 == 1 {
			k = keyUp
		}
		presses++
		began := time.Now()
		d.update(k)
		tm.ownKeys = append(tm.ownKeys, time.Since(began))
		tm.keys = append(tm.keys, time.Since(at))
	}
	for !done() {
		select {
		case msg := <-d.msgs:
			switch msg := msg.(type) {
			case nil:
			case tea.BatchMsg:
				for _, c := range msg {
					d.run(c)
				}
			default:
				began := time.Now()
				d.update(msg)
				tm.steps = append(tm.steps, time.Since(began))
			}
		case at := <-typed:
			if pressing() {
				press(at)
			}
		case <-deadline:
			t.Fatalf("not done after %s:\n%s", loadDeadline(), d.app.Render())
		}
	}
	// The keys typed while the last step ran wait for it too.
	for {
		select {
		case at := <-typed:
			press(at)
		default:
			return tm
		}
	}
}

func ptr[T any](v T) *T { return &v }

// loadDeadline bounds each phase; CONFOBENCH_UI_LOAD_DEADLINE (a Go
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
