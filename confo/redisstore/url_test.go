package redisstore

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo/store"
)

// The forms go-redis reads (ParseURL, ParseClusterURL, ParseFailoverURL),
// read the way go-redis reads them, plus confo's own parameters.
func TestParseURLForms(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want Config
	}{
		{"redis://h1:1?addr=h2:2&addr=h3:3", Config{Addr: "h1:1", MoreAddrs: []string{"h2:2", "h3:3"}}},
		{"redis://u:p@h1:1/0?addr=h2:2&prefix=app:", Config{Addr: "h1:1", MoreAddrs: []string{"h2:2"}, Username: "u", Password: "p", Prefix: "app:"}},
		{"redis://h1:1?addr=h2", Config{Addr: "h1:1", MoreAddrs: []string{"h2:6379"}}},
		{"redis://h1:1?addr=[::1]:2&addr=[::2]", Config{Addr: "h1:1", MoreAddrs: []string{"[::1]:2", "[::2]:6379"}}},
		// Sentinel: the user info logs in to the Sentinels, ?username= and
		// ?password= to the data nodes.
		{"redis://su:sp@s1:26379/2?master_name=m&addr=s2:26380&username=du&password=dp",
			Config{Addr: "s1:26379", MoreAddrs: []string{"s2:26380"}, MasterName: "m", SentinelUsername: "su", SentinelPassword: "sp", Username: "du", Password: "dp", DB: 2}},
		{"redis+sentinel://s1?master_name=mymaster", Config{Addr: "s1:26379", MasterName: "mymaster"}},
		{"rediss+sentinel://s1:5000?master_name=m&tls_ca=/ca.pem", Config{Addr: "s1:5000", MasterName: "m", TLS: true, TLSFiles: TLSFiles{CA: "/ca.pem"}}},
		{"unix:///run/redis.sock", Config{Addr: "/run/redis.sock", Network: "unix"}},
		{"unix://u:p@/tmp/r.sock?db=2&prefix=x", Config{Addr: "/tmp/r.sock", Network: "unix", Username: "u", Password: "p", DB: 2, Prefix: "x"}},
		{"rediss://h:6380?tls_ca=ca.pem&tls_cert=c.pem&tls_key=k.pem&tls_server_name=redis.test",
			Config{Addr: "h:6380", TLS: true, TLSFiles: TLSFiles{CA: "ca.pem", Cert: "c.pem", Key: "k.pem"}, TLSServerName: "redis.test"}},
		{"rediss://h?tls_insecure=true", Config{Addr: "h:6379", TLS: true, TLSInsecure: true}},
		{"rediss://h?skip_verify=1", Config{Addr: "h:6379", TLS: true, TLSInsecure: true}},
	} {
		got, err := ParseURL(tc.url)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v", tc.url, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ url, mention string }{
		{"redis://u:s3cret@h1:1/1?addr=h2:2", "a Redis Cluster has only database 0; drop /1"},
		{"redis://u:s3cret@h1:1?addr=:2", "no host"},
		{"redis://u:s3cret@h1:1?addr=h2:0", "port"},
		{"redis+sentinel://u:s3cret@s1", "master_name"},
		{"redis://u:s3cret@s1?master_name=", "master_name"},
		{"redis://u:s3cret@h?read_only=true", "masters only"},
		{"redis://u:s3cret@h?route_by_latency=true", "masters only"},
		{"redis://u:s3cret@h?replica_only=true", "masters only"},
		{"redis://u:s3cret@h?dial_timeout=3", `unknown parameter "dial_timeout"`},
		{"redis://u:s3cret@h?tls_ca=ca.pem", "needs TLS"},
		{"redis://u:s3cret@h?skip_verify=true", "needs TLS"},
		{"rediss://u:s3cret@h?tls_insecure=maybe", "tls_insecure"},
		{"redis://u:s3cret@h?password=x", "?password="},
		{"unix://u:s3cret@host/sock", "socket path"},
		{"unix://u:s3cret@/sock?master_name=m", "network addresses"},
		{"unix:///sock?db=x", "database"},
		{"redis://u:s3cret@h?db=2", `"db"`},
		{"redis://:s3cret@h:notaport", "the port is not a number between 1 and 65535"},
		{"redis://u:s3cret", "the port is not a number between 1 and 65535"},
		{"redis://u:s3cret@h:99999", "between 1 and 65535"},
		{"redis://u:s3cret@h1:1?addr=bad:port:x", `addr "bad:port:x" is not host:port`},
		{"redis://u:s3cret@h1:1?addr=h2:notaport", `port "notaport"`},
		{"redis://u:s3cret@h1:1?addr=[::1", "is not host:port"},
		{"redis://:s3cret127.0.0.1:6379", "the host is not a host name or IP address"},
		{"redis://h?prefix=a&prefix=b", `parameter "prefix" is given 2 times`},
		{"redis+sentinel://s1?master_name=m&password=s3cret&password=x", `parameter "password" is given 2 times`},
		{"redis://u:s3cret@h1:1?addr=u:s3cret@h2:2", "is not host:port"},
	} {
		_, err := ParseURL(tc.url)
		if !errors.Is(err, ErrBadURL) || !errors.Is(err, store.ErrBadCredentials) || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%s: got %v; want a bad URL mentioning %s", tc.url, err, tc.mention)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the password: %v", tc.url, err)
		}
	}
}

