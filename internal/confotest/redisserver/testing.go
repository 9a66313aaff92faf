package redisserver

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// testStartTimeout bounds a wrapper's start; a cluster or sentinel group
// that is not up by then will not come up.
const testStartTimeout = 60 * time.Second

// RequireTool returns the path of a program the test needs. Without it the
// test skips, except under CI=true, where a missing program means the CI
// setup is broken and the test fails.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found; CI must install it", name)
		}
		t.Skipf("%s not installed", name)
	}
	return path
}

// FreePort returns a loopback port nothing listened on a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	port, err := FreeTCPPort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// NewServer starts a standalone server that stops when the test ends.
func NewServer(t testing.TB, opts ServerOptions) *Server {
	t.Helper()
	if opts.Bin == "" {
		opts.Bin = RequireTool(t, "redis-server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), testStartTimeout)
	defer cancel()
	s, err := StartServer(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopOrFail(t, s.Stop, s) })
	return s
}

// Redis returns the address of a fresh standalone server that stops when
// the test ends. args are extra directives ("--maxmemory", "10mb").
func Redis(t testing.TB, args ...string) string {
	t.Helper()
	return NewServer(t, ServerOptions{Args: args}).Addr
}

// RedisWithPassword is Redis with authentication: requirepass for user
// "default" or "", otherwise an ACL user with every permission while the
// default user is off, so only user and pass get in.
func RedisWithPassword(t testing.TB, user, pass string) string {
	t.Helper()
	return NewServer(t, ServerOptions{User: user, Password: pass}).Addr
}

// NewCluster starts a cluster of three masters that stops when the test
// ends.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	return NewClusterWith(t, ClusterOptions{})
}

// NewClusterWith is NewCluster with options.
func NewClusterWith(t testing.TB, opts ClusterOptions) *Cluster {
	t.Helper()
	if opts.Server.Bin == "" {
		opts.Server.Bin = RequireTool(t, "redis-server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), testStartTimeout)
	defer cancel()
	c, err := StartCluster(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopOrFail(t, c.Stop, c.Nodes...) })
	return c
}

// NewSentinel starts a master, a replica and three sentinels that stop
// when the test ends.
func NewSentinel(t testing.TB) *SentinelGroup {
	t.Helper()
	return NewSentinelWith(t, SentinelOptions{})
}

// NewSentinelWith is NewSentinel with options.
func NewSentinelWith(t testing.TB, opts SentinelOptions) *SentinelGroup {
	t.Helper()
	if opts.Server.Bin == "" {
		opts.Server.Bin = RequireTool(t, "redis-server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), testStartTimeout)
	defer cancel()
	g, err := StartSentinel(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopOrFail(t, g.Stop, append([]*Server{g.Master, g.Replica}, g.Sentinels...)...) })
	return g
}

// stopOrFail stops what a test started. If the test failed, it first
// shows the end of each server's log: on CI that is all there is to go by.
func stopOrFail(t testing.TB, stop func() error, servers ...*Server) {
	if t.Failed() {
		for _, s := range servers {
			t.Logf("log of %s:\n%s", s.Addr, lastLines(s.Log(), 40))
		}
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}

func lastLines(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
