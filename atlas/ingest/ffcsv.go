package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

// The GENESIS web service's flat CSV ("ffcsv"), also as the zip the
// service returns: UTF-8 with BOM, ";", one value per row,
//
//	statistics_code;statistics_label;time_code;time_label;time;
//	1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;
//	2_variable_code;…;value;value_unit;value_variable_code;value_variable_label
//
// One variable is regional (KREISE, DLAND, GEMEIN …). Every other variable
// must be declared (FFCSVSpec): summed over (flat categories such as sex or
// citizenship), split into indicators, or filtered to one category. A
// variable with an "Insgesamt" category is filtered to it without a
// declaration. Categories can be hierarchical (a protection status
// "Anerkannter Schutzstatus" contains "Befristet anerkannter
// Schutzstatus" …): the total is the sum of the declared top-level
// categories only, never of all rows.

var (
	regionalVariables = map[string]bool{"DINSG": true, "DLAND": true, "REGBEZ": true, "KREISE": true, "GEMEIN": true, "GEMVB": true, "GEMVBZ": true}
	ffTableID         = regexp.MustCompile(`\d{5}-\d{4}|\d{5}-\d{2}-\d{2}-\d`)
)

type ffDim struct {
	code, label string
	cats        map[string]string // category code → label
	catOrder    []string
	rows        map[string]int // rows per category
}

