package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// ReadManifest reads and checks a manifest file from fsys.
func ReadManifest(fsys fs.FS, name string) (*Manifest, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var m Manifest
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	ids := map[string]bool{}
	for i := range m.Indicators {
		if err := m.Indicators[i].Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if ids[m.Indicators[i].ID] {
			return nil, fmt.Errorf("%s: indicator %s listed twice", name, m.Indicators[i].ID)
		}
		ids[m.Indicators[i].ID] = true
	}
	for i := range m.Tables {
		if err := m.Tables[i].Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return &m, nil
}

// Progress receives one line per step of a long import.
type Progress func(msg string)

// LoadResult reports what a Plan wrote.
type LoadResult struct {
	Boundaries []atlas.BoundarySet
	Releases   []atlas.Release
}

// Plan is a manifest whose files were all read and checked, ready to write.
type Plan struct {
	boundaries []*BoundaryResult
	tables     []plannedTable
	known      map[string]atlas.Indicator
}

type plannedTable struct {
	spec TableSpec
	res  *TableResult
	sum  string
}

// Summary describes what Write would store, one line per file.
func (p *Plan) Summary() []string {
	var out []string
	for _, b := range p.boundaries {
		out = append(out, fmt.Sprintf("%s: %d regions of level %s (Gebietsstand %s)", b.Set.Source, len(b.Regions), b.Set.Level, b.Set.Gebietsstand))
		for _, r := range b.Set.Report {
			out = append(out, "  note: "+r)
		}
	}
	for _, t := range p.tables {
		out = append(out, fmt.Sprintf("%s: %d data rows, %d observations", path.Base(t.spec.File), t.res.Rows, len(t.res.Observations)))
		for _, r := range t.res.Report {
			out = append(out, "  note: "+r)
		}
	}
	return out
}

// LoadManifest prepares m and writes it to store.
func LoadManifest(ctx context.Context, fsys fs.FS, m *Manifest, store atlas.Store, progress Progress) (*LoadResult, error) {
	p, err := PrepareManifest(ctx, fsys, m, store, progress)
	if err != nil {
		return nil, err
	}
	return p.Write(ctx, store, progress)
}

// PrepareManifest reads every boundary file and table of m from fsys and
// checks them all against the catalogue (m's indicators and those already in
// store) and against the boundaries; nothing is written.
func PrepareManifest(ctx context.Context, fsys fs.FS, m *Manifest, store atlas.Store, progress Progress) (*Plan, error) {
	if progress == nil {
		progress = func(string) {}
	}
	p := &Plan{known: map[string]atlas.Indicator{}}
	existing, err := store.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	for _, ind := range existing {
		p.known[ind.ID] = ind
	}
	for _, ind := range m.Indicators {
		p.known[ind.ID] = ind
	}
	regionKeys := map[atlas.Level]map[string]bool{}
	for _, l := range atlas.AllLevels() {
		regions, err := store.Regions(ctx, l)
		if err != nil {
			return nil, err
		}
		if len(regions) == 0 {
			continue
		}
		keys := map[string]bool{}
		for _, r := range regions {
			keys[r.Key] = true
		}
		regionKeys[l] = keys
	}
	for _, spec := range m.Boundaries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		progress(fmt.Sprintf("reading boundaries %s (%s)", spec.File, spec.Level))
		r, err := ReadBoundaries(fsys, spec)
		if err != nil {
			return nil, err
		}
		p.boundaries = append(p.boundaries, r)
		keys := map[string]bool{}
		for _, reg := range r.Regions {
			keys[reg.Key] = true
		}
		regionKeys[spec.Level] = keys
	}
	for _, spec := range m.Tables {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		progress("reading table " + spec.File)
		data, err := fs.ReadFile(fsys, spec.File)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", spec.ID, err)
		}
		r, err := ReadTable(spec.File, data, spec, p.known)
		if err != nil {
			return nil, err
		}
		r.Report = append(r.Report, UnmatchedReport(spec.File, r.Observations, regionKeys)...)
		h := sha256.Sum256(data)
		p.tables = append(p.tables, plannedTable{spec, r, hex.EncodeToString(h[:])})
	}
	return p, nil
}

// Write stores the plan: boundaries level by level, then one release per
// table, each in its own transaction.
func (p *Plan) Write(ctx context.Context, store atlas.Store, progress Progress) (*LoadResult, error) {
	if progress == nil {
		progress = func(string) {}
	}
	out := &LoadResult{}
	for _, r := range p.boundaries {
		progress(fmt.Sprintf("writing %d regions of level %s", len(r.Regions), r.Set.Level))
		if err := store.ReplaceBoundaries(ctx, r.Set, r.Regions); err != nil {
			return out, fmt.Errorf("write boundaries %s: %w", r.Set.Level, err)
		}
		out.Boundaries = append(out.Boundaries, r.Set)
	}
	for _, t := range p.tables {
		used := map[string]bool{}
		var inds []atlas.Indicator
		for _, o := range t.res.Observations {
			if !used[o.Indicator] {
				used[o.Indicator] = true
				inds = append(inds, p.known[o.Indicator])
			}
		}
		sort.Slice(inds, func(i, j int) bool { return inds[i].ID < inds[j].ID })
		progress(fmt.Sprintf("writing %d observations from %s", len(t.res.Observations), path.Base(t.spec.File)))
		rel, err := store.Import(ctx, atlas.Release{Source: t.spec.ID, File: path.Base(t.spec.File), SHA256: t.sum, Report: t.res.Report}, inds, t.res.Observations)
		if err != nil {
			return out, fmt.Errorf("import %s: %w", t.spec.File, err)
		}
		out.Releases = append(out.Releases, rel)
	}
	return out, nil
}

// UnmatchedReport lists, per level, keys of observations that are not regions
// of the boundary set (another Gebietsstand, Berlin Bezirke, city parts).
func UnmatchedReport(file string, obs []atlas.Observation, regionKeys map[atlas.Level]map[string]bool) []string {
	miss := map[atlas.Level]map[string]bool{}
	for _, o := range obs {
		keys, ok := regionKeys[o.Level]
		if !ok || keys[o.Key] {
			continue
		}
		if miss[o.Level] == nil {
			miss[o.Level] = map[string]bool{}
		}
		miss[o.Level][o.Key] = true
	}
	var out []string
	for _, l := range atlas.AllLevels() {
		if len(miss[l]) == 0 {
			continue
		}
		keys := make([]string, 0, len(miss[l]))
		for k := range miss[l] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		more := ""
		if len(keys) > 20 {
			more = fmt.Sprintf(" … (+%d)", len(keys)-20)
			keys = keys[:20]
		}
		out = append(out, fmt.Sprintf("%s: %d %s keys are not regions of the boundary set (other Gebietsstand): %s%s", path.Base(file), len(miss[l]), l, strings.Join(keys, ", "), more))
	}
	return out
}
