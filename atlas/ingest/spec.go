package ingest

import (
	"bytes"
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
	// Format: "csv" (default by extension) or "xlsx" read by this spec's
	// columns, or a format-aware reader that needs no column spec:
	// "genesis" (raw GENESIS/Regionaldatenbank CSV), "inkar" (raw INKAR
	// export), "ffcsv" (GENESIS flat CSV, also zipped), "canonical" (the
	// Standortatlas long form, CSV or JSON), "gv" (Gemeindeverzeichnis xlsx),
	// "ks" (Königsteiner Schlüssel). See DATA-STANDARD.md.
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

	// Map (format-aware readers) maps value columns — 1-based column number,
	// header text, or for ffcsv a category code ("" or "total" for the
	// total) — to indicator ids. Mapped indicators must be in the catalogue;
	// unmapped columns become indicators with ids derived from the file.
	Map map[string]string `json:"map,omitempty"`
	// Category (GENESIS tables with category key columns: "Tageseinrichtung",
	// "männlich") imports only the rows of this category; without it every
	// category becomes an indicator of its own.
	Category string `json:"category,omitempty"`
	// OnlyMapped imports only the mapped columns.
	OnlyMapped bool `json:"only_mapped,omitempty"`
	// FFCSV says how the dimensions of a flat file combine.
	FFCSV *FFCSVSpec `json:"ffcsv,omitempty"`
	// Catalogue names an indicator catalogue file (JSON array or CSV) for
	// the canonical CSV form.
	Catalogue string `json:"catalogue,omitempty"`
	// Crosswalk recodes Kreis keys of an older Gebietsstand.
	Crosswalk *CrosswalkSpec `json:"crosswalk,omitempty"`
	// PerCapita derives per-inhabitant indicators with a denominator from
	// this table, an earlier table of the manifest or the store.
	PerCapita []PerCapitaSpec `json:"per_capita,omitempty"`
	// Periods, when set, keeps only observations of these periods; the
	// others are counted in the report (e.g. a column a table fills only
	// from 2011 on, "-" before: not zero, not applicable).
	Periods []int `json:"periods,omitempty"`
	// Genesis names the GENESIS table this table comes from, so that
	// `standortatlas update` can fetch it again (see genesis_source.go).
	Genesis *GenesisSource `json:"genesis,omitempty"`
}

// FFCSVSpec declares how a GENESIS flat file's dimensions become
// indicators. Hierarchical categories must be declared: a total is the sum
// of the top-level categories only.
type FFCSVSpec struct {
	// Sum lists variable codes whose categories are flat and summed over
	// (e.g. GES = sex, STAAG5 = citizenship).
	Sum []string `json:"sum,omitempty"`
	// Split is the variable code whose categories become indicators
	// (e.g. SCHST2 = protection status).
	Split string `json:"split,omitempty"`
	// Total lists the top-level category codes of Split whose sum is the
	// total (sub-categories must not be listed: they would count twice).
	Total []string `json:"total,omitempty"`
	// Categories lists further Split category codes imported as their own
	// indicators (default: the Total codes).
	Categories []string `json:"categories,omitempty"`
	// Filter keeps one category of a variable (variable code → category code).
	Filter map[string]string `json:"filter,omitempty"`
}

// CrosswalkSpec recodes old Kreis keys to the keys of a later Gebietsstand.
type CrosswalkSpec struct {
	// File is a BBSR "Umsteigeschlüssel" xlsx (Kreise of 31.12. of a year →
	// a later Gebietsstand) in the manifest's file system.
	File string `json:"file,omitempty"`
	// Year selects the sheet: the Gebietsstand year of the data's keys.
	Year int `json:"year,omitempty"`
	// Merge lists whole-unit mergers after the crosswalk's target
	// Gebietsstand as "OLD=NEW" (e.g. "16056=16063", Eisenach 2021).
	Merge []string `json:"merge,omitempty"`
	// Method overrides how indicators are recoded: "sum" (extensive: split
	// by population shares and summed), "sum:area" (split by area shares),
	// "mean" (intensive: population-weighted mean) or "mean:area"
	// (area-weighted). Default: the indicator's measure and weight, declared
	// or inferred from the unit (measure.go).
	Method map[string]string `json:"method,omitempty"`
}

