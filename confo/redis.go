package confo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisConfig says how to reach a Redis server and where Confo's keys are.
type RedisConfig struct {
	Addr               string // host:port
	Username, Password string
	DB                 int
	TLS                bool
	TLSInsecure        bool
	TLSServerName      string
	// Prefix is put in front of every key, so one database can hold
	// several Confo trees or other data.
	Prefix   string
	ReadOnly bool
	// DialTimeout and IOTimeout default to 3s and 10s.
	DialTimeout, IOTimeout time.Duration
}

// String is the address for display; it never includes the password.
func (c RedisConfig) String() string {
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

// ParseRedisURL reads the redis:// or rediss:// form. Errors never repeat
// the URL, since it may hold a password.
func ParseRedisURL(raw string) (RedisConfig, error) {
	if strings.ContainsRune(raw, '#') {
		// A Redis URL has no fragment: this is an unescaped '#', most
		// likely in a password, which would otherwise be cut short or
		// fail with a puzzling message about the port.
		return RedisConfig{}, fmt.Errorf("%w: the Redis URL contains '#'; write it as %%23 in a password or prefix", ErrBadCredentials)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return RedisConfig{}, fmt.Errorf("%w: cannot parse the Redis URL (want %s)", ErrBadCredentials, redisURLForm)
	}
	var cfg RedisConfig
	switch u.Scheme {
	case "redis":
	case "rediss":
		cfg.TLS = true
	default:
		return RedisConfig{}, fmt.Errorf("%w: URL scheme %q (want %s)", ErrBadCredentials, u.Scheme, redisURLForm)
	}
	if u.Opaque != "" {
		return RedisConfig{}, fmt.Errorf("%w: the Redis URL lacks the // after %q (want %s)", ErrBadCredentials, u.Scheme+":", redisURLForm)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "6379"
	}
	if err := checkPort(port); err != nil {
		return RedisConfig{}, err
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
			return RedisConfig{}, fmt.Errorf("%w: database %q is not a number", ErrBadCredentials, db)
		}
		cfg.DB = n
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return RedisConfig{}, fmt.Errorf("%w: cannot parse the Redis URL's parameters (want %s)", ErrBadCredentials, redisURLForm)
	}
	for key, values := range query {
		switch key {
		case "prefix":
			cfg.Prefix = values[0]
		default:
			return RedisConfig{}, fmt.Errorf("%w: unknown URL parameter %q (known: prefix)", ErrBadCredentials, key)
		}
	}
	return cfg, nil
}

func checkPort(port string) error {
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%w: port %q is not a number between 1 and 65535", ErrBadCredentials, port)
	}
	return nil
}

// RedisConfigFromCredentials reads the Python API's credentials map.
func RedisConfigFromCredentials(creds map[string]any) (RedisConfig, error) {
	if raw, ok := creds["redis_url"]; ok {
		s, ok := raw.(string)
		if !ok {
			return RedisConfig{}, fmt.Errorf("%w: redis_url must be a string", ErrBadCredentials)
		}
		cfg, err := ParseRedisURL(s)
		if err != nil {
			return RedisConfig{}, err
		}
		for key := range creds {
			if key != "redis_url" && key != "read_only" && key != "redis_prefix" {
				return RedisConfig{}, fmt.Errorf("%w: %q cannot be combined with redis_url", ErrBadCredentials, key)
			}
		}
		return cfg, applyCommonCreds(&cfg, creds)
	}
	cfg := RedisConfig{}
	host, port := "localhost", "6379"
	for key, raw := range creds {
		var err error
		switch key {
		case "redis_host":
			host, err = credString(key, raw)
		case "redis_port":
			port, err = credString(key, raw)
		case "redis_password":
			cfg.Password, err = credString(key, raw)
		case "redis_user":
			cfg.Username, err = credString(key, raw)
		case "redis_db":
			var db string
			if db, err = credString(key, raw); err == nil {
				if cfg.DB, err = strconv.Atoi(db); err != nil || cfg.DB < 0 {
					err = fmt.Errorf("%w: redis_db %q is not a database number", ErrBadCredentials, db)
				}
			}
		case "redis_tls":
			cfg.TLS, err = credBool(key, raw)
		case "redis_prefix", "read_only":
		default:
			err = fmt.Errorf("%w: unknown credential %q (known: redis_host, redis_port, redis_password, redis_user, redis_db, redis_tls, redis_prefix, redis_url, read_only)", ErrBadCredentials, key)
		}
		if err != nil {
			return RedisConfig{}, err
		}
	}
	if err := checkPort(port); err != nil {
		return RedisConfig{}, err
	}
	cfg.Addr = net.JoinHostPort(host, port)
	cfg.TLSServerName = host
	return cfg, applyCommonCreds(&cfg, creds)
}

