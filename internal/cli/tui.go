package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/internal/configfile"
	"github.com/confo-dev/confo/internal/demo"
	"github.com/confo-dev/confo/internal/session"
	"github.com/confo-dev/confo/ui"
)

// tuiInput is everything the terminal UI starts from: the backends to open
// and the user's settings. The command line (flags and config file) fills
// it; runTUI owns what happens next.
type tuiInput struct {
	Specs   []session.Spec
	Session session.Options
	// Demo is set when Specs are the embedded demo's; runTUI closes it.
	Demo *demo.Demo
	Keys ui.KeyMap
	// KeyBindings and Theme are the config file's [keys] and [theme].
	KeyBindings map[string][]string
	Theme       configfile.Theme
	// Timeout bounds each load and commit.
	Timeout time.Duration
	Stderr  io.Writer
}

// runTUIFromFlags fills the terminal UI's input from the flags and the
// config file: the backends they name (only -b NAME's when given), else
// the embedded demo; the key bindings and theme of the file.
func (a *app) runTUIFromFlags() error {
	set, err := a.backends(true)
	if err != nil {
		return err
	}
	specs := set.specs
	if a.opts.backend != "" {
		spec, err := set.pick(a.opts.backend)
		if err != nil {
			return err
		}
		specs = []session.Spec{spec}
	}
	file, err := a.configFile()
	if err != nil {
		return err
	}
	a.warnInsecure(specs)
	in := tuiInput{
		Specs:       specs,
		Session:     a.opts.sessionOptions(),
		Keys:        a.env.Keys,
		KeyBindings: file.Keys,
		Theme:       file.Theme,
		Timeout:     a.opts.timeout,
		Stderr:      a.errw,
	}
	// runTUI owns the demo from here and closes it.
	in.Demo, a.demo = a.demo, nil
	return runTUI(a.ctx, in)
}

// runTUI opens every backend and runs the terminal UI over them.
func runTUI(ctx context.Context, in tuiInput) error {
	if in.Demo != nil {
		defer in.Demo.Close()
	}
	sess, err := session.Open(ctx, in.Specs, in.Session)
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
	app := ui.New(backends, in.Keys, ui.Options{Context: ctx, Timeout: in.Timeout})
	if _, err := tea.NewProgram(app, tea.WithContext(ctx)).Run(); err != nil {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}
