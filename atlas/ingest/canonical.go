package ingest

import (
	"bytes"
	"context"
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

// canonicalRead is the state of reading one file of the data standard.
type canonicalRead struct {
	ctx              context.Context
	name, catName    string
	cv, ov           *schemaValidator
	verr             *ValidationError
	catRows, obsRows []cellRow
	decimal          string
}

func (c *canonicalRead) problem(file string, row int, column, reason string) {
	c.verr.add(&CellError{File: file, Row: row, Column: column, Reason: reason})
}

func readCanonical(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := requireUTF8(name, data); err != nil {
		return nil, err
	}
	c := &canonicalRead{ctx: in.context(), name: name, catName: in.catalogueName, verr: &ValidationError{File: name}, decimal: in.decimal}
	var err error
	if c.cv, err = newSchemaValidator("indicators"); err != nil {
		return nil, err
	}
	if c.ov, err = newSchemaValidator("observations"); err != nil {
		return nil, err
	}
	if err := c.readData(data); err != nil {
		return nil, err
	}
	if len(in.catalogue) > 0 {
		if err := c.readCatalogue(bytes.TrimPrefix(in.catalogue, []byte("\xef\xbb\xbf"))); err != nil {
			return nil, err
		}
	}
	catalogue, entries := c.catalogue()
	res := &TableResult{Catalogue: entries}
	c.observations(res, catalogue, known, in)
	if len(c.verr.Problems) > 0 {
		return nil, c.verr
	}
	if len(res.Observations) == 0 {
		return nil, fmt.Errorf("%s: %w: no observations", name, atlas.ErrInvalidData)
	}
	keys := map[string]bool{}
	for _, o := range res.Observations {
		keys[o.Key] = true
	}
	res.Rows = len(c.obsRows)
	res.Report = append(res.Report, fmt.Sprintf("%s: canonical form, %d observation(s) of %d region(s); %d catalogue entr(y/ies) in the file",
		path.Base(name), len(res.Observations), len(keys), len(entries)))
	for i := range res.Catalogue {
		res.Catalogue[i].Levels = nil // computed by the store
	}
	return res, nil
}

// requireUTF8 refuses a file of the data standard (data or catalogue)
// that is not UTF-8, naming the row and column of the first bad byte
// (a Latin-1 file would otherwise be stored with replacement characters).
func requireUTF8(name string, data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	line, col, b := firstInvalidUTF8(data)
	return invalidf("%v", &CellError{File: name, Row: line, Column: columnAt(data, line, col),
		Reason: fmt.Sprintf("byte 0x%02x is not UTF-8: the data standard requires UTF-8; save the file as UTF-8", b)})
}

// readData reads the file: a JSON document with indicators and
// observations, or the observations as CSV.
func (c *canonicalRead) readData(data []byte) error {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		var doc canonicalDoc
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return fmt.Errorf("%s: %w: %s", c.name, atlas.ErrInvalidData, atlas.JSONProblem(err))
		}
		c.catName = c.name
		c.catRows = c.jsonRows(doc.Indicators, c.cv, c.name, "indicators.")
		c.obsRows = c.jsonRows(doc.Observations, c.ov, c.name, "")
		return nil
	}
	rows, header, dec, err := canonicalCSV(c.ctx, c.name, data)
	if err != nil {
		return err
	}
	c.obsRows = rows
	if err := canonicalHeader("observations", header, c.name, c.problem); err != nil {
		return err
	}
	if dec == "," {
		c.decimal = ","
	}
	return nil
}

func (c *canonicalRead) jsonRows(list []map[string]any, v *schemaValidator, file, prefix string) []cellRow {
	var out []cellRow
	for i, o := range list {
		r, errs := jsonCells(o, v)
		r.row = i + 1
		for _, e := range errs {
			c.problem(file, i+1, prefix+e[0], e[1])
		}
		out = append(out, r)
	}
	return out
}