func applyCommonCreds(cfg *RedisConfig, creds map[string]any) error {
	var err error
	if raw, ok := creds["redis_prefix"]; ok {
		if cfg.Prefix, err = credString("redis_prefix", raw); err != nil {
			return err
		}
	}
	if raw, ok := creds["read_only"]; ok {
		if cfg.ReadOnly, err = credBool("read_only", raw); err != nil {
			return err
		}
	}
	return nil
}

// credString accepts strings and whole numbers, as the Python credentials
// did ("redis_port": "6379" or 6379); a map decoded from JSON or YAML may
// hold any integer type or a float64.
func credString(key string, raw any) (string, error) {
	switch v := raw.(type) {
	case string:
		return v, nil
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(v), nil
	case float32:
		if float32(int64(v)) == v {
			return strconv.FormatInt(int64(v), 10), nil
		}
	case float64:
		if v == float64(int64(v)) {
			return strconv.FormatInt(int64(v), 10), nil
		}
	}
	return "", fmt.Errorf("%w: %s must be a string or an integer, got %T", ErrBadCredentials, key, raw)
}

func credBool(key string, raw any) (bool, error) {
	switch v := raw.(type) {
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(v) {
		case "1", "true", "yes":
			return true, nil
		case "", "0", "false", "no":
			return false, nil
		}
	}
	return false, fmt.Errorf("%w: %s must be true or false, got %v", ErrBadCredentials, key, raw)
}

// RedisStore keeps Confo data in one Redis server. It holds no editable
// state: every Load reads the server and every Commit checks it.
type RedisStore struct {
	client *redis.Client
	cfg    RedisConfig
}

// OpenRedis connects, checks the credentials, and makes sure the registry
// exists (creating an empty one unless read-only).
func OpenRedis(ctx context.Context, cfg RedisConfig) (*RedisStore, error) {
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 3 * time.Second
	}
	if cfg.IOTimeout == 0 {
		cfg.IOTimeout = 10 * time.Second
	}
	opts := &redis.Options{
		Addr:         cfg.Addr,
		Username:     cfg.Username,
		Password:     cfg.Password,
		DB:           cfg.DB,
		DialTimeout:  cfg.DialTimeout,
		ReadTimeout:  cfg.IOTimeout,
		WriteTimeout: cfg.IOTimeout,
		MaxRetries:   1,
		// One dial per attempt: MaxRetries already tries again, and a
		// wrong address should fail in well under a second, not after
		// go-redis's default five dials with backoff.
		DialerRetries:   1,
		DisableIdentity: true,
	}
	if cfg.TLS {
		opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: cfg.TLSServerName, InsecureSkipVerify: cfg.TLSInsecure}
	}
	s := &RedisStore{client: redis.NewClient(opts), cfg: cfg}
	if err := s.client.Ping(ctx).Err(); err != nil {
		s.client.Close()
		return nil, s.openError(err)
	}
	if err := s.ensureRegistry(ctx); err != nil {
		s.client.Close()
		return nil, s.openError(err)
	}
	return s, nil
}

// openError gives a failure while opening its context, except for the typed
// errors, which already name the address or the key.
func (s *RedisStore) openError(err error) error {
	err = s.classify(err)
	if errors.Is(err, ErrUnreachable) || errors.Is(err, ErrAuth) || errors.Is(err, ErrMalformedKey) {
		return err
	}
	return fmt.Errorf("open redis %s: %w", s.cfg, err)
}

