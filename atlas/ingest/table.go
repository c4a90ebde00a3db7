package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// rows is a table read into memory: cells per row and the 1-based line or
// sheet row each row starts at.
type rows struct {
	cells [][]string
	line  []int
}

// readTable reads a whole csv, xlsx or xls table.
func readTable(ctx context.Context, name string, data []byte, spec *TableSpec) (*rows, error) {
	if f := spec.format(); f == "xlsx" || f == "xls" {
		return readSheet(name, data, spec.Sheet)
	}
	return readCSV(ctx, name, data, spec)
}

// readSheet reads one sheet of an xlsx or xls workbook: the named one, or
// the first with more than 20 rows (GV files start with a cover sheet).
func readSheet(name string, data []byte, sheet string) (*rows, error) {
	w, err := readWorkbook(name, data)
	if err != nil {
		return nil, err
	}
	if sheet == "" {
		for _, s := range w.names {
			if len(w.rows(s)) > 20 {
				sheet = s
				break
			}
		}
		if sheet == "" && len(w.names) > 0 {
			sheet = w.names[0]
		}
	}
	all, ok := w.sheets[sheet]
	if !ok {
		return nil, invalidf("%s: no sheet %q (sheets: %s)", name, sheet, strings.Join(w.names, ", "))
	}
	r := &rows{cells: all, line: make([]int, len(all))}
	for i := range all {
		r.line[i] = i + 1
	}
	return r, nil
}

func readCSV(ctx context.Context, name string, data []byte, spec *TableSpec) (*rows, error) {
	text, err := decodeText(name, data, spec.Encoding)
	if err != nil {
		return nil, err
	}
	delim := spec.Delimiter
	if delim == "" {
		delim = detectDelimiter(text)
	}
	if delim == "\\t" || delim == "tab" {
		delim = "\t"
	}
	if len([]rune(delim)) != 1 {
		return nil, fmt.Errorf("%s: delimiter %q must be one character", name, delim)
	}
	return parseDelimited(ctx, name, text, []rune(delim)[0])
}

// parseDelimited reads decoded text with a one-character delimiter
// (variable field counts, lenient quotes as in GENESIS footers).
func parseDelimited(ctx context.Context, name string, text []byte, delim rune) (*rows, error) {
	if err := checkLineLengths(name, text); err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	r := &rows{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s: line %d, column %d: %w", name, pe.StartLine, pe.Column, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) > MaxColumns {
			return nil, fmt.Errorf("%s: line %d has %d columns; at most %d are read", name, line, len(rec), MaxColumns)
		}
		if len(r.cells)%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("%s: reading stopped at line %d: %w", name, line, err)
			}
		}
		r.cells = append(r.cells, rec)
		r.line = append(r.line, line)
	}
	return r, nil
}

// detectDelimiter picks ;, tab or , by frequency in the first lines.
func detectDelimiter(text []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	counts := map[string]int{";": 0, "\t": 0, ",": 0}
	for i := 0; i < 20 && sc.Scan(); i++ {
		for d := range counts {
			counts[d] += strings.Count(sc.Text(), d)
		}
	}
	best := ","
	if counts["\t"] > counts[best] {
		best = "\t"
	}
	if counts[";"] >= counts[best] && counts[";"] > 0 {
		best = ";"
	}
	return best
}
