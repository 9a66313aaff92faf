package redisstore

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo/store"
)

// mode is the deployment a store talks to.
type mode uint8

const (
	// modeSingle is one server: standalone, or a replica opened read-only.
	modeSingle mode = iota
	// modeCluster is a Redis Cluster: every key on the master of its slot.
	modeCluster
	// modeSentinel is the master a group of Sentinels names, followed
	// across failovers.
	modeSentinel
)

// modeOf is the mode a config asks for; a single address may still turn
// out to be a cluster node at connect.
func modeOf(c Config) mode {
	switch {
	case c.MasterName != "":
		return modeSentinel
	case len(c.MoreAddrs) > 0:
		return modeCluster
	}
	return modeSingle
}

// connect opens the client cfg asks for and checks that it answers. A
// single address is first asked, without selecting a database (a cluster
// node refuses SELECT before anything else), whether it is a cluster node
// or a replica.
func (s *Store) connect(ctx context.Context) error {
	switch s.mode {
	case modeSentinel:
		if _, err := s.sentinelMaster(ctx); err != nil {
			return err
		}
		s.client = redis.NewFailoverClient(s.failoverOptions())
	case modeCluster:
		s.cluster = redis.NewClusterClient(s.clusterOptions())
		s.client = s.cluster
	default:
		if err := s.probe(ctx); err != nil {
			return err
		}
	}
	err := s.client.Ping(ctx).Err()
	if s.mode == modeCluster && len(s.cfg.MoreAddrs) > 0 && errors.Is(s.classify(err), store.ErrUnreachable) {
		err = s.seedsAnswer(ctx, err)
	}
	if s.mode == modeCluster && !isAuthError(err) {
		err = s.clusterUp(ctx, err)
	}
	if err != nil {
		s.client.Close()
		return s.openError(err)
	}
	return nil
}

// seedsAnswer returns pingErr unless no seed node answers, and then names
// every seed and why: go-redis's error names the last one tried only.
func (s *Store) seedsAnswer(ctx context.Context, pingErr error) error {
	seeds := append([]string{s.cfg.Addr}, s.cfg.MoreAddrs...)
	why := make([]error, len(seeds))
	var wg sync.WaitGroup
	for i, addr := range seeds {
		wg.Go(func() {
			opts := s.nodeOptions(addr)
			opts.DB, opts.PoolSize = 0, 1
			node := redis.NewClient(opts)
			defer node.Close()
			if err := node.Ping(ctx).Err(); err != nil && !isServerError(err) {
				if !strings.Contains(err.Error(), addr) {
					err = fmt.Errorf("%s: %w", addr, err)
				}
				why[i] = err
			}
		})
	}
	wg.Wait()
	if slices.Contains(why, nil) {
		return pingErr
	}
	return &store.UnreachableError{Addr: fmt.Sprintf("any of the %d seed nodes", len(seeds)), Err: store.JoinLine(why...)}
}

// clusterUp checks that every master serves, given how PING went: a node
// of a cluster that is down still answers PING, and then refuses every
// command on a key; and a PING that went to a dead master says less than
// that the cluster is down.
func (s *Store) clusterUp(ctx context.Context, pingErr error) error {
	var mu sync.Mutex
	var down, unreachable error
	err := s.cluster.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		info, err := node.ClusterInfo(ctx).Result()
		mu.Lock()
		defer mu.Unlock()
		switch state := infoField(info, "cluster_state"); {
		case isServerError(err) && !isAuthError(err):
			// An ACL may refuse CLUSTER INFO; then a command on a key
			// tells (see classifyReply).
		case err != nil && unreachable == nil:
			unreachable = s.classifyAt(err, node.Options().Addr)
		case err == nil && state != "ok" && down == nil:
			down = &clusterDownError{reply: fmt.Sprintf("cluster_state:%s on %s", state, node.Options().Addr)}
		}
		return nil
	})
	switch {
	case down != nil:
		return down
	case pingErr != nil:
		return pingErr
	case err != nil:
		return err
	}
	return unreachable
}

