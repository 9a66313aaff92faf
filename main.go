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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Keys: keyMap()})
	stop()
	os.Exit(code)
}