func (s *RedisStore) ensureRegistry(ctx context.Context) error {
	if _, err := s.readRegistry(ctx); !errors.Is(err, errNoRegistry) {
		return err
	}
	if s.cfg.ReadOnly {
		return nil
	}
	// SETNX: another client creating it at the same moment wins.
	if err := s.client.SetNX(ctx, s.registryKey(), encodeList("namespaces", nil), 0).Err(); err != nil {
		return err
	}
	_, err := s.readRegistry(ctx)
	if errors.Is(err, errNoRegistry) {
		return nil
	}
	return err
}

// Kind implements Store.
func (s *RedisStore) Kind() BackendType { return BackendRedis }

// Address implements Store.
func (s *RedisStore) Address() string { return s.cfg.String() }

// ReadOnly implements Store.
func (s *RedisStore) ReadOnly() bool { return s.cfg.ReadOnly }

// Close implements Store.
func (s *RedisStore) Close() error { return s.client.Close() }

func (s *RedisStore) registryKey() string      { return s.cfg.Prefix + RegistryKey }
func (s *RedisStore) listKey(ns string) string { return s.cfg.Prefix + ns }
func (s *RedisStore) configKey(ns, cfg string) string {
	return s.cfg.Prefix + ns + "-" + cfg
}

// classify turns connection and authentication failures into the typed
// errors callers act on, and returns any other error (or one it already
// typed) unchanged. The server's auth message never holds the password, so
// it is kept.
func (s *RedisStore) classify(err error) error {
	if errors.Is(err, ErrUnreachable) || errors.Is(err, ErrAuth) {
		return err
	}
	msg := err.Error()
	for _, marker := range []string{"WRONGPASS", "NOAUTH", "invalid password", "invalid username-password pair"} {
		if strings.Contains(msg, marker) {
			return fmt.Errorf("redis %s: %w (%s)", s.cfg.Addr, ErrAuth, msg)
		}
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, redis.ErrClosed) {
		return &UnreachableError{Addr: s.cfg.Addr, Err: err}
	}
	return err
}

var errNoRegistry = errors.New("no registry key")

// readRegistry returns the registered namespaces, sorted and deduplicated.
func (s *RedisStore) readRegistry(ctx context.Context) ([]string, error) {
	data, err := s.client.Get(ctx, s.registryKey()).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, errNoRegistry
	case isWrongType(err):
		reason := "not a Redis string"
		if typ, terr := s.client.Type(ctx, s.registryKey()).Result(); terr == nil {
			reason = notAString(typ)
		}
		return nil, &MalformedKeyError{Key: s.registryKey(), Reason: reason}
	case err != nil:
		return nil, s.classify(err)
	}
	names, reason := decodeList(data, "namespaces")
	if reason != "" {
		return nil, &MalformedKeyError{Key: s.registryKey(), Reason: reason}
	}
	return names, nil
}

// notAString is the reason a key of Redis type typ cannot be a list.
func notAString(typ string) string {
	return "a Redis " + typ + ", not a string"
}

// isWrongType reports the server's answer to a GET of a key that is not a
// string. Other server errors (NOPERM, OOM) are failures, not bad data.
func isWrongType(err error) bool {
	var serverErr redis.Error
	return errors.As(err, &serverErr) && strings.HasPrefix(serverErr.Error(), "WRONGTYPE")
}

// pipelineError is the error of a pipeline worth returning: redis.Nil and
// WRONGTYPE only concern single keys, which the caller inspects one by one.
func pipelineError(cmds []redis.Cmder) error {
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil && !errors.Is(err, redis.Nil) && !isWrongType(err) {
			return err
		}
	}
	return nil
}

