package ingest

import (
	"context"
	"fmt"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// The Königsteiner Schlüssel table (seeds/indicators/koenigsteiner_schluessel.csv):
//
//	land,land_name,basis,key_year,year_of_use,share_percent
//	08,Baden-Württemberg,KS 2016,2016,2017,12.96662
//	08,Baden-Württemberg,LuKIFG 2025,,2025,13.14980
//
// 16 shares per key year. The key computed for year X is applied in year
// X+1 ("Quote 2017" = "Königsteiner Schlüssel 2016"), so both labels are
// stored: koenigsteiner_schluessel (share, period = key year) and
// koenigsteiner_schluessel_year_of_use (the year of use, period = key
// year). Rows without a key year (shares written into a law that does not
// name it) go to koenigsteiner_schluessel_<basis> with period = year of
// use. land may be the 2-digit key, the usual abbreviation or the name;
// "," or ";" separate, with ";" the decimal mark is ",".

const (
	ksShare     = "koenigsteiner_schluessel"
	ksYearOfUse = "koenigsteiner_schluessel_year_of_use"
)

// laender are the 16 Länder: key, abbreviation, name.
var laender = [16][3]string{
	{"01", "SH", "Schleswig-Holstein"}, {"02", "HH", "Hamburg"}, {"03", "NI", "Niedersachsen"}, {"04", "HB", "Bremen"},
	{"05", "NW", "Nordrhein-Westfalen"}, {"06", "HE", "Hessen"}, {"07", "RP", "Rheinland-Pfalz"}, {"08", "BW", "Baden-Württemberg"},
	{"09", "BY", "Bayern"}, {"10", "SL", "Saarland"}, {"11", "BE", "Berlin"}, {"12", "BB", "Brandenburg"},
	{"13", "MV", "Mecklenburg-Vorpommern"}, {"14", "SN", "Sachsen"}, {"15", "ST", "Sachsen-Anhalt"}, {"16", "TH", "Thüringen"},
}

// landKey resolves a Land given by key, abbreviation or name.
func landKey(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 1 && allDigits(s) {
		s = "0" + s
	}
	for _, l := range laender {
		if s == l[0] || strings.EqualFold(s, l[1]) || strings.EqualFold(s, l[2]) {
			return l[0], true
		}
	}
	return "", false
}

// ksGroup is one key: the 16 shares of a key year (or of a basis without one).
type ksGroup struct {
	key       string // "key|2023" or "basis|…|2024"
	indicator string
	period    int
	use       int
	basis     string
	shares    map[string]float64
	lines     map[string]int
}

// ksTable is the state of reading a Königsteiner Schlüssel table.
type ksTable struct {
	name   string
	col    map[string]int
	dec    string
	verr   *ValidationError
	groups map[string]*ksGroup
	order  []string
}

func (k *ksTable) problem(line int, column, reason string) {
	k.verr.add(&CellError{File: k.name, Row: line, Column: column, Reason: reason})
}

func readKS(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	k, t, err := parseKS(in.context(), name, data)
	if err != nil {
		return nil, err
	}
	for i := 1; i < len(t.cells); i++ {
		k.row(t.cells[i], t.line[i])
	}
	res := &TableResult{}
	used := map[string]bool{}
	mapper := newColumnMapper(spec, known)
	for _, gk := range k.order {
		if err := k.emit(res, k.groups[gk], mapper, used); err != nil {
			return nil, err
		}
	}
	if err := mapper.unused(name); err != nil {
		return nil, err
	}
	if len(k.verr.Problems) > 0 {
		return nil, k.verr
	}
	if len(res.Observations) == 0 {
		return nil, fmt.Errorf("%s: %w: no shares", name, atlas.ErrInvalidData)
	}
	for _, id := range sortedKeys(used) {
		res.Indicators = append(res.Indicators, ksIndicator(id, name))
	}
	sort.SliceStable(res.Observations, func(i, j int) bool { return res.Observations[i].Indicator < res.Observations[j].Indicator })
	return res, nil
}

// parseKS decodes the table and finds its columns (CSV with "," and "."
// or with ";" and a decimal comma).
func parseKS(ctx context.Context, name string, data []byte) (*ksTable, *rows, error) {
	text, err := decodeText(name, data, "")
	if err != nil {
		return nil, nil, invalidf("%v", err)
	}
	first, _, _ := strings.Cut(string(text), "\n")
	delim, dec := ',', "."
	if strings.Count(first, ";") > strings.Count(first, ",") {
		delim, dec = ';', ","
	}
	t, err := parseDelimited(ctx, name, text, delim)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
	}
	if len(t.cells) < 2 {
		return nil, nil, fmt.Errorf("%s: %w: no rows", name, atlas.ErrInvalidData)
	}
	col := map[string]int{}
	for j, h := range t.cells[0] {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = j
	}
	for _, need := range []string{"land", "key_year", "year_of_use", "share_percent"} {
		if _, ok := col[need]; !ok {
			return nil, nil, fmt.Errorf("%s: %w: not a Königsteiner Schlüssel table: column %q missing (need land, key_year, year_of_use, share_percent)", name, atlas.ErrInvalidData, need)
		}
	}
	return &ksTable{name: name, col: col, dec: dec, verr: &ValidationError{File: name}, groups: map[string]*ksGroup{}}, t, nil
}

