package confo

import (
	"errors"
	"slices"
)

// partialCommits lists the partial commits in err, which may join several.
func partialCommits(err error) []*PartialCommitError {
	if err == nil {
		return nil
	}
	if p, ok := err.(*PartialCommitError); ok {
		return []*PartialCommitError{p}
	}
	var out []*PartialCommitError
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			out = append(out, partialCommits(e)...)
		}
	} else if inner := errors.Unwrap(err); inner != nil {
		out = partialCommits(inner)
	}
	return out
}

// markPartial records what a partial commit of one namespace wrote, so that
// persisting again writes only the rest: the configs it wrote or deleted
// are persisted (as markPersisted does for a whole namespace), and those it
// stored without listing them are unlisted, so the next persist lists them.
// change is the namespace's change as last committed.
func (w *Workspace) markPartial(change NamespaceChange, p *PartialCommitError, ours []ourSide) {
	done := NamespaceChange{Namespace: change.Namespace}
	var sides []ourSide
	for i, cc := range change.Configs {
		if slices.Contains(p.Written, cc.Name) {
			done.Configs = append(done.Configs, cc)
			if i < len(ours) {
				sides = append(sides, ours[i])
			}
		}
	}
	w.markPersisted([]NamespaceChange{done}, []string{change.Namespace}, map[string][]ourSide{change.Namespace: sides})
	ns := w.namespaces[change.Namespace]
	if ns == nil {
		return
	}
	for _, name := range p.Unlisted {
		if c := ns.configs[name]; c != nil && !c.deleted {
			c.listed = false
		}
	}
	ns.touch()
}
