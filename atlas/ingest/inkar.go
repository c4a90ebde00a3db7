package ingest

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// The raw INKAR export (BBSR, inkar.de): UTF-8 with BOM, CRLF, ";", every
// value quoted, decimal comma and thousands dot ("1.560"):
//
//	Kennziffer;Raumeinheit;Aggregat;Ausländeranteil;SGB II - Quote;…   indicator names
//	;;;2017;2017;…                                                     reference year per column
//	"01001";"Flensburg, Stadt";"krsfr. Stadt";"13,3";"16,2";…
//
// (Some exports put the names on a line of their own above the
// Kennziffer line.) Every column becomes an indicator per name — a name
// repeated with several years is one indicator with several periods —
// unless TableSpec.Map maps it (by column number or name) to a catalogue id.
// The export carries no units, definitions or licence line: derived
// entries say so, and the licence is INKAR's (dl-de/by-2-0, "INKAR, BBSR Bonn").

const (
	inkarPublisher   = "Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR)"
	inkarAttribution = "INKAR, BBSR Bonn, dl-de/by-2-0"
)

// inkarFile is an INKAR export split into its parts.
type inkarFile struct {
	name                   string
	t                      *rows
	kz, namesRow, yearsRow int
	keyCol, nameCol, first int
	firstVal               int
}

type inkarColumn struct {
	col       int
	name      string
	year      int
	indicator string
}

func readINKAR(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	f, err := parseINKAR(in.context(), name, data)
	if err != nil {
		return nil, err
	}
	cols, proposed, err := f.columns(spec, known)
	if err != nil {
		return nil, err
	}
	c := newCollector(name)
	var keys []string
	for i := f.first; i < len(f.t.cells); i++ {
		keys = append(keys, inkarKey(cellAt(f.t.cells[i], f.keyCol)))
	}
	filter := newKeyFilter(keys)
	padded := 0
	for ri := f.first; ri < len(f.t.cells); ri++ {
		in.progress(ri-f.first+1, len(f.t.cells)-f.first)
		if f.row(c, filter, cols, f.t.cells[ri], f.t.line[ri]) {
			padded++
		}
	}
	res, err := c.result(proposed)
	if err != nil {
		return nil, err
	}
	res.Report = append(res.Report, fmt.Sprintf("%s: INKAR export, %d column(s), %d region(s)", path.Base(name), len(cols), res.Rows))
	if padded > 0 {
		res.Report = append(res.Report, fmt.Sprintf("%s: %d Kennziffern had lost their leading zero and were padded", path.Base(name), padded))
	}
	res.Report = append(res.Report, filter.report(name)...)
	return res, nil
}

func (f *inkarFile) invalid(format string, args ...any) error {
	return fmt.Errorf("%s: %w: not a raw INKAR export: %s", f.name, atlas.ErrInvalidData, fmt.Sprintf(format, args...))
}

// parseINKAR finds the Kennziffer line, the names line and the years line
// in the first lines, and the key, name and Aggregat columns.
func parseINKAR(ctx context.Context, name string, data []byte) (*inkarFile, error) {
	text, err := decodeText(name, data, "")
	if err != nil {
		return nil, invalidf("%v", err)
	}
	t, err := parseDelimited(ctx, name, text, ';')
	if err != nil {
		return nil, fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
	}
	f := &inkarFile{name: name, t: t, kz: -1, namesRow: -1, yearsRow: -1}
	for i := 0; i < min(6, len(t.cells)); i++ {
		rec := t.cells[i]
		switch {
		case f.kz < 0 && strings.EqualFold(strings.TrimPrefix(cellAt(rec, 0), "\ufeff"), "Kennziffer"):
			f.kz = i
			if countNonEmpty(rec[min(3, len(rec)):]) > 0 {
				f.namesRow = i
			}
		case f.yearsRow < 0 && isTimeRow(rec, 3):
			f.yearsRow = i
		case f.namesRow < 0 && cellAt(rec, 0) == "" && countNonEmpty(rec[min(3, len(rec)):]) > 0:
			f.namesRow = i
		}
	}
	if f.kz < 0 {
		return nil, f.invalid(`no "Kennziffer" header line`)
	}
	if f.namesRow < 0 || f.yearsRow < 0 {
		return nil, f.invalid("no line of indicator names and no line of reference years above the data")
	}
	aggCol := 2
	f.keyCol, f.nameCol = 0, 1
	for j, c := range t.cells[f.kz] {
		switch strings.TrimSpace(strings.TrimPrefix(c, "\ufeff")) {
		case "Kennziffer":
			f.keyCol = j
		case "Raumeinheit":
			f.nameCol = j
		case "Aggregat":
			aggCol = j
		}
	}
	f.firstVal = max(f.keyCol, f.nameCol, aggCol) + 1
	f.first = max(f.kz, f.namesRow, f.yearsRow) + 1
	return f, nil
}

