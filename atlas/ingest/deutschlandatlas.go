package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/xuri/excelize/v2"
)

// FormatDeutschlandatlas is the data workbook of the Deutschlandatlas
// (BMWSB/BBSR, "Daten zum Deutschlandatlas"), accessible layout:
//
//	Titel           "Stand: 22.04.2026"
//	Impressum       publisher, "Vervielfältigung … mit Quellenangabe gestattet"
//	Deutschlandatlas_KRS1224   one sheet per level and Gebietsstand (KRS Kreise,
//	Deutschlandatlas_GEM1222   GEM Gemeinden, VBGEM Gemeindeverbände; 1224 =
//	…                          Gebietsstand 31.12.2024)
//
// and in each data sheet: a title row ("…, Gebietsstand zum 31.12.2024, …"),
// "zur Inhaltsübersicht", the table title, then the header row — key
// ("KRS1224", misspelt "KRS12224" in the 2026 edition), name, and one cell
// per indicator "Indikatorkürzel: kbetr_u3\n\nAnteil … im Jahr 2024 in %" —,
// the data rows with keys as integers that lost their leading zero
// (1001000 = Kreis 01001 × 1000, 1001000 = Gemeinde 01001000, 10010000 =
// Gemeindeverband 010010000), missing values as -9999, and a final row
// "Ende der Tabelle.".
const FormatDeutschlandatlas = "deutschlandatlas"

var (
	daSheetPattern = regexp.MustCompile(`^Deutschlandatlas_(KRS|GEM|VBGEM)(\d{2})(\d{2})$`)
	daStandPattern = regexp.MustCompile(`Stand:\s*(\d{1,2}\.\d{1,2}\.\d{4})`)
	daGSPattern    = regexp.MustCompile(`Gebietsstand zum (\d{1,2}\.\d{1,2}\.\d{4})`)
	daYearPattern  = regexp.MustCompile(`\b(19|20)(\d{2})(?:\s*[-–]\s*(\d{2,4}))?\b`)
)

const daMissing = "-9999"

func detectDeutschlandatlas(s Sniff) bool {
	return s.Zip && (strings.Contains(s.Name, "deutschlandatlas") || strings.Contains(s.Workbook, `name="Deutschlandatlas_`))
}

// daSheet is one data sheet of the workbook.
type daSheet struct {
	name         string
	level        atlas.Level
	gebietsstand string
	rows         [][]string
}

// daColumn is one indicator column of a sheet.
type daColumn struct {
	col        int
	code       string
	definition string
	period     int
	refDate    string // the year or range as written ("2021–2024")
	unit       string
	id         string
}

func readDeutschlandatlas(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxTableBytes, UnzipXMLSizeLimit: MaxTableBytes})
	if err != nil {
		return nil, invalidf("%s: open xlsx: %v", name, err)
	}
	defer f.Close()
	stand := daStand(f)
	var sheets []string
	for _, s := range f.GetSheetList() {
		if daSheetPattern.MatchString(s) && (spec.Sheet == "" || s == spec.Sheet) {
			sheets = append(sheets, s)
		}
	}
	if len(sheets) == 0 {
		if spec.Sheet != "" {
			return nil, invalidf("%s: no Deutschlandatlas data sheet %q (sheets: %s)", name, spec.Sheet, strings.Join(f.GetSheetList(), ", "))
		}
		return nil, invalidf("%s: no sheet named Deutschlandatlas_KRS…/GEM…/VBGEM… with a Gebietsstand (e.g. Deutschlandatlas_KRS1224): not a Deutschlandatlas data workbook", name)
	}
	c := newCollector(name)
	mapper := newColumnMapper(spec, known)
	dates := &dateSet{}
	var derived []atlas.Indicator
	ids := map[string]string{} // indicator → sheet
	for _, sn := range sheets {
		if spec.OnlyMapped && !daSheetMapped(f, sn, spec.Map) {
			continue // no mapped indicator in this sheet: not read at all (large Gemeinde sheets)
		}
		rows, err := f.GetRows(sn, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, invalidf("%s: sheet %q: %v", name, sn, err)
		}
		sh, err := newDASheet(name, sn, rows)
		if err != nil {
			return nil, err
		}
		cols, head, err := sh.columns(name)
		if err != nil {
			return nil, err
		}
		if err := sh.checkKeys(name, head); err != nil {
			if spec.Sheet != "" {
				return nil, fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
			}
			c.res.Report = append(c.res.Report, err.Error()+"; sheet left out")
			continue // this sheet's keys do not fit its level: reported, the others are read
		}
		var use []daColumn
		for _, col := range cols {
			id, err := mapper.lookup(0, col.code)
			if err != nil {
				return nil, fmt.Errorf("%s: sheet %s: %w", name, sn, err)
			}
			if id == "" {
				if spec.OnlyMapped {
					continue
				}
				id = makeID("da", col.code)
			}
			if prev, dup := ids[id]; dup {
				return nil, invalidf("%s: indicator %s in sheets %s and %s: map one of them to another id", name, id, prev, sn)
			}
			if cls := sh.textClasses(head, col); cls != "" {
				c.res.Report = append(c.res.Report, fmt.Sprintf("%s: sheet %s: %s holds text classes (%s), not numbers: not imported", path.Base(name), sn, col.code, cls))
				continue
			}
			ids[id] = sn
			col.id = id
			use = append(use, col)
			dates.add(date{year: col.period, text: col.refDate}, sn+" "+col.code)
			if _, ok := known[id]; !ok {
				derived = append(derived, col.indicator(sh, stand))
			}
		}
		sh.read(c, head, use)
	}
	if err := mapper.unused(name); err != nil {
		return nil, err
	}
	res, err := c.result(derived)
	if err != nil {
		return nil, err
	}
	res.Dates = dates
	res.Report = append([]string{fmt.Sprintf("%s: Deutschlandatlas workbook (Stand %s), sheets %s", path.Base(name), cmpOr(stand, "not stated"), strings.Join(sheets, ", "))}, res.Report...)
	// No copies between levels: the Kreis sheets have Berlin and Hamburg
	// themselves, and a Gemeinde indicator is not a Kreis indicator.
	return res, nil
}

