package redisserver

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

func clusterClient(t *testing.T, c *Cluster) *redis.ClusterClient {
	t.Helper()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	t.Cleanup(func() { cc.Close() })
	return cc
}

func TestClusterKeys(t *testing.T) {
	t.Parallel()
	c := NewCluster(t)
	ctx := context.Background()
	cc := clusterClient(t, c)
	const n = 1000
	pipe := cc.Pipeline()
	for i := range n {
		pipe.Set(ctx, fmt.Sprintf("key:%d", i), i, 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	perMaster := map[*Server]int{}
	for i := range n {
		key := fmt.Sprintf("key:%d", i)
		if v, err := cc.Get(ctx, key).Int(); err != nil || v != i {
			t.Fatalf("GET %s = %d, %v", key, v, err)
		}
		m, err := c.MasterFor(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		perMaster[m]++
		if i%100 == 0 {
			expectOnlyOn(t, c, m, key, fmt.Sprint(i))
		}
	}
	// The same count in DBSIZE shows MasterFor and the servers agree on
	// every key, not only the sampled ones.
	for _, m := range c.Masters() {
		size, err := m.do(ctx, "DBSIZE").Int()
		if err != nil || size != perMaster[m] {
			t.Errorf("%s holds %d keys, MasterFor placed %d there (%v)", m.Addr, size, perMaster[m], err)
		}
	}
}

// expectOnlyOn checks that key answers with want on master m, and with
// MOVED to m on every other master.
func expectOnlyOn(t *testing.T, c *Cluster, m *Server, key, want string) {
	t.Helper()
	ctx := context.Background()
	for _, s := range c.Masters() {
		cl := s.Client()
		v, err := cl.Get(ctx, key).Result()
		cl.Close()
		if s == m {
			if err != nil || v != want {
				t.Errorf("GET %s on its master %s = %q, %v; want %q", key, s.Addr, v, err, want)
			}
		} else if err == nil || !strings.HasPrefix(err.Error(), "MOVED") || !strings.HasSuffix(err.Error(), m.Addr) {
			t.Errorf("GET %s on %s = %q, %v; want MOVED to %s", key, s.Addr, v, err, m.Addr)
		}
	}
}

// fillSlot writes n keys sharing a hash tag, so they all sit in one slot,
// and returns their names and the slot.
func fillSlot(t *testing.T, c *Cluster, cc *redis.ClusterClient, tag string, n int) ([]string, int) {
	t.Helper()
	ctx := context.Background()
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("{%s}:%d", tag, i)
		if err := cc.Set(ctx, keys[i], keys[i], 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	slot, err := c.KeySlot(ctx, keys[0])
	if err != nil {
		t.Fatal(err)
	}
	return keys, slot
}

func otherMaster(c *Cluster, s *Server) *Server {
	for _, m := range c.Masters() {
		if m != s {
			return m
		}
	}
	return nil
}

func readAll(t *testing.T, cc *redis.ClusterClient, keys []string) {
	t.Helper()
	for _, k := range keys {
		if v, err := cc.Get(context.Background(), k).Result(); err != nil || v != k {
			t.Fatalf("GET %s through the cluster client = %q, %v", k, v, err)
		}
	}
}

func countKeys(t *testing.T, s *Server, slot int) int {
	t.Helper()
	n, err := s.do(context.Background(), "CLUSTER", "COUNTKEYSINSLOT", slot).Int()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestClusterMigrateSlot(t *testing.T) {
	t.Parallel()
	c := NewCluster(t)
	ctx := context.Background()
	cc := clusterClient(t, c)
	keys, slot := fillSlot(t, c, cc, "moving", 250)
	from, err := c.SlotOwner(ctx, slot)
	if err != nil {
		t.Fatal(err)
	}
	to := otherMaster(c, from)
	if err := c.MigrateSlot(ctx, slot, from, to); err != nil {
		t.Fatal(err)
	}
	if owner, err := c.SlotOwner(ctx, slot); err != nil || owner != to {
		t.Fatalf("slot %d owner after migration = %v, %v; want %s", slot, owner, err, to.Addr)
	}
	if got := countKeys(t, to, slot); got != len(keys) {
		t.Errorf("%s holds %d keys of slot %d, want %d", to.Addr, got, slot, len(keys))
	}
	if got := countKeys(t, from, slot); got != 0 {
		t.Errorf("%s still holds %d keys of slot %d", from.Addr, got, slot)
	}
	// cc still maps the slot to from: it must follow MOVED.
	readAll(t, cc, keys)
	expectOnlyOn(t, c, to, keys[0], keys[0])
}

func TestClusterHalfMigratedSlot(t *testing.T) {
	t.Parallel()
	c := NewCluster(t)
	ctx := context.Background()
	cc := clusterClient(t, c)
	keys, slot := fillSlot(t, c, cc, "half", 50)
	from, err := c.SlotOwner(ctx, slot)
	if err != nil {
		t.Fatal(err)
	}
	to := otherMaster(c, from)
	m, err := c.BeginMigration(ctx, slot, from, to, 20)
	if err != nil {
		t.Fatal(err)
	}
	if got := countKeys(t, to, slot); got != 20 {
		t.Fatalf("%s holds %d keys after moving 20", to.Addr, got)
	}
	// The target does not serve the slot yet, so ask for its keys
	// without reading them.
	onTarget, err := to.do(ctx, "CLUSTER", "GETKEYSINSLOT", slot, 1).StringSlice()
	if err != nil || len(onTarget) != 1 {
		t.Fatalf("CLUSTER GETKEYSINSLOT on the target = %v, %v", onTarget, err)
	}
	moved := onTarget[0]
	fc := from.Client()
	defer fc.Close()
	want := fmt.Sprintf("ASK %d %s", slot, to.Addr)
	if err := fc.Get(ctx, moved).Err(); err == nil || err.Error() != want {
		t.Errorf("GET %s on the source = %v, want %q", moved, err, want)
	}
	// Without ASKING the target still sends clients to the owner.
	tc := to.Client()
	defer tc.Close()
	if err := tc.Get(ctx, moved).Err(); err == nil || !strings.HasPrefix(err.Error(), "MOVED") {
		t.Errorf("GET %s on the target without ASKING = %v, want MOVED", moved, err)
	}
	readAll(t, cc, keys)
	// A new key of the slot lands on the target, by ASK.
	added := "{half}:new"
	if err := cc.Set(ctx, added, added, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got := countKeys(t, to, slot); got != 21 {
		t.Errorf("%s holds %d keys of slot %d after a write mid-migration, want 21", to.Addr, got, slot)
	}
	if err := m.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if got := countKeys(t, to, slot); got != len(keys)+1 {
		t.Errorf("%s holds %d keys of slot %d, want %d", to.Addr, got, slot, len(keys)+1)
	}
	readAll(t, cc, append(keys, added))
}

func TestClusterWithReplicasAndPassword(t *testing.T) {
	t.Parallel()
	c := NewClusterWith(t, ClusterOptions{ReplicasPerMaster: 1, Server: ServerOptions{User: "ops", Password: "pw"}})
	ctx := context.Background()
	if len(c.Nodes) != 6 {
		t.Fatalf("%d nodes, want 6", len(c.Nodes))
	}
	for i, r := range c.Replicas() {
		role, err := r.do(ctx, "ROLE").Slice()
		if err != nil || role[0] != "slave" || fmt.Sprint(role[2]) != fmt.Sprint(c.Masters()[i].Port) {
			t.Errorf("replica %s ROLE = %v, %v; want replica of %s", r.Addr, role, err, c.Masters()[i].Addr)
		}
	}
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs(), Username: "ops", Password: "pw"})
	defer cc.Close()
	keys, slot := fillSlot(t, c, cc, "auth", 30)
	from, err := c.SlotOwner(ctx, slot)
	if err != nil {
		t.Fatal(err)
	}
	// MIGRATE has to log in to the target.
	if err := c.MigrateSlot(ctx, slot, from, otherMaster(c, from)); err != nil {
		t.Fatal(err)
	}
	readAll(t, cc, keys)
}

func BenchmarkStartCluster(b *testing.B) {
	RequireTool(b, "redis-server")
	for _, replicas := range []int{0, 1} {
		b.Run(fmt.Sprintf("replicas=%d", replicas), func(b *testing.B) {
			for b.Loop() {
				c, err := StartCluster(context.Background(), ClusterOptions{ReplicasPerMaster: replicas})
				if err != nil {
					b.Fatal(err)
				}
				c.Stop()
			}
		})
	}
}
