package ingest

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/standortatlas/standortatlas/atlas"
)

// The raw GENESIS / Regionaldatenbank CSV, read without a hand-written spec:
//
//	GENESIS-Tabelle: 13211-02-05-4                   table id
//	Arbeitslose nach … ;;;;                          title lines
//	;;;Arbeitslose;Arbeitslose;…                     column headers (several lines)
//	;;;;Ausländer;…
//	;;;Anzahl;…;Prozent                              unit line
//	2020;01001;      Flensburg, …;4722;…             data: date;key;name;values…
//	__________                                       footer: notes, ©, "Stand: …"
//
// or with the time only in the header (";;Stichtag" / ";;31.12.2021" above
// the values, data rows "key;name;values…"). Every value column becomes an
// indicator (columns of the same header at several dates are one indicator
// with several periods) unless TableSpec.Map maps it to a catalogue id.

// genesisLayout is where keys, names, categories and values sit in the
// data rows.
type genesisLayout struct {
	dateCol  int // -1 when the time is in the header or a title line
	keyCol   int
	nameCol  int
	catCols  []int // category key columns ("Tageseinrichtung", "männlich")
	firstVal int
}

type genesisColumn struct {
	col      int    // 0-based
	header   string // joined header cells (without time and unit)
	unit     string
	period   int // from the header's time line, 0 when in the rows
	dayMonth string
	// indicator per category label ("" without category columns).
	indicator map[string]string
}

// genesisFooter holds what the footer says about source and licence.
type genesisFooter struct {
	copyright, licence, licenceURL, stand string
	notes                                 []string
}

var (
	tableIDPattern   = regexp.MustCompile(`(?i)tabelle:?\s*([0-9][0-9A-Za-z.\-]*[0-9A-Za-z])`)
	measureUnit      = regexp.MustCompile(`^(.*\S)\s*\(([^()]+)\)$`)
	standPattern     = regexp.MustCompile(`Stand:\s*(\d{1,2}\.\d{1,2}\.\d{4})`)
	copyrightPattern = regexp.MustCompile(`©[^©]*?\d{4}`)
	unitPattern      = regexp.MustCompile(`^(Anzahl|Prozent|%|Promille|‰|Personen|Einwohner.*|EUR.*|Euro.*|(Tsd|Mill|Mio|Mrd)\.?( .*)?|1000( .*)?|1\.000( .*)?|km²|qkm|ha|m²|m³|cbm|Jahre|Tage|Std\.|Stunden|t|kg|kWh|MWh|GWh|Index.*|je .*|Betriebe|Wohnungen|Stück|Plätze|Fälle|Grad Celsius|°C|cm|mm|m|km)$`)
)

// genesisFile is one raw GENESIS table split into its parts.
type genesisFile struct {
	name       string
	t          *rows
	first, end int // data rows [first, end)
	lay        genesisLayout
	tableID    string
	title      []string
	headers    [][]string
	width      int
	foot       genesisFooter
	decimal    string
	categories []string // category labels in file order
}

// genesisHead is what the header and title lines say about the columns.
type genesisHead struct {
	cols    []genesisColumn
	refDate string
	measure string
}

func readGENESIS(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	g, err := parseGenesisFile(in.context(), name, data)
	if err != nil {
		return nil, err
	}
	h, err := g.head()
	if err != nil {
		return nil, g.invalid("%v", err)
	}
	if err := g.chooseCategory(spec.Category); err != nil {
		return nil, err
	}
	dates := g.dates(h)
	if dates.empty() {
		if spec.PeriodValue == 0 {
			return nil, fmt.Errorf("%s: %w: no period: the rows have no date column, the header no date line and the title no \"Stichtag: …\" line; give the period (-period YEAR)", name, atlas.ErrInvalidData)
		}
		dates.add(date{year: spec.PeriodValue}, "-period")
		dates.fromFlag = spec.PeriodValue
	}
	proposed, err := g.indicators(h, spec, known)
	if err != nil {
		return nil, err
	}
	res, err := g.observations(h, dates, in, proposed)
	if err != nil {
		return nil, err
	}
	res.Dates = dates
	g.finish(res, h, res.Indicators, spec)
	return res, nil
}

