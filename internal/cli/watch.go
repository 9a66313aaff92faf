package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/confo-dev/confo/confo"
)

const watchLong = `Print one line per change other clients make, as they make them, until
interrupted (ctrl+c or SIGTERM, exit status 0). Without NS, every namespace
is watched, new ones included.

  changed database/mysqli
  added database/newcfg
  removed database/oldcfg
  namespace added sales          (then "added sales/CONFIG" for each config it holds)
  namespace removed sales
  list unreadable database: <why>

Names are escaped on a terminal and exact in a pipe.

-o json prints one JSON object per line instead, such as
{"what": "changed", "namespace": "database", "config": "mysqli"}.

On Redis the server tells confo what changed (CLIENT TRACKING, or keyspace
notifications when the server already has them on); where it cannot, confo
polls every --interval, reading digests, not the data. A directory is
watched with the system's file notifications. The server's configuration is
never changed. How the backend is watched is said on stderr.`

func (a *app) watchCommand() *cobra.Command {
	var output string
	var interval time.Duration
	c := &cobra.Command{
		Use:               "watch [NS...]",
		Short:             "Print one line per change other clients make, until ctrl+c",
		Long:              watchLong,
		Example:           "  confo watch\n  confo watch database sales -o json",
		ValidArgsFunction: a.completeNamespaces,
		RunE: func(_ *cobra.Command, args []string) error {
			if interval <= 0 {
				return usagef("--interval %s: want a duration above 0, such as 1s", interval)
			}
			return a.watch(args, output == "json", interval)
		},
	}
	c.Flags().DurationVar(&interval, "interval", time.Second, "how often to look for changes where the server cannot tell (polling)")
	addOutputFlag(c, &output, "text", "json")
	return c
}

// watchRun is one confo watch: a workspace holding the watched namespaces,
// kept up to date with confo.Refresh, and how to print what changed.
type watchRun struct {
	a    *app
	t    *target
	only map[string]bool // the namespaces named; nil watches every one
	json bool
}

func (a *app) watch(names []string, json bool, interval time.Duration) error {
	t, err := a.open(false)
	if err != nil {
		return err
	}
	defer t.Close()
	watcher, ok := t.store.(confo.Watcher)
	if !ok {
		return fmt.Errorf("backend %s cannot be watched", t.spec.Name)
	}
	ctx, cancel := context.WithCancel(a.ctx)
	defer cancel()
	changes, err := watcher.Watch(ctx, confo.WatchOptions{Interval: interval})
	if err != nil {
		return stopped(a.ctx, err)
	}
	// Load once the watch is ready: a change made after the load is then
	// reported, and one made before it is already in the workspace.
	how, err := watchReady(ctx, changes)
	if err != nil {
		return stopped(a.ctx, err)
	}
	w := &watchRun{a: a, t: t, json: json}
	what := "every namespace"
	if len(names) == 0 {
		names = nil // load every namespace, not none
	} else {
		w.only = map[string]bool{}
		for _, ns := range names {
			w.only[ns] = true
		}
		what = fmt.Sprintf("%d namespace(s)", len(w.only))
	}
	if err := t.load(ctx, names); err != nil {
		return stopped(a.ctx, err)
	}
	a.notef("watching %s of %s (%s); ctrl+c stops", what, t.spec.Name, how)
	return stopped(a.ctx, w.follow(ctx, changes))
}

// stopped is nil when the run was interrupted (ctrl+c, SIGTERM): that is
// how a watch ends.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// watchReady waits for the watch to be established and says how it
// watches; a failure before that ends the command.
func watchReady(ctx context.Context, changes <-chan confo.Change) (string, error) {
	for {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case c, ok := <-changes:
			switch {
			case !ok:
				return "", errors.New("the watch ended before it started")
			case c.Kind == confo.ChangeError:
				return "", fmt.Errorf("watch: %w", c.Err)
			case c.Kind == confo.ChangeReady:
				return c.Detail, nil
			}
		}
	}
}

// refreshRetry is how long a watch waits to read again after a read of
// the changes failed.
const refreshRetry = time.Second

