package ingest

import (
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/standortatlas/standortatlas/atlas"
)

// rawRow is a data row of a raw GENESIS file split by plain string
// handling, independent of the importer.
type rawRow struct {
	date, key string
	values    []string // from the first value column on
	col0      int      // 1-based column of values[0]
}

// rawGENESISRows reads the data rows of a raw Latin-1 GENESIS file: rows
// before the "__________" footer whose key column holds digits or "DG".
func rawGENESISRows(t *testing.T, data []byte, timeInRows bool) []rawRow {
	t.Helper()
	text, err := charmap.ISO8859_1.NewDecoder().Bytes(data)
	if err != nil {
		t.Fatal(err)
	}
	var out []rawRow
	for _, line := range strings.Split(string(text), "\n") {
		if strings.HasPrefix(line, "__________") {
			break
		}
		f := strings.Split(strings.TrimRight(line, "\r"), ";")
		if timeInRows {
			if len(f) < 4 || len(f[0]) < 4 || f[1] == "" {
				continue
			}
			out = append(out, rawRow{date: f[0], key: f[1], values: f[3:], col0: 4})
			continue
		}
		if len(f) < 3 || f[0] == "" || (f[0] != "DG" && strings.Trim(f[0], "0123456789") != "") {
			continue
		}
		out = append(out, rawRow{key: f[0], values: f[2:], col0: 3})
	}
	return out
}

// rawNumber converts a raw GENESIS cell by hand: decimal comma, special
// values as NaN.
func rawNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	return v, err == nil
}

