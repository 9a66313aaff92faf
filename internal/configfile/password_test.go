package configfile

import (
	"context"
	"strings"
	"testing"
)

func TestPasswordEnv(t *testing.T) {
	f, path, err := loadString(t, "[backends.a]\nredis = \"redis://a\"\npassword_env = \"A_PASS\"\n")
	if err != nil {
		t.Fatal(err)
	}
	b := f.Backend("a")
	b.getenv = env(map[string]string{"A_PASS": "from-env"})
	if got, err := b.Password(context.Background()); err != nil || got != "from-env" {
		t.Errorf("Password = %q, %v", got, err)
	}
	b.getenv = env(nil)
	_, err = b.Password(context.Background())
	if want := "config " + path + ":3:1: backends.a.password_env: environment variable A_PASS is not set or empty"; err == nil || err.Error() != want {
		t.Errorf("Password with A_PASS unset = %v, want %q", err, want)
	}
}

// The environment Open was given is the one Password reads.
func TestPasswordEnvFromOpen(t *testing.T) {
	path := writeFile(t, t.TempDir(), "c.toml", "[backends.a]\nredis = \"r\"\npassword_env = \"A_PASS\"\n", 0o644)
	f, err := Open(path, env(map[string]string{"A_PASS": "injected"}))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.Backend("a").Password(context.Background()); err != nil || got != "injected" {
		t.Errorf("Password = %q, %v", got, err)
	}
}

func TestPasswordLiteralAndNone(t *testing.T) {
	f, _, err := loadString(t, "[backends.a]\nredis = \"r\"\npassword = \"lit\"\n[backends.b]\nredis = \"r\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.Backend("a").Password(context.Background()); err != nil || got != "lit" {
		t.Errorf("literal: Password = %q, %v", got, err)
	}
	if got, err := f.Backend("b").Password(context.Background()); err != nil || got != "" {
		t.Errorf("none: Password = %q, %v", got, err)
	}
	if s := f.Backend("a").String(); !strings.Contains(s, "password in the file") {
		t.Errorf("String() = %q", s)
	}
}