// daSheetMapped reads a sheet's first rows only and reports whether its
// header names an indicator code of the map.
func daSheetMapped(f *excelize.File, sheet string, mapped map[string]string) bool {
	it, err := f.Rows(sheet)
	if err != nil {
		return true // let the full read report it
	}
	defer it.Close()
	for i := 0; i < 10 && it.Next(); i++ {
		r, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return true
		}
		for _, cell := range r {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(cell), "Indikatorkürzel:"); ok {
				if _, ok := mapped[strings.Fields(rest + " ")[0]]; ok {
					return true
				}
			}
		}
	}
	return false
}

func cmpOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// daStand reads "Stand: DD.MM.YYYY" from the title or Impressum sheet.
func daStand(f *excelize.File) string {
	for _, s := range []string{"Titel", "Impressum"} {
		rows, err := f.GetRows(s)
		if err != nil {
			continue
		}
		for _, r := range rows {
			for _, cell := range r {
				if m := daStandPattern.FindStringSubmatch(cell); m != nil {
					return m[1]
				}
			}
		}
	}
	return ""
}

func newDASheet(file, sn string, rows [][]string) (*daSheet, error) {
	m := daSheetPattern.FindStringSubmatch(sn)
	sh := &daSheet{name: sn, rows: rows, gebietsstand: "31." + m[2] + ".20" + m[3]}
	switch m[1] {
	case "KRS":
		sh.level = atlas.LevelKreis
	case "GEM":
		sh.level = atlas.LevelGemeinde
	case "VBGEM":
		sh.level = atlas.LevelVWG
	}
	for _, r := range rows[:min(3, len(rows))] {
		if g := daGSPattern.FindStringSubmatch(strings.Join(r, " ")); g != nil {
			sh.gebietsstand = g[1]
			break
		}
	}
	// The last non-empty row must say the table ends: otherwise it was cut.
	last := len(rows) - 1
	for last >= 0 && isBlank(rows[last]) {
		last--
	}
	if last < 0 || !strings.HasPrefix(strings.TrimSpace(cellAt(rows[last], 0)), "Ende der Tabelle") {
		return nil, invalidf("%s: sheet %s: no final row \"Ende der Tabelle.\": the table may be cut off", file, sn)
	}
	sh.rows = rows[:last]
	return sh, nil
}

// columns finds the header row (cells "Indikatorkürzel: …") and parses
// every indicator cell.
func (sh *daSheet) columns(file string) ([]daColumn, int, error) {
	for i, r := range sh.rows {
		var cols []daColumn
		for j, cell := range r {
			rest, ok := strings.CutPrefix(strings.TrimSpace(cell), "Indikatorkürzel:")
			if !ok {
				continue
			}
			code, def, _ := strings.Cut(strings.TrimLeft(rest, " \t"), "\n")
			col, err := parseDAHeader(code, def)
			if err != nil {
				return nil, 0, invalidf("%s: sheet %s, row %d, column %d: %v", file, sh.name, i+1, j+1, err)
			}
			col.col = j
			cols = append(cols, col)
		}
		if len(cols) > 0 {
			return cols, i, nil
		}
	}
	return nil, 0, invalidf("%s: sheet %s: no header row with cells \"Indikatorkürzel: …\"", file, sh.name)
}

