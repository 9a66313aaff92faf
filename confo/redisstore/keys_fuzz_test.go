package redisstore

import (
	"strings"
	"testing"
)

// FuzzOwningNamespace checks the discovery rule for ambiguous keys: a key
// is owned by the longest registered namespace it starts with (plus "-"),
// and the rest is a non-empty config name.
func FuzzOwningNamespace(f *testing.F) {
	f.Add("a-b-c", "a,a-b")
	f.Add("a-", "a")
	f.Add("x-y", "a")
	f.Add("--", "-")
	f.Fuzz(func(t *testing.T, key, namespaces string) {
		registry := strings.Split(namespaces, ",")
		ns, cfg := owningNamespace(key, registry)
		if ns == "" {
			if cfg != "" {
				t.Fatalf("no owner but config %q", cfg)
			}
			for _, r := range registry {
				if r != "" && len(key) > len(r)+1 && strings.HasPrefix(key, r+"-") {
					t.Fatalf("%q is owned by %q but no owner was found", key, r)
				}
			}
			return
		}
		if key != ns+"-"+cfg || cfg == "" {
			t.Fatalf("owningNamespace(%q) = %q + %q", key, ns, cfg)
		}
		for _, r := range registry {
			if len(r) > len(ns) && len(key) > len(r)+1 && strings.HasPrefix(key, r+"-") {
				t.Fatalf("%q: %q is longer than the chosen %q", key, r, ns)
			}
		}
	})
}
