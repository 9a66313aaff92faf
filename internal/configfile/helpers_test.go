package configfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// env is an injectable environment for getenv parameters.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// writeFile writes a config file with the given mode and returns its path.
func writeFile(t *testing.T, dir, name, body string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	// WriteFile's mode is filtered by the umask; the tests need it exact.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadString loads body from a private temporary file, with HOME=/home/u.
func loadString(t *testing.T, body string) (*File, string, error) {
	t.Helper()
	path := writeFile(t, t.TempDir(), "config.toml", body, 0o600)
	f, err := load(path, env(map[string]string{"HOME": "/home/u"}))
	return f, path, err
}

// problemsOf returns the *Error values of a Load error.
func problemsOf(t *testing.T, err error) ErrorList {
	t.Helper()
	var list ErrorList
	if errors.As(err, &list) {
		return list
	}
	var one *Error
	if errors.As(err, &one) {
		return ErrorList{one}
	}
	t.Fatalf("error %v (%T) is not a config *Error", err, err)
	return nil
}
