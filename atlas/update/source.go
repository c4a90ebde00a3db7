// Package update keeps the atlas's data current with their official
// sources: tables registered with the GENESIS table they come from
// (`standortatlas fetch genesis`, or a manifest table with a "genesis"
// member) are fetched again, imported through the one import path when
// their content changed, and every check is recorded per source and per
// indicator ("zuletzt geprüft") in the store's Meta settings, so every
// atlas instance over the same store shows it. One run at a time: in this
// process by a mutex, across instances by the store's atlas.Locker where
// it has one (PostGIS).
package update

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/genesis"
	"github.com/standortatlas/standortatlas/atlas/ingest"
)

// Source is a registered table: where to fetch it and how to import it.
// It holds no credentials.
type Source struct {
	// ID is the source id of its releases (the import option id).
	ID      string               `json:"id"`
	Genesis ingest.GenesisSource `json:"genesis"`
	// Options are the import options of the flat file ("ffcsv_sum=GES",
	// "map=total=protection_seekers", …; see ingest.SpecFromOptions).
	Options []string  `json:"options,omitempty"`
	AddedAt time.Time `json:"added_at,omitzero"`
}

// DefaultID is the source id of a table fetched without one:
// "genesis_12531_0043".
func DefaultID(table string) string {
	var b strings.Builder
	b.WriteString("genesis_")
	for _, r := range strings.ToLower(table) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return strings.TrimRight(b.String(), "_")
}

// FileName is the name the fetched flat file is imported under.
func (s Source) FileName() string { return s.Genesis.Table + "_flat.csv" }

// Resolve checks the source and returns the GENESIS installation and the
// table request it names.
func (s Source) Resolve() (genesis.Source, genesis.TableRequest, error) {
	g := s.Genesis
	src, err := genesis.LookupSource(g.Source)
	if err != nil {
		return genesis.Source{}, genesis.TableRequest{}, fmt.Errorf("source %s: %w", s.ID, err)
	}
	req := genesis.TableRequest{Name: g.Table, RegionalVariable: strings.TrimSpace(g.RegionalVariable), RegionalKey: strings.TrimSpace(g.RegionalKey), Compress: g.Compress}
	if req.RegionalVariable == "" && g.Level != "" {
		if req.RegionalVariable, err = genesis.RegionalVariable(g.Level); err != nil {
			return genesis.Source{}, genesis.TableRequest{}, fmt.Errorf("source %s: %w", s.ID, err)
		}
	}
	if req.StartYear, req.EndYear, err = genesis.ParseYears(g.Years); err != nil {
		return genesis.Source{}, genesis.TableRequest{}, fmt.Errorf("source %s: %w", s.ID, err)
	}
	for _, c := range g.Classifying {
		cl, err := genesis.ParseClassifying(c)
		if err != nil {
			return genesis.Source{}, genesis.TableRequest{}, fmt.Errorf("source %s: %w", s.ID, err)
		}
		req.Classifying = append(req.Classifying, cl)
	}
	if err := req.Validate(); err != nil {
		return genesis.Source{}, genesis.TableRequest{}, fmt.Errorf("source %s: %w", s.ID, err)
	}
	return src, req, nil
}

// Validate checks the source completely before it is registered: id,
// GENESIS request and import options.
func (s Source) Validate() error {
	if !atlas.ValidIndicatorID(s.ID) {
		return &atlas.ParamError{Param: "id", Value: s.ID, Reason: "lower-case letters, digits and underscores"}
	}
	if _, _, err := s.Resolve(); err != nil {
		return err
	}
	for _, o := range s.Options {
		if k, _, _ := strings.Cut(o, "="); k == "id" {
			return &atlas.ParamError{Param: "option", Value: o, Reason: "the source id is the import's id; give it as the source id"}
		}
	}
	if _, err := ingest.SpecFromOptions(ingest.FormatFFCSV, s.FileName(), s.importOptions()); err != nil {
		return fmt.Errorf("source %s: %w", s.ID, err)
	}
	return nil
}

