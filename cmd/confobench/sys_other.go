//go:build !linux

package main

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

func childAttrs() *syscall.SysProcAttr { return nil }

func killGroup(cmd *exec.Cmd) error { return cmd.Process.Kill() }

func terminalAttrs() *syscall.SysProcAttr { return nil }

func openPTY(rows, cols int) (master, slave *os.File, err error) {
	return nil, nil, errors.New("the first-frame figure needs a Linux pseudo-terminal")
}
