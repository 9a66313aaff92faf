package ui

import (
	"image/color"

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
}

// DefaultTheme is a dark-background palette in ANSI 256 colours, readable on
// most terminals.
func DefaultTheme() Theme {
	c := func(s string) color.Color { return lipgloss.Color(s) }
	fg := func(s string) lipgloss.Style { return lipgloss.NewStyle().Foreground(c(s)) }
	return Theme{
		Border:       fg("240"),
		FocusBorder:  fg("75"),
		Title:        fg("250"),
		FocusTitle:   fg("75").Bold(true),
		Selected:     lipgloss.NewStyle().Background(c("24")).Foreground(c("231")).Bold(true),
		SelectedBlur: lipgloss.NewStyle().Background(c("237")),
		Dim:          fg("244"),
		Header:       fg("252").Bold(true),
		Badge:        lipgloss.NewStyle().Background(c("75")).Foreground(c("16")).Bold(true),
		ReadOnly:     lipgloss.NewStyle().Background(c("166")).Foreground(c("16")).Bold(true),
		OK:           fg("78"),
		Err:          fg("203").Bold(true),
		Key:          fg("75").Bold(true),
		KeyDesc:      fg("246"),
		Modified:     fg("214"),
		Added:        fg("78"),
		Deleted:      fg("203"),
		Conflict:     fg("199").Bold(true),
		Bad:          fg("203"),
		DiffOurs:     fg("78"),
		DiffTheirs:   fg("203"),
		Dialog:       fg("75"),
	}
}
