package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

const (
	targetKeyP99   = "p99 ≤ 2 ms"
	targetFilter   = "≤ 50 ms"
	targetFirstFrm = "≤ 150 ms"
	uiWidth        = 160
	uiHeight       = 48
)

func uiRowsSkipped(reason string) []row {
	return []row{
		notMeasured("UI: one key press (Update + View), 160×48", "100k in one namespace", targetKeyP99, reason),
		notMeasured("UI: filter config names, last keystroke to filtered view", "100k", targetFilter, reason),
		notMeasured("UI: start to first frame, embedded demo", "demo", targetFirstFrm, reason),
	}
}

// uiFigures is what TestUIFigures (ui/bench_test.go)
// prints on the line starting with uiFiguresTag.
type uiFigures struct {
	Configs     int     `json:"configs"`
	Width       int     `json:"width"`
	Height      int     `json:"height"`
	Presses     int     `json:"presses"`
	KeyP50      float64 `json:"key_p50_ms"`
	KeyP99      float64 `json:"key_p99_ms"`
	KeyMax      float64 `json:"key_max_ms"`
	Filter      string  `json:"filter"`
	FilterRuns  int     `json:"filter_runs"`
	FilterLast  float64 `json:"filter_last_ms"`      // median: last keystroke → filtered view
	FilterWorst float64 `json:"filter_worst_key_ms"` // median of the slowest keystroke while typing
	Matches     int     `json:"filter_matches"`
	HugeBytes   int     `json:"huge_bytes"`
	HugePresses int     `json:"huge_presses"`
	HugeP99     float64 `json:"huge_p99_ms"`
	HugeMax     float64 `json:"huge_max_ms"`
}

const uiFiguresTag = "confobench-ui: "

// measureUI runs the in-process UI figures through `go test` on the root
// package (the UI is assembled there, with the program's key map) and times
// the embedded demo from exec to its first frame in a pseudo-terminal.
func measureUI(ctx context.Context, o options) ([]row, []string) {
	root, err := moduleRoot()
	if err != nil {
		return uiRowsSkipped(err.Error()), nil
	}
	var out []row
	var notes []string
	if _, err := os.Stat(filepath.Join(root, "ui", "bench_test.go")); err != nil {
		out = append(out, uiRowsSkipped("ui/bench_test.go is missing")[:2]...)
	} else {
		fig, err := runUIFigures(ctx, o, root)
		if err != nil {
			reason := firstLine(err.Error())
			out = append(out, uiRowsSkipped(reason)[:2]...)
			notes = append(notes, "UI figures not measured: "+err.Error())
		} else {
			out = append(out, row{
				what: fmt.Sprintf("UI: one key press (Update + View), %d×%d, p99 of %d presses", fig.Width, fig.Height, fig.Presses), size: sizeLabel(fig.Configs) + " in one namespace",
				confo: fmt.Sprintf("%.2f ms", fig.KeyP99), baseline: "—", ratio: "—",
				target: targetKeyP99, verdict: verdict(fig.KeyP99 <= 2),
			})
			out = append(out, row{
				what: fmt.Sprintf("UI: filter config names (%q, %d matches), last keystroke → filtered view", fig.Filter, fig.Matches), size: sizeLabel(fig.Configs),
				confo: fmt.Sprintf("%.2f ms", fig.FilterLast), baseline: "—", ratio: "—",
				target: targetFilter, verdict: verdict(fig.FilterLast <= 50 && fig.FilterWorst <= 50),
			})
			out = append(out, row{
				what: fmt.Sprintf("UI: key press with a %s value selected (fields pane, Update + View), p99 of %d presses", fmtBytes(int64(fig.HugeBytes)), fig.HugePresses), size: fmtBytes(int64(fig.HugeBytes)),
				confo: fmt.Sprintf("%.2f ms", fig.HugeP99), baseline: "—", ratio: "—",
				target: "≤ 16 ms", verdict: verdict(fig.HugeP99 <= 16),
			})
			notes = append(notes, fmt.Sprintf("UI key presses (down/up over the config list at %d×%d, Update + View): p50 %.3f ms, p99 %.3f ms, max %.3f ms. Filter typed one key at a time, Update + View each: slowest keystroke %.2f ms (the UI answers no other key for that long); median of %d runs.",
				fig.Width, fig.Height, fig.KeyP50, fig.KeyP99, fig.KeyMax, fig.FilterWorst, fig.FilterRuns))
		}
	}
	loadRows, loadNotes := measureUILoad(ctx, root, o.uiLoadConfigs)
	out, notes = append(out, loadRows...), append(notes, loadNotes...)
	frame, err := measureFirstFrame(ctx, o, root)
	if err != nil {
		out = append(out, notMeasured("UI: start to first frame, embedded demo", "demo", targetFirstFrm, firstLine(err.Error())))
		notes = append(notes, "first frame not measured: "+err.Error())
	} else {
		out = append(out, row{
			what: fmt.Sprintf("UI: start to first frame, embedded demo (exec → %s on screen, %d×%d pty)", frame.header, uiWidth, uiHeight), size: "demo",
			confo: fmtDur(frame.median), baseline: "—", ratio: "—",
			target: targetFirstFrm, verdict: verdict(frame.median <= 150*time.Millisecond),
		})
		notes = append(notes, fmt.Sprintf("first frame: median of %d runs of the built binary (min %s, max %s).", frame.runs, fmtDur(frame.min), fmtDur(frame.max)))
	}
	return out, notes
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return strings.ReplaceAll(s, "|", "/")
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the confo module")
	}
	return filepath.Dir(gomod), nil
}

