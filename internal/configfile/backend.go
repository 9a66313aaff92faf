package configfile

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// File is a loaded config file.
type File struct {
	// Path is the file that was read, "" when none was (Open found no file
	// at the default location).
	Path string
	// Default names the backend to use when none is asked for; "" if unset.
	// When set, it names one of Backends.
	Default string
	// Backends are in the order the file first mentions them.
	Backends []*Backend
	// Keys maps a UI action to its key bindings. Action names are the UI's
	// to check; a single string in the file becomes a one-element list.
	Keys map[string][]string
	// Theme is the UI's [theme] table, not interpreted here.
	Theme Theme

	// pos places the UI's later findings in Keys and Theme (Errorf).
	pos positions
}

// Errorf reports a problem found later in a table this package does not
// interpret ([keys], [theme]) at the line of the key path ("keys", "edit"),
// or of the nearest table around it that the file writes.
func (f *File) Errorf(path []string, format string, args ...any) *Error {
	line, col := 0, 0
	for n := len(path); n > 0 && line == 0; n-- {
		line, col = f.pos.of(path[:n])
	}
	return &Error{File: f.Path, Line: line, Col: col, Key: dotted(path), Msg: fmt.Sprintf(format, args...)}
}

// Theme is the [theme] table: a base theme name ("dark", "light", "auto",
// checked by the UI) and colour overrides from [theme.colors].
type Theme struct {
	Name   string
	Colors map[string]string
}

// Backend returns the backend called name, or nil.
func (f *File) Backend(name string) *Backend {
	for _, b := range f.Backends {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// Backend is one [backends.NAME] table. Exactly one of Redis and Dir is set.
type Backend struct {
	Name string
	// Redis is the URL as written; it is the Redis client's to parse.
	Redis string
	// Dir is the directory, with ~/ expanded and made relative to the config
	// file's directory when written relative.
	Dir string
	// Prefix, Discover, Timeout and TLS apply to Redis backends only.
	Prefix   string
	Discover bool
	ReadOnly bool
	// Timeout is 0 when the file does not set one.
	Timeout time.Duration
	TLS     TLS

	file string
	// table and keys place later errors about this backend (Errorf).
	table place
	keys  map[string]place
	// secret sits behind a pointer so that printing a Backend with %v or
	// %+v shows an address, never a literal password.
	secret *secret
	getenv func(string) string
}

// TLS holds the tls_* keys; paths are expanded like Dir.
type TLS struct {
	CA, Cert, Key string
	ServerName    string
	Insecure      bool
}

// HasPassword reports whether the backend names a password source.
func (b *Backend) HasPassword() bool { return b.secret != nil }

// Errorf reports a problem found later (a Redis URL the client rejects, a
// CA file that cannot be read) at the line of key in the backend's table,
// or at the table itself when key is "" or not in the file. The message
// must not carry secrets.
func (b *Backend) Errorf(key, format string, args ...any) error {
	at, path := b.table, dotted([]string{"backends", b.Name})
	if p, ok := b.keys[key]; ok {
		at, path = p, dotted([]string{"backends", b.Name, key})
	}
	return &Error{File: b.file, Line: at.line, Col: at.col, Key: path, Msg: fmt.Sprintf(format, args...)}
}

// String describes the backend for listings and logs, without secrets: a
// Redis URL shows its user name but not its password or parameters.
func (b *Backend) String() string {
	var parts []string
	if b.Redis != "" {
		parts = append(parts, "redis "+displayURL(b.Redis))
	} else {
		parts = append(parts, "dir "+b.Dir)
	}
	if b.ReadOnly {
		parts = append(parts, "readonly")
	}
	if b.secret != nil {
		parts = append(parts, b.secret.describe())
	}
	return b.Name + ": " + strings.Join(parts, ", ")
}

func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return "(URL not shown: it does not parse)"
	}
	shown := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	if u.User != nil {
		shown.User = url.User(u.User.Username())
	}
	// Parameters are left out: only prefix is known, but a user may well
	// try ?password=.
	if u.RawQuery != "" {
		return shown.String() + "?…"
	}
	return shown.String()
}
