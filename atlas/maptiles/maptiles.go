// Package maptiles serves the atlas's maps as vector tiles: it adapts an
// atlas.Service to the tile renderer (package tiles) — layers are the
// levels with boundaries, features their stored regions, values those of
// the map's classified view — and implements atlas.TileSet for the HTTP
// layer. cmd wires it; the PMTiles export uses its Server.
package maptiles

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/tiles"
)

// Tiles renders and caches the vector tiles of a Service.
type Tiles struct {
	svc *atlas.Service
	srv *tiles.Server
}

var _ atlas.TileSet = (*Tiles)(nil)

// New returns the tiles of svc, rendered by a tiles.Server with opt.
func New(svc *atlas.Service, opt tiles.Options) *Tiles {
	opt.OmittedHeader = atlas.TileOmittedHeader
	return &Tiles{svc: svc, srv: tiles.NewServer(source{svc: svc, prebuilt: prebuiltPrefix(opt), log: opt.Logger}, opt)}
}

// featureVersion names how regions become tile features (feature): part
// of the stored pyramid's names beside the tiles package's own version,
// so that a build that maps regions otherwise (another name or type in
// the features) finds nothing stored by an earlier one and renders live.
// Raise it with any change of feature.
const featureVersion = "maptiles.f1."

// prebuiltPrefix is the prefix of the stored pyramid that serves opt; ""
// when none can.
func prebuiltPrefix(opt tiles.Options) string {
	p := tiles.PrebuiltPrefix(opt)
	if p == "" {
		return ""
	}
	return featureVersion + p
}

// Server returns the tile server (for warming and exports).
func (t *Tiles) Server() *tiles.Server { return t.srv }

// valueQuery is the tile server's form of a map query.
func valueQuery(q *atlas.MapQuery) tiles.ValueQuery {
	if q == nil || q.Indicator == "" {
		return tiles.ValueQuery{}
	}
	return tiles.ValueQuery{Key: q.Key(), Params: *q}
}

// tileError maps the tile server's errors to the atlas's.
func tileError(z int, x, y uint32, err error) error {
	if errors.Is(err, tiles.ErrInvalidTile) {
		return &atlas.ParamError{Param: "tile", Value: fmt.Sprintf("%d/%d/%d", z, x, y), Reason: err.Error()}
	}
	return err
}

// Tile implements atlas.TileSet.
func (t *Tiles) Tile(ctx context.Context, level atlas.Level, z int, x, y uint32, q *atlas.MapQuery) (atlas.Tile, error) {
	tl, err := t.srv.Tile(ctx, level.String(), z, x, y, valueQuery(q))
	for try := 0; try < 2 && atlas.IsStale(err); try++ {
		// A stored pyramid's cells are read on first use: the data changed
		// between the layer's read and theirs. Render it again in the new
		// version (never from parts of another one).
		t.svc.Invalidate()
		tl, err = t.srv.Tile(ctx, level.String(), z, x, y, valueQuery(q))
	}
	if err != nil {
		return atlas.Tile{}, tileError(z, x, y, err)
	}
	return atlasTile(tl), nil
}

// CachedTile implements atlas.TileSet.
func (t *Tiles) CachedTile(level atlas.Level, z int, x, y uint32, q *atlas.MapQuery) (atlas.Tile, bool, error) {
	tl, err := t.srv.Cached(level.String(), z, x, y, valueQuery(q))
	if err != nil {
		return atlas.Tile{}, false, tileError(z, x, y, err)
	}
	if tl == nil {
		return atlas.Tile{}, false, nil
	}
	return atlasTile(tl), true, nil
}

// atlasTile is the atlas's view of a rendered tile.
func atlasTile(tl *tiles.Tile) atlas.Tile {
	var h atlas.TileHeader
	h.ETag, h.Version, h.GzipLength, h.IdentityLength = tl.HeaderValues()
	return atlas.Tile{Version: tl.Version, ETag: tl.ETag, Gzip: tl.Gzip, Omitted: tl.Omitted, Identity: tl, Header: h}
}

