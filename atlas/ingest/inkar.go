package ingest

import (
	"fmt"
	"math"
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

func readINKAR(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	text, err := decodeText(name, data, "")
	if err != nil {
		return nil, invalidf("%v", err)
	}
	t, err := parseDelimited(name, text, ';')
	if err != nil {
		return nil, fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
	}
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%s: %w: not a raw INKAR export: %s", name, atlas.ErrInvalidData, fmt.Sprintf(format, args...))
	}
	// The Kennziffer line, the names line and the years line, in the first lines.
	kz, namesRow, yearsRow := -1, -1, -1
	for i := 0; i < min(6, len(t.cells)); i++ {
		rec := t.cells[i]
		switch {
		case kz < 0 && strings.EqualFold(strings.TrimPrefix(cellAt(rec, 0), "\ufeff"), "Kennziffer"):
			kz = i
			if countNonEmpty(rec[min(3, len(rec)):]) > 0 {
				namesRow = i
			}
		case yearsRow < 0 && isTimeRow(rec, 3):
			yearsRow = i
		case namesRow < 0 && cellAt(rec, 0) == "" && countNonEmpty(rec[min(3, len(rec)):]) > 0:
			namesRow = i
		}
	}
	if kz < 0 {
		return nil, invalid(`no "Kennziffer" header line`)
	}
	if namesRow < 0 || yearsRow < 0 {
		return nil, invalid("no line of indicator names and no line of reference years above the data")
	}
	hdr := t.cells[kz]
	keyCol, nameCol, aggCol := 0, 1, 2
	for j, c := range hdr {
		switch strings.TrimSpace(strings.TrimPrefix(c, "\ufeff")) {
		case "Kennziffer":
			keyCol = j
		case "Raumeinheit":
			nameCol = j
		case "Aggregat":
			aggCol = j
		}
	}
	firstVal := max(keyCol, nameCol, aggCol) + 1
	first := max(kz, namesRow, yearsRow) + 1
	names, years := t.cells[namesRow], t.cells[yearsRow]

	type column struct {
		col       int
		name      string
		year      int
		indicator string
	}
	mapper := newColumnMapper(spec, known)
	var cols []column
	byName := map[string]string{}
	usedIDs := map[string]bool{}
	var proposed []atlas.Indicator
	for j := firstVal; j < len(names); j++ {
		nm := clean(names[j])
		if nm == "" {
			continue
		}
		y, _, ok := parsePeriod(cellAt(years, j))
		if !ok {
			return nil, invalid("column %d (%s): reference year %q is not a year", j+1, nm, cellAt(years, j))
		}
		c := column{col: j, name: nm, year: y}
		if id, ok := byName[nm]; ok {
			c.indicator = id
			cols = append(cols, c)
			continue
		}
		id, err := mapper.lookup(j+1, nm)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if id == "" && !spec.OnlyMapped {
			id = makeID("inkar", nm)
			if usedIDs[id] {
				id = makeID("inkar", nm, "c"+strconv.Itoa(j+1))
			}
			proposed = append(proposed, atlas.Indicator{
				ID: id, Title: nm,
				Definition: fmt.Sprintf("INKAR-Indikator „%s“, unverändert aus dem INKAR-Export übernommen (automatischer Import; Definition siehe inkar.de).", nm),
				Unit:       "ohne Angabe (INKAR-Export ohne Einheit)", Topic: "inkar", TopicTitle: "INKAR (automatisch importiert)",
				Direction: atlas.DirectionContext, Source: "INKAR – Indikatoren und Karten zur Raum- und Stadtentwicklung",
				Publisher: inkarPublisher, TableID: "INKAR: " + nm, Licence: "dl-de/by-2-0", LicenceURL: "https://www.govdata.de/dl-de/by-2-0",
				Attribution: inkarAttribution,
				Notes:       "Werte auf dem Gebietsstand des INKAR-Exports; Einheit im Export nicht angegeben.",
			})
		}
		usedIDs[id] = true
		byName[nm] = id
		c.indicator = id
		cols = append(cols, c)
	}
	if err := mapper.unused(name); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, invalid("no indicator columns")
	}
	res := &TableResult{Indicators: proposed}
	verr := &ValidationError{File: name}
	problem := func(line, col int, reason string) {
		if len(verr.Problems) < MaxProblems {
			verr.Problems = append(verr.Problems, &CellError{File: name, Row: line, Column: "#" + strconv.Itoa(col+1), Reason: reason})
		}
	}
	var keys []string
	for i := first; i < len(t.cells); i++ {
		keys = append(keys, inkarKey(cellAt(t.cells[i], keyCol)))
	}
	filter := newKeyFilter(keys)
	decimals := map[string]int{}
	seen := map[string]int{}
	padded := 0
	for ri := first; ri < len(t.cells); ri++ {
		in.progress(ri-first+1, len(t.cells)-first)
		rec, line := t.cells[ri], t.line[ri]
		if isBlank(rec) {
			continue
		}
		raw := cellAt(rec, keyCol)
		key := inkarKey(raw)
		if key != raw {
			padded++
		}
		if !isKeyCell(key) {
			problem(line, keyCol, fmt.Sprintf("Kennziffer %q is not a regional key", raw))
			continue
		}
		level, key, ok := filter.keep(key, cellAt(rec, nameCol))
		if !ok {
			continue
		}
		res.Rows++
		for _, c := range cols {
			if c.indicator == "" {
				continue
			}
			cell := cellAt(rec, c.col)
			v, flag, err := ParseValue(cell, ",")
			if err != nil {
				problem(line, c.col, err.Error())
				continue
			}
			if !math.IsNaN(v) {
				decimals[c.indicator] = max(decimals[c.indicator], decimalsOf(cell, ","))
			}
			dk := c.indicator + "|" + key + "|" + strconv.Itoa(c.year)
			if prev, dup := seen[dk]; dup {
				problem(line, c.col, fmt.Sprintf("duplicate value for %s, key %s, year %d (first in row %d)", c.name, key, c.year, prev))
				continue
			}
			seen[dk] = line
			res.Observations = append(res.Observations, atlas.Observation{Indicator: c.indicator, Level: level, Key: key, Period: c.year, Value: v, Flag: flag})
		}
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	if res.Rows == 0 {
		return nil, fmt.Errorf("%s: %w: no data rows", name, atlas.ErrInvalidData)
	}
	for i := range res.Indicators {
		res.Indicators[i].Decimals = decimals[res.Indicators[i].ID]
	}
	res.Report = append(res.Report, fmt.Sprintf("%s: INKAR export, %d column(s), %d region(s)", path.Base(name), len(cols), res.Rows))
	if padded > 0 {
		res.Report = append(res.Report, fmt.Sprintf("%s: %d Kennziffern had lost their leading zero and were padded", path.Base(name), padded))
	}
	res.Report = append(res.Report, filter.report(name)...)
	return res, nil
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
