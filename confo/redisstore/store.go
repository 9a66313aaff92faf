package redisstore

import (
	"context"
	"crypto/tls"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo/store"
)

// Store keeps Confo data in Redis: one server, a Redis Cluster, or the
// master a group of Sentinels names. It holds no editable state: every
// Load reads the server and every Commit checks it.
type Store struct {
	// client serves every command: a *redis.Client (one server, or
	// Sentinel's failover client, which follows the master) or the
	// *redis.ClusterClient, which sends each key to its slot's master.
	client redis.UniversalClient
	// cluster is client on a cluster, nil otherwise: what only a cluster
	// has (its masters, its slots).
	cluster *redis.ClusterClient
	cfg     Config
	mode    mode
	tls     *tls.Config
	// master is, under Sentinel, where the Sentinels last said the master
	// was, for messages: commands follow the master by themselves.
	master atomic.Pointer[string]
	// note says what Address adds about the server, such as a replica
	// opened read-only.
	note string
	// failBefore, set by tests only, fails a step of a cluster commit.
	failBefore func(step string) error
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
	tlsConfig, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, mode: modeOf(cfg), tls: tlsConfig}
	if err := s.connect(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Kind implements Store.
func (s *Store) Kind() store.BackendType { return store.BackendRedis }

// Address implements Store: the deployment as found at connect.
func (s *Store) Address() string {
	a := s.cfg.describe(s.mode)
	if s.note != "" {
		a += " (" + s.note + ")"
	}
	return a
}

// ReadOnly implements Store.
func (s *Store) ReadOnly() bool { return s.cfg.ReadOnly }

// Close implements Store.
func (s *Store) Close() error { return s.client.Close() }
