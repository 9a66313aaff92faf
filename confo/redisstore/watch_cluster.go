package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo/store"
)

// topologyEvery is how often a watch of a cluster re-reads which nodes are
// masters: one small CLUSTER SLOTS reply.
const topologyEvery = 5 * time.Second

// errTopologyChanged ends a watch of a cluster whose masters changed, or
// of a Sentinel group whose master moved; it starts again on the new
// masters at once.
var errTopologyChanged = errors.New("the cluster's masters changed")

// watchNodes watches every node that holds keys: the one server, the
// master the Sentinels name now, or every master of a cluster, since
// tracking and keyspace notifications are local to the node a key lives
// on. It returns when one node's subscription fails, when the cluster's
// masters change or the Sentinels move the master, or when ctx is done.
func (w *watcher) watchNodes(ctx context.Context, open openWatch) error {
	addrs := []string{w.s.cfg.Addr}
	switch w.s.mode {
	case modeCluster:
		var err error
		if addrs, err = w.s.masters(ctx); err != nil {
			return err
		}
	case modeSentinel:
		master, err := w.s.sentinelMaster(ctx)
		if err != nil {
			return err
		}
		addrs = []string{master}
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
			if w.s.mode == modeCluster && !errors.Is(err, errUnsupported) && !typed(err) {
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
	switch w.s.mode {
	case modeCluster:
		wg.Go(func() { done <- w.followTopology(ctx, addrs) })
	case modeSentinel:
		wg.Go(func() { done <- w.followSentinels(ctx) })
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

// followSentinels returns errTopologyChanged when a Sentinel announces
// that the master moved (+switch-master): the watch's connections may
// still be on the old master, now a replica. It returns nil when ctx is
// done; if no Sentinel can be subscribed to, it waits for that, and the
// health checks notice a reconnect.
func (w *watcher) followSentinels(ctx context.Context) error {
	for _, addr := range w.s.sentinelAddrs() {
		opts := w.s.nodeOptions(addr)
		opts.Username, opts.Password, opts.DB, opts.Protocol = w.s.cfg.SentinelUsername, w.s.cfg.SentinelPassword, 0, 2
		sentinel := redis.NewSentinelClient(opts)
		sub := sentinel.Subscribe(ctx, "+switch-master")
		if _, err := sub.Receive(ctx); err != nil {
			sub.Close()
			sentinel.Close()
			continue
		}
		defer sentinel.Close()
		defer sub.Close()
		// No deadline bounds a subscriber's wait, and the Sentinels say
		// nothing when a master dies with no replica to promote: closing
		// the subscription is what ends the wait once the watch of the
		// master itself fails.
		defer context.AfterFunc(ctx, func() { sub.Close() })()
		for {
			msg, err := sub.ReceiveMessage(ctx)
			switch {
			case ctx.Err() != nil:
				return nil
			case err != nil:
				return &store.UnreachableError{Addr: "sentinel " + addr, Err: err}
			case strings.HasPrefix(msg.Payload, w.s.cfg.MasterName+" "):
				return errTopologyChanged
			}
		}
	}
	<-ctx.Done()
	return nil
}
