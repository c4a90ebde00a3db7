package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// RegionRef names a region.
type RegionRef struct {
	Key   string      `json:"key"`
	Name  string      `json:"name"`
	Level atlas.Level `json:"level"`
	Type  string      `json:"type,omitempty"`
	// Note explains a reference that is not a region of the boundary set.
	Note string `json:"note,omitempty"`
}

// Profile describes one region: its place in the hierarchy, every
// indicator's latest value with rank and reference values, the time series
// and similar regions.
type Profile struct {
	RegionRef
	ARS          string             `json:"ars,omitempty"`
	Gemeindefrei bool               `json:"gemeindefrei,omitempty"`
	Boundaries   map[string]string  `json:"boundaries"`
	Parents      []RegionRef        `json:"parents"`
	Children     *Children          `json:"children"`
	Indicators   []ProfileIndicator `json:"indicators"`
	Similar      *Similar           `json:"similar"`
	Definitions  map[string]string  `json:"definitions"`
	DataVersion  int64              `json:"data_version"`
	Attribution  []string           `json:"attribution"`
	Notes        []string           `json:"notes,omitempty"`
}

// Children lists the regions one level down.
type Children struct {
	Level   atlas.Level `json:"level"`
	Count   int         `json:"count"`
	Regions []RegionRef `json:"regions"`
}

// ProfileIndicator is one indicator in a profile.
type ProfileIndicator struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Unit        string          `json:"unit"`
	Decimals    int             `json:"decimals"`
	Topic       string          `json:"topic"`
	Direction   atlas.Direction `json:"direction"`
	Aggregation string          `json:"aggregation,omitempty"`
	Source      string          `json:"source"`
	TableID     string          `json:"table_id,omitempty"`
	Attribution string          `json:"attribution"`
	Latest      *Latest         `json:"latest"`
	Land        *Reference      `json:"land"`
	Germany     *Reference      `json:"germany"`
	Series      []Point         `json:"series"`
}

// Latest is a region's latest value with its rank among the regions of the
// level that have a value in that year.
type Latest struct {
	Year       int         `json:"year"`
	Value      float64     `json:"value"`
	Flag       *atlas.Flag `json:"flag"`
	Rank       int         `json:"rank"`
	Of         int         `json:"of"`
	Percentile float64     `json:"percentile"`
}

// Reference is a Land or Germany value of the same year. Basis says where
// it comes from: BasisOfficial (the source's own Land or Germany row) or
// BasisOwn (a sum of counts where every region has a value, or Σ numerator
// ÷ Σ denominator); empty when there is no value (Note says why). How an
// own value came about is structured: SumOf for a sum the atlas computed,
// Aggregation for the indicator's own rule applied on import. Note says
// the same in German words, for people; code reads the fields.
type Reference struct {
	Key   string      `json:"key,omitempty"`
	Name  string      `json:"name,omitempty"`
	Year  int         `json:"year"`
	Value *float64    `json:"value"`
	Flag  *atlas.Flag `json:"flag"`
	Basis string      `json:"basis,omitempty"`
	// SumOf: the value is the sum of every region of a level (of the
	// Land, for a Land reference), computed here.
	SumOf *SumOf `json:"sum_of,omitempty"`
	// Aggregation: the value is the source's row the import aggregated by
	// the indicator's rule (atlas.Indicator.Aggregation: sum, ratio).
	Aggregation string `json:"aggregation,omitempty"`
	Note        string `json:"note,omitempty"`
}

// SumOf names the regions an own sum adds up: all Count regions of Level.
type SumOf struct {
	Level atlas.Level `json:"level"`
	Count int         `json:"count"`
}

// Point is one year of a time series, with the Land and Germany values of
// that year where there are any (see Reference).
type Point struct {
	Year    int         `json:"year"`
	Value   *float64    `json:"value"`
	Flag    *atlas.Flag `json:"flag"`
	Land    *RefValue   `json:"land,omitempty"`
	Germany *RefValue   `json:"germany,omitempty"`
}

// RefValue is a reference value of one year and its basis (amtlich or
// eigene Berechnung).
type RefValue struct {
	Value float64 `json:"value"`
	Basis string  `json:"basis"`
}

func refValue(r *Reference) *RefValue {
	if r == nil || r.Value == nil {
		return nil
	}
	return &RefValue{Value: *r.Value, Basis: r.Basis}
}

// Similar lists the nearest regions over z-standardised indicators.
type Similar struct {
	Year       int             `json:"year"`
	Indicators []string        `json:"indicators"`
	Compared   int             `json:"compared"`
	Method     string          `json:"method"`
	Regions    []SimilarRegion `json:"regions"`
}