func (g *genesisFile) invalid(format string, args ...any) error {
	return fmt.Errorf("%s: %w: not a raw GENESIS table: %s", g.name, atlas.ErrInvalidData, fmt.Sprintf(format, args...))
}

// parseGenesisFile decodes the file and finds footer, table id, title and
// header lines, the first data row and its layout.
func parseGenesisFile(ctx context.Context, name string, data []byte) (*genesisFile, error) {
	text, err := decodeText(name, data, "")
	if err != nil {
		return nil, invalidf("%v", err)
	}
	t, err := parseDelimited(ctx, name, text, ';')
	if err != nil {
		return nil, fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
	}
	g := &genesisFile{name: name, t: t, end: len(t.cells), first: -1}
	for i, rec := range t.cells {
		if strings.HasPrefix(cellAt(rec, 0), "_____") {
			g.end = i
			break
		}
	}
	g.foot = parseGenesisFooter(t.cells[min(g.end+1, len(t.cells)):])
	for i := 0; i < g.end; i++ {
		rec := t.cells[i]
		if g.tableID == "" && i < 3 {
			if m := tableIDPattern.FindStringSubmatch(strings.Join(rec, " ")); m != nil {
				g.tableID = m[1]
				continue
			}
		}
		if l, ok := genesisDataRow(rec); ok {
			g.first, g.lay = i, l
			break
		}
	}
	if g.first < 0 {
		return nil, g.invalid("no data row (date;key;name;values… or key;name;values…) before the footer")
	}
	if g.tableID == "" {
		return nil, g.invalid(`no table id ("GENESIS-Tabelle: 12411-01-01-4") in the first lines`)
	}
	g.splitHeader()
	for i := g.first; i < g.end; i++ {
		g.width = max(g.width, len(t.cells[i]))
	}
	g.decimal = genesisDecimal(t.cells[g.first:g.end], g.lay)
	return g, nil
}

// splitHeader sorts the lines above the data into title and header lines.
func (g *genesisFile) splitHeader() {
	for i := 0; i < g.first; i++ {
		rec := g.t.cells[i]
		if (i < 3 && tableIDPattern.MatchString(strings.Join(rec, " "))) || isBlank(rec) {
			continue
		}
		if cellAt(rec, 0) != "" && isBlank(rec[1:]) && len(g.headers) == 0 {
			g.title = append(g.title, clean(rec[0]))
			continue
		}
		g.headers = append(g.headers, rec)
	}
}

// head reads the header lines into value columns.
func (g *genesisFile) head() (genesisHead, error) {
	cols, refDate, measure, err := genesisColumns(g.headers, g.title, g.lay, g.width)
	if err != nil {
		return genesisHead{}, err
	}
	cols = dropEmptyColumns(cols, g.t.cells[g.first:g.end])
	if len(cols) == 0 {
		return genesisHead{}, fmt.Errorf("no value columns")
	}
	return genesisHead{cols: cols, refDate: refDate, measure: measure}, nil
}

// dates collects the dates the file states: per row, in the header, or in
// a title line ("Stichtag: 31.12.2018").
func (g *genesisFile) dates(h genesisHead) *dateSet {
	s := &dateSet{}
	for _, c := range h.cols {
		if c.period != 0 {
			s.add(date{year: c.period, dayMonth: c.dayMonth}, "header line")
		}
	}
	if g.lay.dateCol >= 0 {
		for i := g.first; i < g.end; i++ {
			if d, ok := cellDate(cellAt(g.t.cells[i], g.lay.dateCol)); ok {
				s.add(d, "time column")
			}
		}
	}
	if s.empty() {
		for _, l := range g.title {
			for _, d := range titleDates(l) {
				s.add(d, fmt.Sprintf("title line %q", l))
			}
		}
	}
	return s
}