// parseDAHeader reads "kbetr_u3" and "Anteil … im Jahr 2024 in %".
func parseDAHeader(code, def string) (daColumn, error) {
	// Line breaks inside words ("Mi-\nnuten") and between words.
	def = strings.ReplaceAll(def, "-\n", "")
	def = clean(strings.ReplaceAll(def, "\n", " "))
	code = strings.Fields(code + " ")[0]
	if code == "" || def == "" {
		return daColumn{}, fmt.Errorf("header %q: indicator code or definition missing", code)
	}
	col := daColumn{code: code, definition: def}
	matches := daYearPattern.FindAllStringSubmatchIndex(def, -1)
	if len(matches) == 0 {
		return daColumn{}, fmt.Errorf("%s: no year in the definition %q", code, def)
	}
	lastEnd, firstStart := 0, matches[0][0]
	for _, m := range matches {
		y, _ := strconv.Atoi(def[m[2]:m[5]])
		text := strconv.Itoa(y)
		if m[6] >= 0 { // a range "2021-24" or "2021–2024": the period is its last year
			to := def[m[6]:m[7]]
			if len(to) == 2 {
				to = def[m[2]:m[3]] + to
			}
			t, _ := strconv.Atoi(to)
			text = fmt.Sprintf("%d–%d", y, t)
			y = t
		}
		if y >= col.period {
			col.period, col.refDate = y, text
		}
		lastEnd = m[1]
	}
	col.unit = daUnit(def, firstStart, lastEnd)
	return col, nil
}

// daUnit is the unit a definition states: "… im Jahr 2024 in %" → "%",
// "… je 100.000 Einwohner/-innen im Jahr 2023" → "je 100.000 Einwohner",
// "… je Einwohner/-in im Jahr 2023 in €" → "€ je Einwohner"; "k. A." when
// the definition names none (never guessed).
func daUnit(def string, firstYear, afterYear int) string {
	per := ""
	if m := daPerPattern.FindStringSubmatch(def[:firstYear]); m != nil {
		per = "je " + daPerson.Replace(clean(m[1]))
	}
	rest := strings.TrimSpace(def[afterYear:])
	switch {
	case strings.HasPrefix(rest, "in "):
		u := strings.TrimSpace(rest[strings.LastIndex(" "+rest, " in ")+3:])
		if per != "" && !strings.Contains(u, "je ") {
			u += " " + per
		}
		return u
	case strings.HasPrefix(rest, "je ") || strings.HasPrefix(rest, "pro "):
		return "je " + daPerson.Replace(clean(strings.SplitN(rest, " ", 2)[1]))
	case per != "":
		return per
	}
	if m := daInPattern.FindStringSubmatch(def); m != nil {
		return m[1]
	}
	return "k. A."
}

var (
	daPerPattern = regexp.MustCompile(`(?:\bje|\bpro)\s+(.+?)\s*(?:im Jahr|in den Jahren|im Dezember|$)`)
	daInPattern  = regexp.MustCompile(`\bin (%|Minuten|km|€|1\.000 €)(?:\s|$)`)
	daPerson     = strings.NewReplacer("Einwohner/-innen", "Einwohner", "Einwohner-/innen", "Einwohner", "Einwohner/-in", "Einwohner")
)

// textClasses returns a sample when a column holds text classes ("8,50 bis
// unter 10,00") instead of numbers.
func (sh *daSheet) textClasses(head int, col daColumn) string {
	for _, r := range sh.rows[head+1:] {
		v := strings.TrimSpace(cellAt(r, col.col))
		if v == "" || v == daMissing || isSheetError(v) {
			continue
		}
		if _, _, err := ParseValue(v, "."); err != nil {
			return strconv.Quote(v)
		}
	}
	return ""
}

// daKey restores a key that lost its leading zero: Kreise are stored as
// AGS×1000 (7 or 8 digits), Gemeinden as AGS (7 or 8), Gemeindeverbände as
// the 9-digit ARS prefix (8 or 9).
func (sh *daSheet) key(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if !allDigits(raw) {
		return "", fmt.Errorf("%q is not a regional key", raw)
	}
	switch sh.level {
	case atlas.LevelKreis:
		if len(raw) < 7 || len(raw) > 8 || !strings.HasSuffix(raw, "000") {
			return "", fmt.Errorf("%q is not a Kreis key ×1000 (7 or 8 digits ending in 000)", raw)
		}
		return fmt.Sprintf("%08s", raw)[:5], nil
	case atlas.LevelGemeinde:
		if len(raw) < 7 || len(raw) > 8 {
			return "", fmt.Errorf("%q is not a Gemeinde key (7 or 8 digits)", raw)
		}
		return fmt.Sprintf("%08s", raw), nil
	default:
		if len(raw) == 8 && raw[0] == '0' || len(raw) < 8 || len(raw) > 9 {
			return "", fmt.Errorf("%q is not a 9-digit Gemeindeverband key (ARS prefix) without its leading zero", raw)
		}
		return fmt.Sprintf("%09s", raw), nil
	}
}

