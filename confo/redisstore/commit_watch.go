package redisstore

import (
	"context"
	"errors"

	"github.com/confo-dev/confo/confo/store"
	"github.com/redis/go-redis/v9"
)

// watchLimit is the most configs a commit checks with WATCH rather than
// with the script. Redis (7.0 at least) checks every WATCH argument against
// the keys the connection already watches, so watching n keys costs O(n²);
// for a few keys WATCH is cheap, and it keeps the values out of Lua, which
// copies every argument into a Lua string: for one config of 50 MB that is
// most of the time of a persist.
const watchLimit = 16

// commitWatched commits a change of a few configs on one server: WATCH the
// list, the registry and the configs, read them, check in Go what the
// script would check, and write in one MULTI/EXEC, which Redis drops when a
// watched key changed meanwhile (then it reads again and retries).
func (s *Store) commitWatched(ctx context.Context, change store.NamespaceChange, opts store.CommitOptions) ([]store.Conflict, error) {
	keys := []string{s.listKey(change.Namespace), s.registryKey()}
	for _, c := range change.Configs {
		keys = append(keys, s.configKey(change.Namespace, c.Name))
	}
	var route []string
	if s.mode == modeCluster {
		route = keys[:1] // the cluster client picks the node by a key; all share one slot
	}
	for attempt := 1; attempt <= commitAttempts; attempt++ {
		if attempt > 1 {
			if err := backoff(ctx, attempt); err != nil {
				return nil, err
			}
		}
		var conflicts []store.Conflict
		var sent bool
		err := s.client.Watch(ctx, func(tx *redis.Tx) error {
			// EXEC ends the WATCH; any other way out must, or the
			// connection goes back to the pool still watching.
			defer func() {
				if !sent {
					tx.Unwatch(ctx)
				}
			}()
			raws, err := s.watchAndRead(ctx, tx, keys)
			if err != nil {
				return err
			}
			cur, err := s.currentOf(raws[0], raws[1])
			if err != nil {
				return err
			}
			if others := neighbours(change, cur.registered); len(others) > 0 {
				otherKeys := make([]string, len(others))
				for i, ns := range others {
					otherKeys[i] = s.listKey(ns)
				}
				lists, err := s.watchAndRead(ctx, tx, otherKeys)
				if err != nil {
					return err
				}
				cur.setOthers(others, lists)
			}
			w, err := s.decide(change, cur, opts)
			if err != nil || len(w.conflicts) > 0 {
				conflicts = w.conflicts
				return err
			}
			for i, c := range change.Configs {
				if now := raws[2+i]; !opts.Overwrite && !now.Same(c.Expect) {
					conflicts = append(conflicts, store.Conflict{Namespace: change.Namespace, Config: c.Name,
						Reason: store.ConflictReason(c.Expect, now), Ours: c.Expect, Theirs: now})
				}
			}
			if len(conflicts) > 0 {
				return nil
			}
			sent = true
			cmds, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				// The first command keeps go-redis from sending the
				// transaction again after a lost reply: on a new
				// connection nothing is watched any more.
				p.Process(ctx, noRetry{redis.NewCmd(ctx, "ping")})
				for _, c := range change.Configs {
					key := s.configKey(change.Namespace, c.Name)
					if c.Write == nil {
						p.Del(ctx, key)
					} else {
						p.Set(ctx, key, c.Write, 0)
					}
				}
				switch {
				case w.dropList:
					p.Del(ctx, s.listKey(change.Namespace))
				case w.list != nil:
					p.Set(ctx, s.listKey(change.Namespace), w.list, 0)
				}
				if w.registry != nil {
					p.Set(ctx, s.registryKey(), w.registry, 0)
				}
				return nil
			})
			return queuedCause(cmds, err)
		}, route...)
		switch {
		case errors.Is(err, redis.TxFailedErr):
			continue
		case err != nil && sent:
			return nil, s.writeError(err)
		case err != nil:
			return nil, s.classify(err)
		}
		return conflicts, nil
	}
	return nil, &store.ContentionError{Namespace: change.Namespace, Attempts: commitAttempts}
}

// watchAndRead WATCHes keys and reads them, in one round trip.
func (s *Store) watchAndRead(ctx context.Context, tx *redis.Tx, keys []string) ([]store.Raw, error) {
	gets := make([]*redis.StringCmd, len(keys))
	watch := make([]any, 0, 1+len(keys))
	watch = append(watch, "watch")
	for _, k := range keys {
		watch = append(watch, k)
	}
	executed, _ := tx.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Do(ctx, watch...)
		for i, key := range keys {
			gets[i] = p.Get(ctx, key)
		}
		return nil
	})
	if err := pipelineError(executed); err != nil {
		return nil, err
	}
	return rawsOf(ctx, tx, keys, gets)
}

// queuedCause is the error of a refused transaction worth reporting: for
// EXECABORT, the reason the server refused a queued command (a replica's
// READONLY, say), which says what happened.
func queuedCause(cmds []redis.Cmder, err error) error {
	if err == nil || !redis.HasErrorPrefix(err, "EXECABORT") {
		return err
	}
	for _, cmd := range cmds {
		if e := cmd.Err(); e != nil && !redis.HasErrorPrefix(e, "EXECABORT") {
			return e
		}
	}
	return err
}
