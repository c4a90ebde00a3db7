package atlas

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// Issue 15, item 8: cells that a spreadsheet would run as a formula get a
// leading apostrophe (OWASP); numbers and single characters do not.
func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil.example","München")`: `'=HYPERLINK("http://evil.example","München")`,
		"+49 89 1234":            "'+49 89 1234",
		"-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0",
		"@SUM(A1:A9)":            "'@SUM(A1:A9)",
		"\t=1":                   "'\t=1",
		"-3.5":                   "-3.5",
		"-3,5":                   "-3,5",
		"+1e3":                   "+1e3",
		"-":                      "-",
		"München":                "München",
		"09162":                  "09162",
		"":                       "",
	} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
	var b bytes.Buffer
	w := NewCSVWriter(&b)
	w.Comma = ';'
	_ = w.Write([]string{"09162", "=1+1", "-3,5"})
	w.Flush()
	rec, err := csv.NewReader(bytes.NewReader(b.Bytes())).Read()
	if err != nil || b.String() != "09162;'=1+1;-3,5\n" {
		t.Errorf("written %q (%v %v)", b.String(), rec, err)
	}
}
