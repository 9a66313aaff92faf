package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// topologyEvery is how often a watch of a cluster re-reads which nodes are
// masters: one small CLUSTER SLOTS reply.
const topologyEvery = 5 * time.Second

// errTopologyChanged ends a watch of a cluster whose masters changed; it
// starts again on the new masters at once.
var errTopologyChanged = errors.New("the cluster's masters changed")

// watchNodes watches every node that holds keys: the one server, the
// master under Sentinel (the watch's client follows failovers), or every
// master of a cluster, since tracking and keyspace notifications are local
// to the node a key lives on. It returns when one node's subscription
// fails, when the cluster's masters change, or when ctx is done.
func (w *watcher) watchNodes(ctx context.Context, open openWatch) error {
	addrs := []string{w.s.cfg.Addr}
	if w.s.mode == modeCluster {
		var err error
		if addrs, err = w.s.masters(ctx); err != nil {
			return err
		}
	}
	nodes := make([]*nodeWatch, 0, len(addrs))
	defer func() {
		for _, n := range nodes {
			n.close()
		}
	}()
	var how string
	for _, addr := range addrs {
		n, h, err := open(ctx, addr)
		if err != nil {
			if w.s.mode == modeCluster && !errors.Is(err, errUnsupported) {
				err = fmt.Errorf("watch cluster node %s: %w", addr, err)
			}
			return err
		}
		nodes, how = append(nodes, n), h
	}
	if w.s.mode == modeCluster {
		how += fmt.Sprintf(" on each of the %d masters", len(addrs))
	}
	w.ready(how)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, len(nodes)+1)
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Go(func() { done <- w.receive(ctx, n) })
	}
	if w.s.mode == modeCluster {
		wg.Go(func() { done <- w.followTopology(ctx, addrs) })
	}
	err := <-done
	cancel()
	wg.Wait()
	return err
}

// followTopology returns errTopologyChanged once the cluster's masters are
// no longer addrs, nil when ctx is done.
func (w *watcher) followTopology(ctx context.Context, addrs []string) error {
	t := time.NewTicker(topologyEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		now, err := w.s.masters(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if !slices.Equal(now, addrs) {
			return errTopologyChanged
		}
	}
}

// masters lists the addresses of a cluster's masters that serve slots,
// sorted, as a node sees them now.
func (s *Store) masters(ctx context.Context) ([]string, error) {
	slots, err := s.cluster.ClusterSlots(ctx).Result()
	if err != nil {
		return nil, s.classify(err)
	}
	var addrs []string
	for _, r := range slots {
		if len(r.Nodes) > 0 && !slices.Contains(addrs, r.Nodes[0].Addr) {
			addrs = append(addrs, r.Nodes[0].Addr)
		}
	}
	slices.Sort(addrs)
	return addrs, nil
}
