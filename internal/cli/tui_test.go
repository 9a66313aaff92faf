package cli

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCLITUIInputFromFlags: what the command line hands the terminal UI,
// --no-watch included; --no-watch is the UI's alone.
func TestCLITUIInputFromFlags(t *testing.T) {
	_, url := seeded(t)
	got := captureTUI(t)
	for _, tc := range []struct {
		args    []string
		noWatch bool
	}{
		{[]string{"--redis", url}, false},
		{[]string{"--redis", url, "--no-watch"}, true},
		{[]string{"--no-watch", "--redis", url, "--readonly"}, true},
	} {
		*got = nil
		runCLI(t, "", tc.args...).want(t, exitOK)
		if *got == nil {
			t.Fatalf("%q did not start the terminal UI", tc.args)
		}
		if in := *got; in.NoWatch != tc.noWatch || len(in.Specs) != 1 || in.Specs[0].Target != url {
			t.Errorf("%q: NoWatch %v, specs %+v; want NoWatch %v and the one backend", tc.args, in.NoWatch, in.Specs, tc.noWatch)
		}
	}
	runCLI(t, "", "--redis", url, "namespaces", "--no-watch").want(t, exitUsage)
}

// TestCLITUIKeysAndThemeFromTheFile: the UI gets the file's bindings by the
// names key presses have, and does not start on a mistake in them.
func TestCLITUIKeysAndThemeFromTheFile(t *testing.T) {
	_, url := seeded(t)
	got := captureTUI(t)
	dir := t.TempDir()
	cfg := writeConfig(t, filepath.Join(dir, "good"), "[keys]\nhelp = \"F1\"\n[theme]\nname = \"light\"\n")
	runCLI(t, "", "--config", cfg, "--redis", url).want(t, exitOK)
	if in := *got; in == nil || !slices.Equal(in.Keys.Help.Keys(), []string{"f1"}) || in.Theme.Name != "light" {
		t.Fatalf("input %+v", in)
	}
	*got = nil
	cfg = writeConfig(t, filepath.Join(dir, "bad"), "[keys]\nedit = [\"i\", \"e\"]\ndelete = \"e\"\n")
	r := runCLI(t, "", "--config", cfg, "--redis", url).want(t, exitUsage)
	if *got != nil || !strings.Contains(r.stderr, "config.toml:3:1: keys.delete: key \"e\" is both edit and delete") {
		t.Fatalf("started: %v; stderr %q", *got != nil, r.stderr)
	}
}

// captureTUI replaces the start of the terminal UI for the test: what the
// command line hands it lands in the result.
func captureTUI(t *testing.T) **tuiInput {
	got := new(*tuiInput)
	old := startTUI
	t.Cleanup(func() { startTUI = old })
	startTUI = func(_ context.Context, in tuiInput) error {
		*got = &in
		return nil
	}
	return got
}
