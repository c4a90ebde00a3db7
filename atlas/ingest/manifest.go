package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
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

// Options tune PrepareWith and Plan.Write.
type Options struct {
	// Progress receives one line per step.
	Progress Progress
	// Rows, when set, is told how many rows of a table were read (for a
	// progress bar on large files).
	Rows func(file string, done, total int)
	// SkipImported makes Write skip a table that is already in an active
	// release with the same file (SHA-256) and the same spec, and report it
	// as unchanged. Seeding leaves it off (a forced seed re-imports).
	SkipImported bool
	// ReplaceAll confirms a boundary file that removes more regions of a
	// level than a territorial reform would (see checkDisappearing); the
	// plan's report still lists them.
	ReplaceAll bool
}

// LoadResult reports what a Plan wrote.
type LoadResult struct {
	Boundaries []atlas.BoundarySet
	Releases   []atlas.Release
	// Unchanged are the releases that already held a table (SkipImported).
	Unchanged []atlas.Release
}

// Plan is a manifest whose files were all read and checked, ready to write.
type Plan struct {
	boundaries []*BoundaryResult
	tables     []plannedTable
	known      map[string]atlas.Indicator
	stored     map[string]atlas.Indicator // the store's catalogue before the plan
	curated    map[string]bool            // ids of the manifest's own catalogue
	opts       Options
}

type plannedTable struct {
	spec    TableSpec
	res     *TableResult
	sum     string // SHA-256 of the file
	spec256 string // SHA-256 of the spec (with the crosswalk's content hash)
}

// Summary describes what Write would store, one line per file.
func (p *Plan) Summary() []string {
	var out []string
	for _, b := range p.boundaries {
		out = append(out, fmt.Sprintf("%s: %d regions of level %s (Gebietsstand %s, source CRS EPSG:%d)", b.Set.Source, len(b.Regions), b.Set.Level, b.Set.Gebietsstand, b.Set.SourceSRID))
		for _, r := range b.Set.Report {
			out = append(out, "  note: "+r)
		}
	}
	for _, t := range p.tables {
		out = append(out, fmt.Sprintf("%s: %d data rows, %d observations of %d indicator(s): %s", path.Base(t.spec.File), t.res.Rows, len(t.res.Observations),
			len(t.indicators()), strings.Join(t.indicators(), ", ")))
		for _, r := range t.res.Report {
			out = append(out, "  note: "+r)
		}
	}
	return out
}

// indicators lists the ids the table writes.
func (t plannedTable) indicators() []string {
	seen := map[string]bool{}
	for _, o := range t.res.Observations {
		seen[o.Indicator] = true
	}
	return sortedKeys(seen)
}

// Tables describes the planned tables: file, observations, indicators.
func (p *Plan) Tables() []PlannedTable {
	var out []PlannedTable
	for _, t := range p.tables {
		out = append(out, PlannedTable{File: path.Base(t.spec.File), SHA256: t.sum, Spec: t.spec256, Observations: len(t.res.Observations), Indicators: t.indicators()})
	}
	return out
}

// PlannedTable summarises one table of a plan.
type PlannedTable struct {
	File, SHA256, Spec string
	Observations       int
	Indicators         []string
}

// CheckScope returns an *atlas.ScopeError when any planned observation lies
// outside the token's scope, or when the plan would create or change
// catalogue entries the token may not (atlas.CheckCatalogue).
func (p *Plan) CheckScope(t atlas.Token) error {
	var all []atlas.Observation
	var entries []atlas.Indicator
	for _, pt := range p.tables {
		all = append(all, pt.res.Observations...)
		for _, id := range pt.indicators() {
			entries = append(entries, p.known[id])
		}
	}
	if len(p.boundaries) > 0 {
		return &atlas.ScopeError{Token: t.Name, Rows: len(p.boundaries), Keys: []string{"(boundary files may not be written with a token)"}}
	}
	if err := atlas.CheckScope(t, all); err != nil {
		return err
	}
	return atlas.CheckCatalogue(t, p.stored, entries)
}

