package ingest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"github.com/standortatlas/standortatlas/atlas"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// standardDescriptor is the machine-readable data standard: a Frictionless
// Tabular Data Package descriptor whose Table Schemas the canonical reader
// validates against (DATA-STANDARD.md explains it).
//
//go:embed datapackage.json
var standardDescriptor []byte

// StandardDescriptor returns the data standard's descriptor (JSON).
func StandardDescriptor() []byte { return append([]byte(nil), standardDescriptor...) }

// tableSchema is the subset of Frictionless Table Schema the validator
// implements: field types string, integer, number (decimalChar), list
// (delimiter); constraints required, unique, pattern, enum, minimum,
// maximum, maxLength; format uri; primaryKey; missingValues.
type tableSchema struct {
	Fields []struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Format      string `json:"format"`
		DecimalChar string `json:"decimalChar"`
		Delimiter   string `json:"delimiter"`
		Constraints struct {
			Required  bool     `json:"required"`
			Unique    bool     `json:"unique"`
			Pattern   string   `json:"pattern"`
			Enum      []string `json:"enum"`
			Minimum   *float64 `json:"minimum"`
			Maximum   *float64 `json:"maximum"`
			MaxLength *int     `json:"maxLength"`
		} `json:"constraints"`
	} `json:"fields"`
	PrimaryKey    []string `json:"primaryKey"`
	MissingValues []string `json:"missingValues"`
}

// schemaValidator checks rows of one resource.
type schemaValidator struct {
	schema   tableSchema
	patterns []*regexp.Regexp
	index    map[string]int
	decimal  string // overrides the number fields' decimalChar ("," for the German dialect)
	seenPK   map[string]int
	seenUniq map[string]map[string]int
}

