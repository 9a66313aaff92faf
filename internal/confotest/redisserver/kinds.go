package redisserver

import (
	"testing"

	"github.com/alicebob/miniredis/v2"
)

// Kind is one kind of fresh, empty Redis a test can start.
type Kind struct {
	Name  string
	Start func(t testing.TB) string
}

// Kinds lists miniredis and a real redis-server, for suites that must hold
// on both.
func Kinds() []Kind {
	return []Kind{
		{"miniredis", func(t testing.TB) string { return miniredis.RunT(t).Addr() }},
		{"redis-server", func(t testing.TB) string { return Redis(t) }},
	}
}
