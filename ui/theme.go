package ui

import (
	"fmt"
	"image/color"
	"slices"
	"sort"
	"strings"

	"charm.land/lipgloss/v2"
)

// Theme holds every style the UI draws with, so colours live in one place.
type Theme struct {
	Border, FocusBorder lipgloss.Style
	Title, FocusTitle   lipgloss.Style
	Selected            lipgloss.Style
	// SelectedBlur marks the selection of a pane without focus.
	SelectedBlur lipgloss.Style
	Dim          lipgloss.Style
	Header       lipgloss.Style
	Badge        lipgloss.Style
	ReadOnly     lipgloss.Style
	OK, Err      lipgloss.Style
	Key, KeyDesc lipgloss.Style
	Modified     lipgloss.Style
	Added        lipgloss.Style
	Deleted      lipgloss.Style
	Conflict     lipgloss.Style
	Bad          lipgloss.Style
	DiffOurs     lipgloss.Style
	DiffTheirs   lipgloss.Style
	Dialog       lipgloss.Style
	Match        lipgloss.Style
}

// palette is the colours a theme is built from; the config file's
// [theme.colors] table overrides them by name.
type palette map[string]string

// paletteKeys are the names [theme.colors] accepts, with what they colour.
var paletteKeys = map[string]string{
	"accent":      "focused borders and titles, keys in help, the backend badge",
	"border":      "borders of panes without focus",
	"title":       "titles of panes without focus",
	"text":        "headings",
	"dim":         "secondary text",
	"selected_bg": "the row under the cursor",
	"selected_fg": "the text of the row under the cursor",
	"blur_bg":     "the cursor row of panes without focus",
	"badge_fg":    "text on the backend and read-only badges",
	"readonly":    "the read-only badge",
	"ok":          "success messages, connected backends",
	"error":       "errors, unreachable backends",
	"modified":    "modified marks, changed remotely",
	"added":       "new marks",
	"deleted":     "deleted marks",
	"conflict":    "conflicts",
	"match":       "search matches in the viewer",
}

var darkPalette = palette{
	"accent": "75", "border": "240", "title": "250", "text": "252", "dim": "244",
	"selected_bg": "24", "selected_fg": "231", "blur_bg": "237", "badge_fg": "16",
	"readonly": "166", "ok": "78", "error": "203", "modified": "214", "added": "78",
	"deleted": "203", "conflict": "199", "match": "220",
}

var lightPalette = palette{
	"accent": "25", "border": "248", "title": "238", "text": "235", "dim": "242",
	"selected_bg": "153", "selected_fg": "16", "blur_bg": "254", "badge_fg": "231",
	"readonly": "166", "ok": "28", "error": "160", "modified": "130", "added": "28",
	"deleted": "160", "conflict": "163", "match": "178",
}

// ThemeSettings is what the config file's [theme] table and the
// environment say about colours.
type ThemeSettings struct {
	// Name is "dark", "light" or "auto" (from the terminal's background;
	// also when empty).
	Name string
	// Colors override palette entries by name (see ThemeColorNames).
	Colors map[string]string
	// NoColor draws without colour (NO_COLOR is set).
	NoColor bool
}

