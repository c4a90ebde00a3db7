package ingest

import (
	"math"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// The fuzz targets of the format-aware parsers, seeded with the real
// excerpts in testdata/indicators (go test -fuzz=FuzzGENESIS ./atlas/ingest).
// Whatever the input, a parser returns an error or observations that are
// well-formed: valid keys for their level, valid indicator ids, a value
// exactly when the flag carries one, no infinities.

func checkFuzzResult(t *testing.T, res *TableResult, err error) {
	if err != nil {
		return
	}
	for _, o := range res.Observations {
		if !atlas.ValidKey(o.Level, o.Key) || !atlas.ValidIndicatorID(o.Indicator) || o.Period < 1800 || o.Period > 2200 {
			t.Fatalf("malformed observation %+v", o)
		}
		if math.IsInf(o.Value, 0) || (math.IsNaN(o.Value) && o.Flag.HasValue() && o.Flag != atlas.FlagLimited) || (!math.IsNaN(o.Value) && !o.Flag.HasValue()) {
			t.Fatalf("value and flag disagree: %+v", o)
		}
	}
	for _, ind := range res.Indicators {
		if err := ind.Validate(); err != nil {
			t.Fatalf("derived catalogue entry: %v", err)
		}
	}
}

func FuzzGENESIS(f *testing.F) {
	for _, name := range []string{"genesis_13211-02-05-4_excerpt_latin1.csv", "genesis_12411-01-01-4_excerpt_latin1.csv", "genesis_22411-01-01-4-B_excerpt_latin1.csv"} {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte("GENESIS-Tabelle: 1\n;;2020\n01;x;1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ReadTable("f.csv", data, TableSpec{ID: "f", Format: FormatGENESIS}, catalogue())
		checkFuzzResult(t, res, err)
	})
}

func FuzzINKAR(f *testing.F) {
	f.Add(readFixture(f, "inkar_kreise_2017_excerpt.csv"))
	f.Add([]byte("Kennziffer;Raumeinheit;Aggregat;A\n;;;2017\n\"1001\";\"x\";\"y\";\"1.560\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ReadTable("f.csv", data, TableSpec{ID: "f", Format: FormatINKAR}, catalogue())
		checkFuzzResult(t, res, err)
	})
}

func FuzzCanonical(f *testing.F) {
	f.Add(readFixture(f, "canonical_unemployment_2019_excerpt.csv"))
	f.Add(readFixture(f, "canonical_unemployment_2019_excerpt.json"))
	f.Add([]byte("key;indicator;period;value;flag\n09162;unemployment_rate;2019;3,5;\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ReadTable("f.csv", data, TableSpec{ID: "f", Format: FormatCanonical}, catalogue("unemployment_rate"))
		checkFuzzResult(t, res, err)
	})
}
