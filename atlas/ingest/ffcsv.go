package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

// The GENESIS web service's flat CSV ("ffcsv"), also as the zip the
// service returns (GENESIS-Online, the Regionaldatenbank, the Zensus
// database): UTF-8 with BOM, ";", one value per row,
//
//	statistics_code;statistics_label;time_code;time_label;time;
//	1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;
//	2_variable_code;…;value;value_unit;value_variable_code;value_variable_label[;value_q]
//
// One variable is regional (KREISE, DLAND, GEMEIN …, or GEO… in the Zensus
// database; its code may change from row to row: DINSG, DLAND, REGBEZ,
// KREISE). Every other variable is filtered to its total category
// ("Insgesamt", also with an empty code), or declared (FFCSVSpec): summed
// over, split into indicators, or filtered to one category. Categories can
// be hierarchical: a total is the sum of the declared top-level categories
// only, and a sum over a variable that has a total category takes the total
// instead of adding it to its parts. Special values and quality marks
// follow the one rule of special.go.

var (
	regionalVariables = map[string]bool{"DINSG": true, "DLAND": true, "REGBEZ": true, "KREISE": true, "GEMEIN": true, "GEMVB": true, "GEMVBZ": true}
	ffTableID         = regexp.MustCompile(`\d{5}-\d{4}|\d{5}-\d{2}-\d{2}-\d(-[A-Z])?|[0-9]{4}[A-Z]-\d{4}`)
)

func isRegionalVariable(code string) bool {
	return regionalVariables[code] || strings.HasPrefix(code, "GEO")
}

type ffDim struct {
	code, label string
	cats        map[string]string // category code → label
	catOrder    []string
	rows        map[string]int // rows per category
	regional    bool
}

// ffFile is a flat file read into memory.
type ffFile struct {
	name, inner, tableID, statLabel string
	retrieved                       time.Time
	t                               *rows
	col                             map[string]int
	dimCols                         [][4]int // code, label, attribute code, attribute label
	dims                            []*ffDim
	regional                        int
	quality                         int // value_q column, -1 when absent
	measures, units                 map[string]string
}

func (f *ffFile) cell(rec []string, column string) string { return cellAt(rec, f.col[column]) }

// ffPlan says what becomes of each non-regional variable.
type ffPlan struct {
	role      map[int]string // "sum", "split", "filter"
	filterCat map[int]string
	split     int
	wanted    map[string]bool // split categories imported as indicators
	totalCats map[string]bool // the split's top-level categories
	report    []string
}

func readFFCSV(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	f, err := openFFFile(in.context(), name, data)
	if err != nil {
		return nil, err
	}
	ff := orEmptyFF(spec.FFCSV)
	plan, err := f.plan(ff)
	if err != nil {
		return nil, err
	}
	ids, proposed, err := f.indicators(spec, ff, plan, known)
	if err != nil {
		return nil, err
	}
	if err := f.checkSums(plan, ids, known, proposed); err != nil {
		return nil, err
	}
	res, err := f.observations(plan, ids, in)
	if err != nil {
		return nil, err
	}
	res.Indicators = proposed
	f.finish(res, plan, ff, len(ids))
	return res, nil
}

// openFFFile unzips, decodes and indexes a flat file.
func openFFFile(ctx context.Context, name string, data []byte) (*ffFile, error) {
	f := &ffFile{name: name, inner: name, quality: -1}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		var err error
		if data, f.inner, f.retrieved, err = unzipSingleCSV(ctx, name, data); err != nil {
			return nil, err
		}
	}
	text, err := decodeText(name, data, "")
	if err != nil {
		return nil, invalidf("%v", err)
	}
	if f.t, err = parseDelimited(ctx, name, text, ';'); err != nil {
		return nil, fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
	}
	if len(f.t.cells) < 2 {
		return nil, invalidf("%s: no data rows", name)
	}
	f.col = map[string]int{}
	for j, h := range f.t.cells[0] {
		f.col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = j
	}
	for _, need := range []string{"statistics_code", "time", "value", "value_unit", "value_variable_code", "value_variable_label", "1_variable_code"} {
		if _, ok := f.col[need]; !ok {
			return nil, invalidf("%s: not a GENESIS flat file: column %q missing", name, need)
		}
	}
	if q, ok := f.col["value_q"]; ok {
		f.quality = q
	}
	f.scanDims()
	if f.regional < 0 {
		return nil, invalidf("%s: no regional variable (one of KREISE, DLAND, GEMEIN, GEO… …) among %s; a table without regions cannot be mapped", name, dimCodes(f.dims))
	}
	f.scanMeasures()
	return f, nil
}

