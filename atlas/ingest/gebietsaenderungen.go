package ingest

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/standortatlas/standortatlas/atlas"
)

// A Destatis list of territorial changes ("Namens-, Grenz- und
// Schlüsselnummernänderungen", Gemeindeverzeichnis GV-ISys; one workbook
// per year, xlsx since 2008, xls before): one row per change with its
// Kennziffer ("03/2016/0006-R"), the kind of unit (Regionaleinheit:
// Gemeinde, Kreis, Gemeindeverband …), the Regionalschlüssel, AGS and name
// of the unit that gives (old) and of the unit that takes (new), the kind
// of change as a code, the area and population that moved, and the legal
// and statistical date. Read as a crosswalk from the Gebietsstand before
// the changes to the one after them. The columns are found by their header
// text (old key: "Schlüssel"/"AGS" under or with "alt", "bisher",
// "abgebend"…; new key: with "neu", "aufnehmend"…; population:
// "Einwohner"/"Bevölkerung"; area: "Fläche" with its unit; kind:
// "Änderungsart"; unit: "Regionaleinheit"/"Gebietseinheit"; date:
// "statistisch wirksam"), or — when the header words are not recognised —
// by the layout every list since 2008 shares, once its rows carry
// Kennziffern (gaLayoutByShape).
//
// Whole units (dissolution, incorporation, merger, key change) move with
// share 1; a unit that dissolves into several takes shares of the moved
// population. A partial transfer that moves inhabitants cannot be
// expressed as a share (the list does not give the giving unit's
// population before the change): recoding a table through it is refused
// with the rows named. A mean needs the population of every unit that
// contributes; the list gives it only for the units that dissolve.

var (
	gaYear = regexp.MustCompile(`(?i)(\d{1,2}\.\d{1,2}\.(\d{4}))\s*(?:bis|-|–)\s*(\d{1,2}\.\d{1,2}\.(\d{4}))`)
	// gaKennziffer is the number of a change: Land/year/sequence, with a
	// letter for the kind of record in the newer lists.
	gaKennziffer = regexp.MustCompile(`^\d{2}/\d{4}/\d+(-[A-Z])?$`)
)

// gaColumns are the columns of a list: old and nw hold every key column
// of a side (the Destatis lists give the Regionalschlüssel and the AGS
// side by side; a row takes the first that holds a key).
type gaColumns struct {
	old, nw                           []int
	pop, area, kind, oldName, newName int
	level, date                       int
	statDate                          bool    // date is the statistical one
	areaKm2                           float64 // km² per unit of the area column; 0: not named
	areaHead                          string
}

func newGAColumns() gaColumns {
	return gaColumns{pop: -1, area: -1, kind: -1, oldName: -1, newName: -1, level: -1, date: -1}
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
			if h, c, ok = gaLayoutByShape(rows); !ok {
				continue
			}
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
		if err := cw.gaRows(name, s, rows[h+1:], h+1, c, to != 0); err != nil {
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
		c := newGAColumns()
		for j, t := range texts {
			c.classify(j, t)
		}
		if len(c.old) > 0 && len(c.nw) > 0 && c.pop >= 0 {
			return h, c, true
		}
	}
	return 0, gaColumns{}, false
}

// classify assigns column j by its (normalised) header text t.
func (c *gaColumns) classify(j int, t string) {
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	key := has("schlüssel", "ags", "kennziffer")
	name := has("name", "bezeichnung")
	old := has("alt", "bisher", "abgebend", "vorher", "vorder", "ursprüng")
	nw := has("neu", "aufnehmend", "nachfolg", "nachder", "künftig")
	switch {
	case key && old && !nw:
		c.old = append(c.old, j)
	case key && nw && !old:
		c.nw = append(c.nw, j)
	case name && old && c.oldName < 0:
		c.oldName = j
	case name && nw && c.newName < 0:
		c.newName = j
	case has("regionaleinheit", "gebietseinheit", "gebietsart") || t == "ebene":
		if c.level < 0 {
			c.level = j
		}
	case has("einwohner", "bevölkerung") && c.pop < 0:
		c.pop = j
	case has("fläche") && c.area < 0:
		c.area, c.areaHead = j, t
		c.areaKm2 = gaAreaUnit(t)
	case has("artder", "änderungsart") && c.kind < 0:
		c.kind = j
	case has("statistisch"):
		c.date, c.statDate = j, true
	case has("wirksam", "rechtlich", "datum") && c.date < 0:
		c.date = j
	}
}

