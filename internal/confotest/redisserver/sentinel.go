package redisserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelOptions configures StartSentinel.
type SentinelOptions struct {
	MasterName string // "" means "mymaster"
	Sentinels  int    // 0 means 3
	Quorum     int    // 0 means a majority of the sentinels
	// DownAfter (down-after-milliseconds, 0 means 1s) and FailoverTimeout
	// (failover-timeout, 0 means 2s) are short so a failover, forced or
	// after a master dies, takes seconds.
	DownAfter, FailoverTimeout time.Duration
	// Server applies to the master and the replica; the sentinels take only
	// its LogLevel and Bin, and the credentials to reach the data nodes.
	Server ServerOptions
	// SentinelPassword, when set, is the password the sentinels
	// themselves require (of clients and of each other).
	SentinelPassword string
}

// SentinelGroup is a master, its replica and the sentinels watching them.
type SentinelGroup struct {
	MasterName string
	// Master and Replica are the data nodes; Failover and AwaitFailover
	// swap them, so do not read them while one runs.
	Master, Replica *Server
	Sentinels       []*Server
}

// StartSentinel starts a master, a replica and the sentinels, and returns
// once the replica is in sync and every sentinel sees the master, the
// replica and all other sentinels in good health.
func StartSentinel(ctx context.Context, opts SentinelOptions) (*SentinelGroup, error) {
	if opts.MasterName == "" {
		opts.MasterName = "mymaster"
	}
	if opts.Sentinels <= 0 {
		opts.Sentinels = 3
	}
	if opts.Quorum <= 0 {
		opts.Quorum = opts.Sentinels/2 + 1
	}
	if opts.DownAfter <= 0 {
		opts.DownAfter = time.Second
	}
	if opts.FailoverTimeout <= 0 {
		opts.FailoverTimeout = 2 * time.Second
	}
	ctx, cancel := withDefaultTimeout(ctx, 60*time.Second)
	defer cancel()
	g := &SentinelGroup{MasterName: opts.MasterName}
	err := g.start(ctx, opts)
	if err != nil {
		g.Stop()
		return nil, err
	}
	return g, nil
}

