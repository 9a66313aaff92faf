package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// buildConfo builds the confo binary from the module confobench runs in,
// into a temporary folder removed at exit, so that the read figures time
// the program users run.
func buildConfo(ctx context.Context) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "confobench-bin-")
	if err != nil {
		return "", err
	}
	atExit(func() { os.RemoveAll(dir) })
	bin := filepath.Join(dir, "confo")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v: %s", err, tail(out, 400))
	}
	progress("built %s", bin)
	return bin, nil
}
