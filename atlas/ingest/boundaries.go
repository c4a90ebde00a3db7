package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/geo"
	"github.com/standortatlas/standortatlas/geo/boundaryfile"
)

// BoundaryResult is a level's regions read from a boundary file.
type BoundaryResult struct {
	Set     atlas.BoundarySet
	Regions []atlas.Region
	// sha and spec identify the files and the spec (a re-import of the same
	// files the same way is skipped).
	sha, spec string
}

// boundaryHashes returns the SHA-256 of a boundary file with its sidecar
// files (.dbf, .shx, .prj, .cpg of a shapefile) and of the spec.
func boundaryHashes(fsys fs.FS, spec BoundarySpec) (string, string, error) {
	h := sha256.New()
	files := []string{spec.File}
	if ext := path.Ext(spec.File); strings.EqualFold(ext, ".shp") {
		base := strings.TrimSuffix(spec.File, ext)
		for _, side := range []string{".dbf", ".shx", ".prj", ".cpg"} {
			for _, e := range []string{side, strings.ToUpper(side)} {
				if _, err := fs.Stat(fsys, base+e); err == nil {
					files = append(files, base+e)
					break
				}
			}
		}
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return "", "", err
		}
		fmt.Fprintf(h, "%s %s\n", path.Base(f), sha(b))
	}
	sp := spec
	sp.File = path.Base(sp.File)
	js, err := json.Marshal(sp)
	if err != nil {
		return "", "", err
	}
	return hex.EncodeToString(h.Sum(nil)), sha(js), nil
}

// ReadBoundaries reads the layer spec names from a boundary file in fsys:
// keys from KeyField (AGS; ARS for the VWG level) kept as text, Geofaktor
// filtered, features of one key merged, invalid rings repaired and reported.
func ReadBoundaries(fsys fs.FS, spec BoundarySpec) (*BoundaryResult, error) {
	layers, err := boundaryfile.ReadFS(fsys, spec.File)
	if err != nil {
		return nil, err
	}
	layer, err := pickLayer(layers, spec)
	if err != nil {
		return nil, err
	}
	return buildRegions(layer, spec)
}

func pickLayer(layers []boundaryfile.Layer, spec BoundarySpec) (boundaryfile.Layer, error) {
	var names []string
	for _, l := range layers {
		names = append(names, l.Name)
		if spec.Layer != "" && (l.Name == spec.Layer || strings.EqualFold(path.Base(l.Name), spec.Layer) || strings.EqualFold(strings.TrimSuffix(path.Base(l.Name), path.Ext(l.Name)), spec.Layer)) {
			return l, nil
		}
	}
	if spec.Layer == "" && len(layers) == 1 {
		return layers[0], nil
	}
	if spec.Layer == "" {
		return boundaryfile.Layer{}, fmt.Errorf("%s: %d layers (%s): name one with layer", spec.File, len(layers), strings.Join(names, ", "))
	}
	return boundaryfile.Layer{}, fmt.Errorf("%s: no layer %q (layers: %s)", spec.File, spec.Layer, strings.Join(names, ", "))
}

func orDefault(s, d string) string {
	if s != "" {
		return s
	}
	return d
}

