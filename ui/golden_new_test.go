package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/model"
)

// TestGoldenNewViews: the viewer, search, messages, the quit question, a
// start with a dead backend, and hostile names, at both sizes.
func TestGoldenNewViews(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		suffix := fmt.Sprintf("%dx%d.txt", size[0], size[1])
		t.Run(suffix, func(t *testing.T) {
			a := newApp(t, appConfig{width: size[0], height: size[1], files: true})
			a.gotoConfig("sales", "crm").press("esc", "l", "v")
			golden(t, "viewer_"+suffix, a.screen())
			a.press("esc", "h", "v", "/").typeText("crm").press("enter")
			golden(t, "viewer_search_"+suffix, a.screen())

			a.press("esc", "ctrl+f").typeText("eu")
			golden(t, "search_"+suffix, a.screen())

			// A long message wraps under its text, not under the time.
			a.press("esc", "e", "esc")
			a.m.setStatus(statusErr, `✗ "dead": watching for other clients' changes failed: cannot reach 127.0.0.1:28772: dial tcp 127.0.0.1:28772: connect: connection refused (retrying; r and R still reload)`)
			a.press("m")
			golden(t, "messages_"+suffix, a.screen())

			a.press("esc", "l", "j", "e").replace("4000")
			a.press("q")
			golden(t, "quit_"+suffix, a.screen())

			golden(t, "start_dead_"+suffix, deadStart(t, size[0], size[1]))
			golden(t, "hostile_"+suffix, hostile(t, size[0], size[1]).screen())
		})
	}
}

// deadStart is the first frame after opening: one backend loaded, one
// unreachable, one still connecting.
func deadStart(t *testing.T, w, h int) string {
	good := confotest.NewMemStore(false)
	good.Put("database", "mysqli", mysqli)
	good.Put("sales", "crm", `{"vendor": "x"}`)
	open := func(s confo.Store, err error) func(context.Context) (confo.Store, error) {
		return func(context.Context) (confo.Store, error) { return s, err }
	}
	ctx := context.Background()
	backends := []*model.Backend{
		model.NewPending("prod", model.Source{Kind: "redis", Address: "10.0.0.1:6379/0", Open: open(good, nil)}, model.Options{}),
		model.NewPending("dead", model.Source{Kind: "redis", Address: "127.0.0.1:1/0", Open: open(nil, fmt.Errorf("cannot reach 127.0.0.1:1: connection refused"))}, model.Options{}),
		model.NewPending("slow", model.Source{Kind: "dir", Address: "/srv/configs", Open: open(nil, fmt.Errorf("never opened"))}, model.Options{}),
	}
	m := New(backends, DefaultKeyMap(), Options{Context: ctx, Static: true, NoWatch: true, Now: func() time.Time { return time.Unix(0, 0) }})
	a := &app{t: t, m: m, clock: &clock{}}
	a.resize(w, h)
	// The third is left connecting.
	for _, b := range backends[:2] {
		a.send(openDoneMsg{result: b.StartOpen().Run(ctx)})
	}
	return a.screen()
}

// hostile is the demo with config names and field keys full of control
// sequences (the stores refuse such namespace names at load).
func hostile(t *testing.T, w, h int) *app {
	a := newApp(t, appConfig{width: w, height: h})
	ctx := context.Background()
	names := []string{hostileConfig, "bidi\u202etxt.exe", "c1\u009b31m", "line\nbreak\rcr\bbs", "mysqli"}
	list, _ := json.Marshal(map[string][]string{"configurations": names})
	set := func(k, v string) {
		if err := a.rdb.Set(ctx, k, v, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	set("database", string(list))
	set("database-"+hostileConfig, `{"key\u001b[31m": "value\u001b]0;x\u0007", "ok": "\u009b2J"}`)
	set("database-bidi\u202etxt.exe", `{}`)
	set("database-c1\u009b31m", `{}`)
	set("database-line\nbreak\rcr\bbs", "\x1b[2Jnot json")
	a.press("R")
	a.gotoConfig("database", "mysqli").press("esc", "g", "j", "j")
	return a
}

// hostileConfig is a config name with an APC and an OSC title sequence.
const hostileConfig = "cfg\x1b_evil\x1b\\\x1b]2;pwned\x07"
