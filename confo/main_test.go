package confo_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

// The cross-store suite starts a Redis Cluster and a Sentinel group once
// for the whole binary. After every test, the state that configs without
// local state share must still be empty: a write to it would show in all.
func TestMain(m *testing.M) {
	code := confotest.Main(m)
	if confo.SharedLocalStateWritten() {
		fmt.Fprintln(os.Stderr, "FAIL: something wrote to the local state that configs without one share")
		code = 1
	}
	os.Exit(code)
}
