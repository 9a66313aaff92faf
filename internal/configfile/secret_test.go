package configfile

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

const marker = "S3cr3t-MARKER"

// TestNoSecretInErrors drives every error path with a marker password where
// a secret would be, and fails if the marker shows in any error text or in
// any way of printing a Backend.
func TestNoSecretInErrors(t *testing.T) {
	const r = "[backends.a]\nredis = \"redis://a\"\n"
	loadCases := []struct {
		name string
		body string
		mode os.FileMode
	}{
		{"unknown key beside password", r + "password = \"" + marker + "\"\npasword = \"" + marker + "\"\n", 0o600},
		{"unquoted password", r + "password = " + marker + "\n", 0o600},
		{"unquoted numeric password", r + "password = 31337e99999\n", 0o600},
		{"unquoted password with spaces", r + "password = hello " + marker + "\n", 0o600},
		{"unterminated password", r + "password = \"" + marker + "\n", 0o600},
		{"unterminated multiline password", r + "password = \"\"\"" + marker + "\n", 0o600},
		{"bad escape in password", r + "password = \"" + marker + "\\q\"\n", 0o600},
		{"two strings", r + "password = '" + marker + "' '" + marker + "'\n", 0o600},
		{"password array", r + "password = [\"" + marker + "\"]\n", 0o600},
		{"password table", r + "password = { v = \"" + marker + "\" }\n", 0o600},
		{"password integer", r + "password = 31337\n", 0o600},
		{"duplicate password", r + "password = \"" + marker + "\"\npassword = \"" + marker + "\"\n", 0o600},
		{"two sources", r + "password = \"" + marker + "\"\npassword_env = \"P\"\n", 0o600},
		{"password on dir", "[backends.a]\ndir = \"/srv\"\npassword = \"" + marker + "\"\n", 0o600},
		{"password without backend kind", "[backends.a]\npassword = \"" + marker + "\"\n", 0o600},
		{"password with bad backend name", "[backends.\"a b\"]\nredis = \"r\"\npassword = \"" + marker + "\"\n", 0o600},
		{"password in URL", "[backends.a]\nredis = \"redis://u:" + marker + "@h\"\nreadonly = 1\n", 0o600},
		{"password in URL, empty dir", "[backends.a]\nredis = \"redis://u:" + marker + "@h\"\ndir = \"\"\n", 0o600},
		{"password key not a backend", "password = \"" + marker + "\"\n", 0o600},
		{"command on dir", "[backends.a]\ndir = \"/srv\"\npassword_command = \"echo " + marker + "\"\n", 0o600},
	}
	if runtime.GOOS != "windows" {
		loadCases = append(loadCases, struct {
			name string
			body string
			mode os.FileMode
		}{"literal password, file too open", r + "password = \"" + marker + "\"\n", 0o644})
	}
	for _, tt := range loadCases {
		path := writeFile(t, t.TempDir(), "config.toml", tt.body, tt.mode)
		_, err := load(path, env(map[string]string{"HOME": "/home/u"}))
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		checkNoMarker(t, tt.name, strings.ReplaceAll(err.Error(), "31337", marker))
		t.Logf("%s: %v", tt.name, err)
	}

	getCases := []struct{ name, key, value string }{
		{"env unset", "password_env", marker + "_VAR_IS_NOT_SET"},
	}
	if runtime.GOOS != "windows" {
		getCases = append(getCases, []struct{ name, key, value string }{
			{"command fails after printing", "password_command", "printf " + marker + "; exit 2"},
			{"command fails, secret on stderr's second line", "password_command", "printf 'oops\\n" + marker + "\\n' >&2; exit 2"},
			{"command prints two lines", "password_command", "printf '" + marker + "\\n" + marker + "\\n'"},
			{"command prints too much", "password_command", "printf " + marker + "; head -c 70000 /dev/zero"},
			{"command hangs after printing", "password_command", "printf " + marker + "; sleep 30"},
			{"command killed", "password_command", "printf " + marker + "; kill -9 $$"},
		}...)
	}
	for _, tt := range getCases {
		body := r + tt.key + " = '''" + tt.value + "'''\n"
		f, _, err := loadString(t, body)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		b := f.Backend("a")
		// The variable name holds the marker here; what matters is the
		// value, which the environment below holds too.
		b.getenv = env(map[string]string{"OTHER": marker})
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		_, err = b.Password(ctx)
		cancel()
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		text := err.Error()
		if tt.key == "password_env" {
			text = strings.ReplaceAll(text, tt.value, "VAR")
		}
		checkNoMarker(t, tt.name, text)
		t.Logf("%s: %v", tt.name, err)
	}

	// Printing a backend in any way shows no literal password nor the one
	// in its URL.
	f, _, err := loadString(t, "[backends.a]\nredis = \"rediss://u:"+marker+"@h:1/0?password="+marker+"\"\npassword = \""+marker+"\"\n")
	if err != nil {
		t.Fatal(err)
	}
	b := f.Backend("a")
	printed := fmt.Sprintf("%v %+v %#v %s %v %+v", b, *b, *b, b.String(), f, *f)
	printed = strings.ReplaceAll(printed, b.Redis, "URL") // the Redis field itself is the caller's
	checkNoMarker(t, "printing a Backend", printed)
}

func checkNoMarker(t *testing.T, name, text string) {
	t.Helper()
	if strings.Contains(text, marker) {
		t.Errorf("%s: the secret shows in %q", name, text)
	}
}