// LoadManifest prepares m and writes it to store through an Intake (actor
// "seed"): one release per file, each with its audit entry.
func LoadManifest(ctx context.Context, fsys fs.FS, m *Manifest, store atlas.Store, progress Progress) (*LoadResult, error) {
	in := &Intake{Store: store, Progress: progress}
	res, err := in.ImportManifest(ctx, fsys, m, ManifestRequest{Force: true, ReplaceAll: true, Actor: "seed"})
	if err != nil {
		return nil, err
	}
	return res.LoadResult, nil
}

// PrepareManifest reads every boundary file and table of m from fsys and
// checks them all against the catalogue (m's indicators and those already in
// store) and against the boundaries; nothing is written.
func PrepareManifest(ctx context.Context, fsys fs.FS, m *Manifest, store atlas.Store, progress Progress) (*Plan, error) {
	return PrepareWith(ctx, fsys, m, store, Options{Progress: progress})
}

// PrepareWith is PrepareManifest with options. The catalogue is m's
// indicators, then the store's, then the entries the format-aware readers
// derive from a file (used only for ids that are nowhere else); a canonical
// file's own catalogue replaces entries of the same id.
func PrepareWith(ctx context.Context, fsys fs.FS, m *Manifest, store atlas.Store, opts Options) (*Plan, error) {
	progress := opts.Progress
	if progress == nil {
		progress = func(string) {}
	}
	p := &Plan{known: map[string]atlas.Indicator{}, opts: opts}
	existing, err := store.Indicators(ctx)
	if err != nil {
		return nil, &StoreError{Err: err}
	}
	p.stored = make(map[string]atlas.Indicator, len(existing))
	for _, ind := range existing {
		p.known[ind.ID] = ind
		p.stored[ind.ID] = ind
	}
	p.curated = map[string]bool{}
	for _, ind := range m.Indicators {
		p.known[ind.ID] = ind
		p.curated[ind.ID] = true
	}
	regionKeys := map[atlas.Level]map[string]bool{}
	stored := map[atlas.Level][]atlas.Region{}
	for _, l := range atlas.AllLevels() {
		regions, err := store.Regions(ctx, l)
		if err != nil {
			return nil, &StoreError{Err: err}
		}
		if len(regions) == 0 {
			continue
		}
		keys := map[string]bool{}
		for _, r := range regions {
			keys[r.Key] = true
		}
		regionKeys[l], stored[l] = keys, regions
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
		if r.sha, r.spec, err = boundaryHashes(fsys, spec); err != nil {
			return nil, err
		}
		if err := checkDisappearing(spec, r, stored[spec.Level], opts.ReplaceAll); err != nil {
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
		pt, err := p.prepareTable(ctx, fsys, spec, store)
		if err != nil {
			return nil, err
		}
		for _, g := range byGebietsstand(spec.File, pt.res.Observations, p.known) {
			pt.res.Report = append(pt.res.Report, UnmatchedReport(g.label, g.obs, regionKeys)...)
			pt.res.Report = append(pt.res.Report, MissingReport(g.label, g.obs, regionKeys)...)
		}
		p.tables = append(p.tables, pt)
	}
	return p, nil
}

// prepareTable reads one table with its auxiliary files, fills the
// catalogue, applies the crosswalk and the per-capita derivations.
func (p *Plan) prepareTable(ctx context.Context, fsys fs.FS, spec TableSpec, store atlas.Store) (plannedTable, error) {
	data, err := fs.ReadFile(fsys, spec.File)
	if err != nil {
		return plannedTable{}, fmt.Errorf("table %s: %w", spec.ID, err)
	}
	specForHash := spec
	specForHash.File = ""
	in := formatInputs{ctx: ctx}
	if p.opts.Rows != nil {
		file := path.Base(spec.File)
		in.rows = func(done, total int) { p.opts.Rows(file, done, total) }
	}
	if spec.Catalogue != "" {
		if in.catalogue, err = fs.ReadFile(fsys, spec.Catalogue); err != nil {
			return plannedTable{}, fmt.Errorf("table %s: catalogue: %w", spec.ID, err)
		}
		in.catalogueName = path.Base(spec.Catalogue)
		specForHash.Catalogue = sha(in.catalogue)
	}
	var cw *Crosswalk
	if c := spec.Crosswalk; c != nil {
		if cw, err = p.loadCrosswalk(fsys, c); err != nil {
			return plannedTable{}, fmt.Errorf("table %s: crosswalk: %w", spec.ID, err)
		}
		cc := *c
		if c.File != "" {
			b, _ := fs.ReadFile(fsys, c.File)
			cc.File = sha(b)
		}
		specForHash.Crosswalk = &cc
	}
	r, err := readTableWith(spec.File, data, spec, p.known, in)
	if err != nil {
		return plannedTable{}, err
	}
	if err := p.mergeCatalogue(spec, r); err != nil {
		return plannedTable{}, err
	}
	if cw != nil {
		if err := p.applyCrosswalk(spec, cw, r); err != nil {
			return plannedTable{}, err
		}
	}
	if len(spec.PerCapita) > 0 {
		derived, report, err := p.perCapita(ctx, spec, r.Observations, store)
		if err != nil {
			return plannedTable{}, err
		}
		r.Observations, r.Report = append(r.Observations, derived...), append(r.Report, report...)
	}
	for id := range indicatorSet(r.Observations) {
		if _, ok := p.known[id]; !ok {
			return plannedTable{}, fmt.Errorf("%s: indicator %s: %w", spec.File, id, atlas.ErrUnknownIndicator)
		}
	}
	r.Report = append(r.Report, censusBaseWarnings(spec.File, data, r.Observations, p.known)...)
	changed, err := changedValues(ctx, store, spec.File, r.Observations)
	if err != nil {
		return plannedTable{}, err
	}
	r.Report = append(r.Report, changed...)
	hb, err := json.Marshal(specForHash)
	if err != nil {
		return plannedTable{}, err
	}
	return plannedTable{spec: spec, res: r, sum: sha(data), spec256: sha(hb)}, nil
}

// mergeCatalogue adds a file's catalogue entries: its own (canonical form)
// replace the catalogue's; derived ones fill ids that are nowhere else, and
// refresh the source details of entries an earlier import of the same
// table derived.
func (p *Plan) mergeCatalogue(spec TableSpec, r *TableResult) error {
	for _, ind := range r.Catalogue {
		p.known[ind.ID] = ind
	}
	var refreshed []string
	for _, ind := range r.Indicators {
		old, ok := p.known[ind.ID]
		if ok && !p.curated[ind.ID] {
			if next, note := refreshSource(old, ind); note != "" {
				p.known[ind.ID] = next
				if refreshed = append(refreshed, ind.ID); len(refreshed) == 1 {
					r.Report = append(r.Report, path.Base(spec.File)+": "+note)
				}
			}
			continue
		}
		if !ok {
			if err := ind.Validate(); err != nil {
				return fmt.Errorf("%s: %w: derived catalogue entry: %w", spec.File, atlas.ErrInvalidData, err)
			}
			p.known[ind.ID] = ind
		}
	}
	if len(refreshed) > 1 {
		r.Report = append(r.Report, fmt.Sprintf("%s: the same for %d more entries: %s", path.Base(spec.File), len(refreshed)-1, strings.Join(refreshed[1:], ", ")))
	}
	return nil
}

// applyCrosswalk recodes a table's keys onto the crosswalk's Gebietsstand.
func (p *Plan) applyCrosswalk(spec TableSpec, cw *Crosswalk, r *TableResult) error {
	obs, report, err := cw.Apply(spec.File, r.Observations, p.known, spec.Crosswalk.Method)
	if err != nil {
		return err
	}
	r.Observations, r.Report = obs, append(r.Report, report...)
	gs := cw.Gebietsstand()
	for _, id := range sortedKeys(indicatorSet(obs)) {
		ind := p.known[id]
		ind.Gebietsstand = gs
		p.known[id] = ind
	}
	return nil
}

func (p *Plan) loadCrosswalk(fsys fs.FS, c *CrosswalkSpec) (*Crosswalk, error) {
	merges, err := ParseMerges(c.Merge)
	if err != nil {
		return nil, err
	}
	cw := &Crosswalk{}
	switch {
	case c.File != "":
		b, err := fs.ReadFile(fsys, c.File)
		if err != nil {
			return nil, err
		}
		if cw, err = ReadCrosswalk(c.File, b, c.Year); err != nil {
			return nil, err
		}
	case c.Year != 0:
		return nil, invalidf("crosswalk year %d given without a crosswalk file (-crosswalk FILE)", c.Year)
	}
	cw.Merges = merges
	return cw, nil
}

// perCapita derives spec.PerCapita indicators; the denominator comes from
// this table, an earlier table of the plan, or the store.
func (p *Plan) perCapita(ctx context.Context, spec TableSpec, obs []atlas.Observation, store atlas.Store) ([]atlas.Observation, []string, error) {
	var out []atlas.Observation
	var report []string
	for _, pc := range spec.PerCapita {
		if _, ok := p.known[pc.Indicator]; !ok {
			return nil, nil, fmt.Errorf("%s: per_capita %s: %w", spec.File, pc.Indicator, atlas.ErrUnknownIndicator)
		}
		cache := map[string]map[string]atlas.Value{}
		den := func(level atlas.Level, period int) (map[string]atlas.Value, string, error) {
			if pc.DenominatorPeriod != 0 {
				period = pc.DenominatorPeriod
			}
			ck := level.String() + strconv.Itoa(period)
			if m, ok := cache[ck]; ok {
				return m, "", nil
			}
			m := map[string]atlas.Value{}
			from := "this table"
			collect := func(os []atlas.Observation) {
				for _, o := range os {
					if o.Indicator == pc.Denominator && o.Level == level && o.Period == period {
						m[o.Key] = atlas.Value{Value: o.Value, Flag: o.Flag}
					}
				}
			}
			collect(obs)
			if len(m) == 0 {
				from = "an earlier table"
				for _, t := range p.tables {
					collect(t.res.Observations)
				}
			}
			if len(m) == 0 {
				from = "the store"
				var err error
				if m, err = store.Values(ctx, pc.Denominator, level, period); err != nil {
					return nil, "", &StoreError{Err: err}
				}
			}
			cache[ck] = m
			return m, fmt.Sprintf("%s %s %d from %s", pc.Denominator, level, period, from), nil
		}
		f := math.Pow(10, float64(pc.Decimals))
		n, missing := 0, 0
		var sources []string
		for _, o := range obs {
			if o.Indicator != pc.Numerator {
				continue
			}
			m, src, err := den(o.Level, o.Period)
			if err != nil {
				return nil, nil, err
			}
			if src != "" {
				sources = append(sources, src)
			}
			d, ok := m[o.Key]
			r := atlas.Observation{Indicator: pc.Indicator, Level: o.Level, Key: o.Key, Period: o.Period, Value: math.NaN(), Flag: atlas.FlagMissing}
			switch {
			case !ok || math.IsNaN(d.Value):
				missing++
			case d.Value == 0:
				r.Flag = atlas.FlagNotMeaningful
			case o.Valued():
				r.Value, r.Flag = math.Round(o.Value/d.Value*pc.Factor*f)/f, atlas.FlagNone
			default:
				r.Flag = o.Flag
			}
			out = append(out, r)
			n++
		}
		report = append(report, fmt.Sprintf("%s: %s = %s ÷ %s × %g for %d regions (%d without a denominator); denominators: %s",
			path.Base(spec.File), pc.Indicator, pc.Numerator, pc.Denominator, pc.Factor, n, missing, strings.Join(sources, "; ")))
	}
	return out, report, nil
}

func indicatorSet(obs []atlas.Observation) map[string]bool {
	m := map[string]bool{}
	for _, o := range obs {
		m[o.Indicator] = true
	}
	return m
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// plannedChange is one release of a plan with its audit entry.
type plannedChange struct {
	change   atlas.Change
	audit    atlas.AuditEntry
	progress string
}

// changes turns the plan into releases: one per boundary file, then one
// per table.
func (p *Plan) changes(format string) []plannedChange {
	var out []plannedChange
	for _, b := range p.boundaries {
		out = append(out, plannedChange{
			change: atlas.Change{Release: atlas.Release{Source: "boundaries_" + b.Set.Level.String(), File: b.Set.Source, SHA256: b.sha, Spec: b.spec, Report: b.Set.Report},
				Boundaries: []atlas.BoundaryChange{{Set: b.Set, Regions: b.Regions}}},
			audit:    atlas.AuditEntry{Action: atlas.AuditBoundaries, Format: "boundaries", File: b.Set.Source},
			progress: fmt.Sprintf("writing %d regions of level %s", len(b.Regions), b.Set.Level),
		})
	}
	for _, t := range p.tables {
		var inds []atlas.Indicator
		for _, id := range t.indicators() {
			inds = append(inds, p.known[id])
		}
		f := t.spec.format()
		if format != "manifest" {
			f = format
		}
		out = append(out, plannedChange{
			change: atlas.Change{Release: atlas.Release{Source: t.spec.ID, File: path.Base(t.spec.File), SHA256: t.sum, Spec: t.spec256, Report: t.res.Report},
				Indicators: inds, Observations: t.res.Observations},
			audit:    atlas.AuditEntry{Action: atlas.AuditImport, Format: f, File: path.Base(t.spec.File)},
			progress: fmt.Sprintf("writing %d observations from %s", len(t.res.Observations), path.Base(t.spec.File)),
		})
	}
	return out
}

// activeReleases lists the active releases when the plan skips files
// imported the same way before.
func (p *Plan) activeReleases(ctx context.Context, store atlas.Store) ([]atlas.ReleaseInfo, error) {
	rs, ok := store.(atlas.ReleaseStore)
	if !ok || !p.opts.SkipImported {
		return nil, nil
	}
	list, err := rs.Releases(ctx)
	if err != nil {
		return nil, &StoreError{Err: err}
	}
	var active []atlas.ReleaseInfo
	for _, r := range list {
		if r.Active() {
			active = append(active, r)
		}
	}
	return active, nil
}

// MissingReport lists, per level, regions of the boundary set that have no
// observation in a table that covers most of the level (e.g. Kreise absent
// from a download): they show "no data", never zero.
func MissingReport(file string, obs []atlas.Observation, regionKeys map[atlas.Level]map[string]bool) []string {
	have := map[atlas.Level]map[string]bool{}
	for _, o := range obs {
		if have[o.Level] == nil {
			have[o.Level] = map[string]bool{}
		}
		have[o.Level][o.Key] = true
	}
	var out []string
	for _, l := range atlas.AllLevels() {
		keys, h := regionKeys[l], have[l]
		if len(keys) == 0 || len(h) == 0 {
			continue
		}
		var miss []string
		for k := range keys {
			if !h[k] {
				miss = append(miss, k)
			}
		}
		if len(miss) == 0 || len(miss) > len(keys)/2 {
			continue
		}
		sort.Strings(miss)
		n, more := len(miss), ""
		if n > 20 {
			more = fmt.Sprintf(" … (+%d)", n-20)
			miss = miss[:20]
		}
		out = append(out, fmt.Sprintf("%s: %d of %d %s regions of the boundary set have no value in this file (shown as no data): %s%s", path.Base(file), n, len(keys), l, strings.Join(miss, ", "), more))
	}
	return out
}

// gebietsstandGroup is the observations of a table on one Gebietsstand.
type gebietsstandGroup struct {
	label string
	obs   []atlas.Observation
}

// byGebietsstand splits a table's observations by their indicators'
// Gebietsstand when a file has several (the Deutschlandatlas: one per
// sheet), so that the join to the boundaries is reported per Gebietsstand.
func byGebietsstand(file string, obs []atlas.Observation, known map[string]atlas.Indicator) []gebietsstandGroup {
	by := map[string][]atlas.Observation{}
	for _, o := range obs {
		gs := known[o.Indicator].Gebietsstand
		by[gs] = append(by[gs], o)
	}
	if len(by) < 2 {
		return []gebietsstandGroup{{label: file, obs: obs}}
	}
	var out []gebietsstandGroup
	for _, gs := range sortedKeys(by) {
		label := file + " (Gebietsstand " + gs + ")"
		if gs == "" {
			label = file
		}
		out = append(out, gebietsstandGroup{label: label, obs: by[gs]})
	}
	return out
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
