package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo/store"
)

// healthEvery is how often an idle watch checks its connections: a
// connection that died unnoticed would otherwise hide every change.
const healthEvery = 15 * time.Second

// invalidateChannel is where the server sends tracking invalidations for
// RESP2 clients that redirect them.
const invalidateChannel = "__redis__:invalidate"

// nodeWatch is one server's subscription to what changes on it.
type nodeWatch struct {
	addr   string
	client *redis.Client
	sub    *redis.PubSub
	// handle takes one message; healthy checks the connections while idle
	// (a round trip, every healthEvery); replaced, every second, whether
	// go-redis replaced a connection, without a round trip.
	handle   func(*redis.Message)
	healthy  func() error
	replaced func() bool
	closers  []func() error
}

func (n *nodeWatch) close() {
	for i := len(n.closers) - 1; i >= 0; i-- {
		n.closers[i]()
	}
}

// openWatch opens one node's subscription: it fails with errUnsupported
// when the node does not offer that way of watching.
type openWatch func(ctx context.Context, addr string) (*nodeWatch, string, error)

// watchClient is a connection pool of a watch's own on the node at addr.
// The subscriber blocks as long as nothing changes, so reads have no
// timeout; RESP2, because go-redis reads RESP3 pushes only while a command
// waits for its reply, whereas a subscriber blocks on reading.
func (s *Store) watchClient(addr string, poolSize int, onConnect func(context.Context, *redis.Conn) error) *redis.Client {
	o := s.nodeOptions(addr)
	o.Protocol, o.PoolSize, o.ReadTimeout, o.OnConnect = 2, poolSize, -1, onConnect
	return redis.NewClient(o)
}

// openTracking subscribes to server-assisted invalidation in broadcast mode
// (CLIENT TRACKING ... BCAST PREFIX, Redis 6+): a subscriber connection
// receives the invalidations, a second connection turns tracking on and
// redirects them to the first.
func (w *watcher) openTracking(ctx context.Context, addr string) (*nodeWatch, string, error) {
	var mu sync.Mutex
	var ids []int64
	var idErr error
	client := w.s.watchClient(addr, 2, func(ctx context.Context, cn *redis.Conn) error {
		id, err := cn.ClientID(ctx).Result()
		mu.Lock()
		defer mu.Unlock()
		ids, idErr = append(ids, id), err
		return nil
	})
	n := &nodeWatch{addr: addr, client: client, closers: []func() error{client.Close}}
	n.sub = client.Subscribe(ctx, invalidateChannel)
	n.closers = append(n.closers, n.sub.Close)
	if _, err := n.sub.Receive(ctx); err != nil {
		n.close()
		return nil, "", w.s.classifyAt(err, addr)
	}
	mu.Lock()
	if idErr != nil || len(ids) != 1 {
		mu.Unlock()
		n.close()
		return nil, "", fmt.Errorf("CLIENT ID: %v: %w", idErr, errUnsupported)
	}
	subID := ids[0]
	mu.Unlock()
	tracker := client.Conn()
	n.closers = append(n.closers, tracker.Close)
	err := tracker.Do(ctx, "CLIENT", "TRACKING", "on", "REDIRECT", subID, "BCAST", "PREFIX", w.s.cfg.Prefix).Err()
	if isServerError(err) {
		n.close()
		return nil, "", fmt.Errorf("CLIENT TRACKING: %v: %w", err, errUnsupported)
	}
	if err != nil {
		n.close()
		return nil, "", w.s.classifyAt(err, addr)
	}
	n.handle = func(msg *redis.Message) {
		if msg.Channel != invalidateChannel {
			return
		}
		for _, key := range msg.PayloadSlice {
			w.keyChanged(ctx, key)
		}
	}
	n.replaced = func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(ids) > 2 // go-redis replaced a connection: tracking points nowhere now
	}
	n.healthy = func() error { return tracker.Ping(ctx).Err() }
	return n, "server-assisted invalidation (CLIENT TRACKING BCAST)", nil
}

