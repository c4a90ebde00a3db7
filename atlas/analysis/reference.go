package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// Bases of a Land or Germany reference value.
const (
	// BasisOfficial: the source's own Land or Germany (DG) row.
	BasisOfficial = "amtlich"
	// BasisOwn: computed by the atlas where the arithmetic is right — a sum
	// of counts over regions that all have a value.
	BasisOwn = "eigene Berechnung"
)

// landReference returns the Land value of the same year: the source's Land
// row (official), or for counts the sum of the Land's Kreise when every one
// of them has a value (own calculation). Never a mean of rates.
func (a *Analyzer) landReference(ctx context.Context, ind atlas.Indicator, r atlas.Region, level atlas.Level, year int) (*Reference, error) {
	if level == atlas.LevelLand {
		return nil, nil
	}
	lk := r.Key[:2]
	ref := &Reference{Key: lk, Year: year}
	if li, err := a.level(ctx, atlas.LevelLand); err == nil {
		if lr, ok := li.find(lk); ok {
			ref.Name = lr.Name
		}
	}
	if slices.Contains(ind.Levels, atlas.LevelLand) {
		m, err := a.raw(ctx, ind.ID, atlas.LevelLand, year)
		if err != nil {
			return nil, err
		}
		if v, ok := m[lk]; ok {
			ref.Value, ref.Flag = valPtr(v.Value), flagPtr(v.Flag)
			ref.Basis = BasisOfficial
			if ind.Aggregation != "" {
				ref.Basis, ref.Aggregation, ref.Note = BasisOwn, ind.Aggregation, ownNote(ind)
			}
			return ref, nil
		}
	}
	sum, n, of, err := a.sumOf(ctx, ind, atlas.LevelKreis, year, lk)
	if err != nil {
		return nil, err
	}
	switch {
	case sum != nil:
		ref.Value, ref.Basis, ref.SumOf = sum, BasisOwn, &SumOf{Level: atlas.LevelKreis, Count: of}
		ref.Note = fmt.Sprintf("Summe der %d Kreise des Landes, eigene Berechnung", of)
	case of > 0 && isExtensive(ind):
		ref.Note = fmt.Sprintf("kein Landeswert: die Quelle hat keine Landeszeile, und eine Summe ginge nur, wenn alle %d Kreise einen Wert hätten (%d haben einen)", of, n)
	default:
		ref.Note = fmt.Sprintf("kein Landeswert für %d in den Daten (die Quelle hat keine Landeszeile; ein Mittel der Kreise wäre kein Landeswert)", year)
	}
	return ref, nil
}

// GermanyReference returns Germany's value of an indicator in a year: the
// source's DG row (official), or for counts the sum of the Länder (or of
// the Kreise) when every one has a value (own calculation). A rate without
// a DG row gets no value: a mean of rates is not Germany's rate.
func (a *Analyzer) GermanyReference(ctx context.Context, ind atlas.Indicator, year int) (*Reference, error) {
	if _, err := a.sync(ctx); err != nil {
		return nil, err
	}
	return a.germanyReference(ctx, ind, year)
}

func (a *Analyzer) germanyReference(ctx context.Context, ind atlas.Indicator, year int) (*Reference, error) {
	ref := &Reference{Key: atlas.GermanyKey, Name: "Deutschland", Year: year}
	m, err := a.raw(ctx, ind.ID, atlas.LevelGermany, year)
	if err != nil {
		return nil, err
	}
	if v, ok := m[atlas.GermanyKey]; ok {
		ref.Value, ref.Flag, ref.Basis = valPtr(v.Value), flagPtr(v.Flag), BasisOfficial
		if ind.Aggregation != "" {
			ref.Basis, ref.Aggregation, ref.Note = BasisOwn, ind.Aggregation, ownNote(ind)
		}
		return ref, nil
	}
	for _, l := range []atlas.Level{atlas.LevelLand, atlas.LevelKreis} {
		if !slices.Contains(ind.Levels, l) {
			continue
		}
		sum, n, of, err := a.sumOf(ctx, ind, l, year, "")
		if err != nil {
			return nil, err
		}
		if sum != nil {
			ref.Value, ref.Basis, ref.SumOf = sum, BasisOwn, &SumOf{Level: l, Count: of}
			ref.Note = fmt.Sprintf("Summe der %d %s, eigene Berechnung", of, map[atlas.Level]string{atlas.LevelLand: "Länder", atlas.LevelKreis: "Kreise"}[l])
			return ref, nil
		}
		if isExtensive(ind) {
			ref.Note = fmt.Sprintf("kein Deutschlandwert: die Quelle hat keine Deutschland-Zeile, und eine Summe ginge nur, wenn alle %d Gebiete der Ebene %s einen Wert hätten (%d haben einen)", of, l.Title(), n)
			return ref, nil
		}
	}
	ref.Note = "kein Deutschlandwert in den Daten (die Quelle hat keine Deutschland-Zeile; ein Mittel der Gebiete wäre kein Deutschlandwert)"
	return ref, nil
}

