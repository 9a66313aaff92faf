package termsafe

import "golang.org/x/sys/windows"

// isTerminal is true for a console. A mintty or MSYS pty shows up as a pipe
// and is treated as one.
func isTerminal(fd uintptr) bool {
	var mode uint32
	return windows.GetConsoleMode(windows.Handle(fd), &mode) == nil
}