// decodeList reads {"<field>": ["a", "b"]} as a sorted set of names, or says
// what is wrong with it.
func decodeList(data []byte, field string) ([]string, string) {
	v, err := Decode(data)
	if err != nil {
		return nil, "not JSON: " + err.Error()
	}
	if v.Kind() != Object {
		return nil, fmt.Sprintf("want an object with a %q list, not a JSON %s", field, v.Kind())
	}
	list, ok := v.Field(field)
	if !ok || list.Kind() != Array {
		return nil, fmt.Sprintf("no %q list", field)
	}
	names := make([]string, 0, list.Len())
	// list.items, not Items(): that copy costs as much as the decoding.
	for _, item := range list.items {
		if item.Kind() != String {
			return nil, fmt.Sprintf("%q holds a %s, want only strings", field, item.Kind())
		}
		names = append(names, item.Str())
	}
	slices.Sort(names)
	return slices.Compact(names), ""
}

// encodeList writes a list the way Python's json.dumps does, sorted so that
// repeated persists produce identical bytes.
func encodeList(field string, names []string) []byte {
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	items := make([]Value, len(sorted))
	for i, name := range sorted {
		items[i] = StringValue(name)
	}
	return Encode(ObjectValue(Member{Key: field, Value: ArrayValue(items...)}))
}

// Load implements Store in a handful of round trips whatever the size: the
// registry, the lists (one pipeline), discovery SCANs when asked, then the
// configs by pipelined MGET in batches of loadBatch keys.
func (s *RedisStore) Load(ctx context.Context, opts LoadOptions) (*Snapshot, error) {
	registry, err := s.readRegistry(ctx)
	if errors.Is(err, errNoRegistry) {
		registry, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reload from redis %s: %w", s.cfg, err)
	}
	wanted := registry
	if opts.Namespaces != nil {
		wanted = slices.Clone(opts.Namespaces)
		slices.Sort(wanted)
		wanted = slices.Compact(wanted)
		for _, ns := range wanted {
			if _, found := slices.BinarySearch(registry, ns); !found {
				return nil, fmt.Errorf("reload namespace %q from redis %s: %w", ns, s.cfg, ErrNamespaceNotFound)
			}
		}
	}
	snap := &Snapshot{Registry: registry, Namespaces: make([]NamespaceSnapshot, len(wanted))}
	if err := s.loadLists(ctx, wanted, snap); err != nil {
		return nil, err
	}
	if opts.Discover {
		if err := s.discover(ctx, registry, snap); err != nil {
			return nil, err
		}
	}
	if err := s.loadConfigs(ctx, snap, opts.Progress); err != nil {
		return nil, err
	}
	slices.SortFunc(snap.Namespaces, func(a, b NamespaceSnapshot) int { return strings.Compare(a.Name, b.Name) })
	return snap, nil
}

func (s *RedisStore) loadLists(ctx context.Context, names []string, snap *Snapshot) error {
	pipe := s.client.Pipeline()
	cmds := make([]*redis.StringCmd, len(names))
	for i, ns := range names {
		cmds[i] = pipe.Get(ctx, s.listKey(ns))
	}
	executed, _ := pipe.Exec(ctx)
	if err := pipelineError(executed); err != nil {
		return fmt.Errorf("reload from redis %s: %w", s.cfg, s.classify(err))
	}
	for i, ns := range names {
		snap.Namespaces[i].Name = ns
		data, err := cmds[i].Bytes()
		switch {
		case errors.Is(err, redis.Nil):
			continue
		case err != nil:
			snap.Namespaces[i].Problem = fmt.Sprintf("key %q is not a Redis string", s.listKey(ns))
			continue
		}
		list, reason := decodeList(data, "configurations")
		if reason != "" {
			snap.Namespaces[i].Problem = fmt.Sprintf("key %q: %s", s.listKey(ns), reason)
			continue
		}
		configs := make([]ConfigSnapshot, len(list))
		for j, cfg := range list {
			configs[j].Name = cfg
		}
		snap.Namespaces[i].Configs = configs
	}
	return nil
}

