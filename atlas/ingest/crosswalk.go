package ingest

import (
	"bytes"
	"fmt"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/standortatlas/standortatlas/atlas"
)

// A crosswalk recodes values of an older Gebietsstand to the regions of a
// later one. Sources: the BBSR "Umsteigeschlüssel" (ref-kreise-umrech-2020-…
// .xlsx, one sheet per year Y "2015-2020": each row maps a Kreis of 31.12.Y
// to a Kreis of 31.12.2020 with the share of its area, population and
// employees that goes there, and the area and population (in 1000) — of the
// piece in some sheets, of the whole old Kreis in others (read per sheet and
// column), keys stored as numbers AGS×1000), a Destatis Gebietsänderungen
// list (gebietsaenderungen.go), and whole-unit mergers ("16056=16063").
//
// Extensive indicators (counts, areas, amounts) are split by their weight
// share and summed: new = Σ value × share. Intensive ones (rates, shares,
// means) become means weighted by their base: new = Σ value × w / Σ w,
// with w the population or area of each piece. measure.go says which.

// Crosswalk maps old keys to new ones.
type Crosswalk struct {
	Source   string // file and sheet
	FromYear int    // Gebietsstand 31.12.FromYear of the old keys
	ToYear   int    // Gebietsstand 31.12.ToYear of the new keys (before merges)
	Level    atlas.Level
	Rows     []CrosswalkRow
	Merges   [][2]string // OLD=NEW after ToYear
	full     bool        // Rows list every region of FromYear
	// unread counts the changes of levels the crosswalk does not apply
	// (a Gebietsänderungen list's Gemeindeverbände): a table of such a
	// level is refused, not passed through on its old keys.
	unread map[atlas.Level]int
	// describe says how the crosswalk was made, for the Gebietsstand note.
	describe string
}

// CrosswalkRow is one old → new piece.
type CrosswalkRow struct {
	Old, New         string
	OldName, NewName string
	PopShare         float64 // share of Old's population that lies in New
	AreaShare        float64 // share of Old's area that lies in New
	// Population (in 1000) and Area (km²) of the piece of Old that lies in
	// New at 31.12.FromYear; NaN when unknown.
	Population, Area float64
	unknown          string // why the shares are unknown (NaN)
}

// weight returns the piece's share and absolute weight for a base.
func (r CrosswalkRow) weight(base string) (share, w float64) {
	if base == atlas.WeightArea {
		return r.AreaShare, r.Area
	}
	return r.PopShare, r.Population
}

// ReadBBSRCrosswalk reads the sheet of year from a BBSR Umsteigeschlüssel xlsx.
func ReadBBSRCrosswalk(name string, data []byte, year int) (*Crosswalk, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxTableBytes, UnzipXMLSizeLimit: MaxTableBytes})
	if err != nil {
		return nil, invalidf("%s: open xlsx: %v", name, err)
	}
	defer f.Close()
	sheet, to, err := bbsrSheet(name, f, year)
	if err != nil {
		return nil, err
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil || len(rows) < 2 {
		return nil, invalidf("%s: sheet %s: no rows", name, sheet)
	}
	c, err := bbsrColumns(name, sheet, rows[0], year, to)
	if err != nil {
		return nil, err
	}
	cw := &Crosswalk{Source: path.Base(name) + ":" + sheet, FromYear: year, ToYear: to, Level: atlas.LevelKreis, full: true,
		describe: fmt.Sprintf("Kreise 31.12.%d (umgerechnet von 31.12.%d mit dem BBSR-Umsteigeschlüssel)", to, year)}
	if cw.Rows, err = bbsrRows(name, sheet, rows, c); err != nil {
		return nil, err
	}
	if err := cw.pieceSizes(name, sheet); err != nil {
		return nil, err
	}
	return cw, cw.checkShares(name, sheet)
}

func bbsrSheet(name string, f *excelize.File, year int) (string, int, error) {
	var years []string
	for _, s := range f.GetSheetList() {
		from, toS, ok := strings.Cut(s, "-")
		years = append(years, from)
		if ok && from == strconv.Itoa(year) {
			to, err := strconv.Atoi(toS)
			if err != nil {
				return "", 0, invalidf("%s: sheet %q: target year not found", name, s)
			}
			return s, to, nil
		}
	}
	return "", 0, invalidf("%s: no sheet for %d (years: %s)", name, year, strings.Join(years, ", "))
}

