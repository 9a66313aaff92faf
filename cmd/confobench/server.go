package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/internal/dataset"
)

// redisServer is a redis-server child process on a loopback port.
type redisServer struct {
	cmd    *exec.Cmd
	addr   string
	stderr bytes.Buffer
	once   sync.Once
	exited chan struct{}
}

// startRedis starts redis-server on a free loopback port with persistence
// off. The child dies with this process (Pdeathsig), and stop kills it.
func startRedis(ctx context.Context) (*redisServer, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New("redis-server is not installed (on Debian: apt-get install redis-server; .ci/run installs it)")
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s := &redisServer{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), exited: make(chan struct{})}
		s.cmd = exec.Command(path,
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--protected-mode", "yes",
			"--daemonize", "no", "--dir", os.TempDir(), "--loglevel", "warning",
			"--databases", "4", "--maxclients", "1000")
		s.cmd.Stdout = &s.stderr
		s.cmd.Stderr = &s.stderr
		s.cmd.SysProcAttr = childAttrs()
		if err := s.cmd.Start(); err != nil {
			return nil, fmt.Errorf("start redis-server: %w", err)
		}
		go func() { s.cmd.Wait(); close(s.exited) }()
		if lastErr = s.waitReady(ctx, 10*time.Second); lastErr == nil {
			return s, nil
		}
		s.stop()
	}
	return nil, lastErr
}

func (s *redisServer) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	c := redis.NewClient(&redis.Options{Addr: s.addr, DialTimeout: time.Second, MaxRetries: -1})
	defer c.Close()
	for i := 0; i < 1000 && time.Now().Before(deadline); i++ {
		select {
		case <-s.exited:
			return fmt.Errorf("redis-server on %s exited: %s", s.addr, bytes.TrimSpace(s.stderr.Bytes()))
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if c.Ping(ctx).Err() == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("redis-server on %s did not answer PING within %s", s.addr, timeout)
}

// stop kills the server and waits (boundedly) for it to go.
func (s *redisServer) stop() {
	s.once.Do(func() {
		if s.cmd.Process != nil {
			s.cmd.Process.Kill()
		}
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
		}
	})
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// fill stores keys with pipelined SETs in batches (not measured).
func fill(ctx context.Context, c *redis.Client, keys []dataset.Key) error {
	const batch = 2000
	for i := 0; i < len(keys); i += batch {
		end := min(i+batch, len(keys))
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys[i:end] {
				p.Set(ctx, k.Key, k.Value, 0)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("fill: %w", err)
		}
	}
	return nil
}