// openKeyspace subscribes to keyspace notifications, if the node already
// sends them for string and generic commands (K or E, with A or g and $).
// The setting is read with CONFIG GET, never set.
func (w *watcher) openKeyspace(ctx context.Context, addr string) (*nodeWatch, string, error) {
	client := w.s.watchClient(addr, 1, nil)
	n := &nodeWatch{addr: addr, client: client, closers: []func() error{client.Close}}
	flags, err := client.ConfigGet(ctx, "notify-keyspace-events").Result()
	if err != nil {
		n.close()
		if isServerError(err) {
			return nil, "", fmt.Errorf("CONFIG GET: %v: %w", err, errUnsupported)
		}
		return nil, "", w.s.classifyAt(err, addr)
	}
	f := flags["notify-keyspace-events"]
	classes := strings.Contains(f, "A") || strings.Contains(f, "g") && strings.Contains(f, "$")
	db := strconv.Itoa(client.Options().DB)
	var pattern string
	var keyOf func(*redis.Message) string
	switch {
	case classes && strings.Contains(f, "K"):
		channel := "__keyspace@" + db + "__:"
		pattern = channel + escapeGlob(w.s.cfg.Prefix) + "*"
		keyOf = func(m *redis.Message) string { return strings.TrimPrefix(m.Channel, channel) }
	case classes && strings.Contains(f, "E"):
		pattern = "__keyevent@" + db + "__:*"
		keyOf = func(m *redis.Message) string { return m.Payload }
	default:
		n.close()
		return nil, "", fmt.Errorf("notify-keyspace-events is %q: %w", f, errUnsupported)
	}
	n.sub = client.PSubscribe(ctx, pattern)
	n.closers = append(n.closers, n.sub.Close)
	if _, err := n.sub.Receive(ctx); err != nil {
		n.close()
		return nil, "", w.s.classifyAt(err, addr)
	}
	n.handle = func(msg *redis.Message) { w.keyChanged(ctx, keyOf(msg)) }
	n.healthy = func() error { return nil }
	n.replaced = func() bool { return false }
	return n, fmt.Sprintf("keyspace notifications (notify-keyspace-events %q)", f), nil
}

// receive hands each message of n to its handler until the subscription
// fails or ctx is done; while idle it checks the subscriber and the other
// connections.
func (w *watcher) receive(ctx context.Context, n *nodeWatch) error {
	checked := time.Now()
	for {
		msg, err := n.sub.ReceiveTimeout(ctx, time.Second)
		switch {
		case ctx.Err() != nil:
			return nil
		case isTimeout(err) && n.replaced():
			return errors.New("a watch connection was replaced")
		case isTimeout(err) && time.Since(checked) < healthEvery:
			continue
		case isTimeout(err):
			if err := n.sub.Ping(ctx); err != nil {
				return w.s.classifyAt(err, n.addr)
			}
			if err := n.healthy(); err != nil {
				return w.s.classifyAt(err, n.addr)
			}
			checked = time.Now()
			continue
		case err != nil && strings.Contains(err.Error(), "unsupported pubsub message payload"):
			// A flush invalidates everything with a null payload, which
			// go-redis cannot parse (the connection stays usable).
			w.q.Push(store.Change{Kind: store.ChangeResync, Detail: "the database was flushed"})
			continue
		case err != nil:
			return w.s.classifyAt(err, n.addr)
		}
		if m, ok := msg.(*redis.Message); ok {
			n.handle(m)
		}
	}
}

// isServerError reports an error reply from the server (unknown command,
// no permission), as opposed to a failure to reach it.
func isServerError(err error) bool {
	var serverErr redis.Error
	return errors.As(err, &serverErr) && !errors.Is(err, redis.Nil)
}

func isTimeout(err error) bool {
	var timeout interface{ Timeout() bool }
	return errors.As(err, &timeout) && timeout.Timeout()
}