func buildRegions(layer boundaryfile.Layer, spec BoundarySpec) (*BoundaryResult, error) {
	if spec.Level == 0 {
		return nil, fmt.Errorf("%s: level missing", spec.File)
	}
	keyField := orDefault(spec.KeyField, "AGS")
	if spec.Level == atlas.LevelVWG && spec.KeyField == "" {
		keyField = "ARS"
	}
	nameField := orDefault(spec.NameField, "GEN")
	typeField := orDefault(spec.TypeField, "BEZ")
	arsField := orDefault(spec.ARSField, "ARS")

	gf := gfFilter(layer, spec.GF)
	res := &BoundaryResult{Set: atlas.BoundarySet{
		Level: spec.Level, Name: spec.Name, Source: path.Base(spec.File) + orSuffix(layer.Name), Gebietsstand: spec.Gebietsstand,
		SourceSRID: layer.SRID, Licence: spec.Licence, Attribution: spec.Attribution, ImportedAt: time.Now().UTC(),
	}}
	if res.Set.Gebietsstand == "" {
		res.Set.Gebietsstand = gebietsstandFromWSK(layer)
	}
	byKey := map[string]int{}
	merged := map[string]int{}
	filtered := 0
	verr := &ValidationError{File: spec.File}
	for i, f := range layer.Features {
		if len(gf) > 0 && !contains(gf, f.Props["GF"]) {
			filtered++
			continue
		}
		key := strings.TrimSpace(f.Props[keyField])
		if !atlas.ValidKey(spec.Level, key) {
			verr.add(fmt.Errorf("%s: feature %d: %s %q is not a %d-digit %s key", spec.File, i+1, keyField, atlas.Shorten(key, 40), spec.Level.KeyLength(), spec.Level))
			continue
		}
		if len(f.Geom) == 0 {
			res.Set.Report = append(res.Set.Report, fmt.Sprintf("%s: empty geometry skipped", key))
			continue
		}
		if j, ok := byKey[key]; ok {
			// Another part of the same region (e.g. GF 4 parts split by water): merge.
			res.Regions[j].Geom = append(res.Regions[j].Geom, f.Geom...)
			merged[key]++
			continue
		}
		typ := f.Props[typeField]
		r := atlas.Region{Level: spec.Level, Key: key, ARS: f.Props[arsField], Name: f.Props[nameField], Type: typ,
			Gemeindefrei: strings.EqualFold(typ, "Gemeindefreies Gebiet"), Geom: f.Geom}
		if r.ARS == key {
			r.ARS = ""
		}
		byKey[key] = len(res.Regions)
		res.Regions = append(res.Regions, r)
	}
	if verr.Count() > 0 {
		return nil, verr
	}
	if len(res.Regions) == 0 {
		return nil, fmt.Errorf("%s: no features of level %s (GF filter %v removed %d)", spec.File, spec.Level, gf, filtered)
	}
	if filtered > 0 {
		res.Set.Report = append(res.Set.Report, fmt.Sprintf("%d features with GF not in %v (water, coastal parts) left out", filtered, gf))
	}
	for key, n := range merged {
		res.Set.Report = append(res.Set.Report, fmt.Sprintf("%s: %d features of the same key merged into one region", key, n+1))
	}
	if err := repairRegions(spec.File, res); err != nil {
		return nil, err
	}
	sort.Slice(res.Regions, func(i, j int) bool { return res.Regions[i].Key < res.Regions[j].Key })
	res.Set.Count = len(res.Regions)
	return res, nil
}

// gfFilter keeps the land parts (GF 4) of a layer that has them, unless
// the spec names the GF values.
func gfFilter(layer boundaryfile.Layer, gf []string) []string {
	if len(gf) > 0 {
		return gf
	}
	for _, f := range layer.Features {
		if f.Props["GF"] == "4" {
			return []string{"4"}
		}
	}
	return nil
}

// repairRegions repairs invalid geometries and reports each repair.
func repairRegions(file string, res *BoundaryResult) error {
	for i := range res.Regions {
		r := &res.Regions[i]
		verr := geo.Validate(r.Geom)
		if verr == nil {
			continue
		}
		fixed, changed, err := geo.Repair(r.Geom)
		if err != nil {
			return fmt.Errorf("%s: region %s (%s): invalid geometry (%v) and repair failed: %w", file, r.Key, r.Name, verr, err)
		}
		if changed {
			res.Set.Report = append(res.Set.Report, fmt.Sprintf("%s %s: repaired invalid geometry (%v)", r.Key, r.Name, verr))
			r.Geom = fixed
		}
	}
	return nil
}

func orSuffix(layer string) string {
	if layer == "" {
		return ""
	}
	return ":" + layer
}

// gebietsstandFromWSK returns the latest legal effective date (BKG field WSK)
// of a layer as DD.MM.YYYY, or "unbekannt".
func gebietsstandFromWSK(layer boundaryfile.Layer) string {
	latest := ""
	for _, f := range layer.Features {
		if w := f.Props["WSK"]; w > latest {
			latest = w
		}
	}
	if t, err := time.Parse("2006-01-02", latest); err == nil {
		return t.Format("02.01.2006")
	}
	if t, err := time.Parse("20060102", latest); err == nil {
		return t.Format("02.01.2006")
	}
	return "unbekannt"
}
