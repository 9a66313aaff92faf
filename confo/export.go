package confo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

// ExportOptions narrows an export.
type ExportOptions struct {
	// Namespaces are exported in this order; nil exports every namespace,
	// sorted.
	Namespaces []string
	// Discover adopts configs stored under a namespace but missing from
	// its list.
	Discover bool
}

// Export writes {"ns": {"cfg": <stored bytes>, ...}, ...} and a newline to
// w, each config's bytes exactly as stored, streamed as the backend is
// read: nothing is decoded, the bytes are only checked to be JSON. A list
// or registry that cannot be read, or a config that is not JSON, is an
// error naming its key (up to maxExportProblems of them); the output then
// stops where the first one was found, so it is never valid JSON.
func Export(ctx context.Context, s Store, w io.Writer, opts ExportOptions) error {
	out := newExportWriter(s, w)
	out.raw("{")
	load := LoadOptions{Discover: opts.Discover, Stream: out.namespace}
	if opts.Namespaces == nil {
		if _, err := s.Load(ctx, load); err != nil {
			return out.fail(err)
		}
	} else {
		for _, ns := range opts.Namespaces {
			load.Namespaces = []string{ns}
			if _, err := s.Load(ctx, load); err != nil {
				return out.fail(err)
			}
		}
	}
	out.raw("}\n")
	return out.finish()
}

// WriteNamespace writes one namespace as {"cfg": <stored bytes>, ...} and a
// newline, the way Export writes each namespace.
func WriteNamespace(ctx context.Context, s Store, ns string, w io.Writer, discover bool) error {
	out := newExportWriter(s, w)
	out.bare = true
	if _, err := s.Load(ctx, LoadOptions{Namespaces: []string{ns}, Discover: discover, Stream: out.namespace}); err != nil {
		return out.fail(err)
	}
	out.raw("\n")
	return out.finish()
}

// maxExportProblems bounds the bad configs an export error names; the
// others are counted.
const maxExportProblems = 5

// exportWriter writes namespaces as they arrive. After the first bad
// config it writes nothing more but keeps checking, so the error names
// every bad config, not only the first.
type exportWriter struct {
	s        Store
	w        *bufio.Writer
	bare     bool // one namespace's object only, as WriteNamespace writes
	first    bool // no namespace written yet
	problems []error
	more     int
	// groups counts the bad configs by what is wrong (storedProblem), in
	// the order first seen.
	groups []problemCount
	err    error // a write error
}

type problemCount struct {
	group string
	n     int
}

func (e *exportWriter) count(group string) {
	for i := range e.groups {
		if e.groups[i].group == group {
			e.groups[i].n++
			return
		}
	}
	e.groups = append(e.groups, problemCount{group, 1})
}

func newExportWriter(s Store, w io.Writer) *exportWriter {
	return &exportWriter{s: s, w: bufio.NewWriterSize(w, 256<<10), first: true}
}

func (e *exportWriter) raw(text string) {
	if e.err == nil && len(e.problems) == 0 {
		_, e.err = e.w.WriteString(text)
	}
}

func (e *exportWriter) bytes(b []byte) {
	if e.err == nil && len(e.problems) == 0 {
		_, e.err = e.w.Write(b)
	}
}

// namespace is the Stream of the load.
func (e *exportWriter) namespace(ns NamespaceSnapshot) error {
	if e.err != nil {
		return e.err
	}
	if ns.Problem != "" {
		return listError(ns.Name, ns.Problem)
	}
	if !e.bare {
		if !e.first {
			e.raw(", ")
		}
		e.bytes(jsonvalue.Encode(jsonvalue.StringValue(ns.Name)))
		e.raw(": ")
	}
	e.first = false
	e.raw("{")
	for i, c := range ns.Configs {
		if group, err := checkStored(e.s, ns.Name, c.Name, c.Raw); err != nil {
			e.count(group)
			if len(e.problems) < maxExportProblems {
				e.problems = append(e.problems, err)
			} else {
				e.more++
			}
			continue
		}
		if i > 0 {
			e.raw(", ")
		}
		e.bytes(jsonvalue.Encode(jsonvalue.StringValue(c.Name)))
		e.raw(": ")
		e.bytes(c.Raw.Bytes)
	}
	e.raw("}")
	return e.err
}

// fail returns a load's error, after the bad configs found before it.
func (e *exportWriter) fail(err error) error {
	if len(e.problems) > 0 {
		return fmt.Errorf("%w; %w", e.problemError(), err)
	}
	return err
}

// finish flushes the output, or returns the problems found.
func (e *exportWriter) finish() error {
	if len(e.problems) > 0 {
		return e.problemError()
	}
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}

// problemError is one line naming every bad config (up to a bound),
// after how many there are of each kind.
func (e *exportWriter) problemError() error {
	if len(e.problems) == 1 && e.more == 0 {
		return e.problems[0]
	}
	counts := make([]string, len(e.groups))
	for i, g := range e.groups {
		counts[i] = fmt.Sprintf("%d %s", g.n, g.group)
	}
	msg := fmt.Sprintf("%d configs are not usable (%s): ", len(e.problems)+e.more, strings.Join(counts, ", "))
	for i, p := range e.problems {
		if i > 0 {
			msg += "; "
		}
		msg += p.Error()
	}
	if e.more > 0 {
		msg += fmt.Sprintf("; and %d more", e.more)
	}
	return &unusableError{msg: msg}
}

// unusableError is several configs whose stored data cannot be used;
// ErrBadData's words would describe only some of them.
type unusableError struct{ msg string }

func (e *unusableError) Error() string { return e.msg }

func (e *unusableError) Unwrap() error { return ErrBadData }
