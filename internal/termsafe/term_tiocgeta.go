//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package termsafe

import "golang.org/x/sys/unix"

func isTerminal(fd uintptr) bool {
	_, err := unix.IoctlGetTermios(int(fd), unix.TIOCGETA)
	return err == nil
}
