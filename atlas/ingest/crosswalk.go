package ingest

import (
	"bytes"
	"fmt"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/standortatlas/standortatlas/atlas"
)

// A crosswalk recodes Kreis values of an older Gebietsstand to the Kreise
// of a later one. The BBSR "Umsteigeschlüssel" (ref-kreise-umrech-2020-…
// .xlsx) has one sheet per year Y ("2015-2020"): each row maps a Kreis of
// 31.12.Y to a Kreis of 31.12.2020 with the share of its area and of its
// population that goes there, and the area and population (in 1000) of
// that piece at 31.12.Y.
// Keys are stored as numbers AGS×1000 (1001000 = 01001); the leading zero
// is restored.
//
// Counts are split by population shares and summed: new = Σ value × share.
// Rates, shares and averages become population-weighted means:
// new = Σ value × pop / Σ pop, with pop the population of each piece from
// the sheet. Mergers after the sheet's target year (e.g.
// Eisenach 16056 into the Wartburgkreis 16063 on 01.07.2021) are given as
// merges "16056=16063" and weighted the same way.

// Crosswalk maps old Kreis keys to new ones.
type Crosswalk struct {
	Source   string // file and sheet
	FromYear int    // Gebietsstand 31.12.FromYear of the old keys
	ToYear   int    // Gebietsstand 31.12.ToYear of the new keys (before merges)
	Rows     []CrosswalkRow
	Merges   [][2]string // OLD=NEW after ToYear
	full     bool        // Rows list every Kreis of FromYear
}

// CrosswalkRow is one old → new share.
type CrosswalkRow struct {
	Old, New         string
	OldName, NewName string
	PopShare         float64 // share of Old's population that lies in New
	AreaShare        float64
	// Population of the piece of Old that lies in New at 31.12.FromYear
	// (in 1000; the sheet's population column is per row); NaN when unknown.
	Population float64
}

