package atlas

import (
	"context"
	"encoding/json"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Label is a place name for the map, drawn from the atlas's own data: the
// region's name at a point inside its largest polygon, with its population
// (for choosing which names a zoom level shows).
type Label struct {
	Key        string  `json:"key"`
	Name       string  `json:"name"`
	Lon        float64 `json:"lon"`
	Lat        float64 `json:"lat"`
	Population float64 `json:"population,omitempty"`
}

// Labels returns the labels of a level (Gemeinden: those with at least
// minPopulation inhabitants), largest population first, encoded as JSON and
// cached with the snapshot.
func (s *Service) Labels(ctx context.Context, level Level, minPopulation float64) (*Encoded, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	d, err := snap.Level(ctx, level)
	if err != nil {
		return nil, err
	}
	return snap.cached(ctx, "labels|"+level.String()+"|"+FormatEN(minPopulation, 0), func(ctx context.Context) ([]byte, error) {
		pop := map[string]Value{}
		if ind, err := snap.Indicator(ctx, "population"); err == nil && ind.Available(level, ind.DefaultYear) == nil {
			if pop, err = snap.Values(ctx, "population", level, ind.DefaultYear); err != nil {
				return nil, err
			}
		}
		out := make([]Label, 0, len(d.Regions))
		for i, r := range d.Regions {
			p, ok := pop[r.Key]
			n := 0.0
			if ok && !math.IsNaN(p.Value) {
				n = p.Value
			}
			if n < minPopulation {
				continue
			}
			pt := LabelPoint(d.Full[i])
			out = append(out, Label{Key: r.Key, Name: r.Name, Lon: math.Round(pt[0]*1e4) / 1e4, Lat: math.Round(pt[1]*1e4) / 1e4, Population: n})
		}
		sort.SliceStable(out, func(a, b int) bool { return out[a].Population > out[b].Population })
		return json.Marshal(map[string]any{"level": level, "labels": out})
	})
}

// LabelPoint returns a point inside the largest polygon of mp: its centroid
// where that lies inside, else the middle of the widest stretch of the
// polygon on the horizontal line through the centroid.
func LabelPoint(mp orb.MultiPolygon) orb.Point {
	var best orb.Polygon
	bestArea := -1.0
	for _, p := range mp {
		if a := math.Abs(planar.Area(p)); a > bestArea {
			best, bestArea = p, a
		}
	}
	if len(best) == 0 {
		return orb.Point{}
	}
	c, _ := planar.CentroidArea(best)
	if planar.PolygonContains(best, c) {
		return c
	}
	// crossings of the horizontal line y = c[1] with every ring, sorted:
	// inside stretches lie between crossing 0–1, 2–3, …
	var xs []float64
	for _, ring := range best {
		for i := 0; i+1 < len(ring); i++ {
			a, b := ring[i], ring[i+1]
			if (a[1] <= c[1]) != (b[1] <= c[1]) {
				xs = append(xs, a[0]+(c[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	w, at := -1.0, c
	for i := 0; i+1 < len(xs); i += 2 {
		if xs[i+1]-xs[i] > w {
			w, at = xs[i+1]-xs[i], orb.Point{(xs[i] + xs[i+1]) / 2, c[1]}
		}
	}
	return at
}