// discover adopts <ns>-<cfg> keys missing from the lists. A key belongs to
// the longest registered namespace that prefixes it, and a key that is
// itself a namespace list (or the registry) is never a config.
func (s *RedisStore) discover(ctx context.Context, registry []string, snap *Snapshot) error {
	registered := make(map[string]bool, len(registry))
	for _, ns := range registry {
		registered[ns] = true
	}
	loaded := map[string]*NamespaceSnapshot{}
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
		if ns.Problem == "" {
			loaded[ns.Name] = ns
		}
	}
	listed := map[string]bool{}
	for _, ns := range loaded {
		for _, c := range ns.Configs {
			listed[ns.Name+"-"+c.Name] = true
		}
	}
	adopted := map[string]int{}
	var cursor uint64
	for {
		keys, next, err := s.client.Scan(ctx, cursor, escapeGlob(s.cfg.Prefix)+"*", 1000).Result()
		if err != nil {
			return fmt.Errorf("discover keys in redis %s: %w", s.cfg, s.classify(err))
		}
		for _, full := range keys {
			key, ok := strings.CutPrefix(full, s.cfg.Prefix)
			if !ok || key == RegistryKey || registered[key] || listed[key] {
				continue
			}
			ns, cfg := owningNamespace(key, registry)
			target := loaded[ns]
			if target == nil || ValidateConfigName(cfg) != nil {
				continue
			}
			listed[key] = true
			target.Configs = append(target.Configs, ConfigSnapshot{Name: cfg, Unlisted: true})
			adopted[ns]++
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	for _, ns := range registry {
		if n := adopted[ns]; n > 0 {
			snap.Warnings = append(snap.Warnings, fmt.Sprintf("adopted %d unlisted config(s) in %s", n, ns))
		}
	}
	return nil
}

// owningNamespace splits key into the longest registered namespace and the
// config name after its "-", or returns "" when no namespace owns it.
func owningNamespace(key string, registry []string) (string, string) {
	best := ""
	for _, ns := range registry {
		if len(ns) > len(best) && len(key) > len(ns)+1 && strings.HasPrefix(key, ns+"-") {
			best = ns
		}
	}
	if best == "" {
		return "", ""
	}
	return best, key[len(best)+1:]
}

func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// loadBatch is the number of keys per MGET; loadRound the MGETs per round trip.
const (
	loadBatch = 500
	loadRound = 20
)

func (s *RedisStore) loadConfigs(ctx context.Context, snap *Snapshot, progress func(done, total int)) error {
	type slot struct{ ns, cfg int }
	var slots []slot
	var keys []string
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
		slices.SortFunc(ns.Configs, func(a, b ConfigSnapshot) int { return strings.Compare(a.Name, b.Name) })
		for j := range ns.Configs {
			slots = append(slots, slot{i, j})
			keys = append(keys, s.configKey(ns.Name, ns.Configs[j].Name))
		}
	}
	report := func(done int) {
		if progress != nil {
			progress(done, len(keys))
		}
	}
	report(0)
	var absent []int
	for start := 0; start < len(keys); start += loadBatch * loadRound {
		end := min(start+loadBatch*loadRound, len(keys))
		pipe := s.client.Pipeline()
		var cmds []*redis.SliceCmd
		for b := start; b < end; b += loadBatch {
			cmds = append(cmds, pipe.MGet(ctx, keys[b:min(b+loadBatch, end)]...))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("reload from redis %s: %w", s.cfg, s.classify(err))
		}
		i := start
		for _, cmd := range cmds {
			for _, v := range cmd.Val() {
				sl := slots[i]
				str, ok := v.(string)
				if ok {
					snap.Namespaces[sl.ns].Configs[sl.cfg].Raw = PresentRaw([]byte(str))
				} else {
					absent = append(absent, i)
				}
				i++
			}
		}
		report(end)
	}
	if len(absent) == 0 {
		return nil
	}
	// MGET answers nil both for a missing key and for one of another type.
	pipe := s.client.Pipeline()
	types := make([]*redis.StatusCmd, len(absent))
	for n, i := range absent {
		types[n] = pipe.Type(ctx, keys[i])
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("reload from redis %s: %w", s.cfg, s.classify(err))
	}
	for n, i := range absent {
		sl := slots[i]
		raw := &snap.Namespaces[sl.ns].Configs[sl.cfg].Raw
		*raw = rawOfType(types[n].Val())
	}
	return nil
}

