package configfile

import (
	"errors"
	"io/fs"
	"path/filepath"
)

// EnvVar names the environment variable that points at the config file.
const EnvVar = "CONFO_CONFIG"

// Find returns the config file to read. A --config path (flagPath) comes
// first, then $CONFO_CONFIG, then $XDG_CONFIG_HOME/confo/config.toml, then
// ~/.config/confo/config.toml. explicit is true for the first two, whose
// file must exist; the others may be absent. path is "" when no location
// can be made (no HOME and no XDG_CONFIG_HOME). getenv is usually
// os.Getenv.
func Find(flagPath string, getenv func(string) string) (path string, explicit bool, err error) {
	named := flagPath
	if named == "" {
		named = getenv(EnvVar)
	}
	if named != "" {
		p, err := expandHome(named, getenv)
		if err != nil {
			return "", true, &Error{File: named, Msg: err.Error()}
		}
		return p, true, nil
	}
	// The XDG spec says to ignore a relative XDG_CONFIG_HOME.
	if x := getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "confo", "config.toml"), false, nil
	}
	if h := homeDir(getenv); h != "" {
		return filepath.Join(h, ".config", "confo", "config.toml"), false, nil
	}
	return "", false, nil
}

// Open finds the config file as Find does and loads it. No file at the
// default location yields an empty File (Path ""); a file named by
// --config or CONFO_CONFIG must exist.
func Open(flagPath string, getenv func(string) string) (*File, error) {
	path, explicit, err := Find(flagPath, getenv)
	if err != nil {
		return nil, err
	}
	if path == "" {
		return &File{}, nil
	}
	f, err := load(path, getenv)
	if !explicit && errors.Is(err, fs.ErrNotExist) {
		return &File{}, nil
	}
	return f, err
}