// SimilarRegion is one neighbour.
type SimilarRegion struct {
	RegionRef
	Distance float64 `json:"distance"`
}

func flagPtr(f atlas.Flag) *atlas.Flag {
	if f == atlas.FlagNone {
		return nil
	}
	return &f
}

func valPtr(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

// rankOf returns the competition rank (1 = highest; ties share the best
// rank), the number of regions with a value and the mid-rank percentile of
// value v among vals.
func rankOf(vals []float64, v float64) (rank, of int, pct float64) {
	below, equal, above := 0, 0, 0
	for _, x := range vals {
		switch {
		case math.IsNaN(x):
		case x > v:
			above++
		case x < v:
			below++
		default:
			equal++
		}
	}
	of = below + equal + above
	if of == 0 {
		return 0, 0, 0
	}
	return above + 1, of, 100 * (float64(below) + 0.5*float64(equal)) / float64(of)
}

// ranks returns the competition rank (1 = highest, ties share the best
// rank) of every value; NaN gets 0. O(n log n), for whole levels.
func ranks(vals []float64) []int {
	idx := make([]int, 0, len(vals))
	for i, x := range vals {
		if !math.IsNaN(x) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return vals[idx[a]] > vals[idx[b]] })
	out := make([]int, len(vals))
	for pos, i := range idx {
		if pos > 0 && vals[idx[pos-1]] == vals[i] {
			out[i] = out[idx[pos-1]]
		} else {
			out[i] = pos + 1
		}
	}
	return out
}

// profileDefinitions defines the profile's derived numbers.
func profileDefinitions() map[string]string {
	return map[string]string{
		"rank":       "1 = höchster Wert unter den Gebieten der Ebene mit Wert in diesem Jahr; gleiche Werte teilen sich den besten Rang (1, 2, 2, 4)",
		"percentile": "100 × (Gebiete mit kleinerem Wert + ½ × Gebiete mit gleichem Wert) ÷ Gebiete mit Wert (Mittelrang-Perzentil)",
		"land":       "Wert des Landes im selben Jahr: amtlich (Landeszeile der Quelle) oder eigene Berechnung (Summe der Kreise einer Zählung, nur wenn jeder Kreis des Landes einen Wert hat); nie ein Mittel von Quoten",
		"germany":    "Deutschlandwert im selben Jahr: amtlich (Deutschland-Zeile DG der Quelle) oder eigene Berechnung (Summe der Länder bzw. Kreise einer Zählung, nur wenn jedes Gebiet einen Wert hat); nie ein Mittel von Quoten",
		"similar":    "k nächste Nachbarn: euklidischer Abstand über z-standardisierte Indikatoren (Mittelwert 0, Standardabweichung 1 über die verglichenen Gebiete) eines Jahres, geteilt durch √(Anzahl Indikatoren); ohne Größen-Indikatoren (Zählungen, Königsteiner Schlüssel)",
	}
}

