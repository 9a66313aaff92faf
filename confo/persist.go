package confo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
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
}

// PersistResult is the outcome of committing a plan.
type PersistResult struct {
	// Written lists the namespaces that were written.
	Written []string
	// Err is the commit's error; a *ConflictError names the configs that
	// other clients changed (their namespaces were left untouched).
	Err error
}

// Persist plans, commits and settles a persist of scope.
func Persist(ctx context.Context, s Store, w *Workspace, scope Scope, opts CommitOptions) error {
	plan, err := w.PlanPersist(scope, opts)
	if err != nil {
		return err
	}
	return w.Settle(plan, plan.Commit(ctx, s))
}

// PlanPersist computes what a persist of scope writes. Configs that were not
// edited are never part of it.
func (w *Workspace) PlanPersist(scope Scope, opts CommitOptions) (*PersistPlan, error) {
	changes, err := w.Changes(scope)
	if err != nil {
		return nil, err
	}
	return &PersistPlan{Scope: scope, Changes: changes, Options: opts}, nil
}

// Empty reports whether the plan writes nothing.
func (p *PersistPlan) Empty() bool { return len(p.Changes) == 0 }

// Commit writes the plan to the store. It reads and writes nothing but the
// store, so it may run on any goroutine.
func (p *PersistPlan) Commit(ctx context.Context, s Store) PersistResult {
	if p.Empty() {
		return PersistResult{}
	}
	written, err := s.Commit(ctx, p.Changes, p.Options)
	return PersistResult{Written: written, Err: err}
}

// Settle records a commit's outcome in the workspace: what was written
// becomes the new stored state, and conflicts keep the other client's
// version for the user to compare. It returns the commit's error.
func (w *Workspace) Settle(p *PersistPlan, r PersistResult) error {
	w.MarkPersisted(p.Changes, r.Written)
	if conflict, ok := errors.AsType[*ConflictError](r.Err); ok {
		w.MarkConflicts(conflict.Conflicts)
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
	var names []string
	if scope.Namespace == "" {
		names = w.NamespaceNames()
	} else {
		if w.namespaces[scope.Namespace] == nil {
			return nil, fmt.Errorf("namespace %q: %w", scope.Namespace, ErrNamespaceNotFound)
		}
		names = []string{scope.Namespace}
	}
	var out []NamespaceChange
	for _, name := range names {
		ns := w.namespaces[name]
		if ns.problem != "" && ns.DirtyCount() > 0 {
			return nil, fmt.Errorf("persist namespace %q: its list cannot be read (%s), so confo will not rewrite it", name, ns.problem)
		}
		change := ns.changes(scope.Config)
		if scope.Config != "" && ns.configs[scope.Config] == nil {
			return nil, fmt.Errorf("config %q in namespace %q: %w", scope.Config, name, ErrConfigNotFound)
		}
		if !change.Empty() {
			out = append(out, change)
		}
	}
	return out, nil
}

func (n *Namespace) changes(only string) NamespaceChange {
	change := NamespaceChange{Namespace: n.name}
	if n.deleted {
		if !n.stored {
			return change
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
		switch {
		case c.deleted:
			if c.base.State != RawMissing {
				change.Configs = append(change.Configs, ConfigChange{Name: name, Expect: c.base})
			}
			if c.listed {
				change.ListRemove = append(change.ListRemove, name)
			}
		case c.edited:
			if c.encoded == nil {
				c.encoded = Encode(c.value)
			}
			change.Configs = append(change.Configs, ConfigChange{Name: name, Expect: c.base, Write: c.encoded})
			if !c.listed {
				change.ListAdd = append(change.ListAdd, name)
			}
		case !c.listed:
			change.ListAdd = append(change.ListAdd, name)
		}
	}
	return change
}

// MarkPersisted records that the namespaces in written now hold what changes
// wrote to them.
func (w *Workspace) MarkPersisted(changes []NamespaceChange, written []string) {
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
		for _, cc := range change.Configs {
			c := ns.configs[cc.Name]
			if c == nil {
				continue
			}
			if cc.Write == nil {
				if c.deleted {
					ns.removeConfig(cc.Name)
				} else {
					c.base = MissingRaw()
				}
				continue
			}
			// An edit made while the write was in flight stays an edit.
			c.base, c.theirs = PresentRaw(cc.Write), nil
			if c.encoded == nil { // edited while the write was in flight
				c.encoded = Encode(c.value)
			}
			c.edited = !bytes.Equal(c.encoded, cc.Write)
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
			c.theirs = &theirs
			ns.touch()
		}
	}
}
