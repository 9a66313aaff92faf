package main

import "github.com/confo-dev/confo/ui"

// keyMap is the key map main hands to the UI: the UI's documented defaults,
// the place where bindings from the config file will be applied.
func keyMap() ui.KeyMap { return ui.DefaultKeyMap() }
