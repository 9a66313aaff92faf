package main

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
	"github.com/confo-dev/confo/internal/dataset"
)

// startRedis starts the redis-server every figure is measured on: the tests'
// starter, on a free loopback port with persistence off; stop kills it.
func startRedis(ctx context.Context) (*redisserver.Server, error) {
	srv, err := redisserver.StartServer(ctx, redisserver.ServerOptions{
		LogLevel: "warning",
		Args:     []string{"--databases", "4", "--maxclients", "1000"},
	})
	if err != nil {
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	return srv, nil
}

// fill stores keys with pipelined SETs in batches (not measured).
func fill(ctx context.Context, c *redis.Client, keys []dataset.Key) error {
	const batch = 2000
	for i := 0; i < len(keys); i += batch {
		end := min(i+batch, len(keys))
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys[i:end] {
				p.Set(ctx, k.Key, k.Value, 0)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("fill: %w", err)
		}
	}
	return nil
}