// checkKeys refuses a sheet whose first key does not fit its level (the
// 2019 Gemeindeverband sheet has 8-digit keys with a leading zero, not
// the 9-digit ARS prefix of the atlas).
func (sh *daSheet) checkKeys(file string, head int) error {
	for _, r := range sh.rows[head+1:] {
		if isBlank(r) {
			continue
		}
		if _, err := sh.key(cellAt(r, 0)); err != nil {
			return fmt.Errorf("%s: sheet %s (%s, Gebietsstand %s): keys such as %v", path.Base(file), sh.name, sh.level.Title(), sh.gebietsstand, err)
		}
		return nil
	}
	return invalidf("%s: sheet %s: no data rows", path.Base(file), sh.name)
}

// read collects the values of the chosen columns.
func (sh *daSheet) read(c *collector, head int, cols []daColumn) {
	missing, broken := 0, map[string]int{}
	for i, r := range sh.rows[head+1:] {
		line := head + i + 2
		if isBlank(r) {
			continue
		}
		key, err := sh.key(cellAt(r, 0))
		if err != nil {
			c.problem(line, 0, fmt.Sprintf("sheet %s: %v", sh.name, err))
			continue
		}
		c.res.Rows++
		for _, col := range cols {
			v := strings.TrimSpace(cellAt(r, col.col))
			switch {
			case v == daMissing || v == "":
				missing++
				v = "" // the workbook's documented missing value: no number, never -9999
			case isSheetError(v):
				broken[col.code+" "+v]++
				v = "" // a formula error in the workbook (#VALUE!): no number
			}
			c.value(line, col.col, col.id, sh.level, key, col.period, v, ".")
		}
	}
	if missing > 0 {
		c.res.Report = append(c.res.Report, fmt.Sprintf("%s: %d cell(s) -9999 or empty (missing in the workbook): no value", sh.name, missing))
	}
	for _, k := range sortedKeys(broken) {
		c.res.Report = append(c.res.Report, fmt.Sprintf("%s: %d cell(s) of %s: a spreadsheet formula error in the workbook, imported as no value", sh.name, broken[k], k))
	}
}

// isSheetError reports a spreadsheet error value (#VALUE!, #N/A, #DIV/0!).
func isSheetError(v string) bool {
	return strings.HasPrefix(v, "#") && (strings.HasSuffix(v, "!") || strings.HasSuffix(v, "?") || v == "#N/A")
}

// indicator derives a catalogue entry from the header cell.
func (col daColumn) indicator(sh *daSheet, stand string) atlas.Indicator {
	title := col.definition
	for _, cut := range []string{" im Jahr", " in den Jahren", " im Dezember"} {
		if i := strings.Index(title, cut); i > 0 {
			title = title[:i]
		}
	}
	attribution := "© Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen (BMWSB), Deutschlandatlas"
	if stand != "" {
		attribution += " (Daten zum Deutschlandatlas, Stand " + stand + ")"
	}
	ind := atlas.Indicator{ID: col.id, Title: title, Definition: col.definition + " (Indikatorkürzel " + col.code + ")", Unit: col.unit,
		Topic: "deutschlandatlas", TopicTitle: "Deutschlandatlas", Direction: atlas.DirectionContext,
		Source: "Deutschlandatlas, Daten zum Deutschlandatlas, Tabelle " + sh.name, Publisher: "Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen (BMWSB); Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR)",
		TableID: sh.name + ":" + col.code, Licence: "dl-de/by-2-0", LicenceURL: "https://www.govdata.de/dl-de/by-2-0",
		Attribution: attribution + ", dl-de/by-2-0", ReferenceDate: col.refDate, Gebietsstand: sh.gebietsstand}
	if col.unit == "k. A." {
		ind.Notes = "Die Quelle nennt keine Einheit."
	}
	if col.unit == "%" || strings.HasPrefix(col.unit, "je ") {
		ind.Measure, ind.Weight = atlas.MeasureIntensive, atlas.WeightPopulation
	}
	return ind
}

// workbookSheets lists the sheet names an xlsx declares (xl/workbook.xml),
// for detection; "" when data is no xlsx.
func workbookSheets(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	for _, f := range zr.File {
		if f.Name != "xl/workbook.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return ""
		}
		defer rc.Close()
		b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
		return string(b)
	}
	return ""
}
