// Package e2e holds the end-to-end tests: the real confo binary in a tmux
// session against real servers, driven with keystrokes and read back with
// capture-pane, the way a person uses it. It has no code of its own.
package e2e
