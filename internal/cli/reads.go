package cli

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/confo-dev/confo/confo"
)

// The read commands read what they print and nothing more: namespaces the
// registry, get one namespace's list and one key (or one namespace),
// export streams the backend to the output as it is read. A list or
// registry that cannot be read is an error naming its key, never an empty
// result.

func (a *app) namespacesCommand() *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:               "namespaces",
		Short:             "List the namespaces, one per line",
		Example:           "  confo namespaces\n  confo namespaces -o json   # a JSON array",
		Args:              rangeArgs(0, 0),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(*cobra.Command, []string) error {
			t, err := a.open(false)
			if err != nil {
				return err
			}
			defer t.Close()
			list, err := t.registry(a.ctx)
			if err != nil {
				return err
			}
			if output == "json" {
				return a.printJSON(stringsValue(list))
			}
			for _, ns := range list {
				// Name escapes backslashes too on a terminal, so that
				// a name holding the text \x1b is told from an escape.
				fmt.Fprintln(a.out, a.out.Name(ns))
			}
			return nil
		},
	}
	addOutputFlag(c, &output, "text", "json")
	return c
}

func stringsValue(list []string) confo.Value {
	items := make([]confo.Value, len(list))
	for i, s := range list {
		items[i] = confo.StringValue(s)
	}
	return confo.ArrayValue(items...)
}

// printJSON prints a value the way Python's json.dumps writes it.
func (a *app) printJSON(v confo.Value) error {
	_, err := fmt.Fprintf(a.out, "%s\n", confo.Encode(v))
	return err
}

func (a *app) getCommand() *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "get NS [CONFIG [FIELD]]",
		Short: "Print a namespace, a config or a field as JSON (stored bytes kept)",
		Example: `  confo get database                     # {"config": value, ...}
  confo get database mysqli              # the config's JSON, as stored
  confo get database mysqli host         # "localhost"
  confo get database mysqli host -o raw  # localhost`,
		Args:              rangeArgs(1, 3),
		ValidArgsFunction: a.completePath(3),
		RunE: func(_ *cobra.Command, args []string) error {
			t, err := a.open(false)
			if err != nil {
				return err
			}
			defer t.Close()
			ns := args[0]
			if len(args) == 1 {
				return confo.WriteNamespace(a.ctx, t.store, ns, a.out, t.spec.Discover)
			}
			out, err := t.config(a.ctx, ns, args[1])
			if err != nil {
				return err
			}
			if len(args) == 3 {
				v, err := t.ws.GetField(ns, args[1], args[2])
				if err != nil {
					return err
				}
				out = confo.Encode(v)
				if output == "raw" && v.Kind() == confo.String {
					out = []byte(v.Str())
				}
			}
			_, err = fmt.Fprintf(a.out, "%s\n", out)
			return err
		},
	}
	addOutputFlag(c, &output, "json", "raw")
	return c
}

// storedBytes returns a config's bytes exactly as stored, after checking
// they are JSON, so scripts see what other clients wrote.
func storedBytes(ws *confo.Workspace, ns, name string) ([]byte, error) {
	if _, err := ws.Get(ns, name); err != nil {
		return nil, err
	}
	return ws.Namespace(ns).Config(name).Base().Bytes, nil
}

func (a *app) exportCommand() *cobra.Command {
	return &cobra.Command{
		Use:               "export [NS...]",
		Short:             `Print {"ns": {"config": value}} for every namespace, or those named`,
		Example:           "  confo export > all.json\n  confo export database sales",
		ValidArgsFunction: a.completeNamespaces,
		RunE: func(_ *cobra.Command, args []string) error {
			t, err := a.open(false)
			if err != nil {
				return err
			}
			defer t.Close()
			opts := confo.ExportOptions{Discover: t.spec.Discover}
			if len(args) > 0 {
				// A name that is not there stops the export before it
				// prints anything, rather than after the names before it.
				registry, err := t.registry(a.ctx)
				if err != nil {
					return err
				}
				for _, ns := range args {
					if _, found := slices.BinarySearch(registry, ns); !found {
						return fmt.Errorf("%w: %q", confo.ErrNamespaceNotFound, ns)
					}
				}
				opts.Namespaces = args
			}
			return confo.Export(a.ctx, t.store, a.out, opts)
		},
	}
}
