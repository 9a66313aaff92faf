//go:build !linux

package redisserver

import "syscall"

// sysProcAttr has nothing to add outside Linux: there is no parent-death
// signal, so servers rely on Stop.
func sysProcAttr() *syscall.SysProcAttr { return nil }
