package ingest

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// FuzzDeutschlandatlas: the Deutschlandatlas workbook reader, seeded with
// small workbooks cut from the real one (seeds): its Titel sheet and, of one
// data sheet each (Kreise 2024, Gemeindeverbände 2023, Kreise 2021 with
// its column of text classes "100 bis unter 200"), the
// rows above the data, the first data rows, the first row with a missing
// value (-9999) and the final row "Ende der Tabelle.". Each run reads a few
// KB, not 3.5 MB. With onlyMapped, the first indicator code of the Kreis
// sheet is mapped (spec map, only_mapped), so that the fuzzer also reaches
// the sheet selection and the mapper.
func FuzzDeutschlandatlas(f *testing.F) {
	seeds, code := realDASeeds(f)
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	id := makeID("da", code)
	mapped := TableSpec{ID: "fuzz", Format: FormatDeutschlandatlas, Map: map[string]string{code: id}, OnlyMapped: true}
	f.Fuzz(func(t *testing.T, data []byte, onlyMapped bool) {
		spec, known := TableSpec{ID: "fuzz", Format: FormatDeutschlandatlas}, catalogue()
		if onlyMapped {
			spec, known = mapped, catalogue(id)
		}
		res, err := ReadTable("deutschlandatlas.xlsx", data, spec, known)
		checkFuzzResult(t, res, err)
	})
}

// realDASeeds cuts the seed workbooks of FuzzDeutschlandatlas from the
// real workbook and returns them with the first indicator code of the
// first sheet.
func realDASeeds(t testing.TB) ([][]byte, string) {
	t.Helper()
	src, err := excelize.OpenFile(daSeed)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	titel, err := src.GetRows("Titel")
	if err != nil {
		t.Fatal(err)
	}
	var seeds [][]byte
	code := ""
	for _, sheet := range []string{"Deutschlandatlas_KRS1224", "Deutschlandatlas_VBGEM1223", "Deutschlandatlas_KRS1221"} {
		rows, err := src.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		head := slices.IndexFunc(rows, func(r []string) bool {
			return slices.ContainsFunc(r, func(c string) bool { return strings.HasPrefix(strings.TrimSpace(c), "Indikatorkürzel:") })
		})
		last := len(rows) - 1
		for last > head && isBlank(rows[last]) {
			last--
		}
		if head < 0 || last <= head+1 || !strings.HasPrefix(cellAt(rows[last], 0), "Ende der Tabelle") {
			t.Fatalf("%s: %s: header row %d, last row %d: not the layout the reader expects", daSeed, sheet, head+1, last+1)
		}
		if code == "" {
			for _, c := range rows[head] {
				if rest, ok := strings.CutPrefix(strings.TrimSpace(c), "Indikatorkürzel:"); ok && code == "" && len(strings.Fields(rest)) > 0 {
					code = strings.Fields(rest)[0]
				}
			}
			if code == "" {
				t.Fatalf("%s: %s: no indicator code in the header row", daSeed, sheet)
			}
		}
		data := rows[head+1 : last]
		cut := slices.Clone(rows[:head+1])
		cut = append(cut, data[:min(8, len(data))]...)
		if i := slices.IndexFunc(data[min(8, len(data)):], func(r []string) bool { return slices.Contains(r, daMissing) }); i >= 0 {
			cut = append(cut, data[8+i])
		}
		cut = append(cut, rows[last])

		x := excelize.NewFile()
		if err := x.SetSheetName("Sheet1", "Titel"); err != nil {
			t.Fatal(err)
		}
		setRows(t, x, "Titel", titel)
		if _, err := x.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
		setRowsAsStored(t, x, sheet, cut, head+1)
		seeds = append(seeds, xlsxBytes(t, x))
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return seeds, code
}

// setRowsAsStored writes rows into sheet from A1 on, the cells from row
// firstData on that are numbers in the real workbook (keys, values, -9999)
// as numbers; a cell whose text a number would change ("01001000") stays
// text.
func setRowsAsStored(t testing.TB, x *excelize.File, sheet string, rows [][]string, firstData int) {
	t.Helper()
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, c := range row {
			cells[j] = c
			if v, err := strconv.ParseFloat(c, 64); err == nil && i >= firstData && strconv.FormatFloat(v, 'f', -1, 64) == c {
				cells[j] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
}

// The seeds of FuzzDeutschlandatlas are read without error, with and
// without the map, so that the fuzzer starts inside the reader: values of
// Kreise and Gemeindeverbände, text classes reported.
func TestDeutschlandatlasFuzzSeedsReachTheReader(t *testing.T) {
	seeds, code := realDASeeds(t)
	id := makeID("da", code)
	for i, s := range seeds {
		res, err := ReadTable("deutschlandatlas.xlsx", s, TableSpec{ID: "fuzz", Format: FormatDeutschlandatlas}, catalogue())
		switch {
		case err != nil:
			t.Errorf("seed %d: %v", i, err)
		case i < 2 && len(res.Observations) == 0:
			t.Errorf("seed %d: no observations: %v", i, res.Report)
		case i == 2 && !strings.Contains(strings.Join(res.Report, "\n"), "text classes"):
			t.Errorf("seed %d (Kreise 2021, price classes): text classes not reported: %v", i, res.Report)
		}
	}
	res, err := ReadTable("deutschlandatlas.xlsx", seeds[0], TableSpec{ID: "fuzz", Format: FormatDeutschlandatlas, Map: map[string]string{code: id}, OnlyMapped: true}, catalogue(id))
	if err != nil || len(res.Observations) == 0 {
		t.Fatalf("seed 0 with %s mapped: %v", code, err)
	}
	for _, o := range res.Observations {
		if o.Indicator != id {
			t.Fatalf("only %s mapped, got %+v", id, o)
		}
	}
}