// sumOf sums a count over the regions of level l whose key starts with
// prefix, only when every one of them has a value; n is how many have one,
// of how many regions there are.
func (a *Analyzer) sumOf(ctx context.Context, ind atlas.Indicator, l atlas.Level, year int, prefix string) (sum *float64, n, of int, err error) {
	if !isExtensive(ind) || !slices.Contains(ind.Levels, l) {
		return nil, 0, 0, nil
	}
	li, err := a.level(ctx, l)
	if err != nil {
		return nil, 0, 0, err
	}
	c, err := a.column(ctx, ind.ID, l, year)
	if err != nil {
		return nil, 0, 0, err
	}
	total := 0.0
	for i, r := range li.regions {
		if !strings.HasPrefix(r.Key, prefix) {
			continue
		}
		of++
		x := c.vals[i]
		if c.flags[i] == atlas.FlagZero && math.IsNaN(x) {
			x = 0 // "-": nothing there, an exact zero of a count
		}
		if !math.IsNaN(x) {
			n++
			total += x
		}
	}
	if of == 0 || n != of {
		return nil, n, of, nil
	}
	return &total, n, of, nil
}

// isExtensive reports whether an indicator is a count (summed, never
// averaged).
func isExtensive(ind atlas.Indicator) bool {
	return ind.Measure == atlas.MeasureExtensive || atlas.IsCount(ind)
}

func ownNote(ind atlas.Indicator) string {
	switch ind.Aggregation {
	case "sum":
		return "Summe der Gebiete, eigene Berechnung (siehe attribution)"
	case "ratio":
		return "Σ Zähler ÷ Σ Nenner derselben Quelle und desselben Stichtags, eigene Berechnung"
	}
	return "eigene Berechnung (" + ind.Aggregation + ")"
}

// germanyNormalized is Germany's value of ind in year, divided like the
// regions' values when info says they were (nil: as published): Germany's
// value over Germany's base of the base year, a ratio of totals, never a
// mean of the regions' rates. Without both totals Germany gets no value.
func (a *Analyzer) germanyNormalized(ctx context.Context, ind atlas.Indicator, year int, info *atlas.NormalizationInfo) (*Reference, error) {
	num, err := a.germanyReference(ctx, ind, year)
	if err != nil || info == nil {
		return num, err
	}
	bind, err := a.svc.Indicator(ctx, info.Base)
	if err != nil {
		return nil, err
	}
	den, err := a.germanyReference(ctx, bind, info.BaseYear)
	if err != nil {
		return nil, err
	}
	ref := &Reference{Key: num.Key, Name: num.Name, Year: year, Flag: num.Flag, Basis: BasisOwn}
	if num.Value == nil || den.Value == nil || *den.Value <= 0 {
		ref.Flag, ref.Basis = nil, ""
		ref.Note = fmt.Sprintf("kein Deutschlandwert %s: %s", info.Unit, strings.TrimSpace(num.Note+" "+den.Note))
		return ref, nil
	}
	v := *num.Value / *den.Value * info.Factor
	ref.Value = &v
	ref.Note = fmt.Sprintf("Deutschland %s (%s) ÷ %s %d (%s) × %s, eigene Berechnung", ind.ID, num.Basis, info.Base, info.BaseYear, den.Basis, strconv.FormatFloat(info.Factor, 'f', -1, 64))
	return ref, nil
}
