package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/confo-dev/confo/confo"
)

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
			ns := args[0]
			t, err := a.openNamespace(ns, false)
			if err != nil {
				return err
			}
			defer t.Close()
			var out []byte
			switch len(args) {
			case 1:
				out, err = namespaceJSON(t.ws, ns)
			case 2:
				out, err = storedBytes(t.ws, ns, args[1])
			default:
				var v confo.Value
				if v, err = t.ws.GetField(ns, args[1], args[2]); err == nil {
					out = confo.Encode(v)
					if output == "raw" && v.Kind() == confo.String {
						out = []byte(v.Str())
					}
				}
			}
			if err != nil {
				return err
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

// namespaceJSON renders {"config": value, ...} with each value's stored bytes.
func namespaceJSON(ws *confo.Workspace, ns string) ([]byte, error) {
	var b bytes.Buffer
	if err := writeNamespaceJSON(&b, ws, ns); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeNamespaceJSON(w io.Writer, ws *confo.Workspace, ns string) error {
	var b bytes.Buffer
	var errs []error
	b.WriteByte('{')
	first := true
	for _, name := range ws.Namespace(ns).ConfigNames() {
		raw, err := storedBytes(ws, ns, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.Write(confo.Encode(confo.StringValue(name)))
		b.WriteString(": ")
		b.Write(raw)
	}
	b.WriteByte('}')
	if len(errs) > 0 {
		return fmt.Errorf("namespace %q has configs that are not JSON: %w", ns, errors.Join(errs...))
	}
	_, err := w.Write(b.Bytes())
	return err
}

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
			t, err := a.openNamespace(ns, true)
			if err != nil {
				return err
			}
			defer t.Close()
			if err := t.ws.SetField(ns, name, field, confo.ParseLiteral(args[3])); err != nil {
				return err
			}
			if err := a.persist(t, confo.Scope{Namespace: ns, Config: name}); err != nil {
				return err
			}
			a.notef("persisted %s/%s", ns, name)
			return nil
		},
	}
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
			// Seam: the library's streaming Export will replace the load,
			// which holds every config in memory at once.
			var names []string
			if len(args) > 0 {
				names = args
			}
			if err := t.load(a.ctx, names); err != nil {
				return err
			}
			if names == nil {
				names = t.ws.NamespaceNames()
			}
			return writeExport(a.out, t.ws, names)
		},
	}
}

// writeExport writes the namespaces one at a time, so that the output is
// never held whole in memory.
func writeExport(w io.Writer, ws *confo.Workspace, names []string) error {
	if _, err := io.WriteString(w, "{"); err != nil {
		return err
	}
	for i, ns := range names {
		sep := ", "
		if i == 0 {
			sep = ""
		}
		if _, err := fmt.Fprintf(w, "%s%s: ", sep, confo.Encode(confo.StringValue(ns))); err != nil {
			return err
		}
		if err := writeNamespaceJSON(w, ws, ns); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "}\n")
	return err
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
			if t.readOnly() {
				return fmt.Errorf("import: %w", confo.ErrReadOnly)
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
				err := a.persist(t, confo.Scope{Namespace: s.namespace})
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