// scanDims reads the variables, their categories, and which is regional.
func (f *ffFile) scanDims() {
	for n := 1; ; n++ {
		p := strconv.Itoa(n) + "_variable_"
		c, ok := f.col[p+"code"]
		if !ok {
			break
		}
		f.dimCols = append(f.dimCols, [4]int{c, f.col[p+"label"], f.col[p+"attribute_code"], f.col[p+"attribute_label"]})
		f.dims = append(f.dims, &ffDim{cats: map[string]string{}, rows: map[string]int{}})
	}
	for _, rec := range f.t.cells[1:] {
		for i, dc := range f.dimCols {
			d := f.dims[i]
			code := cellAt(rec, dc[0])
			if d.code == "" {
				d.code, d.label = code, cellAt(rec, dc[1])
			}
			d.regional = d.regional || isRegionalVariable(code)
			a := cellAt(rec, dc[2])
			if _, ok := d.cats[a]; !ok {
				d.cats[a] = cellAt(rec, dc[3])
				d.catOrder = append(d.catOrder, a)
			}
			d.rows[a]++
		}
	}
	f.regional = -1
	for i, d := range f.dims {
		if d.regional {
			f.regional = i
			break
		}
	}
}

// scanMeasures reads the value variables (measures) with their units, and
// the table's id and title.
func (f *ffFile) scanMeasures() {
	f.measures, f.units = map[string]string{}, map[string]string{}
	for _, rec := range f.t.cells[1:] {
		m := f.cell(rec, "value_variable_code")
		if _, ok := f.measures[m]; !ok {
			f.measures[m] = f.cell(rec, "value_variable_label")
			f.units[m] = f.cell(rec, "value_unit")
		}
	}
	f.tableID = ffTableID.FindString(f.inner)
	if f.tableID == "" {
		f.tableID = ffTableID.FindString(f.name)
	}
	if f.tableID == "" {
		f.tableID = f.cell(f.t.cells[1], "statistics_code")
	}
	f.statLabel = f.cell(f.t.cells[1], "statistics_label")
}

