//go:build !windows

package configfile

import (
	"os"
	"strings"
	"testing"
)

func TestLiteralPasswordNeedsPrivateFile(t *testing.T) {
	const body = "[backends.a]\nredis = \"redis://a\"\npassword = \"lit\"\n"
	for _, tt := range []struct {
		mode os.FileMode
		ok   bool
	}{
		{0o600, true},
		{0o400, true},
		{0o700, true},
		{0o644, false},
		{0o640, false},
		{0o604, false},
		{0o620, false},
		{0o602, false},
	} {
		path := writeFile(t, t.TempDir(), "config.toml", body, tt.mode)
		_, err := Load(path)
		if tt.ok {
			if err != nil {
				t.Errorf("mode %04o: %v", tt.mode, err)
			}
			continue
		}
		want := "config " + path + ":3:1: backends.a.password: the file's mode "
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Errorf("mode %04o: error %v, want one naming the file and chmod 600", tt.mode, err)
		}
	}
}

// Indirect passwords may sit in a readable file, but a command must not be
// editable by others.
func TestIndirectPasswordModes(t *testing.T) {
	for _, tt := range []struct {
		key  string
		mode os.FileMode
		want string // "" for no error
	}{
		{`password_env = "P"`, 0o644, ""},
		{`password_env = "P"`, 0o666, ""},
		{`password_command = "pass show p"`, 0o644, ""},
		{`password_command = "pass show p"`, 0o664, ":3:1: backends.a.password_command: the file's mode 0664 lets group or others change the command it runs; chmod go-w "},
		{`password_command = "pass show p"`, 0o646, "chmod go-w"},
	} {
		path := writeFile(t, t.TempDir(), "config.toml", "[backends.a]\nredis = \"redis://a\"\n"+tt.key+"\n", tt.mode)
		_, err := Load(path)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s at %04o: %v", tt.key, tt.mode, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s at %04o: error %v, want one containing %q", tt.key, tt.mode, err, tt.want)
		}
	}
}

// A password written into the redis URL is as literal as the password key:
// the file must be private; a URL without one is not.
func TestPasswordInTheURLNeedsPrivateFile(t *testing.T) {
	for _, tt := range []struct {
		url  string
		mode os.FileMode
		want string // "" for no error
	}{
		{"redis://:s3cret@h:6379/0", 0o644, ":2:1: backends.a.redis: the file's mode 0644 lets group or others read the password in this URL; chmod 600 "},
		{"redis://ops:s3cret@h:6379/0", 0o640, "chmod 600"},
		{"redis+sentinel://s1:26379?master_name=m&password=s3cret", 0o644, "backends.a.redis"},
		{"redis://:s3cret@h:6379/0", 0o600, ""},
		{"redis://ops@h:6379/0", 0o644, ""},
		{"redis://h:6379/0", 0o644, ""},
	} {
		path := writeFile(t, t.TempDir(), "config.toml", "[backends.a]\nredis = \""+tt.url+"\"\n", tt.mode)
		_, err := Load(path)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s at %04o: %v", tt.url, tt.mode, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s at %04o: error %v, want one containing %q", tt.url, tt.mode, err, tt.want)
		case err != nil && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("the error shows the password: %v", err)
		}
	}
}
