//go:build !(linux || aix || solaris || zos || darwin || dragonfly || freebsd || netbsd || openbsd || windows)

package termsafe

// isTerminal is false where there is no way to ask: raw output is the
// behaviour of a pipe, which is what such platforms mostly have.
func isTerminal(uintptr) bool { return false }
