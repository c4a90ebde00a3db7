package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// The Königsteiner Schlüssel in the store (seeds/indicators/koenigsteiner_schluessel.csv).
const (
	// KSIndicator holds the GWK key per Land, period = key year.
	KSIndicator = "koenigsteiner_schluessel"
	// KSYearOfUseIndicator holds, per key year, the year the key is applied
	// in (EASY quota): key year X is used in X+1.
	KSYearOfUseIndicator = "koenigsteiner_schluessel_year_of_use"
	// KSLuKIFGIndicator holds the shares written into § 2 LuKIFG (2025),
	// period = 2025; the law does not state the key year.
	KSLuKIFGIndicator = "koenigsteiner_schluessel_lukifg2025"
	// KSLuKIFG selects the LuKIFG shares in ks_year.
	KSLuKIFG = "lukifg2025"
)

// KSInfo says which Königsteiner Schlüssel an answer uses.
type KSInfo struct {
	Indicator   string  `json:"indicator"`
	Label       string  `json:"label"`
	KeyYear     *int    `json:"key_year"`
	YearOfUse   *int    `json:"year_of_use"`
	Note        string  `json:"note"`
	Sum         float64 `json:"sum_percent"`
	Source      string  `json:"source"`
	Licence     string  `json:"licence"`
	Attribution string  `json:"attribution"`
}

// ks returns the key shares (percent, by Land key) selected by sel: a key
// year ("2016"), KSLuKIFG, or "" for the latest key year in the store.
func (a *Analyzer) ks(ctx context.Context, sel string) (*KSInfo, map[string]float64, error) {
	id := KSIndicator
	if strings.EqualFold(sel, KSLuKIFG) {
		id = KSLuKIFGIndicator
	}
	ind, err := a.svc.Indicator(ctx, id)
	if errors.Is(err, atlas.ErrUnknownIndicator) {
		return nil, nil, fmt.Errorf("the Königsteiner Schlüssel (%s) is not in the store; import seeds/indicators/koenigsteiner_schluessel.csv (manifest tables ks_gwk, ks_lukifg): %w", id, atlas.ErrNotFound)
	}
	if err != nil {
		return nil, nil, err
	}
	if len(ind.Years) == 0 {
		return nil, nil, fmt.Errorf("the Königsteiner Schlüssel (%s) has no values in the store: %w", id, atlas.ErrNotFound)
	}
	info := &KSInfo{Indicator: id, Source: ind.Source, Licence: ind.Licence, Attribution: ind.Attribution}
	var period int
	switch {
	case id == KSLuKIFGIndicator:
		period = ind.Years[len(ind.Years)-1]
		info.Label = "Königsteiner Schlüssel laut § 2 LuKIFG (" + strconv.Itoa(period) + ")"
		info.Note = "Anteile aus § 2 des Länder-und-Kommunal-Infrastrukturfinanzierungsgesetzes vom 20.10.2025; das Gesetz nennt das Schlüsseljahr nicht (key_year null). Es verteilt Infrastrukturmittel, nicht Asylsuchende; year_of_use ist das Jahr des Gesetzes."
		y := period
		info.YearOfUse = &y
	case sel == "":
		period = ind.Years[len(ind.Years)-1]
	default:
		y, err := strconv.Atoi(sel)
		if err != nil {
			return nil, nil, &atlas.ParamError{Param: "ks_year", Value: sel, Reason: fmt.Sprintf("must be a key year %v or %s", ind.Years, KSLuKIFG)}
		}
		period = y
	}
	m, err := a.raw(ctx, id, atlas.LevelLand, period)
	if err != nil {
		return nil, nil, err
	}
	if len(m) == 0 {
		return nil, nil, &atlas.ParamError{Param: "ks_year", Value: sel, Reason: fmt.Sprintf("no Königsteiner Schlüssel for this key year in the store (key years: %v; or %s)", ind.Years, KSLuKIFG)}
	}
	shares := map[string]float64{}
	for k, v := range m {
		if math.IsNaN(v.Value) {
			return nil, nil, fmt.Errorf("königsteiner schlüssel %d: no share for Land %s: %w", period, k, atlas.ErrNotFound)
		}
		shares[k] = v.Value
		info.Sum += v.Value
	}
	info.Sum = math.Round(info.Sum*1e5) / 1e5
	if id == KSIndicator {
		p := period
		info.KeyYear = &p
		info.Label = "Königsteiner Schlüssel " + strconv.Itoa(period)
		use, err := a.raw(ctx, KSYearOfUseIndicator, atlas.LevelLand, period)
		if err != nil && !errors.Is(err, atlas.ErrUnknownIndicator) {
			return nil, nil, err
		}
		for _, v := range use {
			if !math.IsNaN(v.Value) {
				u := int(v.Value)
				info.YearOfUse = &u
				break
			}
		}
		if info.YearOfUse != nil {
			info.Label += fmt.Sprintf(" (angewandt %d)", *info.YearOfUse)
			info.Note = fmt.Sprintf("Schlüsseljahr %d, vom BAMF (EASY) im Jahr %d angewandt („Quote %d“).", period, *info.YearOfUse, *info.YearOfUse)
		} else {
			info.Note = fmt.Sprintf("Schlüsseljahr %d; das Anwendungsjahr ist nicht in den Daten (%s).", period, KSYearOfUseIndicator)
		}
	}
	return info, shares, nil
}
