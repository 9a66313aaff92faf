package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A binding matches a key press by its String(): the typed text when the
// key types one, else Bubble Tea's keystroke name, modifiers first in the
// order ctrl, alt, shift. A [keys] entry written any other way would be
// accepted, shown in the key bar, and never match, so keyName checks it
// against what a key press can produce.

// namedKeys are the keystroke names of keys that type no text (space
// types " ", but Bubble Tea names it "space").
var namedKeys = func() map[string]bool {
	names := map[string]bool{}
	for _, n := range []string{
		"enter", "esc", "tab", "space", "backspace", "delete", "insert",
		"up", "down", "left", "right", "home", "end", "pgup", "pgdown",
	} {
		names[n] = true
	}
	for i := 1; i <= 20; i++ {
		names["f"+strconv.Itoa(i)] = true
	}
	return names
}()

// keyAliases are names a user may well write for a named key.
var keyAliases = map[string]string{"escape": "esc", " ": "space", "pgdn": "pgdown"}

// modifierOrder is the order Bubble Tea writes modifiers in.
var modifierOrder = []string{"ctrl", "alt", "shift"}

// keyNameHint is what every refused key name is told.
const keyNameHint = `write one character ("x", "G", "?"), or a named key (enter, esc, tab, space, backspace, delete, insert, up, down, left, right, home, end, pgup, pgdown, f1 to f20), optionally after ctrl+, alt+ or shift+ ("ctrl+s", "shift+tab")`

// keyName returns the name a key press has for what the user wrote:
// named keys and modifiers in lower case ("F1" is "f1", "Ctrl+S" is
// "ctrl+s", "shift+ctrl+x" is "ctrl+shift+x"), a lone character as
// written ("G" is not "g"). It refuses a name no key press has.
func keyName(s string) (string, error) {
	if alias, ok := keyAliases[strings.ToLower(s)]; ok {
		return alias, nil
	}
	if utf8.RuneCountInString(s) == 1 {
		r, _ := utf8.DecodeRuneInString(s)
		if !unicode.IsPrint(r) {
			return "", fmt.Errorf("%q is not a key name: %s", s, keyNameHint)
		}
		return s, nil
	}
	// The key comes after the last '+', which is the key itself in
	// "ctrl++".
	rest, base := "", s
	if strings.HasSuffix(s, "++") {
		rest, base = strings.TrimSuffix(s, "++"), "+"
	} else if i := strings.LastIndex(s, "+"); i >= 0 {
		rest, base = s[:i], s[i+1:]
	}
	mods := map[string]bool{}
	for p := range strings.SplitSeq(rest, "+") {
		if rest == "" {
			break
		}
		p = strings.ToLower(p)
		if !slices.Contains(modifierOrder, p) || mods[p] {
			return "", fmt.Errorf("%q is not a key name: %q is not a modifier (ctrl, alt, shift, each once): %s", s, p, keyNameHint)
		}
		mods[p] = true
	}
	lower := strings.ToLower(base)
	if alias, ok := keyAliases[lower]; ok {
		lower = alias
	}
	switch {
	case namedKeys[lower]:
		base = lower
	case utf8.RuneCountInString(base) == 1 && unicode.IsPrint([]rune(base)[0]):
		r := []rune(base)[0]
		if !mods["ctrl"] && !mods["alt"] {
			// Shift with a character types the shifted character, which is
			// what the press is named.
			return "", fmt.Errorf("%q is not a key name: shift with a character types another character; write that character (%q for shift+a)", s, "A")
		}
		if unicode.IsUpper(r) {
			// A terminal reports alt+A as alt+shift+a; ctrl+A reaches a
			// program as ctrl+a.
			if !mods["ctrl"] {
				mods["shift"] = true
			}
			base = string(unicode.ToLower(r))
		}
	default:
		return "", fmt.Errorf("%q is not a key name: %s", s, keyNameHint)
	}
	var b strings.Builder
	for _, m := range modifierOrder {
		if mods[m] {
			b.WriteString(m + "+")
		}
	}
	b.WriteString(base)
	return b.String(), nil
}
