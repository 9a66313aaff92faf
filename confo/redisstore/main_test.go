package redisstore_test

import (
	"os"
	"testing"

	"github.com/confo-dev/confo/internal/confotest"
)

// Tests that need a Redis Cluster or a Sentinel group without changing
// it share one for the whole binary.
func TestMain(m *testing.M) { os.Exit(confotest.Main(m)) }
