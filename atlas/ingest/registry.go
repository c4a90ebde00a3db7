package ingest

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
	"golang.org/x/text/encoding/charmap"
)

// Reader is one file format: it recognises its files and reads them into
// observations (and, where the file says enough, catalogue entries). The
// rules every format shares live in the table core and are applied by the
// caller, not by the reader: special values and quality marks (special.go,
// ParseValue), encodings (decode.go), dates and the -period check
// (dates.go), regional keys and levels (keys.go), Berlin/Hamburg copies,
// catalogue checks, crosswalks and per-capita derivation (manifest.go).
//
// A new format is one file with one Reader and one line in builtinReaders;
// see doc.go.
type Reader interface {
	// Format is the name of -format / TableSpec.Format ("genesis").
	Format() string
	// Detect says whether a file looks like this format (import auto).
	Detect(s Sniff) bool
	// Read reads one file.
	Read(in Input) (*TableResult, error)
}

// Sniff is what detection sees of a file: its name, whether it is a zip
// or an xls (BIFF) file, and its first decoded text (comment lines of
// the canonical form skipped).
type Sniff struct {
	Name  string // lower-case base name
	Zip   bool   // PK header (xlsx, or a zipped CSV: Head is its first entry)
	BIFF  bool   // OLE2 header (.xls)
	Head  string // up to 8 KiB of decoded text
	First string // the first line of Head
	// Workbook is xl/workbook.xml of an xlsx (its sheet names), else "".
	Workbook string
}

// Input is one file to read with its spec and what the reader may use.
type Input struct {
	Name  string
	Data  []byte // gunzipped
	Spec  TableSpec
	Known map[string]atlas.Indicator // the catalogue: mapped columns must be in it
	// Catalogue (canonical form) is an indicator catalogue file given with the data.
	Catalogue     []byte
	CatalogueName string
	// Decimal "," reads the German dialect of the canonical CSV.
	Decimal string
	// Progress reports rows read.
	Progress func(done, total int)
	// Context is the import's (a request's): a reader stops when it ends
	// (Context.Err), in loops over rows too. Nil: never.
	Context context.Context
}

func (in Input) inputs() formatInputs {
	return formatInputs{ctx: in.Context, catalogue: in.Catalogue, catalogueName: in.CatalogueName, decimal: in.Decimal, rows: in.Progress}
}

func (in formatInputs) input(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator) Input {
	return Input{Name: name, Data: data, Spec: spec, Known: known, Catalogue: in.catalogue, CatalogueName: in.catalogueName, Decimal: in.decimal, Progress: in.rows, Context: in.ctx}
}

// readerFunc adapts a reading function to Reader.
type readerFunc struct {
	format string
	detect func(Sniff) bool
	read   func(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error)
}

func (r readerFunc) Format() string      { return r.format }
func (r readerFunc) Detect(s Sniff) bool { return r.detect(s) }
func (r readerFunc) Read(in Input) (*TableResult, error) {
	return r.read(in.Name, in.Data, in.Spec, in.Known, in.inputs())
}

// builtinReaders are the formats, in detection order.
var builtinReaders = []Reader{
	readerFunc{FormatGENESIS, detectGENESIS, readGENESIS},
	readerFunc{FormatFFCSV, detectFFCSV, readFFCSV},
	readerFunc{FormatINKAR, detectINKAR, readINKAR},
	readerFunc{FormatKS, detectKS, readKS},
	readerFunc{FormatCanonical, detectCanonical, readCanonical},
	readerFunc{FormatDeutschlandatlas, detectDeutschlandatlas, readDeutschlandatlas},
	readerFunc{FormatGV, detectGV, readGV},
}

var registry = append([]Reader(nil), builtinReaders...)

// Register adds a format (before the built-in ones in detection order,
// so that a more specific format wins). It panics on a duplicate name;
// call it from an init function.
func Register(r Reader) {
	if lookupReader(r.Format()) != nil {
		panic("ingest: format " + r.Format() + " registered twice")
	}
	registry = append([]Reader{r}, registry...)
}

func lookupReader(format string) Reader {
	for _, r := range registry {
		if r.Format() == format {
			return r
		}
	}
	return nil
}