// probe finds out what the single address is, and opens the client for it.
func (s *Store) probe(ctx context.Context) error {
	opts := s.nodeOptions(s.cfg.Addr)
	opts.DB, opts.PoolSize = 0, 1
	probe := redis.NewClient(opts)
	defer probe.Close()
	info, err := probe.Info(ctx, "cluster").Result()
	switch {
	case isServerError(err) && !isAuthError(err):
		// miniredis knows no such section; an ACL may refuse INFO. Then
		// a MOVED later tells what the server is (see classify).
	case err != nil:
		return s.openError(err)
	case infoField(info, "cluster_enabled") == "1":
		if s.cfg.DB != 0 {
			return badURL("%s", clusterDBReason(s.cfg.DB, s.cfg.Addr))
		}
		s.mode = modeCluster
		s.cluster = redis.NewClusterClient(s.clusterOptions())
		s.client = s.cluster
		return nil
	}
	if repl, err := probe.Info(ctx, "replication").Result(); err == nil && infoField(repl, "role") == "slave" {
		// A write would only be refused with READONLY.
		s.cfg.ReadOnly = true
		s.note = fmt.Sprintf("a replica of %s:%s, opened read-only: connect to the master, or to the Sentinels with ?master_name=",
			infoField(repl, "master_host"), infoField(repl, "master_port"))
	}
	s.client = redis.NewClient(s.nodeOptions(s.cfg.Addr))
	return nil
}

// sentinelMaster asks the Sentinels, one after the other, for the
// master's address. At connect it makes a wrong name read as such rather
// than as go-redis's "all sentinels are unreachable".
func (s *Store) sentinelMaster(ctx context.Context) (string, error) {
	var errs []error
	for _, addr := range s.sentinelAddrs() {
		opts := s.nodeOptions(addr)
		opts.Username, opts.Password, opts.DB = s.cfg.SentinelUsername, s.cfg.SentinelPassword, 0
		sentinel := redis.NewSentinelClient(opts)
		master, err := sentinel.GetMasterAddrByName(ctx, s.cfg.MasterName).Result()
		sentinel.Close()
		switch {
		case err == nil && len(master) == 2:
			addr := net.JoinHostPort(master[0], master[1])
			s.master.Store(&addr)
			return addr, nil
		case errors.Is(err, redis.Nil):
			return "", fmt.Errorf("open redis %s: sentinel %s knows no master named %q", s.Address(), addr, s.cfg.MasterName)
		case isAuthError(err):
			return "", fmt.Errorf("sentinel %s: %w (%s)", addr, store.ErrAuth, err)
		case err == nil:
			err = fmt.Errorf("unexpected answer %q", master)
		}
		errs = append(errs, fmt.Errorf("sentinel %s: %w", addr, err))
	}
	return "", &store.UnreachableError{Addr: "the sentinels of " + s.cfg.MasterName, Err: store.JoinLine(errs...)}
}

// lastMaster is the master's address as the Sentinels last named it, or "".
func (s *Store) lastMaster() string {
	if addr := s.master.Load(); addr != nil {
		return *addr
	}
	return ""
}

func (s *Store) sentinelAddrs() []string { return append([]string{s.cfg.Addr}, s.cfg.MoreAddrs...) }

// nodeOptions are the go-redis options of a connection to one server; the
// cluster's and Sentinel's options are made from them, and a watcher makes
// its own connections with them.
func (s *Store) nodeOptions(addr string) *redis.Options {
	return &redis.Options{
		Network:      s.cfg.Network,
		Addr:         addr,
		Username:     s.cfg.Username,
		Password:     s.cfg.Password,
		DB:           s.cfg.DB,
		DialTimeout:  s.cfg.DialTimeout,
		ReadTimeout:  s.cfg.IOTimeout,
		WriteTimeout: s.cfg.IOTimeout,
		MaxRetries:   1,
		// One dial per attempt: MaxRetries already tries again, and a
		// wrong address should fail in well under a second, not after
		// go-redis's default five dials with backoff.
		DialerRetries:   1,
		DisableIdentity: true,
		TLSConfig:       s.tls,
	}
}