func bbsrColumns(name, sheet string, head []string, year, to int) (map[string]int, error) {
	c := map[string]int{}
	for j, h := range head {
		n := gvNorm(h)
		switch {
		case strings.HasPrefix(n, "kreise") && strings.Contains(n, strconv.Itoa(year)) && c["old"] == 0 && j == 0:
			c["old"] = j + 1
		case strings.HasPrefix(n, "kreise") && strings.Contains(n, strconv.Itoa(to)):
			c["new"] = j + 1
		case strings.HasPrefix(n, "kreisname") && strings.Contains(n, strconv.Itoa(year)) && c["oldname"] == 0:
			c["oldname"] = j + 1
		case strings.HasPrefix(n, "kreisname") && strings.Contains(n, strconv.Itoa(to)):
			c["newname"] = j + 1
		case strings.HasPrefix(n, "bevölkerungsproportional"):
			c["pop"] = j + 1
		case strings.HasPrefix(n, "flächenproportional"):
			c["area"] = j + 1
		case strings.HasPrefix(n, "bevölkerungam"):
			c["oldpop"] = j + 1
		case strings.HasPrefix(n, "flächeam"):
			c["oldarea"] = j + 1
		}
	}
	for _, need := range []string{"old", "new", "pop", "oldpop"} {
		if c[need] == 0 {
			return nil, invalidf("%s: sheet %s: column %s not found in the header", name, sheet, need)
		}
	}
	return c, nil
}

func bbsrRows(name, sheet string, rows [][]string, c map[string]int) ([]CrosswalkRow, error) {
	verr := &ValidationError{File: name}
	num := func(i int, rec []string, field string) float64 {
		if c[field] == 0 {
			return math.NaN()
		}
		s := cellAt(rec, c[field]-1)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			verr.add(&CellError{File: name, Row: i + 1, Column: sheet + "!" + excelColumn(c[field]-1), Reason: fmt.Sprintf("%q is not a number", s)})
			return math.NaN()
		}
		return v
	}
	var out []CrosswalkRow
	for i := 1; i < len(rows); i++ {
		rec := rows[i]
		if isBlank(rec) {
			continue
		}
		old, err1 := bbsrKey(cellAt(rec, c["old"]-1))
		nw, err2 := bbsrKey(cellAt(rec, c["new"]-1))
		for _, e := range []error{err1, err2} {
			if e != nil {
				verr.add(&CellError{File: name, Row: i + 1, Column: sheet, Reason: e.Error()})
			}
		}
		r := CrosswalkRow{Old: old, New: nw, PopShare: num(i, rec, "pop"), AreaShare: num(i, rec, "area"), Population: num(i, rec, "oldpop"), Area: num(i, rec, "oldarea")}
		if c["oldname"] > 0 {
			r.OldName = cellAt(rec, c["oldname"]-1)
		}
		if c["newname"] > 0 {
			r.NewName = cellAt(rec, c["newname"]-1)
		}
		out = append(out, r)
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	return out, nil
}

// pieceSizes turns the population and area columns into the sizes of the
// pieces. The BBSR sheets differ: some give each piece's population and
// area, others repeat the whole old Kreis's on each of its rows. Per
// column: a Kreis split into pieces whose values are all equal is a total
// (piece = share × total); values that differ are pieces.
func (cw *Crosswalk) pieceSizes(name, sheet string) error {
	byOld := map[string][]int{}
	for i, r := range cw.Rows {
		byOld[r.Old] = append(byOld[r.Old], i)
	}
	for _, col := range []string{atlas.WeightPopulation, atlas.WeightArea} {
		kind, err := cw.sizeKind(byOld, col)
		if err != nil {
			return invalidf("%s: sheet %s: %v", name, sheet, err)
		}
		if kind != "total" {
			continue
		}
		for i := range cw.Rows {
			r := &cw.Rows[i]
			if col == atlas.WeightPopulation {
				r.Population *= r.PopShare
			} else {
				r.Area *= r.AreaShare
			}
		}
	}
	return nil
}

