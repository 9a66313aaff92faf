package configfile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"time"
	"unicode"
)

// PasswordCommandTimeout bounds a password_command when the caller's
// context does not bound it sooner: long enough for a gpg-agent prompt,
// short enough that a command waiting on input it will never get does not
// hang the program.
const PasswordCommandTimeout = 30 * time.Second

// maxOutput caps what is kept of a password command's output.
const maxOutput = 64 << 10

type secretKind int

const (
	literalPassword secretKind = iota
	envPassword
	commandPassword
)

// secret is where a backend's password comes from. Only a literal holds the
// password itself; value is otherwise a variable name or a command line.
type secret struct {
	kind  secretKind
	value string
}

func (s *secret) key() string {
	return [...]string{"password", "password_env", "password_command"}[s.kind]
}

func (s *secret) describe() string {
	switch s.kind {
	case envPassword:
		return "password from $" + s.value
	case commandPassword:
		// The command line is not shown: someone will write `echo hunter2`.
		return "password from a command"
	default:
		return "password in the file"
	}
}

// Password returns the backend's password, "" when it names no source. It
// reads the environment variable or runs the command on every call, so a
// rotated secret is picked up and nothing is kept in memory longer than the
// caller keeps it.
//
// password_command runs through the system shell (/bin/sh -c on Unix,
// cmd /C on Windows) because users write it as they would type it, pipes
// included: `pass show redis/prod | head -n1`. Its stdin is empty, its
// stdout less one trailing newline is the password, and it is stopped at
// ctx's end or after PasswordCommandTimeout. A failure reports the exit
// status and the first line of stderr, never stdout.
func (b *Backend) Password(ctx context.Context) (string, error) {
	s := b.secret
	if s == nil {
		return "", nil
	}
	switch s.kind {
	case envPassword:
		getenv := b.getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		v := getenv(s.value)
		if v == "" {
			return "", b.Errorf(s.key(), "environment variable %s is not set or empty", s.value)
		}
		return v, nil
	case commandPassword:
		return b.runPasswordCommand(ctx, s)
	default:
		return s.value, nil
	}
}

func (b *Backend) runPasswordCommand(ctx context.Context, s *secret) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, PasswordCommandTimeout)
	defer cancel()
	cmd := shellCommand(ctx, s.value)
	var stdout, stderr capped
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A grandchild (sh's own child) can hold the pipes open after the kill;
	// this bounds how long Run waits for them.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	fail := func(msg string, cause error) error {
		e := b.Errorf(s.key(), "%s", msg).(*Error)
		e.Err = cause
		return e
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return "", fail("did not finish in time", ctxErr)
	}
	if err != nil {
		msg := "failed"
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			msg = exit.ProcessState.String()
			err = nil
		}
		if line := firstLine(stderr.buf.Bytes()); line != "" {
			msg += ": " + line
		}
		return "", fail(msg, err)
	}
	if stdout.dropped {
		return "", fail("printed more than 64 KiB", nil)
	}
	out := stdout.buf.String()
	out = strings.TrimSuffix(out, "\n")
	out = strings.TrimSuffix(out, "\r")
	switch {
	case out == "":
		return "", fail("printed nothing on stdout", nil)
	case strings.ContainsAny(out, "\r\n"):
		// Sending several lines as a password fails in a confusing way at the
		// server; `pass show` prints metadata lines after the password.
		return "", fail("printed several lines; print the password alone (e.g. add | head -n1)", nil)
	}
	return out, nil
}

// capped keeps the first maxOutput bytes written to it and drops the rest,
// without failing the writer (which would kill the command with EPIPE).
type capped struct {
	buf     bytes.Buffer
	dropped bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := maxOutput - c.buf.Len()
	if len(p) > room {
		c.dropped = true
		c.buf.Write(p[:room])
		return len(p), nil
	}
	c.buf.Write(p)
	return len(p), nil
}

// firstLine is the first non-blank line of a command's stderr, printable
// characters only and cut to a length that fits an error line.
func firstLine(b []byte) string {
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.Map(func(r rune) rune {
			if unicode.IsPrint(r) {
				return r
			}
			if r == '\t' {
				return ' '
			}
			return -1
		}, line)
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if r := []rune(line); len(r) > 200 {
			line = string(r[:200]) + "…"
		}
		return line
	}
	return ""
}
