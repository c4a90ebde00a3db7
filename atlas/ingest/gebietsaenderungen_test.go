package ingest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/xuri/excelize/v2"
)

// gaWorkbook writes a list in the layout of the Destatis Gebietsänderungen
// lists (as public parsers of those lists read them: running number, unit,
// the old Regionalschlüssel, AGS and name under one merged heading, the
// kind as a code, area in ha, population, the same three columns for the new
// unit, legal and statistical date). No official list could be obtained
// offline; the rows are the real merger of the Kreise Göttingen (03152) and
// Osterode am Harz (03156) into Göttingen (03159) on 1 November 2016, with
// area and population of 31.12.2015 from the BBSR Umsteigeschlüssel in
// seeds/indicators (population given there in 1000, one decimal).
func gaWorkbook(t *testing.T, kind1, kind2 string, withKind bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	kindHead := "Änderungsart"
	if !withKind {
		kindHead = "Hinweis"
	}
	rows := [][]any{
		{"Gebietsänderungen vom 01.01.2016 bis 31.12.2016"},
		{},
		{"Lfd. Nr.", "Gebietseinheit", "bisherige Zugehörigkeit", nil, nil, kindHead, "Fläche in ha", "Bevölkerung", "neue Zugehörigkeit", nil, nil, "rechtliche Wirksamkeit", "statistische Wirksamkeit"},
		{nil, nil, "Regionalschlüssel", "AGS", "Name", nil, nil, nil, "Regionalschlüssel", "AGS", "Name"},
		{"03/2016/0001", "Kreis", "03152", nil, "Göttingen", kind1, 111724, 255700, "03159", nil, "Göttingen", "01.11.2016", "01.11.2016"},
		{"03/2016/0002", "Kreis", "03156", nil, "Osterode am Harz", kind2, 63603, 73900, "03159", nil, "Göttingen", "01.11.2016", "01.11.2016"},
		{},
		{"1) 1 = Auflösung, 2 = Teilausgliederung, 3 = Schlüsseländerung, 4 = Namensänderung, 5 = Neubildung"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.MergeCell("Sheet1", "C3", "E3"); err != nil {
		t.Fatal(err)
	}
	if err := f.MergeCell("Sheet1", "I3", "K3"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A list in the Destatis layout is read: keys from the columns under the
// merged "bisherige"/"neue Zugehörigkeit" headings, the kind as a code,
// area from ha to km², the period from the title.
func TestReadGebietsaenderungenDestatisLayout(t *testing.T) {
	cw, err := ReadCrosswalk("Gebietsaenderungen_2016.xlsx", gaWorkbook(t, "1", "1", true), 2015)
	if err != nil {
		t.Fatal(err)
	}
	if cw.FromYear != 2015 || cw.ToYear != 2016 || cw.Level != atlas.LevelKreis {
		t.Errorf("from %d to %d level %s", cw.FromYear, cw.ToYear, cw.Level)
	}
	want := map[string]CrosswalkRow{
		"03152": {Old: "03152", New: "03159", PopShare: 1, AreaShare: 1, Population: 255.7, Area: 1117.24},
		"03156": {Old: "03156", New: "03159", PopShare: 1, AreaShare: 1, Population: 73.9, Area: 636.03},
	}
	if len(cw.Rows) != len(want) {
		t.Fatalf("rows %+v", cw.Rows)
	}
	for _, r := range cw.Rows {
		w := want[r.Old]
		if r.New != w.New || r.PopShare != w.PopShare || r.AreaShare != w.AreaShare || !near(r.Population, w.Population) || !near(r.Area, w.Area) {
			t.Errorf("row %+v, want %+v", r, w)
		}
	}
	// The list's period must match the data's Gebietsstand.
	if _, err := ReadCrosswalk("Gebietsaenderungen_2016.xlsx", gaWorkbook(t, "1", "1", true), 2016); !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "31.12.2015") {
		t.Errorf("a list of other years: %v", err)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// The kind decides whether all of a unit's numbers move or only a part:
// a kind that cannot be read, or a list without the column, is refused
// rather than read as a whole unit (which would carry all of a unit's
// numbers with a part of it).
func TestReadGebietsaenderungenRefusesUnknownKind(t *testing.T) {
	_, err := ReadCrosswalk("ga.xlsx", gaWorkbook(t, "1", "Gebietsreform", true), 2015)
	var verr *ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 1 || !strings.Contains(err.Error(), "Sheet1!F") || !strings.Contains(err.Error(), "Gebietsreform") {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := ReadCrosswalk("ga.xlsx", gaWorkbook(t, "1", "1", false), 2015); !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "Änderungsart") {
		t.Errorf("no kind column: %v", err)
	}
	// A partial transfer (code 2) cannot be recoded with a share: the row
	// stays, with its share unknown, and Apply refuses it.
	cw, err := ReadCrosswalk("ga.xlsx", gaWorkbook(t, "1", "2", true), 2015)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range cw.Rows {
		if r.Old == "03156" && r.PopShare == r.PopShare {
			t.Errorf("a partial transfer got share %v", r.PopShare)
		}
	}
}

func TestGAKind(t *testing.T) {
	for in, want := range map[string]bool{"1": false, "2": true, "3": false, "4": false, "5": false, "2,3": true, "2.3": true, "1 und 3": false,
		"Auflösung": false, "Teilausgliederung": true, "Eingliederung": false, "Schlüsseländerung": false, "Grenzänderung": true, "Namensänderung": false} {
		got, err := gaKind(in)
		if err != nil || got != want {
			t.Errorf("gaKind(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "6", "0", "x", "Gebietsreform"} {
		if _, err := gaKind(in); err == nil {
			t.Errorf("gaKind(%q) accepted", in)
		}
	}
}

// The area's unit is read from its header however the list writes it.
func TestGAHeaderAreaUnit(t *testing.T) {
	for head, ha := range map[string]bool{"Fläche in ha": true, "Fläche (ha)": true, "Fläche [ha]": true, "Fläche in km²": false, "Fläche (km²)": false} {
		_, c, ok := gaHeader([][]string{{"Schlüssel bisher", "Schlüssel neu", "Änderungsart", head, "Bevölkerung"}})
		if !ok || c.area != 3 || c.areaHa != ha {
			t.Errorf("%q: ok %v, area column %d, in ha %v; want %v", head, ok, c.area, c.areaHa, ha)
		}
	}
}
