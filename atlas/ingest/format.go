package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
	"golang.org/x/text/encoding/charmap"
)

// The format-aware readers (TableSpec.Format).
const (
	FormatGENESIS   = "genesis"
	FormatINKAR     = "inkar"
	FormatFFCSV     = "ffcsv"
	FormatCanonical = "canonical"
	FormatGV        = "gv"
	FormatKS        = "ks"
)

// Formats lists the format-aware readers.
func Formats() []string {
	return []string{FormatGENESIS, FormatINKAR, FormatFFCSV, FormatCanonical, FormatGV, FormatKS}
}

// DetectFormat guesses the format of a file from its name and first bytes:
// raw GENESIS ("GENESIS-Tabelle:" in the first line), INKAR ("Kennziffer"
// header), GENESIS flat file ("statistics_code" header, also zipped),
// Gemeindeverzeichnis (xlsx), canonical (JSON, or a "key,indicator,period"
// header) and Königsteiner Schlüssel ("key_year" header).
func DetectFormat(name string, data []byte) (string, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
			return FormatGV, nil
		}
		if inner, err := zipEntryHead(data); err == nil {
			data = inner
		}
	}
	text, err := decodeText(name, data[:min(len(data), 8192)], "")
	if err != nil {
		text, _ = decodeSingleByte(name, data[:min(len(data), 8192)], charmap.Windows1252, "")
	}
	head := string(text)
	for strings.HasPrefix(head, "#") { // comment lines of the canonical form
		_, head, _ = strings.Cut(head, "\n")
	}
	first, _, _ := strings.Cut(head, "\n")
	trimmed := strings.TrimSpace(head)
	switch {
	case strings.Contains(first, "GENESIS-Tabelle") || strings.Contains(first, "Tabelle:"):
		return FormatGENESIS, nil
	case strings.Contains(first, "statistics_code") && strings.Contains(first, "value"):
		return FormatFFCSV, nil
	case strings.Contains(head, "Kennziffer") && strings.Contains(head, "Raumeinheit"):
		return FormatINKAR, nil
	case strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "["):
		return FormatCanonical, nil
	case strings.Contains(first, "key_year") && strings.Contains(first, "share"):
		return FormatKS, nil
	case strings.Contains(first, "key") && strings.Contains(first, "indicator") && strings.Contains(first, "period"):
		return FormatCanonical, nil
	}
	return "", fmt.Errorf("%s: %w: format not recognised; name one of %s", name, atlas.ErrInvalidData, strings.Join(Formats(), ", "))
}

// zipEntryHead returns the first bytes of the first file in a zip.
func zipEntryHead(data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		buf := make([]byte, 8192)
		n, _ := rc.Read(buf)
		return buf[:n], nil
	}
	return nil, fmt.Errorf("empty zip")
}

// readFormat runs the format-aware reader of spec.format().
func readFormat(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	var res *TableResult
	var err error
	switch spec.format() {
	case FormatGENESIS:
		res, err = readGENESIS(name, data, spec, known, in)
	case FormatINKAR:
		res, err = readINKAR(name, data, spec, known, in)
	case FormatFFCSV:
		res, err = readFFCSV(name, data, spec, known, in)
	case FormatCanonical:
		res, err = readCanonical(name, data, spec, known, in)
	case FormatGV:
		res, err = readGV(name, data, spec, known, in)
	case FormatKS:
		res, err = readKS(name, data, spec, known, in)
	default:
		return nil, fmt.Errorf("%s: unknown format %q", name, spec.Format)
	}
	if err != nil {
		return nil, err
	}
	sort.Slice(res.Indicators, func(i, j int) bool { return res.Indicators[i].ID < res.Indicators[j].ID })
	return res, nil
}

// formatInputs are what a format-aware reader gets besides the file.
type formatInputs struct {
	catalogue     []byte // canonical: indicator catalogue
	catalogueName string
	decimal       string                // canonical: "," for the German dialect
	rows          func(done, total int) // progress
}

func (in formatInputs) progress(done, total int) {
	if in.rows != nil && (done%2000 == 0 || done == total) {
		in.rows(done, total)
	}
}

// columnMapper resolves TableSpec.Map for a format-aware reader: by 1-based
// column number or by header text.
type columnMapper struct {
	spec  TableSpec
	known map[string]atlas.Indicator
	used  map[string]bool
}

func newColumnMapper(spec TableSpec, known map[string]atlas.Indicator) *columnMapper {
	return &columnMapper{spec: spec, known: known, used: map[string]bool{}}
}

// lookup returns the mapped indicator for a column, "" when unmapped.
func (m *columnMapper) lookup(col int, names ...string) (string, error) {
	var cands []string
	if col > 0 {
		cands = append(cands, fmt.Sprint(col))
	}
	cands = append(cands, names...)
	for _, c := range cands {
		id, ok := m.spec.Map[c]
		if !ok {
			continue
		}
		m.used[c] = true
		if _, ok := m.known[id]; !ok {
			return "", fmt.Errorf("map %s=%s: %w (map only to indicators in the catalogue)", c, id, atlas.ErrUnknownIndicator)
		}
		return id, nil
	}
	return "", nil
}

// unused reports map entries that matched no column.
func (m *columnMapper) unused(name string) error {
	var miss []string
	for c := range m.spec.Map {
		if !m.used[c] {
			miss = append(miss, c)
		}
	}
	if len(miss) == 0 {
		return nil
	}
	sort.Strings(miss)
	return fmt.Errorf("%s: %w: map names column(s) %s, which the file does not have", name, atlas.ErrInvalidData, strings.Join(miss, ", "))
}

// baseName is the file name without directories and compression suffix.
func baseName(name string) string {
	return strings.TrimSuffix(path.Base(name), ".gz")
}
