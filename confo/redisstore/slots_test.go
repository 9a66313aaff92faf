package redisstore

import (
	"testing"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// KeySlot agrees with the cluster's CLUSTER KEYSLOT, hash tags included.
func TestKeySlotIsTheCluster(t *testing.T) {
	c := redisserver.NewCluster(t)
	for _, key := range []string{"", "foo", "confo", "app:database-mysqli", "{user1000}.following", "a{}b", "x{y", "{}{z}", "é€"} {
		want, err := c.KeySlot(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		if got := KeySlot(key); got != want {
			t.Errorf("KeySlot(%q) = %d, CLUSTER KEYSLOT says %d", key, got, want)
		}
	}
}
