package ingest

import (
	"compress/gzip"
	"encoding/csv"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"golang.org/x/text/encoding/charmap"
)

// seedTable returns the manifest's table spec with id and the catalogue.
func seedTable(t *testing.T, id string) (TableSpec, map[string]atlas.Indicator) {
	t.Helper()
	m, known := seedManifest(t)
	for _, s := range m.Tables {
		if s.ID == id {
			return s, known
		}
	}
	t.Fatalf("no table %s in seeds/manifest.json", id)
	return TableSpec{}, nil
}

func readSeedFile(t *testing.T, file string, latin1 bool) string {
	t.Helper()
	f, err := os.Open("../../seeds/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var r io.Reader = zr
	if latin1 {
		r = charmap.ISO8859_1.NewDecoder().Reader(zr)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every Kreis, Land and Germany cell of the seeded raw GENESIS tables
// (naturalisations, Kitas, children in day care) equals the imported value
// or flag, before the crosswalk; units with "-" in every cell are absent.
func TestIntegrationSeedsEqualRawGENESIS(t *testing.T) {
	for _, tc := range []struct {
		table    string
		latin1   bool
		category string
	}{
		{"rdb_12511_2011_2016", true, ""},
		{"rdb_22541_2007_2016", false, ""},
		{"rdb_22541_2011_2016_paed", false, ""},
		{"rdb_22543_2011_2016", false, "Insgesamt (ohne Doppelzählungen)"},
	} {
		spec, known := seedTable(t, tc.table)
		data, err := os.ReadFile("../../seeds/" + spec.File)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ReadTable(spec.File, data, spec, known)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]atlas.Observation{}
		for _, o := range res.Observations {
			got[o.Indicator+"|"+o.Key+"|"+strconv.Itoa(o.Period)] = o
		}
		checked, absent, germany := 0, 0, 0
		for _, line := range strings.Split(readSeedFile(t, spec.File, tc.latin1), "\n") {
			f := strings.Split(strings.TrimRight(line, "\r"), ";")
			if len(f) < 5 {
				continue
			}
			d, ok := cellDate(f[0])
			key := f[1]
			if !ok || !(key == "DG" || len(key) == 2 || len(key) == 5) || !allDigitsOrDG(key) {
				continue
			}
			if len(spec.Periods) > 0 && !slices.Contains(spec.Periods, d.year) {
				continue
			}
			first := 3
			if tc.category != "" {
				if f[3] != tc.category {
					continue
				}
				first = 4
			}
			dash := allDash(f[first:])
			for col, id := range spec.Map {
				ci, _ := strconv.Atoi(col)
				c := ci - 1
				o, ok := got[id+"|"+key+"|"+strconv.Itoa(d.year)]
				cell := strings.TrimSpace(f[c])
				want, isNum := rawNumber(cell)
				switch {
				case dash:
					if ok {
						t.Errorf("%s %s %s %d: a unit with \"-\" in every cell imported as %+v", tc.table, id, key, d.year, o)
					}
					absent++
					continue
				case !ok:
					t.Errorf("%s %s %s %d: missing, raw %q", tc.table, id, key, d.year, cell)
				case isNum && (o.Value != want || o.Flag != ""):
					t.Errorf("%s %s %s %d: %v %q, raw %q", tc.table, id, key, d.year, o.Value, o.Flag, cell)
				case !isNum && (!math.IsNaN(o.Value) || o.Flag == ""):
					t.Errorf("%s %s %s %d: raw %q imported as %v %q", tc.table, id, key, d.year, cell, o.Value, o.Flag)
				}
				if key == "DG" && (!ok || o.Level != atlas.LevelGermany) {
					t.Errorf("%s %s DG %d: not kept at level deutschland: %+v", tc.table, id, d.year, o)
				}
				if key == "DG" {
					germany++
				}
				checked++
			}
		}
		if checked < 1000 || germany == 0 || absent == 0 {
			t.Errorf("%s: %d cells compared, %d Germany, %d absent", tc.table, checked, germany, absent)
		}
		t.Logf("%s: %d cells equal to the raw file (%d Germany), %d cells of absent units", tc.table, checked, germany, absent)
	}
	// Samples of the provenance notes.
	spec, known := seedTable(t, "rdb_12511_2011_2016")
	data, _ := os.ReadFile("../../seeds/" + spec.File)
	res, err := ReadTable(spec.File, data, spec, known)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key  string
		want float64
	}{{"DG", 110383}, {"01001", 161}, {"09162", 3442}} {
		if o, _ := find(res.Observations, "naturalisations", c.key, 2016); o.Value != c.want {
			t.Errorf("naturalisations %s 2016 = %+v, want %v", c.key, o, c.want)
		}
	}
}

// Every cell of the mapped columns of "Migration, Integration, Regionen"
// equals the data file; empty cells are missing, never 0.
func TestIntegrationSeedsEqualRawMIR(t *testing.T) {
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(readSeedFile(t, "indicators/destatis_migration_integration_regionen_kreise_2017-2019.csv.gz", false), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, id := range []string{"mir_kurse_2017", "mir_schutzsuchende_2017", "mir_schutzsuchende_2018", "mir_aufenthalt_2019"} {
		spec, known := seedTable(t, id)
		data, _ := os.ReadFile("../../seeds/" + spec.File)
		res, err := ReadTable(spec.File, data, spec, known)
		if err != nil {
			t.Fatal(err)
		}
		empty, n := 0, 0
		for _, v := range spec.Values {
			c, ok := col[v.Column.Name]
			if !ok {
				t.Fatalf("%s: column %s not in the data file", id, v.Column.Name)
			}
			for _, r := range recs[1:] {
				o, ok := find(res.Observations, v.Indicator, r[col["RS"]], spec.PeriodValue)
				cell := r[c]
				want, isNum := rawNumber(cell)
				switch {
				case cell == "":
					empty++
					if ok && (!math.IsNaN(o.Value) || o.Flag != atlas.FlagMissing) {
						t.Errorf("%s %s %s: empty cell imported as %v %q", id, v.Indicator, r[col["RS"]], o.Value, o.Flag)
					}
				case !ok || !isNum || o.Value != want:
					t.Errorf("%s %s %s: %+v, raw %q", id, v.Indicator, r[col["RS"]], o, cell)
				}
				n++
			}
		}
		t.Logf("%s: %d cells compared, %d empty", id, n, empty)
	}
}

func allDigitsOrDG(s string) bool { return s == "DG" || allDigits(s) }
