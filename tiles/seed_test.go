package tiles

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/standortatlas/standortatlas/geo"
	"github.com/standortatlas/standortatlas/geo/boundaryfile"
	"github.com/standortatlas/standortatlas/seeds"
)

// The tests run on the real BKG boundaries of the seed data, read here with
// geo/boundaryfile as the atlas's importer reads them (land parts only, one
// region per key, invalid rings repaired), but without depending on it.
var seedSpecs = []struct {
	layer, file, shp, keyField, title, attribution string
	landOnly                                       bool // keep GF 4 (land) parts only
}{
	{"land", "boundaries/bkg_vg1000_31122024_laender_kreise.zip", "laender_vg1000", "AGS", "BKG VG1000 Länder", "© GeoBasis-DE / BKG (2025), dl-de/by-2-0 (Daten verändert)", true},
	{"kreis", "boundaries/bkg_vg1000_31122024_laender_kreise.zip", "kreise_vg1000", "AGS", "BKG VG1000 Kreise", "© GeoBasis-DE / BKG (2025), dl-de/by-2-0 (Daten verändert)", true},
	{"vwg", "boundaries/bkg_vg5000_01012021_gemeinden_vwg.zip", "vwg_vg5000", "ARS", "BKG VG5000 Verwaltungsgemeinschaften", "© GeoBasis-DE / BKG (2021), dl-de/by-2-0 (Daten verändert)", false},
	{"gemeinde", "boundaries/bkg_vg5000_01012021_gemeinden_vwg.zip", "gemeinden_vg5000", "AGS", "BKG VG5000 Gemeinden", "© GeoBasis-DE / BKG (2021), dl-de/by-2-0 (Daten verändert)", false},
}

// seedLayers caches the layers across the tests of this package.
var seedLayers struct {
	once sync.Once
	data map[string]*LayerData
	err  error
}

func loadSeedLayers() (map[string]*LayerData, error) {
	seedLayers.once.Do(func() {
		files := map[string][]boundaryfile.Layer{}
		seedLayers.data = map[string]*LayerData{}
		for _, spec := range seedSpecs {
			layers, ok := files[spec.file]
			if !ok {
				var err error
				if layers, err = boundaryfile.ReadFS(seeds.FS, spec.file); err != nil {
					seedLayers.err = err
					return
				}
				files[spec.file] = layers
			}
			d, err := seedLayer(spec.layer, layers, spec.shp, spec.keyField, spec.landOnly)
			if err != nil {
				seedLayers.err = err
				return
			}
			d.Title, d.Attribution, d.Description = spec.title, spec.attribution, spec.title
			seedLayers.data[spec.layer] = d
		}
	})
	return seedLayers.data, seedLayers.err
}

func seedLayer(name string, layers []boundaryfile.Layer, shp, keyField string, landOnly bool) (*LayerData, error) {
	for _, l := range layers {
		if !strings.EqualFold(strings.TrimSuffix(path.Base(l.Name), path.Ext(l.Name)), shp) && l.Name != shp {
			continue
		}
		d := &LayerData{Name: name}
		byKey := map[string]int{}
		for _, f := range l.Features {
			if landOnly && f.Props["GF"] != "4" || len(f.Geom) == 0 {
				continue
			}
			key := f.Props[keyField]
			if i, ok := byKey[key]; ok {
				d.Features[i].Geom = append(d.Features[i].Geom, f.Geom...)
				continue
			}
			id, ok := KeyID(key)
			if !ok {
				return nil, fmt.Errorf("%s: key %q is not numeric", shp, key)
			}
			byKey[key] = len(d.Features)
			d.Features = append(d.Features, Feature{ID: id, Key: key, Name: f.Props["GEN"], Type: f.Props["BEZ"], Geom: f.Geom})
		}
		for i := range d.Features {
			if geo.Validate(d.Features[i].Geom) != nil {
				fixed, _, err := geo.Repair(d.Features[i].Geom)
				if err != nil {
					return nil, fmt.Errorf("%s %s: %w", shp, d.Features[i].Key, err)
				}
				d.Features[i].Geom = fixed
			}
		}
		sort.Slice(d.Features, func(i, j int) bool { return d.Features[i].Key < d.Features[j].Key })
		return d, nil
	}
	return nil, fmt.Errorf("no layer %s in the seed boundaries", shp)
}

// seedSource is a Source over the seed boundaries. Values are synthetic:
// value = id mod 1000 + 0.5, class = id mod 5; regions whose id is divisible
// by 7 have no entry, those divisible by 11 are flagged "secret" without a
// value.
type seedSource struct {
	mu      sync.Mutex
	version int64
	loads   int                             // layers made (once per layer and version)
	layers  map[int64]map[string]*LayerData // by version, as the Source contract asks
}

var errUnknownIndicator = errors.New("unknown indicator")

func (s *seedSource) Version(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version, nil
}

func (s *seedSource) KnownVersion() (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version, true
}

func (s *seedSource) setVersion(v int64) {
	s.mu.Lock()
	s.version = v
	s.mu.Unlock()
}

func (s *seedSource) Layers(context.Context) ([]string, error) {
	return []string{"land", "kreis", "vwg", "gemeinde"}, nil
}

func (s *seedSource) Layer(ctx context.Context, name string) (*LayerData, error) {
	ls, err := loadSeedLayers()
	if err != nil {
		return nil, err
	}
	d, ok := ls[name]
	if !ok {
		return nil, fmt.Errorf("layer %q: %w", name, ErrUnknownLayer)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.layers == nil {
		s.layers = map[int64]map[string]*LayerData{}
	}
	if s.layers[s.version] == nil {
		s.layers[s.version] = map[string]*LayerData{}
	}
	cp := s.layers[s.version][name]
	if cp == nil {
		cp = &LayerData{Name: d.Name, Title: d.Title, Version: s.version, Attribution: d.Attribution, Description: d.Description, Features: d.Features}
		s.layers[s.version][name] = cp
		s.loads++
	}
	return cp, nil
}

func (s *seedSource) Values(ctx context.Context, layer string, q ValueQuery) (*ValueSet, error) {
	d, err := s.Layer(ctx, layer)
	if err != nil {
		return nil, err
	}
	if q.Key != "synthetic" {
		return nil, fmt.Errorf("indicator %q: %w", q.Key, errUnknownIndicator)
	}
	vs := &ValueSet{Version: d.Version, ByKey: map[string]Value{}}
	for _, f := range d.Features {
		switch {
		case f.ID%7 == 0:
		case f.ID%11 == 0:
			vs.ByKey[f.Key] = Value{Class: -1, Flag: "secret"}
		default:
			vs.ByKey[f.Key] = Value{Value: float64(f.ID%1000) + 0.5, HasValue: true, Class: int(f.ID % 5)}
		}
	}
	return vs, nil
}

// seedData returns one seed layer or fails the test.
func seedData(t testing.TB, name string) *LayerData {
	t.Helper()
	ls, err := loadSeedLayers()
	if err != nil {
		t.Fatalf("read seed boundaries: %v", err)
	}
	return ls[name]
}
