package ingest

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// rawINKAR splits the INKAR excerpt by hand: names (line 1), years (line 2)
// and the quoted cells of each data line.
func rawINKAR(t *testing.T, data []byte) (names, years []string, rows [][]string) {
	t.Helper()
	lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\r\n")
	split := func(l string) []string {
		f := strings.Split(l, ";")
		for i := range f {
			f[i] = strings.Trim(f[i], `"`)
		}
		return f
	}
	names, years = split(lines[0]), split(lines[1])
	for _, l := range lines[2:] {
		if l != "" {
			rows = append(rows, split(l))
		}
	}
	return names, years, rows
}

func TestINKARExport(t *testing.T) {
	name := "inkar_kreise_2017_excerpt.csv"
	data := readFixture(t, name)
	res := readFormatFixture(t, name, TableSpec{Format: FormatINKAR}, catalogue())
	names, years, rows := rawINKAR(t, data)
	if len(res.Indicators) != len(names)-3 || res.Rows != len(rows) {
		t.Fatalf("%d indicators, %d rows; raw %d names, %d rows", len(res.Indicators), res.Rows, len(names)-3, len(rows))
	}
	checked := 0
	for _, r := range rows {
		for j := 3; j < len(names); j++ {
			id := makeID("inkar", names[j])
			y, _ := strconv.Atoi(years[j])
			o, ok := find(res.Observations, id, r[0], y)
			// By hand: thousands dot out, decimal comma to point.
			want, err := strconv.ParseFloat(strings.Replace(strings.ReplaceAll(r[j], ".", ""), ",", ".", 1), 64)
			if !ok || err != nil || o.Value != want || o.Level != atlas.LevelKreis {
				t.Errorf("%s %s %d: %+v (found %v), raw %q", r[0], names[j], y, o, ok, r[j])
			}
			checked++
		}
	}
	if checked != len(rows)*26 {
		t.Errorf("%d cells checked", checked)
	}
	// "Einwohnerdichte" of Flensburg is "1.560": thousands dot, not a decimal.
	if o, _ := find(res.Observations, "inkar_einwohnerdichte", "01001", 2017); o.Value != 1560 {
		t.Errorf("Flensburg density = %v, want 1560", o.Value)
	}
	// Line 2 gives 2016 for the first indicator, 2017 for the others.
	if _, ok := find(res.Observations, "inkar_haushalte_mit_niedrigem_einkommen", "01001", 2016); !ok {
		t.Error("reference year 2016 of the first column not used")
	}
	ind, _ := indicatorByID(res.Indicators, "inkar_anteil_schutzsuchender_an_bevoelkerung")
	if ind.Title != "Anteil Schutzsuchender an Bevölkerung" || ind.Licence != "dl-de/by-2-0" || !strings.Contains(ind.Attribution, "INKAR, BBSR Bonn") || ind.Decimals != 1 {
		t.Errorf("derived entry %+v", ind)
	}
	if err := ind.Validate(); err != nil {
		t.Error(err)
	}
}

func TestINKARMapAndLostZeros(t *testing.T) {
	name := "inkar_kreise_2017_excerpt.csv"
	known := catalogue("share_protection_seekers_inkar", "sgb2_rate_inkar")
	spec := TableSpec{Format: FormatINKAR, OnlyMapped: true, Map: map[string]string{"Anteil Schutzsuchender an Bevölkerung": "share_protection_seekers_inkar", "22": "sgb2_rate_inkar"}}
	res := readFormatFixture(t, name, spec, known)
	// "01001";"Flensburg, Stadt";…: Schutzsuchende "2,9", SGB II-Quote (column 22) "16,2".
	if o, _ := find(res.Observations, "share_protection_seekers_inkar", "01001", 2017); o.Value != 2.9 {
		t.Errorf("Flensburg share = %+v", o)
	}
	if o, _ := find(res.Observations, "sgb2_rate_inkar", "01001", 2017); o.Value != 16.2 {
		t.Errorf("Flensburg SGB II = %+v", o)
	}
	if len(indicatorSet(res.Observations)) != 2 || len(res.Indicators) != 0 {
		t.Errorf("only mapped: %v %v", indicatorSet(res.Observations), res.Indicators)
	}
	// A spreadsheet round trip drops the leading zero: "01001" → "1001".
	data := strings.Replace(string(readFixture(t, name)), `"01001"`, `"1001"`, 1)
	res2, err := ReadTable(name, []byte(data), TableSpec{ID: "x1", Format: FormatINKAR}, catalogue())
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := find(res2.Observations, "inkar_auslaenderanteil", "01001", 2017); !ok || o.Value != 13.3 {
		t.Errorf("restored key 01001: %+v %v", o, ok)
	}
	if !strings.Contains(strings.Join(res2.Report, "\n"), "1 Kennziffern had lost their leading zero") {
		t.Errorf("report %q", res2.Report)
	}
	// Gebietsstand 2017: Eisenach is still a Kreis of its own.
	if o, ok := find(res2.Observations, "inkar_auslaenderanteil", "16056", 2017); !ok || math.IsNaN(o.Value) {
		t.Errorf("Eisenach = %+v %v", o, ok)
	}
}
