// Package termsafe makes stored text safe to show on a terminal.
//
// Config names, keys, values and error texts come from Redis or a directory
// that other people and tools write, so they may be hostile. Printed raw, an
// escape sequence in them can retitle the window, write the clipboard (OSC 52)
// or redraw the screen, and a carriage return or bidi override can make one
// name look like another. This package shows such characters as visible ASCII
// escapes instead; text with nothing to escape is returned as is, without
// allocating.
//
// Escapes, chosen so that Name's output is also a valid Go string literal
// body (strconv.Unquote decodes it after quoting):
//
//	\n \t \r      newline, tab, carriage return, when the mode escapes them
//	\x00 … \x7f   any other C0 control and DEL
//	\x80 … \xff   one byte that is not part of valid UTF-8
//	\u0080 …      C1 controls, format characters (bidi controls, zero-width
//	\U000e0001    space, BOM, soft hyphen, tag characters, …) and the line
//	              and paragraph separators U+2028, U+2029
//	\\            a literal backslash, in Name only
//
// ZWJ and ZWNJ are kept: emoji sequences and several scripts need them.
//
// An escape is plain ASCII, so its width is its length. For that to hold in
// the surrounding text too, a combining mark that would attach to an escape
// (or to the start of a line) and a prepended letter that would attach to
// the backslash of an escape (or sit at the end of a line) are escaped as
// well; kept text then never shares a grapheme cluster with an escape.
package termsafe
