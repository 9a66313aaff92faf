package configfile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// maxFileSize keeps a mistaken --config (a log, a device) from being read
// whole; a real config file is a few kilobytes.
const maxFileSize = 1 << 20

// Load reads and validates the config file at path, which must exist.
// Paths in it are expanded with the process's environment.
func Load(path string) (*File, error) {
	return load(path, os.Getenv)
}

func load(path string, getenv func(string) string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxFileSize+1))
	if err != nil {
		return nil, fileError(path, err)
	}
	if len(data) > maxFileSize {
		return nil, &Error{File: path, Msg: "larger than 1 MiB; is this the config file?"}
	}
	f, err := parse(path, data, getenv)
	if err != nil {
		return nil, err
	}
	if err := checkPrivate(fh, f); err != nil {
		return nil, err
	}
	return f, nil
}

// checkPrivate refuses a literal password in a file others can read (the
// one place the secret itself sits on disk: the password key or the redis
// URL), and a password_command in a file others can write (whoever edits
// it runs commands as this user).
func checkPrivate(fh *os.File, f *File) error {
	var fi os.FileInfo
	for _, b := range f.Backends {
		inURL := urlHasPassword(b.Redis)
		if !inURL && (b.secret == nil || b.secret.kind == envPassword) {
			continue
		}
		if fi == nil {
			// Stat the open file, not the path, so the mode is that of the
			// bytes just read.
			var err error
			if fi, err = fh.Stat(); err != nil {
				return fileError(f.Path, err)
			}
		}
		mode := fi.Mode().Perm()
		switch {
		case inURL && othersHave(fi, 0o066):
			return b.Errorf("redis", "the file's mode %04o lets group or others read the password in this URL; chmod 600 %s, or move it to password_env or password_command", mode, f.Path)
		case b.secret == nil:
		case b.secret.kind == literalPassword && othersHave(fi, 0o066):
			return b.Errorf("password", "the file's mode %04o lets group or others read this password; chmod 600 %s, or use password_env or password_command", mode, f.Path)
		case b.secret.kind == commandPassword && othersHave(fi, 0o022):
			return b.Errorf("password_command", "the file's mode %04o lets group or others change the command it runs; chmod go-w %s", mode, f.Path)
		}
	}
	return nil
}

// urlHasPassword reports whether a Redis URL carries a password: in its
// user info, or as the password parameter (Sentinel's data nodes).
func urlHasPassword(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if _, set := u.User.Password(); set {
		return true
	}
	return u.Query().Get("password") != ""
}

// fileError drops the *PathError wrapper, whose text would repeat the path.
func fileError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &Error{File: path, Err: err}
}

// parse decodes data, read from path, into a File. All problems found are
// returned together as an ErrorList.
func parse(path string, data []byte, getenv func(string) string) (*File, error) {
	// Editors on Windows may start the file with a byte order mark, which
	// TOML does not allow and the user cannot see.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		return nil, ErrorList{syntaxError(path, err)}
	}
	d := &decoder{
		problems: problems{file: path, pos: indexPositions(data)},
		base:     filepath.Dir(path),
		getenv:   getenv,
	}
	f := d.document(doc)
	if len(d.list) > 0 {
		d.sort()
		return nil, d.list
	}
	f.Path, f.pos = path, d.pos
	return f, nil
}

var (
	// A character quoted by %#U may be the first of an unquoted secret
	// (password = hunter2); the column already points at it.
	quotedRune = regexp.MustCompile(` ?U\+[0-9A-F]{4,6}( '.')?`)
	// strconv errors repeat the number they could not parse.
	strconvValue = regexp.MustCompile(`strconv\.\w+: parsing "(?:[^"\\]|\\.)*": `)
)

// syntaxError places a go-toml error and strips what it quotes of the text.
func syntaxError(path string, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "toml: ")
	msg = quotedRune.ReplaceAllString(msg, "")
	msg = strconvValue.ReplaceAllString(msg, "")
	msg = strings.TrimRight(msg, ": ")
	if strings.HasSuffix(msg, " got") {
		msg += " something else"
	}
	e := &Error{File: path, Msg: "invalid TOML: " + msg}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		e.Line, e.Col = de.Position()
	}
	return e
}
