package ingest

import (
	"errors"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

func canonicalCSVSpec(t testing.TB) (TableSpec, formatInputs) {
	return TableSpec{ID: "x1", Format: FormatCanonical}, formatInputs{catalogue: readFixture(t, "canonical_catalogue_unemployment.json"), catalogueName: "canonical_catalogue_unemployment.json"}
}

func TestCanonicalCSVAndJSON(t *testing.T) {
	spec, in := canonicalCSVSpec(t)
	res, err := readTableWith("obs.csv", readFixture(t, "canonical_unemployment_2019_excerpt.csv"), spec, catalogue(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Observations) != 8 || len(res.Catalogue) != 1 || res.Catalogue[0].ID != "unemployment_rate" || res.Catalogue[0].Unit != "%" {
		t.Fatalf("%d observations, catalogue %+v", len(res.Observations), res.Catalogue)
	}
	// The raw file's "2019;09162;…;3,5;…" and "2019;13001;…;-;…".
	if o, _ := find(res.Observations, "unemployment_rate", "09162", 2019); o.Value != 3.5 || o.Level != atlas.LevelKreis {
		t.Errorf("09162 = %+v", o)
	}
	if o, _ := find(res.Observations, "unemployment_rate", "13001", 2019); o.Flag != atlas.FlagZero || o.Valued() {
		t.Errorf("13001 = %+v", o)
	}
	if o, _ := find(res.Observations, "unemployment_rate", "09", 2019); o.Level != atlas.LevelLand || o.Value != 2.8 {
		t.Errorf("09 = %+v", o)
	}
	// German-Excel dialect of the same rows (BOM, ";", decimal comma).
	de := "\ufeff" + strings.NewReplacer(",", ";", ".", ",").Replace(string(readFixture(t, "canonical_unemployment_2019_excerpt.csv")))
	res2, err := readTableWith("obs-de.csv", []byte(de), spec, catalogue(), in)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Observations {
		if g, _ := find(res2.Observations, o.Indicator, o.Key, o.Period); g.Flag != o.Flag || (o.Valued() && g.Value != o.Value) {
			t.Errorf("German dialect %s = %+v, want %+v", o.Key, g, o)
		}
	}
	js, err := ReadTable("doc.json", readFixture(t, "canonical_unemployment_2019_excerpt.json"), TableSpec{ID: "x1", Format: FormatCanonical}, catalogue())
	if err != nil {
		t.Fatal(err)
	}
	if len(js.Observations) != 13 || len(js.Catalogue) != 2 {
		t.Errorf("JSON: %d observations, %d catalogue entries", len(js.Observations), len(js.Catalogue))
	}
	if o, _ := find(js.Observations, "unemployed_foreigners", "09162", 2019); o.Value != 13487 {
		t.Errorf("JSON 09162 = %+v", o)
	}
	// Indicators already in the atlas need no catalogue in the file.
	if _, err := ReadTable("obs.csv", readFixture(t, "canonical_unemployment_2019_excerpt.csv"), TableSpec{ID: "x1", Format: FormatCanonical}, catalogue("unemployment_rate")); err != nil {
		t.Errorf("known indicator without catalogue: %v", err)
	}
}

func TestCanonicalRefusesWithRowAndColumn(t *testing.T) {
	base := string(readFixture(t, "canonical_unemployment_2019_excerpt.csv"))
	tests := []struct {
		name, old, new string
		row            int
		column, reason string
	}{
		{"key without leading zero", "09162,unemployment_rate", "9162,unemployment_rate", 7, "key", "does not match"},
		{"decimal comma in a comma file", "09184,unemployment_rate,2019,2.2,", `09184,unemployment_rate,2019,"2,2",`, 8, "value", "not a number"},
		{"flag without value but with a number", "09,unemployment_rate,2019,2.8,", "09,unemployment_rate,2019,2.8,secret", 5, "flag", "no number"},
		{"no value, no flag", "11,unemployment_rate,2019,7.8,", "11,unemployment_rate,2019,,", 6, "value", "value missing"},
		{"unknown flag", "13001,unemployment_rate,2019,,zero", "13001,unemployment_rate,2019,,0", 10, "flag", "not one of"},
		{"unknown indicator", "02,unemployment_rate", "02,arbeitslosenquote", 4, "indicator", "neither in the file's catalogue"},
		{"period not a year", "01,unemployment_rate,2019", "01,unemployment_rate,19", 3, "period", "outside"},
		{"duplicate", "09184,unemployment_rate,2019,2.2,", "09162,unemployment_rate,2019,2.2,", 8, "indicator", "duplicate"},
	}
	spec, in := canonicalCSVSpec(t)
	for _, tt := range tests {
		broken := strings.Replace(base, tt.old, tt.new, 1)
		if broken == base {
			t.Fatalf("%s: fixture lacks %q", tt.name, tt.old)
		}
		_, err := readTableWith("broken.csv", []byte(broken), spec, catalogue(), in)
		var ce *CellError
		if !errors.As(err, &ce) || !errors.Is(err, atlas.ErrInvalidData) {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if ce.Row != tt.row || ce.Column != tt.column || !strings.Contains(ce.Reason, tt.reason) {
			t.Errorf("%s: %+v, want row %d column %s (%s)", tt.name, ce, tt.row, tt.column, tt.reason)
		}
	}
	// A column the standard does not know.
	_, err := readTableWith("cols.csv", []byte(strings.Replace(base, "key,indicator,period,value,flag", "key,indicator,period,value,flag,comment", 1)), spec, catalogue(), in)
	if err == nil || !strings.Contains(err.Error(), `column "comment" is not part of the standard`) {
		t.Errorf("unknown column: %v", err)
	}
	// JSON keys must be strings, catalogues complete.
	js := strings.Replace(string(readFixture(t, "canonical_unemployment_2019_excerpt.json")), `"key": "09184"`, `"key": 9184`, 1)
	js = strings.Replace(js, `"licence": "dl-de/by-2-0",`, ``, 1)
	_, err = ReadTable("doc.json", []byte(js), TableSpec{ID: "x1", Format: FormatCanonical}, catalogue())
	if err == nil || !strings.Contains(err.Error(), "must be a string") || !strings.Contains(err.Error(), "indicators.licence") && !strings.Contains(err.Error(), "licence") {
		t.Errorf("JSON problems: %v", err)
	}
}

// The embedded descriptor is a Frictionless Tabular Data Package with the
// two resources the reader validates against.
func TestStandardDescriptor(t *testing.T) {
	for _, r := range []string{"indicators", "observations"} {
		v, err := newSchemaValidator(r)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.fieldNames()) < 5 {
			t.Errorf("%s: fields %v", r, v.fieldNames())
		}
	}
	// Every atlas.Indicator JSON member is a field of the catalogue.
	v, _ := newSchemaValidator("indicators")
	for _, f := range []string{"id", "title", "title_en", "definition", "unit", "decimals", "topic", "direction", "source", "table_id", "licence", "attribution", "reference_date", "gebietsstand", "levels"} {
		if _, ok := v.index[f]; !ok {
			t.Errorf("catalogue field %s missing", f)
		}
	}
}
