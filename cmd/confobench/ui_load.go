package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/internal/dataset"
)

// The terminal UI's start over a large backend (issue 12): 1,000,000
// configs in 1,000 namespaces in a redis-server of its own, the UI opening
// it as the program does (TestUILoadFigures in package ui).
const (
	uiLoadConfigs    = 1_000_000
	uiLoadNamespaces = 1_000
	uiLoadTag        = "confobench-ui-load: "
)

type uiLoadFigures struct {
	Configs     int     `json:"configs"`
	Namespaces  int     `json:"namespaces"`
	FirstFrame  float64 `json:"first_frame_ms"`
	Loaded      float64 `json:"loaded_ms"`
	Presses     int     `json:"presses"`
	KeyP50      float64 `json:"key_p50_ms"`
	KeyP99      float64 `json:"key_p99_ms"`
	KeyMax      float64 `json:"key_max_ms"`
	HeapBytes   int64   `json:"heap_bytes"`
	StoredBytes int64   `json:"stored_bytes"`
	// KeyUpdateP99 is a key press's own Update + View, without the wait
	// behind other messages.
	KeyUpdateP99 float64 `json:"key_update_p99_ms"`
	// Steps are the Updates (+ View) of the load's messages: one merged
	// namespace each.
	StepP50 float64 `json:"step_p50_ms"`
	StepP99 float64 `json:"step_p99_ms"`
	StepMax float64 `json:"step_max_ms"`
	// The reload (R) of the whole loaded, clean backend, keys pressed
	// meanwhile.
	Reload        float64 `json:"reload_ms"`
	ReloadPresses int     `json:"reload_presses"`
	ReloadKeyP99  float64 `json:"reload_key_p99_ms"`
	ReloadKeyMax  float64 `json:"reload_key_max_ms"`
	ReloadStepMax float64 `json:"reload_step_max_ms"`
}

// measureUILoad fills a fresh redis-server and runs the load figures.
func measureUILoad(ctx context.Context, root string, configs int) ([]row, []string) {
	what := fmt.Sprintf("UI start over %s configs in %s namespaces", sizeLabel(configs), sizeLabel(configs/uiLoadConfigsPerNS(configs)))
	skip := func(reason string) ([]row, []string) {
		return []row{
			notMeasured(what+": first usable frame", sizeLabel(configs), "≤ 300 ms", reason),
			notMeasured(what+": key press p99 while loading", sizeLabel(configs), "≤ 16 ms", reason),
			notMeasured(what+": memory / stored bytes", sizeLabel(configs), "≤ 3×", reason),
			notMeasured(what+": R (reload the loaded backend), key press p99 meanwhile", sizeLabel(configs), "≤ 16 ms", reason),
		}, []string{"UI load figures not measured: " + reason}
	}
	srv, err := startRedis(ctx)
	if err != nil {
		return skip(err.Error())
	}
	defer srv.Stop()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	per := uiLoadConfigsPerNS(configs)
	data := dataset.Generate(configs, per, per)
	progress("UI load: filling %s configs in %d namespaces", sizeLabel(configs), len(data.Namespaces))
	if err := fill(ctx, rdb, data.Keys("")); err != nil {
		return skip(err.Error())
	}
	stored := data.StoredBytes("")
	cctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, "go", "test", "-count=1", "-run", "^TestUILoadFigures$", "-v", "-timeout", "14m", "./ui")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), fmt.Sprintf("CONFOBENCH_UI_LOAD=%s,%d", srv.Addr, stored))
	cmd.SysProcAttr = childAttrs()
	cmd.Cancel = func() error { return killGroup(cmd) }
	out, err := cmd.CombinedOutput()
	var fig uiLoadFigures
	found := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if _, js, ok := strings.Cut(strings.TrimSpace(sc.Text()), uiLoadTag); ok {
			if jerr := json.Unmarshal([]byte(js), &fig); jerr != nil {
				return skip(jerr.Error())
			}
			found = true
		}
	}
	if !found {
		return skip(fmt.Sprintf("go test TestUILoadFigures: %v: %s", err, tail(out, 400)))
	}
	ratio := float64(fig.HeapBytes) / float64(fig.StoredBytes)
	progress("UI load: first frame %.1f ms, key p99 %.2f ms, heap %.2f× stored", fig.FirstFrame, fig.KeyP99, ratio)
	rows := []row{
		{what: what + ": exec of the UI's open → first frame with the namespace list", size: sizeLabel(fig.Configs), confo: fmt.Sprintf("%.1f ms", fig.FirstFrame), baseline: "—", ratio: "—", target: "≤ 300 ms", verdict: verdict(fig.FirstFrame <= 300)},
		{what: what + fmt.Sprintf(": key press (Update + View, queued behind load merges) p99 of %d presses while loading", fig.Presses), size: sizeLabel(fig.Configs), confo: fmt.Sprintf("%.2f ms", fig.KeyP99), baseline: "—", ratio: "—", target: "≤ 16 ms", verdict: verdict(fig.KeyP99 <= 16)},
		{what: what + ": Go heap after the load vs stored key+value bytes", size: sizeLabel(fig.Configs), confo: fmtBytes(fig.HeapBytes), baseline: fmtBytes(fig.StoredBytes), ratio: fmt.Sprintf("%.2f×", ratio), target: "≤ 3×", verdict: verdict(ratio <= 3)},
		{what: what + fmt.Sprintf(": R (reload the whole loaded, clean backend; merged in parts), key press p99 of %d presses meanwhile", fig.ReloadPresses), size: sizeLabel(fig.Configs), confo: fmt.Sprintf("%.2f ms", fig.ReloadKeyP99), baseline: "—", ratio: "—", target: "≤ 16 ms", verdict: verdict(fig.ReloadKeyP99 <= 16)},
	}
	notes := []string{
		fmt.Sprintf("UI load over %s configs: all loaded in %.1f s in the background, one namespace merged per Update (p50 %.2f ms, p99 %.2f ms, max %.2f ms with its View); key presses every 5 ms meanwhile: p50 %.2f ms, p99 %.2f ms, max %.2f ms (time from the press to its frame, including waiting behind a merge); a key's own Update + View p99 %.2f ms.",
			sizeLabel(fig.Configs), fig.Loaded/1000, fig.StepP50, fig.StepP99, fig.StepMax, fig.KeyP50, fig.KeyP99, fig.KeyMax, fig.KeyUpdateP99),
		fmt.Sprintf("R over the loaded %s configs: %.1f s; the longest Update while it went on %.2f ms; key presses meanwhile p99 %.2f ms, max %.2f ms.",
			sizeLabel(fig.Configs), fig.Reload/1000, fig.ReloadStepMax, fig.ReloadKeyP99, fig.ReloadKeyMax),
	}
	return rows, notes
}

func uiLoadConfigsPerNS(configs int) int {
	return max(configs/uiLoadNamespaces, 1)
}