// chooseCategory checks the category columns: every data row has a label
// in each; with want set, only rows of that category are read.
func (g *genesisFile) chooseCategory(want string) error {
	if len(g.lay.catCols) == 0 {
		if want != "" {
			return fmt.Errorf("%s: %w: -category %q: the table has no category column", g.name, atlas.ErrInvalidData, want)
		}
		return nil
	}
	seen := map[string]bool{}
	for i := g.first; i < g.end; i++ {
		if rec := g.t.cells[i]; !isBlank(rec) {
			if l := g.categoryOf(rec); !seen[l] {
				seen[l] = true
				g.categories = append(g.categories, l)
			}
		}
	}
	if want == "" {
		return nil
	}
	for _, c := range g.categories {
		if strings.EqualFold(c, strings.TrimSpace(want)) {
			g.categories = []string{c}
			return nil
		}
	}
	return fmt.Errorf("%s: %w: -category %q is not a category of the table; it has %s", g.name, atlas.ErrInvalidData, want, quoteList(g.categories))
}

// categoryOf is the category label of a data row ("" without category columns).
func (g *genesisFile) categoryOf(rec []string) string {
	var parts []string
	for _, c := range g.lay.catCols {
		parts = append(parts, clean(cellAt(rec, c)))
	}
	return strings.Join(parts, " / ")
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

// indicators assigns an indicator to every value column and category:
// mapped, or derived from the header (one per distinct header, so that a
// header repeated at several dates is one indicator with several periods).
func (g *genesisFile) indicators(h genesisHead, spec TableSpec, known map[string]atlas.Indicator) ([]atlas.Indicator, error) {
	cats := g.categories
	if len(cats) == 0 {
		cats = []string{""}
	}
	mapper := newColumnMapper(spec, known)
	groups := map[string]map[string]string{} // header → category → indicator
	var proposed []atlas.Indicator
	for i := range h.cols {
		c := &h.cols[i]
		if ids, ok := groups[c.header]; ok {
			c.indicator = ids
			continue
		}
		mapped, err := mapper.lookup(c.col+1, c.header)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.name, err)
		}
		if mapped != "" && len(cats) > 1 {
			return nil, fmt.Errorf("%s: %w: column %d is mapped to %s, but its rows come in %d categories (%s): name one with -category (option category)", g.name, atlas.ErrInvalidData, c.col+1, mapped, len(cats), quoteList(cats))
		}
		c.indicator = map[string]string{}
		for _, cat := range cats {
			id := mapped
			if id == "" && !spec.OnlyMapped {
				id = g.derivedID(c, cat, len(g.lay.catCols) > 0)
				proposed = append(proposed, g.indicator(id, c, cat, h))
			}
			c.indicator[cat] = id
		}
		groups[c.header] = c.indicator
	}
	if err := mapper.unused(g.name); err != nil {
		return nil, err
	}
	if len(proposed) > 0 && (g.foot.copyright == "" || g.foot.licence == "") {
		return nil, fmt.Errorf("%s: %w: the footer names no © line or no licence, which the new indicator %s needs; map the columns to catalogue indicators", g.name, atlas.ErrInvalidData, proposed[0].ID)
	}
	return proposed, nil
}

func (g *genesisFile) derivedID(c *genesisColumn, cat string, perCategory bool) string {
	id := makeID("rdb", g.tableID) + "_c" + strconv.Itoa(c.col+1)
	if perCategory {
		id = makeID(id, cat)
	}
	return id
}

// observations reads the data rows.
func (g *genesisFile) observations(h genesisHead, dates *dateSet, in formatInputs, proposed []atlas.Indicator) (*TableResult, error) {
	var keys []string
	for i := g.first; i < g.end; i++ {
		if k := cellAt(g.t.cells[i], g.lay.keyCol); k != "" {
			keys = append(keys, k)
		}
	}
	r := &genesisRows{g: g, h: h, filter: newKeyFilter(keys), c: newCollector(g.name), fixed: dates.fromFlag, present: g.unitsPresent(h), absent: map[string][]int{}}
	if dates.fromFlag == 0 && g.lay.dateCol < 0 && len(dates.years) == 1 {
		for y := range dates.years {
			r.fixed = y // one date in a title line
		}
	}
	total := g.end - g.first
	for ri := g.first; ri < g.end; ri++ {
		in.progress(ri-g.first+1, total)
		r.row(g.t.cells[ri], g.t.line[ri])
	}
	res, err := r.c.result(proposed)
	if err != nil {
		return nil, err
	}
	res.Report = append(res.Report, r.filter.report(g.name)...)
	res.Report = append(res.Report, r.absentReport()...)
	return res, nil
}