// Formats lists the format-aware readers.
func Formats() []string {
	var out []string
	for _, r := range registry {
		out = append(out, r.Format())
	}
	return out
}

// DetectFormat guesses the format of a file from its name and first bytes
// by asking every registered reader in turn.
func DetectFormat(name string, data []byte) (string, error) {
	s := sniff(name, data)
	for _, r := range registry {
		if r.Detect(s) {
			return r.Format(), nil
		}
	}
	why, fix := explainUnknown(s)
	return "", fmt.Errorf("%s: %w: format not recognised: %s. Fix: %s (formats: %s)", name, atlas.ErrInvalidData, why, fix, strings.Join(Formats(), ", "))
}

func sniff(name string, data []byte) Sniff {
	s := Sniff{Name: strings.ToLower(baseName(name))}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		s.Zip = true
		s.Workbook = workbookSheets(data)
		if inner, err := zipEntryHead(data); err == nil && !strings.HasSuffix(s.Name, ".xlsx") {
			data = inner
		}
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		s.BIFF = true
		return s
	}
	head := data[:min(len(data), 8192)]
	text, err := decodeText(name, head, "")
	if err != nil {
		text, _ = charmap.ISO8859_1.NewDecoder().Bytes(head) // never fails: enough to recognise a file
	}
	s.Head = string(text)
	for strings.HasPrefix(s.Head, "#") { // comment lines of the canonical form
		_, s.Head, _ = strings.Cut(s.Head, "\n")
	}
	s.First, _, _ = strings.Cut(s.Head, "\n")
	return s
}

func detectGENESIS(s Sniff) bool {
	return strings.Contains(s.First, "GENESIS-Tabelle") || strings.Contains(s.First, "Tabelle:")
}

func detectFFCSV(s Sniff) bool {
	return strings.Contains(s.First, "statistics_code") && strings.Contains(s.First, "value")
}

func detectINKAR(s Sniff) bool {
	return strings.Contains(s.Head, "Kennziffer") && strings.Contains(s.Head, "Raumeinheit")
}

func detectKS(s Sniff) bool {
	return strings.Contains(s.First, "key_year") && strings.Contains(s.First, "share")
}

func detectCanonical(s Sniff) bool {
	t := strings.TrimSpace(s.Head)
	if geo := t[:min(len(t), 400)]; strings.Contains(geo, `"Topology"`) || strings.Contains(geo, `"FeatureCollection"`) {
		return false // boundaries
	}
	return strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") ||
		(strings.Contains(s.First, "key") && strings.Contains(s.First, "indicator") && strings.Contains(s.First, "period"))
}

func detectGV(s Sniff) bool {
	return s.Zip && strings.HasSuffix(s.Name, ".xlsx") && !detectDeutschlandatlas(s)
}

// readFormat runs the registered reader of spec.format() and the rules
// every format shares.
func readFormat(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	r := lookupReader(spec.format())
	if r == nil {
		return nil, fmt.Errorf("%s: unknown format %q", name, spec.Format)
	}
	res, err := r.Read(in.input(name, data, spec, known))
	if err != nil {
		return nil, err
	}
	sort.Slice(res.Indicators, func(i, j int) bool { return res.Indicators[i].ID < res.Indicators[j].ID })
	res.Report = append(res.Report, settleUnits(name, res.Indicators)...)
	if err := checkResultPeriod(name, spec.PeriodValue, res); err != nil {
		return nil, err
	}
	return res, nil
}

// checkResultPeriod applies the -period rule to any reader's result: the
// dates the reader found, or else the periods of its values, all come from
// the file; a -period contradicting them is an error, an agreeing one is
// noted as not needed.
func checkResultPeriod(name string, period int, res *TableResult) error {
	if period == 0 {
		return nil
	}
	if res.Dates.empty() {
		res.Dates = &dateSet{}
		for _, o := range res.Observations {
			res.Dates.add(date{year: o.Period}, "values")
		}
	}
	note, err := checkPeriod(name, period, res.Dates)
	if err != nil {
		return err
	}
	if note != "" {
		res.Report = append(res.Report, note)
	}
	return nil
}
