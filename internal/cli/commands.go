package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/confo-dev/confo/confo"
)

func (a *app) setCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "set NS CONFIG FIELD VALUE",
		Short: "Set a field and persist that config",
		Long: `Set a field and persist that config.

VALUE is JSON when it is a valid JSON text and a string otherwise: 3307 is a
number, 00014 and hello are strings, '"3307"' is the string "3307". A value
that begins with '-' and is not a number goes after --.`,
		Example: `  confo set database mysqli port 3307
  confo set database mysqli offset -1
  confo set -- database mysqli note -not-a-flag`,
		Args:              rangeArgs(4, 4),
		ValidArgsFunction: a.completePath(3),
		RunE: func(_ *cobra.Command, args []string) error {
			ns, name, field := args[0], args[1], args[2]
			t, err := a.openNamespace(ns)
			if errors.Is(err, confo.ErrNamespaceNotFound) {
				return fmt.Errorf("%w (set writes into an existing namespace: create one with 'confo import' or in the TUI)", err)
			}
			if err != nil {
				return err
			}
			defer t.Close()
			if err := t.ws.SetField(ns, name, field, confo.ParseLiteral(args[3])); err != nil {
				return err
			}
			if err := a.persist(t, confo.Scope{Namespace: ns, Config: name}, false); err != nil {
				return err
			}
			a.notef("persisted %s/%s", ns, name)
			return nil
		},
	}
}

func (a *app) importCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE|-",
		Short: "Persist {\"ns\": {\"config\": value}}, one namespace at a time",
		Long: `Persist {"ns": {"config": value}}, one namespace at a time.

Each namespace is written atomically; a namespace with a conflict is left
untouched and reported (exit status 3), the others are written. Configs the
file does not name are kept. 'confo diff FILE' shows what it would change.`,
		Example: "  confo import all.json\n  confo export | ssh other confo import -",
		Args:    rangeArgs(1, 1),
		RunE: func(_ *cobra.Command, args []string) error {
			t, err := a.open(true)
			if err != nil {
				return err
			}
			defer t.Close()
			if err := t.refuseReadOnly(); err != nil {
				return err
			}
			doc, err := a.readImport(args[0])
			if err != nil {
				return err
			}
			staged, err := stageImport(a, t, doc)
			if err != nil {
				return err
			}
			var conflicts []error
			for _, s := range staged {
				err := a.persist(t, confo.Scope{Namespace: s.namespace}, true)
				switch {
				case errors.Is(err, confo.ErrConflict):
					conflicts = append(conflicts, err)
					continue
				case err != nil:
					return err
				}
				a.notef("namespace %s: %d config(s) written, %d unchanged", s.namespace, s.written, s.total-s.written)
			}
			return errors.Join(conflicts...)
		},
	}
}

// readImport reads and checks an import document: a file, or - for
// standard input.
func (a *app) readImport(name string) (confo.Value, error) {
	var data []byte
	var err error
	if name == "-" {
		if data, err = io.ReadAll(a.env.Stdin); err != nil {
			return confo.Value{}, fmt.Errorf("read standard input: %w", err)
		}
	} else if data, err = os.ReadFile(name); err != nil {
		return confo.Value{}, err
	}
	doc, err := confo.Decode(data)
	if err != nil {
		return confo.Value{}, fmt.Errorf("%s: %w", name, err)
	}
	if doc.Kind() != confo.Object {
		return confo.Value{}, fmt.Errorf("%s: want an object {\"namespace\": {\"config\": value}}, got a %s", name, doc.Kind())
	}
	for ns, configs := range doc.Members() {
		if configs.Kind() != confo.Object {
			return confo.Value{}, fmt.Errorf("%s: namespace %q: want an object of configs, got a %s", name, ns, configs.Kind())
		}
	}
	return doc, nil
}

// stagedNamespace is one namespace of an import, set in the workspace.
type stagedNamespace struct {
	namespace      string
	written, total int
}

// stageImport sets every config of doc in the workspace, creating the
// namespaces that do not exist, without writing anything: import persists
// what it staged, diff shows it.
func stageImport(a *app, t *target, doc confo.Value) ([]stagedNamespace, error) {
	var names []string
	for ns := range doc.Members() {
		names = append(names, ns)
	}
	if err := t.loadExisting(a.ctx, names); err != nil {
		return nil, err
	}
	var staged []stagedNamespace
	for ns, configs := range doc.Members() {
		if n := t.ws.Namespace(ns); n == nil || n.Deleted() {
			if err := t.ws.CreateNamespace(ns); err != nil {
				return nil, err
			}
		}
		for name, value := range configs.Members() {
			if err := t.ws.Set(ns, name, value); err != nil {
				return nil, err
			}
		}
		changes, err := t.ws.Changes(confo.Scope{Namespace: ns})
		if err != nil {
			return nil, err
		}
		s := stagedNamespace{namespace: ns, total: configs.Len()}
		for _, c := range changes {
			s.written += len(c.Configs)
		}
		staged = append(staged, s)
	}
	return staged, nil
}

// addOutputFlag adds -o/--output with its allowed formats, the first the
// default; any other value is a usage error.
func addOutputFlag(c *cobra.Command, dst *string, formats ...string) {
	c.Flags().StringVarP(dst, "output", "o", formats[0], "output format: "+strings.Join(formats, " or "))
	c.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	run := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		for _, f := range formats {
			if *dst == f {
				return run(cmd, args)
			}
		}
		return usagef("-o %s: want %s", *dst, strings.Join(formats, " or "))
	}
}
