package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// option sets one "name=value" option on a spec; the error is the reason.
type option func(spec *TableSpec, v string) string

// options are the options of a format-aware import (CLI flags and API
// query parameters), with the form each wants.
var options = map[string]option{
	"map": func(s *TableSpec, v string) string {
		// "=ID" maps the total category of a flat file ("" = total).
		col, id, ok := strings.Cut(v, "=")
		if !ok || !atlas.ValidIndicatorID(strings.TrimSpace(id)) {
			return "want map=COLUMN=INDICATOR_ID (column number or header text; ffcsv: category code, empty for the total)"
		}
		if s.Map == nil {
			s.Map = map[string]string{}
		}
		s.Map[strings.TrimSpace(col)] = strings.TrimSpace(id)
		return ""
	},
	"only_mapped": func(s *TableSpec, v string) string {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "want true or false"
		}
		s.OnlyMapped = b
		return ""
	},
	"period":   yearOption(func(s *TableSpec) *int { return &s.PeriodValue }),
	"sheet":    func(s *TableSpec, v string) string { s.Sheet = v; return "" },
	"category": func(s *TableSpec, v string) string { s.Category = v; return "" },
	"id": func(s *TableSpec, v string) string {
		if !atlas.ValidIndicatorID(v) {
			return "lower-case letters, digits and underscores"
		}
		s.ID = v
		return ""
	},
	"crosswalk_year": yearOption(func(s *TableSpec) *int { return &crosswalkOf(s).Year }),
	"merge":          func(s *TableSpec, v string) string { crosswalkOf(s).Merge = append(crosswalkOf(s).Merge, v); return "" },
	"crosswalk_method": func(s *TableSpec, v string) string {
		id, m, ok := strings.Cut(v, "=")
		if !ok || !validCrosswalkMethod(m) {
			return "want crosswalk_method=INDICATOR=sum|mean|sum:area|mean:area"
		}
		cw := crosswalkOf(s)
		if cw.Method == nil {
			cw.Method = map[string]string{}
		}
		cw.Method[id] = m
		return ""
	},
	"ffcsv_sum":        func(s *TableSpec, v string) string { ffcsvOf(s).Sum = optionList(v); return "" },
	"ffcsv_split":      func(s *TableSpec, v string) string { ffcsvOf(s).Split = v; return "" },
	"ffcsv_total":      func(s *TableSpec, v string) string { ffcsvOf(s).Total = optionList(v); return "" },
	"ffcsv_categories": func(s *TableSpec, v string) string { ffcsvOf(s).Categories = optionList(v); return "" },
	"ffcsv_filter": func(s *TableSpec, v string) string {
		va, c, ok := strings.Cut(v, "=")
		if !ok {
			return "want ffcsv_filter=VARIABLE=CATEGORY"
		}
		ff := ffcsvOf(s)
		if ff.Filter == nil {
			ff.Filter = map[string]string{}
		}
		ff.Filter[va] = c
		return ""
	},
}

func yearOption(field func(*TableSpec) *int) option {
	return func(s *TableSpec, v string) string {
		y, _, ok := parsePeriod(v)
		if !ok {
			return "want a year"
		}
		*field(s) = y
		return ""
	}
}

func crosswalkOf(s *TableSpec) *CrosswalkSpec {
	if s.Crosswalk == nil {
		s.Crosswalk = &CrosswalkSpec{}
	}
	return s.Crosswalk
}

func ffcsvOf(s *TableSpec) *FFCSVSpec {
	if s.FFCSV == nil {
		s.FFCSV = &FFCSVSpec{}
	}
	return s.FFCSV
}

func optionList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// SpecFromOptions builds the table spec of a format-aware import from
// "name=value" options (CLI flags and API query parameters):
//
//	map=COLUMN=INDICATOR (repeatable; ffcsv: map==ID for the total)   only_mapped=true   period=YYYY
//	sheet=NAME   id=SOURCE_ID   category=LABEL
//	crosswalk_year=Y   merge=OLD=NEW (repeatable)   crosswalk_method=INDICATOR=sum|mean|sum:area|mean:area (repeatable)
//	ffcsv_sum=VAR,VAR   ffcsv_split=VAR   ffcsv_total=CAT,CAT   ffcsv_categories=CAT,CAT   ffcsv_filter=VAR=CAT (repeatable)
func SpecFromOptions(format, file string, opts []string) (TableSpec, error) {
	spec := TableSpec{Format: format, File: file}
	bad := func(opt, reason string) error { return &atlas.ParamError{Param: "option", Value: opt, Reason: reason} }
	for _, o := range opts {
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			return spec, bad(o, "want name=value")
		}
		set, ok := options[strings.TrimSpace(k)]
		if !ok {
			return spec, bad(o, "unknown option ("+strings.Join(sortedKeys(options), ", ")+")")
		}
		if reason := set(&spec, strings.TrimSpace(v)); reason != "" {
			return spec, bad(o, reason)
		}
	}
	if spec.ID == "" {
		spec.ID = sourceID(format, file)
	}
	if err := spec.Validate(); err != nil {
		return spec, &atlas.ParamError{Param: "option", Value: strings.Join(opts, " "), Reason: err.Error()}
	}
	return spec, nil
}

// sourceID derives a release's source id from the format and file name.
// Long names are never cut into a shared prefix: the id then ends in a
// hash of the whole name, so that two downloads of one table with
// different names keep different ids.
func sourceID(format, file string) string {
	base := slug(strings.TrimSuffix(baseName(file), path.Ext(baseName(file))))
	base = strings.TrimPrefix(base, format+"_")
	id := format + "_" + base
	if base == "" {
		id = format
	}
	if len(id) <= 64 {
		return id
	}
	h := sha256.Sum256([]byte(id))
	return strings.TrimRight(id[:55], "_") + "_" + hex.EncodeToString(h[:4])
}