// importOptions are the options of the import request: the source's
// options and its id.
func (s Source) importOptions() []string {
	return append(append([]string(nil), s.Options...), "id="+s.ID)
}

// FromManifest returns the sources named by a manifest's tables (those
// with a "genesis" member). Their import options are derived from the
// table spec; a spec with more than the flat-file import takes (per_capita,
// a crosswalk file, a catalogue file, …) is refused, so nothing of it is
// silently dropped.
func FromManifest(m *ingest.Manifest) ([]Source, error) {
	var out []Source
	for _, t := range m.Tables {
		if t.Genesis == nil {
			continue
		}
		opts, err := OptionsFromSpec(t)
		if err != nil {
			return nil, err
		}
		s := Source{ID: t.ID, Genesis: *t.Genesis, Options: opts}
		if err := s.Validate(); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// OptionsFromSpec returns the import options that express a manifest
// table's spec ("name=value", as ingest.SpecFromOptions reads them). It
// fails when the spec holds anything the options cannot say.
func OptionsFromSpec(t ingest.TableSpec) ([]string, error) {
	if f := strings.ToLower(t.Format); f != "" && f != ingest.FormatFFCSV {
		return nil, fmt.Errorf("table %s: format %q: a table fetched from GENESIS is a flat file (format ffcsv)", t.ID, t.Format)
	}
	var opts []string
	add := func(k, v string) { opts = append(opts, k+"="+v) }
	for _, col := range sortedKeys(t.Map) {
		add("map", col+"="+t.Map[col])
	}
	if t.OnlyMapped {
		add("only_mapped", "true")
	}
	if t.PeriodValue != 0 {
		add("period", fmt.Sprint(t.PeriodValue))
	}
	if f := t.FFCSV; f != nil {
		if len(f.Sum) > 0 {
			add("ffcsv_sum", strings.Join(f.Sum, ","))
		}
		if f.Split != "" {
			add("ffcsv_split", f.Split)
		}
		if len(f.Total) > 0 {
			add("ffcsv_total", strings.Join(f.Total, ","))
		}
		if len(f.Categories) > 0 {
			add("ffcsv_categories", strings.Join(f.Categories, ","))
		}
		for _, v := range sortedKeys(f.Filter) {
			add("ffcsv_filter", v+"="+f.Filter[v])
		}
	}
	if c := t.Crosswalk; c != nil {
		if c.File != "" || c.Year != 0 {
			return nil, fmt.Errorf("table %s: a crosswalk file cannot be applied to a fetched table yet; fetch a table of the current Gebietsstand or import the file", t.ID)
		}
		for _, m := range c.Merge {
			add("merge", m)
		}
		for _, id := range sortedKeys(c.Method) {
			add("crosswalk_method", id+"="+c.Method[id])
		}
	}
	// Everything the options say must give back the spec: what they cannot
	// say (per_capita, aggregate, derive, catalogue, columns …) is refused.
	back, err := ingest.SpecFromOptions(ingest.FormatFFCSV, t.Genesis.Table+"_flat.csv", append(append([]string(nil), opts...), "id="+t.ID))
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", t.ID, err)
	}
	want := t
	want.File, want.Genesis, want.Format, back.File, back.Format = "", nil, "", "", ""
	if !reflect.DeepEqual(normalized(want), normalized(back)) {
		return nil, fmt.Errorf("table %s: fields %s cannot be applied to a table fetched from GENESIS (the import path takes the flat-file options only: map, only_mapped, period, ffcsv, merge, crosswalk_method)", t.ID, strings.Join(lost(want, back), ", "))
	}
	return opts, nil
}

// normalized is a spec as JSON, so that nil and empty collections compare equal.
func normalized(t ingest.TableSpec) map[string]any {
	b, _ := json.Marshal(t)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// lost lists the JSON members of want that back does not reproduce.
func lost(want, back ingest.TableSpec) []string {
	w, b := normalized(want), normalized(back)
	var out []string
	for k, v := range w {
		if !reflect.DeepEqual(v, b[k]) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