// TileJSON implements atlas.TileSet.
func (t *Tiles) TileJSON(ctx context.Context, level atlas.Level, q *atlas.MapQuery, tileURL func(version int64) string) ([]byte, int64, error) {
	tj, err := t.srv.TileJSON(ctx, level.String(), valueQuery(q), tileURL)
	if err != nil {
		return nil, 0, err
	}
	b, err := json.Marshal(tj)
	if err != nil {
		return nil, 0, fmt.Errorf("encode tilejson: %w", err)
	}
	return b, tj.DataVersion, nil
}

// PlacesTile implements atlas.TileSet.
func (t *Tiles) PlacesTile(ctx context.Context, z int, x, y uint32, categories []string) (*atlas.Encoded, error) {
	if err := t.srv.CheckTile(z, x, y); err != nil {
		return nil, tileError(z, x, y, err)
	}
	b := tiles.PointBound(z, x, y)
	list, _, err := t.svc.Places(ctx, atlas.PlaceQuery{Bound: &b, Categories: categories})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	pts := make([]tiles.Point, len(list))
	for i, p := range list {
		pts[i] = tiles.Point{Lon: p.Lon, Lat: p.Lat, Properties: map[string]any{"id": p.ID, "name": p.Name, "category": p.Category, "kreis": p.Kreis, "gemeinde": p.Gemeinde}}
	}
	data, err := tiles.EncodePoints("places", z, x, y, pts)
	if err != nil {
		return nil, err
	}
	return atlas.NewEncoded(data), nil
}

// Source returns the tile server's Source over svc: layers are the levels
// with boundaries, features their stored (full-resolution) regions of the
// current snapshot, values those of the map's classified view. It never
// reads a stored pyramid (as the Source of New does when the store keeps
// one for the server's options), so it serves a Server of any options.
func Source(svc *atlas.Service) tiles.Source { return source{svc: svc} }

type source struct {
	svc *atlas.Service
	// prebuilt is the prefix of the stored pyramid that serves the tile
	// server's options (tiles.PrebuiltPrefix; "" for none): read instead
	// of the full-resolution geometry when the store has it.
	prebuilt string
	// log says when the store keeps no pyramid for these options (nil: silent).
	log *slog.Logger
}

func (s source) Version(ctx context.Context) (int64, error) { return s.svc.Version(ctx) }
func (s source) KnownVersion() (int64, bool)                { return s.svc.KnownVersion() }

func (s source) Layers(ctx context.Context) ([]string, error) {
	sets, err := s.svc.BoundarySets(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range atlas.AllLevels() {
		for _, set := range sets {
			if set.Level == l {
				out = append(out, l.String())
				break
			}
		}
	}
	return out, nil
}

func (s source) Layer(ctx context.Context, name string) (*tiles.LayerData, error) {
	level, err := atlas.ParseLevel(name)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w %w", name, tiles.ErrUnknownLayer, atlas.ErrNotFound)
	}
	if s.prebuilt != "" {
		// The pyramid simplified when the boundaries were written, stored
		// with them: a cold tile reads one zoom of it and clips it.
		_, ld, err := atlas.DeriveCurrent(ctx, s.svc, layerKey{level, s.prebuilt}, func(ctx context.Context, snap *atlas.Snapshot) (*tiles.LayerData, error) {
			ld, err := storedLayerData(ctx, snap, level, s.prebuilt)
			if err == nil && ld == nil && s.log != nil {
				// once per data version and level (Derive keeps the answer)
				s.log.Info("no stored tile pyramid for this build: tiles are simplified when first asked for; `standortatlas prebuild` stores it", "layer", level.String(), "prefix", s.prebuilt)
			}
			return ld, err
		})
		if err != nil || ld != nil {
			return ld, err
		}
	}
	// The stored geometry only: the tile server simplifies per zoom itself,
	// so a tile never waits for the atlas's display geometry.
	snap, d, err := s.svc.StoredLevel(ctx, level)
	if err != nil {
		return nil, err
	}
	// Kept in the snapshot: the tile server builds its zoom pyramid once
	// per LayerData, so it lives and dies with the data version.
	return atlas.Derive(ctx, snap, layerKey{level, ""}, func(context.Context) (*tiles.LayerData, error) { return layerData(snap, d), nil })
}

