package e2e

import (
	"syscall"
	"testing"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// TestTUISignalsEndQuietly: a terminal that hangs up (SIGHUP) or kill(1)
// (SIGTERM) ends the terminal UI as quitting does: status 0, nothing on
// stderr.
func TestTUISignalsEndQuietly(t *testing.T) {
	bin := buildConfo(t)
	addr := redisserver.Redis(t)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM} {
		e := startPane(t, "", nil, bin, "--redis", "redis://"+addr)
		e.waitFor(e2eStartWait, "the main screen", hasAll("Backends", "Namespaces", "◆"))
		if err := syscall.Kill(e.childPid(), sig); err != nil {
			t.Fatal(err)
		}
		if status := e.waitStatus(); status != "0" {
			e.fatalf("%v: exit status %s", sig, status)
		}
		if s := e.stderr(); s != "" {
			e.fatalf("%v: exit status 0 but %s", sig, s)
		}
	}
}
