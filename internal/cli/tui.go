package cli

import (
	"context"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/ui"
)

// runTUI opens every backend and runs the terminal UI over them.
func runTUI(ctx context.Context, opts options, keys ui.KeyMap, stderr io.Writer) error {
	sess, err := openSession(ctx, opts, stderr, false)
	if err != nil {
		return err
	}
	defer sess.Close()
	backends, err := sess.Backends()
	if err != nil {
		return err
	}
	// Quitting cancels what is still in flight: the commands run under ctx.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	app := ui.New(backends, keys, ui.Options{Context: ctx, Timeout: opts.timeout})
	if _, err := tea.NewProgram(app, tea.WithContext(ctx)).Run(); err != nil {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}