func readFFCSV(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	inner, retrieved := name, time.Time{}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		var err error
		if data, inner, retrieved, err = unzipSingleCSV(name, data); err != nil {
			return nil, err
		}
	}
	text, _, err := decodeAuto(data)
	if err != nil {
		return nil, fmt.Errorf("%s: decode: %w", name, err)
	}
	t, err := parseDelimited(name, text, ';')
	if err != nil {
		return nil, fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
	}
	if len(t.cells) < 2 {
		return nil, fmt.Errorf("%s: %w: no data rows", name, atlas.ErrInvalidData)
	}
	col := map[string]int{}
	for j, h := range t.cells[0] {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = j
	}
	for _, need := range []string{"statistics_code", "time", "value", "value_unit", "value_variable_code", "value_variable_label", "1_variable_code"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: %w: not a GENESIS flat file: column %q missing", name, atlas.ErrInvalidData, need)
		}
	}
	var dimCols [][4]int // code, label, attribute code, attribute label
	for n := 1; ; n++ {
		p := strconv.Itoa(n) + "_variable_"
		c, ok := col[p+"code"]
		if !ok {
			break
		}
		dimCols = append(dimCols, [4]int{c, col[p+"label"], col[p+"attribute_code"], col[p+"attribute_label"]})
	}
	spec.FFCSV = orEmptyFF(spec.FFCSV)
	ff := spec.FFCSV

	// First pass: the variables and their categories; which one is regional.
	dims := make([]*ffDim, len(dimCols))
	for i := range dims {
		dims[i] = &ffDim{cats: map[string]string{}, rows: map[string]int{}}
	}
	regional := -1
	for ri := 1; ri < len(t.cells); ri++ {
		rec := t.cells[ri]
		for i, dc := range dimCols {
			d := dims[i]
			if d.code == "" {
				d.code, d.label = cellAt(rec, dc[0]), cellAt(rec, dc[1])
			}
			a := cellAt(rec, dc[2])
			if _, ok := d.cats[a]; !ok {
				d.cats[a] = cellAt(rec, dc[3])
				d.catOrder = append(d.catOrder, a)
			}
			d.rows[a]++
		}
	}
	for i, d := range dims {
		if regionalVariables[d.code] {
			regional = i
			break
		}
	}
	if regional < 0 {
		return nil, fmt.Errorf("%s: %w: no regional variable (one of KREISE, DLAND, GEMEIN …) among %s", name, atlas.ErrInvalidData, dimCodes(dims))
	}
	// Roles of the other variables.
	role := map[int]string{} // "sum", "split", "filter"
	filterCat := map[int]string{}
	var undeclared []string
	for i, d := range dims {
		if i == regional {
			continue
		}
		switch {
		case contains(ff.Sum, d.code):
			role[i] = "sum"
		case ff.Split == d.code:
			role[i] = "split"
		case ff.Filter[d.code] != "":
			role[i], filterCat[i] = "filter", ff.Filter[d.code]
			if _, ok := d.cats[filterCat[i]]; !ok {
				return nil, fmt.Errorf("%s: %w: filter %s=%s: no such category (%s)", name, atlas.ErrInvalidData, d.code, filterCat[i], catList(d))
			}
		default:
			if c := insgesamt(d); c != "" {
				role[i], filterCat[i] = "filter", c
				continue
			}
			undeclared = append(undeclared, fmt.Sprintf("%s (%s: %s)", d.code, d.label, catList(d)))
		}
	}
	if len(undeclared) > 0 {
		return nil, fmt.Errorf("%s: %w: declare how to combine the variable(s) %s — sum over flat categories, split one variable into indicators with its top-level categories as the total, or filter one category (ffcsv sum/split/total/filter)",
			name, atlas.ErrInvalidData, strings.Join(undeclared, "; "))
	}
	split := -1
	for i, r := range role {
		if r == "split" {
			split = i
		}
	}
	if ff.Split != "" && split < 0 {
		return nil, fmt.Errorf("%s: %w: split variable %s is not in the file (%s)", name, atlas.ErrInvalidData, ff.Split, dimCodes(dims))
	}
	for _, s := range ff.Sum {
		if !hasDim(dims, s) {
			return nil, fmt.Errorf("%s: %w: sum variable %s is not in the file (%s)", name, atlas.ErrInvalidData, s, dimCodes(dims))
		}
	}
	wanted := map[string]bool{} // split categories imported as indicators
	if split >= 0 {
		if len(ff.Total) == 0 {
			return nil, fmt.Errorf("%s: %w: split %s needs the top-level categories whose sum is the total (%s)", name, atlas.ErrInvalidData, ff.Split, catList(dims[split]))
		}
		for _, c := range append(append([]string{}, ff.Total...), ff.Categories...) {
			if _, ok := dims[split].cats[c]; !ok {
				return nil, fmt.Errorf("%s: %w: %s has no category %s (%s)", name, atlas.ErrInvalidData, ff.Split, c, catList(dims[split]))
			}
			wanted[c] = true
		}
	}

	// Indicators.
	tableID := ffTableID.FindString(inner)
	if tableID == "" {
		tableID = ffTableID.FindString(name)
	}
	if tableID == "" {
		tableID = cellAt(t.cells[1], col["statistics_code"])
	}
	statLabel := cellAt(t.cells[1], col["statistics_label"])
	measures := map[string]string{}
	units := map[string]string{}
	for ri := 1; ri < len(t.cells); ri++ {
		rec := t.cells[ri]
		m := cellAt(rec, col["value_variable_code"])
		if _, ok := measures[m]; !ok {
			measures[m] = cellAt(rec, col["value_variable_label"])
			units[m] = cellAt(rec, col["value_unit"])
		}
	}
	single := len(measures) == 1
	mapper := newColumnMapper(spec, known)
	ids := map[string]string{} // measure + "/" + category ("" = total) → indicator
	var proposed []atlas.Indicator
	var summed []string
	for i, r := range role {
		if r == "sum" {
			summed = append(summed, dims[i].label+" ("+dims[i].code+")")
		}
	}
	sort.Strings(summed)
	var filtered []string
	for i, c := range filterCat {
		filtered = append(filtered, dims[i].label+" = "+dims[i].cats[c])
	}
	sort.Strings(filtered)
	for _, m := range sortedKeys(measures) {
		cats := []string{""}
		if split >= 0 {
			for _, c := range dims[split].catOrder {
				if wanted[c] {
					cats = append(cats, c)
				}
			}
		}
		for _, c := range cats {
			names := []string{m + "/" + c}
			if c == "" {
				names = append(names, m)
			}
			if single {
				if c == "" {
					names = append(names, "", "total")
				} else {
					names = append(names, c)
				}
			}
			id, err := mapper.lookup(-1, names...)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if id == "" && !spec.OnlyMapped {
				id = makeID("ffcsv", tableID, m)
				if c != "" {
					id = makeID(id, c)
				}
				proposed = append(proposed, ffIndicator(id, tableID, statLabel, measures[m], units[m], c, dims, split, ff, summed, filtered, retrieved))
			}
			ids[m+"/"+c] = id
		}
	}
	if err := mapper.unused(name); err != nil {
		return nil, err
	}

	// Second pass: sums per indicator, key and period.
	type acc struct {
		sum   float64
		flag  atlas.Flag
		level atlas.Level
		line  int
	}
	type cell struct {
		ind, key string
		period   int
	}
	sums := map[cell]*acc{}
	var order []cell
	var regionKeys []string
	regionKeys = append(regionKeys, dims[regional].catOrder...)
	filter := newKeyFilter(regionKeys)
	verr := &ValidationError{File: name}
	problem := func(line int, column, reason string) {
		if len(verr.Problems) < MaxProblems {
			verr.Problems = append(verr.Problems, &CellError{File: name, Row: line, Column: column, Reason: reason})
		}
	}
	refDate, ignored, multiple5, valued := "", 0, true, 0
	rows := 0
	keptKeys := map[string]bool{}
	for ri := 1; ri < len(t.cells); ri++ {
		in.progress(ri, len(t.cells)-1)
		rec, line := t.cells[ri], t.line[ri]
		if isBlank(rec) {
			continue
		}
		skip := false
		for i, c := range filterCat {
			if cellAt(rec, dimCols[i][2]) != c {
				skip = true
			}
		}
		if skip {
			continue
		}
		cat := ""
		if split >= 0 {
			cat = cellAt(rec, dimCols[split][2])
			if !wanted[cat] {
				ignored++
				continue
			}
		}
		period, dm, ok := parsePeriod(cellAt(rec, col["time"]))
		if !ok {
			problem(line, "time", fmt.Sprintf("%q is not a year or date", cellAt(rec, col["time"])))
			continue
		}
		if refDate == "" {
			refDate = dm
		}
		rawKey := cellAt(rec, dimCols[regional][2])
		if !isKeyCell(rawKey) {
			problem(line, strconv.Itoa(regional+1)+"_variable_attribute_code", fmt.Sprintf("%q is not a regional key", rawKey))
			continue
		}
		level, key, ok := filter.keep(rawKey, cellAt(rec, dimCols[regional][3]))
		if !ok {
			continue
		}
		raw := cellAt(rec, col["value"])
		v, flag, err := ParseValue(raw, ",")
		if err != nil {
			problem(line, "value", err.Error())
			continue
		}
		rows++
		keptKeys[key] = true
		if !math.IsNaN(v) {
			valued++
			if math.Mod(v, 5) != 0 {
				multiple5 = false
			}
		}
		m := cellAt(rec, col["value_variable_code"])
		targets := []string{ids[m+"/"+cat]}
		if split >= 0 && contains(ff.Total, cat) {
			targets = append(targets, ids[m+"/"])
		}
		for _, ind := range targets {
			if ind == "" {
				continue
			}
			k := cell{ind, key, period}
			a := sums[k]
			if a == nil {
				a = &acc{level: level, line: line}
				sums[k] = a
				order = append(order, k)
			}
			switch {
			case !math.IsNaN(v):
				a.sum += v
			case a.flag == atlas.FlagNone || a.flag == atlas.FlagZero:
				a.flag = flag
			}
		}
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	if rows == 0 {
		return nil, fmt.Errorf("%s: %w: no rows of Länder, Kreise or Gemeinden", name, atlas.ErrInvalidData)
	}
	res := &TableResult{Rows: len(keptKeys), Indicators: proposed}
	for _, k := range order {
		a := sums[k]
		o := atlas.Observation{Indicator: k.ind, Level: a.level, Key: k.key, Period: k.period, Value: a.sum}
		if a.flag != atlas.FlagNone && a.flag != atlas.FlagZero {
			o.Value, o.Flag = math.NaN(), a.flag
		}
		res.Observations = append(res.Observations, o)
	}
	for i := range res.Indicators {
		res.Indicators[i].ReferenceDate = refDate
		if multiple5 && valued > 0 {
			res.Indicators[i].Notes = strings.TrimSpace(res.Indicators[i].Notes + " Alle Einzelwerte der Datei sind Vielfache von 5 (Rundung zur Geheimhaltung); Summen daraus können von veröffentlichten Summen abweichen.")
		}
	}
	res.Report = append(res.Report, fmt.Sprintf("%s: GENESIS flat file %s (%s), %d region(s), %d indicator(s); summed over %s",
		path.Base(name), tableID, statLabel, len(keptKeys), len(ids), orNone(strings.Join(summed, ", "))))
	if len(filtered) > 0 {
		res.Report = append(res.Report, fmt.Sprintf("%s: only %s", path.Base(name), strings.Join(filtered, ", ")))
	}
	if split >= 0 {
		var sub []string
		for _, c := range dims[split].catOrder {
			if !wanted[c] {
				sub = append(sub, fmt.Sprintf("%s %s (%d rows)", c, dims[split].cats[c], dims[split].rows[c]))
			}
		}
		res.Report = append(res.Report, fmt.Sprintf("%s: total = %s; %d rows of other categories of %s not added (sub-categories would count twice): %s",
			path.Base(name), strings.Join(ff.Total, " + "), ignored, ff.Split, orNone(strings.Join(sub, "; "))))
	}
	res.Report = append(res.Report, filter.report(name)...)
	if extra := cityStates(res.Observations); len(extra) > 0 {
		res.Observations = append(res.Observations, extra...)
		res.Report = append(res.Report, fmt.Sprintf("%s: Berlin and Hamburg are Land, Kreis and Gemeinde at once: %d values copied between these levels", path.Base(name), len(extra)))
	}
	return res, nil
}

