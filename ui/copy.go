package ui

import (
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// y copies what the focused pane selects (a value, a config as JSON, a
// name), Y where it lives (the Redis key or the file's path), both through
// the terminal's clipboard (OSC 52).

func (m *Model) copyValue() tea.Cmd {
	b, sel := m.current, m.selection()
	switch m.focus {
	case paneBackends:
		return m.copy(b.Address(), "the address of "+q(b.Name()))
	case paneNamespaces:
		if sel.ns == "" {
			break
		}
		return m.copy(sel.ns, "the name "+q(sel.ns))
	case paneConfigs, paneFields:
		if sel.cfg == "" {
			break
		}
		field := ""
		if m.focus == paneFields && !m.fields.Whole {
			if sel.deleted {
				m.fail(fmt.Errorf("field %s is deleted here: nothing to copy", q(sel.field)))
				return nil
			}
			field = sel.field
		}
		text, err := b.ConfigJSON(sel.ns, sel.cfg, field)
		if err != nil {
			m.fail(err)
			return nil
		}
		what := "the config " + q(sel.cfg) + " as JSON"
		if field != "" {
			what = "the value of " + q(sel.cfg) + "." + q(field)
		}
		return m.copy(text, what)
	}
	m.fail(errors.New("nothing selected to copy"))
	return nil
}

func (m *Model) copyKey() tea.Cmd {
	b, sel := m.current, m.selection()
	what := "key"
	if b.Kind() == "dir" {
		what = "path"
	}
	switch {
	case m.focus == paneBackends:
		return m.copy(b.Address(), "the address of "+q(b.Name()))
	case !b.Open():
	case m.focus == paneNamespaces && sel.ns != "":
		return m.copy(b.ConfigKey(sel.ns, ""), "the "+what+" of namespace "+q(sel.ns))
	case m.focus >= paneConfigs && sel.cfg != "":
		k := b.ConfigKey(sel.ns, sel.cfg)
		return m.copy(k, "the "+what+" "+q(k))
	}
	m.fail(errors.New("nothing selected to copy"))
	return nil
}

// copy puts text on the clipboard and says what it was.
func (m *Model) copy(text, what string) tea.Cmd {
	m.setStatus(statusOK, "✓ copied "+what+" ("+plural(len(text), "byte", "bytes")+") to the clipboard")
	return m.opts.Clipboard(text)
}
