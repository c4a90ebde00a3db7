package atlas

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"strings"
)

// decimalField matches a number written with a decimal point as the CSV
// answers write them (strconv 'f' form): only such fields get a comma.
var decimalField = regexp.MustCompile(`^-?[0-9]+\.[0-9]+$`)

// GermanExcelCSV turns a CSV answer (UTF-8, comma, decimal point, comment
// lines starting with "# ") into the form German Excel opens directly:
// UTF-8 byte order mark, semicolon separator, decimal comma. Comment lines
// (sources, licences, data version) are kept as they are; keys with leading
// zeros stay text ("09162").
func GermanExcelCSV(in []byte) ([]byte, error) {
	var out bytes.Buffer
	out.WriteString("\ufeff")
	w := csv.NewWriter(&out)
	w.Comma = ';'
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(in, []byte("\ufeff"))))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	var record strings.Builder
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if record.Len() == 0 && strings.HasPrefix(text, "#") {
			w.Flush()
			out.WriteString(text + "\n")
			continue
		}
		record.WriteString(text)
		record.WriteByte('\n')
		r := csv.NewReader(strings.NewReader(record.String()))
		r.FieldsPerRecord = -1
		fields, err := r.Read()
		if err != nil {
			if strings.Count(record.String(), `"`)%2 == 1 {
				continue // a quoted field runs over the line end
			}
			return nil, fmt.Errorf("csv line %d: %w", line, err)
		}
		record.Reset()
		for i, f := range fields {
			if decimalField.MatchString(f) {
				fields[i] = strings.Replace(f, ".", ",", 1)
			}
		}
		if err := w.Write(fields); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if record.Len() > 0 {
		return nil, fmt.Errorf("csv line %d: unterminated quoted field", line)
	}
	w.Flush()
	return out.Bytes(), w.Error()
}
