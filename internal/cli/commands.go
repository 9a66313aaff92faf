package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/session"
)

// command is one headless subcommand.
type command struct {
	minArgs, maxArgs int // maxArgs < 0: unlimited
	usage            string
	run              func(ctx context.Context, s *commandEnv, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

// commandEnv is what a headless command works on: the session's active
// backend and the flags.
type commandEnv struct {
	sess *session.Session
	opts options
}

// active returns the active backend's store and workspace.
func (e *commandEnv) active() (confo.Store, *confo.Workspace) {
	c := e.sess.Confo
	name := c.Backends().Active
	store, _ := c.Store(name)
	ws, _ := c.Workspace(name)
	return store, ws
}

func (c command) checkArgs(args []string) error {
	if len(args) < c.minArgs || (c.maxArgs >= 0 && len(args) > c.maxArgs) {
		return usagef("usage: confo %s", c.usage)
	}
	return nil
}

var commands = map[string]command{
	"namespaces": {0, 0, "namespaces", runNamespaces},
	"get":        {1, 3, "get NS [CONFIG [FIELD]]", runGet},
	"set":        {4, 4, "set NS CONFIG FIELD VALUE", runSet},
	"export":     {0, -1, "export [NS...]", runExport},
	"import":     {1, 1, "import FILE|-", runImport},
}

func runNamespaces(_ context.Context, s *commandEnv, _ []string, _ io.Reader, stdout, _ io.Writer) error {
	list, err := s.sess.Confo.Namespaces()
	if err != nil {
		return err
	}
	for _, ns := range list.All {
		fmt.Fprintln(stdout, ns)
	}
	return nil
}

func runGet(_ context.Context, s *commandEnv, args []string, _ io.Reader, stdout, _ io.Writer) error {
	_, ws := s.active()
	ns := args[0]
	if err := s.sess.Confo.UseNamespace(ns); err != nil {
		return err
	}
	var out []byte
	switch len(args) {
	case 1:
		body, err := namespaceJSON(ws, ns)
		if err != nil {
			return err
		}
		out = body
	case 2:
		raw, err := storedBytes(ws, ns, args[1])
		if err != nil {
			return err
		}
		out = raw
	default:
		v, err := s.sess.Confo.GetField(args[1], args[2])
		if err != nil {
			return err
		}
		out = confo.Encode(v)
	}
	_, err := fmt.Fprintf(stdout, "%s\n", out)
	return err
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
	n := ws.Namespace(ns)
	var b strings.Builder
	var errs []error
	b.WriteByte('{')
	first := true
	for _, name := range n.ConfigNames() {
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
		return nil, fmt.Errorf("namespace %q has configs that are not JSON: %w", ns, errors.Join(errs...))
	}
	return []byte(b.String()), nil
}

func runSet(ctx context.Context, s *commandEnv, args []string, _ io.Reader, _, stderr io.Writer) error {
	store, ws := s.active()
	ns, name, field := args[0], args[1], args[2]
	if store.ReadOnly() {
		return fmt.Errorf("set %s/%s: %w", ns, name, confo.ErrReadOnly)
	}
	if err := ws.SetField(ns, name, field, confo.ParseLiteral(args[3])); err != nil {
		return err
	}
	scope := confo.Scope{Namespace: ns, Config: name}
	if err := confo.Persist(ctx, store, ws, scope, confo.CommitOptions{Overwrite: s.opts.overwrite}); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "confo: persisted %s/%s\n", ns, name)
	return nil
}

func runExport(_ context.Context, s *commandEnv, args []string, _ io.Reader, stdout, _ io.Writer) error {
	_, ws := s.active()
	names := args
	if len(names) == 0 {
		list, err := s.sess.Confo.Namespaces()
		if err != nil {
			return err
		}
		names = list.All
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, ns := range names {
		if err := s.sess.Confo.UseNamespace(ns); err != nil {
			return err
		}
		body, err := namespaceJSON(ws, ns)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.Write(confo.Encode(confo.StringValue(ns)))
		b.WriteString(": ")
		b.Write(body)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(stdout, b.String())
	return err
}

func runImport(ctx context.Context, s *commandEnv, args []string, stdin io.Reader, _, stderr io.Writer) error {
	store, ws := s.active()
	if store.ReadOnly() {
		return fmt.Errorf("import: %w", confo.ErrReadOnly)
	}
	data, err := readInput(args[0], stdin)
	if err != nil {
		return err
	}
	doc, err := confo.Decode(data)
	if err != nil {
		return fmt.Errorf("import %s: %w", args[0], err)
	}
	if doc.Kind() != confo.Object {
		return fmt.Errorf("import %s: want an object {\"namespace\": {\"config\": value}}, got a %s", args[0], doc.Kind())
	}
	var conflicts []error
	for ns, configs := range doc.Members() {
		if configs.Kind() != confo.Object {
			return fmt.Errorf("import %s: namespace %q: want an object of configs, got a %s", args[0], ns, configs.Kind())
		}
		if n := ws.Namespace(ns); n == nil || n.Deleted() {
			if err := ws.CreateNamespace(ns); err != nil {
				return fmt.Errorf("import: %w", err)
			}
		}
		for name, value := range configs.Members() {
			if err := ws.Set(ns, name, value); err != nil {
				return fmt.Errorf("import: %w", err)
			}
		}
		changes, err := ws.Changes(confo.Scope{Namespace: ns})
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		written := 0
		for _, c := range changes {
			written += len(c.Configs)
		}
		err = confo.Persist(ctx, store, ws, confo.Scope{Namespace: ns}, confo.CommitOptions{Overwrite: s.opts.overwrite})
		switch {
		case errors.Is(err, confo.ErrConflict):
			conflicts = append(conflicts, err)
			continue
		case err != nil:
			return err
		}
		fmt.Fprintf(stderr, "confo: namespace %s: %d config(s) written, %d unchanged\n", ns, written, configs.Len()-written)
	}
	return errors.Join(conflicts...)
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return data, nil
}
