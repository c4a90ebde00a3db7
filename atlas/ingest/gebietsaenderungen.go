package ingest

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// A Destatis list of territorial changes ("Gebietsänderungen", published
// per year as xls or xlsx): one row per change with the key of the unit
// that gives (old) and of the unit that takes (new), the kind of change,
// and the area and population that moved. Read as a crosswalk from the
// Gebietsstand before the changes to the one after them. The columns are
// found by their header text (old key: "Schlüssel"/"AGS" with "alt",
// "bisher" or "abgebend"; new key: with "neu" or "aufnehmend"; population:
// "Einwohner"/"Bevölkerung"; area: "Fläche"; kind: "Art der Änderung").
//
// Whole units (dissolution, incorporation, merger, key change) move with
// share 1; a unit that dissolves into several takes shares of the moved
// population. A partial transfer that moves inhabitants cannot be
// expressed as a share (the list does not give the giving unit's
// population before the change): recoding a table through it is refused
// with the rows named. A mean needs the population of every unit that
// contributes; the list gives it only for the units that dissolve.

var gaYear = regexp.MustCompile(`(?i)(\d{1,2}\.\d{1,2}\.(\d{4}))\s*(?:bis|-|–)\s*(\d{1,2}\.\d{1,2}\.(\d{4}))`)

// gaColumns are the columns of a list: old and nw hold every key column
// of a side (the Destatis lists give the Regionalschlüssel and the AGS
// side by side; a row takes the first that holds a key).
type gaColumns struct {
	old, nw                           []int
	pop, area, kind, oldName, newName int
	areaHa                            bool // "Fläche in ha"
}

// isBBSRWorkbook reports whether a workbook has the BBSR sheets "YYYY-YYYY".
func isBBSRWorkbook(w *workbook) bool {
	for _, s := range w.names {
		a, b, ok := strings.Cut(s, "-")
		if ok && len(a) == 4 && len(b) == 4 && allDigits(a) && allDigits(b) {
			return true
		}
	}
	return false
}

// readGebietsaenderungen reads a list of territorial changes; ok is false
// when the workbook is not one.
func readGebietsaenderungen(name string, w *workbook, year int) (*Crosswalk, bool, error) {
	for _, s := range w.names {
		rows := w.rows(s)
		h, c, ok := gaHeader(rows)
		if !ok {
			continue
		}
		from, to := gaPeriod(rows[:h])
		if from != 0 && from != year {
			return nil, true, invalidf("%s: the list covers the changes from 31.12.%d to %d; the data's Gebietsstand is %d (-crosswalk-year): use the list of the year after %d", name, from, to, year, year)
		}
		cw := &Crosswalk{Source: path.Base(name) + ":" + s, FromYear: year, ToYear: to}
		if to == 0 {
			cw.ToYear = year + 1
		}
		cw.describe = fmt.Sprintf("Gebietsstand nach den Gebietsänderungen der Liste %s (Destatis)", path.Base(name))
		if err := cw.gaRows(name, s, rows[h+1:], h+1, c); err != nil {
			return nil, true, err
		}
		return cw, true, nil
	}
	return nil, false, nil
}

// gaHeader finds the header row (one or two lines) and the columns. A
// group heading over several columns ("bisherige Zugehörigkeit" above the
// key and the name) is a merged cell whose text stands in its first column
// only: it is carried to the right until the next heading.
func gaHeader(rows [][]string) (int, gaColumns, bool) {
	for h := 0; h < min(25, len(rows)); h++ {
		texts := make([]string, len(rows[h]))
		group := ""
		for j := range texts {
			texts[j] = gvNorm(cellAt(rows[h], j))
			if h > 0 {
				if g := gvNorm(cellAt(rows[h-1], j)); g != "" {
					group = g
				}
				texts[j] = group + texts[j]
			}
		}
		c := gaColumns{pop: -1, area: -1, kind: -1, oldName: -1, newName: -1}
		for j, t := range texts {
			key := strings.Contains(t, "schlüssel") || strings.Contains(t, "ags") || strings.Contains(t, "kennziffer")
			name := strings.Contains(t, "name") || strings.Contains(t, "bezeichnung")
			old := strings.Contains(t, "alt") || strings.Contains(t, "bisher") || strings.Contains(t, "abgebend") || strings.Contains(t, "vorher")
			nw := strings.Contains(t, "neu") || strings.Contains(t, "aufnehmend") || strings.Contains(t, "nachfolg")
			switch {
			case key && old && !nw:
				c.old = append(c.old, j)
			case key && nw && !old:
				c.nw = append(c.nw, j)
			case name && old && c.oldName < 0:
				c.oldName = j
			case name && nw && c.newName < 0:
				c.newName = j
			case (strings.Contains(t, "einwohner") || strings.Contains(t, "bevölkerung")) && c.pop < 0:
				c.pop = j
			case strings.Contains(t, "fläche") && c.area < 0:
				c.area = j
				// "Fläche in ha", "Fläche (ha)", "Fläche [ha]"; km² otherwise
				_, unit, _ := strings.Cut(t, "fläche")
				c.areaHa = strings.Contains(unit, "ha") && !strings.Contains(unit, "km")
			case (strings.Contains(t, "artder") || strings.Contains(t, "änderungsart")) && c.kind < 0:
				c.kind = j
			}
		}
		if len(c.old) > 0 && len(c.nw) > 0 && c.pop >= 0 {
			return h, c, true
		}
	}
	return 0, gaColumns{}, false
}