// unitsPresent returns the (date, key) pairs with at least one value cell
// other than "-". In the Regionaldatenbank a region that does not exist at
// a date (dissolved, or not yet formed: Göttingen 03152/03156 and 03159,
// Eisenach 16056 after 2021, the Kreise of Sachsen before 2008) is listed
// with "-" in every cell of every row; that is "no such unit", never "zero",
// so such rows carry no observations (and are listed in the report).
func (g *genesisFile) unitsPresent(h genesisHead) map[string]bool {
	present := map[string]bool{}
	for i := g.first; i < g.end; i++ {
		rec := g.t.cells[i]
		for _, c := range h.cols {
			if v := strings.TrimSpace(cellAt(rec, c.col)); v != "-" {
				present[g.unitID(rec)] = true
				break
			}
		}
	}
	return present
}

// unitID is the date and key of a data row.
func (g *genesisFile) unitID(rec []string) string {
	d := ""
	if g.lay.dateCol >= 0 {
		d = cellAt(rec, g.lay.dateCol)
	}
	return d + "|" + cellAt(rec, g.lay.keyCol)
}

// absentReport lists the regions whose rows were all "-" (see unitsPresent).
func (r *genesisRows) absentReport() []string {
	if len(r.absent) == 0 {
		return nil
	}
	var parts []string
	for _, k := range sortedKeys(r.absent) {
		ys := slices.Compact(slices.Sorted(slices.Values(r.absent[k])))
		parts = append(parts, fmt.Sprintf("%s (%s)", k, joinInts(ys)))
	}
	return []string{fmt.Sprintf("%s: %d region(s) have \"-\" in every cell at some dates — a unit that does not exist at that date (dissolved or not yet formed), imported as no value, not as zero: %s",
		path.Base(r.g.name), len(r.absent), strings.Join(parts, "; "))}
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// genesisRows is the state of reading the data rows.
type genesisRows struct {
	g      *genesisFile
	h      genesisHead
	filter *keyFilter
	c      *collector
	fixed  int // the period of every value when neither rows nor header date them
	// present and absent: see unitsPresent.
	present map[string]bool
	absent  map[string][]int
}

func (r *genesisRows) row(rec []string, line int) {
	lay := r.g.lay
	if isBlank(rec) {
		return
	}
	rowPeriod := r.fixed
	if lay.dateCol >= 0 {
		d, ok := cellDate(cellAt(rec, lay.dateCol))
		if !ok {
			r.c.problem(line, lay.dateCol, fmt.Sprintf("%q is not a year or date", cellAt(rec, lay.dateCol)))
			return
		}
		rowPeriod = d.year
	}
	key := cellAt(rec, lay.keyCol)
	if !isKeyCell(key) {
		r.c.problem(line, lay.keyCol, fmt.Sprintf("%q is not a regional key", key))
		return
	}
	cat := r.g.categoryOf(rec)
	for _, c := range lay.catCols {
		if isValueCell(cellAt(rec, c)) || cellAt(rec, c) == "" {
			r.c.problem(line, c, fmt.Sprintf("%q is not a category label (column %d holds the category of the row)", cellAt(rec, c), c+1))
			return
		}
	}
	if len(r.g.categories) == 1 && len(lay.catCols) > 0 && cat != r.g.categories[0] {
		return // another category than the one asked for
	}
	if !r.present[r.g.unitID(rec)] {
		r.absent[key] = append(r.absent[key], rowPeriod)
		return
	}
	level, key, ok := r.filter.keep(key, cellAt(rec, lay.nameCol))
	if !ok {
		return
	}
	r.c.res.Rows++
	for _, c := range r.h.cols {
		if ind := c.indicator[cat]; ind != "" {
			r.c.value(line, c.col, ind, level, key, cmp.Or(c.period, rowPeriod), cellAt(rec, c.col), r.g.decimal)
		}
	}
}

// finish completes the derived catalogue entries and the report.
func (g *genesisFile) finish(res *TableResult, h genesisHead, proposed []atlas.Indicator, spec TableSpec) {
	refDate := h.refDate
	if refDate == "" {
		refDate = res.Dates.referenceDate()
	}
	for i := range proposed {
		if proposed[i].ReferenceDate == "" {
			proposed[i].ReferenceDate = refDate
		}
	}
	time := map[bool]string{true: "per row", false: "in the header"}[g.lay.dateCol >= 0]
	if g.lay.dateCol < 0 && h.cols[0].period == 0 {
		time = "in a title line"
		if res.Dates.fromFlag != 0 {
			time = "from -period"
		}
	}
	res.Report = append([]string{fmt.Sprintf("%s: GENESIS table %s, %d value column(s) → %d indicator(s), time %s, decimal %q",
		path.Base(g.name), g.tableID, len(h.cols), len(uniqueIndicators(h.cols)), time, g.decimal)}, res.Report...)
	if len(g.lay.catCols) > 0 {
		how := fmt.Sprintf("one indicator per category and column (%s); -category LABEL imports one", quoteList(g.categories))
		if spec.Category != "" {
			how = fmt.Sprintf("only category %q imported (-category)", g.categories[0])
		}
		res.Report = append(res.Report, fmt.Sprintf("%s: column(s) %s hold categories: %s", path.Base(g.name), colList(g.lay.catCols), how))
	}
	if extra := cityStates(res.Observations); len(extra) > 0 {
		res.Observations = append(res.Observations, extra...)
		res.Report = append(res.Report, fmt.Sprintf("%s: Berlin and Hamburg are Land, Kreis and Gemeinde at once: %d values copied between these levels", path.Base(g.name), len(extra)))
	}
}

func colList(cols []int) string {
	var s []string
	for _, c := range cols {
		s = append(s, strconv.Itoa(c+1))
	}
	return strings.Join(s, ", ")
}

// dropEmptyColumns drops columns without a header whose cells are all
// empty (trailing delimiters).
func dropEmptyColumns(cols []genesisColumn, rows [][]string) []genesisColumn {
	out := cols[:0]
	for _, c := range cols {
		keep := c.header != ""
		for _, rec := range rows {
			if keep {
				break
			}
			keep = cellAt(rec, c.col) != ""
		}
		if keep {
			out = append(out, c)
		}
	}
	return out
}

func uniqueIndicators(cols []genesisColumn) map[string]bool {
	m := map[string]bool{}
	for _, c := range cols {
		for _, id := range c.indicator {
			if id != "" {
				m[id] = true
			}
		}
	}
	return m
}

// genesisDataRow recognises a data row and its layout: an optional date,
// the key, the name, category labels, then values.
func genesisDataRow(rec []string) (genesisLayout, bool) {
	lay := genesisLayout{dateCol: -1}
	i := 0
	if _, ok := cellDate(cellAt(rec, 0)); ok && isKeyCell(cellAt(rec, 1)) {
		lay.dateCol, i = 0, 1
	} else if !isKeyCell(cellAt(rec, 0)) {
		return lay, false
	}
	lay.keyCol, lay.nameCol = i, i+1
	j := i + 2
	for ; j < len(rec) && isCategoryCell(cellAt(rec, j)); j++ {
		lay.catCols = append(lay.catCols, j)
	}
	lay.firstVal = j
	return lay, j < len(rec) && anyValue(rec[j:])
}

// isCategoryCell: a label in a data row where values are expected.
func isCategoryCell(s string) bool {
	return s != "" && !isValueCell(s) && strings.IndexFunc(s, unicode.IsLetter) >= 0
}

func anyValue(cells []string) bool {
	for _, c := range cells {
		if isValueCell(c) {
			return true
		}
	}
	return false
}

// genesisColumns reads the header lines: per value column the joined header
// text, the unit (unit line, or "(unit)" at the end of the last title line)
// and the period when the time is in the header.
func genesisColumns(headers [][]string, title []string, lay genesisLayout, width int) ([]genesisColumn, string, string, error) {
	var timeRow, labelRow, unitRow = -1, -1, -1
	for i, h := range headers {
		if isTimeRow(h, lay.firstVal) {
			timeRow = i
			if i > 0 && allSame(headers[i-1], lay.firstVal) {
				labelRow = i - 1
			}
		}
	}
	for i := len(headers) - 1; i >= 0; i-- {
		if i != timeRow && isUnitRow(headers[i], lay.firstVal) {
			unitRow = i
			break
		}
	}
	measure, titleUnit := "", ""
	if n := len(title); n > 0 {
		if m := measureUnit.FindStringSubmatch(title[n-1]); m != nil && unitPattern.MatchString(clean(m[2])) {
			measure, titleUnit = title[n-1], clean(m[2])
		}
	}
	refDate := ""
	if labelRow >= 0 {
		refDate = clean(firstNonEmpty(headers[labelRow][lay.firstVal:]))
	}
	var cols []genesisColumn
	for j := lay.firstVal; j < width; j++ {
		c := genesisColumn{col: j, unit: titleUnit}
		var parts []string
		for i, h := range headers {
			cell := clean(cellAt(h, j))
			switch {
			case cell == "":
			case i == timeRow:
				d, _ := cellDate(cell)
				c.period, c.dayMonth = d.year, d.dayMonth
			case i == unitRow:
				c.unit = cell
			case i == labelRow:
			default:
				if len(parts) == 0 || parts[len(parts)-1] != cell {
					parts = append(parts, cell)
				}
			}
		}
		c.header = strings.Join(parts, ", ")
		if timeRow >= 0 && c.period == 0 {
			continue // a column without a date under a time header: empty trailing column
		}
		cols = append(cols, c)
	}
	if len(cols) == 0 {
		return nil, "", "", fmt.Errorf("no value columns")
	}
	if timeRow >= 0 {
		dm := cols[0].dayMonth
		switch {
		case refDate != "" && dm != "":
			refDate = refDate + " " + dm
		case dm != "":
			refDate = dm
		}
	} else {
		refDate = ""
		for _, l := range title {
			if strings.Contains(l, "Jahresdurchschnitt") {
				refDate = "Jahresdurchschnitt"
			}
		}
	}
	return cols, refDate, measure, nil
}

func isTimeRow(h []string, from int) bool {
	n := 0
	for _, c := range h[min(from, len(h)):] {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		if _, ok := cellDate(c); !ok {
			return false
		}
		n++
	}
	return n > 0
}

func isUnitRow(h []string, from int) bool {
	n := 0
	for _, c := range h[min(from, len(h)):] {
		if c = clean(c); c == "" {
			continue
		}
		if !unitPattern.MatchString(c) {
			return false
		}
		n++
	}
	return n > 0
}

func allSame(h []string, from int) bool {
	v := ""
	for _, c := range h[min(from, len(h)):] {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		if v != "" && c != v {
			return false
		}
		v = c
	}
	return v != ""
}

func firstNonEmpty(cells []string) string {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return c
		}
	}
	return ""
}