// ReadBBSRCrosswalk reads the sheet of year from a BBSR Umsteigeschlüssel xlsx.
func ReadBBSRCrosswalk(name string, data []byte, year int) (*Crosswalk, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxTableBytes, UnzipXMLSizeLimit: MaxTableBytes})
	if err != nil {
		return nil, fmt.Errorf("%s: %w: open xlsx: %w", name, atlas.ErrInvalidData, err)
	}
	defer f.Close()
	sheet := ""
	var years []string
	for _, s := range f.GetSheetList() {
		from, _, ok := strings.Cut(s, "-")
		years = append(years, from)
		if ok && from == strconv.Itoa(year) {
			sheet = s
		}
	}
	if sheet == "" {
		return nil, fmt.Errorf("%s: %w: no sheet for %d (years: %s)", name, atlas.ErrInvalidData, year, strings.Join(years, ", "))
	}
	to, err := strconv.Atoi(sheet[strings.Index(sheet, "-")+1:])
	if err != nil {
		return nil, fmt.Errorf("%s: %w: sheet %q: target year not found", name, atlas.ErrInvalidData, sheet)
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil || len(rows) < 2 {
		return nil, fmt.Errorf("%s: %w: sheet %s: no rows", name, atlas.ErrInvalidData, sheet)
	}
	cw := &Crosswalk{Source: path.Base(name) + ":" + sheet, FromYear: year, ToYear: to, full: true}
	c := map[string]int{}
	for j, h := range rows[0] {
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
		}
	}
	for _, need := range []string{"old", "new", "pop", "oldpop"} {
		if c[need] == 0 {
			return nil, fmt.Errorf("%s: %w: sheet %s: column %s not found in the header", name, atlas.ErrInvalidData, sheet, need)
		}
	}
	verr := &ValidationError{File: name}
	num := func(i int, rec []string, field string) float64 {
		s := cellAt(rec, c[field]-1)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			if len(verr.Problems) < MaxProblems {
				verr.Problems = append(verr.Problems, &CellError{File: name, Row: i + 1, Column: sheet + "!" + excelColumn(c[field]-1), Reason: fmt.Sprintf("%q is not a number", s)})
			}
			return math.NaN()
		}
		return v
	}
	shares := map[string]float64{}
	for i := 1; i < len(rows); i++ {
		rec := rows[i]
		if isBlank(rec) {
			continue
		}
		old, err1 := bbsrKey(cellAt(rec, c["old"]-1))
		nw, err2 := bbsrKey(cellAt(rec, c["new"]-1))
		for _, e := range []error{err1, err2} {
			if e != nil && len(verr.Problems) < MaxProblems {
				verr.Problems = append(verr.Problems, &CellError{File: name, Row: i + 1, Column: sheet, Reason: e.Error()})
			}
		}
		r := CrosswalkRow{Old: old, New: nw, PopShare: num(i, rec, "pop"), Population: num(i, rec, "oldpop"), AreaShare: math.NaN()}
		if c["area"] > 0 {
			r.AreaShare = num(i, rec, "area")
		}
		if c["oldname"] > 0 {
			r.OldName = cellAt(rec, c["oldname"]-1)
		}
		if c["newname"] > 0 {
			r.NewName = cellAt(rec, c["newname"]-1)
		}
		shares[old] += r.PopShare
		cw.Rows = append(cw.Rows, r)
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	for old, s := range shares {
		if math.Abs(s-1) > 0.001 {
			return nil, fmt.Errorf("%s: %w: sheet %s: the population shares of %s sum to %.4f, not 1", name, atlas.ErrInvalidData, sheet, old, s)
		}
	}
	return cw, nil
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

// ParseMerges reads "OLD=NEW" merges of Kreis keys.
func ParseMerges(list []string) ([][2]string, error) {
	var out [][2]string
	for _, m := range list {
		old, nw, ok := strings.Cut(strings.TrimSpace(m), "=")
		if !ok || !atlas.ValidKey(atlas.LevelKreis, old) || !atlas.ValidKey(atlas.LevelKreis, nw) || old == nw {
			return nil, fmt.Errorf("merge %q: want OLD=NEW with two different 5-digit Kreis keys, e.g. 16056=16063", m)
		}
		out = append(out, [2]string{old, nw})
	}
	return out, nil
}

// crosswalkMethod says how an indicator is recoded: "sum" for counts (an
// indicator whose coarser values are sums, or a whole-number count of
// persons, dwellings or things), "mean" (population-weighted) otherwise.
func crosswalkMethod(ind atlas.Indicator, override map[string]string) string {
	if m := override[ind.ID]; m != "" {
		return m
	}
	if atlas.IsCount(ind) {
		return "sum"
	}
	switch ind.Unit {
	case "Anzahl", "Personen", "Einwohner", "Wohnungen", "Fälle", "Betriebe", "Plätze":
		if ind.Decimals == 0 {
			return "sum"
		}
	}
	return "mean"
}

// Apply recodes the Kreis observations; other levels pass unchanged.
// catalogue gives each indicator's unit, decimals and aggregation.
func (cw *Crosswalk) Apply(file string, obs []atlas.Observation, catalogue map[string]atlas.Indicator, override map[string]string) ([]atlas.Observation, []string, error) {
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
	rowsFor := func(old string) []CrosswalkRow {
		if rs, ok := byOld[old]; ok {
			return rs
		}
		return []CrosswalkRow{{Old: old, New: old, PopShare: 1, Population: math.NaN()}}
	}
	type target struct {
		ind, key string
		period   int
	}
	type acc struct {
		num, den   float64
		flag       atlas.Flag
		parts      int
		unweighted bool
	}
	sums := map[target]*acc{}
	var order []target
	var out []atlas.Observation
	notInSheet := map[string]bool{}
	methods := map[string]string{}
	for _, o := range obs {
		if o.Level != atlas.LevelKreis {
			out = append(out, o)
			continue
		}
		if _, ok := byOld[o.Key]; cw.full && !ok {
			notInSheet[o.Key] = true
		}
		ind := catalogue[o.Indicator]
		ind.ID = o.Indicator
		m := crosswalkMethod(ind, override)
		methods[o.Indicator] = m
		for _, r := range rowsFor(o.Key) {
			t := target{o.Indicator, final(r.New), o.Period}
			a := sums[t]
			if a == nil {
				a = &acc{}
				sums[t] = a
				order = append(order, t)
			}
			a.parts++
			switch {
			case m == "sum" && o.Valued():
				a.num += o.Value * r.PopShare
			case m == "sum" && o.Flag == atlas.FlagZero:
			case m == "mean" && o.Valued():
				w := r.Population
				if math.IsNaN(w) {
					w, a.unweighted = 1, true // fine for a sole contributor, refused below otherwise
				}
				a.num += o.Value * w
				a.den += w
			default:
				if a.flag == atlas.FlagNone || a.flag == atlas.FlagZero {
					a.flag = o.Flag
				}
			}
		}
	}
	for _, t := range order {
		a := sums[t]
		if a.unweighted && a.parts > 1 {
			return nil, nil, fmt.Errorf("%s: %w: %s %s: a population-weighted mean of %d Kreise needs their populations; give the BBSR crosswalk file (or method sum for counts)", file, atlas.ErrInvalidData, t.ind, t.key, a.parts)
		}
		o := atlas.Observation{Indicator: t.ind, Level: atlas.LevelKreis, Key: t.key, Period: t.period, Value: math.NaN(), Flag: a.flag}
		if a.flag == atlas.FlagNone || (a.flag == atlas.FlagZero && methods[t.ind] == "sum") {
			o.Flag = atlas.FlagNone
			v := a.num
			if methods[t.ind] == "mean" {
				v = a.num / a.den
			}
			// Two more decimals than shown: recoded values are estimates.
			p := math.Pow(10, float64(catalogue[t.ind].Decimals+2))
			o.Value = math.Round(v*p) / p
		}
		out = append(out, o)
	}
	// Report: what changed, and how.
	var changes []string
	seenOld := map[string]bool{}
	for _, o := range obs {
		if o.Level != atlas.LevelKreis || seenOld[o.Key] {
			continue
		}
		seenOld[o.Key] = true
		rs := rowsFor(o.Key)
		if len(rs) == 1 && final(rs[0].New) == o.Key {
			continue
		}
		var parts []string
		for _, r := range rs {
			if len(rs) == 1 {
				parts = append(parts, final(r.New))
			} else {
				parts = append(parts, fmt.Sprintf("%s (%.1f %%)", final(r.New), r.PopShare*100))
			}
		}
		changes = append(changes, o.Key+" → "+strings.Join(parts, ", "))
	}
	sort.Strings(changes)
	var ms []string
	for _, id := range sortedKeys(methods) {
		label := "sum of population shares"
		if methods[id] == "mean" {
			label = "population-weighted mean"
		}
		ms = append(ms, id+": "+label)
	}
	var report []string
	src := cw.Source
	if src == "" {
		src = "merges"
	}
	report = append(report, fmt.Sprintf("%s: Kreis keys recoded with %s (%s): %s", path.Base(file), src, strings.Join(ms, "; "), orNone(strings.Join(changes, "; "))))
	if len(notInSheet) > 0 {
		report = append(report, fmt.Sprintf("%s: %d Kreis key(s) not in the crosswalk's %d key list, kept unchanged: %s", path.Base(file), len(notInSheet), cw.FromYear, strings.Join(sortedKeys(notInSheet), ", ")))
	}
	return out, report, nil
}

// Gebietsstand describes the Gebietsstand after the crosswalk.
func (cw *Crosswalk) Gebietsstand() string {
	var merges []string
	for _, m := range cw.Merges {
		merges = append(merges, m[0]+" → "+m[1])
	}
	s := ""
	if cw.Source != "" {
		s = fmt.Sprintf("Kreise 31.12.%d (umgerechnet von 31.12.%d mit dem BBSR-Umsteigeschlüssel)", cw.ToYear, cw.FromYear)
	}
	if len(merges) > 0 {
		if s != "" {
			s += "; "
		}
		s += "zusammengelegt: " + strings.Join(merges, ", ")
	}
	return s
}