// Profile returns the profile of the region with key (any level); k is the
// number of similar regions (0 = 5).
func (a *Analyzer) Profile(ctx context.Context, key string, k int) (*Profile, error) {
	v, err := a.sync(ctx)
	if err != nil {
		return nil, err
	}
	level, ok := atlas.LevelOfKey(key)
	if !ok || !atlas.ValidKey(level, key) {
		return nil, &atlas.ParamError{Param: "key", Value: key, Reason: "must be a regional key of 2 (Land), 5 (Kreis), 8 (Gemeinde) or 9 (Verwaltungsgemeinschaft) digits"}
	}
	if k == 0 {
		k = 5
	}
	li, err := a.level(ctx, level)
	if err != nil {
		return nil, err
	}
	r, ok := li.find(key)
	if !ok {
		return nil, fmt.Errorf("region %s is not a %s of the boundary set (Gebietsstand %s): %w", key, level, li.set.Gebietsstand, atlas.ErrNotFound)
	}
	p := &Profile{
		RegionRef:    RegionRef{Key: r.Key, Name: r.Name, Level: level, Type: r.Type},
		ARS:          r.ARS,
		Gemeindefrei: r.Gemeindefrei,
		Boundaries:   map[string]string{"name": li.set.Name, "gebietsstand": li.set.Gebietsstand, "attribution": li.set.Attribution},
		Parents:      []RegionRef{},
		Indicators:   []ProfileIndicator{},
		Definitions:  profileDefinitions(),
		DataVersion:  v,
	}
	if err := a.hierarchy(ctx, p, r); err != nil {
		return nil, err
	}
	inds, err := a.svc.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.preload(ctx, inds, level); err != nil {
		return nil, err
	}
	attr := []string{li.set.Attribution}
	idx := li.index(key)
	for _, ind := range inds {
		if !slices.Contains(ind.Levels, level) || ind.ID == KSYearOfUseIndicator {
			continue // the year of use is metadata of the key, not a profile value
		}
		years, err := a.yearsAt(ctx, ind, level)
		if err != nil {
			return nil, err
		}
		if len(years) == 0 {
			continue
		}
		pi := ProfileIndicator{ID: ind.ID, Title: ind.Title, Unit: ind.Unit, Decimals: ind.Decimals, Topic: ind.Topic, Direction: ind.Direction,
			Aggregation: ind.Aggregation, Source: ind.Source, TableID: ind.TableID, Attribution: ind.Attribution, Series: []Point{}}
		for _, y := range years {
			c, err := a.column(ctx, ind.ID, level, y)
			if err != nil {
				return nil, err
			}
			x, f := c.vals[idx], c.flags[idx]
			if !math.IsNaN(x) || (f != atlas.FlagMissing && f != atlas.FlagNone) {
				pt := Point{Year: y, Value: valPtr(x), Flag: flagPtr(f)}
				lr, err := a.landReference(ctx, ind, r, level, y)
				if err != nil {
					return nil, err
				}
				gr, err := a.germanyReference(ctx, ind, y)
				if err != nil {
					return nil, err
				}
				pt.Land, pt.Germany = refValue(lr), refValue(gr)
				pi.Series = append(pi.Series, pt)
			}
			if !math.IsNaN(x) {
				rank, of, pct := rankOf(c.vals, x)
				pi.Latest = &Latest{Year: y, Value: x, Flag: flagPtr(f), Rank: rank, Of: of, Percentile: math.Round(pct*10) / 10}
			}
		}
		if pi.Latest != nil {
			if pi.Land, err = a.landReference(ctx, ind, r, level, pi.Latest.Year); err != nil {
				return nil, err
			}
			if pi.Germany, err = a.germanyReference(ctx, ind, pi.Latest.Year); err != nil {
				return nil, err
			}
		}
		p.Indicators = append(p.Indicators, pi)
		if !slices.Contains(attr, ind.Attribution) {
			attr = append(attr, ind.Attribution)
		}
	}
	p.Attribution = attr
	if p.Similar, err = a.similar(ctx, inds, li, idx, k); err != nil {
		return nil, err
	}
	if p.Similar == nil {
		p.Notes = append(p.Notes, "Keine ähnlichen Gebiete: zu wenige vergleichbare Indikatoren auf dieser Ebene.")
	}
	return p, nil
}

// hierarchy fills parents and children by key prefix (and ARS for
// Verwaltungsgemeinschaften).
func (a *Analyzer) hierarchy(ctx context.Context, p *Profile, r atlas.Region) error {
	ref := func(l atlas.Level, key string) (RegionRef, error) {
		li, err := a.level(ctx, l)
		if err != nil {
			return RegionRef{}, err
		}
		pr, ok := li.find(key)
		if !ok {
			return RegionRef{Key: key, Level: l, Note: fmt.Sprintf("kein Gebiet der %s-Grenzen (Gebietsstand %s): die Grenzen der Ebenen haben verschiedene Gebietsstände", l.Title(), li.set.Gebietsstand)}, nil
		}
		return RegionRef{Key: pr.Key, Name: pr.Name, Level: l, Type: pr.Type}, nil
	}
	level := p.Level
	type keyAt struct {
		l   atlas.Level
		key string
	}
	var parents []keyAt
	switch level {
	case atlas.LevelKreis:
		parents = []keyAt{{atlas.LevelLand, r.Key[:2]}}
	case atlas.LevelVWG, atlas.LevelGemeinde:
		parents = []keyAt{{atlas.LevelLand, r.Key[:2]}, {atlas.LevelKreis, r.Key[:5]}}
		if level == atlas.LevelGemeinde && len(r.ARS) >= 9 {
			parents = append(parents, keyAt{atlas.LevelVWG, r.ARS[:9]})
		}
	}
	for _, pk := range parents {
		pr, err := ref(pk.l, pk.key)
		if err != nil {
			return err
		}
		p.Parents = append(p.Parents, pr)
	}
	var childLevel atlas.Level
	match := func(c atlas.Region) bool { return strings.HasPrefix(c.Key, r.Key) }
	switch level {
	case atlas.LevelLand:
		childLevel = atlas.LevelKreis
	case atlas.LevelKreis:
		childLevel = atlas.LevelGemeinde
	case atlas.LevelVWG:
		childLevel = atlas.LevelGemeinde
		match = func(c atlas.Region) bool { return len(c.ARS) >= 9 && c.ARS[:9] == r.Key }
	default:
		return nil
	}
	li, err := a.level(ctx, childLevel)
	if err != nil {
		return err
	}
	ch := &Children{Level: childLevel, Regions: []RegionRef{}}
	for _, c := range li.regions {
		if match(c) {
			ch.Regions = append(ch.Regions, RegionRef{Key: c.Key, Name: c.Name, Level: childLevel, Type: c.Type})
		}
	}
	ch.Count = len(ch.Regions)
	p.Children = ch
	return nil
}

