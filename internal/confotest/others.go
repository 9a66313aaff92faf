package confotest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Redis returns the client and key prefix of a Redis backend; ok is false
// for the others. On a cluster the client is a *redis.ClusterClient.
func (b *Backend) Redis() (client redis.UniversalClient, prefix string, ok bool) {
	d, ok := b.Door.(redisDoor)
	return d.client, d.prefix, ok
}

// Dir returns the folder of a directory backend; ok is false for the others.
func (b *Backend) Dir() (string, bool) {
	d, ok := b.Door.(dirDoor)
	return d.root, ok
}

// Wipe empties the backend, as a server restarted without persistence
// would be.
func (b *Backend) Wipe(t testing.TB) {
	t.Helper()
	if client, prefix, ok := b.Redis(); ok {
		ctx := context.Background()
		keys, err := keysUnder(ctx, client, prefix)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys { // one by one: on a cluster they span slots
			if err := client.Del(ctx, k).Err(); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	root, _ := b.Dir()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(root, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
}