// sizeKind tells whether a size column holds pieces or totals.
func (cw *Crosswalk) sizeKind(byOld map[string][]int, col string) (string, error) {
	pieces, totals := 0, 0
	for old, idx := range byOld {
		if len(idx) < 2 {
			continue
		}
		_, first := cw.Rows[idx[0]].weight(col)
		if math.IsNaN(first) {
			return "", nil
		}
		equal := true
		for _, i := range idx[1:] {
			if _, w := cw.Rows[i].weight(col); w != first {
				equal = false
			}
		}
		if equal {
			totals++
		} else {
			pieces++
		}
		if totals > 0 && pieces > 0 {
			return "", fmt.Errorf("the %s column gives pieces for some Kreise and totals for others (e.g. %s): cannot tell the pieces' sizes", col, old)
		}
	}
	if totals > 0 {
		return "total", nil
	}
	return "pieces", nil
}

func (cw *Crosswalk) checkShares(name, sheet string) error {
	shares := map[string]float64{}
	for _, r := range cw.Rows {
		shares[r.Old] += r.PopShare
	}
	for old, s := range shares {
		if math.Abs(s-1) > 0.001 {
			return invalidf("%s: sheet %s: the population shares of %s sum to %.4f, not 1", name, sheet, old, s)
		}
	}
	return nil
}

// bbsrKey restores a 5-digit Kreis key from the number AGS×1000.
func bbsrKey(s string) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n%1000 != 0 || n/1000 > 99999 {
		return "", fmt.Errorf("%q is not a Kreis key × 1000", s)
	}
	return fmt.Sprintf("%05d", n/1000), nil
}

// ParseMerges reads "OLD=NEW" merges of Kreis or Gemeinde keys.
func ParseMerges(list []string) ([][2]string, error) {
	var out [][2]string
	for _, m := range list {
		old, nw, ok := strings.Cut(strings.TrimSpace(m), "=")
		lo, okOld := atlas.LevelOfKey(old)
		ln, okNew := atlas.LevelOfKey(nw)
		if !ok || !okOld || !okNew || lo != ln || (lo != atlas.LevelKreis && lo != atlas.LevelGemeinde) || old == nw {
			return nil, fmt.Errorf("merge %q: want OLD=NEW with two different Kreis (5-digit) or Gemeinde (8-digit) keys, e.g. 16056=16063", m)
		}
		out = append(out, [2]string{old, nw})
	}
	return out, nil
}

// crosswalkMethod says how an indicator is recoded: override (sum, mean,
// sum:area, mean:area) or the indicator's measure and weight.
func crosswalkMethod(ind atlas.Indicator, override map[string]string) (measure, weight string, err error) {
	if m := override[ind.ID]; m != "" {
		kind, base, _ := strings.Cut(m, ":")
		if base == "" {
			base = atlas.WeightPopulation
		}
		if kind == "sum" {
			return atlas.MeasureExtensive, base, nil
		}
		return atlas.MeasureIntensive, base, nil
	}
	return measureOf(ind)
}

// xwTarget is one value after the crosswalk.
type xwTarget struct {
	ind, key string
	period   int
}

type xwAcc struct {
	sumAcc
	num, den     float64
	parts        int
	unweighted   bool
	unknownShare string // a piece whose share the crosswalk cannot give
}

// Apply recodes the observations of the crosswalk's levels (a
// Gebietsänderungen list has Kreise and Gemeinden); other levels pass
// unchanged. catalogue gives each indicator's unit and measure.
func (cw *Crosswalk) Apply(file string, obs []atlas.Observation, catalogue map[string]atlas.Indicator, override map[string]string) ([]atlas.Observation, []string, error) {
	present := map[atlas.Level]bool{}
	for _, o := range obs {
		present[o.Level] = true
	}
	for l, n := range cw.unread {
		if present[l] {
			return nil, nil, invalidf("%s: crosswalk %s: the list has %d change(s) of the level %s, which this atlas does not apply; the table's %s values would keep their old keys: import them on their own Gebietsstand", path.Base(file), cw.Source, n, l, l)
		}
	}
	levels := cw.levels()
	var applied []atlas.Level
	for _, l := range levels {
		if present[l] {
			applied = append(applied, l)
		}
	}
	if len(applied) == 0 {
		applied = levels[:1]
	}
	var report []string
	for _, l := range applied {
		var notes []string
		var err error
		if obs, notes, err = cw.applyLevel(file, obs, l, catalogue, override); err != nil {
			return nil, nil, err
		}
		report = append(report, notes...)
	}
	return obs, report, nil
}