// plan decides the role of every non-regional variable.
func (f *ffFile) plan(ff *FFCSVSpec) (*ffPlan, error) {
	p := &ffPlan{role: map[int]string{}, filterCat: map[int]string{}, split: -1, wanted: map[string]bool{}, totalCats: map[string]bool{}}
	var undeclared []string
	for i, d := range f.dims {
		if i == f.regional {
			continue
		}
		if err := f.planDim(p, ff, i, d, &undeclared); err != nil {
			return nil, err
		}
	}
	if len(undeclared) > 0 {
		return nil, invalidf("%s: declare how to combine the variable(s) %s — sum over flat categories (-ffcsv-sum VAR), split one variable into indicators with its top-level categories as the total (-ffcsv-split VAR -ffcsv-total CATS), or filter one category (-ffcsv-filter VAR=CAT); spec fields ffcsv.sum/split/total/filter",
			f.name, strings.Join(undeclared, "; "))
	}
	for _, s := range append(append([]string{}, ff.Sum...), ff.Split) {
		if s != "" && !hasDim(f.dims, s) {
			return nil, invalidf("%s: variable %s is not in the file (%s)", f.name, s, dimCodes(f.dims))
		}
	}
	if p.split >= 0 {
		if err := f.planSplit(p, ff); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (f *ffFile) planDim(p *ffPlan, ff *FFCSVSpec, i int, d *ffDim, undeclared *[]string) error {
	switch {
	case contains(ff.Sum, d.code):
		if total, how := f.totalCategory(i); total != nil {
			p.role[i], p.filterCat[i] = "filter", *total
			p.report = append(p.report, fmt.Sprintf("%s: sum over %s (%s): the file has its total category %q %s (%s) — taken as the sum instead of adding it to its parts",
				path.Base(f.name), d.code, d.label, *total, d.cats[*total], how))
			return nil
		}
		if sub := subCategories(d); len(sub) > 0 {
			return invalidf("%s: cannot sum over %s: the categories %s are parts of other categories (\"darunter\"), they would count twice; filter one category (-ffcsv-filter %s=CAT) or split (-ffcsv-split %s -ffcsv-total …)", f.name, d.code, strings.Join(sub, ", "), d.code, d.code)
		}
		p.role[i] = "sum"
	case ff.Split == d.code:
		p.role[i], p.split = "split", i
	case ff.Filter[d.code] != "" || hasKey(ff.Filter, d.code):
		c := ff.Filter[d.code]
		if _, ok := d.cats[c]; !ok {
			return invalidf("%s: filter %s=%s: no such category (%s)", f.name, d.code, c, catList(d))
		}
		p.role[i], p.filterCat[i] = "filter", c
	default:
		if total, how := f.totalCategory(i); total != nil {
			p.role[i], p.filterCat[i] = "filter", *total
			p.report = append(p.report, fmt.Sprintf("%s: %s (%s) filtered to its total category %q %s (%s)", path.Base(f.name), d.code, d.label, *total, d.cats[*total], how))
			return nil
		}
		*undeclared = append(*undeclared, fmt.Sprintf("%s (%s: %s)", d.code, d.label, catList(d)))
	}
	return nil
}

func (f *ffFile) planSplit(p *ffPlan, ff *FFCSVSpec) error {
	d := f.dims[p.split]
	if len(ff.Total) == 0 {
		return invalidf("%s: split %s needs the top-level categories whose sum is the total (-ffcsv-total; %s)", f.name, ff.Split, catList(d))
	}
	total, _ := f.totalCategory(p.split)
	for _, c := range append(append([]string{}, ff.Total...), ff.Categories...) {
		if _, ok := d.cats[c]; !ok {
			return invalidf("%s: %s has no category %q (%s)", f.name, ff.Split, c, catList(d))
		}
		p.wanted[c] = true
	}
	for _, c := range ff.Total {
		if total != nil && *total == c && len(ff.Total) > 1 {
			return invalidf("%s: the total categories of %s include %q %s, which is the total itself: it would be added to its own parts; name only the top-level parts, or only %q", f.name, ff.Split, c, d.cats[c], c)
		}
		p.totalCats[c] = true
	}
	return nil
}

// totalCategory finds the total category of variable i: by label
// ("Insgesamt", "Gesamt", "Zusammen"), by code, or because its value is
// the sum of all other categories wherever they are all given.
func (f *ffFile) totalCategory(i int) (*string, string) {
	d := f.dims[i]
	for _, c := range d.catOrder {
		switch l := strings.ToLower(strings.TrimSpace(d.cats[c])); {
		case l == "insgesamt" || l == "gesamt" || l == "zusammen" || strings.HasPrefix(l, "insgesamt "):
			c := c
			return &c, "label " + strconv.Quote(d.cats[c])
		}
	}
	for _, c := range d.catOrder {
		if u := strings.ToUpper(c); strings.HasSuffix(u, "INSG") || strings.HasSuffix(u, "-INS") || u == "INSGESAMT" || strings.HasSuffix(u, "GESAMT") {
			c := c
			return &c, "code " + strconv.Quote(c)
		}
	}
	if c, ok := f.sumCategory(i); ok {
		return &c, "its values are the sum of the other categories"
	}
	return nil, ""
}

// sumCategory checks whether one category of variable i equals the sum of
// the others in every complete group of rows (at least 3 groups, not all 0).
func (f *ffFile) sumCategory(i int) (string, bool) {
	d := f.dims[i]
	if len(d.catOrder) < 3 {
		return "", false
	}
	groups := map[string]map[string]float64{}
	for _, rec := range f.t.cells[1:] {
		v, flag, err := ParseValue(f.cell(rec, "value"), ",")
		if err != nil || flag != atlas.FlagNone {
			continue
		}
		var g strings.Builder
		for j, dc := range f.dimCols {
			if j != i {
				g.WriteString(cellAt(rec, dc[2]) + "|")
			}
		}
		g.WriteString(f.cell(rec, "time") + "|" + f.cell(rec, "value_variable_code"))
		if groups[g.String()] == nil {
			groups[g.String()] = map[string]float64{}
		}
		groups[g.String()][cellAt(rec, f.dimCols[i][2])] = v
	}
	for _, c := range d.catOrder {
		n, nonzero := 0, false
		for _, g := range groups {
			if len(g) != len(d.catOrder) {
				continue
			}
			rest := 0.0
			for k, v := range g {
				if k != c {
					rest += v
				}
			}
			if diff := g[c] - rest; diff > 1e-6*max(1, g[c]) || -diff > 1e-6*max(1, g[c]) {
				n = -1
				break
			}
			n++
			nonzero = nonzero || g[c] != 0
		}
		if n >= 3 && nonzero {
			return c, true
		}
	}
	return "", false
}

// subCategories lists categories labelled as parts of others.
func subCategories(d *ffDim) []string {
	var out []string
	for _, c := range d.catOrder {
		l := strings.ToLower(strings.TrimSpace(d.cats[c]))
		if strings.HasPrefix(l, "darunter") || strings.HasPrefix(l, "dar.") || strings.HasPrefix(l, "nachrichtlich") {
			out = append(out, c+" "+d.cats[c])
		}
	}
	return out
}

// indicators maps measure × split category to indicator ids: mapped
// (TableSpec.Map) or derived from the file.
func (f *ffFile) indicators(spec TableSpec, ff *FFCSVSpec, p *ffPlan, known map[string]atlas.Indicator) (map[string]string, []atlas.Indicator, error) {
	mapper := newColumnMapper(spec, known)
	ids := map[string]string{} // measure + "/" + category ("" = total) → indicator
	var proposed []atlas.Indicator
	desc := f.describe(p)
	single := len(f.measures) == 1
	for _, m := range sortedKeys(f.measures) {
		cats := []string{""}
		if p.split >= 0 {
			for _, c := range f.dims[p.split].catOrder {
				if p.wanted[c] {
					cats = append(cats, c)
				}
			}
		}
		for _, c := range cats {
			id, err := mapper.lookup(-1, ffMapNames(m, c, single)...)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", f.name, err)
			}
			if id == "" && !spec.OnlyMapped {
				id = makeID("ffcsv", f.tableID, m)
				if c != "" {
					id = makeID(id, c)
				}
				proposed = append(proposed, f.indicator(id, m, c, p, ff, desc))
			}
			ids[m+"/"+c] = id
		}
	}
	if err := mapper.unused(f.name); err != nil {
		return nil, nil, err
	}
	return ids, proposed, nil
}

// ffMapNames are the names under which -map may name a measure × category.
func ffMapNames(m, c string, single bool) []string {
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
	return names
}

// checkSums refuses sums of means: a measure that is not extensive cannot be
// added up over categories or top-level parts.
func (f *ffFile) checkSums(p *ffPlan, ids map[string]string, known map[string]atlas.Indicator, proposed []atlas.Indicator) error {
	summing := len(p.totalCats) > 1
	for i, r := range p.role {
		if r == "sum" && len(f.dims[i].catOrder) > 1 {
			summing = true
		}
	}
	if !summing {
		return nil
	}
	cat := map[string]atlas.Indicator{}
	for _, ind := range proposed {
		cat[ind.ID] = ind
	}
	for _, m := range sortedKeys(f.measures) {
		ind, ok := known[ids[m+"/"]]
		if !ok {
			ind = cat[ids[m+"/"]]
		}
		if ind.ID == "" {
			continue
		}
		if mm, _, err := measureOf(ind); err != nil || mm != atlas.MeasureExtensive {
			return invalidf("%s: measure %s (%s, unit %q) is not a count, area or amount (%s): it cannot be summed over categories; filter one category (-ffcsv-filter VAR=CAT, spec ffcsv.filter) or leave the measure out with a -map of the others and -only-mapped",
				f.name, m, f.measures[m], f.units[m], measureReason(ind, err))
		}
	}
	return nil
}

func measureReason(ind atlas.Indicator, err error) string {
	if err != nil {
		return err.Error()
	}
	return "a rate or mean"
}

// observations accumulates the rows into one value per indicator, key and period.
func (f *ffFile) observations(p *ffPlan, ids map[string]string, in formatInputs) (*TableResult, error) {
	type cellKey struct {
		ind, key string
		period   int
	}
	type acc struct {
		sumAcc
		level atlas.Level
	}
	sums := map[cellKey]*acc{}
	var order []cellKey
	filter := newKeyFilter(f.dims[f.regional].catOrder)
	verr := &ValidationError{File: f.name}
	dates := &dateSet{}
	keptKeys := map[string]bool{}
	rows := 0
	for ri := 1; ri < len(f.t.cells); ri++ {
		in.progress(ri, len(f.t.cells)-1)
		rec, line := f.t.cells[ri], f.t.line[ri]
		r, ok := f.row(rec, line, p, filter, verr, dates)
		if !ok {
			continue
		}
		rows++
		keptKeys[r.key] = true
		for _, ind := range r.targets(p, ids) {
			k := cellKey{ind, r.key, r.period}
			a := sums[k]
			if a == nil {
				a = &acc{level: r.level}
				sums[k] = a
				order = append(order, k)
			}
			a.add(r.value, r.flag)
		}
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	if rows == 0 {
		return nil, invalidf("%s: no rows of Länder, Kreise or Gemeinden", f.name)
	}
	res := &TableResult{Rows: len(keptKeys), Dates: dates}
	for _, k := range order {
		v, fl := sums[k].result()
		res.Observations = append(res.Observations, atlas.Observation{Indicator: k.ind, Level: sums[k].level, Key: k.key, Period: k.period, Value: v, Flag: fl})
	}
	res.Report = append(res.Report, filter.report(f.name)...)
	return res, nil
}

// ffRow is one data row of a flat file, kept.
type ffRow struct {
	key, measure, cat string
	level             atlas.Level
	period            int
	value             float64
	flag              atlas.Flag
}

func (r ffRow) targets(p *ffPlan, ids map[string]string) []string {
	out := []string{ids[r.measure+"/"+r.cat]}
	if p.split >= 0 && p.totalCats[r.cat] {
		out = append(out, ids[r.measure+"/"])
	}
	return out
}

// row reads one data row; false when it is filtered, skipped or bad (bad
// cells are recorded in verr).
func (f *ffFile) row(rec []string, line int, p *ffPlan, filter *keyFilter, verr *ValidationError, dates *dateSet) (ffRow, bool) {
	if isBlank(rec) {
		return ffRow{}, false
	}
	for i, c := range p.filterCat {
		if cellAt(rec, f.dimCols[i][2]) != c {
			return ffRow{}, false
		}
	}
	r := ffRow{measure: f.cell(rec, "value_variable_code")}
	if p.split >= 0 {
		r.cat = cellAt(rec, f.dimCols[p.split][2])
		if !p.wanted[r.cat] {
			return ffRow{}, false
		}
	}
	d, err := parseDate(f.cell(rec, "time"))
	if err != nil {
		verr.add(&CellError{File: f.name, Row: line, Column: "time", Reason: err.Error()})
		return ffRow{}, false
	}
	r.period = d.year
	dates.add(d, fmt.Sprintf("row %d", line))
	rawKey := cellAt(rec, f.dimCols[f.regional][2])
	if !isKeyCell(rawKey) {
		verr.add(&CellError{File: f.name, Row: line, Column: strconv.Itoa(f.regional+1) + "_variable_attribute_code", Reason: fmt.Sprintf("%q is not a regional key", rawKey)})
		return ffRow{}, false
	}
	var ok bool
	if r.level, r.key, ok = filter.keep(rawKey, cellAt(rec, f.dimCols[f.regional][3])); !ok {
		return ffRow{}, false
	}
	q := ""
	if f.quality >= 0 {
		q = cellAt(rec, f.quality)
	}
	if r.value, r.flag, err = ParseQualified(f.cell(rec, "value"), q, ","); err != nil {
		verr.add(&CellError{File: f.name, Row: line, Column: "value", Reason: err.Error()})
		return ffRow{}, false
	}
	return r, true
}

// finish completes the catalogue entries and the report.
func (f *ffFile) finish(res *TableResult, p *ffPlan, ff *FFCSVSpec, nInd int) {
	multiple5, valued := true, 0
	for _, o := range res.Observations {
		if o.Valued() {
			valued++
			if int64(o.Value)%5 != 0 || o.Value != float64(int64(o.Value)) {
				multiple5 = false
			}
		}
	}
	for i := range res.Indicators {
		res.Indicators[i].ReferenceDate = res.Dates.referenceDate()
		if multiple5 && valued > 0 {
			res.Indicators[i].Notes = strings.TrimSpace(res.Indicators[i].Notes + " Alle Einzelwerte der Datei sind Vielfache von 5 (Rundung zur Geheimhaltung); Summen daraus können von veröffentlichten Summen abweichen.")
		}
	}
	desc := f.describe(p)
	head := fmt.Sprintf("%s: GENESIS flat file %s (%s), %d region(s), %d indicator(s); summed over %s", path.Base(f.name), f.tableID, f.statLabel, res.Rows, nInd, orNone(strings.Join(desc.summed, ", ")))
	res.Report = append([]string{head}, res.Report...)
	res.Report = append(res.Report, p.report...)
	if len(desc.filtered) > 0 {
		res.Report = append(res.Report, fmt.Sprintf("%s: only %s", path.Base(f.name), strings.Join(desc.filtered, ", ")))
	}
	if p.split >= 0 {
		d := f.dims[p.split]
		var sub []string
		for _, c := range d.catOrder {
			if !p.wanted[c] {
				sub = append(sub, fmt.Sprintf("%s %s (%d rows)", c, d.cats[c], d.rows[c]))
			}
		}
		res.Report = append(res.Report, fmt.Sprintf("%s: total = %s; other categories of %s not added (sub-categories would count twice): %s",
			path.Base(f.name), strings.Join(ff.Total, " + "), ff.Split, orNone(strings.Join(sub, "; "))))
	}
	if extra := cityStates(res.Observations); len(extra) > 0 {
		res.Observations = append(res.Observations, extra...)
		res.Report = append(res.Report, fmt.Sprintf("%s: Berlin and Hamburg are Land, Kreis and Gemeinde at once: %d values copied between these levels", path.Base(f.name), len(extra)))
	}
}

// ffDesc describes the combination of variables for titles and reports.
type ffDesc struct{ summed, filtered []string }

func (f *ffFile) describe(p *ffPlan) ffDesc {
	var d ffDesc
	for i, r := range p.role {
		if r == "sum" {
			d.summed = append(d.summed, f.dims[i].label+" ("+f.dims[i].code+")")
		}
	}
	for i, c := range p.filterCat {
		d.filtered = append(d.filtered, f.dims[i].label+" = "+f.dims[i].cats[c])
	}
	sort.Strings(d.summed)
	sort.Strings(d.filtered)
	return d
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

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

func catList(d *ffDim) string {
	var parts []string
	for i, c := range d.catOrder {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("… %d more", len(d.catOrder)-8))
			break
		}
		if c == "" {
			parts = append(parts, `"" `+d.cats[c])
			continue
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

// indicator is the catalogue entry derived from a flat file for measure m
// and split category cat ("" = the total).
func (f *ffFile) indicator(id, m, cat string, p *ffPlan, ff *FFCSVSpec, desc ffDesc) atlas.Indicator {
	measure := f.measures[m]
	title, what := measure+" insgesamt", measure
	if p.split >= 0 {
		var tops []string
		for _, c := range ff.Total {
			tops = append(tops, f.dims[p.split].cats[c])
		}
		what = fmt.Sprintf("%s: Summe der obersten Kategorien %s der Variable %s (%s)", measure, strings.Join(tops, ", "), f.dims[p.split].label, f.dims[p.split].code)
	}
	if cat != "" {
		title = measure + ": " + f.dims[p.split].cats[cat]
		what = fmt.Sprintf("%s mit %s = %s (%s)", measure, f.dims[p.split].label, f.dims[p.split].cats[cat], cat)
	}
	def := what
	if len(desc.summed) > 0 {
		def += "; summiert über " + strings.Join(desc.summed, ", ")
	}
	if len(desc.filtered) > 0 {
		def += "; nur " + strings.Join(desc.filtered, ", ")
	}
	def += ". GENESIS-Tabelle " + f.tableID + " (" + f.statLabel + "), automatischer Import."
	abruf := ""
	if !f.retrieved.IsZero() {
		abruf = ", Abruf " + f.retrieved.Format("02.01.2006")
	}
	unit := f.units[m]
	if unit == "" {
		unit = "ohne Angabe"
	}
	own := ""
	if len(desc.summed) > 0 || len(p.totalCats) > 1 {
		own = "; Summen eigene Berechnung"
	}
	return atlas.Indicator{
		ID: id, Title: title, Definition: def, Unit: unit, Topic: "genesis", TopicTitle: "GENESIS-Tabellen (automatisch importiert)",
		Direction: atlas.DirectionContext, Source: "GENESIS-Online, Tabelle " + f.tableID + ": " + f.statLabel,
		Publisher: "Statistisches Bundesamt (Destatis)", TableID: f.tableID, Licence: "dl-de/by-2-0", LicenceURL: "https://www.govdata.de/dl-de/by-2-0",
		Attribution: "© Statistisches Bundesamt (Destatis), Genesis-Online" + abruf + ", dl-de/by-2-0" + own,
	}
}

// unzipSingleCSV returns the one CSV file in a zip (within the
// decompression budget, inflate), its name and modification time (the
// retrieval date of a GENESIS download).
func unzipSingleCSV(ctx context.Context, name string, data []byte) ([]byte, string, time.Time, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, "", time.Time{}, invalidf("%s: %v", name, err)
	}
	var csvs []*zip.File
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() && strings.HasSuffix(strings.ToLower(f.Name), ".csv") {
			csvs = append(csvs, f)
		}
	}
	if len(csvs) != 1 {
		return nil, "", time.Time{}, invalidf("%s: the zip holds %d CSV files, want exactly one", name, len(csvs))
	}
	f := csvs[0]
	rc, err := f.Open()
	if err != nil {
		return nil, "", time.Time{}, fmt.Errorf("%s: %s: %w", name, f.Name, err)
	}
	defer rc.Close()
	b, err := inflate(ctx, name+": "+f.Name, rc, len(data), f.UncompressedSize64)
	if err != nil {
		return nil, "", time.Time{}, err
	}
	return b, f.Name, f.Modified, nil
}
