package ingest

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

func catalogue(ids ...string) map[string]atlas.Indicator {
	m := map[string]atlas.Indicator{}
	for _, id := range ids {
		m[id] = atlas.Indicator{ID: id}
	}
	return m
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/indicators/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func find(obs []atlas.Observation, ind, key string, period int) (atlas.Observation, bool) {
	for _, o := range obs {
		if o.Indicator == ind && o.Key == key && o.Period == period {
			return o, true
		}
	}
	return atlas.Observation{}, false
}

func genesisSpec() TableSpec {
	return TableSpec{
		ID: "rdb_13211", File: "genesis_13211-02-05-4_excerpt_latin1.csv", Encoding: "latin1", Delimiter: ";", Decimal: ",",
		FirstDataRow: 9, Key: []Column{{Index: 2}}, Period: &Column{Index: 1}, StopAt: "__________", SkipUnknownKeys: true,
		Levels: []atlas.Level{atlas.LevelLand, atlas.LevelKreis},
		Values: []ValueSpec{{Column: Column{Index: 12}, Indicator: "unemployment_rate"}, {Column: Column{Index: 5}, Indicator: "unemployed_foreigners"}, {Column: Column{Index: 15}, Indicator: "unemployment_rate_foreigners"}},
	}
}

func TestReadTableGENESISRaw(t *testing.T) {
	data := readFixture(t, "genesis_13211-02-05-4_excerpt_latin1.csv")
	res, err := ReadTable("genesis_13211-02-05-4_excerpt_latin1.csv", data, genesisSpec(), catalogue("unemployment_rate", "unemployed_foreigners", "unemployment_rate_foreigners"))
	if err != nil {
		t.Fatal(err)
	}
	// Values as printed in the raw file: "2019;09162;      München, Landeshauptstadt;30557;13487;…;3,8;3,5;3,5;3,4;5,5;2,2".
	tests := []struct {
		ind, key string
		want     float64
		flag     atlas.Flag
	}{
		{"unemployment_rate", "09162", 3.5, ""},
		{"unemployed_foreigners", "09162", 13487, ""},
		{"unemployment_rate_foreigners", "09162", 5.5, ""},
		{"unemployment_rate", "09", 2.8, ""},
		{"unemployment_rate", "02", 6.1, ""},
		{"unemployment_rate", "02000", 6.1, ""}, // Hamburg: Land value used for the Kreis
		{"unemployment_rate", "11000", 7.8, ""}, // Berlin
		{"unemployment_rate", "13001", math.NaN(), atlas.FlagZero},
	}
	for _, tt := range tests {
		o, ok := find(res.Observations, tt.ind, tt.key, 2019)
		if !ok {
			t.Errorf("%s %s 2019 missing", tt.ind, tt.key)
			continue
		}
		if o.Flag != tt.flag || (math.IsNaN(tt.want) != math.IsNaN(o.Value)) || (!math.IsNaN(tt.want) && o.Value != tt.want) {
			t.Errorf("%s %s = %v (flag %q), want %v (flag %q)", tt.ind, tt.key, o.Value, o.Flag, tt.want, tt.flag)
		}
	}
	for _, key := range []string{"DG", "091", "11001001", "03241001"} {
		if _, ok := find(res.Observations, "unemployment_rate", key, 2019); ok {
			t.Errorf("key %s should have been skipped", key)
		}
	}
	if !strings.Contains(strings.Join(res.Report, "\n"), "levels other than") {
		t.Errorf("report should name skipped levels: %q", res.Report)
	}
}

func TestReadTableRefusesBadCell(t *testing.T) {
	data := readFixture(t, "genesis_13211-02-05-4_excerpt_latin1.csv")
	// Break one real cell: Munich's 2019 rate "3,5" becomes "3,5a".
	broken := strings.Replace(string(data), ";3,8;3,5;3,5;3,4;5,5;2,2", ";3,8;3,5a;3,5;3,4;5,5;2,2", 1)
	if broken == string(data) {
		t.Fatal("fixture does not contain Munich's 2019 row")
	}
	_, err := ReadTable("broken.csv", []byte(broken), genesisSpec(), catalogue("unemployment_rate", "unemployed_foreigners", "unemployment_rate_foreigners"))
	var ce *CellError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a CellError", err)
	}
	if ce.File != "broken.csv" || ce.Column != "#12" || ce.Row == 0 || !strings.Contains(ce.Reason, "3,5a") {
		t.Errorf("CellError = %+v, want file broken.csv, column #12, the row and the bad text", ce)
	}
}

// Every reader decodes alike: without a declared encoding a Latin-1 file
// (no UTF-8 sequence in it) is read as Latin-1; declared UTF-8, it is
// refused naming the row and column of the first bad byte.
func TestReadTableEncodings(t *testing.T) {
	spec := genesisSpec()
	spec.Encoding = ""
	data := readFixture(t, "genesis_13211-02-05-4_excerpt_latin1.csv")
	if _, err := ReadTable("latin1.csv", data, spec, catalogue("unemployment_rate", "unemployed_foreigners", "unemployment_rate_foreigners")); err != nil {
		t.Fatalf("detected Latin-1: %v", err)
	}
	spec.Encoding = "utf-8"
	_, err := ReadTable("latin1.csv", data, spec, catalogue("unemployment_rate", "unemployed_foreigners", "unemployment_rate_foreigners"))
	var ce *CellError
	if !errors.As(err, &ce) || ce.Row != 2 || !strings.Contains(ce.Column, "character") || !strings.Contains(ce.Reason, "UTF-8") {
		t.Fatalf("err = %v, want a UTF-8 error naming row 2 and the character", err)
	}
}

