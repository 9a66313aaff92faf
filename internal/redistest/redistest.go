// Package redistest starts Redis servers for tests: a real redis-server on a
// free loopback port, or an in-process miniredis.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// Start runs a redis-server on a free loopback port until the test ends and
// returns its address. Without redis-server it skips, except under CI=true,
// where a missing server means .ci/run is broken.
func Start(t testing.TB, extraArgs ...string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server not found; .ci/run must install it")
		}
		t.Skip("redis-server not installed")
	}
	port := FreePort(t)
	args := append([]string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no",
		"--dir", t.TempDir(),
	}, extraArgs...)
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for !ping(addr) {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not answer PING within 10s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr
}

// ping reports whether a Redis server answers at addr (an auth error counts
// as an answer).
func ping(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && (strings.HasPrefix(line, "+PONG") || strings.HasPrefix(line, "-NOAUTH"))
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ClosedPort returns a loopback port nothing listens on, for unreachable-server tests.
func ClosedPort(t testing.TB) int {
	return FreePort(t)
}

// Miniredis starts an in-process Redis that stops when the test ends.
func Miniredis(t testing.TB) *miniredis.Miniredis {
	return miniredis.RunT(t)
}
