package model

import "github.com/confo-dev/confo/confo"

// NamespaceView is what the namespaces pane shows of one namespace.
type NamespaceView struct {
	Name string
	Mark Mark
	// Configs counts the configs that are not deleted; meaningful once Loaded.
	Configs int
	Loaded  bool
	// Problem says why the namespace's list could not be read.
	Problem string
	// Unsaved counts its configs with something to persist, plus one when
	// the namespace itself is new or deleted.
	Unsaved int
}

// ConfigView is what the configs pane shows of one config.
type ConfigView struct {
	Name   string
	Status Status
	Mark   Mark
	// Remote: edited here and changed by another client meanwhile.
	Remote bool
	// Locked names the other item that shares the config's key, in an
	// error that says so; nil when none does.
	Locked error
}

// NamespaceNames lists the backend's namespaces, sorted, deleted ones
// included. The slice is cached until the namespaces change: it must not
// be modified.
func (b *Backend) NamespaceNames() []string {
	if b.names == nil {
		b.names = b.ws.NamespaceNames()
	}
	return b.names
}

// Namespace describes one namespace; false when there is none by that name.
func (b *Backend) Namespace(name string) (NamespaceView, bool) {
	ns := b.ws.Namespace(name)
	if ns == nil {
		return NamespaceView{}, false
	}
	v := NamespaceView{Name: name, Configs: ns.Len(), Loaded: ns.Loaded(), Problem: ns.Problem(), Unsaved: ns.DirtyCount()}
	if ns.Status() != confo.StatusClean {
		v.Unsaved++
	}
	switch {
	case v.Problem != "":
		v.Mark = MarkBad
	case ns.Status() != confo.StatusClean:
		v.Mark = StatusMark(ns.Status())
	case v.Unsaved > 0:
		v.Mark = MarkModified
	}
	return v, true
}

// ConfigNames lists a namespace's configs, sorted, deleted ones included.
// The slice is the library's cached one: it may hold 100,000 names and must
// not be modified.
func (b *Backend) ConfigNames(ns string) []string {
	n := b.ws.Namespace(ns)
	if n == nil {
		return nil
	}
	return n.ConfigNames()
}

// Config describes one config; false when there is none by that name.
func (b *Backend) Config(ns, name string) (ConfigView, bool) {
	c := b.config(ns, name)
	if c == nil {
		return ConfigView{}, false
	}
	st := c.Status()
	v := ConfigView{Name: name, Status: st, Mark: StatusMark(st)}
	_, v.Remote = c.Remote()
	if err := b.ws.Namespace(ns).ConfigKeyCollision(name); err != nil {
		v.Locked = err
	}
	switch {
	case v.Locked != nil && st != StatusDeleted:
		v.Mark = MarkLocked
	case st == StatusModified && v.Remote:
		v.Mark = MarkRemoteEdited
	case st == StatusClean && c.RemoteChanged():
		v.Mark = MarkRemote
	}
	return v, true
}

func (b *Backend) config(ns, name string) *confo.Config {
	n := b.ws.Namespace(ns)
	if n == nil {
		return nil
	}
	return n.Config(name)
}
