package ingest

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// 22543-01-02-4 (Kinder in Tagesbetreuung) has a fourth key column, the
// type of care: Tageseinrichtung, Tagespflege, Insgesamt (ohne
// Doppelzählungen), three rows per region and date. Without a manifest it
// imports one indicator per category and column; -category picks one.
// Today's code reads the category as a value ("not a number").
func TestGENESISCategoryColumns(t *testing.T) {
	name := "regionalstatistik_22543-01-02-4_excerpt.csv"
	res := readFormatFixture(t, name, TableSpec{Format: FormatGENESIS}, catalogue())
	if len(res.Indicators) != 18 {
		var ids []string
		for _, ind := range res.Indicators {
			ids = append(ids, ind.ID)
		}
		t.Fatalf("%d indicators, want 6 columns × 3 categories: %v", len(ids), ids)
	}
	// Raw rows (whole lines of the file):
	//   01.03.2016;01001;      Flensburg, Kreisfreie Stadt;Tageseinrichtung;3647;641;2148;858;1067;2450
	//   01.03.2011;01002;…;Tagespflege;…
	raw := rawCategoryRows(t, readFixture(t, name))
	checked := 0
	for _, r := range raw {
		for j, cell := range r.values {
			id := makeID(makeID("rdb", "22543-01-02-4")+"_c"+strconv.Itoa(j+5), r.category)
			o, ok := find(res.Observations, id, r.key, r.year)
			want, isNum := rawNumber(cell)
			switch {
			case r.key == "DG" && (!ok || o.Level != atlas.LevelGermany || (isNum && o.Value != want)):
				t.Errorf("%s DG %d: %+v, raw %q: the Germany row is kept at level deutschland with its raw value", id, r.year, o, cell)
			case !ok:
				t.Errorf("%s %s %d %q: missing", id, r.key, r.year, r.category)
			case isNum && o.Value != want:
				t.Errorf("%s %s %d: %v, raw %q", id, r.key, r.year, o.Value, cell)
			case !isNum && o.Valued():
				t.Errorf("%s %s %d: %v, raw %q (no number)", id, r.key, r.year, o.Value, cell)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no values checked")
	}
	ind, _ := indicatorByID(res.Indicators, makeID(makeID("rdb", "22543-01-02-4")+"_c5", "Tagespflege"))
	if !strings.Contains(ind.Title, "Betreute Kinder") || !strings.Contains(ind.Title, "Tagespflege") || ind.Unit != "Anzahl" {
		t.Errorf("indicator = %q (%s), want title from header and category, unit Anzahl", ind.Title, ind.Unit)
	}
	if rep := strings.Join(res.Report, "\n"); !strings.Contains(rep, "column(s) 4 hold categories") {
		t.Errorf("report does not name the category column:\n%s", rep)
	}

	one := readFormatFixture(t, name, TableSpec{Format: FormatGENESIS, Category: "tagespflege"}, catalogue())
	if len(one.Indicators) != 6 {
		t.Fatalf("-category Tagespflege: %d indicators, want 6", len(one.Indicators))
	}
	if o, _ := find(one.Observations, makeID(makeID("rdb", "22543-01-02-4")+"_c5", "Tagespflege"), "01001", 2016); o.Value != 247 {
		t.Errorf("Flensburg Tagespflege 2016 = %v, want 247 (raw 01.03.2016;01001;…;Tagespflege;247;…)", o.Value)
	}
	_, err := ReadTable(name, readFixture(t, name), TableSpec{ID: "fixture", Format: FormatGENESIS, Category: "Krippe"}, catalogue())
	if !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), `"Tageseinrichtung", "Tagespflege"`) {
		t.Errorf("unknown category: %v, want a refusal listing the categories", err)
	}
	known := catalogue("population")
	_, err = ReadTable(name, readFixture(t, name), TableSpec{ID: "fixture", Format: FormatGENESIS, Map: map[string]string{"5": "population"}}, known)
	if err == nil || !strings.Contains(err.Error(), "-category") {
		t.Errorf("mapping a column with 3 categories: %v, want a refusal naming -category", err)
	}
}

type categoryRow struct {
	year          int
	key, category string
	values        []string
}

