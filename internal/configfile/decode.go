package configfile

import (
	"slices"
	"strings"
	"unicode"
)

// decoder turns the decoded document into a File, recording every problem
// rather than stopping at the first.
type decoder struct {
	problems
	base   string // the config file's directory, for relative paths
	getenv func(string) string
}

var (
	topKeys     = []string{"default", "backends", "keys", "theme"}
	backendKeys = []string{
		"redis", "dir", "prefix", "discover", "readonly", "timeout",
		"tls_ca", "tls_cert", "tls_key", "tls_server_name", "tls_insecure",
		"password", "password_env", "password_command",
	}
	themeKeys = []string{"name", "colors"}
	// redisOnly keys mean nothing to a directory, so setting one there is a
	// mistake worth reporting.
	redisOnly = []string{
		"prefix", "discover", "timeout",
		"tls_ca", "tls_cert", "tls_key", "tls_server_name", "tls_insecure",
		"password", "password_env", "password_command",
	}
)

func (d *decoder) document(doc map[string]any) *File {
	f := &File{}
	defaultName, hasDefault := "", false
	// names holds every backend named, valid or not, so that a mistake in
	// one is not reported again as a default naming nothing.
	var names []string
	for _, k := range d.ordered(nil, doc) {
		v := doc[k]
		path := []string{k}
		switch k {
		case "default":
			defaultName, hasDefault = d.str(path, v)
		case "backends":
			if t, ok := d.table(path, v); ok {
				for _, name := range d.ordered(path, t) {
					names = append(names, name)
					if b := d.backend(name, t[name]); b != nil {
						f.Backends = append(f.Backends, b)
					}
				}
			}
		case "keys":
			f.Keys = d.keys(path, v)
		case "theme":
			f.Theme = d.theme(path, v)
		default:
			d.unknown(nil, k, topKeys)
		}
	}
	if hasDefault {
		d.checkDefault(defaultName, names)
		f.Default = defaultName
	}
	return f
}

func (d *decoder) checkDefault(name string, names []string) {
	path := []string{"default"}
	switch {
	case name == "":
		d.at(path, "is empty; name a backend or remove the line")
	case slices.Contains(names, name):
	case len(names) == 0:
		d.at(path, "no backend named %q: the file defines none", name)
	default:
		d.at(path, "no backend named %q (defined: %s)", name, strings.Join(names, ", "))
	}
}

// backend decodes [backends.NAME]; it returns nil when the table is not one,
// the name is unusable, or any of its keys is wrong.
func (d *decoder) backend(name string, v any) *Backend {
	path := []string{"backends", name}
	before := len(d.list)
	if msg := checkName(name); msg != "" {
		d.at(path, "backend name %s", msg)
	}
	t, ok := d.table(path, v)
	if !ok {
		return nil
	}
	line, col := d.pos.of(path)
	b := &Backend{
		Name:   name,
		file:   d.file,
		table:  place{line, col},
		keys:   map[string]place{},
		getenv: d.getenv,
	}
	set := map[string]bool{}
	var secrets []string
	for _, k := range d.ordered(path, t) {
		v, kp := t[k], append(path[:2:2], k)
		line, col := d.pos.of(kp)
		b.keys[k] = place{line, col}
		set[k] = true
		switch k {
		case "redis":
			b.Redis, _ = d.nonEmpty(kp, v)
		case "dir":
			b.Dir = d.path(kp, v)
		case "prefix":
			b.Prefix, _ = d.str(kp, v)
		case "discover":
			b.Discover, _ = d.boolean(kp, v)
		case "readonly":
			b.ReadOnly, _ = d.boolean(kp, v)
		case "timeout":
			b.Timeout = d.duration(kp, v)
		case "tls_ca":
			b.TLS.CA = d.path(kp, v)
		case "tls_cert":
			b.TLS.Cert = d.path(kp, v)
		case "tls_key":
			b.TLS.Key = d.path(kp, v)
		case "tls_server_name":
			b.TLS.ServerName, _ = d.nonEmpty(kp, v)
		case "tls_insecure":
			b.TLS.Insecure, _ = d.boolean(kp, v)
		case "password", "password_env", "password_command":
			secrets = append(secrets, k)
			b.secret = d.secret(kp, v)
		default:
			set[k] = false
			d.unknown(path, k, backendKeys)
		}
	}
	d.crossCheck(path, set, secrets)
	if len(d.list) > before {
		return nil
	}
	return b
}

// crossCheck reports the rules that span keys. secrets are the password
// keys in file order.
func (d *decoder) crossCheck(path []string, set map[string]bool, secrets []string) {
	switch {
	case set["redis"] && set["dir"]:
		d.in(path, d.later(path, "redis", "dir"), "both redis and dir are set; a backend is one or the other")
	case !set["redis"] && !set["dir"]:
		d.at(path, `needs redis = "URL" or dir = "PATH"`)
	case set["dir"]:
		for _, k := range redisOnly {
			if set[k] {
				d.in(path, k, "%s applies to redis backends only, and this one is a dir", k)
			}
		}
		return
	}
	if set["tls_cert"] != set["tls_key"] {
		has, lacks := "tls_cert", "tls_key"
		if set["tls_key"] {
			has, lacks = lacks, has
		}
		d.in(path, has, "%s needs %s as well: a client certificate comes with its key", has, lacks)
	}
	if len(secrets) > 1 {
		all, verb := secrets[0]+" and "+secrets[1], "both"
		if len(secrets) == 3 {
			all, verb = secrets[0]+", "+secrets[1]+" and "+secrets[2], "all"
		}
		d.in(path, secrets[1], "%s are %s set; keep one password source", all, verb)
	}
}

// later is whichever of two keys of a table comes last in the file.
func (d *decoder) later(table []string, a, b string) string {
	la, ca := d.pos.of(append(table[:len(table):len(table)], a))
	lb, cb := d.pos.of(append(table[:len(table):len(table)], b))
	if lb > la || lb == la && cb > ca {
		return b
	}
	return a
}

// checkName returns why name cannot be a backend name, "" if it can. Names
// end up on the command line as NAME=URL, which main splits at the first
// '=' and only when the part before holds none of ":/?".
func checkName(name string) string {
	if name == "" {
		return "is empty"
	}
	for _, r := range name {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return "has a space or control character"
		case strings.ContainsRune("=:/?", r):
			return "has " + string(r) + "; names are written NAME=URL on the command line"
		}
	}
	return ""
}

func (d *decoder) secret(path []string, v any) *secret {
	s, ok := d.nonEmpty(path, v)
	if !ok {
		return nil
	}
	switch path[len(path)-1] {
	case "password_env":
		if strings.ContainsAny(s, "=\x00") {
			d.at(path, "is not an environment variable name")
			return nil
		}
		return &secret{kind: envPassword, value: s}
	case "password_command":
		return &secret{kind: commandPassword, value: s}
	default:
		return &secret{kind: literalPassword, value: s}
	}
}
