//go:build windows

package configfile

import (
	"context"
	"os"
	"os/exec"
	"syscall"
)

func shellCommand(ctx context.Context, line string) *exec.Cmd {
	shell := os.Getenv("ComSpec")
	if shell == "" {
		shell = "cmd.exe"
	}
	cmd := exec.CommandContext(ctx, shell)
	// cmd.exe splits its own command line and does not undo Go's argv
	// quoting, so the line is passed verbatim; /s strips exactly the outer
	// quotes and /d skips AutoRun scripts.
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: `"` + shell + `" /d /s /c "` + line + `"`}
	return cmd
}
