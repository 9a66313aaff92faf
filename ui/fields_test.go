package ui

import (
	"regexp"
	"testing"
)

// TestEmptyFieldNameIsVisible: "" is a valid JSON key; its row shows "".
func TestEmptyFieldNameIsVisible(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.behindTheBack("sales", "crm", `{"": "blank key", "vendor": "x"}`)
	a.press("R")
	a.gotoConfig("sales", "crm").press("l")
	if !regexp.MustCompile(`▸  "" +"blank key"`).MatchString(a.screen()) {
		t.Fatalf("the empty name is not shown:\n%s", a.screen())
	}
}