func readFormatFixture(t *testing.T, name string, spec TableSpec, known map[string]atlas.Indicator) *TableResult {
	t.Helper()
	if spec.ID == "" {
		spec.ID = "fixture"
	}
	res, err := ReadTable(name, readFixture(t, name), spec, known)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func indicatorByID(inds []atlas.Indicator, id string) (atlas.Indicator, bool) {
	for _, ind := range inds {
		if ind.ID == id {
			return ind, true
		}
	}
	return atlas.Indicator{}, false
}

// checkAgainstRaw compares every observation of a region row with the raw
// cell: numbers equal, special values flagged without a value.
func checkAgainstRaw(t *testing.T, res *TableResult, rows []rawRow, idOf func(col int) string, period func(r rawRow) int) int {
	t.Helper()
	checked := 0
	report := strings.Join(res.Report, "\n")
	for _, r := range rows {
		if l, ok := atlas.LevelOfKey(r.key); !ok || l == atlas.LevelGemeinde {
			continue // Regierungsbezirke, Bezirke and city parts are skipped (tested separately)
		}
		if allDash(r.values) {
			// A unit that does not exist at this date: no observation, named in the report.
			for i := range r.values {
				if o, ok := find(res.Observations, idOf(r.col0+i), r.key, period(r)); ok {
					t.Errorf("%s column %d: every cell \"-\" (no such unit at this date), imported as %+v", r.key, r.col0+i, o)
				}
			}
			if !strings.Contains(report, r.key+" (") {
				t.Errorf("report does not list the absent unit %s:\n%s", r.key, report)
			}
			checked += len(r.values)
			continue
		}
		for i, cell := range r.values {
			o, ok := find(res.Observations, idOf(r.col0+i), r.key, period(r))
			if !ok {
				t.Errorf("%s column %d period %d: no observation for raw %q", r.key, r.col0+i, period(r), cell)
				continue
			}
			want, isNum := rawNumber(cell)
			switch {
			case isNum && (o.Value != want || o.Flag != ""):
				t.Errorf("%s column %d: %v %q, raw %q", r.key, r.col0+i, o.Value, o.Flag, cell)
			case !isNum && (!math.IsNaN(o.Value) || o.Flag == ""):
				t.Errorf("%s column %d: raw special value %q imported as %v %q", r.key, r.col0+i, cell, o.Value, o.Flag)
			}
			checked++
		}
	}
	return checked
}

func TestGENESISTimeInRows(t *testing.T) {
	name := "genesis_13211-02-05-4_excerpt_latin1.csv"
	res := readFormatFixture(t, name, TableSpec{Format: FormatGENESIS}, catalogue())
	if len(res.Indicators) != 13 {
		t.Fatalf("%d indicators, want one per value column 4–16", len(res.Indicators))
	}
	ind, ok := indicatorByID(res.Indicators, "rdb_13211_02_05_4_c12")
	if !ok {
		t.Fatalf("no indicator rdb_13211_02_05_4_c12 among %v", sortedIndicatorIDs(res.Indicators))
	}
	// Header lines 6–8 of column 12: "Arbeitslosenquote bez. auf alle zivile Erwerbsp." / "" / "Prozent".
	if ind.Title != "Arbeitslosenquote bez. auf alle zivile Erwerbsp." || ind.Unit != "Prozent" || ind.Decimals != 1 || ind.ReferenceDate != "Jahresdurchschnitt" || ind.TableID != "13211-02-05-4" {
		t.Errorf("c12 = %+v", ind)
	}
	if err := ind.Validate(); err != nil {
		t.Error(err)
	}
	// Footer: "© Statistische Ämter des Bundes und der Länder, Deutschland, 2021. Dieses Werk ist lizenziert unter der Datenlizenz Deutschland - Namensnennung - Version 2.0." and "Stand: 17.08.2021 / 19:38:04".
	if ind.Licence != "dl-de/by-2-0" || !strings.Contains(ind.Attribution, "© Statistische Ämter des Bundes und der Länder, Deutschland, 2021") || !strings.Contains(ind.Notes, "Stand der Daten: 17.08.2021") {
		t.Errorf("source fields from the footer: licence %q, attribution %q, notes %.80q", ind.Licence, ind.Attribution, ind.Notes)
	}
	if c5, _ := indicatorByID(res.Indicators, "rdb_13211_02_05_4_c5"); c5.Title != "Arbeitslose, Ausländer" || c5.Unit != "Anzahl" || c5.Decimals != 0 {
		t.Errorf("c5 = %q %q %d, want the joined header \"Arbeitslose, Ausländer\" in Anzahl", c5.Title, c5.Unit, c5.Decimals)
	}
	rows := rawGENESISRows(t, readFixture(t, name), true)
	n := checkAgainstRaw(t, res, rows, func(col int) string { return "rdb_13211_02_05_4_c" + strconv.Itoa(col) },
		func(r rawRow) int { y, _ := strconv.Atoi(r.date); return y })
	if n < 7*13 {
		t.Errorf("only %d cells compared with the raw file", n)
	}
	// Hamburg and Berlin: the Land rows stand for the Kreise 02000, 11000.
	if o, _ := find(res.Observations, "rdb_13211_02_05_4_c12", "11000", 2019); o.Value != 7.8 {
		t.Errorf("11000 = %+v, want Berlin's 7,8", o)
	}
	report := strings.Join(res.Report, "\n")
	for _, want := range []string{"Deutschland (DG) row(s) kept as the official Germany value", "091 Oberbayern", "Berlin Bezirke", "11001001 Berlin-Mitte", "03241001 Hannover"} {
		if !strings.Contains(report, want) {
			t.Errorf("report does not name %q:\n%s", want, report)
		}
	}
	// The Germany row is kept at its own level (a reference, not a region):
	// "2019;DG;Deutschland;…" with the unemployment rate 5,0 in column 12.
	if o, ok := find(res.Observations, "rdb_13211_02_05_4_c12", atlas.GermanyKey, 2019); !ok || o.Level != atlas.LevelGermany || o.Value != 5.0 {
		t.Errorf("DG 2019 = %+v, want level deutschland, 5.0 as in the raw file", o)
	}
	for _, key := range []string{"11001001", "03241001", "091"} {
		for _, o := range res.Observations {
			if o.Key == key {
				t.Errorf("%s imported: %+v", key, o)
				break
			}
		}
	}
}

func TestGENESISTimeInHeader(t *testing.T) {
	name := "genesis_12411-01-01-4_excerpt_latin1.csv"
	res := readFormatFixture(t, name, TableSpec{Format: FormatGENESIS}, catalogue())
	want := map[string]string{"rdb_12411_01_01_4_c3": "Bevölkerungsstand: Insgesamt", "rdb_12411_01_01_4_c4": "Bevölkerungsstand: männlich", "rdb_12411_01_01_4_c5": "Bevölkerungsstand: weiblich"}
	if len(res.Indicators) != 3 {
		t.Fatalf("indicators %v", sortedIndicatorIDs(res.Indicators))
	}
	for _, ind := range res.Indicators {
		// Title line "Bevölkerungsstand (Anzahl)"; header ";;Stichtag…" / ";;31.12.2021…".
		if ind.Title != want[ind.ID] || ind.Unit != "Anzahl" || ind.ReferenceDate != "Stichtag 31.12." {
			t.Errorf("%s: %q %q %q", ind.ID, ind.Title, ind.Unit, ind.ReferenceDate)
		}
	}
	rows := rawGENESISRows(t, readFixture(t, name), false)
	if n := checkAgainstRaw(t, res, rows, func(col int) string { return "rdb_12411_01_01_4_c" + strconv.Itoa(col) }, func(rawRow) int { return 2021 }); n < 20 {
		t.Errorf("only %d cells compared", n)
	}
	// "09162;      München, Landeshauptstadt;1487708;725594;762114"; "16056;…;-;-;-"; Berlin's Bezirke are "." in this table.
	if o, _ := find(res.Observations, "rdb_12411_01_01_4_c3", "09162", 2021); o.Value != 1487708 {
		t.Errorf("München = %+v", o)
	}
	if o, ok := find(res.Observations, "rdb_12411_01_01_4_c3", "16056", 2021); ok {
		t.Errorf("Eisenach (dissolved, \"-\" in every cell) = %+v, want no observation (no such unit, not zero)", o)
	}
	if o, _ := find(res.Observations, "rdb_12411_01_01_4_c3", "11000", 2021); o.Value != 3677472 {
		t.Errorf("Berlin Kreis = %+v, want the Land row's 3677472", o)
	}
	if !strings.Contains(strings.Join(res.Report, "\n"), "2 row(s) skipped — Berlin Bezirke") {
		t.Errorf("report: %q", res.Report)
	}
}

// A statistical office's next export of another table imports with the
// same code: the Pflegestatistik (22411-01-01-4-B), whose Berlin Bezirke
// carry real values here and which has no Land rows.
func TestGENESISAnotherTable(t *testing.T) {
	name := "genesis_22411-01-01-4-B_excerpt_latin1.csv"
	res := readFormatFixture(t, name, TableSpec{Format: FormatGENESIS}, catalogue())
	if len(res.Indicators) != 6 {
		t.Fatalf("indicators %v", sortedIndicatorIDs(res.Indicators))
	}
	c7, _ := indicatorByID(res.Indicators, "rdb_22411_01_01_4_b_c7")
	if c7.Title != "Typ der Pflegeeinrichtung, stationär, Verfügbare Plätze in Pflegeheimen" || c7.Unit != "Anzahl" || c7.ReferenceDate != "31.12." ||
		!strings.Contains(c7.Attribution, "Deutschland, 2020") {
		t.Errorf("c7 = %+v", c7)
	}
	rows := rawGENESISRows(t, readFixture(t, name), true)
	if n := checkAgainstRaw(t, res, rows, func(col int) string { return "rdb_22411_01_01_4_b_c" + strconv.Itoa(col) }, func(rawRow) int { return 2017 }); n < 60 {
		t.Errorf("only %d cells compared", n)
	}
	// "31.12.2017;11001001;Berlin-Mitte;65;1939;…": a Bezirk with values, still not a region of the atlas.
	for _, o := range res.Observations {
		if isBerlinBezirk(o.Key) || o.Key == "03241001" || o.Key == "05334002" {
			t.Errorf("%s imported", o.Key)
		}
	}
	if o, _ := find(res.Observations, "rdb_22411_01_01_4_b_c4", "11000", 2017); o.Value != 613 {
		t.Errorf("Berlin = %+v, want 613", o)
	}
}

func TestGENESISMapColumns(t *testing.T) {
	name := "genesis_13211-02-05-4_excerpt_latin1.csv"
	known := catalogue("unemployment_rate", "unemployed_foreigners")
	res := readFormatFixture(t, name, TableSpec{Format: FormatGENESIS, Map: map[string]string{"12": "unemployment_rate", "Arbeitslose, Ausländer": "unemployed_foreigners"}}, known)
	if o, _ := find(res.Observations, "unemployment_rate", "09162", 2019); o.Value != 3.5 {
		t.Errorf("mapped column 12: 09162 = %+v", o)
	}
	if o, _ := find(res.Observations, "unemployed_foreigners", "09162", 2019); o.Value != 13487 {
		t.Errorf("mapped by header: 09162 = %+v", o)
	}
	if _, ok := indicatorByID(res.Indicators, "rdb_13211_02_05_4_c12"); ok {
		t.Error("a mapped column also got a derived indicator")
	}
	if _, ok := indicatorByID(res.Indicators, "rdb_13211_02_05_4_c4"); !ok {
		t.Error("unmapped column 4 should still become an indicator")
	}
	only := readFormatFixture(t, name, TableSpec{Format: FormatGENESIS, Map: map[string]string{"12": "unemployment_rate"}, OnlyMapped: true}, known)
	if len(only.Indicators) != 0 || len(indicatorSet(only.Observations)) != 1 {
		t.Errorf("only_mapped: indicators %v, observations of %v", sortedIndicatorIDs(only.Indicators), indicatorSet(only.Observations))
	}
	_, err := ReadTable(name, readFixture(t, name), TableSpec{ID: "x1", Format: FormatGENESIS, Map: map[string]string{"12": "nope"}}, known)
	if !errors.Is(err, atlas.ErrUnknownIndicator) {
		t.Errorf("map to an unknown id: %v", err)
	}
	_, err = ReadTable(name, readFixture(t, name), TableSpec{ID: "x1", Format: FormatGENESIS, Map: map[string]string{"99": "unemployment_rate"}}, known)
	if !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "99") {
		t.Errorf("map of a column the file lacks: %v", err)
	}
}

