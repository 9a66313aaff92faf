package redisserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// go-redis logs sentinel switches and retries to stderr; the tests check
// those events themselves and stay quiet.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

func TestMain(m *testing.M) {
	redis.SetLogger(quietLogger{})
	if os.Getenv("CONFOTEST_ORPHAN") == "1" {
		orphan()
		return
	}
	os.Exit(m.Run())
}

func TestServerStartStop(t *testing.T) {
	s := NewServer(t, ServerOptions{})
	ctx := context.Background()
	c := s.Client()
	defer c.Close()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("GET k = %q, %v", v, err)
	}
	if save, err := c.ConfigGet(ctx, "save").Result(); err != nil || save["save"] != "" {
		t.Errorf("save = %q, %v; want persistence off", save["save"], err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if s.Running() {
		t.Error("Running after Stop")
	}
	if _, err := os.Stat(s.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s still there after Stop: %v", s.Dir, err)
	}
	if !strings.Contains(s.Log(), "Redis is starting") {
		t.Errorf("Log after Stop = %q", s.Log())
	}
	l, err := net.Listen("tcp", s.Addr)
	if err != nil {
		t.Fatalf("port not freed by Stop: %v", err)
	}
	l.Close()
}

func TestServerArgs(t *testing.T) {
	addr := Redis(t, "--maxmemory", "10mb", "--databases", "3")
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	got, err := c.ConfigGet(context.Background(), "databases").Result()
	if err != nil || got["databases"] != "3" {
		t.Fatalf("databases = %q, %v", got["databases"], err)
	}
}

func TestRedisWithPassword(t *testing.T) {
	ctx := context.Background()
	for _, user := range []string{"default", "ops"} {
		t.Run(user, func(t *testing.T) {
			const pass = `s3 "cret\`
			addr := RedisWithPassword(t, user, pass)
			anon := redis.NewClient(&redis.Options{Addr: addr})
			defer anon.Close()
			if err := anon.Ping(ctx).Err(); err == nil || !strings.Contains(err.Error(), "NOAUTH") {
				t.Errorf("PING without password: %v, want NOAUTH", err)
			}
			c := redis.NewClient(&redis.Options{Addr: addr, Username: user, Password: pass})
			defer c.Close()
			if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
				t.Fatalf("SET with password: %v", err)
			}
			if user == "default" {
				return
			}
			def := redis.NewClient(&redis.Options{Addr: addr, Password: pass})
			defer def.Close()
			if err := def.Ping(ctx).Err(); err == nil {
				t.Error("the default user got in; it should be off")
			}
		})
	}
}

func TestStartFailureQuotesLog(t *testing.T) {
	RequireTool(t, "redis-server")
	_, err := StartServer(context.Background(), ServerOptions{Args: []string{"--no-such-directive", "1"}})
	if err == nil {
		t.Fatal("StartServer with a bad directive succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, "no-such-directive") || strings.Contains(msg, "\n") {
		t.Errorf("error should quote the log on one line: %q", msg)
	}
}

func TestPortTakenIsReported(t *testing.T) {
	bin := RequireTool(t, "redis-server")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	_, err = start(context.Background(), ServerOptions{Bin: bin}, spec{port: port})
	if !errors.Is(err, errPortTaken) {
		t.Fatalf("start on a taken port: %v, want errPortTaken", err)
	}
}

// TestSamePortRace starts two servers on one port at the same moment:
// exactly one may come up, and the other must see that it lost, not take
// the winner's answers for its own.
func TestSamePortRace(t *testing.T) {
	bin := RequireTool(t, "redis-server")
	for range 5 {
		port := FreePort(t)
		var wg sync.WaitGroup
		servers := make([]*Server, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Go(func() {
				servers[i], errs[i] = start(context.Background(), ServerOptions{Bin: bin}, spec{port: port})
			})
		}
		wg.Wait()
		up := 0
		for i, s := range servers {
			if s != nil {
				up++
				defer s.Stop()
			} else if !errors.Is(errs[i], errPortTaken) {
				t.Errorf("the loser's error = %v, want errPortTaken", errs[i])
			}
		}
		if up != 1 {
			t.Fatalf("%d servers came up on port %d, want 1", up, port)
		}
	}
}

// TestArgsPassword covers a password given as a directive: the start
// cannot log in to check the server, and must still succeed.
func TestArgsPassword(t *testing.T) {
	addr := Redis(t, "--requirepass", "pw")
	c := redis.NewClient(&redis.Options{Addr: addr, Password: "pw"})
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
}

func TestFreePort(t *testing.T) {
	port := FreePort(t)
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port), MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err == nil {
		t.Fatal("something answers on the free port")
	}
}

// TestServerDiesWithParent kills a process that started a server without
// stopping it, and expects the server gone too.
func TestServerDiesWithParent(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the parent-death signal is Linux only")
	}
	RequireTool(t, "redis-server")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CONFOTEST_ORPHAN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	cmd.Wait()
	addr, dir, ok := strings.Cut(strings.TrimSpace(line), " ")
	if err != nil || !ok {
		t.Fatalf("helper said %q, %v", line, err)
	}
	defer os.RemoveAll(dir)
	deadline := time.Now().Add(5 * time.Second)
	for answersPing(addr) {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s outlived the process that started it", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// orphan starts a server, says where, and exits without stopping it.
func orphan() {
	s, err := StartServer(context.Background(), ServerOptions{})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(s.Addr, s.Dir)
	os.Exit(0)
}

func BenchmarkStartServer(b *testing.B) {
	RequireTool(b, "redis-server")
	for b.Loop() {
		s, err := StartServer(context.Background(), ServerOptions{})
		if err != nil {
			b.Fatal(err)
		}
		s.Stop()
	}
}

// Kill drops clients' connections like a crash; Restart brings the server
// back on the same port (empty: persistence is off), and Stop still works.
func TestServerKillRestart(t *testing.T) {
	s := NewServer(t, ServerOptions{})
	ctx := context.Background()
	c := s.Client()
	defer c.Close()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	if s.Running() {
		t.Fatal("Running after Kill")
	}
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("PING answered after Kill")
	}
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Restart(ctx); err == nil {
		t.Error("Restart of a running server did not fail")
	}
	if n, err := c.Exists(ctx, "k").Result(); err != nil || n != 0 {
		t.Fatalf("after Restart: EXISTS k = %d, %v; want an empty server", n, err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if s.Running() {
		t.Error("Running after Stop")
	}
	if err := s.Restart(ctx); err == nil {
		t.Error("Restart after Stop did not fail")
	}
}
