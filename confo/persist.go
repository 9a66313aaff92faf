package confo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

// PersistPlan is what one persist writes. It is computed from a workspace on
// the goroutine that owns it, committed on any goroutine (it shares nothing
// mutable with the workspace), then settled back into the workspace: the
// one persist sequence that the Confo API, the command line, the terminal UI
// and the benchmarks all run.
type PersistPlan struct {
	Scope   Scope
	Changes []NamespaceChange
	Options CommitOptions
	// ours is the local side of every config in Changes, for merging: per
	// namespace, in the order of its change's Configs.
	ours map[string][]ourSide
}

// PersistResult is the outcome of committing a plan.
type PersistResult struct {
	// Written lists the namespaces that were written.
	Written []string
	// Merged lists the configs written after merging them with another
	// client's change to other fields.
	Merged []MergeNote
	// Err is the commit's error; a *ConflictError names the configs that
	// other clients changed in ways that do not merge (their namespaces
	// were left untouched).
	Err error
	// committed holds the changes as last committed, merges included;
	// partial those of the namespaces a partial commit wrote part of.
	committed, partial []NamespaceChange
}

// mergeRounds bounds how often one persist merges and commits again when
// other clients keep changing what it writes.
const mergeRounds = 16

// Persist plans, commits and settles a persist of scope.
func Persist(ctx context.Context, s Store, w *Workspace, scope Scope, opts CommitOptions) error {
	_, err := PersistReport(ctx, s, w, scope, opts)
	return err
}

// PersistReport is Persist that also returns what was written and merged.
func PersistReport(ctx context.Context, s Store, w *Workspace, scope Scope, opts CommitOptions) (PersistResult, error) {
	plan, err := w.PlanPersist(scope, opts)
	if err != nil {
		return PersistResult{}, err
	}
	r := plan.Commit(ctx, s)
	return r, w.Settle(plan, r)
}

// PlanPersist computes what a persist of scope writes. Configs that were not
// edited are never part of it.
func (w *Workspace) PlanPersist(scope Scope, opts CommitOptions) (*PersistPlan, error) {
	changes, ours, err := w.changes(scope)
	if err != nil {
		return nil, err
	}
	return &PersistPlan{Scope: scope, Changes: changes, Options: opts, ours: ours}, nil
}

// Empty reports whether the plan writes nothing.
func (p *PersistPlan) Empty() bool { return len(p.Changes) == 0 }

// Commit writes the plan to the store. It reads and writes nothing but the
// store, so it may run on any goroutine. When a namespace's commit finds
// configs that other clients changed, each is merged field by field with
// their version and the namespace is committed again, expecting theirs;
// only configs that do not merge are reported as conflicts. Options.NoMerge
// and Options.Overwrite commit once, as asked.
func (p *PersistPlan) Commit(ctx context.Context, s Store) PersistResult {
	if p.Empty() {
		return PersistResult{}
	}
	var r PersistResult
	pending := p.Changes
	var final []Conflict
	notes := map[string][]MergeNote{} // by namespace, until it is written
	for round := 1; ; round++ {
		written, err := s.Commit(ctx, pending, p.Options)
		r.Written = append(r.Written, written...)
		partials := partialCommits(err)
		for _, ch := range pending {
			if slices.Contains(written, ch.Namespace) {
				r.committed = append(r.committed, ch)
				r.Merged = append(r.Merged, notes[ch.Namespace]...)
			}
			if slices.ContainsFunc(partials, func(pe *PartialCommitError) bool { return pe.Namespace == ch.Namespace }) {
				r.partial = append(r.partial, ch)
			}
		}
		conflict, isConflict := err.(*ConflictError)
		if !isConflict || p.Options.NoMerge || p.Options.Overwrite {
			if isConflict {
				final = append(final, conflict.Conflicts...)
				err = nil
			}
			r.Err = withConflicts(err, final)
			return r
		}
		retry, merged, rest := p.merge(pending, conflict.Conflicts)
		final = append(final, rest...)
		if len(retry) == 0 {
			r.Err = withConflicts(nil, final)
			return r
		}
		if round == mergeRounds {
			var errs []error
			for _, ch := range retry {
				errs = append(errs, &ContentionError{Namespace: ch.Namespace, Attempts: mergeRounds})
			}
			r.Err = withConflicts(errors.Join(errs...), final)
			return r
		}
		for _, n := range merged {
			notes[n.Namespace] = mergedNotes(notes[n.Namespace], []MergeNote{n})
		}
		// No pause: their version, just read, is what the next round
		// expects, and waiting would only let it age.
		pending = retry
	}
}

// withConflicts joins the conflicts, when there are any, to err.
func withConflicts(err error, conflicts []Conflict) error {
	if len(conflicts) == 0 {
		return err
	}
	cerr := &ConflictError{Conflicts: conflicts}
	if err == nil {
		return cerr
	}
	return errors.Join(err, cerr)
}