// runUIFigures runs TestUIFigures in package ui and parses its line.
func runUIFigures(ctx context.Context, o options, root string) (uiFigures, error) {
	var fig uiFigures
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^TestUIFigures$", "-v", "-timeout", "4m", "./ui")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), fmt.Sprintf("CONFOBENCH_UI=%d,%d,%d,%d", o.uiConfigs, o.uiPresses, uiWidth, uiHeight))
	cmd.SysProcAttr = childAttrs()
	cmd.Cancel = func() error { return killGroup(cmd) }
	progress("UI figures: go test -run TestUIFigures ./ui (%s configs, %d presses)", sizeLabel(o.uiConfigs), o.uiPresses)
	out, err := cmd.CombinedOutput()
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if _, js, ok := strings.Cut(line, uiFiguresTag); ok {
			if jerr := json.Unmarshal([]byte(js), &fig); jerr != nil {
				return fig, fmt.Errorf("parse %q: %w", js, jerr)
			}
			progress("UI figures: key p99 %.3f ms, filter %.2f ms", fig.KeyP99, fig.FilterLast)
			return fig, nil
		}
	}
	if err != nil {
		return fig, fmt.Errorf("go test TestUIFigures: %v: %s", err, tail(out, 800))
	}
	return fig, fmt.Errorf("TestUIFigures printed no figures: %s", tail(out, 800))
}

func tail(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

type frameResult struct {
	header           string
	runs             int
	median, min, max time.Duration
}

// The main screen's header ("confo ─ demo …") and a pane title; the notice
// the program prints on stderr before the UI starts contains neither.
var firstFrameMarkers = []string{"confo ─", "Namespaces"}

// measureFirstFrame builds the program and starts it without flags (the
// embedded demo) in a 160×48 pseudo-terminal, timing exec → the first
// screen that shows the header, run after run.
func measureFirstFrame(ctx context.Context, o options, root string) (frameResult, error) {
	res := frameResult{header: `"` + strings.Join(firstFrameMarkers, `" and "`) + `"`}
	dir, err := os.MkdirTemp("", "confobench-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "confo")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return res, fmt.Errorf("go build: %v: %s", err, tail(out, 400))
	}
	var ds []time.Duration
	for run := -1; run < o.startRuns; run++ { // run -1 warms the page cache
		d, err := firstFrameOnce(ctx, bin, dir)
		if err != nil {
			return res, err
		}
		if run >= 0 {
			ds = append(ds, d)
			logf(o, "first frame run %d: %v", run+1, d)
		}
	}
	res.runs, res.median = len(ds), median(ds)
	res.min, res.max = slicesMin(ds), slicesMax(ds)
	progress("first frame: median %s", fmtDur(res.median))
	return res, nil
}

func slicesMin(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = min(m, d)
	}
	return m
}

func slicesMax(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

func firstFrameOnce(ctx context.Context, bin, dir string) (time.Duration, error) {
	master, slave, err := openPTY(uiHeight, uiWidth)
	if err != nil {
		return 0, err
	}
	defer master.Close()
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "COLORTERM=truecolor", fmt.Sprintf("COLUMNS=%d", uiWidth), fmt.Sprintf("LINES=%d", uiHeight))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = terminalAttrs()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		slave.Close()
		return 0, fmt.Errorf("start %s: %w", bin, err)
	}
	slave.Close()
	stop := func() {
		cmd.Process.Kill()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	}
	atExit(stop)
	defer stop()

	type seen struct {
		at  time.Duration
		err error
	}
	found := make(chan seen, 1)
	go func() {
		var screen bytes.Buffer
		buf := make([]byte, 64<<10)
		for i := 0; i < 100000; i++ {
			n, err := master.Read(buf)
			if n > 0 {
				at := time.Since(start)
				screen.Write(buf[:n])
				answerQueries(master, buf[:n])
				if text := ansi.Strip(screen.String()); containsAll(text, firstFrameMarkers) {
					found <- seen{at: at}
					return
				}
			}
			if err != nil {
				found <- seen{err: fmt.Errorf("the demo ended before its first frame (%v); it printed: %q", err, tail([]byte(ansi.Strip(screen.String())), 300))}
				return
			}
		}
		found <- seen{err: errors.New("no first frame in 100000 reads")}
	}()
	select {
	case s := <-found:
		return s.at, s.err
	case <-time.After(10 * time.Second):
		return 0, errors.New("no first frame within 10 s")
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// answerQueries replies to the terminal queries a TUI may wait for at start
// (cursor position, primary device attributes, background colour), as a
// terminal would, so the measurement does not include their timeouts.
func answerQueries(master *os.File, out []byte) {
	if bytes.Contains(out, []byte("\x1b[6n")) {
		master.Write([]byte("\x1b[1;1R"))
	}
	if bytes.Contains(out, []byte("\x1b[c")) || bytes.Contains(out, []byte("\x1b[0c")) {
		master.Write([]byte("\x1b[?62;22c"))
	}
	// DECRQM for synchronized output and grapheme clusters: "not recognized".
	for _, mode := range []string{"2026", "2027"} {
		if bytes.Contains(out, []byte("\x1b[?"+mode+"$p")) {
			master.Write([]byte("\x1b[?" + mode + ";0$y"))
		}
	}
	if bytes.Contains(out, []byte("\x1b]11;?")) {
		master.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\"))
	}
	if bytes.Contains(out, []byte("\x1b]10;?")) {
		master.Write([]byte("\x1b]10;rgb:ffff/ffff/ffff\x1b\\"))
	}
}
