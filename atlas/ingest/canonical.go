package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/standortatlas/standortatlas/atlas"
)

// The canonical form of the data standard (datapackage.json,
// DATA-STANDARD.md): observations in long form
//
//	key,indicator,period,value,flag
//	09162,unemployment_rate,2019,3.5,
//	13001,unemployment_rate,2019,,zero
//
// (UTF-8, "," and decimal point; or the German-Excel dialect of the export:
// ";", decimal comma, BOM; leading "# " lines are comments), with the
// indicator catalogue in a separate file, or both in one JSON document
//
//	{"indicators": [{"id": …, "title": …, …}], "observations": [{"key": "09162", …}]}
//
// Every row is checked against the descriptor's Table Schema; indicators
// must be in the file's catalogue or in the atlas.

// canonicalDoc is the JSON form. Other top-level members (the export's
// "source", "licence", "attribution" …) are ignored.
type canonicalDoc struct {
	Indicators   []map[string]any `json:"indicators"`
	Observations []map[string]any `json:"observations"`
}

// jsonIgnored are catalogue members the atlas computes (GET
// /api/v1/indicators has them); they are ignored on import.
var jsonIgnored = map[string]bool{"years": true, "default_year": true}

func readCanonical(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: %w: the data standard requires UTF-8", name, atlas.ErrInvalidData)
	}
	cv, err := newSchemaValidator("indicators")
	if err != nil {
		return nil, err
	}
	ov, err := newSchemaValidator("observations")
	if err != nil {
		return nil, err
	}
	verr := &ValidationError{File: name}
	problem := func(file string, row int, column, reason string) {
		if len(verr.Problems) < MaxProblems {
			verr.Problems = append(verr.Problems, &CellError{File: file, Row: row, Column: column, Reason: reason})
		}
	}
	var catRows []cellRow
	var obsRows []cellRow
	catName := in.catalogueName
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		var doc canonicalDoc
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("%s: %w: %w", name, atlas.ErrInvalidData, err)
		}
		catName = name
		for i, o := range doc.Indicators {
			r, errs := jsonCells(o, cv)
			r.row = i + 1
			for _, e := range errs {
				problem(name, i+1, "indicators."+e[0], e[1])
			}
			catRows = append(catRows, r)
		}
		for i, o := range doc.Observations {
			r, errs := jsonCells(o, ov)
			r.row = i + 1
			for _, e := range errs {
				problem(name, i+1, e[0], e[1])
			}
			obsRows = append(obsRows, r)
		}
	} else {
		rows, header, dec, err := canonicalCSV(name, data)
		if err != nil {
			return nil, err
		}
		obsRows = rows
		if err := canonicalHeader("observations", header, name, problem); err != nil {
			return nil, err
		}
		if dec == "," {
			in.decimal = ","
		}
	}
	if len(in.catalogue) > 0 {
		cat := bytes.TrimPrefix(in.catalogue, []byte("\xef\xbb\xbf"))
		if t := bytes.TrimSpace(cat); len(t) > 0 && (t[0] == '[' || t[0] == '{') {
			var list []map[string]any
			dec := json.NewDecoder(bytes.NewReader(t))
			dec.UseNumber()
			if t[0] == '{' {
				var doc canonicalDoc
				if err := dec.Decode(&doc); err != nil {
					return nil, fmt.Errorf("%s: %w: %w", catName, atlas.ErrInvalidData, err)
				}
				list = doc.Indicators
			} else if err := dec.Decode(&list); err != nil {
				return nil, fmt.Errorf("%s: %w: %w", catName, atlas.ErrInvalidData, err)
			}
			for i, o := range list {
				r, errs := jsonCells(o, cv)
				r.row = i + 1
				for _, e := range errs {
					problem(catName, i+1, e[0], e[1])
				}
				catRows = append(catRows, r)
			}
		} else {
			rows, header, _, err := canonicalCSV(catName, cat)
			if err != nil {
				return nil, err
			}
			if err := canonicalHeader("indicators", header, catName, problem); err != nil {
				return nil, err
			}
			catRows = rows
		}
	}

	// The catalogue.
	catalogue := map[string]atlas.Indicator{}
	var entries []atlas.Indicator
	for _, r := range catRows {
		bad := cv.checkRow(r.cells, r.row)
		for _, b := range bad {
			problem(catName, r.row, b[0], b[1])
		}
		if len(bad) > 0 {
			continue
		}
		ind, err := indicatorFromCells(r.cells)
		if err != nil {
			problem(catName, r.row, "levels", err.Error())
			continue
		}
		if err := ind.Validate(); err != nil {
			problem(catName, r.row, "", err.Error())
			continue
		}
		catalogue[ind.ID] = ind
		entries = append(entries, ind)
	}

	// The observations.
	ov.decimal = in.decimal
	res := &TableResult{Catalogue: entries}
	for i, r := range obsRows {
		in.progress(i+1, len(obsRows))
		bad := ov.checkRow(r.cells, r.row)
		for _, b := range bad {
			problem(name, r.row, b[0], b[1])
		}
		if len(bad) > 0 {
			continue
		}
		o, col, reason := observationFromCells(r.cells, ov.decimal)
		if reason != "" {
			problem(name, r.row, col, reason)
			continue
		}
		ind, inFile := catalogue[o.Indicator]
		if !inFile {
			var ok bool
			if ind, ok = known[o.Indicator]; !ok {
				problem(name, r.row, "indicator", fmt.Sprintf("indicator %q is neither in the file's catalogue nor in the atlas", o.Indicator))
				continue
			}
		}
		if len(ind.Levels) > 0 && inFile && !containsLevel(ind.Levels, o.Level) {
			problem(name, r.row, "key", fmt.Sprintf("key %s is level %s, but the catalogue gives %s only the levels %v", o.Key, o.Level, o.Indicator, ind.Levels))
			continue
		}
		res.Observations = append(res.Observations, o)
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	if len(res.Observations) == 0 {
		return nil, fmt.Errorf("%s: %w: no observations", name, atlas.ErrInvalidData)
	}
	keys := map[string]bool{}
	for _, o := range res.Observations {
		keys[o.Key] = true
	}
	res.Rows = len(obsRows)
	res.Report = append(res.Report, fmt.Sprintf("%s: canonical form, %d observation(s) of %d region(s); %d catalogue entr(y/ies) in the file",
		path.Base(name), len(res.Observations), len(keys), len(entries)))
	for i := range res.Catalogue {
		res.Catalogue[i].Levels = nil // computed by the store
	}
	return res, nil
}

