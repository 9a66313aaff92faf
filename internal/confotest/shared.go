package confotest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// A Redis Cluster and a Sentinel group take seconds to start. In a test
// binary whose TestMain runs Main, the cross-store suite starts each once
// and gives every test a fresh key prefix in it; Main stops them. Without
// Main, each test starts its own, so nothing outlives the binary.
var shared struct {
	active   atomic.Bool
	mu       sync.Mutex
	cluster  *redisserver.Cluster
	sentinel *redisserver.SentinelGroup
	prefixes atomic.Int64
}

// Main runs a test binary's tests with shared topologies, then stops them:
//
//	func TestMain(m *testing.M) { os.Exit(confotest.Main(m)) }
func Main(m *testing.M) int {
	shared.active.Store(true)
	// go-redis logs every Sentinel lookup; the tests report failures
	// themselves, as confo's command line does.
	redis.SetLogger(quietLog{})
	code := m.Run()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.cluster != nil {
		shared.cluster.Stop()
	}
	if shared.sentinel != nil {
		shared.sentinel.Stop()
	}
	return code
}

type quietLog struct{}

func (quietLog) Printf(context.Context, string, ...any) {}

// startTimeout bounds starting a shared topology.
const startTimeout = 60 * time.Second

// Cluster returns a 3-master Redis Cluster for t: the binary's shared one
// under Main, else one of t's own. Keys the test writes there must be
// under a prefix of its own (FreshPrefix).
func Cluster(t testing.TB) *redisserver.Cluster {
	t.Helper()
	if !shared.active.Load() {
		return redisserver.NewCluster(t)
	}
	bin := redisserver.RequireTool(t, "redis-server")
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.cluster == nil {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		c, err := redisserver.StartCluster(ctx, redisserver.ClusterOptions{Server: redisserver.ServerOptions{Bin: bin}})
		if err != nil {
			t.Fatal(err)
		}
		shared.cluster = c
	}
	return shared.cluster
}

// Sentinel returns a master, its replica and three Sentinels for t, as
// Cluster does. A test that fails the master over starts its own with
// redisserver.NewSentinel.
func Sentinel(t testing.TB) *redisserver.SentinelGroup {
	t.Helper()
	if !shared.active.Load() {
		return redisserver.NewSentinel(t)
	}
	bin := redisserver.RequireTool(t, "redis-server")
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.sentinel == nil {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		g, err := redisserver.StartSentinel(ctx, redisserver.SentinelOptions{Server: redisserver.ServerOptions{Bin: bin}})
		if err != nil {
			t.Fatal(err)
		}
		shared.sentinel = g
	}
	return shared.sentinel
}

// FreshPrefix is a key prefix no other test of the binary uses.
func FreshPrefix() string { return fmt.Sprintf("t%d:", shared.prefixes.Add(1)) }