func rawOfType(typ string) Raw {
	if typ == "none" || typ == "" {
		return MissingRaw()
	}
	return Raw{State: RawUnreadable, Detail: "redis type " + typ}
}

// commitAttempts bounds the retries when a watched key changes between our
// read and EXEC; a real conflicting change then shows up on the re-read.
const commitAttempts = 5

// Commit implements Store: one WATCH/MULTI/EXEC transaction per namespace.
func (s *RedisStore) Commit(ctx context.Context, changes []NamespaceChange, opts CommitOptions) ([]string, error) {
	if s.cfg.ReadOnly {
		return nil, fmt.Errorf("persist to redis %s: %w", s.cfg, ErrReadOnly)
	}
	return commitEach(ctx, changes, " to redis "+s.cfg.String(), func(change NamespaceChange) ([]Conflict, error) {
		return s.commitNamespace(ctx, change, opts)
	})
}

func (s *RedisStore) commitNamespace(ctx context.Context, change NamespaceChange, opts CommitOptions) ([]Conflict, error) {
	// Only the list keys are WATCHed. Redis (7.0 at least) checks every
	// WATCH argument against the keys the connection already watches, so
	// watching n config keys costs O(n²): 0.4 s for 10k keys. The configs
	// are checked and written by casScript instead, which Redis runs
	// atomically inside the same MULTI/EXEC. The registry is read every
	// time (to refuse config keys that are another namespace's list) but
	// watched only when this change rewrites it, so that namespaces being
	// registered elsewhere do not make every commit retry.
	watched := []string{s.listKey(change.Namespace)}
	if change.Register || change.Unregister {
		watched = append(watched, s.registryKey())
	}
	for range commitAttempts {
		var conflicts []Conflict
		err := s.client.Watch(ctx, func(tx *redis.Tx) error {
			var err error
			conflicts, err = s.commitWatched(ctx, tx, change, opts)
			return err
		}, watched...)
		if errors.Is(err, redis.TxFailedErr) {
			continue
		}
		if err != nil {
			return nil, s.classify(err)
		}
		return conflicts, nil
	}
	return nil, fmt.Errorf("other clients kept changing its keys during %d attempts; try again", commitAttempts)
}

// casScript compares every config key with what the caller expects and,
// only when all match, writes the configs and then the list keys. Redis runs
// a script atomically, so no other client's write lands between the check
// and the write. It reads and writes with MGET and MSET in chunks: one
// redis.call per key would double its time.
//
//	KEYS: the n config keys, then the list keys to write
//	ARGV[1]: two letters per key: the check ("p" present with these bytes,
//	         "m" missing, "u" unreadable of this Redis type, "*" none;
//	         "-" for a list key) and the write ("s" set, "d" delete)
//	ARGV[2i], ARGV[2i+1]: key i's expected bytes (or type) and new value
//
// It returns nothing when it wrote, else per conflicting config its index
// (1-based), what it holds ("p", "m", "u") and its bytes or type.
const casScript = `
local ops = ARGV[1]
local chunk = 1000
local bad = {}
for first = 1, #KEYS, chunk do
  local last = math.min(first + chunk - 1, #KEYS)
  local vals = redis.call('MGET', unpack(KEYS, first, last))
  for i = first, last do
    local check = string.sub(ops, 2 * i - 1, 2 * i - 1)
    if check ~= '*' and check ~= '-' then
      local v = vals[i - first + 1]
      local kind, payload = 'p', v
      if v == false then
        -- MGET answers nil for a missing key and for one of another type.
        payload = redis.call('TYPE', KEYS[i]).ok
        kind = 'u'
        if payload == 'none' then
          kind, payload = 'm', ''
        end
      end
      if kind ~= check or (kind ~= 'm' and payload ~= ARGV[2 * i]) then
        bad[#bad + 1] = i
        bad[#bad + 1] = kind
        bad[#bad + 1] = payload
      end
    end
  end
end
if #bad > 0 then
  return bad
end
local sets, dels = {}, {}
for i = 1, #KEYS do
  if string.sub(ops, 2 * i, 2 * i) == 'd' then
    dels[#dels + 1] = KEYS[i]
  else
    sets[#sets + 1] = KEYS[i]
    sets[#sets + 1] = ARGV[2 * i + 1]
  end
  if #sets >= 2 * chunk or #dels >= chunk or i == #KEYS then
    if #sets > 0 then
      redis.call('MSET', unpack(sets))
      sets = {}
    end
    if #dels > 0 then
      redis.call('DEL', unpack(dels))
      dels = {}
    end
  end
end
return bad
`

