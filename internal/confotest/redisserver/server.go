// Package redisserver starts real Redis topologies for tests and for the
// benchmark driver: a standalone server, a Redis Cluster and a Sentinel
// group, all from the redis-server on PATH, on free loopback ports, with
// persistence off and each server in its own temporary directory.
//
// The Start functions need no testing.T; the wrappers in testing.go add
// t.Cleanup and skip when redis-server is missing.
package redisserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// ServerOptions configures one redis-server.
type ServerOptions struct {
	// Args are extra redis-server directives, e.g. "--maxmemory", "10mb".
	// They come after ours, so they win.
	Args []string
	// LogLevel is redis-server's loglevel; "" means "warning", which keeps
	// the log to trouble worth quoting in an error.
	LogLevel string
	// Password turns authentication on. With User "" or "default" it is
	// requirepass; with another User that user gets every permission and
	// the default user is switched off. This package's own connections,
	// and replicas talking to their master, use these credentials.
	User, Password string
	// Bin is the redis-server to run; "" looks it up on PATH.
	Bin string
}

// ErrNoRedis means no redis-server was found on PATH.
var ErrNoRedis = errors.New("redis-server not found on PATH")

// Server is a redis-server child process on a loopback port.
type Server struct {
	Addr           string // "127.0.0.1:port"
	Port           int
	Dir            string // its own directory, removed by Stop
	User, Password string // what clients must send; empty without auth

	bin     string   // the redis-server started, and its arguments:
	args    []string // what Restart runs again
	logPath string

	stopOnce sync.Once
	stopErr  error
	mu       sync.Mutex // guards the fields below
	cmd      *exec.Cmd
	exited   chan struct{} // closed when cmd has exited
	admin    *redis.Client
	stopped  bool
	finalLog string // the log as it was at Stop, since Stop removes Dir
}

// startTimeout bounds a start when the caller's context has no deadline.
const startTimeout = 20 * time.Second

// StartServer starts a standalone redis-server and returns once it answers
// PING. ctx bounds the start only; the server runs until Stop (or until
// this process dies, on Linux).
func StartServer(ctx context.Context, opts ServerOptions) (*Server, error) {
	return start(ctx, opts, spec{})
}

// spec is what a topology adds to a plain server.
type spec struct {
	port     int      // 0 picks a free one and retries on a port race
	bus      bool     // cluster node: port+10000 must be free too
	sentinel bool     // run in sentinel mode
	conf     []string // extra config file lines
}

// errPortTaken marks a start that lost a race for its port; the caller
// picks another.
var errPortTaken = errors.New("port already in use")

func start(ctx context.Context, opts ServerOptions, sp spec) (*Server, error) {
	bin := opts.Bin
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("redis-server"); err != nil {
			return nil, fmt.Errorf("redisserver: %w", ErrNoRedis)
		}
	}
	ctx, cancel := withDefaultTimeout(ctx, startTimeout)
	defer cancel()
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		port := sp.port
		if port == 0 {
			ports, err := pickPorts(1, sp.bus)
			if err != nil {
				return nil, err
			}
			port = ports[0]
		}
		var s *Server
		s, err = launch(ctx, bin, port, opts, sp)
		if err == nil {
			return s, nil
		}
		if sp.port != 0 || !errors.Is(err, errPortTaken) {
			return nil, err
		}
	}
	return nil, err
}

func launch(ctx context.Context, bin string, port int, opts ServerOptions, sp spec) (*Server, error) {
	dir, err := os.MkdirTemp("", "redisserver-")
	if err != nil {
		return nil, fmt.Errorf("redisserver: temp dir for redis-server: %w", err)
	}
	s := &Server{
		Addr:    net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Port:    port,
		Dir:     dir,
		logPath: filepath.Join(dir, "redis.log"),
	}
	if opts.Password != "" {
		s.User, s.Password = opts.User, opts.Password
	}
	conf := filepath.Join(dir, "redis.conf")
	lines := append(baseConfig(port, dir, opts), sp.conf...)
	if err := os.WriteFile(conf, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("redisserver: write %s: %w", conf, err)
	}
	args := []string{conf}
	if sp.sentinel {
		args = append(args, "--sentinel")
	}
	s.bin, s.args = bin, append(args, opts.Args...)
	if err := s.run(ctx); err != nil {
		tail := s.logTail()
		s.Stop()
		if errors.Is(err, errPortTaken) || strings.Contains(tail, "Address already in use") {
			return nil, fmt.Errorf("redisserver: redis-server on %s: %w", s.Addr, errPortTaken)
		}
		return nil, fmt.Errorf("redisserver: redis-server on %s: %w; log: %s", s.Addr, err, tail)
	}
	return s, nil
}

// run starts the process in s.Dir and waits until it answers PING.
func (s *Server) run(ctx context.Context) error {
	// With logfile "" redis logs to stdout, so one file catches both its
	// log and the config errors it prints before logging starts.
	logFile, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(s.bin, s.args...)
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()
	return s.waitReady(ctx)
}

// Kill kills the server as a crash would, keeping its directory (a
// cluster node's nodes.conf) for Restart. Clients see their connections
// drop and their dials refused.
func (s *Server) Kill() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return fmt.Errorf("redisserver: redis-server on %s is stopped", s.Addr)
	}
	if s.admin != nil {
		s.admin.Close()
		s.admin = nil
	}
	s.cmd.Process.Kill()
	<-s.exited
	return nil
}

