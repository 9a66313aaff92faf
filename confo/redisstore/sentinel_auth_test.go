package redisstore_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// A wrong data-node password under Sentinel is blamed on the master the
// Sentinels named, as the data nodes' credentials, not on the Sentinel
// the URL names first; the password is never shown.
func TestSentinelWrongDataPassword(t *testing.T) {
	g := redisserver.NewSentinelWith(t, redisserver.SentinelOptions{
		Server:           redisserver.ServerOptions{Password: "dataPW"},
		SentinelPassword: "sentPW",
	})
	u, err := url.Parse(g.URL())
	check(t, err)
	q := u.Query()
	q.Set("password", "wrongPW")
	u.RawQuery = q.Encode()
	_, err = openURL(t, u.String())
	if !errors.Is(err, store.ErrAuth) {
		t.Fatalf("open with a wrong data password: %v, want an authentication failure", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "the master of mymaster ("+g.Master.Addr+")") || !strings.Contains(msg, "data nodes' credentials") {
		t.Errorf("does not blame the master's credentials: %s", msg)
	}
	for _, addr := range g.SentinelAddrs() {
		if strings.Contains(msg, addr) {
			t.Errorf("names sentinel %s: %s", addr, msg)
		}
	}
	for _, pw := range []string{"wrongPW", "dataPW", "sentPW"} {
		if strings.Contains(msg, pw) {
			t.Errorf("shows a password: %s", msg)
		}
	}
}
