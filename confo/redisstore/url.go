package redisstore

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/confo-dev/confo/confo/store"
)

// The URL forms are go-redis's (ParseURL, ParseClusterURL,
// ParseFailoverURL), read here rather than by go-redis: confo has
// parameters of its own (prefix, the TLS files), the three go-redis parsers
// read the user info differently and the cluster one drops a database
// silently, and a go-redis error may quote the URL.
const redisURLForm = "redis://[user[:pass]@]host[:port][/db][?prefix=P], rediss:// for TLS, " +
	"?addr=host:port (repeated) for a Redis Cluster, ?master_name=NAME or redis+sentinel:// for Sentinel, unix:///path/to/redis.sock"

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

// urlParams are the query parameters confo reads.
var urlParams = []string{"prefix", "addr", "master_name", "username", "password", "db",
	"tls_ca", "tls_cert", "tls_key", "tls_server_name", "tls_insecure", "skip_verify"}

// replicaParams are go-redis parameters that send reads to replicas. confo
// refuses them: a conflict check must read what the master holds.
var replicaParams = []string{"read_only", "route_by_latency", "route_randomly", "replica_only", "use_disconnected_replicas"}

// ParseURL reads a Redis URL in any of the forms of redisURLForm. Errors
// never repeat the URL, since it may hold a password.
func ParseURL(raw string) (Config, error) {
	if strings.ContainsRune(raw, '#') {
		// A Redis URL has no fragment: this is an unescaped '#', most
		// likely in a password, which would otherwise be cut short or
		// fail with a puzzling message about the port.
		return Config{}, badURL("it contains '#'; write it as %%23 in a password or prefix")
	}
	u, err := url.Parse(raw)
	var urlErr *url.Error
	if errors.As(err, &urlErr) && strings.HasPrefix(urlErr.Err.Error(), "invalid port") {
		// Not quoted: without the '@' that ends the user info, what
		// follows the last ':' may be the password.
		return Config{}, badURL("the port is not a number between 1 and 65535 (a user and password end with '@' before the host)")
	}
	if err != nil {
		return Config{}, badURL("cannot parse it (want %s)", redisURLForm)
	}
	var cfg Config
	sentinelScheme := false
	switch u.Scheme {
	case "redis":
	case "rediss":
		cfg.TLS = true
	case "redis+sentinel":
		sentinelScheme = true
	case "rediss+sentinel":
		sentinelScheme, cfg.TLS = true, true
	case "unix":
		cfg.Network = "unix"
	default:
		return Config{}, badURL("scheme %q (want %s)", u.Scheme, redisURLForm)
	}
	if u.Opaque != "" {
		return Config{}, badURL("it lacks the // after %q (want %s)", u.Scheme+":", redisURLForm)
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Config{}, badURL("cannot parse its parameters (want %s)", redisURLForm)
	}
	if err := checkParams(query); err != nil {
		return Config{}, err
	}
	if _, ok := query["master_name"]; ok || sentinelScheme {
		cfg.MasterName = query.Get("master_name")
		if cfg.MasterName == "" {
			return Config{}, badURL("a Sentinel URL needs ?master_name=NAME, the name the Sentinels monitor")
		}
	}
	if u.User != nil {
		user := u.User.Username()
		pass, _ := u.User.Password()
		if cfg.MasterName != "" {
			// As go-redis reads it: the user info logs in to the
			// Sentinels, ?username= and ?password= to the data nodes.
			cfg.SentinelUsername, cfg.SentinelPassword = user, pass
		} else {
			cfg.Username, cfg.Password = user, pass
		}
	}
	if err := cfg.readAddresses(u, query); err != nil {
		return Config{}, err
	}
	if err := cfg.readDatabase(u, query); err != nil {
		return Config{}, err
	}
	return cfg, cfg.readParams(query)
}

// checkParams refuses parameters confo does not read, naming the ones it
// does.
func checkParams(query url.Values) error {
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range query {
			if !yield(k) {
				return
			}
		}
	}) {
		switch {
		case slices.Contains(replicaParams, key):
			return badURL("parameter %q would read from replicas; confo checks for conflicts against what the master holds, so it reads masters only", key)
		case !slices.Contains(urlParams, key):
			return badURL("unknown parameter %q (known: %s)", key, strings.Join(urlParams, ", "))
		case key != "addr" && len(query[key]) > 1:
			// Which one would win is go-redis's business; the user
			// meant one of them.
			return badURL("parameter %q is given %d times; give it once", key, len(query[key]))
		}
	}
	return nil
}

