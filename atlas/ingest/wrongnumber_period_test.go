package ingest

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// A date in the file beats -period: every reader refuses a -period that
// contradicts the file and says so when one that agrees was not needed.
// Each case is a real official file (testdata/README.md).
func TestEveryReaderRefusesAContradictingPeriod(t *testing.T) {
	ks, err := os.ReadFile("../../seeds/indicators/koenigsteiner_schluessel.csv")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file   string
		data   []byte
		spec   TableSpec
		agrees int
		wrong  int
	}{
		{"genesis_12411-01-01-4_excerpt_latin1.csv", nil, TableSpec{Format: FormatGENESIS}, 2021, 2017},   // ;;31.12.2021 header line
		{"genesis_22411-01-01-4-B_excerpt_latin1.csv", nil, TableSpec{Format: FormatGENESIS}, 2017, 2018}, // time column 31.12.2017
		{"genesis_13211-02-05-4_excerpt_latin1.csv", nil, TableSpec{Format: FormatGENESIS}, 0, 2017},      // years 2015–2020 in rows
		{"regionalstatistik_ws_11111-02-01-4_kreise_2023_ffcsv.zip", nil, TableSpec{Format: FormatFFCSV}, 2023, 2022},
		{"inkar_kreise_2017_excerpt.csv", nil, TableSpec{Format: FormatINKAR}, 0, 2019}, // 2016 and 2017
		{"canonical_unemployment_2019_excerpt.csv", nil, TableSpec{Format: FormatCanonical}, 2019, 2020},
		{"koenigsteiner_schluessel.csv", ks, TableSpec{Format: FormatKS}, 0, 1950},
		{"regionalstatistik_22543-01-02-4_excerpt.csv", nil, TableSpec{Format: FormatGENESIS}, 0, 2016}, // 01.03.2011 and 01.03.2016
	}
	for _, c := range cases {
		data := c.data
		if data == nil {
			data = readFixture(t, c.file)
		}
		spec := c.spec
		spec.ID = "fixture"
		spec.PeriodValue = c.wrong
		in := formatInputs{}
		if c.spec.Format == FormatCanonical {
			_, in = canonicalCSVSpec(t)
		}
		_, err := readTableWith(c.file, data, spec, catalogue(), in)
		if !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "contradicts the file") {
			t.Errorf("%s with -period %d: err = %v, want a refusal (contradicts the file)", c.file, c.wrong, err)
		}
		if c.agrees == 0 {
			continue
		}
		spec.PeriodValue = c.agrees
		res, err := readTableWith(c.file, data, spec, catalogue(), in)
		if err != nil {
			t.Errorf("%s with agreeing -period %d: %v", c.file, c.agrees, err)
			continue
		}
		if !strings.Contains(strings.Join(res.Report, "\n"), "was not needed") {
			t.Errorf("%s: the report does not say -period %d was not needed:\n%s", c.file, c.agrees, strings.Join(res.Report, "\n"))
		}
	}
}

// The date of a GENESIS table may stand in a single title line
// ("Stichtag: 31.12.2021") or in a labelled header cell instead of a date
// line. The real 12411-01-01-4 excerpt is rewritten into both forms (only
// its two date lines change; every data row stays as downloaded): its values
// must be stored under 2021 and a -period 2017 refused — today's code finds
// no date and stores them under any -period given.
func TestGENESISStichtagLines(t *testing.T) {
	name := "genesis_12411-01-01-4_excerpt_latin1.csv"
	orig := readFixture(t, name)
	lines := bytes.Split(orig, []byte("\n"))
	var dateLines []int
	for i, l := range lines[:10] {
		if bytes.HasPrefix(l, []byte(";;Stichtag;")) || bytes.HasPrefix(l, []byte(";;31.12.2021;")) {
			dateLines = append(dateLines, i)
		}
	}
	if len(dateLines) != 2 {
		t.Fatalf("fixture changed: date lines %v", dateLines)
	}
	rewrite := func(replacement [][]byte) []byte {
		var out [][]byte
		out = append(out, lines[:dateLines[0]]...)
		out = append(out, replacement...)
		out = append(out, lines[dateLines[1]+1:]...)
		return bytes.Join(out, []byte("\n"))
	}
	forms := map[string][]byte{
		"title line":  rewrite([][]byte{[]byte("Stichtag: 31.12.2021;;;;")}),
		"header cell": rewrite([][]byte{[]byte(";;Stichtag: 31.12.2021;Stichtag: 31.12.2021;Stichtag: 31.12.2021")}),
	}
	for form, data := range forms {
		if form == "title line" { // the title line must come before the header lines
			data = moveTitle(t, data)
		}
		res, err := ReadTable(name, data, TableSpec{ID: "fixture", Format: FormatGENESIS}, catalogue())
		if err != nil {
			t.Fatalf("%s: %v", form, err)
		}
		for _, o := range res.Observations {
			if o.Period != 2021 {
				t.Fatalf("%s: %s %s stored under %d, want 2021", form, o.Indicator, o.Key, o.Period)
			}
		}
		if o, ok := find(res.Observations, "rdb_12411_01_01_4_c3", "01001", 2021); !ok || o.Value != 91113 {
			t.Errorf("%s: Flensburg = %+v, want 91113 (raw: 01001;Flensburg…;91113)", form, o)
		}
		_, err = ReadTable(name, data, TableSpec{ID: "fixture", Format: FormatGENESIS, PeriodValue: 2017}, catalogue())
		if err == nil || !strings.Contains(err.Error(), "contradicts the file") {
			t.Errorf("%s: -period 2017 accepted: %v", form, err)
		}
	}
}

// moveTitle moves the "Stichtag:" line above the header lines (after the
// title lines "… (Anzahl);;;;").
func moveTitle(t *testing.T, data []byte) []byte {
	lines := bytes.Split(data, []byte("\n"))
	var st []byte
	var rest [][]byte
	for _, l := range lines {
		if bytes.HasPrefix(l, []byte("Stichtag:")) {
			st = l
			continue
		}
		rest = append(rest, l)
	}
	out := append([][]byte{}, rest[:5]...)
	out = append(out, st)
	out = append(out, rest[5:]...)
	return bytes.Join(out, []byte("\n"))
}