func TestReadTableWideCSV(t *testing.T) {
	spec := TableSpec{ID: "inkar", HeaderRow: 1, Key: []Column{{Name: "county_code"}}, Level: atlas.LevelKreis, Period: &Column{Name: "year"},
		Values: []ValueSpec{{Column: Column{Name: "unemployment_rate"}, Indicator: "unemployment_rate_inkar"}, {Column: Column{Name: "share_foreign"}, Indicator: "share_foreign"}}}
	res, err := ReadTable("gerda_inkar_kreise_excerpt.csv", readFixture(t, "gerda_inkar_kreise_excerpt.csv"), spec, catalogue("unemployment_rate_inkar", "share_foreign"))
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := find(res.Observations, "unemployment_rate_inkar", "09162", 2019); o.Value != 3.48 {
		t.Errorf("09162 2019 unemployment = %v, want 3.48", o.Value)
	}
	if o, _ := find(res.Observations, "share_foreign", "11000", 2018); o.Value != 18.53 {
		t.Errorf("11000 2018 share_foreign = %v, want 18.53", o.Value)
	}
	if len(res.Observations) != 16 {
		t.Errorf("%d observations, want 8 rows × 2 columns", len(res.Observations))
	}
}

func TestReadTableUnknownIndicator(t *testing.T) {
	_, err := ReadTable("x.csv", []byte("a,b\n01,1\n"), TableSpec{ID: "xx", HeaderRow: 1, Key: []Column{{Name: "a"}}, PeriodValue: 2020,
		Values: []ValueSpec{{Column: Column{Name: "b"}, Indicator: "nope"}}}, catalogue())
	if !errors.Is(err, atlas.ErrUnknownIndicator) {
		t.Fatalf("err = %v, want ErrUnknownIndicator", err)
	}
}

func TestParseValue(t *testing.T) {
	tests := []struct {
		give, decimal string
		want          float64
		flag          atlas.Flag
		wantErr       bool
	}{
		{"3,5", ",", 3.5, "", false},
		{"1.234,5", ",", 1234.5, "", false},
		{" 92 667", ",", 92667, "", false},
		{"56.73", ".", 56.73, "", false},
		{"-", ",", math.NaN(), atlas.FlagZero, false},
		{".", ",", math.NaN(), atlas.FlagSecret, false},
		{"...", ",", math.NaN(), atlas.FlagNotYet, false},
		{"x", ",", math.NaN(), atlas.FlagNotMeaningful, false},
		{"/", ",", math.NaN(), atlas.FlagUnreliable, false},
		{"(12,3)", ",", 12.3, atlas.FlagLimited, false},
		{"", ".", math.NaN(), atlas.FlagMissing, false},
		{"3,5", ".", 0, "", true},
		{"abc", ".", 0, "", true},
		{"1e999", ".", 0, "", true},
	}
	for _, tt := range tests {
		v, f, err := ParseValue(tt.give, tt.decimal)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseValue(%q) err = %v, wantErr %v", tt.give, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		if f != tt.flag || math.IsNaN(v) != math.IsNaN(tt.want) || (!math.IsNaN(v) && v != tt.want) {
			t.Errorf("ParseValue(%q) = %v %q, want %v %q", tt.give, v, f, tt.want, tt.flag)
		}
	}
}

func TestAggregateAndDerive(t *testing.T) {
	obs := []atlas.Observation{
		{Indicator: "population", Level: atlas.LevelGemeinde, Key: "09162000", Period: 2023, Value: 1000},
		{Indicator: "population", Level: atlas.LevelGemeinde, Key: "09184112", Period: 2023, Value: 300},
		{Indicator: "population", Level: atlas.LevelGemeinde, Key: "09184113", Period: 2023, Value: math.NaN(), Flag: atlas.FlagSecret},
		{Indicator: "area", Level: atlas.LevelGemeinde, Key: "09162000", Period: 2023, Value: 4},
	}
	agg := aggregate(obs, []AggregateSpec{{Indicator: "population", To: []atlas.Level{atlas.LevelKreis, atlas.LevelLand}}})
	got := map[string]atlas.Observation{}
	for _, o := range agg {
		got[o.Key] = o
	}
	if got["09162"].Value != 1000 {
		t.Errorf("09162 = %v, want 1000", got["09162"].Value)
	}
	if o := got["09184"]; !math.IsNaN(o.Value) || o.Flag != atlas.FlagSecret {
		t.Errorf("09184 with a suppressed Gemeinde = %v %q, want no value flagged secret", o.Value, o.Flag)
	}
	d := derive(obs, []DeriveSpec{{Indicator: "density", Numerator: "population", Denominator: "area", Decimals: 1}})
	if len(d) != 1 || d[0].Value != 250 || d[0].Key != "09162000" {
		t.Errorf("derive = %+v, want one density 250 for 09162000", d)
	}
}
