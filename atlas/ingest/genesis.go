package ingest

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

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

// genesisLayout is where keys, names and values sit in the data rows.
type genesisLayout struct {
	dateCol  int // -1 when the time is in the header
	keyCol   int
	nameCol  int
	firstVal int
}

type genesisColumn struct {
	col       int    // 0-based
	header    string // joined header cells (without time and unit)
	unit      string
	period    int // from the header's time line, 0 when in the rows
	dayMonth  string
	indicator string
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

func readGENESIS(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	text, err := decodeText(name, data, "")
	if err != nil {
		return nil, invalidf("%v", err)
	}
	t, err := parseDelimited(name, text, ';')
	if err != nil {
		return nil, fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
	}
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%s: %w: not a raw GENESIS table: %s", name, atlas.ErrInvalidData, fmt.Sprintf(format, args...))
	}
	// Footer.
	end := len(t.cells)
	for i, rec := range t.cells {
		if strings.HasPrefix(cellAt(rec, 0), "_____") {
			end = i
			break
		}
	}
	foot := parseGenesisFooter(t.cells[min(end+1, len(t.cells)):])
	// Table id, title lines, the first data row and the layout.
	tableID := ""
	first, lay := -1, genesisLayout{}
	for i := 0; i < end; i++ {
		rec := t.cells[i]
		if tableID == "" && i < 3 {
			if m := tableIDPattern.FindStringSubmatch(strings.Join(rec, " ")); m != nil {
				tableID = m[1]
				continue
			}
		}
		if l, ok := genesisDataRow(rec); ok {
			first, lay = i, l
			break
		}
	}
	if first < 0 {
		return nil, invalid("no data row (date;key;name;values… or key;name;values…) before the footer")
	}
	if tableID == "" {
		return nil, invalid(`no table id ("GENESIS-Tabelle: 12411-01-01-4") in the first lines`)
	}
	var title []string
	var headers [][]string
	for i := 0; i < first; i++ {
		rec := t.cells[i]
		if tableIDPattern.MatchString(strings.Join(rec, " ")) && i < 3 {
			continue
		}
		if isBlank(rec) {
			continue
		}
		if cellAt(rec, 0) != "" && isBlank(rec[1:]) && len(headers) == 0 {
			title = append(title, clean(rec[0]))
			continue
		}
		headers = append(headers, rec)
	}
	width := 0
	for i := first; i < end; i++ {
		width = max(width, len(t.cells[i]))
	}
	cols, refDate, measure, err := genesisColumns(headers, title, lay, width)
	if err != nil {
		return nil, invalid("%v", err)
	}
	cols = dropEmptyColumns(cols, t.cells[first:end])
	if len(cols) == 0 {
		return nil, invalid("no value columns")
	}
	if lay.dateCol < 0 && cols[0].period == 0 && spec.PeriodValue == 0 {
		return nil, fmt.Errorf("%s: %w: no period: the rows have no date column and the header no date line; give the period", name, atlas.ErrInvalidData)
	}
	// Which keys does the table have (for the level decision)?
	var keys []string
	for i := first; i < end; i++ {
		if k := cellAt(t.cells[i], lay.keyCol); k != "" {
			keys = append(keys, k)
		}
	}
	filter := newKeyFilter(keys)
	decimal := genesisDecimal(t.cells[first:end], lay)

	// Indicator per distinct header: mapped, or derived.
	mapper := newColumnMapper(spec, known)
	prefix := makeID("rdb", tableID)
	groups := map[string]string{} // header → indicator
	var proposed []atlas.Indicator
	decimals := map[string]int{}
	tableTitle := strings.Join(title, " ")
	if measure != "" {
		tableTitle = strings.TrimSpace(strings.TrimSuffix(tableTitle, measure))
	}
	for i := range cols {
		c := &cols[i]
		if id, ok := groups[c.header]; ok {
			c.indicator = id
			continue
		}
		id, err := mapper.lookup(c.col+1, c.header)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if id == "" && !spec.OnlyMapped {
			id = prefix + "_c" + strconv.Itoa(c.col+1)
			colTitle := c.header
			if measure != "" {
				colTitle = strings.TrimSpace(measureUnit.ReplaceAllString(measure, "$1")) + ": " + c.header
			}
			if colTitle == "" {
				colTitle = "Spalte " + strconv.Itoa(c.col+1)
			}
			proposed = append(proposed, genesisIndicator(id, colTitle, c, tableID, tableTitle, refDate, foot))
		}
		groups[c.header] = id
		c.indicator = id
	}
	if err := mapper.unused(name); err != nil {
		return nil, err
	}
	if len(proposed) > 0 && (foot.copyright == "" || foot.licence == "") {
		return nil, fmt.Errorf("%s: %w: the footer names no © line or no licence, which the new indicator %s needs; map the columns to catalogue indicators", name, atlas.ErrInvalidData, proposed[0].ID)
	}

	res := &TableResult{}
	verr := &ValidationError{File: name}
	problem := func(line int, col int, reason string) {
		if len(verr.Problems) < MaxProblems {
			verr.Problems = append(verr.Problems, &CellError{File: name, Row: line, Column: "#" + strconv.Itoa(col+1), Reason: reason})
		}
	}
	seen := map[string]int{}
	total := end - first
	for ri := first; ri < end; ri++ {
		in.progress(ri-first+1, total)
		rec, line := t.cells[ri], t.line[ri]
		if isBlank(rec) {
			continue
		}
		key := cellAt(rec, lay.keyCol)
		rowPeriod := 0
		if lay.dateCol >= 0 {
			p, dm, ok := parsePeriod(cellAt(rec, lay.dateCol))
			if !ok {
				problem(line, lay.dateCol, fmt.Sprintf("%q is not a year or date", cellAt(rec, lay.dateCol)))
				continue
			}
			rowPeriod = p
			if refDate == "" && dm != "" {
				refDate = dm
			}
		}
		if !isKeyCell(key) {
			problem(line, lay.keyCol, fmt.Sprintf("%q is not a regional key", key))
			continue
		}
		level, key, ok := filter.keep(key, cellAt(rec, lay.nameCol))
		if !ok {
			continue
		}
		res.Rows++
		for _, c := range cols {
			if c.indicator == "" {
				continue
			}
			raw := cellAt(rec, c.col)
			v, flag, err := ParseValue(raw, decimal)
			if err != nil {
				problem(line, c.col, err.Error())
				continue
			}
			period := c.period
			if period == 0 {
				period = rowPeriod
			}
			if period == 0 {
				if spec.PeriodValue == 0 {
					problem(line, c.col, "no period: neither the row nor the header has a date (give period)")
					continue
				}
				period = spec.PeriodValue
			}
			if !math.IsNaN(v) {
				decimals[c.indicator] = max(decimals[c.indicator], decimalsOf(raw, decimal))
			}
			dk := c.indicator + "|" + key + "|" + strconv.Itoa(period)
			if prev, dup := seen[dk]; dup {
				problem(line, c.col, fmt.Sprintf("duplicate value for key %s, period %d (first in row %d)", key, period, prev))
				continue
			}
			seen[dk] = line
			res.Observations = append(res.Observations, atlas.Observation{Indicator: c.indicator, Level: level, Key: key, Period: period, Value: v, Flag: flag})
		}
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	if res.Rows == 0 {
		return nil, fmt.Errorf("%s: %w: no rows of Länder, Kreise or Gemeinden", name, atlas.ErrInvalidData)
	}
	for i := range proposed {
		proposed[i].Decimals = decimals[proposed[i].ID]
		if proposed[i].ReferenceDate == "" {
			proposed[i].ReferenceDate = refDate
		}
	}
	res.Indicators = proposed
	res.Report = append(res.Report, fmt.Sprintf("%s: GENESIS table %s, %d value column(s) → %d indicator(s), time %s, decimal %q",
		path.Base(name), tableID, len(cols), len(uniqueIndicators(cols)), map[bool]string{true: "per row", false: "in the header"}[lay.dateCol >= 0], decimal))
	res.Report = append(res.Report, filter.report(name)...)
	if extra := cityStates(res.Observations); len(extra) > 0 {
		res.Observations = append(res.Observations, extra...)
		res.Report = append(res.Report, fmt.Sprintf("%s: Berlin and Hamburg are Land, Kreis and Gemeinde at once: %d values copied between these levels", path.Base(name), len(extra)))
	}
	return res, nil
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
		if c.indicator != "" {
			m[c.indicator] = true
		}
	}
	return m
}

// genesisDataRow recognises a data row and its layout.
func genesisDataRow(rec []string) (genesisLayout, bool) {
	c0, c1 := cellAt(rec, 0), cellAt(rec, 1)
	if _, _, ok := parsePeriod(c0); ok && isKeyCell(c1) && len(rec) >= 4 && anyValue(rec[3:]) {
		return genesisLayout{dateCol: 0, keyCol: 1, nameCol: 2, firstVal: 3}, true
	}
	if isKeyCell(c0) && len(rec) >= 3 && anyValue(rec[2:]) {
		return genesisLayout{dateCol: -1, keyCol: 0, nameCol: 1, firstVal: 2}, true
	}
	return genesisLayout{}, false
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
				y, dm, _ := parsePeriod(cell)
				c.period, c.dayMonth = y, dm
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
		if _, _, ok := parsePeriod(c); !ok {
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