// mergedNotes keeps one note per config, the latest.
func mergedNotes(have, add []MergeNote) []MergeNote {
	for _, n := range add {
		i := slices.IndexFunc(have, func(m MergeNote) bool { return m.Namespace == n.Namespace && m.Config == n.Config })
		if i >= 0 {
			have[i] = n
		} else {
			have = append(have, n)
		}
	}
	return have
}

// merge rewrites the changes whose conflicts all merge; the others'
// conflicts are returned as they are.
func (p *PersistPlan) merge(pending []NamespaceChange, conflicts []Conflict) (retry []NamespaceChange, notes []MergeNote, rest []Conflict) {
	byNamespace := map[string][]Conflict{}
	for _, cf := range conflicts {
		byNamespace[cf.Namespace] = append(byNamespace[cf.Namespace], cf)
	}
	for _, ch := range pending {
		found := byNamespace[ch.Namespace]
		if len(found) == 0 {
			continue
		}
		merged, n, unmerged := mergeChange(ch, found, p.ours[ch.Namespace])
		if len(unmerged) > 0 {
			// Only these need the user; the configs that merge stay
			// edits, and merge again at the next persist.
			rest = append(rest, unmerged...)
			continue
		}
		retry = append(retry, merged)
		notes = append(notes, n...)
	}
	return retry, notes, rest
}

// Settle records a commit's outcome in the workspace: what was written
// becomes the new stored state (merged configs now hold their fields and
// ours, and of a partial commit, what it wrote), and conflicts keep the
// other client's version for the user to compare. It returns the commit's
// error.
func (w *Workspace) Settle(p *PersistPlan, r PersistResult) error {
	committed := r.committed
	if committed == nil {
		committed = p.Changes
	}
	w.markPersisted(committed, r.Written, p.ours)
	for _, pe := range partialCommits(r.Err) {
		if i := slices.IndexFunc(r.partial, func(ch NamespaceChange) bool { return ch.Namespace == pe.Namespace }); i >= 0 {
			w.markPartial(r.partial[i], pe, p.ours[pe.Namespace])
		}
	}
	if conflict, ok := errors.AsType[*ConflictError](r.Err); ok {
		w.MarkConflicts(conflict.Conflicts)
		w.markNamespaceConflicts(p, conflict.Conflicts)
	}
	return r.Err
}

// Scope selects what a persist writes: everything, one namespace, or one config.
type Scope struct {
	Namespace string // "" means every namespace
	Config    string // "" means every config of Namespace
}

func (s Scope) String() string {
	switch {
	case s.Namespace == "":
		return "backend"
	case s.Config == "":
		return fmt.Sprintf("namespace %q", s.Namespace)
	}
	return fmt.Sprintf("config %q in namespace %q", s.Config, s.Namespace)
}

// Changes computes what a persist of the scope must write. Configs that were
// not edited are never part of it.
func (w *Workspace) Changes(scope Scope) ([]NamespaceChange, error) {
	changes, _, err := w.changes(scope)
	return changes, err
}

func (w *Workspace) changes(scope Scope) ([]NamespaceChange, map[string][]ourSide, error) {
	var names []string
	if scope.Namespace == "" {
		names = w.NamespaceNames()
	} else {
		if w.namespaces[scope.Namespace] == nil {
			return nil, nil, fmt.Errorf("%w: %q", ErrNamespaceNotFound, scope.Namespace)
		}
		names = []string{scope.Namespace}
	}
	var out []NamespaceChange
	ours := map[string][]ourSide{}
	for _, name := range names {
		ns := w.namespaces[name]
		if ns.problem != "" && ns.DirtyCount() > 0 {
			return nil, nil, fmt.Errorf("namespace %q: its list cannot be read (%s), so confo will not rewrite it", name, ns.problem)
		}
		if scope.Config != "" && ns.configs[scope.Config] == nil {
			return nil, nil, fmt.Errorf("%w: %q in namespace %q", ErrConfigNotFound, scope.Config, name)
		}
		change, sides, err := ns.changes(scope.Config)
		if err != nil {
			return nil, nil, err
		}
		if !change.Empty() {
			out = append(out, change)
			ours[name] = sides
		}
	}
	return out, ours, nil
}

