package ui

import "sort"

// list is the cursor, scroll offset and filter of one pane over a slice of
// names it does not own (Namespace.ConfigNames is cached by the library and
// may hold 100,000 entries). Nothing here is proportional to the list length
// except recomputing a filter, which happens only when the names or the
// filter text change.
type list struct {
	names []string
	// sorted lets select find a name by binary search.
	sorted bool
	filter string
	// idx maps visible rows to names when a filter is set; nil otherwise.
	idx []int
	// key identifies the names and filter idx was computed for.
	key    listKey
	cursor int
	offset int
	// want is the name the cursor should stay on when the names change;
	// "" until a name is chosen, and then the row under the cursor is.
	want string
}

type listKey struct {
	first  *string
	n      int
	filter string
}

// setNames points the list at names, keeping the cursor on the same name.
func (l *list) setNames(names []string, sorted bool) {
	if keyOf(names, l.filter) != l.key || l.names == nil {
		l.rebuild(names, sorted, l.filter)
	}
}

// setFilter changes the filter and recomputes the visible rows.
func (l *list) setFilter(f string) {
	if f != l.filter {
		l.rebuild(l.names, l.sorted, f)
	}
}

func keyOf(names []string, filter string) listKey {
	k := listKey{n: len(names), filter: filter}
	if len(names) > 0 {
		k.first = &names[0]
	}
	return k
}

// rebuild recomputes the visible rows and puts the cursor back by name.
func (l *list) rebuild(names []string, sorted bool, filter string) {
	// The row on screen is what e, d and s act on, whether the user moved
	// there or it was simply the first: rows other clients add or remove
	// above it, by a refresh or by a load merging its registry, must not
	// slide another row under the cursor. Only a wanted name that has not
	// arrived yet (a restored position, a row just added) is kept instead.
	shown := l.selected()
	following := shown != "" && (l.want == "" || l.want == shown)
	if following {
		l.want = shown
	}
	l.names, l.sorted, l.filter, l.key = names, sorted, filter, keyOf(names, filter)
	l.idx = nil
	if filter != "" {
		l.idx = make([]int, 0, 64)
		for i, n := range names {
			if _, ok := fuzzyScore(n, filter); ok {
				l.idx = append(l.idx, i)
			}
		}
	}
	l.selectName(l.want)
	if following {
		// The row went away: its neighbour, now on screen, is followed.
		l.want = l.selected()
	}
}

// Len is the number of visible rows.
func (l *list) Len() int {
	if l.filter != "" {
		return len(l.idx)
	}
	return len(l.names)
}

// at returns the name of visible row i.
func (l *list) at(i int) string {
	if l.filter != "" {
		return l.names[l.idx[i]]
	}
	return l.names[i]
}

// selected returns the name under the cursor, or "".
func (l *list) selected() string {
	if l.cursor < 0 || l.cursor >= l.Len() {
		return ""
	}
	return l.at(l.cursor)
}

// selectName moves the cursor to name. When the name is not (yet) there the
// cursor stays in range, so deleting a row selects its neighbour, and the
// name is still wanted: a row added in the same update is found once the
// list is refreshed.
func (l *list) selectName(name string) {
	l.want = name
	if name != "" {
		if i, ok := l.find(name); ok {
			l.cursor = i
			return
		}
	}
	l.cursor = min(max(l.cursor, 0), max(l.Len()-1, 0))
}

func (l *list) find(name string) (int, bool) {
	if l.sorted {
		i := sort.SearchStrings(l.names, name)
		if i >= len(l.names) || l.names[i] != name {
			return 0, false
		}
		if l.filter == "" {
			return i, true
		}
		j := sort.SearchInts(l.idx, i)
		return j, j < len(l.idx) && l.idx[j] == i
	}
	for i := range l.Len() {
		if l.at(i) == name {
			return i, true
		}
	}
	return 0, false
}

// move shifts the cursor by delta rows, clamped.
func (l *list) move(delta int) {
	l.moveTo(l.cursor + delta)
}

func (l *list) moveTo(i int) {
	l.cursor = min(max(i, 0), max(l.Len()-1, 0))
	l.want = l.selected()
}

// scroll moves the offset just enough to show the cursor in a pane of
// height rows. Update calls it, so View only reads the offset.
func (l *list) scroll(height int) {
	if height <= 0 {
		return
	}
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+height {
		l.offset = l.cursor - height + 1
	}
	l.offset = min(l.offset, max(l.Len()-height, 0))
	l.offset = max(l.offset, 0)
}

// visible returns the row range shown in a pane of height rows.
func (l *list) visible(height int) (start, end int) {
	start = min(l.offset, l.Len())
	return start, min(start+max(height, 0), l.Len())
}

// source maps visible row i to its index in the names slice.
func (l *list) source(i int) int {
	if l.filter != "" {
		return l.idx[i]
	}
	return i
}