// row reads one Land's share into its group.
func (k *ksTable) row(rec []string, line int) {
	if isBlank(rec) {
		return
	}
	col := k.col
	key, ok := landKey(cellAt(rec, col["land"]))
	if !ok {
		k.problem(line, "land", fmt.Sprintf("%q is not a Land (key 01–16, abbreviation or name)", cellAt(rec, col["land"])))
		return
	}
	use, _, okUse := parsePeriod(cellAt(rec, col["year_of_use"]))
	if !okUse {
		k.problem(line, "year_of_use", fmt.Sprintf("%q is not a year", cellAt(rec, col["year_of_use"])))
		return
	}
	raw := cellAt(rec, col["share_percent"])
	share, flag, err := ParseValue(raw, k.dec)
	if err != nil || flag != atlas.FlagNone || share <= 0 || share >= 100 {
		k.problem(line, "share_percent", fmt.Sprintf("%q is not a share in percent (0 < share < 100)", raw))
		return
	}
	g := k.group(rec, line, use)
	if g == nil {
		return
	}
	if g.use != use {
		k.problem(line, "year_of_use", fmt.Sprintf("key year %d has years of use %d and %d", g.period, g.use, use))
		return
	}
	if prev, dup := g.lines[key]; dup {
		k.problem(line, "land", fmt.Sprintf("Land %s twice for %s (first in row %d)", key, strings.TrimPrefix(g.key, "key|"), prev))
		return
	}
	g.shares[key], g.lines[key] = share, line
}

// group returns the row's group: by key year, or by basis and year of use
// when the source names no key year.
func (k *ksTable) group(rec []string, line, use int) *ksGroup {
	basis := ""
	if c, ok := k.col["basis"]; ok {
		basis = cellAt(rec, c)
	}
	g := &ksGroup{use: use, basis: basis, shares: map[string]float64{}, lines: map[string]int{}}
	if ky := cellAt(rec, k.col["key_year"]); ky == "" {
		if basis == "" {
			k.problem(line, "key_year", "no key year and no basis naming where the shares come from")
			return nil
		}
		g.key = "basis|" + basis + "|" + strconv.Itoa(use)
		g.indicator, g.period = "koenigsteiner_schluessel_"+strings.ReplaceAll(slug(basis), "_", ""), use
	} else {
		y, _, ok := parsePeriod(ky)
		if !ok {
			k.problem(line, "key_year", fmt.Sprintf("%q is not a year", ky))
			return nil
		}
		g.key, g.indicator, g.period = "key|"+strconv.Itoa(y), ksShare, y
	}
	if prev, ok := k.groups[g.key]; ok {
		return prev
	}
	k.groups[g.key] = g
	k.order = append(k.order, g.key)
	return g
}

