package reporting

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/standortatlas/standortatlas/atlas"
)

// MaxUploadRows bounds the rows of one upload (the Gemeinden of the
// largest Land are about 2,100).
const MaxUploadRows = 5000

// ReadUpload reads an upload of the form's shape: a header row with
// "key" (the regional key; "ags" is accepted), one column per field (its
// id or its title) and optionally "name" (ignored) and "comment"; then one
// row per region. CSV (comma or semicolon, UTF-8) or xlsx (first sheet).
// Numbers in German ("1.234,5") or plain ("1234.5") notation; an empty
// cell is a missing figure. Errors name the file, row and column.
func ReadUpload(def atlas.ReportDefinition, name string, data []byte) ([]Entry, error) {
	rows, plain, err := uploadRows(name, data)
	if err != nil {
		return nil, err
	}
	bad := func(row int, col, reason string) error {
		return &atlas.CheckError{Report: def.ID, File: name, Row: row, Problems: []atlas.FieldProblem{{Field: col, Reason: reason}}}
	}
	if len(rows) < 2 {
		return nil, bad(1, "", "a header row and at least one row of figures are needed")
	}
	if len(rows) > MaxUploadRows+1 {
		return nil, bad(MaxUploadRows+2, "", fmt.Sprintf("more than %d rows", MaxUploadRows))
	}
	keyCol, commentCol := -1, -1
	fieldCol := map[int]string{}
	for i, h := range rows[0] {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		switch low := strings.ToLower(h); {
		case low == "key" || low == "ags" || low == "schlüssel" || low == "regionalschlüssel":
			keyCol = i
		case low == "comment" || low == "bemerkung":
			commentCol = i
		case low == "name" || low == "":
		default:
			id := ""
			for _, f := range def.Fields {
				if strings.EqualFold(f.ID, h) || strings.EqualFold(f.Title, h) {
					id = f.ID
				}
			}
			if id == "" {
				return nil, bad(1, h, fmt.Sprintf("unknown column; the columns are key, %s, comment", strings.Join(fieldIDs(def), ", ")))
			}
			fieldCol[i] = id
		}
	}
	if keyCol < 0 {
		return nil, bad(1, "key", "column key (regional key) missing")
	}
	var out []Entry
	for r, row := range rows[1:] {
		rowNo := r + 2
		cell := func(i int) string {
			if i < 0 || i >= len(row) {
				return ""
			}
			return strings.TrimSpace(row[i])
		}
		if strings.Join(row, "") == "" {
			continue // empty line
		}
		e := Entry{Key: cell(keyCol), Values: map[string]float64{}, Submit: true, Comment: cell(commentCol)}
		if !atlas.ValidKey(def.Level, e.Key) {
			return nil, bad(rowNo, "key", fmt.Sprintf("%q is not a %s key (%d digits; keep leading zeros)", e.Key, def.Level, def.Level.KeyLength()))
		}
		for i, id := range fieldCol {
			s := cell(i)
			if s == "" {
				continue
			}
			v, err := ParseNumber(s)
			if plain { // xlsx: the cell's raw number
				if v, err = strconv.ParseFloat(s, 64); err != nil {
					err = fmt.Errorf("%q is not a number", s)
				}
			}
			if err != nil {
				return nil, bad(rowNo, id, err.Error())
			}
			e.Values[id] = v
		}
		out = append(out, e)
	}
	return out, nil
}

func fieldIDs(def atlas.ReportDefinition) []string {
	ids := make([]string, len(def.Fields))
	for i, f := range def.Fields {
		ids[i] = f.ID
	}
	return ids
}

// uploadRows reads the cells of an upload; plain reports raw xlsx numbers
// (no thousands separators, decimal point).
func uploadRows(name string, data []byte) (rows [][]string, plain bool, err error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 64 << 20})
		if err != nil {
			return nil, true, fmt.Errorf("%s: not a readable xlsx file: %v: %w", name, err, atlas.ErrInvalidData)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, true, fmt.Errorf("%s: no sheet: %w", name, atlas.ErrInvalidData)
		}
		rows, err = f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, true, fmt.Errorf("%s: sheet %s: %v: %w", name, sheets[0], err, atlas.ErrInvalidData)
		}
		return rows, true, nil
	}
	if !utf8.Valid(data) {
		return nil, false, fmt.Errorf("%s: not UTF-8 text (save the CSV as UTF-8, or upload the xlsx): %w", name, atlas.ErrInvalidData)
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	first, _, _ := strings.Cut(text, "\n")
	rd := csv.NewReader(strings.NewReader(text))
	if strings.Count(first, ";") > strings.Count(first, ",") {
		rd.Comma = ';'
	}
	rd.FieldsPerRecord = -1
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			return rows, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("%s: %v: %w", name, err, atlas.ErrInvalidData)
		}
		rows = append(rows, rec)
		if len(rows) > MaxUploadRows+1 {
			return rows, false, nil
		}
	}
}

// ParseNumber reads a figure of a CSV upload in German ("1.234,5",
// "12,0", "1.234.567") or plain ("1234.5") notation. "1.234" could be
// either and is refused (write 1234 or 1,234).
func ParseNumber(s string) (float64, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	dots := strings.Count(t, ".")
	switch {
	case strings.Contains(t, ","):
		t = strings.ReplaceAll(t, ".", "")
		t = strings.Replace(t, ",", ".", 1)
	case dots > 1:
		t = strings.ReplaceAll(t, ".", "")
	case dots == 1 && len(t)-strings.Index(t, ".") == 4:
		return 0, fmt.Errorf("%q is ambiguous (thousands separator or decimal point?): write %s or %s", s, strings.ReplaceAll(t, ".", ""), strings.ReplaceAll(t, ".", ","))
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}