// The auto-detected import of the seeds' full raw files equals the import
// with the hand-written specs of seeds/manifest.json.
func TestGENESISFullFilesMatchHandWrittenSpecs(t *testing.T) {
	m, known := seedManifest(t)
	for _, spec := range m.Tables {
		if spec.ID != "rdb_13211_2015_2020" && spec.ID != "rdb_12411_2021" {
			continue
		}
		data, err := os.ReadFile("../../seeds/" + spec.File)
		if err != nil {
			t.Fatal(err)
		}
		handed, err := ReadTable(spec.File, data, spec, known)
		if err != nil {
			t.Fatal(err)
		}
		mp := map[string]string{}
		for _, v := range spec.Values {
			mp[strconv.Itoa(v.Column.Index)] = v.Indicator
		}
		auto, err := ReadTable(spec.File, data, TableSpec{ID: "auto", Format: FormatGENESIS, Map: mp, OnlyMapped: true}, known)
		if err != nil {
			t.Fatal(err)
		}
		type id struct {
			ind, key string
			period   int
		}
		got := map[id]atlas.Observation{}
		for _, o := range auto.Observations {
			got[id{o.Indicator, o.Key, o.Period}] = o
		}
		report := strings.Join(auto.Report, "\n")
		absent, germany := 0, 0
		for _, o := range auto.Observations {
			if o.Level == atlas.LevelGermany {
				germany++
			}
		}
		for _, o := range handed.Observations {
			g, ok := got[id{o.Indicator, o.Key, o.Period}]
			if !ok && o.Flag == atlas.FlagZero && strings.Contains(report, o.Key+" (") {
				absent++ // "-" in every cell: no such unit at that date, not zero (the hand spec cannot tell)
				continue
			}
			if !ok {
				t.Errorf("%s: %s %s %d missing from the auto import", spec.ID, o.Indicator, o.Key, o.Period)
				continue
			}
			if g.Flag != o.Flag || (o.Valued() && g.Value != o.Value) {
				t.Errorf("%s: %s %s %d = %v %q, hand spec %v %q", spec.ID, o.Indicator, o.Key, o.Period, g.Value, g.Flag, o.Value, o.Flag)
			}
		}
		// The hand specs keep the few 8-digit keys out by level; the auto
		// import reports them by kind. Both have the same observations.
		if germany == 0 {
			t.Errorf("%s: the Deutschland rows were not kept", spec.ID)
		}
		if len(auto.Observations) != len(handed.Observations)-absent { // both keep DG (the seeds' specs list the level deutschland)
			t.Errorf("%s: %d observations (%d Germany), hand spec %d (%d of absent units)", spec.ID, len(auto.Observations), germany, len(handed.Observations), absent)
		}
		t.Logf("%s: %d observations equal", spec.ID, len(handed.Observations))
	}
}

