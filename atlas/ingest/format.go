package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
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

// formatInputs are what a format-aware reader gets besides the file.
type formatInputs struct {
	ctx           context.Context // the request's: readers stop when it ends
	catalogue     []byte          // canonical: indicator catalogue
	catalogueName string
	decimal       string                // canonical: "," for the German dialect
	rows          func(done, total int) // progress
}

// context is the import's context (Background when unset).
func (in formatInputs) context() context.Context {
	if in.ctx == nil {
		return context.Background()
	}
	return in.ctx
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
