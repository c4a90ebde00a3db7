package placeimport

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"

	"github.com/standortatlas/standortatlas/atlas"
)

// ReadSpecs reads a JSON list of Specs (e.g. seeds/places/places.json).
func ReadSpecs(fsys fs.FS, name string) ([]Spec, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var specs []Spec
	if err := json.Unmarshal(b, &specs); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return specs, nil
}

// NewStoreLocator builds a Locator from the store's Gemeinde and Kreis boundaries.
func NewStoreLocator(ctx context.Context, s atlas.Store) (*Locator, error) {
	gem, err := s.Regions(ctx, atlas.LevelGemeinde)
	if err != nil {
		return nil, err
	}
	kr, err := s.Regions(ctx, atlas.LevelKreis)
	if err != nil {
		return nil, err
	}
	if len(kr) == 0 {
		return nil, fmt.Errorf("places: the store has no Kreis boundaries to place points in: %w", atlas.ErrNotFound)
	}
	return NewLocator(gem, kr), nil
}

// Counts derives, for every category that has a source, the number of
// published places per Land, Kreis and Gemeinde and per 100,000
// inhabitants, from places and sources as they will be after a change
// (regions and population are read from s). ingest.Intake writes them in
// the release of the change, so that places and counts never disagree.
func Counts(ctx context.Context, s atlas.Store, places []atlas.Place, sources []atlas.PlaceSource) ([]atlas.Indicator, []atlas.Observation, []string, error) {
	popYear, popByLevel, err := population(ctx, s)
	if err != nil {
		return nil, nil, nil, err
	}
	var inds []atlas.Indicator
	var obs []atlas.Observation
	var report []string
	for _, cat := range atlas.Categories() {
		var srcs []atlas.PlaceSource
		year := 0
		for _, src := range sources {
			for _, c := range src.Categories {
				if c == cat.ID {
					srcs = append(srcs, src)
					if len(src.Date) >= 4 {
						if y, err := strconv.Atoi(src.Date[:4]); err == nil && y > year {
							year = y
						}
					}
				}
			}
		}
		if len(srcs) == 0 {
			continue
		}
		if year == 0 {
			year = popYear
		}
		titles, attrs, licences := "", "", ""
		for i, src := range srcs {
			sep := ""
			if i > 0 {
				sep = "; "
			}
			titles += sep + src.Title
			attrs += sep + src.Attribution
			licences += sep + src.Licence
		}
		base := atlas.Indicator{Topic: "zivilgesellschaft", TopicTitle: "Zivilgesellschaft und Beratung", Direction: atlas.DirectionCapacity,
			Source: titles, Licence: licences, Attribution: attrs + "; Zählung je Gebiet: eigene Berechnung",
			Gebietsstand: "Kreise 31.12.2024, Gemeinden 01.01.2021 (Punkt-in-Polygon)",
			Notes:        "Gezählt nur in Gebieten, die eine Quelle vollständig abdeckt; außerhalb: keine Daten."}
		count := base
		count.ID, count.Title, count.TitleEN, count.Unit = "places_"+cat.ID+"_count", cat.Title+" (Anzahl)", cat.TitleEN+" (count)", "Anzahl"
		count.Definition = "Zahl der veröffentlichten Orte der Kategorie „" + cat.Title + "“ im Gebiet."
		per := base
		per.ID, per.Title, per.TitleEN, per.Unit, per.Decimals = "places_"+cat.ID+"_per100k", cat.Title+" je 100.000 Einwohner", cat.TitleEN+" per 100,000 inhabitants", "je 100.000 Einw.", 2
		per.Definition = fmt.Sprintf("Orte der Kategorie „%s“ je 100.000 Einwohner; Bevölkerung am 31.12.%d (Fortschreibung auf Grundlage des Zensus 2011).", cat.Title, popYear)
		per.PopulationBase = fmt.Sprintf("population %d (Fortschreibung Zensus 2011)", popYear)
		inds = append(inds, count, per)
		for _, lvl := range []atlas.Level{atlas.LevelLand, atlas.LevelKreis, atlas.LevelGemeinde} {
			regions, err := s.Regions(ctx, lvl)
			if err != nil {
				return nil, nil, nil, err
			}
			c, p := atlas.PlaceCounts(cat.ID, lvl, regions, places, srcs, popByLevel[lvl], year)
			obs = append(obs, c...)
			obs = append(obs, p...)
		}
		n := 0
		for _, pl := range places {
			if pl.Category == cat.ID {
				n++
			}
		}
		report = append(report, fmt.Sprintf("places %s: %d published, counted per region for %d", cat.ID, n, year))
	}
	sort.Slice(inds, func(i, j int) bool { return inds[i].ID < inds[j].ID })
	return inds, obs, report, nil
}

// population returns the latest year of the population indicator and its
// values per level.
func population(ctx context.Context, s atlas.Store) (int, map[atlas.Level]map[string]float64, error) {
	inds, err := s.Indicators(ctx)
	if err != nil {
		return 0, nil, err
	}
	year := 0
	for _, ind := range inds {
		if ind.ID == "population" && len(ind.Years) > 0 {
			year = ind.Years[len(ind.Years)-1]
		}
	}
	out := map[atlas.Level]map[string]float64{}
	if year == 0 {
		return 0, out, nil
	}
	for _, lvl := range []atlas.Level{atlas.LevelLand, atlas.LevelKreis, atlas.LevelGemeinde} {
		vals, err := s.Values(ctx, "population", lvl, year)
		if err != nil {
			return 0, nil, err
		}
		m := map[string]float64{}
		for k, v := range vals {
			if v.Flag.HasValue() {
				m[k] = v.Value
			}
		}
		out[lvl] = m
	}
	return year, out, nil
}