// newSchemaValidator loads the named resource's schema from the descriptor.
func newSchemaValidator(resource string) (*schemaValidator, error) {
	var pkg struct {
		Resources []struct {
			Name   string      `json:"name"`
			Schema tableSchema `json:"schema"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(standardDescriptor, &pkg); err != nil {
		return nil, fmt.Errorf("data standard descriptor: %w", err)
	}
	for _, r := range pkg.Resources {
		if r.Name != resource {
			continue
		}
		v := &schemaValidator{schema: r.Schema, index: map[string]int{}, seenPK: map[string]int{}, seenUniq: map[string]map[string]int{}}
		for i, f := range r.Schema.Fields {
			v.index[f.Name] = i
			var re *regexp.Regexp
			if f.Constraints.Pattern != "" {
				var err error
				if re, err = regexp.Compile(f.Constraints.Pattern); err != nil {
					return nil, fmt.Errorf("data standard: field %s: %w", f.Name, err)
				}
			}
			v.patterns = append(v.patterns, re)
		}
		return v, nil
	}
	return nil, fmt.Errorf("data standard: no resource %q", resource)
}

// fieldNames lists the schema's fields.
func (v *schemaValidator) fieldNames() []string {
	var out []string
	for _, f := range v.schema.Fields {
		out = append(out, f.Name)
	}
	return out
}

// checkHeader reports unknown columns and missing required ones.
func (v *schemaValidator) checkHeader(header []string) []string {
	var problems []string
	have := map[string]bool{}
	unknown, twice := 0, 0
	for _, h := range header {
		h = strings.TrimSpace(h)
		if _, ok := v.index[h]; !ok {
			if unknown++; unknown == 1 {
				problems = append(problems, fmt.Sprintf("column %q is not part of the standard (fields: %s)", atlas.Shorten(h, 80), strings.Join(v.fieldNames(), ", ")))
			}
		}
		if have[h] {
			if twice++; twice == 1 {
				problems = append(problems, fmt.Sprintf("column %q appears twice", atlas.Shorten(h, 80)))
			}
		}
		have[h] = true
	}
	if unknown > 1 {
		problems = append(problems, fmt.Sprintf("%d more columns are not part of the standard", unknown-1))
	}
	if twice > 1 {
		problems = append(problems, fmt.Sprintf("%d more columns appear twice", twice-1))
	}
	for _, f := range v.schema.Fields {
		if f.Constraints.Required && !have[f.Name] {
			problems = append(problems, fmt.Sprintf("required column %q missing", f.Name))
		}
	}
	return problems
}

// missing reports whether s is one of the schema's missing values.
func (v *schemaValidator) missing(s string) bool {
	for _, m := range v.schema.MissingValues {
		if s == m {
			return true
		}
	}
	return false
}

// checkRow validates one row (field name → cell text) and returns the
// problems as field → reason. row is the row's number for uniqueness reports.
func (v *schemaValidator) checkRow(cells map[string]string, row int) [][2]string {
	var out [][2]string
	bad := func(field, format string, args ...any) {
		out = append(out, [2]string{field, fmt.Sprintf(format, args...)})
	}
	for i, f := range v.schema.Fields {
		s, present := cells[f.Name]
		s = strings.TrimSpace(s)
		if !present || v.missing(s) {
			if f.Constraints.Required {
				bad(f.Name, "required value missing")
			}
			continue
		}
		c := f.Constraints
		switch f.Type {
		case "integer":
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				bad(f.Name, "%q is not an integer", s)
				continue
			}
			if (c.Minimum != nil && float64(n) < *c.Minimum) || (c.Maximum != nil && float64(n) > *c.Maximum) {
				bad(f.Name, "%d is outside %s", n, rangeText(c.Minimum, c.Maximum))
			}
		case "number":
			dec := f.DecimalChar
			if v.decimal != "" {
				dec = v.decimal
			}
			x, err := parseNumber(s, dec)
			if err != nil {
				bad(f.Name, "%q is not a number with decimal mark %q", s, dec)
				continue
			}
			if (c.Minimum != nil && x < *c.Minimum) || (c.Maximum != nil && x > *c.Maximum) {
				bad(f.Name, "%v is outside %s", x, rangeText(c.Minimum, c.Maximum))
			}
		case "list":
			// items are checked by the reader
		}
		if c.Pattern != "" && !v.patterns[i].MatchString(s) {
			bad(f.Name, "%q does not match %s", s, c.Pattern)
		}
		if len(c.Enum) > 0 && !contains(c.Enum, s) {
			bad(f.Name, "%q is not one of %s", s, strings.Join(nonEmpty(c.Enum), ", "))
		}
		if c.MaxLength != nil && len([]rune(s)) > *c.MaxLength {
			bad(f.Name, "longer than %d characters", *c.MaxLength)
		}
		if f.Format == "uri" {
			if u, err := url.Parse(s); err != nil || u.Scheme == "" || u.Host == "" {
				bad(f.Name, "%q is not an absolute URL", s)
			}
		}
		if c.Unique {
			seen := v.seenUniq[f.Name]
			if seen == nil {
				seen = map[string]int{}
				v.seenUniq[f.Name] = seen
			}
			if prev, dup := seen[s]; dup {
				bad(f.Name, "%q appears twice (first in row %d)", s, prev)
			} else {
				seen[s] = row
			}
		}
	}
	if len(v.schema.PrimaryKey) > 1 {
		var parts []string
		for _, k := range v.schema.PrimaryKey {
			parts = append(parts, strings.TrimSpace(cells[k]))
		}
		pk := strings.Join(parts, "|")
		if prev, dup := v.seenPK[pk]; dup {
			bad(v.schema.PrimaryKey[0], "duplicate row for %s %s (first in row %d)", strings.Join(v.schema.PrimaryKey, ", "), strings.Join(parts, " "), prev)
		} else {
			v.seenPK[pk] = row
		}
	}
	return out
}

// parseNumber reads a canonical number: digits with the given decimal mark,
// optional sign and exponent; no thousands separators.
func parseNumber(s, decimal string) (float64, error) {
	if decimal == "," {
		if strings.Contains(s, ".") {
			return 0, fmt.Errorf("decimal point in a decimal-comma file")
		}
		s = strings.Replace(s, ",", ".", 1)
	} else if strings.Contains(s, ",") {
		return 0, fmt.Errorf("comma in a decimal-point file")
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, fmt.Errorf("not a finite number")
	}
	return x, nil
}

func rangeText(lo, hi *float64) string {
	switch {
	case lo != nil && hi != nil:
		return fmt.Sprintf("%v…%v", *lo, *hi)
	case lo != nil:
		return fmt.Sprintf("≥ %v", *lo)
	case hi != nil:
		return fmt.Sprintf("≤ %v", *hi)
	}
	return "the allowed range"
}

func nonEmpty(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x == "" {
			out = append(out, `""`)
			continue
		}
		out = append(out, x)
	}
	return out
}