const redisTypePrefix = "redis type "

// commitWatched runs inside WATCH of the list keys: it reads the list and
// the registry in one round trip, merges the lists, and sends casScript in
// one MULTI/EXEC, which writes everything or, when a config changed, nothing.
func (s *RedisStore) commitWatched(ctx context.Context, tx *redis.Tx, change NamespaceChange, opts CommitOptions) ([]Conflict, error) {
	keys := []string{s.listKey(change.Namespace), s.registryKey()}
	gets := make([]*redis.StringCmd, len(keys))
	executed, _ := tx.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, key := range keys {
			gets[i] = p.Get(ctx, key)
		}
		return nil
	})
	if err := pipelineError(executed); err != nil {
		return nil, err
	}
	current := make([]Raw, len(keys))
	for i, cmd := range gets {
		data, err := cmd.Bytes()
		switch {
		case err == nil:
			current[i] = PresentRaw(data)
		case errors.Is(err, redis.Nil):
			current[i] = MissingRaw()
		default:
			// WRONGTYPE, the only error pipelineError let through.
			typ, terr := tx.Type(ctx, keys[i]).Result()
			if terr != nil {
				return nil, terr
			}
			current[i] = rawOfType(typ)
		}
	}
	list, reg := current[0], current[1]
	if err := s.checkKeyClashes(change, reg); err != nil {
		return nil, err
	}
	newList, listChanged, err := s.mergeList(change, list)
	if err != nil {
		return nil, err
	}
	if change.Unregister && len(newList) > 0 {
		return []Conflict{{Namespace: change.Namespace, Reason: "namespace has configs added by another client"}}, nil
	}
	regBytes, regChanged, err := s.mergeRegistry(change, reg)
	if err != nil {
		return nil, err
	}

	n := len(change.Configs)
	scriptKeys := make([]string, 0, n+2)
	ops := make([]byte, 0, 2*n+4)
	args := make([]any, 1, 1+2*n+4)
	for _, c := range change.Configs {
		scriptKeys = append(scriptKeys, s.configKey(change.Namespace, c.Name))
		switch {
		case opts.Overwrite:
			ops = append(ops, '*')
			args = append(args, "")
		case c.Expect.State == RawPresent:
			ops = append(ops, 'p')
			args = append(args, c.Expect.Bytes)
		case c.Expect.State == RawMissing:
			ops = append(ops, 'm')
			args = append(args, "")
		default:
			ops = append(ops, 'u')
			args = append(args, strings.TrimPrefix(c.Expect.Detail, redisTypePrefix))
		}
		if c.Write == nil {
			ops = append(ops, 'd')
			args = append(args, "")
		} else {
			ops = append(ops, 's')
			args = append(args, c.Write)
		}
	}
	write := func(key string, value []byte) {
		scriptKeys = append(scriptKeys, key)
		if value == nil {
			ops = append(ops, '-', 'd')
			args = append(args, "", "")
		} else {
			ops = append(ops, '-', 's')
			args = append(args, "", value)
		}
	}
	switch {
	case change.Unregister:
		write(s.listKey(change.Namespace), nil)
	case listChanged:
		write(s.listKey(change.Namespace), encodeList("configurations", newList))
	}
	if regChanged {
		write(s.registryKey(), regBytes)
	}
	if len(scriptKeys) == 0 {
		// Registering a namespace that is already registered and listed.
		return nil, nil
	}
	args[0] = ops
	var cas *redis.Cmd
	if _, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
		cas = p.Eval(ctx, casScript, scriptKeys, args...)
		return nil
	}); err != nil {
		return nil, err
	}
	bad, err := cas.Slice()
	if err != nil {
		return nil, err
	}
	var conflicts []Conflict
	for i := 0; i+2 < len(bad); i += 3 {
		idx, _ := bad[i].(int64)
		kind, _ := bad[i+1].(string)
		payload, _ := bad[i+2].(string)
		if idx < 1 || int(idx) > n {
			return nil, fmt.Errorf("unexpected answer from the compare-and-set script: %v", bad)
		}
		var theirs Raw
		switch kind {
		case "p":
			theirs = PresentRaw([]byte(payload))
		case "m":
			theirs = MissingRaw()
		default:
			theirs = rawOfType(payload)
		}
		c := change.Configs[idx-1]
		conflicts = append(conflicts, Conflict{Namespace: change.Namespace, Config: c.Name, Reason: conflictReason(c.Expect, theirs), Ours: c.Expect, Theirs: theirs})
	}
	return conflicts, nil
}

