package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/confo-dev/confo/confo"
)

// Flags (Options) win over a backend's own settings: Prefix and Timeout
// replace, ReadOnly and Discover add; with neither, the default timeout.
func TestSpecEffective(t *testing.T) {
	own := Spec{Name: "a", Kind: confo.BackendRedis, Prefix: "file:", Timeout: 3 * time.Second, ReadOnly: true}
	for _, tc := range []struct {
		name string
		spec Spec
		opts Options
		want Spec
	}{
		{"no flags", own, Options{}, own},
		{"flags win", own, Options{Prefix: "flag:", Timeout: time.Second, Discover: true},
			Spec{Name: "a", Kind: confo.BackendRedis, Prefix: "flag:", Timeout: time.Second, ReadOnly: true, Discover: true}},
		{"default timeout", Spec{Name: "b"}, Options{ReadOnly: true}, Spec{Name: "b", Timeout: DefaultTimeout, ReadOnly: true}},
	} {
		got := tc.spec.Effective(tc.opts)
		if got.Name != tc.want.Name || got.Prefix != tc.want.Prefix || got.Timeout != tc.want.Timeout || got.ReadOnly != tc.want.ReadOnly || got.Discover != tc.want.Discover {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// place is an Origin that records what it placed.
type place struct{ keys *[]string }

func (p place) Place(key string, err error) error {
	*p.keys = append(*p.keys, key)
	return errors.New("at " + key + ": " + err.Error())
}

func TestCheckAndConnect(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var placed []string
	origin := place{&placed}
	for _, tc := range []struct {
		spec Spec
		want string
	}{
		{Spec{Name: "d", Kind: confo.BackendDir, Target: dir}, ""},
		{Spec{Name: "d", Kind: confo.BackendDir, Target: filepath.Join(dir, "none")}, "does not exist"},
		{Spec{Name: "d", Kind: confo.BackendDir, Target: file}, "is not a directory"},
		{Spec{Name: "r", Kind: confo.BackendRedis, Target: "redis://h/0"}, ""},
		{Spec{Name: "r", Kind: confo.BackendRedis, Target: "http://h/0"}, "backend r (--redis): bad Redis URL"},
		{Spec{Name: "r", Kind: confo.BackendRedis, Target: "http://h/0", Origin: origin}, "at redis: bad Redis URL"},
		{Spec{Name: "r", Kind: confo.BackendRedis, Target: "redis://:pw@h/0", Origin: origin,
			Password: func(context.Context) (string, error) { return "other", nil }}, "at redis: the URL holds a password"},
	} {
		err := Check(tc.spec)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("Check(%+v) = %v, want %q", tc.spec.Target, err, tc.want)
		}
	}

	// Connect: the password source runs only when the URL has none, and a
	// TLS file problem is placed at its setting.
	m := miniredis.RunT(t)
	m.RequireAuth("pw")
	calls := 0
	spec := Spec{Name: "r", Kind: confo.BackendRedis, Target: "redis://" + m.Addr(), ReadOnly: true,
		Password: func(context.Context) (string, error) { calls++; return "pw", nil }}
	store, err := Connect(context.Background(), spec, Options{})
	if err != nil || calls != 1 {
		t.Fatalf("connect with the spec's password: %v, %d calls", err, calls)
	}
	store.Close()
	if Address(spec) != m.Addr()+"/0" {
		t.Errorf("Address: %q", Address(spec))
	}
	tlsSpec := Spec{Name: "r", Kind: confo.BackendRedis, Target: "rediss://" + m.Addr(), TLS: TLS{CA: filepath.Join(dir, "none.pem")}, Origin: origin}
	if _, err := Connect(context.Background(), tlsSpec, Options{Timeout: time.Second}); err == nil || !strings.HasPrefix(err.Error(), "at tls_ca: bad TLS settings") {
		t.Fatalf("a missing CA file: %v", err)
	}
	var bad *BadSpecError
	if _, err := Connect(context.Background(), Spec{Name: "r", Kind: confo.BackendRedis, Target: "redis://h:0"}, Options{}); !errors.As(err, &bad) {
		t.Fatalf("a bad URL is a BadSpecError: %v", err)
	}
	// A config file's directory that is gone: the command line's words,
	// not the library's "bad credentials: config_path".
	gone := Spec{Name: "files", Kind: confo.BackendDir, Target: filepath.Join(dir, "gone"), Origin: origin}
	if _, err := Connect(context.Background(), gone, Options{}); err == nil || err.Error() != "backend files: directory "+gone.Target+" does not exist" {
		t.Fatalf("a missing directory: %v", err)
	}
}

// TLS settings of a URL given with --redis are kept; the config file's
// keys fill in or override them, and either one may ask for insecure.
func TestRedisConfigTLSFromTheURLAndTheFile(t *testing.T) {
	url := "rediss://127.0.0.1:6380?tls_ca=/u/ca.pem&tls_cert=/u/c.pem&tls_key=/u/c.key&tls_server_name=u.test&tls_insecure=true"
	for _, tc := range []struct {
		name     string
		spec     Spec
		ca, cert string
		server   string
		insecure bool
	}{
		{"the URL alone", Spec{Target: url}, "/u/ca.pem", "/u/c.pem", "u.test", true},
		{"the file overrides", Spec{Target: url, TLS: TLS{CA: "/f/ca.pem", ServerName: "f.test"}}, "/f/ca.pem", "/u/c.pem", "f.test", true},
		{"the file alone", Spec{Target: "rediss://127.0.0.1:6380", TLS: TLS{CA: "/f/ca.pem", Insecure: true}}, "/f/ca.pem", "", "", true},
		{"neither", Spec{Target: "rediss://127.0.0.1:6380"}, "", "", "", false},
	} {
		tc.spec.Name, tc.spec.Kind = "b", confo.BackendRedis
		cfg, err := RedisConfig(tc.spec)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if cfg.TLSFiles.CA != tc.ca || cfg.TLSFiles.Cert != tc.cert || cfg.TLSServerName != tc.server || cfg.TLSInsecure != tc.insecure {
			t.Errorf("%s: CA %q cert %q server %q insecure %v", tc.name, cfg.TLSFiles.CA, cfg.TLSFiles.Cert, cfg.TLSServerName, cfg.TLSInsecure)
		}
	}
}

// The password source runs under the backend's timeout: a
// password_command that hangs does not hang confo.
func TestPasswordSourceGetsTheTimeout(t *testing.T) {
	spec := Spec{Name: "r", Kind: confo.BackendRedis, Target: "redis://127.0.0.1:1/0", Timeout: 50 * time.Millisecond,
		Password: func(ctx context.Context) (string, error) { <-ctx.Done(); return "", ctx.Err() }}
	start := time.Now()
	if _, err := Connect(context.Background(), spec, Options{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a hanging password source: %v", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("waited %v for a password source with a 50ms timeout", waited)
	}
}

// Unnamed drops the backend name the command line puts in front of a
// backend's problem, for the terminal UI, which shows each error beside
// its backend; a problem placed in the config file keeps its place.
func TestUnnamed(t *testing.T) {
	dir := Check(Spec{Name: "files", Kind: confo.BackendDir, Target: "/nonexistent-confo"})
	url := Check(Spec{Name: "db1", Kind: confo.BackendRedis, Target: "http://h"})
	var placed []string
	filed := Check(Spec{Name: "db1", Kind: confo.BackendRedis, Target: "http://h", Origin: place{&placed}})
	for _, tc := range []struct {
		err  error
		want string
	}{
		{dir, "directory /nonexistent-confo does not exist"},
		{url, `bad Redis URL: scheme "http"`},
		{filed, "at redis: bad Redis URL"},
		{nil, ""},
	} {
		got := ""
		if err := Unnamed(tc.err); err != nil {
			got = err.Error()
		}
		if !strings.HasPrefix(got, tc.want) || tc.want == "" && got != "" {
			t.Errorf("Unnamed(%v) = %q, want it to start %q", tc.err, got, tc.want)
		}
	}
	if dir.Error() != "backend files: directory /nonexistent-confo does not exist" {
		t.Errorf("the command line's message changed: %q", dir)
	}
}
