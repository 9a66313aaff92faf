//go:build !windows

package configfile

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func commandBackend(t *testing.T, command string) *Backend {
	t.Helper()
	f, _, err := loadString(t, "[backends.a]\nredis = \"redis://a\"\npassword_command = '''"+command+"'''\n")
	if err != nil {
		t.Fatal(err)
	}
	return f.Backend("a")
}

func TestPasswordCommand(t *testing.T) {
	tests := []struct {
		command, want string
	}{
		{`printf secret`, "secret"},
		{`printf 'secret\n'`, "secret"},
		{`printf 'secret\r\n'`, "secret"},
		{`printf '  spaced secret  \n'`, "  spaced secret  "},
		{`echo noise >&2; printf secret`, "secret"},
		{`printf 'line1\nline2\n' | head -n1`, "line1"},
	}
	for _, tt := range tests {
		got, err := commandBackend(t, tt.command).Password(context.Background())
		if err != nil || got != tt.want {
			t.Errorf("%s: Password = %q, %v; want %q", tt.command, got, err, tt.want)
		}
	}
}

func TestPasswordCommandFails(t *testing.T) {
	tests := []struct {
		command, want string
	}{
		{`printf stdout-text; printf 'first problem\nsecond problem\n' >&2; exit 3`, "password_command: exit status 3: first problem"},
		{`exit 1`, "password_command: exit status 1"},
		{`true`, "password_command: printed nothing on stdout"},
		{`printf 'a\nb\n'`, "password_command: printed several lines"},
		{`head -c 70000 /dev/zero | tr '\0' x`, "password_command: printed more than 64 KiB"},
	}
	for _, tt := range tests {
		b := commandBackend(t, tt.command)
		got, err := b.Password(context.Background())
		if err == nil {
			t.Errorf("%s: Password = %q, want an error", tt.command, got)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.want) || !strings.HasPrefix(msg, "config ") || strings.Contains(msg, "\n") {
			t.Errorf("%s: error %q, want one line containing %q", tt.command, msg, tt.want)
		}
		if strings.Contains(msg, "stdout-text") || strings.Contains(msg, "second problem") {
			t.Errorf("%s: error %q shows stdout or more than stderr's first line", tt.command, msg)
		}
	}
}

func TestPasswordCommandTimeout(t *testing.T) {
	// The sleep outlives the shell that is killed and holds stdout open;
	// Password must return anyway.
	b := commandBackend(t, `sleep 30; echo late`)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := b.Password(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "password_command: did not finish") {
		t.Errorf("Password = %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Password returned after %v", d)
	}
}

func TestPasswordCommandCancelled(t *testing.T) {
	b := commandBackend(t, `sleep 30`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Password(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Password = %v, want context.Canceled", err)
	}
}
