package cli

import (
	"testing"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// A write to a read-only backend says why it is read-only, once: the
// user's flag, or the replica the address turned out to be.
func TestCLIWriteToAReadOnlyBackendSaysWhy(t *testing.T) {
	_, url := seeded(t)
	g := redisserver.NewSentinel(t)
	replica := "redis://" + g.Replica.Addr
	for _, tc := range []cliCase{
		{name: "--readonly", args: []string{"--redis", url, "--readonly", "set", "database", "mysqli", "port", "1"}, code: exitError,
			errHas: []string{"backend redis is read-only: --readonly"}, errMissing: []string{"backend is read-only"}, errLines: 1},
		{name: "a replica's address", args: []string{"--redis", "rep=" + replica, "set", "database", "mysqli", "port", "1"}, code: exitError,
			errHas: []string{"backend rep is read-only", "a replica of " + g.Master.Addr, "connect to the master"}, errMissing: []string{"backend is read-only"}, errLines: 1},
		{name: "import into a replica", stdin: `{"a": {"b": {}}}`, args: []string{"--redis", "rep=" + replica, "import", "-"}, code: exitError,
			errHas: []string{"a replica of"}, errLines: 1},
	} {
		tc.run(t)
	}
}
