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
	return sharedTopology(t, &shared.cluster, redisserver.NewCluster, func(ctx context.Context, bin string) (*redisserver.Cluster, error) {
		return redisserver.StartCluster(ctx, redisserver.ClusterOptions{Server: redisserver.ServerOptions{Bin: bin}})
	})
}

// Sentinel returns a master, its replica and three Sentinels for t, as
// Cluster does. A test that fails the master over starts its own with
// redisserver.NewSentinel.
func Sentinel(t testing.TB) *redisserver.SentinelGroup {
	t.Helper()
	return sharedTopology(t, &shared.sentinel, redisserver.NewSentinel, func(ctx context.Context, bin string) (*redisserver.SentinelGroup, error) {
		return redisserver.StartSentinel(ctx, redisserver.SentinelOptions{Server: redisserver.ServerOptions{Bin: bin}})
	})
}

// sharedTopology returns *kept, started once with start, under Main; else
// a topology of t's own from own.
func sharedTopology[T any](t testing.TB, kept **T, own func(testing.TB) *T, start func(context.Context, string) (*T, error)) *T {
	t.Helper()
	if !shared.active.Load() {
		return own(t)
	}
	bin := redisserver.RequireTool(t, "redis-server")
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if *kept == nil {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		started, err := start(ctx, bin)
		if err != nil {
			t.Fatal(err)
		}
		*kept = started
	}
	return *kept
}

// FreshPrefix is a key prefix no other test of the binary uses.
func FreshPrefix() string { return fmt.Sprintf("t%d:", shared.prefixes.Add(1)) }