// layerKey keys a layer in the snapshot: live (prebuilt "") or read from
// the pyramid stored under a prefix (nil when the store has none).
type layerKey struct {
	level    atlas.Level
	prebuilt string
}

// String names the layer in errors ("tiles of level gemeinde: data kept changing …").
func (k layerKey) String() string { return "tiles of level " + k.level.String() }

// storedLayerData returns the layer of level whose pyramid the store keeps
// under prefix (nil when it has none), read in snap's data version.
func storedLayerData(ctx context.Context, snap *atlas.Snapshot, level atlas.Level, prefix string) (*tiles.LayerData, error) {
	sets, err := snap.BoundarySets(ctx)
	if err != nil {
		return nil, err
	}
	var set *atlas.BoundarySet
	for i := range sets {
		if sets[i].Level == level {
			set = &sets[i]
		}
	}
	if set == nil {
		return nil, nil
	}
	ld, err := tiles.LoadPrebuilt(ctx, prefix, func(ctx context.Context, names []string) (map[string][]byte, error) {
		return snap.Derived(ctx, level, names)
	})
	if err != nil || ld == nil {
		return nil, err
	}
	setLayerMeta(ld, snap, level, *set)
	return ld, nil
}

// feature is the tile feature of a region, live and in the stored pyramid
// (Prebuild); a change here raises featureVersion.
func feature(r atlas.Region) tiles.Feature { return tiles.NewFeature(r.Key, r.Name, r.Type, r.Geom) }

func layerData(snap *atlas.Snapshot, d *atlas.StoredLevel) *tiles.LayerData {
	ld := &tiles.LayerData{Features: make([]tiles.Feature, len(d.Regions))}
	for i, r := range d.Regions {
		ld.Features[i] = feature(r)
	}
	setLayerMeta(ld, snap, d.Level, d.Set)
	return ld
}

// setLayerMeta sets the name, titles and version of a layer.
func setLayerMeta(ld *tiles.LayerData, snap *atlas.Snapshot, level atlas.Level, set atlas.BoundarySet) {
	ld.Name, ld.Title, ld.Version, ld.Attribution = level.String(), set.Name, snap.Version, set.Attribution
	ld.Description = fmt.Sprintf("%s (%s), Gebietsstand %s", set.Name, set.Source, set.Gebietsstand)
	if ld.Title == "" {
		ld.Title = level.Title()
	}
}

func (s source) Values(ctx context.Context, layer string, vq tiles.ValueQuery) (*tiles.ValueSet, error) {
	level, err := atlas.ParseLevel(layer)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w %w", layer, tiles.ErrUnknownLayer, atlas.ErrNotFound)
	}
	q, ok := vq.Params.(atlas.MapQuery)
	if !ok {
		return nil, fmt.Errorf("tile values %q: not a map query", vq.Key)
	}
	q.Level = level
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	// Kept in the snapshot with the other answers to queries.
	return atlas.Remember(ctx, snap, "tiles.values|"+q.Key(), func(ctx context.Context) (*tiles.ValueSet, error) {
		v, err := s.svc.Map(ctx, q)
		if err != nil {
			return nil, err
		}
		vs := &tiles.ValueSet{Version: v.Version, ByKey: make(map[string]tiles.Value, len(v.Values))}
		for i, r := range v.Level.Regions {
			vs.ByKey[r.Key] = tiles.Value{Value: v.Values[i], HasValue: !math.IsNaN(v.Values[i]), Class: v.Classes[i], Flag: string(v.Flags[i])}
		}
		return vs, nil
	})
}