// readAddresses reads the host (or socket path) and the ?addr= seeds.
func (cfg *Config) readAddresses(u *url.URL, query url.Values) error {
	if cfg.Network == "unix" {
		if u.Host != "" || u.Path == "" {
			return badURL("a unix:// URL names a socket path, as unix:///run/redis.sock (want %s)", redisURLForm)
		}
		if cfg.MasterName != "" || query.Has("addr") {
			return badURL("a unix:// URL names one server; Sentinel and Cluster need network addresses")
		}
		cfg.Addr = u.Path
		return nil
	}
	defaultPort := "6379"
	if cfg.MasterName != "" {
		defaultPort = "26379"
	}
	addr, err := hostPort(u.Hostname(), u.Port(), defaultPort)
	if err != nil {
		return err
	}
	cfg.Addr = addr
	for _, more := range query["addr"] {
		host, port, err := net.SplitHostPort(more)
		if err != nil { // no port, or not an address
			inner, bracketed := strings.CutPrefix(more, "[")
			inner, closed := strings.CutSuffix(inner, "]")
			switch {
			case !strings.ContainsAny(more, ":[]"): // a host name
				host, port = more, ""
			case bracketed && closed && !strings.ContainsAny(inner, "[]"): // an IPv6 address
				host, port = inner, ""
			default:
				return badURL("addr %s is not host:port (an IPv6 address goes in brackets, as [::1]:6379)", quoteAddr(more))
			}
		}
		if host == "" {
			return badURL("addr %s has no host", quoteAddr(more))
		}
		a, err := hostPort(host, port, defaultPort)
		if err != nil {
			return err
		}
		cfg.MoreAddrs = append(cfg.MoreAddrs, a)
	}
	return nil
}

func hostPort(host, port, defaultPort string) (string, error) {
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = defaultPort
	}
	if reason := checkPort(port); reason != "" {
		return "", badURL("%s", reason)
	}
	if !validHost(host) {
		// Not quoted: a user and password that lack their '@' end up
		// here, glued to the host.
		return "", badURL("the host is not a host name or IP address (a user and password end with '@' before the host)")
	}
	return net.JoinHostPort(host, port), nil
}

// quoteAddr quotes an addr parameter for an error, unless it may hold
// credentials (an '@'), which an address never does.
func quoteAddr(addr string) string {
	if strings.ContainsRune(addr, '@') {
		return "(holding an '@': credentials go before the first host)"
	}
	return strconv.Quote(addr)
}

// validHost accepts a DNS name (letters, digits, '-', '_', '.') or an IP
// address, IPv6 included.
func validHost(host string) bool {
	if net.ParseIP(host) != nil {
		return true
	}
	for _, r := range host {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return host != ""
}

// readDatabase reads /db (or ?db= of a unix:// URL, as go-redis does).
func (cfg *Config) readDatabase(u *url.URL, query url.Values) error {
	db := strings.Trim(u.Path, "/")
	if cfg.Network == "unix" {
		db = query.Get("db")
	} else if query.Has("db") {
		return badURL(`parameter "db": give the database as the path, as redis://host:6379/2`)
	}
	if db == "" {
		return nil
	}
	n, err := strconv.Atoi(db)
	if err != nil || n < 0 {
		return badURL("database %q is not a number", db)
	}
	if n != 0 && cfg.MasterName == "" && len(cfg.MoreAddrs) > 0 {
		return badURL("%s", clusterDBReason(n, ""))
	}
	cfg.DB = n
	return nil
}

// clusterDBReason says why a database other than 0 cannot be used; node is
// the address of the cluster node, when it was found at connect.
func clusterDBReason(db int, node string) string {
	what := "a Redis Cluster has only database 0"
	if node != "" {
		what = node + " is a Redis Cluster node, and a cluster has only database 0"
	}
	return fmt.Sprintf("database %d: %s; drop /%d from the URL", db, what, db)
}

// readParams reads the parameters other than the addresses and database.
func (cfg *Config) readParams(query url.Values) error {
	if cfg.MasterName == "" && (query.Has("username") || query.Has("password")) {
		return badURL("?username= and ?password= are for the data nodes of a Sentinel URL; give the user and password as redis://user:pass@host")
	}
	cfg.Prefix = query.Get("prefix")
	if cfg.MasterName != "" {
		if query.Has("username") {
			cfg.Username = query.Get("username")
		}
		if query.Has("password") {
			cfg.Password = query.Get("password")
		}
	}
	cfg.TLSFiles = TLSFiles{CA: query.Get("tls_ca"), Cert: query.Get("tls_cert"), Key: query.Get("tls_key")}
	cfg.TLSServerName = query.Get("tls_server_name")
	for _, key := range []string{"tls_insecure", "skip_verify"} {
		if !query.Has(key) {
			continue
		}
		on, err := strconv.ParseBool(query.Get(key))
		if err != nil {
			return badURL("%s=%q is not true or false", key, query.Get(key))
		}
		cfg.TLSInsecure = cfg.TLSInsecure || on
	}
	if !cfg.TLS {
		for _, key := range []string{"tls_ca", "tls_cert", "tls_key", "tls_server_name", "tls_insecure", "skip_verify"} {
			if query.Has(key) {
				return badURL("%s needs TLS: use rediss:// (or rediss+sentinel://)", key)
			}
		}
	}
	return nil
}

// checkPort returns why port is unusable, "" when it is fine.
func checkPort(port string) string {
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("port %q is not a number between 1 and 65535", port)
	}
	return ""
}
