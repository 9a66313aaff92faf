package termsafe

import (
	"io"
	"os"
)

// Writer is the CLI's output: on a terminal it escapes what it is given, so
// stored names cannot send control sequences; elsewhere (a pipe, a file) it
// passes every byte through, because scripts need the real names.
//
// On a terminal it keeps newlines and raw tabs (a tab only moves the cursor
// right, and CLI tables may rely on the terminal's tab stops) and otherwise
// escapes like Block. Output that must carry the CLI's own styling escapes
// cannot go through it. Call Flush at the end: a write that stops inside a
// UTF-8 sequence is held back until the rest arrives. After an error from
// the underlying writer, every call returns that error.
type Writer struct {
	w    io.Writer
	term bool
	enc  *encoder
	pend []byte // the start of a UTF-8 sequence that the next write completes
	err  error
}

// NewWriter returns a Writer to w that escapes when terminal is true; pass
// IsTerminal(f) for an *os.File.
func NewWriter(w io.Writer, terminal bool) *Writer {
	tw := &Writer{w: w, term: terminal}
	if terminal {
		tw.enc = newEncoder(modeStream, 512)
	}
	return tw
}

// IsTerminal reports whether f is a terminal (a console on Windows).
// It does not switch f to blocking mode, unlike f.Fd.
func IsTerminal(f *os.File) bool {
	if f == nil {
		return false
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	var ok bool
	if rc.Control(func(fd uintptr) { ok = isTerminal(fd) }) != nil {
		return false
	}
	return ok
}

// Terminal reports whether w escapes its output.
func (w *Writer) Terminal() bool { return w.term }

// Name returns Name(s) when w goes to a terminal and s otherwise, for
// composing a line such as "name<TAB>size" that stays exact in a pipe.
func (w *Writer) Name(s string) string {
	if w.term {
		return Name(s)
	}
	return s
}

// Line returns Line(s) when w goes to a terminal and s otherwise.
func (w *Writer) Line(s string) string {
	if w.term {
		return Line(s)
	}
	return s
}

// Write escapes p as described on Writer; it reports all of p written
// unless the underlying writer fails.
func (w *Writer) Write(p []byte) (int, error) {
	if !w.term {
		return w.w.Write(p)
	}
	if err := w.push(string(p), false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// WriteString is Write for a string, without the copy.
func (w *Writer) WriteString(s string) (int, error) {
	if !w.term {
		return io.WriteString(w.w, s)
	}
	if err := w.push(s, false); err != nil {
		return 0, err
	}
	return len(s), nil
}

// Flush writes what was held back, escaping a UTF-8 sequence that was
// never completed byte by byte.
func (w *Writer) Flush() error {
	if !w.term {
		return nil
	}
	return w.push("", true)
}

func (w *Writer) push(s string, final bool) error {
	if w.err != nil {
		return w.err
	}
	if len(w.pend) > 0 {
		s = string(w.pend) + s
	}
	e := w.enc
	n := e.feed(s, final)
	w.pend = append(w.pend[:0], s[n:]...)
	done := e.settled()
	if done == 0 {
		return nil
	}
	if _, err := w.w.Write(e.out[:done]); err != nil {
		w.err = err
		return err
	}
	e.drop(done)
	return nil
}