// cellRow is one row of a resource as field → text, with its row number
// (CSV line, or 1-based position in a JSON array).
type cellRow struct {
	row   int
	cells map[string]string
}

// canonicalCSV reads a canonical CSV: comment lines ("#") skipped, the
// German dialect (";" and decimal comma) recognised by its header.
func canonicalCSV(name string, data []byte) ([]cellRow, []string, string, error) {
	var kept [][]byte
	var lines []int
	for i, l := range bytes.SplitAfter(data, []byte("\n")) {
		if bytes.HasPrefix(bytes.TrimSpace(l), []byte("#")) {
			continue
		}
		kept = append(kept, l)
		lines = append(lines, i+1)
	}
	text := bytes.Join(kept, nil)
	first, _, _ := bytes.Cut(text, []byte("\n"))
	delim, dec := ',', "."
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		delim, dec = ';', ","
	}
	t, err := parseDelimited(name, text, delim)
	if err != nil {
		return nil, nil, "", fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
	}
	if len(t.cells) == 0 {
		return nil, nil, "", fmt.Errorf("%s: %w: empty file", name, atlas.ErrInvalidData)
	}
	header := t.cells[0]
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	var out []cellRow
	for i := 1; i < len(t.cells); i++ {
		rec := t.cells[i]
		if isBlank(rec) {
			continue
		}
		line := t.line[i]
		if line-1 < len(lines) {
			line = lines[line-1] // the line number in the file, comments counted
		}
		r := cellRow{row: line, cells: map[string]string{}}
		for j, h := range header {
			if j < len(rec) {
				r.cells[h] = rec[j]
			}
		}
		if len(rec) > len(header) {
			r.cells["\x00extra"] = strconv.Itoa(len(rec) - len(header))
		}
		out = append(out, r)
	}
	return out, header, string(dec), nil
}

func canonicalHeader(resource string, header []string, name string, problem func(string, int, string, string)) error {
	v, err := newSchemaValidator(resource)
	if err != nil {
		return err
	}
	bad := v.checkHeader(header)
	for _, b := range bad {
		problem(name, 1, "", b)
	}
	if len(bad) > 0 {
		return &ValidationError{File: name, Problems: []error{&CellError{File: name, Row: 1, Reason: strings.Join(bad, "; ")}}}
	}
	return nil
}

