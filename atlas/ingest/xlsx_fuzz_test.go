package ingest

import (
	"bytes"
	"encoding/csv"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"
)

// realXLSX builds a small xlsx from the rows of the real Königsteiner
// Schlüssel seed table, as a seed for the fuzzer.
func realXLSX(t testing.TB) []byte {
	t.Helper()
	f, err := os.Open("../../seeds/indicators/koenigsteiner_schluessel.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	x := excelize.NewFile()
	setRows(t, x, "Sheet1", rows[:min(len(rows), 20)])
	return xlsxBytes(t, x)
}

// setRows writes rows of text into sheet from A1 on.
func setRows(t testing.TB, x *excelize.File, sheet string, rows [][]string) {
	t.Helper()
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, c := range row {
			cells[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
}

// xlsxBytes is the workbook as an xlsx file.
func xlsxBytes(t testing.TB, x *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzReadXLSX feeds arbitrary bytes to the xlsx table reader: errors, never
// a panic.
func FuzzReadXLSX(f *testing.F) {
	f.Add(realXLSX(f))
	f.Add([]byte("PK\x03\x04"))
	spec := TableSpec{ID: "xlsx_fuzz", File: "x.xlsx", HeaderRow: 1, Key: []Column{{Index: 1}}, PeriodValue: 2016,
		Values: []ValueSpec{{Column: Column{Index: 4}, Indicator: "koenigsteiner_schluessel"}}}
	known := catalogue("koenigsteiner_schluessel")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ReadTable("x.xlsx", data, spec, known)
	})
}