// genesisDecimal: raw GENESIS CSV prints a decimal comma and no thousands
// separators; a file with decimal points and no commas is read with ".".
func genesisDecimal(rows [][]string, lay genesisLayout) string {
	comma, point := 0, 0
	for _, rec := range rows {
		for _, c := range rec[min(lay.firstVal, len(rec)):] {
			c = strings.TrimSpace(c)
			if strings.Contains(c, ",") {
				comma++
			} else if strings.Contains(c, ".") && len(c) > 1 && c != "..." {
				point++
			}
		}
	}
	if point > 0 && comma == 0 {
		return "."
	}
	return ","
}

// parseGenesisFooter finds the © line, the licence and the "Stand" date
// in the footer records; the remaining text is kept as notes.
func parseGenesisFooter(recs [][]string) genesisFooter {
	var f genesisFooter
	for _, rec := range recs {
		for _, cell := range rec {
			text := clean(cell)
			if text == "" {
				continue
			}
			if m := standPattern.FindStringSubmatch(text); m != nil {
				f.stand = m[1]
				continue
			}
			if strings.Contains(text, "©") {
				if m := copyrightPattern.FindString(text); m != "" {
					f.copyright = clean(m)
				}
				f.licence, f.licenceURL = licenceOf(text)
				continue
			}
			f.notes = append(f.notes, text)
		}
	}
	if f.licence == "" {
		f.licence, f.licenceURL = licenceOf(strings.Join(f.notes, " "))
	}
	return f
}

