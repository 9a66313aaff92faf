// Package redisstore keeps Confo data in Redis under the documented layout
// (see keys.go), written the way Python's json.dumps writes it, so the Python
// Confo library and confo share one tree. Commits are checked against the
// bytes each config was loaded from and are atomic per namespace.
package redisstore

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/confo-dev/confo/confo/store"
)

// Config says how to reach a Redis server and where Confo's keys are.
type Config struct {
	Addr               string // host:port
	Username, Password string
	DB                 int
	TLS                bool
	TLSInsecure        bool
	TLSServerName      string
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

// String is the address for display; it never includes the password.
func (c Config) String() string {
	s := fmt.Sprintf("%s/%d", c.Addr, c.DB)
	if c.Prefix != "" {
		s += " prefix=" + c.Prefix
	}
	if c.TLS {
		s += " tls"
	}
	return s
}

const redisURLForm = "redis://[user[:pass]@]host[:port][/db][?prefix=P], or rediss:// for TLS"

// ErrBadURL is a Redis URL that cannot be used: its scheme, port, database
// or parameters. It is also store.ErrBadCredentials, the category under
// which the Python API's credentials (redis_url) report it.
var ErrBadURL = errors.New("bad Redis URL")

// urlError is one problem with a Redis URL; its text never quotes the URL,
// which may hold a password.
type urlError struct{ reason string }

func (e *urlError) Error() string { return ErrBadURL.Error() + ": " + e.reason }

func (e *urlError) Unwrap() []error { return []error{ErrBadURL, store.ErrBadCredentials} }

func badURL(format string, args ...any) error {
	return &urlError{reason: fmt.Sprintf(format, args...)}
}

// ParseURL reads the redis:// or rediss:// form. Errors never repeat
// the URL, since it may hold a password.
func ParseURL(raw string) (Config, error) {
	if strings.ContainsRune(raw, '#') {
		// A Redis URL has no fragment: this is an unescaped '#', most
		// likely in a password, which would otherwise be cut short or
		// fail with a puzzling message about the port.
		return Config{}, badURL("it contains '#'; write it as %%23 in a password or prefix")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, badURL("cannot parse it (want %s)", redisURLForm)
	}
	var cfg Config
	switch u.Scheme {
	case "redis":
	case "rediss":
		cfg.TLS = true
	default:
		return Config{}, badURL("scheme %q (want %s)", u.Scheme, redisURLForm)
	}
	if u.Opaque != "" {
		return Config{}, badURL("it lacks the // after %q (want %s)", u.Scheme+":", redisURLForm)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "6379"
	}
	if reason := checkPort(port); reason != "" {
		return Config{}, badURL("%s", reason)
	}
	cfg.Addr = net.JoinHostPort(host, port)
	cfg.TLSServerName = host
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	if db := strings.Trim(u.Path, "/"); db != "" {
		n, err := strconv.Atoi(db)
		if err != nil || n < 0 {
			return Config{}, badURL("database %q is not a number", db)
		}
		cfg.DB = n
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Config{}, badURL("cannot parse its parameters (want %s)", redisURLForm)
	}
	for key, values := range query {
		switch key {
		case "prefix":
			cfg.Prefix = values[0]
		default:
			return Config{}, badURL("unknown parameter %q (known: prefix)", key)
		}
	}
	return cfg, nil
}

// checkPort returns why port is unusable, "" when it is fine.
func checkPort(port string) string {
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("port %q is not a number between 1 and 65535", port)
	}
	return ""
}

// ConfigFromCredentials reads the Python API's credentials map.
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
			if key != "redis_url" && key != "read_only" && key != "redis_prefix" {
				return Config{}, fmt.Errorf("%w: %q cannot be combined with redis_url", store.ErrBadCredentials, key)
			}
		}
		return cfg, applyCommonCreds(&cfg, creds)
	}
	cfg := Config{}
	host, port := "localhost", "6379"
	for key, raw := range creds {
		var err error
		switch key {
		case "redis_host":
			host, err = store.CredentialString(key, raw)
		case "redis_port":
			port, err = store.CredentialString(key, raw)
		case "redis_password":
			cfg.Password, err = store.CredentialString(key, raw)
		case "redis_user":
			cfg.Username, err = store.CredentialString(key, raw)
		case "redis_db":
			var db string
			if db, err = store.CredentialString(key, raw); err == nil {
				if cfg.DB, err = strconv.Atoi(db); err != nil || cfg.DB < 0 {
					err = fmt.Errorf("%w: redis_db %q is not a database number", store.ErrBadCredentials, db)
				}
			}
		case "redis_tls":
			cfg.TLS, err = store.CredentialBool(key, raw)
		case "redis_prefix", "read_only":
		default:
			err = fmt.Errorf("%w: unknown credential %q (known: redis_host, redis_port, redis_password, redis_user, redis_db, redis_tls, redis_prefix, redis_url, read_only)", store.ErrBadCredentials, key)
		}
		if err != nil {
			return Config{}, err
		}
	}
	if reason := checkPort(port); reason != "" {
		return Config{}, fmt.Errorf("%w: %s", store.ErrBadCredentials, reason)
	}
	cfg.Addr = net.JoinHostPort(host, port)
	cfg.TLSServerName = host
	return cfg, applyCommonCreds(&cfg, creds)
}

func applyCommonCreds(cfg *Config, creds map[string]any) error {
	var err error
	if raw, ok := creds["redis_prefix"]; ok {
		if cfg.Prefix, err = store.CredentialString("redis_prefix", raw); err != nil {
			return err
		}
	}
	if raw, ok := creds["read_only"]; ok {
		if cfg.ReadOnly, err = store.CredentialBool("read_only", raw); err != nil {
			return err
		}
	}
	return nil
}
