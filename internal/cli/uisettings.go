package cli

import (
	"errors"

	"github.com/confo-dev/confo/internal/configfile"
	"github.com/confo-dev/confo/ui"
)

// uiSettings applies the config file's [keys] and [theme] with the UI's
// own rules as the file is read, so that every command, headless or not,
// reports a mistake there like any other in the file: at its line, with
// exit status 2. keys are the UI's defaults.
func uiSettings(f *configfile.File, keys ui.KeyMap) (ui.KeyMap, ui.ThemeSettings, error) {
	theme := ui.ThemeSettings{Name: f.Theme.Name, Colors: f.Theme.Colors}
	keys, keysErr := keys.Rebind(f.Keys)
	var list configfile.ErrorList
	for _, err := range []error{keysErr, theme.Check()} {
		if err == nil {
			continue
		}
		found, ok := errors.AsType[ui.SettingErrors](err)
		if !ok {
			return keys, theme, configError{err}
		}
		for _, e := range found {
			list = append(list, f.Errorf(e.Path, "%s", e.Msg))
		}
	}
	if len(list) > 0 {
		list.Sort()
		return keys, theme, configError{list}
	}
	return keys, theme, nil
}