// Restart starts a killed server again at the same address, in the same
// directory with the same configuration. Persistence is off, so it comes
// back empty; a cluster node comes back with its node ID and slots.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	switch {
	case stopped:
		return fmt.Errorf("redisserver: redis-server on %s is stopped", s.Addr)
	case s.Running():
		return fmt.Errorf("redisserver: redis-server on %s is running", s.Addr)
	}
	ctx, cancel := withDefaultTimeout(ctx, startTimeout)
	defer cancel()
	if err := s.run(ctx); err != nil {
		return fmt.Errorf("redisserver: restart redis-server on %s: %w; log: %s", s.Addr, err, s.logTail())
	}
	return nil
}

// baseConfig is every server's config: loopback only, nothing on disk but
// the log, and no 5-second wait before a replica's first full sync.
func baseConfig(port int, dir string, opts ServerOptions) []string {
	level := opts.LogLevel
	if level == "" {
		level = "warning"
	}
	c := []string{
		"port " + strconv.Itoa(port),
		"bind 127.0.0.1",
		"daemonize no",
		"dir " + quote(dir),
		`logfile ""`,
		"loglevel " + quote(level),
		`save ""`,
		"appendonly no",
		"repl-diskless-sync-delay 0",
	}
	if opts.Password == "" {
		return c
	}
	if opts.User == "" || opts.User == "default" {
		c = append(c, "requirepass "+quote(opts.Password))
	} else {
		c = append(c, "user default off",
			"user "+quote(opts.User)+" on "+quote(">"+opts.Password)+" ~* &* +@all",
			"masteruser "+quote(opts.User))
	}
	return append(c, "masterauth "+quote(opts.Password))
}

// quote writes s as a double-quoted config argument, which redis reads
// with the escapes used here.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// waitReady waits until the server answers PING, then makes sure the
// answer came from our process: another process may have started a
// server on the same port a moment earlier, and then ours fails to bind
// and exits while theirs answers.
func (s *Server) waitReady(ctx context.Context) error {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.mu.Unlock()
	for delay := 5 * time.Millisecond; !answersPing(s.Addr); delay = min(delay*2, 50*time.Millisecond) {
		select {
		case <-exited:
			return fmt.Errorf("exited before answering PING (%v)", cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("no answer to PING: %w", ctx.Err())
		case <-time.After(delay):
		}
	}
	info, err := s.do(ctx, "INFO", "server").Text()
	if err == nil {
		if infoField(info, "process_id") != strconv.Itoa(cmd.Process.Pid) {
			return errPortTaken
		}
		return nil
	}
	// Without the password (given in Args rather than Password) the
	// process ID is out of reach. A server that lost the race exits as
	// soon as bind fails, long before this grace period ends.
	select {
	case <-exited:
		return errPortTaken
	case <-time.After(200 * time.Millisecond):
		return nil
	}
}

// answersPing speaks RESP by hand so that a server requiring a password,
// which go-redis would fail to connect to, still counts as up.
func answersPing(addr string) bool {
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
	if err != nil || strings.HasPrefix(line, "-LOADING") {
		return false
	}
	return strings.HasPrefix(line, "+") || strings.HasPrefix(line, "-")
}

// Client returns a new client for this server with its credentials; the
// caller closes it.
func (s *Server) Client() *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr: s.Addr, Username: s.User, Password: s.Password,
		// RESP2 and no CLIENT SETINFO: sentinels and 7.0 need neither.
		Protocol: 2, DisableIdentity: true,
	})
}

// do runs one command on the server over a connection kept until Stop.
// Nothing is retried: the callers poll or decide themselves.
func (s *Server) do(ctx context.Context, args ...any) *redis.Cmd {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		cmd := redis.NewCmd(ctx, args...)
		cmd.SetErr(fmt.Errorf("redisserver: redis-server on %s is stopped", s.Addr))
		return cmd
	}
	if s.admin == nil {
		s.admin = redis.NewClient(&redis.Options{
			Addr: s.Addr, Username: s.User, Password: s.Password,
			Protocol: 2, DisableIdentity: true, MaxRetries: -1,
			DialTimeout: 2 * time.Second, ReadTimeout: 15 * time.Second, // MIGRATE may take its own 10 s
			PoolSize: 4,
		})
	}
	c := s.admin
	s.mu.Unlock()
	return c.Do(ctx, args...)
}

// Running reports whether the process is still alive.
func (s *Server) Running() bool {
	s.mu.Lock()
	exited := s.exited
	s.mu.Unlock()
	if exited == nil {
		return false
	}
	select {
	case <-exited:
		return false
	default:
		return true
	}
}

// Stop kills the server, waits for it and removes its directory. A second
// Stop does nothing and returns the first one's result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.admin != nil {
			s.admin.Close()
		}
		// Nothing on disk is worth a clean shutdown, so SIGKILL.
		if s.cmd != nil {
			s.cmd.Process.Kill()
			<-s.exited
		}
		s.finalLog = s.readLog()
		s.stopped = true
		if err := os.RemoveAll(s.Dir); err != nil {
			s.stopErr = fmt.Errorf("redisserver: redis-server on %s: %w", s.Addr, err)
		}
	})
	return s.stopErr
}

// Log returns the server's log; after Stop, the log as it was then.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return s.finalLog
	}
	return s.readLog()
}

func (s *Server) readLog() string {
	data, err := os.ReadFile(s.logPath)
	if err != nil {
		return ""
	}
	return string(data)
}

// logTail is the end of the log on one line, for error messages.
func (s *Server) logTail() string {
	lines := strings.Split(strings.TrimSpace(s.readLog()), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	tail := strings.Join(lines, " | ")
	if tail == "" {
		return "(empty)"
	}
	return tail
}

// infoField returns one field of an INFO reply.
func infoField(info, name string) string {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+":"); ok {
			return v
		}
	}
	return ""
}
