// Package cli is confo's command line: the flags and the config file, the
// headless commands for scripts, their exit statuses, shell completion, and
// the start of the terminal UI.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/session"
	"github.com/confo-dev/confo/internal/termsafe"
	"github.com/confo-dev/confo/ui"
)

// Exit statuses, part of the command's contract with scripts.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2
	exitConflict = 3
)

// quietRedisLog drops go-redis's own log lines: they would tear the
// terminal UI, and every failure already reaches the user as an error.
type quietRedisLog struct{}

func (quietRedisLog) Printf(context.Context, string, ...any) {}

// Env is what one run of the command gets from its process.
type Env struct {
	Args           []string
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Keys is the key map of the terminal UI.
	Keys ui.KeyMap
}

// usageError is a mistake in the command line, reported with exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// configError is a config file that cannot be read or has mistakes; like a
// usage error, the user has to fix what they wrote (exit status 2). A
// password command that fails when run is an operational error instead.
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

// Run runs one command line and returns the process's exit status.
func Run(ctx context.Context, env Env) int {
	redis.SetLogger(quietRedisLog{})
	a := newApp(ctx, env)
	root := a.rootCommand()
	root.SetArgs(positionalNegatives(root, env.Args))
	err := root.ExecuteContext(ctx)
	a.profile.stop()
	a.out.Flush()
	a.closeDemo()
	return a.report(err)
}

// report prints an error, one line per failure, and maps it to an exit
// status. On a terminal the text is escaped: it may quote stored names.
func (a *app) report(err error) int {
	if err == nil {
		a.errw.Flush()
		return exitOK
	}
	if errors.Is(err, errDiffers) {
		return exitError
	}
	for line := range strings.SplitSeq(err.Error(), "\n") {
		a.errw.WriteString("confo: " + a.errw.Line(line) + "\n")
	}
	a.errw.Flush()
	return exitCode(err)
}

func exitCode(err error) int {
	var (
		usage   usageError
		badSpec *session.BadSpecError
		file    configError
		diff    diffFailed
	)
	switch {
	case errors.As(err, &usage), errors.As(err, &badSpec), errors.As(err, &file), errors.As(err, &diff):
		return exitUsage
	case errors.Is(err, confo.ErrConflict):
		return exitConflict
	case errors.Is(err, confo.ErrBusy):
		// Nothing was written and nothing conflicts: another process held
		// the lock past --timeout (the message names it). Trying again
		// later is the fix, as for any operational error.
		return exitError
	}
	return exitError
}

// isTerminal reports whether w is a terminal; only an *os.File can be.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && termsafe.IsTerminal(f)
}