func orEmptyFF(f *FFCSVSpec) *FFCSVSpec {
	if f == nil {
		return &FFCSVSpec{}
	}
	return f
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// insgesamt returns the code of a variable's "Insgesamt" category, if any.
func insgesamt(d *ffDim) string {
	for _, c := range d.catOrder {
		if strings.EqualFold(strings.TrimSpace(d.cats[c]), "Insgesamt") {
			return c
		}
	}
	return ""
}

func catList(d *ffDim) string {
	var parts []string
	for i, c := range d.catOrder {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("… %d more", len(d.catOrder)-8))
			break
		}
		parts = append(parts, c+" "+d.cats[c])
	}
	return strings.Join(parts, ", ")
}

func dimCodes(dims []*ffDim) string {
	var out []string
	for _, d := range dims {
		out = append(out, d.code)
	}
	return strings.Join(out, ", ")
}

func hasDim(dims []*ffDim, code string) bool {
	for _, d := range dims {
		if d.code == code {
			return true
		}
	}
	return false
}

// ffIndicator is the catalogue entry derived from a flat file.
func ffIndicator(id, tableID, statLabel, measure, unit, cat string, dims []*ffDim, split int, ff *FFCSVSpec, summed, filtered []string, retrieved time.Time) atlas.Indicator {
	title := measure + " insgesamt"
	what := measure
	if split >= 0 {
		var tops []string
		for _, c := range ff.Total {
			tops = append(tops, dims[split].cats[c])
		}
		what = fmt.Sprintf("%s: Summe der obersten Kategorien %s der Variable %s (%s)", measure, strings.Join(tops, ", "), dims[split].label, dims[split].code)
	}
	if cat != "" {
		title = measure + ": " + dims[split].cats[cat]
		what = fmt.Sprintf("%s mit %s = %s (%s)", measure, dims[split].label, dims[split].cats[cat], cat)
	}
	def := what
	if len(summed) > 0 {
		def += "; summiert über " + strings.Join(summed, ", ")
	}
	if len(filtered) > 0 {
		def += "; nur " + strings.Join(filtered, ", ")
	}
	def += ". GENESIS-Tabelle " + tableID + " (" + statLabel + "), Summen eigene Berechnung (automatischer Import)."
	abruf := ""
	if !retrieved.IsZero() {
		abruf = ", Abruf " + retrieved.Format("02.01.2006")
	}
	if unit == "" {
		unit = "ohne Angabe"
	}
	return atlas.Indicator{
		ID: id, Title: title, Definition: def, Unit: unit, Topic: "genesis", TopicTitle: "GENESIS-Tabellen (automatisch importiert)",
		Direction: atlas.DirectionContext, Source: "GENESIS-Online, Tabelle " + tableID + ": " + statLabel,
		Publisher: "Statistisches Bundesamt (Destatis)", TableID: tableID, Licence: "dl-de/by-2-0", LicenceURL: "https://www.govdata.de/dl-de/by-2-0",
		Attribution: "© Statistisches Bundesamt (Destatis), Genesis-Online" + abruf + ", dl-de/by-2-0; Summen eigene Berechnung",
	}
}