// emit checks a group (16 Länder, shares summing to 100) and writes its
// observations.
func (k *ksTable) emit(res *TableResult, g *ksGroup, mapper *columnMapper, used map[string]bool) error {
	if len(g.shares) != 16 {
		var miss []string
		for _, l := range laender {
			if _, ok := g.shares[l[0]]; !ok {
				miss = append(miss, l[0])
			}
		}
		k.problem(0, "land", fmt.Sprintf("%s: %d Länder, want 16 (missing %s)", groupLabel(g.basis, g.period, g.key), len(g.shares), strings.Join(miss, ", ")))
		return nil
	}
	sum := 0.0
	for _, s := range g.shares {
		sum += s
	}
	if math.Abs(sum-100) > 0.001 {
		k.problem(0, "share_percent", fmt.Sprintf("%s: the shares sum to %.5f, not 100", groupLabel(g.basis, g.period, g.key), sum))
		return nil
	}
	id := g.indicator
	if m, err := mapper.lookup(-1, g.basis, g.indicator); err != nil {
		return fmt.Errorf("%s: %w", k.name, err)
	} else if m != "" {
		id = m
	}
	used[id] = true
	keyed := strings.HasPrefix(g.key, "key|")
	for _, l := range sortedKeys(g.shares) {
		res.Observations = append(res.Observations, atlas.Observation{Indicator: id, Level: atlas.LevelLand, Key: l, Period: g.period, Value: g.shares[l]})
		if keyed {
			res.Observations = append(res.Observations, atlas.Observation{Indicator: ksYearOfUse, Level: atlas.LevelLand, Key: l, Period: g.period, Value: float64(g.use)})
			used[ksYearOfUse] = true
		}
	}
	res.Rows += len(g.shares)
	note := ""
	if keyed && g.use != g.period+1 {
		note = fmt.Sprintf(" (note: applied in %d, not in the following year)", g.use)
	}
	res.Report = append(res.Report, fmt.Sprintf("%s: %s: 16 Länder, sum %.5f %%, key year %s, year of use %d%s",
		path.Base(k.name), groupLabel(g.basis, g.period, g.key), sum, keyYearText(g.key, g.period), g.use, note))
	return nil
}

func groupLabel(basis string, period int, gk string) string {
	if basis != "" {
		return basis
	}
	if strings.HasPrefix(gk, "key|") {
		return "KS " + strconv.Itoa(period)
	}
	return gk
}

func keyYearText(gk string, period int) string {
	if strings.HasPrefix(gk, "key|") {
		return strconv.Itoa(period)
	}
	return "not stated"
}

// ksIndicator is the catalogue entry used when the catalogue has none.
func ksIndicator(id, file string) atlas.Indicator {
	ind := atlas.Indicator{ID: id, Unit: "%", Decimals: 5, Topic: "verteilung", TopicTitle: "Verteilung", Direction: atlas.DirectionContext,
		Source: "Königsteiner Schlüssel der GWK (Bundesanzeiger), Datei " + path.Base(file), Publisher: "Gemeinsame Wissenschaftskonferenz (GWK)",
		Licence: "amtliches Werk (§ 5 UrhG), Quellenangabe", Attribution: "Königsteiner Schlüssel: Gemeinsame Wissenschaftskonferenz (GWK), Bundesanzeiger",
		ReferenceDate: "Schlüsseljahr (Anwendung im Folgejahr)"}
	switch id {
	case ksShare:
		ind.Title, ind.TitleEN = "Königsteiner Schlüssel", "Königstein key"
		ind.Definition = "Anteil des Landes in % (2/3 Steuereinnahmen, 1/3 Bevölkerung). Periode = Schlüsseljahr; angewandt wird der Schlüssel des Jahres X im Jahr X+1 (koenigsteiner_schluessel_year_of_use)."
	case ksYearOfUse:
		ind.Title, ind.TitleEN, ind.Unit, ind.Decimals = "Königsteiner Schlüssel: Anwendungsjahr", "Königstein key: year of use", "Jahr", 0
		ind.Definition = "Jahr, in dem der Königsteiner Schlüssel des Schlüsseljahres (Periode) angewandt wird."
		ind.ReferenceDate = "Schlüsseljahr"
	default:
		ind.Title = "Königsteiner Schlüssel (" + strings.TrimPrefix(id, "koenigsteiner_schluessel_") + ")"
		ind.Definition = "Anteil des Landes in %; die Quelle nennt das Schlüsseljahr nicht. Periode = Jahr der Anwendung."
		ind.ReferenceDate = "Jahr der Anwendung (Schlüsseljahr nicht genannt)"
	}
	return ind
}
