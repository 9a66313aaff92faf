package redisstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"
)

// A load on a cluster reads keys of every slot. Each round of keys is
// grouped by the master that serves its slot (as CLUSTER SLOTS said at the
// start of the load), and each group is read by pipelined GETs on that
// master's own connection, masters in parallel, a few rounds in flight
// (clusterAhead) so that no master waits for the slowest one. A key whose
// slot moved meanwhile comes back MOVED, ASK or TRYAGAIN; those keys alone
// are read again through the cluster client, which follows redirects. MGET
// is not used: it needs all its keys in one slot (100k configs spread over
// the 16,384 slots make it a few keys per call), and a half-migrated slot
// answers it TRYAGAIN.

// clusterRoute is what a load on a cluster knows of the cluster: the
// master of each slot and a client per master.
type clusterRoute struct {
	owner [slotCount]string
	nodes map[string]*redis.Client
}

// route reads the slot map and the masters' clients, once per load.
func (s *Store) route(ctx context.Context) (*clusterRoute, error) {
	slots, err := s.cluster.ClusterSlots(ctx).Result()
	if err != nil {
		return nil, err
	}
	r := &clusterRoute{nodes: map[string]*redis.Client{}}
	for _, rng := range slots {
		if len(rng.Nodes) == 0 {
			continue
		}
		for slot := max(rng.Start, 0); slot <= min(rng.End, slotCount-1); slot++ {
			r.owner[slot] = rng.Nodes[0].Addr
		}
	}
	var mu sync.Mutex
	err = s.cluster.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		r.nodes[node.Options().Addr] = node
		return nil
	})
	return r, err
}

// fetchRoundCluster reads keys as fetchRound does (the value, or nil for a
// missing key and one of another type, whose TYPE the caller then asks).
func (s *Store) fetchRoundCluster(ctx context.Context, r *clusterRoute, keys []string) ([]any, error) {
	groups := map[string][]int{}
	for i, key := range keys {
		addr := r.owner[KeySlot(key)]
		groups[addr] = append(groups[addr], i)
	}
	vals := make([]any, len(keys))
	var mu sync.Mutex
	var again []int // keys redirected: their slot moved
	var wg sync.WaitGroup
	errs := make([]error, 0, len(groups))
	for addr, idx := range groups {
		node := r.nodes[addr]
		if node == nil { // a slot no master served at the start of the load
			mu.Lock()
			again = append(again, idx...)
			mu.Unlock()
			continue
		}
		wg.Go(func() {
			cmds := make([]*redis.StringCmd, len(idx))
			pipe := node.Pipeline()
			for n, i := range idx {
				cmds[n] = pipe.Get(ctx, keys[i])
			}
			pipe.Exec(ctx)
			var moved []int
			var err error
			for n, cmd := range cmds {
				v, cerr := cmd.Result()
				switch {
				case cerr == nil:
					vals[idx[n]] = v
				case isRedirect(cerr):
					moved = append(moved, idx[n])
				case err == nil && !isMissingOrWrongType(cerr):
					if err = s.classifyAt(cerr, addr); !typed(err) {
						err = fmt.Errorf("cluster node %s: %w", addr, err)
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			again = append(again, moved...)
			errs = append(errs, err)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if len(again) == 0 {
		return vals, nil
	}
	pipe := s.cluster.Pipeline()
	cmds := make([]*redis.StringCmd, len(again))
	for n, i := range again {
		cmds[n] = pipe.Get(ctx, keys[i])
	}
	executed, _ := pipe.Exec(ctx)
	if err := pipelineError(executed); err != nil {
		return nil, err
	}
	for n, cmd := range cmds {
		if v, err := cmd.Result(); err == nil {
			vals[again[n]] = v
		}
	}
	return vals, nil
}

// isRedirect reports a node's answer that the key is served elsewhere now,
// or not at the moment: it is asked again through the cluster client.
func isRedirect(err error) bool {
	for _, prefix := range []string{"MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN"} {
		if redis.HasErrorPrefix(err, prefix) {
			return true
		}
	}
	return false
}
