package session

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/redisstore"
)

// BadSpecError is a backend setting that cannot be used (a URL that does
// not parse, an unusable TLS file); the command line reports it as a usage
// error, at the flag or at the config file's line.
type BadSpecError struct {
	Spec Spec
	// Key is the setting at fault: "redis", "dir", "tls_ca", ….
	Key string
	Err error
}

func (e *BadSpecError) Error() string {
	if e.Spec.Origin != nil {
		return e.Spec.Origin.Place(e.Key, e.Err).Error()
	}
	// The name first: a default one ("redis", "files") after the flag
	// would read like a typo of its value.
	return fmt.Sprintf("backend %s (--%s): %v", e.Spec.Name, e.Spec.Kind, e.Err)
}

func (e *BadSpecError) Unwrap() error { return e.Err }

func badSpec(spec Spec, key string, err error) error {
	return &BadSpecError{Spec: spec, Key: key, Err: err}
}

// Connect opens one backend's store without reading it, so that a caller
// (the terminal UI) can show every backend at once and load them in the
// background, and keep going when one cannot be reached. The password is
// resolved here, and only for a Redis URL that holds none.
func Connect(ctx context.Context, spec Spec, opts Options) (confo.Store, error) {
	spec = spec.Effective(opts)
	if spec.Kind != confo.BackendRedis {
		// In the words of the command line, not the library's
		// ("bad credentials: config_path …").
		if err := Check(spec); err != nil {
			return nil, err
		}
		// A writer waits for another process's lock on a namespace as long
		// as it would wait for a server, then names the holder.
		return confo.OpenDir(confo.DirConfig{Path: spec.Target, ReadOnly: spec.ReadOnly, LockTimeout: spec.Timeout})
	}
	cfg, err := RedisConfig(spec)
	if err != nil {
		return nil, err
	}
	if cfg.Password == "" {
		if cfg.Password, err = password(ctx, spec); err != nil {
			return nil, err
		}
	}
	store, err := confo.OpenRedis(ctx, cfg)
	if fe, ok := errors.AsType[*redisstore.TLSFileError](err); ok {
		return nil, badSpec(spec, tlsKeys[fe.Which], err)
	}
	if errors.Is(err, redisstore.ErrBadTLS) || errors.Is(err, redisstore.ErrBadURL) {
		// A URL can be found wrong only at connect: a database other
		// than 0 on a node that turns out to be a cluster's.
		return nil, badSpec(spec, "redis", err)
	}
	return store, err
}

// tlsKeys names the spec's setting behind each TLS file.
var tlsKeys = map[redisstore.TLSFile]string{
	redisstore.TLSFileCA:   "tls_ca",
	redisstore.TLSFileCert: "tls_cert",
	redisstore.TLSFileKey:  "tls_key",
}

// RedisConfig is the store configuration of an effective Redis spec,
// without the password unless the URL holds one.
func RedisConfig(spec Spec) (confo.RedisConfig, error) {
	cfg, err := confo.ParseRedisURL(spec.Target)
	if err != nil {
		return cfg, badSpec(spec, "redis", err)
	}
	if cfg.Password != "" && spec.Password != nil {
		return cfg, badSpec(spec, "redis", errors.New("the URL holds a password and the backend names another password source; keep one"))
	}
	if spec.Prefix != "" {
		cfg.Prefix = spec.Prefix
	}
	cfg.ReadOnly = cfg.ReadOnly || spec.ReadOnly
	cfg.DialTimeout, cfg.IOTimeout = spec.Timeout, spec.Timeout
	// The config file's TLS keys fill in or override the URL's
	// parameters; a URL given with --redis carries its own.
	for _, f := range []struct {
		url  *string
		spec string
	}{
		{&cfg.TLSFiles.CA, spec.TLS.CA}, {&cfg.TLSFiles.Cert, spec.TLS.Cert},
		{&cfg.TLSFiles.Key, spec.TLS.Key}, {&cfg.TLSServerName, spec.TLS.ServerName},
	} {
		if f.spec != "" {
			*f.url = f.spec
		}
	}
	cfg.TLSInsecure = cfg.TLSInsecure || spec.TLS.Insecure
	return cfg, nil
}

// Check reports, without connecting, what is wrong with a spec that would
// stop it from opening: a Redis URL that does not parse, a directory that
// is not there. A command checks every backend it was given this way, not
// only the one it uses, so that a mistake does not wait for the day that
// backend is needed.
func Check(spec Spec) error {
	if spec.Kind == confo.BackendRedis {
		_, err := RedisConfig(spec)
		return err
	}
	fi, err := os.Stat(spec.Target)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return &namedError{spec.Name, fmt.Errorf("directory %s does not exist", spec.Target)}
	case err != nil:
		return &namedError{spec.Name, err}
	case !fi.IsDir():
		return &namedError{spec.Name, fmt.Errorf("%s is not a directory", spec.Target)}
	}
	return nil
}

// namedError is a problem of one backend, named for the command line,
// which has no other place to say which backend it is about.
type namedError struct {
	name string
	err  error
}

func (e *namedError) Error() string { return "backend " + e.name + ": " + e.err.Error() }

func (e *namedError) Unwrap() error { return e.err }

// Unnamed returns err without the backend name the command line needs,
// for a caller that names the backend itself (the terminal UI puts each
// error beside its backend). A problem placed in the config file keeps
// its place.
func Unnamed(err error) error {
	if named, ok := errors.AsType[*namedError](err); ok {
		return named.err
	}
	if bad, ok := errors.AsType[*BadSpecError](err); ok && bad.Spec.Origin == nil {
		return bad.Err
	}
	return err
}

// Address is where a spec's data lives, for listings: the Redis address
// (never a password) or the directory.
func Address(spec Spec) string {
	if spec.Kind != confo.BackendRedis {
		return spec.Target
	}
	cfg, err := RedisConfig(spec)
	if err != nil {
		return "(bad URL)"
	}
	return cfg.String()
}

// password resolves the password of a Redis spec whose URL holds none.
func password(ctx context.Context, spec Spec) (string, error) {
	if spec.Password != nil {
		// A password_command gets the time a server would: a command
		// that hangs (a locked password store) must not hang confo.
		if spec.Timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, spec.Timeout)
			defer cancel()
		}
		return spec.Password(ctx)
	}
	// From the environment, so that it stays out of shell history and
	// process listings.
	if p := os.Getenv("CONFO_REDIS_PASSWORD"); p != "" {
		return p, nil
	}
	return os.Getenv("REDISCLI_AUTH"), nil
}