// gaAreaUnit reads the unit of the area from its header ("Fläche in ha",
// "Fläche (qm)", "Fläche [km²]"): km² per unit, 0 when none is named.
func gaAreaUnit(t string) float64 {
	_, unit, _ := strings.Cut(t, "fläche")
	switch {
	case strings.Contains(unit, "km"):
		return 1
	case strings.Contains(unit, "ha"):
		return 0.01
	case strings.Contains(unit, "qm") || strings.Contains(unit, "m²") || strings.Contains(unit, "m2"):
		return 1e-6
	}
	return 0
}

// gaLayoutByShape recognises a list whose header words are not known by
// its rows: a Kennziffer in the first column and the 13 columns every
// Destatis list since 2008 has (Kennziffer, Regionaleinheit, old RS, AGS,
// name, Änderungsart, Fläche, Einwohner, new RS, AGS, name, legal and
// statistical date). The header lines above the first change must still
// name the area's unit.
func gaLayoutByShape(rows [][]string) (int, gaColumns, bool) {
	for i, r := range rows {
		if !gaKennziffer.MatchString(strings.TrimSpace(cellAt(r, 0))) {
			continue
		}
		if i == 0 || len(r) < 12 {
			return 0, gaColumns{}, false
		}
		c := gaColumns{old: []int{2, 3}, nw: []int{8, 9}, level: 1, oldName: 4, kind: 5, area: 6, pop: 7, newName: 10, date: 12, statDate: true}
		if len(r) < 13 {
			c.date, c.statDate = 11, false
		}
		for _, h := range rows[:i] {
			if t := gvNorm(cellAt(h, 6)); strings.Contains(t, "fläche") || c.areaHead != "" {
				c.areaHead += t
			}
		}
		c.areaKm2 = gaAreaUnit(c.areaHead)
		return i - 1, c, true
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

// gaKey restores a key stored as a number or as a 12-digit ARS; level,
// when the row names it, decides which part of an ARS is the key.
func gaKey(s string, level atlas.Level) (string, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ".0"))
	if !allDigits(s) {
		return "", false
	}
	switch len(s) {
	case 4, 7, 11:
		s = "0" + s
	}
	if len(s) == 12 {
		if level == atlas.LevelKreis {
			s = s[:5]
		} else {
			s = s[:5] + s[9:]
		}
	}
	if len(s) != 5 && len(s) != 8 {
		return "", false
	}
	if l, _ := atlas.LevelOfKey(s); level != 0 && l != level {
		return "", false
	}
	return s, true
}

// gaLevel reads the kind of unit of a row: Kreis and Gemeinde are read;
// read is false for the other units of the lists (Gemeindeverband, Land,
// Regierungsbezirk), whose level is returned when the atlas has it.
func gaLevel(s string) (l atlas.Level, read bool) {
	t := gvNorm(s)
	switch {
	case t == "":
		return 0, true // the key's length decides
	case strings.Contains(t, "verband") || strings.Contains(t, "verwaltungsgemeinschaft") || strings.Contains(t, "samtgemeinde") || strings.Contains(t, "verbandsgemeinde") || t == "amt":
		return atlas.LevelVWG, false
	case strings.Contains(t, "gemeinde"): // Gemeinde, gemeindefreies Gebiet
		return atlas.LevelGemeinde, true
	case strings.Contains(t, "kreis"): // Kreis, Landkreis, Stadtkreis, kreisfreie Stadt
		return atlas.LevelKreis, true
	case strings.Contains(t, "land"):
		return atlas.LevelLand, false
	}
	return 0, false // Regierungsbezirk and others: no level of the atlas
}