// ThemeColorNames lists the names [theme.colors] accepts.
func ThemeColorNames() []string {
	names := make([]string, 0, len(paletteKeys))
	for k := range paletteKeys {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Check reports every theme name or colour the UI cannot use, as
// SettingErrors.
func (s ThemeSettings) Check() error {
	var errs SettingErrors
	if !slices.Contains([]string{"", "auto", "dark", "light"}, s.Name) {
		errs = append(errs, &SettingError{[]string{"theme", "name"}, fmt.Sprintf("%q is not a theme; want dark, light or auto", s.Name)})
	}
	names := make([]string, 0, len(s.Colors))
	for k := range s.Colors {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		path := []string{"theme", "colors", k}
		if _, ok := paletteKeys[k]; !ok {
			errs = append(errs, &SettingError{path, "is not a colour name; the names are " + strings.Join(ThemeColorNames(), ", ")})
		} else if !validColor(s.Colors[k]) {
			errs = append(errs, &SettingError{path, fmt.Sprintf("%q: want \"#rrggbb\", \"#rgb\" or an ANSI colour number 0-255", s.Colors[k])})
		}
	}
	return errs.orNil()
}

func validColor(c string) bool {
	if strings.HasPrefix(c, "#") {
		h := c[1:]
		if len(h) != 3 && len(h) != 6 {
			return false
		}
		return strings.Trim(strings.ToLower(h), "0123456789abcdef") == ""
	}
	n := 0
	for _, r := range c {
		if r < '0' || r > '9' {
			return false
		}
		n = n*10 + int(r-'0')
	}
	return c != "" && len(c) <= 3 && n <= 255
}

// auto reports whether the theme follows the terminal's background.
func (s ThemeSettings) auto() bool { return !s.NoColor && (s.Name == "" || s.Name == "auto") }

// resolve builds the theme for a terminal with a dark (or light) background.
func (s ThemeSettings) resolve(dark bool) Theme {
	if s.NoColor {
		return MonoTheme()
	}
	base := darkPalette
	if s.Name == "light" || (s.auto() && !dark) {
		base = lightPalette
	}
	p := palette{}
	for k, v := range base {
		p[k] = v
	}
	for k, v := range s.Colors {
		p[k] = v
	}
	return p.theme()
}

// DefaultTheme is the dark palette.
func DefaultTheme() Theme { return darkPalette.theme() }

func (p palette) theme() Theme {
	c := func(name string) color.Color { return lipgloss.Color(p[name]) }
	fg := func(name string) lipgloss.Style { return lipgloss.NewStyle().Foreground(c(name)) }
	return Theme{
		Border:       fg("border"),
		FocusBorder:  fg("accent"),
		Title:        fg("title"),
		FocusTitle:   fg("accent").Bold(true),
		Selected:     lipgloss.NewStyle().Background(c("selected_bg")).Foreground(c("selected_fg")).Bold(true),
		SelectedBlur: lipgloss.NewStyle().Background(c("blur_bg")),
		Dim:          fg("dim"),
		Header:       fg("text").Bold(true),
		Badge:        lipgloss.NewStyle().Background(c("accent")).Foreground(c("badge_fg")).Bold(true),
		ReadOnly:     lipgloss.NewStyle().Background(c("readonly")).Foreground(c("badge_fg")).Bold(true),
		OK:           fg("ok"),
		Err:          fg("error").Bold(true),
		Key:          fg("accent").Bold(true),
		KeyDesc:      fg("dim"),
		Modified:     fg("modified"),
		Added:        fg("added"),
		Deleted:      fg("deleted"),
		Conflict:     fg("conflict").Bold(true),
		Bad:          fg("error"),
		DiffOurs:     fg("added"),
		DiffTheirs:   fg("deleted"),
		Dialog:       fg("accent"),
		Match:        lipgloss.NewStyle().Background(c("match")).Foreground(c("badge_fg")),
	}
}

// MonoTheme draws with attributes only (bold, reverse, underline), for
// NO_COLOR: the cursor row and the focused pane stay visible.
func MonoTheme() Theme {
	n := lipgloss.NewStyle()
	return Theme{
		Border: n, FocusBorder: n.Bold(true), Title: n, FocusTitle: n.Bold(true).Underline(true),
		Selected: n.Reverse(true).Bold(true), SelectedBlur: n.Underline(true),
		Dim: n.Faint(true), Header: n.Bold(true), Badge: n.Reverse(true), ReadOnly: n.Reverse(true).Bold(true),
		OK: n, Err: n.Bold(true), Key: n.Bold(true), KeyDesc: n,
		Modified: n.Bold(true), Added: n.Bold(true), Deleted: n.Bold(true), Conflict: n.Bold(true).Underline(true),
		Bad: n.Bold(true), DiffOurs: n.Bold(true), DiffTheirs: n.Faint(true), Dialog: n.Bold(true), Match: n.Reverse(true),
	}
}