// PerCapitaSpec computes Indicator = Numerator / Denominator × Factor.
type PerCapitaSpec struct {
	Indicator   string `json:"indicator"`
	Numerator   string `json:"numerator"`
	Denominator string `json:"denominator"`
	// DenominatorPeriod fixes the denominator's period (default: the same period).
	DenominatorPeriod int     `json:"denominator_period,omitempty"`
	Factor            float64 `json:"factor"`
	Decimals          int     `json:"decimals"`
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
	switch {
	case strings.HasSuffix(name, ".xlsx"):
		return "xlsx"
	case strings.HasSuffix(name, ".xls"):
		return "xls"
	}
	return "csv"
}

// formatAware reports whether the spec's format has its own reader that
// needs no key, period and value columns.
func (t *TableSpec) formatAware() bool {
	return lookupReader(t.format()) != nil
}

// Validate checks a table spec before any file is read.
func (t *TableSpec) Validate() error {
	if t.ID == "" || !atlas.ValidIndicatorID(t.ID) {
		return fmt.Errorf("table spec %q: id must be lower-case letters, digits, underscores", t.ID)
	}
	switch f := t.format(); f {
	case "csv", "xlsx", "xls":
	default:
		if !t.formatAware() {
			return fmt.Errorf("table spec %s: unknown format %q (csv, xlsx, xls, %s)", t.ID, f, strings.Join(Formats(), ", "))
		}
		for col, id := range t.Map {
			if !atlas.ValidIndicatorID(id) {
				return fmt.Errorf("table spec %s: map %s=%q: not an indicator id", t.ID, col, id)
			}
		}
		if t.OnlyMapped && len(t.Map) == 0 {
			return fmt.Errorf("table spec %s: only_mapped without a map", t.ID)
		}
		return t.validateExtras()
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
	return t.validateExtras()
}

func (t *TableSpec) validateExtras() error {
	if c := t.Crosswalk; c != nil {
		if c.File != "" && c.Year == 0 {
			return fmt.Errorf("table spec %s: crosswalk %s needs the year of the data's Gebietsstand (crosswalk.year, -crosswalk-year)", t.ID, c.File)
		}
		if c.File == "" && len(c.Merge) == 0 && c.Year == 0 {
			return fmt.Errorf("table spec %s: crosswalk needs a file (crosswalk.file, -crosswalk) or merges (crosswalk.merge, -merge)", t.ID)
		}
		for id, m := range c.Method {
			if !validCrosswalkMethod(m) {
				return fmt.Errorf("table spec %s: crosswalk method %s=%q: must be sum, mean, sum:area or mean:area", t.ID, id, m)
			}
		}
	}
	for _, p := range t.PerCapita {
		if !atlas.ValidIndicatorID(p.Indicator) || p.Numerator == "" || p.Denominator == "" || p.Factor <= 0 {
			return fmt.Errorf("table spec %s: per_capita %q needs indicator, numerator, denominator and a positive factor", t.ID, p.Indicator)
		}
	}
	return nil
}

// ReadTableSpec reads a table spec file (`standortatlas import table
// -spec`): the fields of TableSpec and, optionally, "indicators" — the
// catalogue entries of indicators the table introduces (checked with
// atlas.Indicator.Validate). Unknown fields are refused (typos).
func ReadTableSpec(name string, data []byte) (TableSpec, []atlas.Indicator, error) {
	var f struct {
		TableSpec
		Indicators []atlas.Indicator `json:"indicators,omitempty"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return TableSpec{}, nil, fmt.Errorf("%s: %w", name, err)
	}
	seen := map[string]bool{}
	for i := range f.Indicators {
		if err := f.Indicators[i].Validate(); err != nil {
			return TableSpec{}, nil, fmt.Errorf("%s: indicators[%d]: %w", name, i, err)
		}
		if seen[f.Indicators[i].ID] {
			return TableSpec{}, nil, fmt.Errorf("%s: indicator %s listed twice", name, f.Indicators[i].ID)
		}
		seen[f.Indicators[i].ID] = true
	}
	return f.TableSpec, f.Indicators, nil
}

// validCrosswalkMethod reports whether m is sum, mean, sum:BASE or mean:BASE.
func validCrosswalkMethod(m string) bool {
	kind, base, _ := strings.Cut(m, ":")
	return (kind == "sum" || kind == "mean") && (base == "" || base == atlas.WeightPopulation || base == atlas.WeightArea)
}
