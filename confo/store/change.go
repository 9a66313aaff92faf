package store

import (
	"errors"
	"fmt"
)

// NamespaceChange is everything one persist writes in one namespace. A store
// applies it atomically where the backend allows it: all of it or none.
type NamespaceChange struct {
	Namespace string
	// Register adds the namespace to the registry (and creates its empty
	// list when missing); Unregister removes it and its list.
	Register, Unregister bool
	// ListAdd and ListRemove are merged into the namespace's current list,
	// so names others added meanwhile are kept.
	ListAdd, ListRemove []string
	Configs             []ConfigChange
}

// ConfigChange writes or deletes one config.
type ConfigChange struct {
	Name string
	// Expect is what the config held when it was loaded; the write happens
	// only if the backend still holds exactly that (unless forced).
	Expect Raw
	// Write is the new value; nil deletes the config.
	Write []byte
}

// CommitOptions changes how a commit checks for conflicts.
type CommitOptions struct {
	// Overwrite writes even where another client changed a config: the
	// explicit "mine wins" the user chose after seeing a conflict. It also
	// registers a namespace another client removed, so that nothing written
	// is left unreachable.
	Overwrite bool
	// NoMerge keeps whole-config semantics (import): a config another
	// client changed is a conflict even when the two sides changed
	// different fields. Stores ignore it; the library's persist, which
	// merges field by field, reads it.
	NoMerge bool
}

// Empty reports whether the change writes nothing.
func (c NamespaceChange) Empty() bool {
	return !c.Register && !c.Unregister && len(c.ListAdd) == 0 && len(c.ListRemove) == 0 && len(c.Configs) == 0
}

// Validate checks what every store needs before it writes anything: names
// that are valid keys and file names, and a change that makes sense. Names
// a change adds (a registered namespace, a listed or created config) must
// pass every naming rule; names that exist already need only be safe keys
// and paths, so that a config another tool named badly can still be
// edited, renamed or deleted.
func (c NamespaceChange) Validate() error {
	if c.Register || c.Namespace == RegistryName {
		if err := ValidateNamespaceName(c.Namespace); err != nil {
			return err
		}
	} else if err := checkStoredName(c.Namespace); err != nil {
		return fmt.Errorf("namespace %q: %w", c.Namespace, err)
	}
	if c.Register && c.Unregister {
		return errors.New("a change cannot both register and unregister its namespace")
	}
	for _, name := range c.ListAdd {
		if err := ValidateConfigName(name); err != nil {
			return err
		}
	}
	for _, name := range c.ListRemove {
		if err := checkStoredName(name); err != nil {
			return fmt.Errorf("config %q: %w", name, err)
		}
	}
	for _, cc := range c.Configs {
		if cc.Write != nil && cc.Expect.State == RawMissing {
			if err := ValidateConfigName(cc.Name); err != nil {
				return err
			}
		} else if err := checkStoredName(cc.Name); err != nil {
			return fmt.Errorf("config %q: %w", cc.Name, err)
		}
		if c.Unregister && cc.Write != nil {
			return fmt.Errorf("config %q: cannot be written in a namespace that is being removed", cc.Name)
		}
	}
	return nil
}
