package confo

import "fmt"

// KeepMine resolves a conflict in favour of the local edit: their version
// becomes the expected one, so the next persist overwrites it (and still
// detects any further change by another client).
func (w *Workspace) KeepMine(nsName, name string) error {
	c, err := w.conflicted(nsName, name)
	if err != nil {
		return err
	}
	c.base, c.theirs = *c.theirs, nil
	if !c.deleted {
		c.edited = true
	}
	w.namespaces[nsName].touch()
	return nil
}

// TakeTheirs resolves a conflict by dropping the local edit for their version.
func (w *Workspace) TakeTheirs(nsName, name string) error {
	c, err := w.conflicted(nsName, name)
	if err != nil {
		return err
	}
	ns := w.namespaces[nsName]
	if c.theirs.State == RawMissing {
		ns.removeConfig(name)
		return nil
	}
	ns.addConfig(&Config{name: name, base: *c.theirs, listed: true})
	return nil
}

func (w *Workspace) conflicted(nsName, name string) (*Config, error) {
	ns := w.namespaces[nsName]
	if ns == nil || ns.configs[name] == nil {
		return nil, fmt.Errorf("config %q in namespace %q: %w", name, nsName, ErrConfigNotFound)
	}
	c := ns.configs[name]
	if c.theirs == nil {
		return nil, fmt.Errorf("config %q in namespace %q has no conflict to resolve", name, nsName)
	}
	return c, nil
}