// columns maps the value columns to indicators: mapped, or derived from
// the name (a name repeated with several years is one indicator).
func (f *inkarFile) columns(spec TableSpec, known map[string]atlas.Indicator) ([]inkarColumn, []atlas.Indicator, error) {
	names, years := f.t.cells[f.namesRow], f.t.cells[f.yearsRow]
	mapper := newColumnMapper(spec, known)
	var cols []inkarColumn
	byName := map[string]string{}
	usedIDs := map[string]bool{}
	var proposed []atlas.Indicator
	for j := f.firstVal; j < len(names); j++ {
		nm := clean(names[j])
		if nm == "" {
			continue
		}
		y, _, ok := parsePeriod(cellAt(years, j))
		if !ok {
			return nil, nil, f.invalid("column %d (%s): reference year %q is not a year", j+1, nm, cellAt(years, j))
		}
		c := inkarColumn{col: j, name: nm, year: y}
		if id, ok := byName[nm]; ok {
			c.indicator = id
			cols = append(cols, c)
			continue
		}
		id, err := mapper.lookup(j+1, nm)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if id == "" && !spec.OnlyMapped {
			id = makeID("inkar", nm)
			if usedIDs[id] {
				id = makeID("inkar", nm, "c"+strconv.Itoa(j+1))
			}
			proposed = append(proposed, inkarIndicator(id, nm))
		}
		usedIDs[id] = true
		byName[nm] = id
		c.indicator = id
		cols = append(cols, c)
	}
	if err := mapper.unused(f.name); err != nil {
		return nil, nil, err
	}
	if len(cols) == 0 {
		return nil, nil, f.invalid("no indicator columns")
	}
	return cols, proposed, nil
}

// row reads one data row; it reports whether the key lost its leading zero.
func (f *inkarFile) row(c *collector, filter *keyFilter, cols []inkarColumn, rec []string, line int) (padded bool) {
	if isBlank(rec) {
		return false
	}
	raw := cellAt(rec, f.keyCol)
	key := inkarKey(raw)
	if !isKeyCell(key) {
		c.problem(line, f.keyCol, fmt.Sprintf("Kennziffer %q is not a regional key", raw))
		return false
	}
	level, key, ok := filter.keep(key, cellAt(rec, f.nameCol))
	if !ok {
		return false
	}
	c.res.Rows++
	for _, col := range cols {
		if col.indicator != "" {
			c.value(line, col.col, col.indicator, level, key, col.year, cellAt(rec, col.col), ",")
		}
	}
	return inkarKey(raw) != raw
}

// inkarIndicator is the catalogue entry derived for an INKAR column.
func inkarIndicator(id, nm string) atlas.Indicator {
	return atlas.Indicator{
		ID: id, Title: nm,
		Definition: fmt.Sprintf("INKAR-Indikator „%s“, unverändert aus dem INKAR-Export übernommen (automatischer Import; Definition siehe inkar.de).", nm),
		Unit:       "ohne Angabe (INKAR-Export ohne Einheit)", Topic: "inkar", TopicTitle: "INKAR (automatisch importiert)",
		Direction: atlas.DirectionContext, Source: "INKAR – Indikatoren und Karten zur Raum- und Stadtentwicklung",
		Publisher: inkarPublisher, TableID: "INKAR: " + nm, Licence: "dl-de/by-2-0", LicenceURL: "https://www.govdata.de/dl-de/by-2-0",
		Attribution: inkarAttribution,
		Notes:       "Werte auf dem Gebietsstand des INKAR-Exports; Einheit im Export nicht angegeben.",
	}
}

// inkarKey restores a leading zero that spreadsheet round trips drop from
// Kennziffern (1001 → 01001, 1001000 → 01001000).
func inkarKey(s string) string {
	s = strings.TrimSpace(s)
	if allDigits(s) {
		switch len(s) {
		case 1, 4, 7, 11:
			return "0" + s
		}
	}
	return s
}

func countNonEmpty(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}
