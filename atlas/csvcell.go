package atlas

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// CSVCell makes a text cell safe to open in a spreadsheet: a cell that
// starts with =, +, -, @, a tab or a carriage return would be run as a
// formula by Excel or LibreOffice ("CSV injection"), so it gets a leading
// apostrophe, as OWASP recommends. Numbers (also "-3.5" and the German
// "-3,5") and single characters (a "-" for a missing value) stay as
// they are.
func CSVCell(s string) string {
	if len(s) < 2 || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil {
		return s
	}
	return "'" + s
}

// CSVWriter is a csv.Writer whose Write passes every cell through
// CSVCell: every CSV the atlas writes uses it.
type CSVWriter struct{ *csv.Writer }

// NewCSVWriter returns a CSVWriter on w (comma-separated; set Comma for
// another separator).
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{csv.NewWriter(w)} }

// Write writes one record with every cell made safe.
func (w *CSVWriter) Write(record []string) error {
	safe := make([]string, len(record))
	for i, s := range record {
		safe[i] = CSVCell(s)
	}
	return w.Writer.Write(safe)
}
