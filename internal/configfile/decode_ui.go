package configfile

// The [keys] and [theme] tables belong to the terminal UI. Only their shape
// is checked here; action, key and colour names are the UI's to check, as
// it alone knows which exist, and File.Errorf places what it finds.

func (d *decoder) keys(path []string, v any) map[string][]string {
	t, ok := d.table(path, v)
	if !ok {
		return nil
	}
	keys := make(map[string][]string, len(t))
	for _, action := range d.ordered(path, t) {
		kp := append(path[:1:1], action)
		switch v := t[action].(type) {
		case string:
			keys[action] = []string{v}
		case []any:
			list := make([]string, 0, len(v))
			for i, e := range v {
				s, ok := e.(string)
				if !ok {
					d.at(kp, "want a key or an array of keys, but element %d is %s", i+1, typeName(e))
					break
				}
				list = append(list, s)
			}
			keys[action] = list
		default:
			d.at(kp, "want a key or an array of keys, got %s", typeName(v))
		}
	}
	return keys
}

func (d *decoder) theme(path []string, v any) Theme {
	var th Theme
	t, ok := d.table(path, v)
	if !ok {
		return th
	}
	for _, k := range d.ordered(path, t) {
		kp := append(path[:1:1], k)
		switch k {
		case "name":
			th.Name, _ = d.str(kp, t[k])
		case "colors":
			colors, ok := d.table(kp, t[k])
			if !ok {
				continue
			}
			th.Colors = make(map[string]string, len(colors))
			for _, c := range d.ordered(kp, colors) {
				th.Colors[c], _ = d.str(append(kp[:2:2], c), colors[c])
			}
		default:
			d.unknown(path, k, themeKeys)
		}
	}
	return th
}
