package ui

import "strings"

// SettingError is a mistake in the config file's [keys] or [theme] table
// that only the UI can see: an action, theme or colour it does not know, a
// key no key press produces, two actions on one key. The config file
// reader places it at Path, the TOML key at fault: ["keys", "edit"],
// ["theme", "colors", "accent"].
type SettingError struct {
	Path []string
	Msg  string
}

func (e *SettingError) Error() string { return strings.Join(e.Path, ".") + ": " + e.Msg }

// SettingErrors are every mistake found in one table, so that one run
// reports them all; its text is one line per mistake.
type SettingErrors []*SettingError

func (l SettingErrors) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// orNil is nil for no mistakes, so that callers can test err != nil.
func (l SettingErrors) orNil() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
