package ingest

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/extrame/xls"
	"github.com/xuri/excelize/v2"
)

// workbook is a spreadsheet read into memory — xlsx (Office Open XML) or
// xls (BIFF8, the format of older Destatis downloads and of the
// Gebietsänderungen lists) — as sheets of rows of cell texts. xlsx cells
// are read raw (numbers as stored); xls cells as the file formats them.
type workbook struct {
	names  []string
	sheets map[string][][]string
	format string // "xlsx" or "xls"
}

func (w *workbook) rows(sheet string) [][]string { return w.sheets[sheet] }

// isXLS reports whether data starts like an OLE2 compound file (xls).
func isXLS(data []byte) bool {
	return bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
}

// isXLSX reports whether data is a zip (xlsx).
func isXLSX(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// readWorkbook reads every sheet of an xlsx or xls file.
func readWorkbook(name string, data []byte) (*workbook, error) {
	switch {
	case isXLS(data):
		return readXLSWorkbook(name, data)
	case isXLSX(data):
		return readXLSXWorkbook(name, data)
	}
	return nil, invalidf("%s: not a spreadsheet: neither xlsx (zip) nor xls (BIFF8 compound file)", name)
}

func readXLSXWorkbook(name string, data []byte) (*workbook, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxTableBytes, UnzipXMLSizeLimit: MaxTableBytes})
	if err != nil {
		return nil, invalidf("%s: open xlsx: %v", name, err)
	}
	defer f.Close()
	w := &workbook{sheets: map[string][][]string{}, format: "xlsx"}
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, invalidf("%s: sheet %q: %v", name, s, err)
		}
		w.names = append(w.names, s)
		w.sheets[s] = rows
	}
	return w, nil
}

// readXLSWorkbook reads a BIFF8 file with github.com/extrame/xls. The
// library panics on some malformed records; that is reported as an error.
func readXLSWorkbook(name string, data []byte) (w *workbook, err error) {
	defer func() {
		if r := recover(); r != nil {
			w, err = nil, invalidf("%s: cannot read this xls file (%v); save it as xlsx and import that", name, r)
		}
	}()
	wb, err := xls.OpenReader(bytes.NewReader(data), "utf-8")
	if err != nil {
		return nil, invalidf("%s: open xls: %v", name, err)
	}
	w = &workbook{sheets: map[string][][]string{}, format: "xls"}
	for i := 0; i < wb.NumSheets(); i++ {
		s := wb.GetSheet(i)
		if s == nil {
			continue
		}
		sheetName := s.Name
		if sheetName == "" {
			sheetName = fmt.Sprintf("Sheet%d", i+1)
		}
		w.names = append(w.names, sheetName)
		w.sheets[sheetName] = xlsRows(s)
	}
	return w, nil
}

func xlsRows(s *xls.WorkSheet) [][]string {
	var out [][]string
	for i := 0; i <= int(s.MaxRow); i++ {
		row := xlsRow(s, i)
		if row == nil {
			out = append(out, nil)
			continue
		}
		cells := make([]string, row.LastCol())
		for c := row.FirstCol(); c < row.LastCol(); c++ {
			cells[c] = strings.TrimSpace(row.Col(c))
		}
		out = append(out, cells)
	}
	for len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// xlsRow returns row i, or nil when the sheet has none there (the library
// dereferences a nil row).
func xlsRow(s *xls.WorkSheet, i int) (row *xls.Row) {
	defer func() {
		if recover() != nil {
			row = nil
		}
	}()
	return s.Row(i)
}
