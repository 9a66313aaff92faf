package redisserver

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
)

func failoverClient(t *testing.T, g *SentinelGroup) *redis.Client {
	t.Helper()
	fc := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: g.MasterName, SentinelAddrs: g.SentinelAddrs()})
	t.Cleanup(func() { fc.Close() })
	return fc
}

// expectValues checks keys on s directly, not through a sentinel.
func expectValues(t *testing.T, s *Server, kv map[string]string) {
	t.Helper()
	c := s.Client()
	defer c.Close()
	for k, want := range kv {
		if v, err := c.Get(context.Background(), k).Result(); err != nil || v != want {
			t.Errorf("GET %s on %s = %q, %v; want %q", k, s.Addr, v, err, want)
		}
	}
}

func expectRole(t *testing.T, s *Server, want string) {
	t.Helper()
	role, err := s.do(context.Background(), "ROLE").Slice()
	if err != nil || len(role) == 0 || role[0] != want {
		t.Errorf("ROLE on %s = %v, %v; want %s", s.Addr, role, err, want)
	}
}

// TestSentinelWithPassword covers a group whose data nodes need a login:
// the replica syncs, the sentinels watch, and a failover goes through.
func TestSentinelWithPassword(t *testing.T) {
	t.Parallel()
	g := NewSentinelWith(t, SentinelOptions{MasterName: "auth", Server: ServerOptions{User: "ops", Password: "pw"}})
	ctx := context.Background()
	if addr, err := g.CurrentMaster(ctx); err != nil || addr != g.Master.Addr {
		t.Fatalf("CurrentMaster = %q, %v; want %s", addr, err, g.Master.Addr)
	}
	expectRole(t, g.Master, "master")
	expectRole(t, g.Replica, "slave")
	fc := redis.NewFailoverClient(&redis.FailoverOptions{
		MasterName: g.MasterName, SentinelAddrs: g.SentinelAddrs(), Username: "ops", Password: "pw",
	})
	defer fc.Close()
	if err := fc.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Failover(ctx); err != nil {
		t.Fatal(err)
	}
	expectRole(t, g.Replica, "slave")
	expectValues(t, g.Master, map[string]string{"k": "v"})
}

func TestSentinelFailover(t *testing.T) {
	t.Parallel()
	g := NewSentinel(t)
	ctx := context.Background()
	fc := failoverClient(t, g)
	first, second := g.Master, g.Replica
	if err := fc.Set(ctx, "before", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	addr, err := g.Failover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if addr != second.Addr || g.Master != second || g.Replica != first {
		t.Fatalf("Failover promoted %s; want %s, and Master and Replica swapped", addr, second.Addr)
	}
	if cur, err := g.CurrentMaster(ctx); err != nil || cur != addr {
		t.Errorf("CurrentMaster after Failover = %q, %v; want %s", cur, err, addr)
	}
	expectRole(t, second, "master")
	expectRole(t, first, "slave")
	if err := fc.Set(ctx, "after", "2", 0).Err(); err != nil {
		t.Fatalf("SET through the failover client after Failover: %v", err)
	}
	if v, err := fc.Get(ctx, "before").Result(); err != nil || v != "1" {
		t.Errorf("GET before through the failover client = %q, %v", v, err)
	}
	expectValues(t, second, map[string]string{"before": "1", "after": "2"})

	// And back: the demoted master must be fit to take over again.
	if addr, err = g.Failover(ctx); err != nil {
		t.Fatal(err)
	}
	if addr != first.Addr {
		t.Fatalf("second Failover promoted %s, want %s", addr, first.Addr)
	}
	if err := fc.Set(ctx, "again", "3", 0).Err(); err != nil {
		t.Fatalf("SET through the failover client after the second Failover: %v", err)
	}
	expectValues(t, first, map[string]string{"before": "1", "after": "2", "again": "3"})
}

func TestSentinelMasterDies(t *testing.T) {
	t.Parallel()
	g := NewSentinel(t)
	ctx := context.Background()
	fc := failoverClient(t, g)
	if err := fc.Set(ctx, "before", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	// SET returns before the replica has the key; a dying master would
	// take it along.
	if err := waitFor(ctx, "the replica to catch up", g.caughtUp); err != nil {
		t.Fatal(err)
	}
	old, dead := g.Master.Addr, g.Master
	if err := dead.Stop(); err != nil {
		t.Fatal(err)
	}
	addr, err := g.AwaitFailover(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	if addr != g.Master.Addr || g.Replica != dead {
		t.Fatalf("AwaitFailover = %s; Master %s, Replica %s", addr, g.Master.Addr, g.Replica.Addr)
	}
	if err := fc.Set(ctx, "after", "2", 0).Err(); err != nil {
		t.Fatalf("SET through the failover client after the master died: %v", err)
	}
	expectValues(t, g.Master, map[string]string{"before": "1", "after": "2"})
}

func BenchmarkStartSentinel(b *testing.B) {
	RequireTool(b, "redis-server")
	for b.Loop() {
		g, err := StartSentinel(context.Background(), SentinelOptions{})
		if err != nil {
			b.Fatal(err)
		}
		g.Stop()
	}
}

// BenchmarkSentinelFailover times Failover, back and forth in one group.
func BenchmarkSentinelFailover(b *testing.B) {
	RequireTool(b, "redis-server")
	g, err := StartSentinel(context.Background(), SentinelOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer g.Stop()
	for b.Loop() {
		if _, err := g.Failover(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSentinelsWithTheirOwnPassword: sentinels that require a password of
// their own still form a group and fail over.
func TestSentinelsWithTheirOwnPassword(t *testing.T) {
	t.Parallel()
	g := NewSentinelWith(t, SentinelOptions{SentinelPassword: "spw"})
	ctx := context.Background()
	anon := redis.NewSentinelClient(&redis.Options{Addr: g.Sentinels[0].Addr, Protocol: 2, DisableIdentity: true})
	defer anon.Close()
	if err := anon.GetMasterAddrByName(ctx, g.MasterName).Err(); err == nil {
		t.Fatal("a sentinel answered without its password")
	}
	if _, err := g.Failover(ctx); err != nil {
		t.Fatal(err)
	}
}