// licenceOf recognises the Datenlizenz Deutschland in a footer text.
func licenceOf(text string) (string, string) {
	t := strings.ReplaceAll(strings.ToLower(text), "–", "-")
	switch {
	case strings.Contains(t, "datenlizenz deutschland") && strings.Contains(t, "zero"):
		return "dl-de/zero-2-0", "https://www.govdata.de/dl-de/zero-2-0"
	case strings.Contains(t, "datenlizenz deutschland") && strings.Contains(t, "namensnennung"):
		return "dl-de/by-2-0", "https://www.govdata.de/dl-de/by-2-0"
	}
	return "", ""
}

// indicator derives the catalogue entry of one value column and category.
func (g *genesisFile) indicator(id string, c *genesisColumn, cat string, h genesisHead) atlas.Indicator {
	tableTitle := strings.Join(g.title, " ")
	colTitle := c.header
	if h.measure != "" {
		tableTitle = strings.TrimSpace(strings.TrimSuffix(tableTitle, h.measure))
		colTitle = strings.TrimSpace(measureUnit.ReplaceAllString(h.measure, "$1")) + ": " + c.header
	}
	if colTitle == "" {
		colTitle = "Spalte " + strconv.Itoa(c.col+1)
	}
	if cat != "" {
		colTitle += " — " + cat
	}
	return genesisIndicator(id, colTitle, c, g.tableID, tableTitle, h.refDate, g.foot)
}