func rawCategoryRows(t *testing.T, data []byte) []categoryRow {
	var out []categoryRow
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "__________") {
			break
		}
		f := strings.Split(strings.TrimRight(line, "\r"), ";")
		if len(f) != 10 || !strings.HasPrefix(f[0], "01.03.") {
			continue
		}
		y, _ := rawNumber(f[0][6:])
		out = append(out, categoryRow{year: int(y), key: f[1], category: f[3], values: f[4:]})
	}
	return out
}

// Source ids are never cut into a shared prefix (issue 14, item 12), and
// "map==ID" maps the total of a flat file as the help says.
func TestSpecFromOptionsIDsAndTotalMap(t *testing.T) {
	a, err := SpecFromOptions(FormatGENESIS, "regionalstatistik_22543-01-02-4_kinder_in_tagesbetreuung_kreise_2011-2016_dl2017.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := SpecFromOptions(FormatGENESIS, "regionalstatistik_22543-01-02-4_kinder_in_tagesbetreuung_kreise_2011-2016_dl2018.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == b.ID || len(a.ID) > 64 {
		t.Errorf("two downloads share the source id %q / %q", a.ID, b.ID)
	}
	s, err := SpecFromOptions(FormatFFCSV, "x.csv", []string{"map==population", "category=Tagespflege"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Map[""] != "population" || s.Category != "Tagespflege" {
		t.Errorf("spec = %+v", s)
	}
}

// Units are not copied blindly (issue 14, item 12): a count unit on a title
// that names a rate is dropped with a note; a unit named in the title fills
// a missing one; the measure is declared where the unit tells it.
func TestSettleUnits(t *testing.T) {
	inds := []atlas.Indicator{
		{ID: "a", Title: "Bevölkerungsdichte", Unit: "Anzahl"},
		{ID: "b", Title: "Bevölkerungsstand (Anzahl)", Unit: "ohne Angabe"},
		{ID: "c", Title: "Arbeitslose", Unit: "Anzahl"},
		{ID: "d", Title: "Arbeitslosenquote", Unit: "Prozent"},
	}
	notes := settleUnits("x.csv", inds)
	if !strings.HasPrefix(inds[0].Unit, "ohne Angabe") || inds[0].Measure != "" {
		t.Errorf("density with unit Anzahl: %+v", inds[0])
	}
	if inds[1].Unit != "Anzahl" || inds[1].Measure != atlas.MeasureExtensive {
		t.Errorf("unit from the title: %+v", inds[1])
	}
	if inds[2].Measure != atlas.MeasureExtensive || inds[3].Measure != atlas.MeasureIntensive {
		t.Errorf("measures: %q %q", inds[2].Measure, inds[3].Measure)
	}
	if len(notes) != 2 {
		t.Errorf("notes = %q", notes)
	}
}

// Encoding errors name the row and the column (issue 14, item 13): the
// Destatis codebook (real excerpt) has a DOS code-page byte 0x81 ("ü" in
// CP850) in line 6, column 2, between ISO-8859-1 text.
func TestEncodingErrorNamesRowAndColumn(t *testing.T) {
	data, err := os.ReadFile("../../testdata/auto/indicators/integration/destatis_migration_integration_regionen_beschreibung_codebook_latin1_mixed.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{FormatGENESIS, FormatINKAR} {
		_, err := ReadTable("codebook.csv", data, TableSpec{ID: "codebook", Format: format}, catalogue())
		if err == nil || !strings.Contains(err.Error(), "row 6, column #2 (character 16 of the line)") || !strings.Contains(err.Error(), "0x81") {
			t.Errorf("%s: %v, want row 6, column #2 and the byte named", format, err)
		}
	}
	// The data standard requires UTF-8: the first non-UTF-8 byte is the
	// ISO-8859-1 "ü" (0xfc) of "für" in line 2.
	_, err = ReadTable("codebook.csv", data, TableSpec{ID: "codebook", Format: FormatCanonical}, catalogue())
	if err == nil || !strings.Contains(err.Error(), "row 2, column #1 (character 31 of the line): byte 0xfc") {
		t.Errorf("canonical: %v", err)
	}
}