// jsonCells turns a JSON object into field → text, reporting members of
// the wrong JSON type (a key must be a string: leading zeros).
func jsonCells(o map[string]any, v *schemaValidator) (cellRow, [][2]string) {
	r := cellRow{cells: map[string]string{}}
	var errs [][2]string
	for k, val := range o {
		if _, catalogue := v.index["direction"]; catalogue && jsonIgnored[k] {
			continue
		}
		if _, ok := v.index[k]; !ok {
			errs = append(errs, [2]string{k, fmt.Sprintf("member %q is not part of the standard (fields: %s)", k, strings.Join(v.fieldNames(), ", "))})
			continue
		}
		switch x := val.(type) {
		case nil:
			r.cells[k] = ""
		case string:
			if k == "period" || k == "value" || k == "decimals" {
				errs = append(errs, [2]string{k, fmt.Sprintf("must be a JSON number, not the string %q", x)})
				continue
			}
			r.cells[k] = x
		case json.Number:
			if k == "key" {
				errs = append(errs, [2]string{k, fmt.Sprintf("must be a string (keys keep their leading zeros), not the number %s", x)})
				continue
			}
			r.cells[k] = x.String()
		case []any:
			var parts []string
			for _, it := range x {
				parts = append(parts, fmt.Sprint(it))
			}
			r.cells[k] = strings.Join(parts, ",")
		default:
			errs = append(errs, [2]string{k, fmt.Sprintf("unexpected JSON %T", val)})
		}
	}
	return r, errs
}

// indicatorFromCells builds a catalogue entry from validated cells.
func indicatorFromCells(c map[string]string) (atlas.Indicator, error) {
	dec := 0
	if s := strings.TrimSpace(c["decimals"]); s != "" {
		dec, _ = strconv.Atoi(s)
	}
	ind := atlas.Indicator{
		ID: strings.TrimSpace(c["id"]), Title: strings.TrimSpace(c["title"]), TitleEN: c["title_en"], Definition: c["definition"], DefinitionEN: c["definition_en"],
		Unit: strings.TrimSpace(c["unit"]), Decimals: dec, Topic: strings.TrimSpace(c["topic"]), TopicTitle: c["topic_title"],
		Direction: atlas.Direction(strings.TrimSpace(c["direction"])), Source: c["source"], Publisher: c["publisher"], TableID: c["table_id"],
		Licence: strings.TrimSpace(c["licence"]), LicenceURL: strings.TrimSpace(c["licence_url"]), Attribution: c["attribution"],
		ReferenceDate: c["reference_date"], Gebietsstand: c["gebietsstand"], PopulationBase: c["population_base"], Notes: c["notes"],
		Aggregation: strings.TrimSpace(c["aggregation"]), Measure: strings.TrimSpace(c["measure"]), Weight: strings.TrimSpace(c["weight"]),
	}
	if ind.TopicTitle == "" {
		ind.TopicTitle = ind.Topic
	}
	if s := strings.TrimSpace(c["levels"]); s != "" {
		for _, p := range strings.Split(s, ",") {
			l, err := atlas.ParseLevel(p)
			if err != nil {
				return ind, fmt.Errorf("levels: %q is not land, kreis, vwg or gemeinde", strings.TrimSpace(p))
			}
			ind.Levels = append(ind.Levels, l)
		}
	}
	return ind, nil
}

// observationFromCells builds an observation from validated cells, checking
// what the Table Schema cannot: key and level agree, and value and flag fit.
func observationFromCells(c map[string]string, decimal string) (atlas.Observation, string, string) {
	if n := c["\x00extra"]; n != "" {
		return atlas.Observation{}, "", "row has " + n + " more cell(s) than the header"
	}
	key := strings.TrimSpace(c["key"])
	level, _ := atlas.LevelOfKey(key)
	if s := strings.TrimSpace(c["level"]); s != "" {
		l, _ := atlas.ParseLevel(s)
		if l != level {
			return atlas.Observation{}, "level", fmt.Sprintf("level %s does not fit the %d-digit key %s", s, len(key), key)
		}
	}
	period, _ := strconv.Atoi(strings.TrimSpace(c["period"]))
	o := atlas.Observation{Indicator: strings.TrimSpace(c["indicator"]), Level: level, Key: key, Period: period, Value: math.NaN(),
		Flag: atlas.Flag(strings.TrimSpace(c["flag"]))}
	if s := strings.TrimSpace(c["value"]); s != "" {
		if decimal == "" {
			decimal = "."
		}
		v, err := parseNumber(s, decimal)
		if err != nil {
			return o, "value", fmt.Sprintf("%q is not a number", s)
		}
		o.Value = v
		if !o.Flag.HasValue() {
			return o, "flag", fmt.Sprintf("flag %q means there is no number, but the value is %s", o.Flag, s)
		}
	} else if o.Flag == atlas.FlagNone {
		return o, "value", "value missing: give a number, or a flag (zero, secret, not_available, not_meaningful, unreliable, missing)"
	} else if o.Flag == atlas.FlagEstimated {
		return o, "value", "flag estimated needs a value"
	}
	return o, "", ""
}

// sortedIndicatorIDs lists the ids of inds, sorted.
func sortedIndicatorIDs(inds []atlas.Indicator) []string {
	var out []string
	for _, i := range inds {
		out = append(out, i.ID)
	}
	sort.Strings(out)
	return out
}