// genesisIndicator is the catalogue entry derived from the file for one
// value column. Direction is "context": the file does not say whether more
// means capacity or need; map the column to a curated catalogue entry for that.
func genesisIndicator(id, title string, c *genesisColumn, tableID, tableTitle, refDate string, f genesisFooter) atlas.Indicator {
	unit := c.unit
	if unit == "" {
		unit = "ohne Angabe"
	}
	src := "GENESIS-Tabelle " + tableID
	if strings.Contains(strings.ToLower(tableTitle), "regional") {
		src = "Regionaldatenbank Deutschland, Tabelle " + tableID
	}
	notes := ""
	if f.stand != "" {
		notes = "Stand der Daten: " + f.stand + "."
	}
	if len(f.notes) > 0 {
		n := strings.Join(f.notes, " ")
		if len(n) > 1500 {
			cut := strings.LastIndex(n[:1500], " ")
			if cut < 0 {
				cut = 1500
			}
			n = strings.ToValidUTF8(n[:cut], "") + " …"
		}
		notes = strings.TrimSpace(notes + " Fußnoten der Tabelle: " + n)
	}
	publisher := strings.TrimSpace(strings.TrimPrefix(f.copyright, "©"))
	if i := strings.LastIndex(publisher, ","); i > 0 {
		publisher = strings.TrimSpace(publisher[:i])
	}
	return atlas.Indicator{
		ID: id, Title: title,
		Definition: fmt.Sprintf("%s — Spalte %d der Tabelle %s „%s“, unverändert übernommen (automatischer Import ohne kuratierte Definition).",
			title, c.col+1, tableID, tableTitle),
		Unit: unit, Topic: "genesis", TopicTitle: "GENESIS-Tabellen (automatisch importiert)",
		Direction: atlas.DirectionContext, Source: src + ": " + tableTitle, Publisher: publisher, TableID: tableID,
		Licence: f.licence, LicenceURL: f.licenceURL, Attribution: strings.TrimSpace(f.copyright + " (" + src + "), " + f.licence),
		ReferenceDate: refDate, Notes: notes,
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
