package ingest

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/xuri/excelize/v2"
)

// gaList writes a workbook in the layout of the Destatis lists of
// territorial changes ("Namens-, Grenz- und Schlüsselnummernänderungen",
// GV-ISys), as two independent public readers of those lists describe it
// after reading the official files of 2008–2026: the first sheet an
// explanation, the list on the last sheet; 13 columns — Kennziffer
// ("03/2016/0006-R"), Regionaleinheit (Kreis, Gemeinde, …), the old
// Regionalschlüssel, AGS and name under one merged heading, the kind as a
// code, the area in qm, the inhabitants, the same three columns for the new
// unit, the legal and the statistical date ("01.11.2016"). No official list
// could be obtained offline. The rows are the real merger of the Kreise
// Göttingen (03152) and Osterode am Harz (03156) into Göttingen (03159) on
// 1 November 2016 (area and population of 31.12.2015 from the BBSR
// Umsteigeschlüssel in seeds/indicators, population given there in 1000,
// one decimal; area converted from km² to qm), and the key change of the
// gemeindefreies Gebiet Harz 03156501 → 03159501 that came with it (keys as
// a public reader of the 2016 list asserts; its area 267.85 km² and
// population 0 are those of 31.12.2023 in the Gemeindeverzeichnis seed —
// the list's own figures are not at hand; a key change moves the whole
// unit, so its share is 1 whatever they are). The Kennziffern have the
// lists' form; the real numbers of these changes are not at hand either.
func gaList(t *testing.T, header [2][]any, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetCellValue("Sheet1", "A1", "Erläuterungen: 1 = Auflösung, 2 = Teilausgliederung, 3 = Schlüsseländerung, 4 = Namensänderung, 5 = Neubildung"); err != nil {
		t.Fatal(err)
	}
	const sheet = "Gebietsänderungen"
	if _, err := f.NewSheet(sheet); err != nil {
		t.Fatal(err)
	}
	all := append([][]any{{"Namens-, Grenz- und Schlüsselnummernänderungen bei Gemeinden, Kreisen und Regierungsbezirken"}, {}, header[0], header[1]}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"C3", "E3"}, {"I3", "K3"}, {"L3", "M3"}} {
		if header[0][2] != nil {
			if err := f.MergeCell(sheet, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gaHead is the list's two header lines, with the area's heading given.
func gaHead(area string) [2][]any {
	return [2][]any{
		{"Kennziffer", "Regionaleinheit", "bisherige Zugehörigkeit", nil, nil, "Änderungsart", area, "Einwohner", "neue Zugehörigkeit", nil, nil, "wirksam ab"},
		{nil, nil, "Regionalschlüssel", "AGS", "Name", nil, nil, nil, "Regionalschlüssel", "AGS", "Name", "rechtlich", "statistisch"},
	}
}

// gaGoettingen are the rows of the merger; kinds of the two Kreise given.
func gaGoettingen(kind1, kind2 string) [][]any {
	return [][]any{
		{"03/2016/0001-K", "Kreis", "03152", "03152", "Göttingen", kind1, 1117240000, 255700, "03159", "03159", "Göttingen", "01.11.2016", "01.11.2016"},
		{"03/2016/0002-K", "Kreis", "03156", "03156", "Osterode am Harz", kind2, 636030000, 73900, "03159", "03159", "Göttingen", "01.11.2016", "01.11.2016"},
		{"03/2016/0003-G", "Gemeinde", nil, "03156501", "Harz (Landkreis Osterode am Harz), gemfr. Geb.", "3", 267850000, 0, nil, "03159501", "Harz (Landkreis Göttingen), gemfr. Geb.", "01.11.2016", "01.11.2016"},
	}
}

func gaFile(t *testing.T, area string, rows [][]any) []byte {
	return gaList(t, gaHead(area), rows...)
}

// A list in the Destatis layout is read: Kreis and Gemeinde rows, keys
// from the columns under the merged headings, the kind as a code, the area
// from qm to km², the period from the statistical dates (the list has no
// period in its title).
func TestReadGebietsaenderungenDestatisLayout(t *testing.T) {
	cw, err := ReadCrosswalk("2016.xlsx", gaFile(t, "Fläche in qm", gaGoettingen("1", "1")), 2015)
	if err != nil {
		t.Fatal(err)
	}
	if cw.FromYear != 2015 || cw.ToYear != 2016 || cw.Level != 0 {
		t.Errorf("from %d to %d level %s; want 2015, 2016, two levels", cw.FromYear, cw.ToYear, cw.Level)
	}
	want := map[string]CrosswalkRow{
		"03152":    {Old: "03152", New: "03159", PopShare: 1, AreaShare: 1, Population: 255.7, Area: 1117.24},
		"03156":    {Old: "03156", New: "03159", PopShare: 1, AreaShare: 1, Population: 73.9, Area: 636.03},
		"03156501": {Old: "03156501", New: "03159501", PopShare: 1, AreaShare: 1, Population: 0, Area: 267.85},
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
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// One list recodes Kreis and Gemeinde tables alike: before, the level of
// the list was that of its last row, and the Kreis values passed the
// crosswalk unchanged under keys that no longer exist.
func TestGebietsaenderungenRecodeEveryLevel(t *testing.T) {
	cw, err := ReadCrosswalk("2016.xlsx", gaFile(t, "Fläche in qm", gaGoettingen("1", "1")), 2015)
	if err != nil {
		t.Fatal(err)
	}
	cat := map[string]atlas.Indicator{"area": {ID: "area", Unit: "km²", Measure: atlas.MeasureExtensive, Decimals: 2}}
	obs := []atlas.Observation{
		{Indicator: "area", Level: atlas.LevelKreis, Key: "03152", Period: 2015, Value: 1117.24},
		{Indicator: "area", Level: atlas.LevelKreis, Key: "03156", Period: 2015, Value: 636.03},
		{Indicator: "area", Level: atlas.LevelGemeinde, Key: "03156501", Period: 2015, Value: 267.85},
	}
	out, report, err := cw.Apply("t.csv", obs, cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, o := range out {
		got[o.Level.String()+" "+o.Key] = o.Value
	}
	if len(got) != 2 || !near(got["kreis 03159"], 1753.27) || !near(got["gemeinde 03159501"], 267.85) {
		t.Errorf("recoded %v; want Kreis 03159 = 1753.27 and Gemeinde 03159501 = 267.85", got)
	}
	if len(report) != 2 {
		t.Errorf("report %q: want a line per level", report)
	}
}

// The kind decides whether all of a unit's numbers move or only a part:
// a kind that cannot be read, or a list without the column, is refused
// rather than read as a whole unit (which would carry all of a unit's
// numbers with a part of it).
func TestReadGebietsaenderungenRefusesUnknownKind(t *testing.T) {
	_, err := ReadCrosswalk("ga.xlsx", gaFile(t, "Fläche in qm", gaGoettingen("1", "Gebietsreform")), 2015)
	var verr *ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 1 || !strings.Contains(err.Error(), "Gebietsänderungen!F") || !strings.Contains(err.Error(), "Gebietsreform") {
		t.Errorf("unknown kind: %v", err)
	}
	noKind := gaHead("Fläche in qm")
	noKind[0][5] = "Hinweis"
	if _, err := ReadCrosswalk("ga.xlsx", gaList(t, noKind, gaGoettingen("1", "1")...), 2015); !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "Änderungsart") {
		t.Errorf("no kind column: %v", err)
	}
	// A partial transfer (code 2) cannot be recoded with a share: the row
	// stays, with its share unknown, and Apply refuses it naming the row.
	cw, err := ReadCrosswalk("ga.xlsx", gaFile(t, "Fläche in qm", gaGoettingen("1", "2")), 2015)
	if err != nil {
		t.Fatal(err)
	}
	cat := map[string]atlas.Indicator{"population": {ID: "population", Unit: "Personen", Measure: atlas.MeasureExtensive}}
	_, _, err = cw.Apply("t.csv", []atlas.Observation{{Indicator: "population", Level: atlas.LevelKreis, Key: "03156", Period: 2015, Value: 73900}}, cat, nil)
	if !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "row 6: 03156 gives part of itself to 03159") {
		t.Errorf("a partial transfer: %v", err)
	}
}

// The dates of the changes beat -crosswalk-year: a list whose changes took
// effect in 2016 leads from 31.12.2015; with the data's Gebietsstand 2016
// it is refused, and with 2014 too (the changes of 2015 are missing).
func TestGebietsaenderungenDatesBeatTheFlag(t *testing.T) {
	list := gaFile(t, "Fläche in qm", gaGoettingen("1", "1"))
	for year, want := range map[int]string{2016: "row 5: the change took effect on 01.11.2016, not after the data's Gebietsstand 31.12.2016", 2014: "the changes of 2015 are not in this list"} {
		if _, err := ReadCrosswalk("2016.xlsx", list, year); !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), want) {
			t.Errorf("-crosswalk-year %d: %v; want %q", year, err, want)
		}
	}
	// Excel day numbers (dates stored as dates) read the same.
	rows := gaGoettingen("1", "1")
	for _, r := range rows {
		r[11], r[12] = 42675, 42675 // 01.11.2016
	}
	cw, err := ReadCrosswalk("2016.xlsx", gaFile(t, "Fläche in qm", rows), 2015)
	if err != nil || cw.ToYear != 2016 {
		t.Errorf("Excel dates: %v, to %v", err, cw)
	}
}

// The area's unit is read from its header however the list writes it; a
// list that does not name it is refused (qm read as km² made every area a
// million times too large).
func TestGAHeaderAreaUnit(t *testing.T) {
	for head, km2 := range map[string]float64{"Fläche in ha": 0.01, "Fläche (ha)": 0.01, "Fläche [ha]": 0.01, "Fläche in km²": 1, "Fläche (km²)": 1, "Fläche qkm": 1,
		"Fläche in qm": 1e-6, "Fläche qm": 1e-6, "Fläche in m²": 1e-6, "Fläche (m2)": 1e-6, "Fläche": 0} {
		_, c, ok := gaHeader([][]string{{"Schlüssel bisher", "Schlüssel neu", "Änderungsart", head, "Bevölkerung"}})
		if !ok || c.area != 3 || c.areaKm2 != km2 {
			t.Errorf("%q: ok %v, area column %d, km² per unit %v; want %v", head, ok, c.area, c.areaKm2, km2)
		}
	}
	if _, err := ReadCrosswalk("2016.xlsx", gaFile(t, "Fläche", gaGoettingen("1", "1")), 2015); !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "column G") || !strings.Contains(err.Error(), "unit of the area") {
		t.Errorf("area without unit: %v", err)
	}
}

// A list whose header words are not the ones the reader knows is still
// read by its rows' shape (Kennziffer in the first column, the 13 columns
// every list since 2008 has) when its header names the area's unit.
func TestGebietsaenderungenByShape(t *testing.T) {
	head := [2][]any{
		{"Kennziffer", "Ebene der Änderung", "Gebiet vor", nil, nil, "Art", "Fläche in qm", "Personen", "Gebiet danach", nil, nil, "gültig ab"},
		{nil, nil, "RS", "Nummer", "Bezeichnung", nil, nil, nil, "RS", "Nummer", "Bezeichnung", "Recht", "Statistik"},
	}
	cw, err := ReadCrosswalk("2016.xlsx", gaList(t, head, gaGoettingen("1", "1")...), 2015)
	if err != nil {
		t.Fatal(err)
	}
	if len(cw.Rows) != 3 || cw.Rows[0].New != "03159" || !near(cw.Rows[1].Area, 636.03) || cw.ToYear != 2016 {
		t.Errorf("by shape: %+v", cw)
	}
}

// Changes of units the atlas does not recode (Gemeindeverbände) are not
// applied; a table of that level is refused rather than passed through on
// its old keys.
func TestGebietsaenderungenUnreadLevels(t *testing.T) {
	for in, want := range map[string][2]any{"Gemeinde": {atlas.LevelGemeinde, true}, "gemeindefreies Gebiet": {atlas.LevelGemeinde, true}, "Kreis": {atlas.LevelKreis, true}, "Landkreis": {atlas.LevelKreis, true}, "kreisfreie Stadt": {atlas.LevelKreis, true},
		"Gemeindeverband": {atlas.LevelVWG, false}, "Verbandsgemeinde": {atlas.LevelVWG, false}, "Land": {atlas.LevelLand, false}, "Regierungsbezirk": {atlas.Level(0), false}} {
		l, read := gaLevel(in)
		if l != want[0] || read != want[1] {
			t.Errorf("gaLevel(%q) = %v, %v; want %v", in, l, read, want)
		}
	}
	cw := &Crosswalk{Source: "2016.xlsx", Rows: []CrosswalkRow{{Old: "03152", New: "03159", PopShare: 1, AreaShare: 1}}, unread: map[atlas.Level]int{atlas.LevelVWG: 2}}
	cat := map[string]atlas.Indicator{"area": {ID: "area", Measure: atlas.MeasureExtensive}}
	_, _, err := cw.Apply("t.csv", []atlas.Observation{{Indicator: "area", Level: atlas.LevelVWG, Key: "031595401", Period: 2015, Value: 1}}, cat, nil)
	if !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "2 change(s) of the level") {
		t.Errorf("a Gemeindeverband table: %v", err)
	}
}