func TestGENESISRefusesBrokenCell(t *testing.T) {
	data := string(readFixture(t, "genesis_12411-01-01-4_excerpt_latin1.csv"))
	// München's "1487708" becomes "1487708x".
	broken := strings.Replace(data, ";1487708;", ";1487708x;", 1)
	if broken == data {
		t.Fatal("fixture lacks München's row")
	}
	_, err := ReadTable("broken.csv", []byte(broken), TableSpec{ID: "x1", Format: FormatGENESIS}, catalogue())
	var ce *CellError
	if !errors.As(err, &ce) || ce.Column != "#3" || ce.Row != 19 || !strings.Contains(ce.Reason, "1487708x") || !errors.Is(err, atlas.ErrInvalidData) {
		t.Errorf("err = %v (%+v), want a CellError in row 19 (line of München), column #3", err, ce)
	}
	if _, err := ReadTable("inkar.csv", readFixture(t, "inkar_kreise_2017_excerpt.csv"), TableSpec{ID: "x1", Format: FormatGENESIS}, catalogue()); !errors.Is(err, atlas.ErrInvalidData) {
		t.Errorf("an INKAR file read as GENESIS: %v", err)
	}
}

func TestDetectFormat(t *testing.T) {
	for file, want := range map[string]string{
		"genesis_13211-02-05-4_excerpt_latin1.csv":            FormatGENESIS,
		"genesis_22411-01-01-4-B_excerpt_latin1.csv":          FormatGENESIS,
		"inkar_kreise_2017_excerpt.csv":                       FormatINKAR,
		"genesis_12531-0043_ffcsv_excerpt.csv":                FormatFFCSV,
		"canonical_unemployment_2019_excerpt.csv":             FormatCanonical,
		"canonical_unemployment_2019_excerpt.json":            FormatCanonical,
		"../../seeds/indicators/koenigsteiner_schluessel.csv": FormatKS,
	} {
		var data []byte
		var err error
		if strings.HasPrefix(file, "../") {
			data, err = os.ReadFile(file)
		} else {
			data = readFixture(t, file)
		}
		if err != nil {
			t.Fatal(err)
		}
		if got, err := DetectFormat(file, data); got != want {
			t.Errorf("%s: %q %v, want %s", file, got, err, want)
		}
	}
}

// allDash reports whether every cell is "-" (the Regionaldatenbank's row of
// a unit that does not exist at the row's date).
func allDash(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "-" {
			return false
		}
	}
	return len(cells) > 0
}
