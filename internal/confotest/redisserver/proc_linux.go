package redisserver

import "syscall"

// sysProcAttr makes the kernel kill a server when this process dies, even
// by SIGKILL or a test timeout, so no redis-server outlives its test.
// Pdeathsig follows the thread that started the child; Go only retires a
// thread when a goroutine exits while locked to it, which ours never do.
// Its own process group keeps a terminal's Ctrl-C from reaching the
// servers before the benchmark driver has stopped them itself.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}
