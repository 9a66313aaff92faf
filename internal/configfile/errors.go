package configfile

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem in a config file, placed at the key that caused it.
type Error struct {
	File string
	// Line and Col are 1-based; 0 when the problem has no place in the text
	// (the file is missing, unreadable).
	Line, Col int
	// Key is the dotted path of the table or key at fault ("backends.prod"),
	// empty when the problem concerns the whole file.
	Key string
	Msg string
	// Err is the underlying cause, kept for errors.Is (fs.ErrNotExist,
	// context.DeadlineExceeded); its text follows Msg.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config ")
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteString(":" + strconv.Itoa(e.Col))
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorList is every problem Load found, in file order, so that one run
// reports all the typos rather than one per attempt. Its text is one line
// per problem.
type ErrorList []*Error

func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort puts the problems in file order; the sort is stable, so problems
// at one place keep the order they were found in.
func (l ErrorList) Sort() {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
}

// Unwrap lets errors.As find the first *Error and errors.Is see the causes.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// problems collects the errors of one file, each placed by the index.
type problems struct {
	file string
	pos  positions
	list ErrorList
}

// at records a problem at path's key; msg names no value that could be a
// secret.
func (p *problems) at(path []string, format string, args ...any) {
	line, col := p.pos.of(path)
	p.list = append(p.list, &Error{File: p.file, Line: line, Col: col, Key: dotted(path), Msg: fmt.Sprintf(format, args...)})
}

// in records a problem about a table (the key path names the table, the
// message names the member), placed at the member when it is in the file.
func (p *problems) in(table []string, member string, format string, args ...any) {
	line, col := p.pos.of(append(table[:len(table):len(table)], member))
	if line == 0 {
		line, col = p.pos.of(table)
	}
	p.list = append(p.list, &Error{File: p.file, Line: line, Col: col, Key: dotted(table), Msg: fmt.Sprintf(format, args...)})
}

// dotted writes a key path the way TOML would, quoting the parts that are
// not bare keys so that a backend named "eu.prod" is not read as two parts.
func dotted(path []string) string {
	parts := make([]string, len(path))
	for i, p := range path {
		if isBareKey(p) {
			parts[i] = p
		} else {
			parts[i] = strconv.Quote(p)
		}
	}
	return strings.Join(parts, ".")
}

func isBareKey(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
