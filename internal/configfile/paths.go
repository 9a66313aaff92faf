package configfile

import (
	"errors"
	"os"
	"path/filepath"
)

// homeDir is $HOME, or on Windows (where HOME is rarely set) %USERPROFILE%.
func homeDir(getenv func(string) string) string {
	if h := getenv("HOME"); h != "" {
		return h
	}
	return getenv("USERPROFILE")
}

// expandHome replaces a leading ~ or ~/ with the home directory. ~user is
// refused rather than passed on as a directory literally named "~user".
func expandHome(p string, getenv func(string) string) (string, error) {
	if p == "" || p[0] != '~' {
		return p, nil
	}
	if len(p) > 1 && !os.IsPathSeparator(p[1]) {
		return "", errors.New("only a leading ~/ is expanded, not ~user")
	}
	home := homeDir(getenv)
	if home == "" {
		return "", errors.New("~ needs HOME to be set")
	}
	return filepath.Join(home, p[1:]), nil
}

// resolvePath expands ~/ and reads a relative path from the config file's
// directory: the program may run from any working directory, the file
// stays where it is.
func resolvePath(p, base string, getenv func(string) string) (string, error) {
	p, err := expandHome(p, getenv)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(base, p)
	}
	return filepath.Clean(p), nil
}
