// Package redisstore keeps Confo data in Redis under the documented layout
// (see keys.go), written the way Python's json.dumps writes it, so the Python
// Confo library and confo share one tree. It works on one server, on the
// master a group of Sentinels names, and on a Redis Cluster. Commits are
// checked against the bytes each config was loaded from; on one server they
// are atomic per namespace, on a cluster per key (commit_cluster.go).
package redisstore

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/confo-dev/confo/confo/store"
)

// Config says how to reach Redis and where Confo's keys are. Three
// deployments are reached the same way:
//
//   - one server at Addr (a unix socket path when Network is "unix"); if it
//     turns out at connect to be a node of a Redis Cluster, the cluster;
//   - a Redis Cluster, seeded with Addr and MoreAddrs;
//   - the master that a group of Sentinels (Addr and MoreAddrs) knows by
//     MasterName, followed across failovers.
type Config struct {
	Addr      string // host:port, or a socket path
	Network   string // "" (TCP) or "unix"
	MoreAddrs []string
	// MasterName, when set, makes Addr and MoreAddrs Sentinels.
	MasterName string
	// Username and Password log in to the data nodes; SentinelUsername and
	// SentinelPassword to the Sentinels.
	Username, Password                 string
	SentinelUsername, SentinelPassword string
	DB                                 int
	TLS                                bool
	// TLSInsecure skips certificate checks; String says so.
	TLSInsecure bool
	// TLSServerName replaces the host a server certificate is checked
	// against; empty means each node's own host.
	TLSServerName string
	// TLSFiles are the PEM files of a private CA and a client certificate
	// (tls.go); empty means the system's roots and no client certificate.
	TLSFiles TLSFiles
	// Prefix is put in front of every key, so one database can hold
	// several Confo trees or other data.
	Prefix   string
	ReadOnly bool
	// DialTimeout and IOTimeout default to 3s and 10s.
	DialTimeout, IOTimeout time.Duration
}

// String is the address for display; it never includes a password.
func (c Config) String() string { return c.describe(modeOf(c)) }

// describe shows the config as a store in mode m reaches it.
func (c Config) describe(m mode) string {
	var s string
	switch {
	case m == modeSentinel:
		s = fmt.Sprintf("sentinel %s via %s%s/%d", c.MasterName, c.Addr, more(c.MoreAddrs), c.DB)
	case m == modeCluster:
		s = "cluster " + c.Addr + more(c.MoreAddrs)
	case c.Network == "unix":
		s = fmt.Sprintf("unix:%s/%d", c.Addr, c.DB)
	default:
		s = fmt.Sprintf("%s/%d", c.Addr, c.DB)
	}
	if c.Prefix != "" {
		s += " prefix=" + c.Prefix
	}
	switch {
	case c.TLS && c.TLSInsecure:
		s += " tls (certificates NOT checked)"
	case c.TLS:
		s += " tls"
	}
	return s
}

func more(addrs []string) string {
	if len(addrs) == 0 {
		return ""
	}
	return fmt.Sprintf(" (+%d)", len(addrs))
}

// credentialKeys are the keys of the Python API's credentials map.
const credentialKeys = "redis_host, redis_port, redis_password, redis_user, redis_db, redis_tls, redis_prefix, redis_url, read_only, " +
	"redis_unix_socket, redis_addrs, redis_sentinel_master, redis_sentinel_user, redis_sentinel_password, " +
	"redis_tls_ca, redis_tls_cert, redis_tls_key, redis_tls_server_name, redis_tls_insecure"

