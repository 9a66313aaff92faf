package confo_test

import (
	"os"
	"testing"

	"github.com/confo-dev/confo/internal/confotest"
)

// The cross-store suite starts a Redis Cluster and a Sentinel group once
// for the whole binary.
func TestMain(m *testing.M) { os.Exit(confotest.Main(m)) }