// unzipSingleCSV returns the one CSV file in a zip (bounded by
// MaxTableBytes), its name and modification time (the retrieval date of
// a GENESIS download).
func unzipSingleCSV(name string, data []byte) ([]byte, string, time.Time, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, "", time.Time{}, fmt.Errorf("%s: %w: %w", name, atlas.ErrInvalidData, err)
	}
	var csvs []*zip.File
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() && strings.HasSuffix(strings.ToLower(f.Name), ".csv") {
			csvs = append(csvs, f)
		}
	}
	if len(csvs) != 1 {
		return nil, "", time.Time{}, fmt.Errorf("%s: %w: the zip holds %d CSV files, want exactly one", name, atlas.ErrInvalidData, len(csvs))
	}
	f := csvs[0]
	rc, err := f.Open()
	if err != nil {
		return nil, "", time.Time{}, fmt.Errorf("%s: %s: %w", name, f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxTableBytes+1))
	if err != nil {
		return nil, "", time.Time{}, fmt.Errorf("%s: %s: %w", name, f.Name, err)
	}
	if len(b) > MaxTableBytes {
		return nil, "", time.Time{}, fmt.Errorf("%s: %s: uncompressed size exceeds %d MiB", name, f.Name, MaxTableBytes>>20)
	}
	return b, f.Name, f.Modified, nil
}
