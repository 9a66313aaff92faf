package main

import (
	"context"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"

	"github.com/confo-dev/confo/model"
	"github.com/confo-dev/confo/ui"
)

// runTUI opens every backend and runs the terminal UI over them.
func runTUI(ctx context.Context, opts options, stderr io.Writer) error {
	sess, err := openSession(ctx, opts, stderr, false)
	if err != nil {
		return err
	}
	defer sess.Close()
	backends, err := sessionBackends(sess, opts)
	if err != nil {
		return err
	}
	app := ui.New(backends, defaultKeyMap(), ui.Options{Timeout: opts.timeout})
	if _, err := tea.NewProgram(app, tea.WithContext(ctx)).Run(); err != nil {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}

// sessionBackends wraps the session's opened backends, in command-line order.
func sessionBackends(sess *session, opts options) ([]*model.Backend, error) {
	var out []*model.Backend
	for _, name := range sess.names {
		store, err := sess.confo.Store(name)
		if err != nil {
			return nil, err
		}
		ws, err := sess.confo.Workspace(name)
		if err != nil {
			return nil, err
		}
		b := model.NewBackend(name, store, ws, opts.readonly)
		b.Discover = opts.discover
		out = append(out, b)
	}
	return out, nil
}