// checkKeyClashes refuses a config whose key is the list key of another
// registered namespace ("b" in "a" and the namespace "a-b"): writing it would
// destroy that list. A malformed registry is reported by mergeRegistry when
// this change rewrites it and by every Load; it is not this check's concern.
func (s *RedisStore) checkKeyClashes(change NamespaceChange, registry Raw) error {
	if registry.State != RawPresent || len(change.Configs) == 0 {
		return nil
	}
	names, reason := decodeList(registry.Bytes, "namespaces")
	if reason != "" {
		return nil
	}
	for _, c := range change.Configs {
		other := change.Namespace + "-" + c.Name
		if _, found := slices.BinarySearch(names, other); found {
			return fmt.Errorf("config %q: %w: its key %q is the list of the namespace %q", c.Name, ErrInvalidName, s.listKey(other), other)
		}
	}
	return nil
}

func conflictReason(expect, now Raw) string {
	switch {
	case now.State == RawMissing:
		return "deleted by another client"
	case expect.State == RawMissing:
		return "created by another client"
	}
	return "changed by another client"
}

// mergeList applies the change's additions and removals to the namespace's
// current list, keeping names other clients added meanwhile.
func (s *RedisStore) mergeList(change NamespaceChange, current Raw) ([]string, bool, error) {
	var names []string
	switch current.State {
	case RawPresent:
		list, reason := decodeList(current.Bytes, "configurations")
		if reason != "" {
			return nil, false, &MalformedKeyError{Key: s.listKey(change.Namespace), Reason: reason}
		}
		names = list
	case RawUnreadable:
		return nil, false, &MalformedKeyError{Key: s.listKey(change.Namespace), Reason: notAString(strings.TrimPrefix(current.Detail, redisTypePrefix))}
	}
	merged := slices.Clone(names)
	merged = append(merged, change.ListAdd...)
	merged = slices.DeleteFunc(merged, func(n string) bool { return slices.Contains(change.ListRemove, n) })
	slices.Sort(merged)
	merged = slices.Compact(merged)
	if current.State == RawMissing {
		return merged, len(merged) > 0 || change.Register, nil
	}
	return merged, !slices.Equal(merged, names), nil
}

func (s *RedisStore) mergeRegistry(change NamespaceChange, current Raw) ([]byte, bool, error) {
	if !change.Register && !change.Unregister {
		return nil, false, nil
	}
	var names []string
	switch current.State {
	case RawPresent:
		list, reason := decodeList(current.Bytes, "namespaces")
		if reason != "" {
			return nil, false, &MalformedKeyError{Key: s.registryKey(), Reason: reason}
		}
		names = list
	case RawUnreadable:
		return nil, false, &MalformedKeyError{Key: s.registryKey(), Reason: notAString(strings.TrimPrefix(current.Detail, redisTypePrefix))}
	}
	next := slices.Clone(names)
	if change.Register {
		next = append(next, change.Namespace)
	} else {
		next = slices.DeleteFunc(next, func(n string) bool { return n == change.Namespace })
	}
	slices.Sort(next)
	next = slices.Compact(next)
	if current.State == RawPresent && slices.Equal(next, names) {
		return nil, false, nil
	}
	return encodeList("namespaces", next), true, nil
}
