package reporting_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// TestREADMEExampleIsValid keeps the documented example definition valid.
func TestREADMEExampleIsValid(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```json\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no JSON example in README.md")
	}
	var def atlas.ReportDefinition
	dec := json.NewDecoder(strings.NewReader(block))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&def); err != nil {
		t.Fatal(err)
	}
	if err := def.Validate(); err != nil {
		t.Fatal(err)
	}
	if p := def.Check(map[string]float64{"plaetze": 10, "belegt": 11, "kita_frei": 0, "ik_wartezeit": 3.5}, true); len(p) != 1 || p[0].Field != "belegt" {
		t.Errorf("occupied > capacity: %+v", p)
	}
}