// clusterOptions never route a read to a replica (ReadOnly, RouteByLatency
// and RouteRandomly stay off): a conflict check reads what masters hold.
func (s *Store) clusterOptions() *redis.ClusterOptions {
	o := s.nodeOptions(s.cfg.Addr)
	return &redis.ClusterOptions{
		Addrs:    append([]string{s.cfg.Addr}, s.cfg.MoreAddrs...),
		Username: o.Username, Password: o.Password,
		DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
		MaxRetries: o.MaxRetries, DialerRetries: o.DialerRetries,
		DisableIdentity: true,
		TLSConfig:       o.TLSConfig,
	}
}

func (s *Store) failoverOptions() *redis.FailoverOptions {
	o := s.nodeOptions(s.cfg.Addr)
	return &redis.FailoverOptions{
		MasterName:       s.cfg.MasterName,
		SentinelAddrs:    s.sentinelAddrs(),
		SentinelUsername: s.cfg.SentinelUsername, SentinelPassword: s.cfg.SentinelPassword,
		Username: o.Username, Password: o.Password, DB: o.DB,
		DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
		MaxRetries: o.MaxRetries, DialerRetries: o.DialerRetries,
		DisableIdentity: true,
		TLSConfig:       o.TLSConfig,
	}
}

// openError gives a failure while opening its context, except for the typed
// errors, which already name the address or the key.
func (s *Store) openError(err error) error {
	err = s.classify(err)
	if errors.Is(err, store.ErrUnreachable) || errors.Is(err, store.ErrAuth) || errors.Is(err, store.ErrReadOnly) {
		return err
	}
	return fmt.Errorf("open redis %s: %w", s.Address(), err)
}

// tlsHint names the TLS setting that fixes a failed handshake, "" when it
// is not one of those.
func tlsHint(err error) string {
	if err == nil {
		return ""
	}
	var unknownCA x509.UnknownAuthorityError
	var wrongName x509.HostnameError
	switch {
	case errors.As(err, &unknownCA):
		return "the server's certificate is signed by an authority this machine does not trust: give that CA's certificate with tls_ca"
	case errors.As(err, &wrongName):
		return "the server's certificate is for another name: set tls_server_name to the name it carries"
	case strings.Contains(err.Error(), "tls: certificate required"):
		return "the server requires a client certificate: give it with tls_cert and tls_key"
	}
	return ""
}

// classify turns connection, authentication and topology failures into the
// typed errors and plain words callers act on, and returns any other error
// (or one it already typed) unchanged. The server's auth message never
// holds the password, so it is kept.
func (s *Store) classify(err error) error { return s.classifyAt(err, "") }

// classifyAt is classify for a failure on the node at addr ("" when not
// known), which it names when the error itself names no address.
func (s *Store) classifyAt(err error, addr string) error {
	if typed(err) {
		return err
	}
	if isAuthError(err) {
		return s.authError(err, addr)
	}
	if isServerError(err) {
		return s.classifyReply(err)
	}
	if hint := tlsHint(err); hint != "" {
		// A refused handshake is a setting to fix, not a server away.
		return fmt.Errorf("%s (%w)", hint, err)
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, redis.ErrClosed) {
		return &store.UnreachableError{Addr: s.unreachableAddr(err, addr), Err: s.unreachableWhy(err)}
	}
	return err
}

// authError says whose credentials were refused: under Sentinel the data
// nodes' (the URL's username and password parameters), by the master the
// Sentinels named, not the Sentinels' own.
func (s *Store) authError(err error, addr string) error {
	if s.mode != modeSentinel {
		if addr == "" {
			addr = s.cfg.Addr
		}
		return fmt.Errorf("redis %s: %w (%s)", addr, store.ErrAuth, err)
	}
	return fmt.Errorf("%s refused the data nodes' credentials (not the Sentinels'): %w (%s)", s.masterOf(addr), store.ErrAuth, err)
}

