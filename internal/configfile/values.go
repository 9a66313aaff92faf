package configfile

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

func (d *decoder) unknown(table []string, key string, known []string) {
	d.in(table, key, "unknown key %q (known: %s)", key, strings.Join(known, ", "))
}

// ordered returns the keys of t in the order the file gives them, so that
// backends keep their order and problems are found in reading order.
func (d *decoder) ordered(path []string, t map[string]any) []string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		la, ca := d.pos.of(append(path[:len(path):len(path)], a))
		lb, cb := d.pos.of(append(path[:len(path):len(path)], b))
		return cmp.Or(cmp.Compare(la, lb), cmp.Compare(ca, cb), strings.Compare(a, b))
	})
	return keys
}

func (d *decoder) sort() { d.list.Sort() }

func (d *decoder) str(path []string, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		d.at(path, "want a string, got %s", typeName(v))
	}
	return s, ok
}

func (d *decoder) nonEmpty(path []string, v any) (string, bool) {
	s, ok := d.str(path, v)
	if ok && s == "" {
		d.at(path, "is empty")
		return "", false
	}
	return s, ok
}

func (d *decoder) boolean(path []string, v any) (bool, bool) {
	b, ok := v.(bool)
	if !ok {
		d.at(path, "want true or false, got %s", typeName(v))
	}
	return b, ok
}

func (d *decoder) table(path []string, v any) (map[string]any, bool) {
	t, ok := v.(map[string]any)
	if !ok {
		d.at(path, "want a table, got %s", typeName(v))
	}
	return t, ok
}

func (d *decoder) path(path []string, v any) string {
	s, ok := d.nonEmpty(path, v)
	if !ok {
		return ""
	}
	p, err := resolvePath(s, d.base, d.getenv)
	if err != nil {
		d.at(path, "%v", err)
	}
	return p
}

func (d *decoder) duration(path []string, v any) time.Duration {
	s, ok := v.(string)
	if !ok {
		d.at(path, `want a duration such as "5s", got %s`, typeName(v))
		return 0
	}
	t, err := time.ParseDuration(s)
	switch {
	case err != nil:
		d.at(path, `%q is not a duration; write it like "5s", "500ms" or "1m30s"`, s)
	case t <= 0:
		d.at(path, "%s is not more than 0", s)
	}
	return t
}

// typeName is a decoded TOML value's type, with its article, for messages
// that must not show the value.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	default:
		return "a date or time"
	}
}
