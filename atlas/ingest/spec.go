package ingest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// Manifest describes a data set: indicator catalogue, boundary files and
// statistics tables. Paths are relative to the manifest's file system.
type Manifest struct {
	Version    string            `json:"version"`
	Indicators []atlas.Indicator `json:"indicators"`
	Boundaries []BoundarySpec    `json:"boundaries"`
	Tables     []TableSpec       `json:"tables"`
}

// BoundarySpec selects one layer of a boundary file as the regions of a level.
type BoundarySpec struct {
	Level        atlas.Level `json:"level"`
	File         string      `json:"file"`
	Layer        string      `json:"layer,omitempty"` // layer name inside a zip or GeoPackage
	Name         string      `json:"name"`
	Gebietsstand string      `json:"gebietsstand"`
	KeyField     string      `json:"key_field,omitempty"`  // default AGS (ARS for vwg)
	NameField    string      `json:"name_field,omitempty"` // default GEN
	TypeField    string      `json:"type_field,omitempty"` // default BEZ
	ARSField     string      `json:"ars_field,omitempty"`  // default ARS
	// GF lists the accepted Geofaktor values; empty = 4 when the layer has
	// features with GF 4 (VG250/VG1000 land parts), else all.
	GF          []string `json:"gf,omitempty"`
	Licence     string   `json:"licence"`
	Attribution string   `json:"attribution"`
}

// Column names a column by header text or by 1-based position.
type Column struct {
	Name  string
	Index int // 1-based; 0 when named
}

// UnmarshalJSON accepts a string (header) or a number (1-based position).
func (c *Column) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err == nil {
		if n < 1 {
			return fmt.Errorf("column position %d: must be ≥ 1", n)
		}
		c.Index = n
		return nil
	}
	return json.Unmarshal(b, &c.Name)
}

// MarshalJSON writes the form UnmarshalJSON reads.
func (c Column) MarshalJSON() ([]byte, error) {
	if c.Index > 0 {
		return json.Marshal(c.Index)
	}
	return json.Marshal(c.Name)
}

func (c Column) String() string {
	if c.Index > 0 {
		return "#" + strconv.Itoa(c.Index)
	}
	return strconv.Quote(c.Name)
}

// TableSpec describes how to read observations from one table file.
type TableSpec struct {
	ID   string `json:"id"`   // source id, e.g. "inkar_gerda_kreise"
	File string `json:"file"` // .csv, .txt, .xlsx, optionally .gz
	// Format: "csv" (default by extension) or "xlsx".
	Format    string `json:"format,omitempty"`
	Sheet     string `json:"sheet,omitempty"`     // xlsx sheet (default: the first with data)
	Delimiter string `json:"delimiter,omitempty"` // csv; default: detected (; , tab)
	Encoding  string `json:"encoding,omitempty"`  // utf-8 (default), latin1, windows-1252
	// Decimal is the decimal mark: "." (default) or ",". With "," a dot or
	// space between digits is a thousands separator.
	Decimal string `json:"decimal,omitempty"`
	// HeaderRow is the 1-based row holding column names (0 = none: columns
	// by position only). FirstDataRow defaults to HeaderRow+1.
	HeaderRow    int `json:"header_row,omitempty"`
	FirstDataRow int `json:"first_data_row,omitempty"`
	// Key is one column, or several concatenated (e.g. Land+RB+Kreis+Gem).
	Key []Column `json:"key"`
	// Level is the level of every key, or empty to take it from the key length.
	Level atlas.Level `json:"level,omitempty"`
	// Levels, when set, keeps only keys of these levels; rows of other
	// levels (Regierungsbezirke, Berlin Bezirke, city parts) are skipped and
	// counted in the report.
	Levels []atlas.Level `json:"levels,omitempty"`
	// Period is a column holding the year, or PeriodValue a fixed year.
	Period      *Column `json:"period,omitempty"`
	PeriodValue int     `json:"period_value,omitempty"`
	// Filter keeps only rows whose column has one of the values.
	Filter *Filter `json:"filter,omitempty"`
	// Values maps value columns to indicators.
	Values []ValueSpec `json:"values"`
	// Aggregate derives coarser levels from finer ones.
	Aggregate []AggregateSpec `json:"aggregate,omitempty"`
	// Derive computes ratios of two indicators at every level.
	Derive []DeriveSpec `json:"derive,omitempty"`
	// StopAt ends the data at the first row whose first cell starts with
	// this text (GENESIS footers start with "__________").
	StopAt string `json:"stop_at,omitempty"`
	// SkipUnknownKeys drops rows whose key is malformed (e.g. "DG" for
	// Germany) into the report instead of failing.
	SkipUnknownKeys bool `json:"skip_unknown_keys,omitempty"`
}

// Filter keeps rows whose Column equals one of Equals.
type Filter struct {
	Column Column   `json:"column"`
	Equals []string `json:"equals"`
}

// ValueSpec maps one column to an indicator.
type ValueSpec struct {
	Column    Column  `json:"column"`
	Indicator string  `json:"indicator"`
	Scale     float64 `json:"scale,omitempty"` // multiply values (default 1)
}

// AggregateSpec sums an indicator of finer regions into the coarser levels To.
type AggregateSpec struct {
	Indicator string        `json:"indicator"`
	To        []atlas.Level `json:"to"`
}

// DeriveSpec computes Indicator = Numerator / Denominator × Factor per region and period.
type DeriveSpec struct {
	Indicator   string  `json:"indicator"`
	Numerator   string  `json:"numerator"`
	Denominator string  `json:"denominator"`
	Factor      float64 `json:"factor,omitempty"`
	Decimals    int     `json:"decimals"`
}

func (t *TableSpec) format() string {
	if t.Format != "" {
		return strings.ToLower(t.Format)
	}
	name := strings.TrimSuffix(strings.ToLower(t.File), ".gz")
	if strings.HasSuffix(name, ".xlsx") {
		return "xlsx"
	}
	return "csv"
}

// Validate checks a table spec before any file is read.
func (t *TableSpec) Validate() error {
	if t.ID == "" || !atlas.ValidIndicatorID(t.ID) {
		return fmt.Errorf("table spec %q: id must be lower-case letters, digits, underscores", t.ID)
	}
	if len(t.Key) == 0 {
		return fmt.Errorf("table spec %s: key column missing", t.ID)
	}
	if t.Period == nil && t.PeriodValue == 0 {
		return fmt.Errorf("table spec %s: period column or period_value required", t.ID)
	}
	if len(t.Values) == 0 {
		return fmt.Errorf("table spec %s: no value columns", t.ID)
	}
	if t.Decimal != "" && t.Decimal != "." && t.Decimal != "," {
		return fmt.Errorf("table spec %s: decimal must be \".\" or \",\"", t.ID)
	}
	return nil
}
