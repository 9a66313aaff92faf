package redisstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/confo-dev/confo/confo/store"
	"github.com/redis/go-redis/v9"
)

// Store keeps Confo data in one Redis server. It holds no editable
// state: every Load reads the server and every Commit checks it.
type Store struct {
	client *redis.Client
	cfg    Config
}

// Open connects and checks the credentials. It reads and writes no key:
// a read never creates anything (a mistyped prefix must not leave a
// registry behind), and the first commit that registers a namespace
// creates the registry.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 3 * time.Second
	}
	if cfg.IOTimeout == 0 {
		cfg.IOTimeout = 10 * time.Second
	}
	opts, err := cfg.options()
	if err != nil {
		return nil, err
	}
	s := &Store{client: redis.NewClient(opts), cfg: cfg}
	if err := s.client.Ping(ctx).Err(); err != nil {
		s.client.Close()
		return nil, s.openError(err)
	}
	return s, nil
}

// options are the go-redis options of a connection to the server; a
// watcher makes its own connections from them. It fails only when a TLS
// file cannot be read.
func (cfg Config) options() (*redis.Options, error) {
	tlsConfig, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	return &redis.Options{
		Addr:         cfg.Addr,
		Username:     cfg.Username,
		Password:     cfg.Password,
		DB:           cfg.DB,
		DialTimeout:  cfg.DialTimeout,
		ReadTimeout:  cfg.IOTimeout,
		WriteTimeout: cfg.IOTimeout,
		MaxRetries:   1,
		// One dial per attempt: MaxRetries already tries again, and a
		// wrong address should fail in well under a second, not after
		// go-redis's default five dials with backoff.
		DialerRetries:   1,
		DisableIdentity: true,
		TLSConfig:       tlsConfig,
	}, nil
}

// openError gives a failure while opening its context, except for the typed
// errors, which already name the address or the key.
func (s *Store) openError(err error) error {
	err = s.classify(err)
	if errors.Is(err, store.ErrUnreachable) || errors.Is(err, store.ErrAuth) {
		return err
	}
	return fmt.Errorf("open redis %s: %w", s.cfg, err)
}

// Kind implements Store.
func (s *Store) Kind() store.BackendType { return store.BackendRedis }

// Address implements Store.
func (s *Store) Address() string { return s.cfg.String() }

// ReadOnly implements Store.
func (s *Store) ReadOnly() bool { return s.cfg.ReadOnly }

// Close implements Store.
func (s *Store) Close() error { return s.client.Close() }

// classify turns connection and authentication failures into the typed
// errors callers act on, and returns any other error (or one it already
// typed) unchanged. The server's auth message never holds the password, so
// it is kept.
func (s *Store) classify(err error) error {
	if errors.Is(err, store.ErrUnreachable) || errors.Is(err, store.ErrAuth) {
		return err
	}
	msg := err.Error()
	for _, marker := range []string{"WRONGPASS", "NOAUTH", "invalid password", "invalid username-password pair"} {
		if strings.Contains(msg, marker) {
			return fmt.Errorf("redis %s: %w (%s)", s.cfg.Addr, store.ErrAuth, msg)
		}
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, redis.ErrClosed) {
		return &store.UnreachableError{Addr: s.cfg.Addr, Err: err}
	}
	return err
}