// gaPeriod reads "vom 01.01.2020 bis 31.12.2020" from the title lines.
func gaPeriod(rows [][]string) (from, to int) {
	for _, r := range rows {
		if m := gaYear.FindStringSubmatch(strings.Join(r, " ")); m != nil {
			a, _ := strconv.Atoi(m[2])
			b, _ := strconv.Atoi(m[4])
			if strings.HasPrefix(m[1], "01.01.") || strings.HasPrefix(m[1], "1.1.") {
				a--
			}
			return a, b
		}
	}
	return 0, 0
}

// gaKey restores a key stored as a number or as a 12-digit ARS.
func gaKey(s string) (string, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ".0"))
	if !allDigits(s) {
		return "", false
	}
	switch len(s) {
	case 4, 7:
		s = "0" + s
	case 11:
		s = "0" + s
	}
	if len(s) == 12 {
		s = s[:5] + s[9:]
	}
	if len(s) != 5 && len(s) != 8 {
		return "", false
	}
	return s, true
}

// gaRows turns the changes into crosswalk pieces.
func (cw *Crosswalk) gaRows(name, sheet string, rows [][]string, first int, c gaColumns) error {
	type change struct {
		old, nw   string
		partial   bool
		pop, area float64
		line      int
	}
	if c.kind < 0 {
		return invalidf("%s: sheet %s: no column with the kind of change (Änderungsart): a partial transfer cannot be told from a whole unit that moves", name, sheet)
	}
	var changes []change
	verr := &ValidationError{File: name}
	for i, rec := range rows {
		if isBlank(rec) {
			continue
		}
		old, ok1 := gaFirstKey(rec, c.old)
		nw, ok2 := gaFirstKey(rec, c.nw)
		if !ok1 || !ok2 {
			continue // notes, subtotals, new units without a predecessor
		}
		partial, err := gaKind(cellAt(rec, c.kind))
		if err != nil {
			verr.add(&CellError{File: name, Row: first + i + 1, Column: sheet + "!" + excelColumn(c.kind), Reason: err.Error()})
			continue
		}
		pop, flag, err := ParseValue(cellAt(rec, c.pop), ",")
		if err != nil {
			if pop, flag, err = ParseValue(cellAt(rec, c.pop), "."); err != nil {
				verr.add(&CellError{File: name, Row: first + i + 1, Column: sheet + "!" + excelColumn(c.pop), Reason: err.Error()})
				continue
			}
		}
		if flag == atlas.FlagZero {
			pop = 0
		}
		area, _, _ := ParseValue(cellAt(rec, c.area), ",")
		if c.areaHa {
			area /= 100 // ha → km²
		}
		changes = append(changes, change{old, nw, partial, pop, area, first + i + 1})
	}
	if len(verr.Problems) > 0 {
		return verr
	}
	if len(changes) == 0 {
		return invalidf("%s: sheet %s: no changes with an old and a new key", name, sheet)
	}
	moved, movedArea := map[string]float64{}, map[string]float64{}
	partial := map[string]bool{}
	for _, ch := range changes {
		moved[ch.old] += ch.pop
		if !math.IsNaN(ch.area) {
			movedArea[ch.old] += ch.area
		}
		if ch.partial {
			partial[ch.old] = true
		}
	}
	for _, ch := range changes {
		r := CrosswalkRow{Old: ch.old, New: ch.nw, Population: ch.pop / 1000, Area: ch.area, PopShare: 1, AreaShare: 1}
		if movedArea[ch.old] > 0 && !math.IsNaN(ch.area) {
			r.AreaShare = ch.area / movedArea[ch.old]
		}
		if l, ok := atlas.LevelOfKey(ch.old); ok {
			cw.Level = l
		}
		switch {
		case partial[ch.old] && ch.pop == 0:
			continue // land without inhabitants: no share of any number moves with it
		case partial[ch.old]:
			r.PopShare, r.AreaShare = math.NaN(), math.NaN() // refused in Apply: the share cannot be computed
		case moved[ch.old] > 0:
			r.PopShare = ch.pop / moved[ch.old]
		}
		cw.Rows = append(cw.Rows, r)
	}
	return nil
}

// gaFirstKey returns the first key among a side's key columns.
func gaFirstKey(rec []string, cols []int) (string, bool) {
	for _, j := range cols {
		if k, ok := gaKey(cellAt(rec, j)); ok {
			return k, true
		}
	}
	return "", false
}

// gaKindCode is one line of a list's kind column: the Destatis lists give
// the kind as a code (1 Auflösung, 2 Teilausgliederung, 3
// Schlüsseländerung, 4 Namensänderung, 5 Neubildung; "2,3" for a part that
// moves and changes key), older lists and other publishers as text.
var gaKindCode = regexp.MustCompile(`^\s*[1-5](\s*(,|\.|;|/|\+|und)\s*[1-5])*\s*$`)

// gaKind reports whether a change moves only part of the giving unit. A
// kind it does not know is refused: read as a whole unit, a partial
// transfer would carry all of the giving unit's numbers to the taking one.
func gaKind(s string) (partial bool, err error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch {
	case t == "":
		return false, fmt.Errorf("no kind of change (Änderungsart)")
	case gaKindCode.MatchString(t):
		return strings.Contains(t, "2"), nil
	case strings.Contains(t, "teil") || strings.Contains(t, "umgliederung") || strings.Contains(t, "grenz"):
		return true, nil
	}
	for _, w := range []string{"auflös", "eingliederung", "eingemeindung", "zusammenschluss", "zusammenlegung", "vereinigung", "neubildung", "neuaufnahme", "schlüssel", "namen", "umbenennung"} {
		if strings.Contains(t, w) {
			return false, nil
		}
	}
	return false, fmt.Errorf("kind of change %q is not known (codes 1–5 or a text such as Auflösung, Teilausgliederung): refused rather than guessed", s)
}