func (g *SentinelGroup) start(ctx context.Context, opts SentinelOptions) error {
	var err error
	if g.Master, err = start(ctx, opts.Server, spec{}); err != nil {
		return err
	}
	replicaOf := "replicaof 127.0.0.1 " + strconv.Itoa(g.Master.Port)
	if g.Replica, err = start(ctx, opts.Server, spec{conf: []string{replicaOf}}); err != nil {
		return err
	}
	// A sentinel reads a replica's INFO every 10 s; if its first read came
	// before the link was up, it would call the replica unfit for that long.
	if err := waitFor(ctx, "the replica to sync", func(ctx context.Context) error {
		return linkUp(ctx, g.Replica)
	}); err != nil {
		return err
	}
	// The sentinels' ports are fixed before they start, so a port race
	// means starting them all again.
	for attempt := 0; ; attempt++ {
		err = g.startSentinels(ctx, opts)
		if err == nil || !errors.Is(err, errPortTaken) || attempt == 4 {
			break
		}
	}
	if err != nil {
		return err
	}
	// SENTINEL DEBUG (Redis 7.0+; older sentinels are only slower) tunes
	// two timings. A sentinel that found a peer not yet listening tries
	// again a ping period (1 s) later: shorten it while the group comes
	// up. A sentinel whose timer runs over 2 s late, as when the machine
	// stalls, goes into TILT mode and takes no action for tilt-period,
	// 30 s by default, which would stall a failover for as long.
	g.sentinelDebug(ctx, "tilt-period", 3000)
	g.sentinelDebug(ctx, "ping-period", 100)
	defer g.sentinelDebug(ctx, "ping-period", 1000)
	return waitFor(ctx, "the sentinels to see the group", func(ctx context.Context) error {
		for _, s := range g.Sentinels {
			if err := g.healthy(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
}

// startSentinels starts the sentinels at once, each told of the replica
// and of every other sentinel by a config file in the form sentinels
// rewrite their own in. Left to discover each other through the hello
// messages they publish on the master every 2 s, they would take seconds.
func (g *SentinelGroup) startSentinels(ctx context.Context, opts SentinelOptions) error {
	n := opts.Sentinels
	ports, err := pickPorts(n, false)
	if err != nil {
		return err
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = newSentinelID()
	}
	name := quote(g.MasterName)
	common := []string{
		fmt.Sprintf("sentinel monitor %s 127.0.0.1 %d %d", name, g.Master.Port, opts.Quorum),
		fmt.Sprintf("sentinel down-after-milliseconds %s %d", name, opts.DownAfter.Milliseconds()),
		fmt.Sprintf("sentinel failover-timeout %s %d", name, opts.FailoverTimeout.Milliseconds()),
		fmt.Sprintf("sentinel parallel-syncs %s 1", name),
		fmt.Sprintf("sentinel known-replica %s 127.0.0.1 %d", name, g.Replica.Port),
	}
	if p := opts.Server.Password; p != "" {
		if u := opts.Server.User; u != "" && u != "default" {
			common = append(common, fmt.Sprintf("sentinel auth-user %s %s", name, quote(u)))
		}
		common = append(common, fmt.Sprintf("sentinel auth-pass %s %s", name, quote(p)))
	}
	own := ServerOptions{LogLevel: opts.Server.LogLevel, Bin: opts.Server.Bin, Password: opts.SentinelPassword}
	if p := opts.SentinelPassword; p != "" {
		common = append(common, "sentinel sentinel-pass "+quote(p))
	}
	g.Sentinels, err = startAll(n, func(i int) (*Server, error) {
		conf := append([]string{"sentinel myid " + ids[i]}, common...)
		for j := range n {
			if j != i {
				conf = append(conf, fmt.Sprintf("sentinel known-sentinel %s 127.0.0.1 %d %s", name, ports[j], ids[j]))
			}
		}
		return start(ctx, own, spec{port: ports[i], sentinel: true, conf: conf})
	})
	return err
}

// sentinelDebug sets one of the sentinels' timing parameters, best effort.
func (g *SentinelGroup) sentinelDebug(ctx context.Context, param string, ms int) {
	for _, s := range g.Sentinels {
		s.do(ctx, "SENTINEL", "DEBUG", param, ms)
	}
}

// newSentinelID makes a run ID in the form sentinels use: 40 hex digits.
func newSentinelID() string {
	b := make([]byte, 20)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// healthy says why sentinel s does not yet see the master as sound, the
// replica as fit to promote and every other sentinel as connected.
func (g *SentinelGroup) healthy(ctx context.Context, s *Server) error {
	master, replica := g.Master, g.Replica
	m, err := sentinelMap(s.do(ctx, "SENTINEL", "MASTER", g.MasterName).Slice())
	if err != nil {
		return fmt.Errorf("SENTINEL MASTER on %s: %w", s.Addr, err)
	}
	if addr := m["ip"] + ":" + m["port"]; addr != master.Addr || m["flags"] != "master" {
		return fmt.Errorf("sentinel %s sees master %s with flags %s", s.Addr, addr, m["flags"])
	}
	replicas, err := sentinelMaps(s.do(ctx, "SENTINEL", "REPLICAS", g.MasterName).Slice())
	if err != nil {
		return fmt.Errorf("SENTINEL REPLICAS on %s: %w", s.Addr, err)
	}
	fit := false
	for _, r := range replicas {
		fit = fit || r["name"] == replica.Addr && r["flags"] == "slave" && r["master-link-status"] == "ok"
	}
	if !fit {
		return fmt.Errorf("sentinel %s does not see %s as a replica in sync", s.Addr, replica.Addr)
	}
	peers, err := sentinelMaps(s.do(ctx, "SENTINEL", "SENTINELS", g.MasterName).Slice())
	if err != nil {
		return fmt.Errorf("SENTINEL SENTINELS on %s: %w", s.Addr, err)
	}
	ok := 0
	for _, p := range peers {
		if p["flags"] == "sentinel" {
			ok++
		}
	}
	if ok != len(g.Sentinels)-1 {
		return fmt.Errorf("sentinel %s is linked to %d of %d other sentinels", s.Addr, ok, len(g.Sentinels)-1)
	}
	return nil
}

// sentinelMap reads a RESP2 reply of alternating field names and values.
func sentinelMap(reply []any, err error) (map[string]string, error) {
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(reply)/2)
	for i := 0; i+1 < len(reply); i += 2 {
		m[fmt.Sprint(reply[i])] = fmt.Sprint(reply[i+1])
	}
	return m, nil
}

func sentinelMaps(reply []any, err error) ([]map[string]string, error) {
	if err != nil {
		return nil, err
	}
	maps := make([]map[string]string, 0, len(reply))
	for _, r := range reply {
		fields, ok := r.([]any)
		if !ok {
			return nil, fmt.Errorf("unexpected reply %v", r)
		}
		m, _ := sentinelMap(fields, nil)
		maps = append(maps, m)
	}
	return maps, nil
}

// SentinelAddrs returns the sentinels' addresses.
func (g *SentinelGroup) SentinelAddrs() []string {
	addrs := make([]string, len(g.Sentinels))
	for i, s := range g.Sentinels {
		addrs[i] = s.Addr
	}
	return addrs
}

// CurrentMaster asks a running sentinel for the master's address.
func (g *SentinelGroup) CurrentMaster(ctx context.Context) (string, error) {
	for _, s := range g.Sentinels {
		if s.Running() {
			return g.masterSeenBy(ctx, s)
		}
	}
	return "", errors.New("redisserver: no sentinel is running")
}

func (g *SentinelGroup) masterSeenBy(ctx context.Context, s *Server) (string, error) {
	addr, err := s.do(ctx, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", g.MasterName).StringSlice()
	if err != nil || len(addr) != 2 {
		return "", fmt.Errorf("redisserver: SENTINEL GET-MASTER-ADDR-BY-NAME on %s: %v %v", s.Addr, addr, err)
	}
	return addr[0] + ":" + addr[1], nil
}

// Stop stops the sentinels, then the data nodes; it is safe to call more
// than once.
func (g *SentinelGroup) Stop() error {
	return errors.Join(stopAll(g.Sentinels), stopAll([]*Server{g.Master, g.Replica}))
}

// linkUp says why s is not a replica in sync with its master.
func linkUp(ctx context.Context, s *Server) error {
	info, err := s.do(ctx, "INFO", "replication").Text()
	if err != nil {
		return fmt.Errorf("INFO replication on %s: %w", s.Addr, err)
	}
	if infoField(info, "role") != "slave" || infoField(info, "master_link_status") != "up" {
		return fmt.Errorf("%s is not a replica with its link up", s.Addr)
	}
	return nil
}

// URL is confo's URL of the group's master: redis+sentinel:// through
// every sentinel, with the sentinels' password in the user info and the
// data nodes' credentials as parameters.
func (g *SentinelGroup) URL() string {
	u := url.URL{Scheme: "redis+sentinel", Host: g.Sentinels[0].Addr}
	if p := g.Sentinels[0].Password; p != "" {
		u.User = url.UserPassword("", p)
	}
	q := url.Values{"master_name": {g.MasterName}}
	for _, s := range g.Sentinels[1:] {
		q.Add("addr", s.Addr)
	}
	if g.Master.Password != "" {
		q.Set("username", g.Master.User)
		q.Set("password", g.Master.Password)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Client returns a client of the group's master that follows failovers;
// the caller closes it.
func (g *SentinelGroup) Client() *redis.Client {
	return redis.NewFailoverClient(&redis.FailoverOptions{
		MasterName: g.MasterName, SentinelAddrs: g.SentinelAddrs(),
		SentinelPassword: g.Sentinels[0].Password,
		Username:         g.Master.User, Password: g.Master.Password,
		DisableIdentity: true,
	})
}
