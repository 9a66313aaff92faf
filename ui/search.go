package ui

import (
	"context"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/confo-dev/confo/internal/termsafe"
	"github.com/confo-dev/confo/model"
)

// Search everywhere (ctrl+f): names of namespaces, configs and fields are
// matched fuzzily, values by case-insensitive substring (a short pattern
// matches nearly every long value as a subsequence), across every loaded
// config of every backend. The search runs in a command over a snapshot of
// names and bytes taken when the dialog opens, and restarts on each key;
// enter jumps to the selected result.

type hitKind uint8

const (
	hitNamespace hitKind = iota
	hitConfig
	hitField
	hitValue
)

var hitLabels = [...]string{"namespace", "config", "field", "value"}

type searchHit struct {
	backend        *model.Backend
	ns, cfg, field string
	kind           hitKind
	excerpt        string
	score          int
}

// searchSource is one backend's snapshot.
type searchSource struct {
	backend    *model.Backend
	namespaces []string
	entries    []model.SearchEntry
}

type searchDoneMsg struct {
	id      int
	hits    []searchHit
	scanned int
}

// maxHits bounds the results kept; they are sorted best first.
const maxHits = 500

type searchDialog struct {
	input   textinput.Model
	sources []searchSource
	total   int
	id      int
	cancel  context.CancelFunc
	hits    []searchHit
	scanned int
	cursor  int
	offset  int
}

func (m *Model) openSearch() tea.Cmd {
	d := &searchDialog{input: newInput()}
	for _, b := range m.backends {
		if !b.Open() {
			continue
		}
		ns, entries := b.SearchEntries()
		d.sources = append(d.sources, searchSource{backend: b, namespaces: ns, entries: entries})
		d.total += len(entries)
	}
	m.dialog = d
	return d.input.Focus()
}

func (d *searchDialog) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel):
		d.stop()
		m.dialog = nil
		return nil
	case key.Matches(msg, k.Submit):
		if d.cursor < len(d.hits) {
			d.stop()
			m.dialog = nil
			m.jump(d.hits[d.cursor])
		}
		return nil
	case msg.Text == "" && key.Matches(msg, k.Down):
		d.move(m, 1)
		return nil
	case msg.Text == "" && key.Matches(msg, k.Up):
		d.move(m, -1)
		return nil
	case msg.Text == "" && key.Matches(msg, k.PageDown):
		d.move(m, d.rows(m))
		return nil
	case msg.Text == "" && key.Matches(msg, k.PageUp):
		d.move(m, -d.rows(m))
		return nil
	}
	before := d.input.Value()
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	if d.input.Value() != before {
		return tea.Batch(cmd, d.start(m))
	}
	return cmd
}

func (d *searchDialog) paste(msg tea.PasteMsg) tea.Cmd {
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	return cmd
}

func (d *searchDialog) move(m *Model, delta int) {
	d.cursor = min(max(d.cursor+delta, 0), max(len(d.hits)-1, 0))
	h := d.rows(m)
	if d.cursor < d.offset {
		d.offset = d.cursor
	}
	if d.cursor >= d.offset+h {
		d.offset = d.cursor - h + 1
	}
}

func (d *searchDialog) stop() {
	if d.cancel != nil {
		d.cancel()
		d.cancel = nil
	}
}

// start runs the search for the input's text, cancelling the one before.
func (d *searchDialog) start(m *Model) tea.Cmd {
	d.stop()
	d.id++
	d.hits, d.scanned, d.cursor, d.offset = nil, 0, 0, 0
	pattern := strings.TrimSpace(d.input.Value())
	if pattern == "" {
		return nil
	}
	ctx, cancel := context.WithCancel(m.opts.Context)
	d.cancel = cancel
	id, sources := d.id, d.sources
	return func() tea.Msg {
		hits, scanned := runSearch(ctx, sources, pattern)
		return searchDoneMsg{id: id, hits: hits, scanned: scanned}
	}
}

func (m *Model) searchDone(msg searchDoneMsg) {
	d, ok := m.dialog.(*searchDialog)
	if !ok || d.id != msg.id {
		return
	}
	d.hits, d.scanned = msg.hits, msg.scanned
	d.cancel = nil
}

// runSearch matches pattern against every name and value of the sources.
func runSearch(ctx context.Context, sources []searchSource, pattern string) ([]searchHit, int) {
	var hits []searchHit
	lower := strings.ToLower(pattern)
	scanned := 0
	add := func(h searchHit) {
		hits = append(hits, h)
		if len(hits) >= 4*maxHits {
			hits = best(hits)
		}
	}
	for _, src := range sources {
		for _, ns := range src.namespaces {
			if s, ok := fuzzyScore(ns, pattern); ok {
				add(searchHit{backend: src.backend, ns: ns, kind: hitNamespace, score: s + 30})
			}
		}
		for i, e := range src.entries {
			if i%1024 == 0 && ctx.Err() != nil {
				return nil, scanned
			}
			scanned++
			if s, ok := fuzzyScore(e.Config, pattern); ok {
				add(searchHit{backend: src.backend, ns: e.Namespace, cfg: e.Config, kind: hitConfig, score: s + 20})
			}
			searchConfig(src.backend, e, pattern, lower, add)
		}
	}
	return best(hits), scanned
}