// follow applies each batch of changes to the workspace and prints what
// it changed, until ctx is done.
func (w *watchRun) follow(ctx context.Context, changes <-chan confo.Change) error {
	var retry <-chan time.Time
	var pending []confo.Change
	// The notices of trouble, each said once: the watch failing (until it
	// is ready again) and the reads of what changed failing (until one
	// works), the same error again saying nothing new.
	watchFailing, readProblem := false, ""
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-retry:
			retry = nil
		case c, ok := <-changes:
			if !ok {
				return ctx.Err()
			}
			pending = append(pending, c)
			// Take what else is queued: one refresh reads it all.
			for more := true; more; {
				select {
				case c, ok := <-changes:
					if !ok {
						return ctx.Err()
					}
					pending = append(pending, c)
				default:
					more = false
				}
			}
			if retry != nil {
				continue // a failed read is waiting to be tried again
			}
		}
		for _, c := range pending {
			switch {
			case c.Kind == confo.ChangeError && !watchFailing:
				watchFailing = true
				w.a.notef("watch: %v; trying again", c.Err)
			case c.Kind == confo.ChangeReady && watchFailing:
				watchFailing = false
				w.a.notef("watching again (%s)", c.Detail)
			}
		}
		report, err := confo.Refresh(ctx, w.t.store, w.t.ws, pending)
		var items []confo.RefreshItem
		if err == nil {
			items, err = w.complete(ctx, report.Items)
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err.Error() != readProblem {
				readProblem = err.Error()
				w.a.notef("watch: %v; trying again every %s", err, refreshRetry)
			}
			// Read everything loaded again once it works: the changes
			// of this batch are not lost.
			pending = []confo.Change{{Kind: confo.ChangeResync}}
			retry = time.After(refreshRetry)
			continue
		}
		if readProblem != "" {
			readProblem = ""
			w.a.notef("watch: reading the changes works again")
		}
		pending = nil
		if err := w.print(items); err != nil {
			return err
		}
	}
}

// newcomerRounds bounds the loads of one batch's new namespaces; what
// keeps appearing after them is loaded with the next batch.
const newcomerRounds = 3

// complete adds to a refresh's items what the workspace still lacks. The
// watched namespaces it knows by name only are loaded (a refresh loads new
// namespaces itself only when one was loaded already), and what such a
// load brings is reported too: namespaces added or removed meanwhile, and
// the configs of every new namespace, as added.
func (w *watchRun) complete(ctx context.Context, items []confo.RefreshItem) ([]confo.RefreshItem, error) {
	ws := w.t.ws
	for range newcomerRounds {
		var names []string
		for _, name := range ws.NamespaceNames() {
			if w.watched(name) && !ws.Namespace(name).Loaded() {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			break
		}
		before := ws.NamespaceNames()
		if err := w.t.load(ctx, names); err != nil {
			return nil, err
		}
		for _, name := range ws.NamespaceNames() {
			if !slices.Contains(before, name) {
				items = append(items, confo.RefreshItem{Namespace: name, What: confo.RefreshNamespaceAdded})
			}
		}
		for _, name := range before {
			if ws.Namespace(name) == nil {
				items = append(items, confo.RefreshItem{Namespace: name, What: confo.RefreshNamespaceRemoved})
			}
		}
	}
	var out []confo.RefreshItem
	for _, it := range items {
		out = append(out, it)
		if ns := ws.Namespace(it.Namespace); it.What == confo.RefreshNamespaceAdded && ns != nil && ns.Loaded() {
			for _, cfg := range ns.ConfigNames() {
				out = append(out, confo.RefreshItem{Namespace: it.Namespace, Config: cfg, What: confo.RefreshAdded})
			}
		}
	}
	return out, nil
}

func (w *watchRun) watched(ns string) bool { return w.only == nil || w.only[ns] }

// print writes one line per item, for the watched namespaces.
func (w *watchRun) print(items []confo.RefreshItem) error {
	out := w.a.out
	for _, it := range items {
		if !w.watched(it.Namespace) {
			continue
		}
		problem := ""
		if it.What == confo.RefreshBadList {
			if ns := w.t.ws.Namespace(it.Namespace); ns != nil {
				problem = ns.Problem()
			}
		}
		var err error
		if w.json {
			err = w.a.printJSON(itemJSON(it, problem))
		} else {
			path := out.Name(it.Namespace)
			if it.Config != "" {
				path += "/" + out.Name(it.Config)
			}
			line := it.What.String() + " " + path
			if problem != "" {
				line += ": " + out.Line(problem)
			}
			_, err = fmt.Fprintln(out, line)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// itemJSON is one watch event for scripts, names exact.
func itemJSON(it confo.RefreshItem, problem string) confo.Value {
	members := []confo.Member{
		{Key: "what", Value: confo.StringValue(it.What.String())},
		{Key: "namespace", Value: confo.StringValue(it.Namespace)},
	}
	if it.Config != "" {
		members = append(members, confo.Member{Key: "config", Value: confo.StringValue(it.Config)})
	}
	if problem != "" {
		members = append(members, confo.Member{Key: "problem", Value: confo.StringValue(problem)})
	}
	return confo.ObjectValue(members...)
}