// sizeDependent reports whether an indicator mostly measures size (counts,
// shares of a national total); such indicators are left out of similarity.
func sizeDependent(ind atlas.Indicator) bool {
	return atlas.IsCount(ind) || strings.HasPrefix(ind.ID, "koenigsteiner_schluessel")
}

// similar finds the k nearest regions of the level to region idx over the
// z-standardised indicators of one year: the year in which most indicators
// have a value for the region and for at least 90 % of the level's regions
// (ties: the later year). Only regions with a value for every chosen
// indicator are compared.
func (a *Analyzer) similar(ctx context.Context, inds []atlas.Indicator, li *levelIndex, idx, k int) (*Similar, error) {
	byYear := map[int][]string{}
	for _, ind := range inds {
		if sizeDependent(ind) || !slices.Contains(ind.Levels, li.level) {
			continue
		}
		for _, y := range ind.Years {
			c, err := a.column(ctx, ind.ID, li.level, y)
			if err != nil {
				return nil, err
			}
			if !math.IsNaN(c.vals[idx]) && c.n*10 >= len(li.regions)*9 {
				byYear[y] = append(byYear[y], ind.ID)
			}
		}
	}
	best := 0
	for y, ids := range byYear {
		if len(ids) > len(byYear[best]) || (len(ids) == len(byYear[best]) && y > best) {
			best = y
		}
	}
	ids := byYear[best]
	if len(ids) < 2 {
		return nil, nil
	}
	sort.Strings(ids)
	cols := make([]*column, len(ids))
	for j, id := range ids {
		c, err := a.column(ctx, id, li.level, best)
		if err != nil {
			return nil, err
		}
		cols[j] = c
	}
	var rows []int
	for i := range li.regions {
		complete := true
		for _, c := range cols {
			if math.IsNaN(c.vals[i]) {
				complete = false
				break
			}
		}
		if complete {
			rows = append(rows, i)
		}
	}
	z := make([][]float64, len(cols))
	for j, c := range cols {
		xs := make([]float64, len(rows))
		for r, i := range rows {
			xs[r] = c.vals[i]
		}
		mean, sd := atlas.MeanSD(xs)
		z[j] = make([]float64, len(li.regions))
		for _, i := range rows {
			if sd > 0 {
				z[j][i] = (c.vals[i] - mean) / sd
			}
		}
	}
	type cand struct {
		i int
		d float64
	}
	var cands []cand
	for _, i := range rows {
		if i == idx {
			continue
		}
		d := 0.0
		for j := range cols {
			d += (z[j][i] - z[j][idx]) * (z[j][i] - z[j][idx])
		}
		cands = append(cands, cand{i, math.Sqrt(d / float64(len(cols)))})
	}
	sort.Slice(cands, func(x, y int) bool {
		if cands[x].d != cands[y].d {
			return cands[x].d < cands[y].d
		}
		return li.regions[cands[x].i].Key < li.regions[cands[y].i].Key
	})
	s := &Similar{Year: best, Indicators: ids, Compared: len(rows),
		Method:  fmt.Sprintf("%d nächste Nachbarn über %d z-standardisierte Indikatoren des Jahres %d (%d Gebiete mit allen Werten)", min(k, len(cands)), len(ids), best, len(rows)),
		Regions: []SimilarRegion{}}
	for _, c := range cands[:min(k, len(cands))] {
		r := li.regions[c.i]
		s.Regions = append(s.Regions, SimilarRegion{RegionRef: RegionRef{Key: r.Key, Name: r.Name, Level: li.level, Type: r.Type}, Distance: math.Round(c.d*1000) / 1000})
	}
	return s, nil
}
