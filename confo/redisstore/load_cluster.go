package redisstore

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// fetchRoundCluster reads keys of any slots by one pipeline of GETs. The
// cluster client splits it per master, runs the masters at once and
// follows MOVED and ASK per command, so a slot migrating meanwhile costs a
// redirect, not a failure. MGET is not used: it needs all its keys in one
// slot (100k configs spread over the 16,384 slots make it a few keys per
// call), and a half-migrated slot answers it TRYAGAIN.
//
// The answer is what MGET would answer, so the caller is the same: the
// value, or nil for a missing key or one of another type, whose TYPE the
// caller then asks.
func (s *Store) fetchRoundCluster(ctx context.Context, keys []string) ([]any, error) {
	pipe := s.cluster.Pipeline()
	cmds := make([]*redis.StringCmd, len(keys))
	for i, key := range keys {
		cmds[i] = pipe.Get(ctx, key)
	}
	executed, _ := pipe.Exec(ctx)
	if err := pipelineError(executed); err != nil {
		return nil, err
	}
	vals := make([]any, len(keys))
	for i, cmd := range cmds {
		if v, err := cmd.Result(); err == nil {
			vals[i] = v
		}
	}
	return vals, nil
}