// searchConfig matches the fields of one config: their names fuzzily,
// their values by substring.
func searchConfig(b *model.Backend, e model.SearchEntry, pattern, lower string, add func(searchHit)) {
	fields, text, object := e.Fields()
	if !object {
		if containsFold(text, lower) {
			add(searchHit{backend: b, ns: e.Namespace, cfg: e.Config, kind: hitValue, excerpt: excerpt(text, lower), score: 10})
		}
		return
	}
	for _, f := range fields {
		if s, ok := fuzzyScore(f.Name, pattern); ok {
			add(searchHit{backend: b, ns: e.Namespace, cfg: e.Config, field: f.Name, kind: hitField, excerpt: f.Excerpt(200), score: s + 10})
		}
		if text := f.Text(); containsFold(text, lower) {
			add(searchHit{backend: b, ns: e.Namespace, cfg: e.Config, field: f.Name, kind: hitValue, excerpt: excerpt(text, lower), score: 10 + 4*len(lower)})
		}
	}
}

// best sorts hits best first and keeps maxHits of them.
func best(hits []searchHit) []searchHit {
	slices.SortStableFunc(hits, func(a, b searchHit) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return int(a.kind) - int(b.kind)
	})
	if len(hits) > maxHits {
		hits = hits[:maxHits]
	}
	return hits
}

// containsFold reports whether text holds lower (already lower-cased),
// ignoring case.
func containsFold(text, lower string) bool {
	if len(text) < len(lower) {
		return false
	}
	return strings.Contains(strings.ToLower(text), lower)
}

// excerpt is the part of text around the first match, on one line.
func excerpt(text, lower string) string {
	i := strings.Index(strings.ToLower(text), lower)
	if i < 0 || len(strings.ToLower(text)) != len(text) {
		return cutRunes(text, 80)
	}
	from := max(i-30, 0)
	for from > 0 && from < len(text) && !isRuneStart(text[from]) {
		from--
	}
	out := cutRunes(text[from:], 80)
	if from > 0 {
		out = "…" + out
	}
	return out
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// jump selects what a hit names: its backend, namespace, config and field,
// clearing filters that would hide them, and focuses the deepest pane.
func (m *Model) jump(h searchHit) {
	for i, b := range m.backends {
		if b == h.backend {
			m.lists[paneBackends].setFilter("")
			m.lists[paneBackends].moveTo(i)
		}
	}
	for _, step := range []struct {
		pane paneID
		name string
	}{{paneNamespaces, h.ns}, {paneConfigs, h.cfg}, {paneFields, h.field}} {
		if step.name == "" {
			return
		}
		m.sync()
		m.lists[step.pane].setFilter("")
		m.lists[step.pane].selectName(step.name)
		m.focus = step.pane
	}
}

func (d *searchDialog) rows(m *Model) int { return max(m.height-8, 1) }

func (d *searchDialog) view(m *Model) string {
	w := min(m.width-4, 120)
	th := m.theme
	lines := []string{" " + th.Key.Render("search ") + d.input.View(), ""}
	h := d.rows(m)
	pattern := strings.TrimSpace(d.input.Value())
	switch {
	case pattern == "":
		lines = append(lines, th.Dim.Render(" type to search names (fuzzy) and values of "+plural(d.total, "loaded config", "loaded configs")))
	case d.cancel != nil:
		lines = append(lines, th.Dim.Render(" searching…"))
	case len(d.hits) == 0:
		lines = append(lines, th.Dim.Render(" no match in "+plural(d.scanned, "config", "configs")))
	}
	for i := d.offset; i < min(d.offset+h, len(d.hits)); i++ {
		hit := d.hits[i]
		where := termsafe.Name(hit.ns)
		if hit.cfg != "" {
			where += "/" + termsafe.Name(hit.cfg)
		}
		if hit.field != "" {
			where += "." + termsafe.Name(hit.field)
		}
		if len(m.backends) > 1 {
			where = termsafe.Name(hit.backend.Name()) + ": " + where
		}
		line := fit(th.Dim.Render(hitLabels[hit.kind]), 10) + where
		if hit.excerpt != "" {
			line += "  " + th.Dim.Render(termsafe.Line(hit.excerpt))
		}
		line = cut(line, w-3)
		if i == d.cursor {
			line = th.Selected.Render(fit(ansi.Strip(line), w-3))
		}
		lines = append(lines, " "+line)
	}
	for len(lines) < h+2 {
		lines = append(lines, "")
	}
	k := m.keys
	lines = append(lines, m.keyLine([]key.Binding{
		hint(k.Submit, "jump there"),
		key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "choose")),
		hint(k.Cancel, "close"),
	}, w-2))
	title := "Search everywhere"
	if len(d.hits) > 0 {
		title += " — " + plural(len(d.hits), "result", "results")
		if len(d.hits) == maxHits {
			title += " (best shown)"
		}
	}
	return box(title, lines, w, len(lines)+2, th.FocusBorder, th.FocusTitle)
}
