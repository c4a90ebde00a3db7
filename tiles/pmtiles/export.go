package pmtiles

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"github.com/standortatlas/standortatlas/tiles"
)

// ExportStats reports what Export wrote.
type ExportStats struct {
	Tiles    uint64 // addressed (non-empty) tiles
	Entries  uint64 // directory entries
	Contents uint64 // distinct tile contents
	Version  int64  // data version of the tiles
}

// Export renders every non-empty tile of a layer from minZoom to maxZoom
// with ts (the same tiles the server serves, geometry and keys only) and
// writes them as a PMTiles archive to out. tmpDir holds the tile data while
// the directories are built ("" = the system's temporary directory).
func Export(ctx context.Context, out io.Writer, ts *tiles.Server, layer string, minZoom, maxZoom int, tmpDir string) (ExportStats, error) {
	var st ExportStats
	if minZoom < 0 || minZoom > maxZoom {
		return st, fmt.Errorf("pmtiles: zoom range %d–%d is empty", minZoom, maxZoom)
	}
	tj, err := ts.TileJSON(ctx, layer, tiles.ValueQuery{}, func(int64) string { return "" })
	if err != nil {
		return st, err
	}
	st.Version = tj.DataVersion
	w, err := NewWriter(tmpDir)
	if err != nil {
		return st, err
	}
	defer w.Close()

	workers := runtime.GOMAXPROCS(0)
	for z := minZoom; z <= maxZoom; z++ {
		coords, err := ts.Coords(ctx, layer, z)
		if err != nil {
			return st, err
		}
		ids := make([]uint64, len(coords))
		order := make([]int, len(coords))
		for i, c := range coords {
			ids[i] = TileID(uint8(z), c[0], c[1])
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(ids[a], ids[b]) })
		// Render a window of tiles in parallel, add them in tile ID order.
		const window = 512
		results := make([]*tiles.Tile, window)
		for start := 0; start < len(order); start += window {
			end := min(start+window, len(order))
			var wg sync.WaitGroup
			var mu sync.Mutex
			var firstErr error
			next := start
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						mu.Lock()
						i := next
						next++
						stop := firstErr != nil
						mu.Unlock()
						if i >= end || stop {
							return
						}
						c := coords[order[i]]
						t, err := ts.Render(ctx, layer, z, c[0], c[1], tiles.ValueQuery{})
						if err == nil && t.Version != st.Version {
							err = fmt.Errorf("pmtiles: data version changed from %d to %d during the export", st.Version, t.Version)
						}
						mu.Lock()
						if err != nil && firstErr == nil {
							firstErr = err
						}
						results[i-start] = t
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if firstErr != nil {
				return st, firstErr
			}
			for i := start; i < end; i++ {
				t := results[i-start]
				if t.Empty() {
					continue
				}
				if err := w.Add(uint8(z), t.X, t.Y, t.Gzip); err != nil {
					return st, err
				}
			}
		}
	}
	for i := range tj.VectorLayers {
		tj.VectorLayers[i].MinZoom, tj.VectorLayers[i].MaxZoom = minZoom, maxZoom
	}
	meta, err := json.Marshal(map[string]any{
		"name":          tj.Name,
		"description":   tj.Description,
		"attribution":   tj.Attribution,
		"version":       tj.Version,
		"type":          "overlay",
		"format":        "pbf",
		"vector_layers": tj.VectorLayers,
		"data_version":  tj.DataVersion,
	})
	if err != nil {
		return st, fmt.Errorf("pmtiles: metadata: %w", err)
	}
	h := Header{
		MinZoom: minZoom, MaxZoom: maxZoom,
		Bounds:     orb.Bound{Min: orb.Point{tj.Bounds[0], tj.Bounds[1]}, Max: orb.Point{tj.Bounds[2], tj.Bounds[3]}},
		Center:     orb.Point{tj.Center[0], tj.Center[1]},
		CenterZoom: max(minZoom, min(int(tj.Center[2]), maxZoom)),
	}
	if err := w.Finish(out, h, meta); err != nil {
		return st, err
	}
	st.Tiles, st.Entries, st.Contents = w.Stats()
	return st, nil
}
