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

// track watches with server-assisted invalidation in broadcast mode: a
// subscriber connection receives the invalidations, a second connection
// turns tracking on and redirects them to the first. RESP2 is used on
// purpose: go-redis reads RESP3 pushes only while a command waits for its
// reply, whereas a subscriber blocks on reading.
func (w *watcher) track(ctx context.Context) error {
	opts, err := w.s.cfg.options()
	if err != nil {
		return err
	}
	opts.Protocol = 2
	opts.PoolSize = 2
	opts.ReadTimeout = -1 // the subscriber blocks as long as nothing changes
	var mu sync.Mutex
	var ids []int64
	var idErr error
	opts.OnConnect = func(ctx context.Context, cn *redis.Conn) error {
		id, err := cn.ClientID(ctx).Result()
		mu.Lock()
		defer mu.Unlock()
		ids, idErr = append(ids, id), err
		return nil
	}
	client := redis.NewClient(opts)
	defer client.Close()
	sub := client.Subscribe(ctx, invalidateChannel)
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		return w.s.classify(err)
	}
	mu.Lock()
	if idErr != nil || len(ids) != 1 {
		mu.Unlock()
		return fmt.Errorf("CLIENT ID: %v: %w", idErr, errUnsupported)
	}
	subID := ids[0]
	mu.Unlock()
	tracker := client.Conn()
	defer tracker.Close()
	err = tracker.Do(ctx, "CLIENT", "TRACKING", "on", "REDIRECT", subID, "BCAST", "PREFIX", w.s.cfg.Prefix).Err()
	if isServerError(err) {
		return fmt.Errorf("CLIENT TRACKING: %v: %w", err, errUnsupported)
	}
	if err != nil {
		return w.s.classify(err)
	}
	w.ready("server-assisted invalidation (CLIENT TRACKING BCAST)")
	reconnected := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(ids) > 2 // go-redis replaced a connection: tracking points nowhere now
	}
	return w.receive(ctx, sub, func(msg *redis.Message) {
		if msg.Channel != invalidateChannel {
			return
		}
		for _, key := range msg.PayloadSlice {
			w.keyChanged(ctx, key)
		}
	}, func() error {
		if reconnected() {
			return errors.New("a watch connection was replaced")
		}
		return tracker.Ping(ctx).Err()
	})
}

// keyspace watches with keyspace notifications, if the server already
// sends them for string and generic commands (K or E, with A or g and $).
func (w *watcher) keyspace(ctx context.Context) error {
	flags, err := w.s.client.ConfigGet(ctx, "notify-keyspace-events").Result()
	if isServerError(err) {
		return fmt.Errorf("CONFIG GET: %v: %w", err, errUnsupported)
	}
	if err != nil {
		return w.s.classify(err)
	}
	f := flags["notify-keyspace-events"]
	classes := strings.Contains(f, "A") || strings.Contains(f, "g") && strings.Contains(f, "$")
	db := strconv.Itoa(w.s.cfg.DB)
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
		return fmt.Errorf("notify-keyspace-events is %q: %w", f, errUnsupported)
	}
	opts, err := w.s.cfg.options()
	if err != nil {
		return err
	}
	opts.ReadTimeout = -1
	client := redis.NewClient(opts)
	defer client.Close()
	sub := client.PSubscribe(ctx, pattern)
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		return w.s.classify(err)
	}
	w.ready(fmt.Sprintf("keyspace notifications (notify-keyspace-events %q)", f))
	return w.receive(ctx, sub, func(msg *redis.Message) { w.keyChanged(ctx, keyOf(msg)) }, func() error { return nil })
}

// receive hands each message to handle until the subscription fails or
// ctx is done; while idle it checks the subscriber and, with healthy, the
// other connections.
func (w *watcher) receive(ctx context.Context, sub *redis.PubSub, handle func(*redis.Message), healthy func() error) error {
	for {
		msg, err := sub.ReceiveTimeout(ctx, healthEvery)
		switch {
		case ctx.Err() != nil:
			return nil
		case isTimeout(err):
			if err := sub.Ping(ctx); err != nil {
				return w.s.classify(err)
			}
			if err := healthy(); err != nil {
				return w.s.classify(err)
			}
			continue
		case err != nil && strings.Contains(err.Error(), "unsupported pubsub message payload"):
			// A flush invalidates everything with a null payload, which
			// go-redis cannot parse (the connection stays usable).
			w.q.Push(store.Change{Kind: store.ChangeResync, Detail: "the database was flushed"})
			continue
		case err != nil:
			return w.s.classify(err)
		}
		if m, ok := msg.(*redis.Message); ok {
			handle(m)
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