// gaDate reads a date cell: "01.11.2016", "2016-11-01 00:00:00", or an
// Excel day number (xlsx cells are read raw).
func gaDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{"02.01.2006", "2.1.2006", "2006-01-02", "2006-01-02 15:04:05", "01-02-06"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 1000 && f < 80000 {
		if t, err := excelize.ExcelDateToTime(f, false); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// gaChange is one row of a list.
type gaChange struct {
	old, nw   string
	partial   bool
	pop, area float64
	when      time.Time
	line      int
	unknown   string // why the piece's share is unknown
}

// gaRows turns the changes into crosswalk pieces. titled says whether the
// title named the period (then the dates must agree with it).
func (cw *Crosswalk) gaRows(name, sheet string, rows [][]string, first int, c gaColumns, titled bool) error {
	if c.kind < 0 {
		return invalidf("%s: sheet %s: no column with the kind of change (Änderungsart): a partial transfer cannot be told from a whole unit that moves", name, sheet)
	}
	if c.area >= 0 && c.areaKm2 == 0 {
		return invalidf("%s: sheet %s, column %s (%q): the unit of the area is not named (ha, qm or km²): refused rather than guessed", name, sheet, excelColumn(c.area), c.areaHead)
	}
	changes, err := cw.gaChanges(name, sheet, rows, first, c)
	if err != nil {
		return err
	}
	if err := cw.gaPeriodFromDates(name, sheet, changes, titled); err != nil {
		return err
	}
	gaFollowChains(changes)
	cw.gaPieces(changes)
	return nil
}

// gaChanges reads the rows; rows without an old and a new key (notes,
// new units without a predecessor) are passed over.
func (cw *Crosswalk) gaChanges(name, sheet string, rows [][]string, first int, c gaColumns) ([]gaChange, error) {
	var changes []gaChange
	verr := &ValidationError{File: name}
	cellErr := func(i, col int, reason string) {
		verr.add(&CellError{File: name, Row: first + i + 1, Column: sheet + "!" + excelColumn(col), Reason: reason})
	}
	for i, rec := range rows {
		if isBlank(rec) {
			continue
		}
		var level atlas.Level
		if c.level >= 0 {
			l, read := gaLevel(cellAt(rec, c.level))
			if !read {
				if l != 0 {
					if cw.unread == nil {
						cw.unread = map[atlas.Level]int{}
					}
					cw.unread[l]++
				}
				continue
			}
			level = l
		}
		old, ok1 := gaFirstKey(rec, c.old, level)
		nw, ok2 := gaFirstKey(rec, c.nw, level)
		if !ok1 || !ok2 {
			continue
		}
		partial, err := gaKind(cellAt(rec, c.kind))
		if err != nil {
			cellErr(i, c.kind, err.Error())
			continue
		}
		pop, flag, err := ParseValue(cellAt(rec, c.pop), ",")
		if err != nil {
			if pop, flag, err = ParseValue(cellAt(rec, c.pop), "."); err != nil {
				cellErr(i, c.pop, err.Error())
				continue
			}
		}
		if flag == atlas.FlagZero {
			pop = 0
		}
		area := math.NaN()
		if c.area >= 0 {
			if a, _, err := ParseValue(cellAt(rec, c.area), ","); err == nil {
				area = a * c.areaKm2
			}
		}
		ch := gaChange{old: old, nw: nw, partial: partial, pop: pop, area: area, line: first + i + 1}
		if c.date >= 0 {
			if s := cellAt(rec, c.date); strings.TrimSpace(s) != "" {
				if ch.when, ok1 = gaDate(s); !ok1 {
					cellErr(i, c.date, fmt.Sprintf("%q is not a date", s))
					continue
				}
			}
		}
		changes = append(changes, ch)
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	if len(changes) == 0 {
		return nil, invalidf("%s: sheet %s: no changes of Kreise or Gemeinden with an old and a new key", name, sheet)
	}
	return changes, nil
}

// gaPeriodFromDates checks the rows' dates against the Gebietsstand: a date
// in the file beats the flag. Every change must take effect after
// 31.12.FromYear, the first in the year after it (else the list misses the
// changes in between); the list then leads to 31.12. of its last date.
func (cw *Crosswalk) gaPeriodFromDates(name, sheet string, changes []gaChange, titled bool) error {
	var first, last *gaChange
	for i := range changes {
		ch := &changes[i]
		if ch.when.IsZero() {
			continue
		}
		if first == nil || ch.when.Before(first.when) {
			first = ch
		}
		if last == nil || ch.when.After(last.when) {
			last = ch
		}
	}
	if first == nil {
		return nil
	}
	day := func(ch *gaChange) string { return ch.when.Format("02.01.2006") }
	switch {
	case first.when.Year() <= cw.FromYear:
		return invalidf("%s: sheet %s, row %d: the change took effect on %s, not after the data's Gebietsstand 31.12.%d (-crosswalk-year): use the list of the year after %d", name, sheet, first.line, day(first), cw.FromYear, cw.FromYear)
	case first.when.Year() > cw.FromYear+1:
		return invalidf("%s: sheet %s: the list's first change took effect on %s (row %d); the data's Gebietsstand is 31.12.%d (-crosswalk-year): the changes of %d are not in this list; recode with the list of %d first", name, sheet, day(first), first.line, cw.FromYear, cw.FromYear+1, cw.FromYear+1)
	case titled && last.when.Year() > cw.ToYear:
		return invalidf("%s: sheet %s, row %d: the change took effect on %s, after the period the title names (to 31.12.%d)", name, sheet, last.line, day(last), cw.ToYear)
	}
	cw.ToYear = last.when.Year()
	return nil
}

// gaFollowChains carries a piece on when the unit that takes it changes
// again later in the same list (A joins B on 01.01., B joins C on 01.07.:
// A's numbers belong to C at the end of the list). Where the list's
// numbers cannot say where the piece ends — the taking unit is split or
// gives part of itself later, or the list has no dates to put the two
// changes in order — the piece's share is unknown and recoding a value
// through it is refused with the rows named.
func gaFollowChains(changes []gaChange) {
	byOld := map[string][]int{}
	for i, ch := range changes {
		if ch.old != ch.nw {
			byOld[ch.old] = append(byOld[ch.old], i)
		}
	}
	for i := range changes {
		ch := &changes[i]
		for step := 0; step < 20 && ch.unknown == ""; step++ {
			var later []int
			for _, j := range byOld[ch.nw] {
				nx := changes[j]
				switch {
				case ch.old == ch.nw:
				case ch.when.IsZero() || nx.when.IsZero():
					ch.unknown = fmt.Sprintf("rows %d and %d: %s takes %s and changes itself (to %s), and the list gives no dates to put the two in order", ch.line, nx.line, ch.nw, ch.old, nx.nw)
				case nx.when.After(ch.when):
					later = append(later, j)
				}
			}
			if len(later) == 0 {
				break
			}
			nx := changes[later[0]]
			if len(later) > 1 || nx.partial {
				ch.unknown = fmt.Sprintf("rows %d and %d: %s takes %s on %s and is split or gives part of itself on %s, and the list does not say where the piece of %s lies", ch.line, nx.line, ch.nw, ch.old, ch.when.Format("02.01.2006"), nx.when.Format("02.01.2006"), ch.old)
				break
			}
			ch.nw, ch.when = nx.nw, nx.when
		}
	}
}

// gaPieces turns the changes into crosswalk rows: shares of the moved
// population and area per giving unit.
func (cw *Crosswalk) gaPieces(changes []gaChange) {
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
		switch {
		case partial[ch.old] && ch.pop == 0:
			continue // land without inhabitants: no share of any number moves with it
		case ch.unknown != "":
			r.PopShare, r.AreaShare, r.unknown = math.NaN(), math.NaN(), ch.unknown
		case partial[ch.old]:
			r.PopShare, r.AreaShare = math.NaN(), math.NaN() // refused in Apply: the share cannot be computed
			r.unknown = fmt.Sprintf("row %d: %s gives part of itself to %s and the list does not give its size before the change", ch.line, ch.old, ch.nw)
		case moved[ch.old] > 0:
			r.PopShare = ch.pop / moved[ch.old]
		}
		cw.Rows = append(cw.Rows, r)
	}
}

// gaFirstKey returns the first key among a side's key columns.
func gaFirstKey(rec []string, cols []int, level atlas.Level) (string, bool) {
	for _, j := range cols {
		if k, ok := gaKey(cellAt(rec, j), level); ok {
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
