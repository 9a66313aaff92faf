// Command confo browses and edits Confo configurations kept in Redis or in a
// directory: a terminal UI by default, and headless commands for scripts.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/confo-dev/confo/internal/cli"
)

func main() {
	// A closed terminal (SIGHUP) or a polite kill (SIGTERM) ends the run
	// like ctrl+c does: the context is cancelled and every deferred
	// cleanup runs, the demo's temporary folder included. A second signal
	// kills at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := cli.Run(ctx, cli.Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Keys: keyMap()})
	stop()
	os.Exit(code)
}