// typed reports an error classify leaves as it is: one it typed already,
// or one that says what happened to a commit.
func typed(err error) bool {
	for _, target := range []error{store.ErrUnreachable, store.ErrAuth, store.ErrReadOnly, store.ErrOutcomeUnknown,
		store.ErrPartialCommit, store.ErrConflict, store.ErrMalformedKey, store.ErrKeyCollision, errClusterChanging} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// unreachableAddr names what could not be reached: the address the
// connection failed on, else the node at addr, else the master the
// Sentinels named last, in the deployment's terms.
func (s *Store) unreachableAddr(err error, addr string) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		addr = op.Addr.String()
	}
	switch {
	case s.mode == modeSentinel:
		return s.masterOf(addr)
	case s.mode == modeCluster && addr == "":
		return "a node of the cluster"
	case s.mode == modeCluster:
		return "cluster node " + addr
	case addr == "":
		return s.cfg.Addr
	}
	return addr
}

// masterOf names the Sentinel group's master, at addr, or where the
// Sentinels last said it was.
func (s *Store) masterOf(addr string) string {
	if addr == "" {
		addr = s.lastMaster()
	}
	if addr == "" {
		return "the master of " + s.cfg.MasterName
	}
	return fmt.Sprintf("the master of %s (%s)", s.cfg.MasterName, addr)
}

// unreachableWhy adds, under Sentinel, what a refused connection most
// likely means: the master died and no replica is promoted yet.
func (s *Store) unreachableWhy(err error) error {
	if s.mode != modeSentinel {
		return err
	}
	return fmt.Errorf("%w; if the master just failed, the Sentinels have not promoted a replica yet: try again in a few seconds", err)
}

// errClusterChanging marks the answers of a cluster whose slots are moving
// or whose nodes disagree.
var errClusterChanging = errors.New("the cluster's slot map is changing (a slot migration or failover is under way): try again")

// clusterDownError is a cluster that refuses commands (CLUSTERDOWN, or
// cluster_state other than ok): a master is unreachable and no replica
// took over, or a slot has no master. To callers it is unreachable.
type clusterDownError struct {
	reply string // what the server said
}

func (e *clusterDownError) Error() string {
	why := "a master is unreachable and has no replica to take over"
	if strings.Contains(e.reply, "not served") {
		why = "a slot has no master"
	}
	return "the cluster is down (" + why + "): try again once it is back (" + e.reply + ")"
}

func (e *clusterDownError) Unwrap() error { return store.ErrUnreachable }

// classifyReply puts in plain words the server's answers that are about
// the deployment rather than the data.
func (s *Store) classifyReply(err error) error {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "READONLY"):
		if s.mode == modeSentinel {
			return &store.UnreachableError{Addr: s.masterOf(""),
				Err: errors.New("the server answering is a read-only replica now (a failover is under way); nothing was written: try again in a few seconds")}
		}
		return fmt.Errorf("redis %s is a read-only replica; nothing was written: connect to its master, or to the Sentinels with ?master_name=: %w", s.cfg.Addr, store.ErrReadOnly)
	case strings.HasPrefix(msg, "MOVED"), strings.HasPrefix(msg, "ASK"):
		if s.mode != modeCluster {
			return fmt.Errorf("redis %s is a Redis Cluster node (it answered %s); confo could not ask it so at connect: give every node's address with ?addr=", s.cfg.Addr, firstWord(msg))
		}
		return fmt.Errorf("%w (%s)", errClusterChanging, msg)
	case strings.HasPrefix(msg, "TRYAGAIN"):
		return fmt.Errorf("%w (%s)", errClusterChanging, msg)
	case strings.HasPrefix(msg, "CLUSTERDOWN"):
		return &clusterDownError{reply: msg}
	case strings.Contains(msg, "SELECT is not allowed in cluster mode"):
		return badURL("%s", clusterDBReason(s.cfg.DB, s.cfg.Addr))
	case strings.HasPrefix(msg, "NOSCRIPT"):
		return fmt.Errorf("the server lost confo's script while it ran (%s): try again", firstWord(msg))
	}
	return err
}

func firstWord(s string) string {
	word, _, _ := strings.Cut(s, " ")
	return word
}

// isAuthError reports the server refusing the credentials.
func isAuthError(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	for _, marker := range []string{"WRONGPASS", "NOAUTH", "invalid password", "invalid username-password pair"} {
		if strings.Contains(msg, marker) {
			return true
		}
	}
	return false
}

// infoField returns one field of an INFO reply.
func infoField(info, name string) string {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+":"); ok {
			return v
		}
	}
	return ""
}
