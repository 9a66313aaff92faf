package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/demo"
	"github.com/confo-dev/confo/internal/session"
	"github.com/confo-dev/confo/model"
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
	// Keys and Theme are the UI's with the config file's [keys] and
	// [theme] applied.
	Keys  ui.KeyMap
	Theme ui.ThemeSettings
	// Timeout bounds each load and commit.
	Timeout time.Duration
	// NoWatch turns off following other clients' changes live (--no-watch):
	// they show up on a reload only.
	NoWatch bool
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
	a.warnInsecure(specs)
	in := tuiInput{
		Specs:   specs,
		Session: a.opts.sessionOptions(),
		Keys:    a.keys,
		Theme:   a.theme,
		Timeout: a.opts.timeout,
		NoWatch: a.noWatch,
		Stderr:  a.errw,
	}
	// runTUI owns the demo from here and closes it.
	in.Demo, a.demo = a.demo, nil
	return startTUI(a.ctx, in)
}

// startTUI is runTUI; tests replace it to see what the command line filled
// in.
var startTUI = runTUI

// runTUI shows every backend at once and opens and loads them in the
// background: one that cannot be reached is shown with its error and a
// retry key while the others are used.
func runTUI(ctx context.Context, in tuiInput) error {
	if in.Demo != nil {
		defer in.Demo.Close()
	}
	themeSettings := in.Theme
	themeSettings.NoColor = os.Getenv("NO_COLOR") != ""
	backends := make([]*model.Backend, len(in.Specs))
	for i, spec := range in.Specs {
		backends[i] = model.NewPending(spec.Name, source(spec, in.Session), model.Options{ReadOnly: in.Session.ReadOnly, Discover: in.Session.Discover})
	}
	defer func() {
		for _, b := range backends {
			b.Close()
		}
	}()
	// Quitting cancels what is still in flight: the commands run under ctx.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	app := ui.New(backends, in.Keys, ui.Options{
		Context: ctx, Timeout: in.Timeout, ThemeSettings: themeSettings, NoWatch: in.NoWatch,
	})
	if _, err := tea.NewProgram(app, tea.WithContext(ctx)).Run(); err != nil {
		// A closed terminal (SIGHUP) or kill(1) (SIGTERM) cancels ctx (see
		// main): the user ended the run, as with quit, so it ends quietly
		// with status 0, whether Bubble Tea saw the signal first or not.
		if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}

// source is how the UI opens one spec, and what it shows until then: the
// address without a password.
func source(spec session.Spec, opts session.Options) model.Source {
	src := model.Source{
		Kind: string(spec.Kind), Address: spec.Target,
		Open: func(ctx context.Context) (confo.Store, error) {
			store, err := session.Connect(ctx, spec, opts)
			return store, session.Unnamed(err)
		},
	}
	if spec.Kind == confo.BackendRedis {
		src.Address = spec.Name
		if cfg, err := confo.ParseRedisURL(spec.Target); err == nil {
			if opts.Prefix != "" {
				cfg.Prefix = opts.Prefix
			}
			src.Address, src.Prefix = cfg.String(), cfg.Prefix
		}
	}
	return src
}