func (n *Namespace) changes(only string) (NamespaceChange, []ourSide, error) {
	change := NamespaceChange{Namespace: n.name}
	var ours []ourSide
	if n.deleted {
		if !n.stored {
			return change, nil, nil
		}
		change.Unregister = only == ""
	} else if !n.stored {
		change.Register = true
	}
	for _, name := range n.ConfigNames() {
		if only != "" && name != only {
			continue
		}
		c := n.configs[name]
		it := item{n.name, name}
		switch {
		case c.deleted:
			// A key another loaded item shares is that item's too: the
			// config leaves the list, the key stays.
			_, shared := n.ws.keys.sharer(it)
			if c.base.State != RawMissing && !shared {
				change.Configs = append(change.Configs, ConfigChange{Name: name, Expect: c.base})
				ours = append(ours, c.ourSide())
			}
			if c.listed {
				change.ListRemove = append(change.ListRemove, name)
			}
		case c.edited:
			if err := n.ws.keys.check(it); err != nil {
				return change, nil, err
			}
			change.Configs = append(change.Configs, ConfigChange{Name: name, Expect: c.base, Write: c.written()})
			ours = append(ours, c.ourSide())
			if !c.listed {
				change.ListAdd = append(change.ListAdd, name)
			}
		case !c.listed:
			if err := n.ws.keys.check(it); err != nil {
				return change, nil, err
			}
			change.ListAdd = append(change.ListAdd, name)
		}
	}
	if !change.Empty() {
		if err := n.ws.keys.check(item{ns: n.name}); err != nil {
			return change, nil, err
		}
	}
	return change, ours, nil
}

// markPersisted records that the namespaces in written now hold what
// changes wrote to them. A config edited since the plan was made (its
// generation moved on) keeps its edits over the new base.
func (w *Workspace) markPersisted(changes []NamespaceChange, written []string, ours map[string][]ourSide) {
	for _, change := range changes {
		if !slices.Contains(written, change.Namespace) {
			continue
		}
		ns := w.namespaces[change.Namespace]
		if ns == nil {
			continue
		}
		if change.Unregister {
			w.removeNamespace(change.Namespace)
			continue
		}
		if change.Register {
			ns.stored = true
		}
		ns.touch()
		sides := ours[change.Namespace]
		for i, cc := range change.Configs {
			c := ns.configs[cc.Name]
			if c == nil {
				continue
			}
			current := i >= len(sides) || sides[i].gen == c.state().gen
			if cc.Write == nil {
				if c.deleted {
					ns.removeConfig(cc.Name)
				} else {
					c.base = MissingRaw()
				}
				continue
			}
			c.base, c.listed = PresentRaw(cc.Write), true
			c.dropTheirs()
			local := c.mutable()
			if !current {
				// Edited while the write was in flight: still an edit.
				local.encoded, c.edited = nil, true
				c.decoded = c.decoded && c.whole
				continue
			}
			same := local.encoded != nil && bytes.Equal(local.encoded, cc.Write)
			c.edited, c.whole, local.patch, local.encoded = false, false, jsonvalue.Patch{}, nil
			if !same {
				// Merged with their fields: decoded again when asked.
				c.decoded, local.decodeErr = false, ""
			}
		}
		for _, name := range change.ListAdd {
			if c := ns.configs[name]; c != nil {
				c.listed = true
			}
		}
		for _, name := range change.ListRemove {
			if c := ns.configs[name]; c != nil && c.deleted {
				ns.removeConfig(name)
			}
		}
	}
}

// MarkPersisted records that the namespaces in written now hold what changes
// wrote to them.
func (w *Workspace) MarkPersisted(changes []NamespaceChange, written []string) {
	w.markPersisted(changes, written, nil)
}

// MarkConflicts records the other client's version of each conflicting
// config, so the user can compare and decide.
func (w *Workspace) MarkConflicts(conflicts []Conflict) {
	for _, cf := range conflicts {
		ns := w.namespaces[cf.Namespace]
		if ns == nil || cf.Config == "" {
			continue
		}
		if c := ns.configs[cf.Config]; c != nil {
			theirs := cf.Theirs
			local := c.mutable()
			local.theirs, local.merge = &theirs, mergeState{}
			ns.touch()
		}
	}
}

// markNamespaceConflicts records that another client removed a namespace
// this plan writes into: each config it writes or lists is then gone on
// their side, and keeping ours registers the namespace again.
func (w *Workspace) markNamespaceConflicts(p *PersistPlan, conflicts []Conflict) {
	for _, cf := range conflicts {
		if cf.Kind != ConflictNamespaceDeleted {
			continue
		}
		ns := w.namespaces[cf.Namespace]
		if ns == nil {
			continue
		}
		for _, ch := range p.Changes {
			if ch.Namespace != cf.Namespace {
				continue
			}
			names := slices.Clone(ch.ListAdd)
			for _, cc := range ch.Configs {
				if cc.Write != nil {
					names = append(names, cc.Name)
				}
			}
			for _, name := range names {
				c := ns.configs[name]
				if c == nil || c.state().theirs != nil {
					continue
				}
				missing := MissingRaw()
				local := c.mutable()
				local.theirs, local.merge = &missing, mergeState{nsGone: true}
			}
		}
		ns.touch()
	}
}
