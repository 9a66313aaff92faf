package cli

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/confo-dev/confo/internal/termsafe"
)

// completionTimeout bounds the reads behind one completion: a shell that
// hangs on TAB is worse than one that offers nothing.
const completionTimeout = 2 * time.Second

const noFiles = cobra.ShellCompDirectiveNoFileComp

// completeBackendNames offers the backends of the flags or the config
// file, without connecting to any.
func (a *app) completeBackendNames(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	a.startCompletion()
	flagSpecs, err := a.opts.flagSpecs()
	if err != nil {
		return nil, noFiles
	}
	var names []string
	for _, s := range flagSpecs {
		names = append(names, s.Name)
	}
	if len(names) == 0 {
		if file, err := a.configFile(); err == nil {
			for _, b := range file.Backends {
				names = append(names, b.Name)
			}
		}
	}
	return offer(names, prefix), noFiles
}

// completeNamespaces offers the live backend's namespaces, for every
// argument (export NS...).
func (a *app) completeNamespaces(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	return a.completeLive(nil, prefix), noFiles
}

// completePath offers, for the argument being typed, the namespaces, then
// the configs of the namespace given, then the fields of the config given,
// up to depth arguments.
func (a *app) completePath(depth int) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) >= depth {
			return nil, noFiles
		}
		return a.completeLive(args, prefix), noFiles
	}
}

// completeLive reads what path (namespace, config) holds from the backend
// the command would use, briefly and read-only, and offers the names that
// start with prefix. Any failure offers nothing and prints nothing.
func (a *app) completeLive(path []string, prefix string) []string {
	a.startCompletion()
	ctx, cancel := context.WithTimeout(a.ctx, completionTimeout)
	defer cancel()
	a.ctx = ctx
	a.maxTimeout = completionTimeout
	t, err := a.open(false)
	if err != nil {
		return nil
	}
	defer t.Close()
	var names []string
	switch len(path) {
	case 0:
		names, err = t.registry(ctx)
	case 1:
		if err = t.load(ctx, path[:1]); err == nil {
			names = t.ws.Namespace(path[0]).ConfigNames()
		}
	default:
		if _, err = t.config(ctx, path[0], path[1]); err == nil {
			if v, gerr := t.ws.Get(path[0], path[1]); gerr == nil {
				for k := range v.Members() {
					names = append(names, k)
				}
			}
		}
	}
	if err != nil {
		return nil
	}
	return offer(names, prefix)
}

// startCompletion silences notices and undoes cobra's second parse of the
// flags: for completion it parses them twice, which doubles the list of
// --redis and --dir values.
func (a *app) startCompletion() {
	a.quiet = true
	list := a.opts.backends
	if half := len(list) / 2; len(list)%2 == 0 && slices.Equal(list[:half], list[half:]) {
		a.opts.backends = list[:half]
	}
}

// offer keeps the names that start with prefix and that a shell can take
// as one completion: a control character (a newline above all) would
// break the completion protocol or reach the terminal.
func offer(names []string, prefix string) []string {
	out := []string{}
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && !termsafe.HasControl(n) {
			out = append(out, n)
		}
	}
	return out
}
