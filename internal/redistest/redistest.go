// Package redistest starts Redis servers for tests: a real redis-server on a
// free loopback port, or an in-process miniredis.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// RequireTool returns the path of a program the test needs. Without it the
// test skips, except under CI=true, where a missing tool means .ci/run is
// broken and the test fails.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found; .ci/run must install it", name)
		}
		t.Skipf("%s not installed", name)
	}
	return path
}

// Start runs a redis-server on a free loopback port until the test ends and
// returns its address. extraArgs go to redis-server after the defaults
// (config directives such as "--requirepass", "pw"). Without redis-server it
// skips, except under CI=true, where a missing server means .ci/run is broken.
func Start(t testing.TB, extraArgs ...string) string {
	t.Helper()
	bin := RequireTool(t, "redis-server")
	port := FreePort(t)
	dir := t.TempDir()
	logFile := filepath.Join(dir, "redis.log")
	args := append([]string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no",
		"--dir", dir, "--logfile", logFile,
	}, extraArgs...)
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for !ping(addr) {
		select {
		case err := <-exited:
			// Put it back for the cleanup, which waits for it too.
			exited <- err
			t.Fatalf("redis-server on %s exited (%v) before answering PING; its log:\n%s", addr, err, readLog(logFile))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not answer PING within 10s; its log:\n%s", addr, readLog(logFile))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr
}

func readLog(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(data)
}

// StartWithPassword runs a redis-server that requires a password. For the
// user "default" that is --requirepass; for any other user it is an ACL user
// with every permission, and the default user is switched off so that only
// user and pass get in.
func StartWithPassword(t testing.TB, user, pass string) string {
	t.Helper()
	if user == "" || user == "default" {
		return Start(t, "--requirepass", pass)
	}
	return Start(t,
		"--user", "default", "off",
		"--user", user, "on", ">"+pass, "~*", "&*", "+@all")
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

// Server is one kind of fresh, empty Redis a test can start.
type Server struct {
	Name  string
	Start func(t testing.TB) string
}

// Servers lists miniredis and a real redis-server, for suites that must hold
// on both.
func Servers() []Server {
	return []Server{
		{"miniredis", func(t testing.TB) string { return Miniredis(t).Addr() }},
		{"redis-server", func(t testing.TB) string { return Start(t) }},
	}
}