func (cw *Crosswalk) applyLevel(file string, obs []atlas.Observation, level atlas.Level, catalogue map[string]atlas.Indicator, override map[string]string) ([]atlas.Observation, []string, error) {
	methods := map[string][2]string{}
	for _, o := range obs {
		if o.Level != level {
			continue
		}
		if _, ok := methods[o.Indicator]; ok {
			continue
		}
		ind := catalogue[o.Indicator]
		ind.ID = o.Indicator
		m, w, err := crosswalkMethod(ind, override)
		if err != nil {
			return nil, nil, invalidf("%s: crosswalk: %v", file, err)
		}
		methods[o.Indicator] = [2]string{m, w}
	}
	sums, order, out := cw.accumulate(obs, level, methods)
	recoded, err := cw.results(file, sums, order, methods, catalogue, level)
	if err != nil {
		return nil, nil, err
	}
	return append(out, recoded...), cw.report(file, obs, level, methods), nil
}

// levels are the levels the crosswalk recodes, the first the main one.
func (cw *Crosswalk) levels() []atlas.Level {
	var out []atlas.Level
	add := func(l atlas.Level) {
		if l != 0 && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	add(cw.Level)
	for _, r := range cw.Rows {
		l, _ := atlas.LevelOfKey(r.Old)
		add(l)
	}
	for _, m := range cw.Merges {
		l, _ := atlas.LevelOfKey(m[0])
		add(l)
	}
	if len(out) == 0 {
		add(atlas.LevelKreis)
	}
	return out
}

// index maps old keys to their pieces; final follows merges.
func (cw *Crosswalk) index() (map[string][]CrosswalkRow, func(string) string) {
	byOld := map[string][]CrosswalkRow{}
	for _, r := range cw.Rows {
		byOld[r.Old] = append(byOld[r.Old], r)
	}
	merge := map[string]string{}
	for _, m := range cw.Merges {
		merge[m[0]] = m[1]
	}
	final := func(k string) string {
		for i := 0; i < 10; i++ {
			n, ok := merge[k]
			if !ok {
				return k
			}
			k = n
		}
		return k
	}
	return byOld, final
}

// rowsFor returns the pieces of an old key: the crosswalk's, or the key
// itself whole, with its sizes when the crosswalk knows them (a key that
// is a target of a merge but not itself in the list keeps unknown sizes).
func rowsFor(byOld map[string][]CrosswalkRow, old string) []CrosswalkRow {
	if rs, ok := byOld[old]; ok {
		return rs
	}
	return []CrosswalkRow{{Old: old, New: old, PopShare: 1, AreaShare: 1, Population: math.NaN(), Area: math.NaN()}}
}

func (cw *Crosswalk) accumulate(obs []atlas.Observation, level atlas.Level, methods map[string][2]string) (map[xwTarget]*xwAcc, []xwTarget, []atlas.Observation) {
	byOld, final := cw.index()
	sums := map[xwTarget]*xwAcc{}
	var order []xwTarget
	var out []atlas.Observation
	for _, o := range obs {
		if o.Level != level {
			out = append(out, o)
			continue
		}
		m := methods[o.Indicator]
		for _, r := range rowsFor(byOld, o.Key) {
			t := xwTarget{o.Indicator, final(r.New), o.Period}
			a := sums[t]
			if a == nil {
				a = &xwAcc{}
				sums[t] = a
				order = append(order, t)
			}
			a.parts++
			share, w := r.weight(m[1])
			if math.IsNaN(share) && m[0] == atlas.MeasureExtensive || math.IsNaN(r.PopShare) {
				a.unknownShare = o.Key + " → " + r.New
				if r.unknown != "" {
					a.unknownShare += " (" + r.unknown + ")"
				}
			}
			if m[0] == atlas.MeasureExtensive {
				a.add(o.Value*share, o.Flag)
				continue
			}
			if math.IsNaN(w) {
				w, a.unweighted = 1, true // fine for a sole contributor, refused otherwise
			}
			if o.Valued() {
				a.num += o.Value * w
				a.den += w
				a.add(0, o.Flag)
			} else {
				a.add(math.NaN(), o.Flag)
			}
		}
	}
	return sums, order, out
}

func (cw *Crosswalk) results(file string, sums map[xwTarget]*xwAcc, order []xwTarget, methods map[string][2]string, catalogue map[string]atlas.Indicator, level atlas.Level) ([]atlas.Observation, error) {
	var out []atlas.Observation
	for _, t := range order {
		a, m := sums[t], methods[t.ind]
		if a.unknownShare != "" {
			return nil, invalidf("%s: %s %s: the crosswalk has a piece %s that moves inhabitants, but not the %s share that moved; import the table on its own Gebietsstand, or recode it with a BBSR Umsteigeschlüssel",
				file, t.ind, t.key, a.unknownShare, m[1])
		}
		if a.unweighted && a.parts > 1 {
			return nil, invalidf("%s: %s %s: a mean of %d regions weighted by %s needs their %s; give a crosswalk file that has them (BBSR Umsteigeschlüssel, Gebietsänderungen list), or -crosswalk-method %s=sum for a count",
				file, t.ind, t.key, a.parts, m[1], m[1], t.ind)
		}
		v, flag := a.result()
		if m[0] == atlas.MeasureIntensive && !math.IsNaN(v) {
			v = a.num / a.den
		}
		if !math.IsNaN(v) {
			// Two more decimals than shown: recoded values are estimates.
			p := math.Pow(10, float64(catalogue[t.ind].Decimals+2))
			v = math.Round(v*p) / p
		}
		out = append(out, atlas.Observation{Indicator: t.ind, Level: level, Key: t.key, Period: t.period, Value: v, Flag: flag})
	}
	return out, nil
}

// report says what changed and how, per indicator.
func (cw *Crosswalk) report(file string, obs []atlas.Observation, level atlas.Level, methods map[string][2]string) []string {
	byOld, final := cw.index()
	var changes []string
	seenOld, notInList := map[string]bool{}, map[string]bool{}
	for _, o := range obs {
		if o.Level != level || seenOld[o.Key] {
			continue
		}
		seenOld[o.Key] = true
		if _, ok := byOld[o.Key]; cw.full && !ok {
			notInList[o.Key] = true
		}
		rs := rowsFor(byOld, o.Key)
		if len(rs) == 1 && final(rs[0].New) == o.Key {
			continue
		}
		var parts []string
		for _, r := range rs {
			if len(rs) == 1 {
				parts = append(parts, final(r.New))
			} else {
				parts = append(parts, fmt.Sprintf("%s (%.1f %% of the population, %.1f %% of the area)", final(r.New), r.PopShare*100, r.AreaShare*100))
			}
		}
		changes = append(changes, o.Key+" → "+strings.Join(parts, ", "))
	}
	sort.Strings(changes)
	var ms []string
	for _, id := range sortedKeys(methods) {
		m := methods[id]
		label := "sum, split by " + m[1] + " shares"
		if m[0] == atlas.MeasureIntensive {
			label = m[1] + "-weighted mean"
		}
		ms = append(ms, id+": "+label)
	}
	src := cw.Source
	if src == "" {
		src = "merges"
	}
	report := []string{fmt.Sprintf("%s: %s keys recoded with %s (%s): %s", path.Base(file), level, src, strings.Join(ms, "; "), orNone(strings.Join(changes, "; ")))}
	if len(notInList) > 0 {
		report = append(report, fmt.Sprintf("%s: %d %s key(s) not in the crosswalk's %d key list, kept unchanged: %s", path.Base(file), len(notInList), level, cw.FromYear, strings.Join(sortedKeys(notInList), ", ")))
	}
	return report
}

// Gebietsstand describes the Gebietsstand after the crosswalk.
func (cw *Crosswalk) Gebietsstand() string {
	var merges []string
	for _, m := range cw.Merges {
		merges = append(merges, m[0]+" → "+m[1])
	}
	s := cw.describe
	if len(merges) > 0 {
		if s != "" {
			s += "; "
		}
		s += "zusammengelegt: " + strings.Join(merges, ", ")
	}
	return s
}

// ReadCrosswalk reads a crosswalk file: a BBSR Umsteigeschlüssel (xlsx with
// one sheet per year) or a Destatis Gebietsänderungen list (xls or xlsx);
// year is the Gebietsstand year (31.12.) of the data's keys.
func ReadCrosswalk(name string, data []byte, year int) (*Crosswalk, error) {
	w, err := readWorkbook(name, data)
	if err != nil {
		return nil, err
	}
	if isBBSRWorkbook(w) {
		return ReadBBSRCrosswalk(name, data, year)
	}
	if cw, ok, err := readGebietsaenderungen(name, w, year); ok || err != nil {
		return cw, err
	}
	return nil, invalidf("%s: not a crosswalk this atlas reads: neither a BBSR Umsteigeschlüssel (sheets \"YYYY-2020\") nor a Destatis Gebietsänderungen list (columns for old and new key, population)", name)
}