// Address names the deployment, and says when certificates are not checked.
func TestConfigStringNamesTheDeployment(t *testing.T) {
	for _, tc := range []struct {
		url, want string
	}{
		{"redis://u:s3cret@h1:1?addr=h2:2&addr=h3:3", "cluster h1:1 (+2)"},
		{"redis+sentinel://su:s3cret@s1?master_name=m&addr=s2:1&password=s3cret", "sentinel m via s1:26379 (+1)/0"},
		{"unix://:s3cret@/run/redis.sock?db=2", "unix:/run/redis.sock/2"},
		{"rediss://h:1?tls_insecure=true&prefix=p:", "h:1/0 prefix=p: tls (certificates NOT checked)"},
	} {
		cfg, err := ParseURL(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.String(); got != tc.want || strings.Contains(got, "s3cret") {
			t.Errorf("%s: String() = %q, want %q", tc.url, got, tc.want)
		}
	}
}

func TestConfigFromCredentialsForClusterSentinelAndTLS(t *testing.T) {
	for _, tc := range []struct {
		name  string
		creds map[string]any
		want  Config
	}{
		{"cluster as a list", map[string]any{"redis_host": "h1", "redis_port": 7000, "redis_addrs": []any{"h2:7001", "h3:7002"}},
			Config{Addr: "h1:7000", MoreAddrs: []string{"h2:7001", "h3:7002"}}},
		{"cluster as a string", map[string]any{"redis_host": "h1", "redis_addrs": "h2:1, h3:2"},
			Config{Addr: "h1:6379", MoreAddrs: []string{"h2:1", "h3:2"}}},
		{"sentinel", map[string]any{"redis_host": "s1", "redis_sentinel_master": "m", "redis_sentinel_user": "su", "redis_sentinel_password": "sp", "redis_password": "dp"},
			Config{Addr: "s1:26379", MasterName: "m", SentinelUsername: "su", SentinelPassword: "sp", Password: "dp"}},
		{"unix socket", map[string]any{"redis_unix_socket": "/run/redis.sock", "redis_db": 1}, Config{Addr: "/run/redis.sock", Network: "unix", DB: 1}},
		{"tls files", map[string]any{"redis_tls": true, "redis_tls_ca": "ca.pem", "redis_tls_cert": "c.pem", "redis_tls_key": "k.pem", "redis_tls_server_name": "r.test", "redis_tls_insecure": "yes"},
			Config{Addr: "localhost:6379", TLS: true, TLSFiles: TLSFiles{CA: "ca.pem", Cert: "c.pem", Key: "k.pem"}, TLSServerName: "r.test", TLSInsecure: true}},
		{"url with tls files", map[string]any{"redis_url": "rediss://h:1?addr=h2:2", "redis_tls_ca": "ca.pem"},
			Config{Addr: "h:1", MoreAddrs: []string{"h2:2"}, TLS: true, TLSFiles: TLSFiles{CA: "ca.pem"}}},
	} {
		got, err := ConfigFromCredentials(tc.creds)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v", tc.name, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		name    string
		creds   map[string]any
		mention string
	}{
		{"cluster with a database", map[string]any{"redis_addrs": "h2:1", "redis_db": 1, "redis_password": "s3cret"}, "only database 0"},
		{"bad address", map[string]any{"redis_addrs": []any{"h2"}}, `"h2" is not host:port`},
		{"address of the wrong type", map[string]any{"redis_addrs": 5}, "redis_addrs"},
		{"socket with sentinel", map[string]any{"redis_unix_socket": "/s", "redis_sentinel_master": "m"}, "network addresses"},
	} {
		_, err := ConfigFromCredentials(tc.creds)
		if !errors.Is(err, store.ErrBadCredentials) || !strings.Contains(err.Error(), tc.mention) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: got %v; want store.ErrBadCredentials mentioning %s", tc.name, err, tc.mention)
		}
	}
}

// FuzzParseURL: no URL makes the parser panic, and neither an error nor
// the address shown quotes the password of the user info.
func FuzzParseURL(f *testing.F) {
	for _, seed := range [][2]string{
		{"redis", "h:1/2?prefix=p"}, {"rediss", "h?addr=h2:2&tls_ca=x"}, {"redis+sentinel", "s?master_name=m&password=x"},
		{"unix", "/sock?db=1"}, {"redis", "[::1]:1?addr=[::2]:2"}, {"redis", "h?read_only=1"}, {"redis", "h:x"},
	} {
		f.Add(seed[0], seed[1])
	}
	const secret = "Zq7pw0rd"
	f.Fuzz(func(t *testing.T, scheme, rest string) {
		if strings.Contains(scheme+rest, secret) {
			return
		}
		cfg, err := ParseURL(scheme + "://user:" + secret + "@" + rest)
		if err != nil {
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("the error quotes the password: %v", err)
			}
			return
		}
		if strings.Contains(cfg.String(), secret) {
			t.Fatalf("String() shows the password: %s", cfg.String())
		}
	})
}