// ConfigFromCredentials reads the Python API's credentials map, extended
// with the settings of a cluster (redis_addrs), of Sentinel
// (redis_sentinel_*) and of TLS (redis_tls_*).
func ConfigFromCredentials(creds map[string]any) (Config, error) {
	if raw, ok := creds["redis_url"]; ok {
		s, ok := raw.(string)
		if !ok {
			return Config{}, fmt.Errorf("%w: redis_url must be a string", store.ErrBadCredentials)
		}
		cfg, err := ParseURL(s)
		if err != nil {
			return Config{}, err
		}
		for key := range creds {
			if key != "redis_url" && !commonCredential(key) {
				return Config{}, fmt.Errorf("%w: %q cannot be combined with redis_url", store.ErrBadCredentials, key)
			}
		}
		return cfg, applyCommonCreds(&cfg, creds)
	}
	cfg := Config{}
	host, port, socket := "localhost", "", ""
	for key, raw := range creds {
		var err error
		switch key {
		case "redis_host":
			host, err = store.CredentialString(key, raw)
		case "redis_port":
			port, err = store.CredentialString(key, raw)
		case "redis_unix_socket":
			socket, err = store.CredentialString(key, raw)
		case "redis_addrs":
			cfg.MoreAddrs, err = credentialAddrs(key, raw)
		case "redis_password":
			cfg.Password, err = store.CredentialString(key, raw)
		case "redis_user":
			cfg.Username, err = store.CredentialString(key, raw)
		case "redis_sentinel_master":
			cfg.MasterName, err = store.CredentialString(key, raw)
		case "redis_sentinel_user":
			cfg.SentinelUsername, err = store.CredentialString(key, raw)
		case "redis_sentinel_password":
			cfg.SentinelPassword, err = store.CredentialString(key, raw)
		case "redis_db":
			var db string
			if db, err = store.CredentialString(key, raw); err == nil {
				if cfg.DB, err = strconv.Atoi(db); err != nil || cfg.DB < 0 {
					err = fmt.Errorf("%w: redis_db %q is not a database number", store.ErrBadCredentials, db)
				}
			}
		case "redis_tls":
			cfg.TLS, err = store.CredentialBool(key, raw)
		default:
			if !commonCredential(key) {
				err = fmt.Errorf("%w: unknown credential %q (known: %s)", store.ErrBadCredentials, key, credentialKeys)
			}
		}
		if err != nil {
			return Config{}, err
		}
	}
	if port == "" {
		port = "6379"
		if cfg.MasterName != "" {
			port = "26379"
		}
	}
	if reason := checkPort(port); reason != "" {
		return Config{}, fmt.Errorf("%w: %s", store.ErrBadCredentials, reason)
	}
	cfg.Addr = net.JoinHostPort(host, port)
	if socket != "" {
		if cfg.MasterName != "" || len(cfg.MoreAddrs) > 0 {
			return Config{}, fmt.Errorf("%w: redis_unix_socket names one server; Sentinel and Cluster need network addresses", store.ErrBadCredentials)
		}
		cfg.Addr, cfg.Network = socket, "unix"
	}
	if cfg.DB != 0 && cfg.MasterName == "" && len(cfg.MoreAddrs) > 0 {
		return Config{}, fmt.Errorf("%w: %s", store.ErrBadCredentials, clusterDBReason(cfg.DB, ""))
	}
	return cfg, applyCommonCreds(&cfg, creds)
}

// commonCredential reports the keys that go with redis_url too.
func commonCredential(key string) bool {
	switch key {
	case "redis_prefix", "read_only", "redis_tls_ca", "redis_tls_cert", "redis_tls_key", "redis_tls_server_name", "redis_tls_insecure":
		return true
	}
	return false
}

// credentialAddrs reads more addresses: a list of "host:port" strings, or
// one string of them separated by commas.
func credentialAddrs(key string, raw any) ([]string, error) {
	var items []string
	switch v := raw.(type) {
	case string:
		items = strings.Split(v, ",")
	case []string:
		items = v
	case []any:
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("%w: %s must hold host:port strings, got %T", store.ErrBadCredentials, key, item)
			}
			items = append(items, s)
		}
	default:
		return nil, fmt.Errorf("%w: %s must be a list of host:port strings, got %T", store.ErrBadCredentials, key, raw)
	}
	var out []string
	for _, item := range items {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		host, port, err := net.SplitHostPort(item)
		if err != nil || host == "" || checkPort(port) != "" {
			return nil, fmt.Errorf("%w: %s: %q is not host:port", store.ErrBadCredentials, key, item)
		}
		out = append(out, item)
	}
	return out, nil
}

func applyCommonCreds(cfg *Config, creds map[string]any) error {
	var err error
	for key, raw := range creds {
		switch key {
		case "redis_prefix":
			cfg.Prefix, err = store.CredentialString(key, raw)
		case "read_only":
			cfg.ReadOnly, err = store.CredentialBool(key, raw)
		case "redis_tls_ca":
			cfg.TLSFiles.CA, err = store.CredentialString(key, raw)
		case "redis_tls_cert":
			cfg.TLSFiles.Cert, err = store.CredentialString(key, raw)
		case "redis_tls_key":
			cfg.TLSFiles.Key, err = store.CredentialString(key, raw)
		case "redis_tls_server_name":
			cfg.TLSServerName, err = store.CredentialString(key, raw)
		case "redis_tls_insecure":
			cfg.TLSInsecure, err = store.CredentialBool(key, raw)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