// A piece follows its taking unit through later changes of the same list;
// where a later change splits the taking unit or moves part of it, or the
// list has no dates to order the two, the piece's share is unknown.
func TestGAFollowChains(t *testing.T) {
	d := func(s string) gaChange { c, _ := gaDate(s); return gaChange{when: c} }
	ch := func(old, nw, when string, partial bool, line int) gaChange {
		c := d(when)
		c.old, c.nw, c.partial, c.line = old, nw, partial, line
		return c
	}
	changes := []gaChange{ch("A", "B", "01.01.2016", false, 1), ch("B", "C", "01.07.2016", false, 2), ch("D", "E", "01.01.2016", false, 3), ch("E", "F", "01.03.2016", true, 4), ch("E", "G", "01.03.2016", true, 5)}
	gaFollowChains(changes)
	if changes[0].nw != "C" || changes[0].unknown != "" || changes[1].nw != "C" {
		t.Errorf("A → B → C: %+v", changes[:2])
	}
	if changes[2].unknown == "" || !strings.Contains(changes[2].unknown, "rows 3 and 4") {
		t.Errorf("D → E, E split: %+v", changes[2])
	}
	undated := []gaChange{{old: "A", nw: "B", line: 1}, {old: "B", nw: "C", line: 2}}
	gaFollowChains(undated)
	if undated[0].unknown == "" {
		t.Errorf("undated chain followed: %+v", undated[0])
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

// The real Breitbandatlas file (Kreis keys of 2015) recoded with the list
// of 2016 gives Göttingen the value the BBSR Umsteigeschlüssel gives it:
// the population-weighted mean of the two old Kreise. Eisenach's merger of
// 2021 is not in the list: merged on top without populations, a rate is
// refused rather than averaged unweighted.
func TestGebietsaenderungenBroadbandAsBBSR(t *testing.T) {
	res, known := broadbandOnKeysOf2015(t)
	cw, err := ReadCrosswalk("2016.xlsx", gaFile(t, "Fläche in qm", gaGoettingen("1", "1")), 2015)
	if err != nil {
		t.Fatal(err)
	}
	obs, _, err := cw.Apply("breitband.csv", res.Observations, known, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, o := range obs {
		got[o.Key] = o.Value
	}
	want := math.Round((66.32*255.7+56.30*73.9)/(255.7+73.9)*1e4) / 1e4
	if got["03159"] != want {
		t.Errorf("03159 = %v, want %v (as with the BBSR Umsteigeschlüssel)", got["03159"], want)
	}
	for _, old := range []string{"03152", "03156"} {
		if _, ok := got[old]; ok {
			t.Errorf("old key %s still has a value", old)
		}
	}
	cw.Merges, _ = ParseMerges([]string{"16056=16063"})
	if _, _, err := cw.Apply("breitband.csv", res.Observations, known, nil); !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "16063") || !strings.Contains(err.Error(), "needs their population") {
		t.Errorf("Eisenach merged without populations: %v", err)
	}
}