// readCatalogue reads a catalogue given with the data: a JSON array or
// document, or CSV.
func (c *canonicalRead) readCatalogue(cat []byte) error {
	if err := requireUTF8(c.catName, cat); err != nil {
		return err
	}
	t := bytes.TrimSpace(cat)
	if len(t) == 0 || (t[0] != '[' && t[0] != '{') {
		rows, header, _, err := canonicalCSV(c.ctx, c.catName, cat)
		if err != nil {
			return err
		}
		if err := canonicalHeader("indicators", header, c.catName, c.problem); err != nil {
			return err
		}
		c.catRows = rows
		return nil
	}
	var list []map[string]any
	dec := json.NewDecoder(bytes.NewReader(t))
	dec.UseNumber()
	if t[0] == '{' {
		var doc canonicalDoc
		if err := dec.Decode(&doc); err != nil {
			return fmt.Errorf("%s: %w: %s", c.catName, atlas.ErrInvalidData, atlas.JSONProblem(err))
		}
		list = doc.Indicators
	} else if err := dec.Decode(&list); err != nil {
		return fmt.Errorf("%s: %w: %s", c.catName, atlas.ErrInvalidData, atlas.JSONProblem(err))
	}
	c.catRows = append(c.catRows, c.jsonRows(list, c.cv, c.catName, "")...)
	return nil
}

// catalogue checks the catalogue rows.
func (c *canonicalRead) catalogue() (map[string]atlas.Indicator, []atlas.Indicator) {
	catalogue := map[string]atlas.Indicator{}
	var entries []atlas.Indicator
	for _, r := range c.catRows {
		bad := c.cv.checkRow(r.cells, r.row)
		for _, b := range bad {
			c.problem(c.catName, r.row, b[0], b[1])
		}
		if len(bad) > 0 {
			continue
		}
		ind, err := indicatorFromCells(r.cells)
		if err != nil {
			c.problem(c.catName, r.row, "levels", err.Error())
			continue
		}
		if err := ind.Validate(); err != nil {
			c.problem(c.catName, r.row, "", err.Error())
			continue
		}
		catalogue[ind.ID] = ind
		entries = append(entries, ind)
	}
	return catalogue, entries
}

// observations checks the observation rows against the schema and the
// catalogues (the file's, then the atlas's).
func (c *canonicalRead) observations(res *TableResult, catalogue, known map[string]atlas.Indicator, in formatInputs) {
	c.ov.decimal = c.decimal
	for i, r := range c.obsRows {
		in.progress(i+1, len(c.obsRows))
		bad := c.ov.checkRow(r.cells, r.row)
		for _, b := range bad {
			c.problem(c.name, r.row, b[0], b[1])
		}
		if len(bad) > 0 {
			continue
		}
		o, col, reason := observationFromCells(r.cells, c.ov.decimal)
		if reason != "" {
			c.problem(c.name, r.row, col, reason)
			continue
		}
		ind, inFile := catalogue[o.Indicator]
		if !inFile {
			var ok bool
			if ind, ok = known[o.Indicator]; !ok {
				c.problem(c.name, r.row, "indicator", fmt.Sprintf("indicator %q is neither in the file's catalogue nor in the atlas", o.Indicator))
				continue
			}
		}
		if len(ind.Levels) > 0 && inFile && !containsLevel(ind.Levels, o.Level) {
			c.problem(c.name, r.row, "key", fmt.Sprintf("key %s is level %s, but the catalogue gives %s only the levels %v", o.Key, o.Level, o.Indicator, ind.Levels))
			continue
		}
		res.Observations = append(res.Observations, o)
	}
}

// cellRow is one row of a resource as field → text, with its row number
// (CSV line, or 1-based position in a JSON array).
type cellRow struct {
	row   int
	cells map[string]string
}

// canonicalCSV reads a canonical CSV: comment lines ("#") skipped, the
// German dialect (";" and decimal comma) recognised by its header.
func canonicalCSV(ctx context.Context, name string, data []byte) ([]cellRow, []string, string, error) {
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
	t, err := parseDelimited(ctx, name, text, delim)
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
		ReferenceDate: c["reference_date"], Gebietsstand: c["gebietsstand"], PopulationBase: c["population_base"], Notes: c["notes"], Domain: strings.TrimSpace(c["domain"]),
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
