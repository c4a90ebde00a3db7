package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// DistributionQuery selects a distribution-key model: shares of the Länder
// (or of the Kreise of one Land) from a weighted mix of population and
// capacity indicators, compared with the Königsteiner Schlüssel.
type DistributionQuery struct {
	Level    atlas.Level // land or kreis
	Land     string      // for level kreis: the Land whose Kreise share its arrivals
	Weights  []Weight
	Year     int            // one year for every indicator (0 = each one's latest)
	Years    map[string]int // per-indicator years
	Arrivals float64        // persons arriving in Germany
	KS       string         // key year ("2016"), "lukifg2025" or "" (latest key year)
	Perturb  float64        // relative weight change of the sensitivity band (0 = 0.2)
}

// DistributionResult is a distribution key with everything needed to
// reproduce and cite it.
type DistributionResult struct {
	Level           atlas.Level       `json:"level"`
	Land            *RegionRef        `json:"land,omitempty"`
	Query           string            `json:"query"`
	Formula         string            `json:"formula"`
	Components      []DistComponent   `json:"components"`
	KS              *KSInfo           `json:"ks"`
	Reference       RefInfo           `json:"reference"`
	Arrivals        float64           `json:"arrivals"`
	ArrivalsInScope float64           `json:"arrivals_in_scope"`
	Regions         []DistRegion      `json:"regions"`
	Sensitivity     SensitivityInfo   `json:"sensitivity"`
	Boundaries      map[string]string `json:"boundaries"`
	DataVersion     int64             `json:"data_version"`
	SeedVersion     string            `json:"seed_version,omitempty"`
	Attribution     []string          `json:"attribution"`
	Notes           []string          `json:"notes"`
	// Legend classes the difference to the reference (diff_pp) for the map:
	// seven classes symmetric around 0 (PuOr); Regions[].Class is each
	// region's class.
	Legend atlas.Legend `json:"legend"`
}

// DistributionClasses is how the difference map of a distribution key is classified.
var DistributionClasses = atlas.ColumnClasses{Method: atlas.MethodSymmetric, Decimals: 2, Scheme: "PuOr", Unit: "pp"}

// DistComponent is one weighted indicator of the model.
type DistComponent struct {
	Indicator   string      `json:"indicator"`
	Title       string      `json:"title"`
	Unit        string      `json:"unit"`
	Kind        string      `json:"kind"` // "count" or "rate"
	Weight      float64     `json:"weight"`
	WeightShare float64     `json:"weight_share"`
	Year        int         `json:"year"`
	Units       atlas.Level `json:"units"`
	Values      string      `json:"values"`
	Base        *BaseRef    `json:"base,omitempty"`
	CoverageMin float64     `json:"coverage_min"`
	Source      string      `json:"source"`
	TableID     string      `json:"table_id,omitempty"`
	Licence     string      `json:"licence"`
	Attribution string      `json:"attribution"`
}

// RefInfo says what the model is compared with.
type RefInfo struct {
	Kind  string `json:"kind"` // "ks" or "population_share_within_land"
	Label string `json:"label"`
	Note  string `json:"note"`
}

// SensitivityInfo describes the band of shares under weight changes.
type SensitivityInfo struct {
	Perturbation float64 `json:"perturbation"`
	Method       string  `json:"method"`
	Combinations int     `json:"combinations"`
}

// Band is the range of a share (percent) or a number of persons.
type Band struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// DistRegion is one region of a distribution key.
type DistRegion struct {
	Key                     string             `json:"key"`
	Name                    string             `json:"name"`
	Share                   float64            `json:"share"`
	Reference               float64            `json:"reference"`
	DiffPP                  float64            `json:"diff_pp"`
	Persons                 float64            `json:"persons"`
	ReferencePersons        float64            `json:"reference_persons"`
	DiffPersons             float64            `json:"diff_persons"`
	PersonsRounded          int                `json:"persons_rounded"`
	ReferencePersonsRounded int                `json:"reference_persons_rounded"`
	Class                   int                `json:"class"` // of DiffPP in DistributionResult.Legend
	Band                    Band               `json:"band"`
	PersonsBand             Band               `json:"persons_band"`
	Components              map[string]float64 `json:"components"`
	Coverage                map[string]float64 `json:"coverage,omitempty"`
}

// distributionFormula documents the model.
const distributionFormula = "share_i = Σ_j w_j·s_ij ÷ Σ_j w_j (in %); s_ij = m_ij ÷ Σ_k m_kj über die Gebiete des Bereichs (alle Länder bzw. die Kreise des Landes). " +
	"Zählungen (Bevölkerung, Fläche, Wohnungen, leerstehende Wohnungen): m_ij = x_ij. " +
	"Kapazitätsquoten: m_ij = x̄_ij × B_i mit x̄_ij = Σ_u B_u·x_uj ÷ Σ_u B_u über die Einheiten u des Gebiets mit Wert (das Gebiet selbst, seine Kreise oder Gemeinden) und B_i = Σ_u B_u über alle Einheiten; " +
	"B = die Zählung derselben Quelle (Zensus-2022-Quoten: Wohnungen bzw. Bevölkerung Zensus 2022), sonst die Bevölkerung (Fortschreibung) des nächstgelegenen Jahres (bei gleichem Abstand des früheren), siehe components[].base — " +
	"so ist m der Anteil am bevölkerungsgewichteten Bestand (z. B. Quote × Bevölkerung). Bedarfsindikatoren gehen nicht ein. " +
	"Personen: arrivals × share ÷ 100; gerundet nach dem Verfahren der größten Reste (Hare-Niemeyer)."

// distribution is the computed model before the comparison.
type distribution struct {
	li     *levelIndex
	scope  []int // indices into li.regions
	comps  []DistComponent
	s      [][]float64 // s[j][r]: component j's share of region scope[r] (0…1)
	cov    [][]float64 // coverage[j][r]
	w      []float64
	shares []float64 // model shares (0…1)
}

// model computes the shares of a distribution-key model.
func (a *Analyzer) model(ctx context.Context, level atlas.Level, land string, weights []Weight, year int, years map[string]int) (*distribution, []string, error) {
	if err := levelParam(level, atlas.LevelLand, atlas.LevelKreis); err != nil {
		return nil, nil, err
	}
	if err := checkWeights(weights); err != nil {
		return nil, nil, err
	}
	li, err := a.level(ctx, level)
	if err != nil {
		return nil, nil, err
	}
	d := &distribution{li: li}
	for i, r := range li.regions {
		if level == atlas.LevelLand || strings.HasPrefix(r.Key, land) {
			d.scope = append(d.scope, i)
		}
	}
	if len(d.scope) == 0 {
		return nil, nil, &atlas.ParamError{Param: "land", Value: land, Reason: "no Kreise of this Land in the boundary set"}
	}
	total := 0.0
	for _, w := range weights {
		total += w.Weight
	}
	var yearParts []string
	for _, w := range weights {
		ind, err := a.indicator(ctx, w.Indicator)
		if err != nil {
			return nil, nil, err
		}
		y, err := a.distributionYear(ctx, w.Indicator, level, year, years)
		if err != nil {
			return nil, nil, err
		}
		yearParts = append(yearParts, w.Indicator+":"+strconv.Itoa(y))
		c := DistComponent{Indicator: ind.ID, Title: ind.Title, Unit: ind.Unit, Weight: w.Weight, WeightShare: w.Weight / total, Year: y,
			Source: ind.Source, TableID: ind.TableID, Licence: ind.Licence, Attribution: ind.Attribution, CoverageMin: 1}
		var m, cov []float64
		switch {
		case ind.Direction == atlas.DirectionNeed:
			return nil, nil, &atlas.ParamError{Param: "weights", Value: w.Indicator, Reason: "need indicators (higher = more strain) have no capacity to distribute by; use population and capacity indicators"}
		case atlas.IsCount(ind):
			c.Kind, c.Units = "count", level
			m, cov, c.Values, err = a.countMass(ctx, ind.ID, li, y)
		case ind.Direction == atlas.DirectionCapacity:
			c.Kind = "rate"
			m, cov, c.Values, c.Units, c.Base, err = a.rateMass(ctx, ind, li, y)
		default:
			return nil, nil, &atlas.ParamError{Param: "weights", Value: w.Indicator, Reason: "only counts (population, area, dwellings) and capacity indicators can form a distribution key; this is a context rate"}
		}
		if err != nil {
			return nil, nil, err
		}
		sj := make([]float64, len(d.scope))
		cj := make([]float64, len(d.scope))
		sum := 0.0
		var missing []string
		for _, i := range d.scope {
			if math.IsNaN(m[i]) {
				missing = append(missing, li.regions[i].Key)
				continue
			}
			sum += m[i]
		}
		if len(missing) > 0 {
			return nil, nil, &atlas.ParamError{Param: "weights", Value: w.Indicator, Reason: fmt.Sprintf("no value in %d for %d regions (%s): a distribution key needs every region; choose another year with years=%s:YYYY", y, len(missing), strings.Join(missing[:min(len(missing), 10)], ", "), w.Indicator)}
		}
		if sum <= 0 {
			return nil, nil, &atlas.ParamError{Param: "weights", Value: w.Indicator, Reason: "the values sum to zero"}
		}
		for r, i := range d.scope {
			sj[r] = m[i] / sum
			cj[r] = 1
			if cov != nil {
				cj[r] = cov[i]
				c.CoverageMin = math.Min(c.CoverageMin, cov[i])
			}
		}
		d.s = append(d.s, sj)
		d.cov = append(d.cov, cj)
		d.w = append(d.w, w.Weight)
		d.comps = append(d.comps, c)
	}
	d.shares = combine(d.s, d.w, nil)
	return d, yearParts, nil
}

// combine returns Σ_j f_j·w_j·s_j ÷ Σ_j f_j·w_j per region (f = 1 when nil).
func combine(s [][]float64, w, f []float64) []float64 {
	out := make([]float64, len(s[0]))
	tw := 0.0
	for j := range s {
		wj := w[j]
		if f != nil {
			wj *= f[j]
		}
		tw += wj
		for r, x := range s[j] {
			out[r] += wj * x
		}
	}
	for r := range out {
		out[r] /= tw
	}
	return out
}

// distributionYear returns the year of a component: asked for, else the
// latest year with values at the level or, for rates summed from finer
// levels, at the finest level that has them.
func (a *Analyzer) distributionYear(ctx context.Context, id string, l atlas.Level, year int, years map[string]int) (int, error) {
	if y, ok := years[id]; ok {
		return y, nil
	}
	if year != 0 {
		return year, nil
	}
	for _, lv := range append([]atlas.Level{l}, finerLevels(l)...) {
		y, err := a.latestYearAt(ctx, id, lv)
		if err != nil {
			return 0, err
		}
		if y != 0 {
			return y, nil
		}
	}
	return 0, noValues("weights", id, l, 0)
}

// countMass returns a count at the level (source values, importer sums or
// the derived vacant dwellings).
func (a *Analyzer) countMass(ctx context.Context, id string, li *levelIndex, year int) ([]float64, []float64, string, error) {
	s, err := a.levelSeries(ctx, "weights", id, li.level, year)
	if err != nil {
		return nil, nil, "", err
	}
	return s.vals, s.coverage, s.method, nil
}

// rateMass returns x̄ × B per region of li for a capacity rate (see distributionFormula).
func (a *Analyzer) rateMass(ctx context.Context, ind atlas.Indicator, li *levelIndex, year int) ([]float64, []float64, string, atlas.Level, *BaseRef, error) {
	units := atlas.Level(0)
	candidates := []atlas.Level{li.level}
	candidates = append(candidates, finerLevels(li.level)...)
	for _, l := range candidates {
		if !slices.Contains(ind.Levels, l) {
			continue
		}
		if l == atlas.LevelGemeinde {
			if _, ok := zensusWeight(ind.ID); !ok && l != li.level {
				continue // no base of the same source to sum Gemeinde rates with
			}
		}
		x, err := a.raw(ctx, ind.ID, l, year)
		if err != nil {
			return nil, nil, "", 0, nil, err
		}
		if hasValue(x) {
			units = l
			break
		}
	}
	if units == 0 {
		return nil, nil, "", 0, nil, noValues("weights", ind.ID, li.level, year)
	}
	x, err := a.raw(ctx, ind.ID, units, year)
	if err != nil {
		return nil, nil, "", 0, nil, err
	}
	base := &BaseRef{}
	if wid, ok := zensusWeight(ind.ID); ok {
		base.Indicator, base.Year = wid, year
	} else {
		pind, err := a.svc.Indicator(ctx, atlas.PopulationIndicator)
		if err != nil {
			return nil, nil, "", 0, nil, err
		}
		pyears, err := a.yearsAt(ctx, pind, units)
		if err != nil {
			return nil, nil, "", 0, nil, err
		}
		base.Indicator, base.Year = atlas.PopulationIndicator, nearestYear(pyears, year)
		if base.Year == 0 {
			return nil, nil, "", 0, nil, fmt.Errorf("population at level %s: %w", units, atlas.ErrNotFound)
		}
		if base.Year != year {
			base.Note = fmt.Sprintf("keine Bevölkerung für %d in den Daten: Bevölkerung des nächstgelegenen Jahres %d als Gewicht", year, base.Year)
		}
	}
	bind, err := a.svc.Indicator(ctx, base.Indicator)
	if err != nil {
		return nil, nil, "", 0, nil, err
	}
	base.Title = bind.Title
	b, err := a.raw(ctx, base.Indicator, units, base.Year)
	if err != nil {
		return nil, nil, "", 0, nil, err
	}
	agg := unitSums(x, b, li.level.KeyLength())
	m := make([]float64, len(li.regions))
	cov := make([]float64, len(li.regions))
	for i, r := range li.regions {
		su := agg[r.Key]
		if su == nil || su.cov == 0 {
			m[i] = math.NaN()
			continue
		}
		m[i], cov[i] = su.num/su.cov*su.all, su.cov/su.all
	}
	method := fmt.Sprintf("Werte der Ebene %s, gewichtet mit %s %d", units, base.Indicator, base.Year)
	if units != li.level {
		method = fmt.Sprintf("%s-Werte, mit %s %d gewichtet zum %s summiert (gewichtetes Mittel × Bezugsgröße, eigene Berechnung)", units.Title(), base.Indicator, base.Year, li.level.Title())
	}
	return m, cov, method, units, base, nil
}

func hasValue(m map[string]atlas.Value) bool {
	for _, v := range m {
		if !math.IsNaN(v.Value) {
			return true
		}
	}
	return false
}

// sensitivity returns per region the min and max model share over weight
// changes by ±p: every combination of factors {1−p, 1, 1+p} for up to 8
// weights, else each weight changed alone.
func sensitivity(s [][]float64, w []float64, p float64) ([]Band, SensitivityInfo) {
	m := len(w)
	bands := make([]Band, len(s[0]))
	for r := range bands {
		bands[r] = Band{Min: math.Inf(1), Max: math.Inf(-1)}
	}
	update := func(f []float64) {
		for r, x := range combine(s, w, f) {
			bands[r].Min, bands[r].Max = math.Min(bands[r].Min, x), math.Max(bands[r].Max, x)
		}
	}
	info := SensitivityInfo{Perturbation: p}
	f := make([]float64, m)
	levels := []float64{1 - p, 1, 1 + p}
	if m <= 8 {
		n := int(math.Pow(3, float64(m)))
		for c := 0; c < n; c++ {
			x := c
			for j := 0; j < m; j++ {
				f[j] = levels[x%3]
				x /= 3
			}
			update(f)
		}
		info.Combinations = n
		info.Method = fmt.Sprintf("Minimum und Maximum des Anteils über alle %d Kombinationen, in denen jedes Gewicht um −%g %%, 0 oder +%g %% geändert ist", n, p*100, p*100)
	} else {
		for j := range f {
			f[j] = 1
		}
		update(f)
		for j := 0; j < m; j++ {
			for _, lv := range []float64{1 - p, 1 + p} {
				f[j] = lv
				update(f)
			}
			f[j] = 1
		}
		info.Combinations = 2*m + 1
		info.Method = fmt.Sprintf("Minimum und Maximum des Anteils, wenn je ein Gewicht um ±%g %% geändert wird", p*100)
	}
	return bands, info
}

// largestRemainder rounds total × shares to whole persons that sum to the
// rounded total (Hare–Niemeyer).
func largestRemainder(total float64, shares []float64) []int {
	n := int(math.Round(total))
	out := make([]int, len(shares))
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(shares))
	sum := 0
	for i, s := range shares {
		q := float64(n) * s
		out[i] = int(math.Floor(q))
		sum += out[i]
		rems[i] = rem{i, q - math.Floor(q)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; k < n-sum && k < len(rems); k++ {
		out[rems[k].i]++
	}
	return out
}

// Distribution computes a distribution-key model and compares it with the
// Königsteiner Schlüssel (Länder) or with the population share within the
// Land (Kreise).
func (a *Analyzer) Distribution(ctx context.Context, q DistributionQuery) (*DistributionResult, error) {
	v, err := a.sync(ctx)
	if err != nil {
		return nil, err
	}
	if q.Perturb == 0 {
		q.Perturb = 0.2
	}
	if !(q.Perturb > 0 && q.Perturb < 1) { // false for NaN too
		return nil, &atlas.ParamError{Param: "perturb", Value: strconv.FormatFloat(q.Perturb, 'g', -1, 64), Reason: "must be between 0 and 1 (0.2 = ±20 %)"}
	}
	if !(q.Arrivals >= 0 && q.Arrivals <= MaxArrivals) {
		return nil, &atlas.ParamError{Param: "arrivals", Value: strconv.FormatFloat(q.Arrivals, 'g', -1, 64), Reason: "must be a number of persons from 0 to 1,000,000,000"}
	}
	var landRef *RegionRef
	if q.Level == atlas.LevelKreis {
		if !atlas.ValidKey(atlas.LevelLand, q.Land) {
			return nil, &atlas.ParamError{Param: "land", Value: q.Land, Reason: "level=kreis needs the 2-digit key of the Land whose Kreise share its arrivals (e.g. land=09)"}
		}
		lli, err := a.level(ctx, atlas.LevelLand)
		if err != nil {
			return nil, err
		}
		lr, ok := lli.find(q.Land)
		if !ok {
			return nil, fmt.Errorf("land %s: %w", q.Land, atlas.ErrNotFound)
		}
		landRef = &RegionRef{Key: lr.Key, Name: lr.Name, Level: atlas.LevelLand}
	} else {
		q.Land = ""
	}
	d, yearParts, err := a.model(ctx, q.Level, q.Land, q.Weights, q.Year, q.Years)
	if err != nil {
		return nil, err
	}
	ksInfo, ks, err := a.ks(ctx, q.KS)
	if err != nil {
		return nil, err
	}
	res := &DistributionResult{Level: q.Level, Land: landRef, Formula: distributionFormula, Components: d.comps, KS: ksInfo, Arrivals: q.Arrivals,
		DataVersion: v, SeedVersion: a.seedVersion(ctx), Notes: []string{},
		Boundaries:  map[string]string{"name": d.li.set.Name, "gebietsstand": d.li.set.Gebietsstand},
		Attribution: []string{d.li.set.Attribution}}
	ksSel := q.KS
	if ksSel == "" && ksInfo.KeyYear != nil {
		ksSel = strconv.Itoa(*ksInfo.KeyYear)
	}
	res.Query = fmt.Sprintf("level=%s&weights=%s&years=%s&arrivals=%s&ks_year=%s&perturb=%s", q.Level, weightsString(q.Weights), strings.Join(yearParts, ","),
		strconv.FormatFloat(q.Arrivals, 'f', -1, 64), ksSel, strconv.FormatFloat(q.Perturb, 'f', -1, 64))
	if q.Level == atlas.LevelKreis {
		res.Query += "&land=" + q.Land
	}
	for _, c := range d.comps {
		if !slices.Contains(res.Attribution, c.Attribution) {
			res.Attribution = append(res.Attribution, c.Attribution)
		}
		if c.Base != nil && c.Base.Note != "" {
			res.Notes = append(res.Notes, c.Indicator+": "+c.Base.Note)
		}
		if c.CoverageMin < 1 {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: in manchen Gebieten fehlen Werte einzelner Einheiten (kleinste Abdeckung %.4f der Bezugsgröße, siehe regions[].coverage); sie gehen mit dem gewichteten Mittel ihres Gebiets ein.", c.Indicator, c.CoverageMin))
		}
	}
	res.Attribution = append(res.Attribution, ksInfo.Attribution)

	// The reference shares (0…1) per region in scope.
	ref := make([]float64, len(d.scope))    // 0…1
	refPct := make([]float64, len(d.scope)) // as published (KS) or 100 × ref
	res.ArrivalsInScope = q.Arrivals
	if q.Level == atlas.LevelLand {
		res.Reference = RefInfo{Kind: "ks", Label: ksInfo.Label, Note: ksInfo.Note}
		for r, i := range d.scope {
			share, ok := ks[d.li.regions[i].Key]
			if !ok {
				return nil, fmt.Errorf("königsteiner schlüssel: no share for Land %s: %w", d.li.regions[i].Key, atlas.ErrNotFound)
			}
			ref[r], refPct[r] = share/100, share
		}
	} else {
		share, ok := ks[q.Land]
		if !ok {
			return nil, fmt.Errorf("königsteiner schlüssel: no share for Land %s: %w", q.Land, atlas.ErrNotFound)
		}
		res.ArrivalsInScope = q.Arrivals * share / 100
		py, err := a.latestYearAt(ctx, atlas.PopulationIndicator, atlas.LevelKreis)
		if err != nil {
			return nil, err
		}
		pc, err := a.column(ctx, atlas.PopulationIndicator, atlas.LevelKreis, py)
		if err != nil {
			return nil, err
		}
		sum := 0.0
		for _, i := range d.scope {
			if math.IsNaN(pc.vals[i]) {
				return nil, fmt.Errorf("population %d of Kreis %s: %w", py, d.li.regions[i].Key, atlas.ErrNotFound)
			}
			sum += pc.vals[i]
		}
		for r, i := range d.scope {
			ref[r] = pc.vals[i] / sum
			refPct[r] = 100 * ref[r]
		}
		res.Reference = RefInfo{Kind: "population_share_within_land", Label: fmt.Sprintf("Bevölkerungsanteil im Land (%s %d)", atlas.PopulationIndicator, py),
			Note: fmt.Sprintf("Das Land erhält arrivals × %s-Anteil (%s: %g %%) = %.1f Personen. Die Länder verteilen mit eigenen Regeln weiter (z. B. NRW 90 %% Bevölkerung, 10 %% Fläche); diese Regeln sind nicht in den Daten, verglichen wird mit dem Bevölkerungsanteil.", ksInfo.Label, q.Land, share, res.ArrivalsInScope)}
	}
	bands, sinfo := sensitivity(d.s, d.w, q.Perturb)
	res.Sensitivity = sinfo
	modelRounded := largestRemainder(res.ArrivalsInScope, d.shares)
	refRounded := largestRemainder(res.ArrivalsInScope, ref)
	for r, i := range d.scope {
		reg := d.li.regions[i]
		dr := DistRegion{Key: reg.Key, Name: reg.Name, Share: 100 * d.shares[r], Reference: refPct[r], Components: map[string]float64{},
			Band: Band{Min: 100 * bands[r].Min, Max: 100 * bands[r].Max}}
		dr.DiffPP = dr.Share - dr.Reference
		dr.Persons = res.ArrivalsInScope * d.shares[r]
		dr.ReferencePersons = res.ArrivalsInScope * ref[r]
		dr.DiffPersons = dr.Persons - dr.ReferencePersons
		dr.PersonsRounded, dr.ReferencePersonsRounded = modelRounded[r], refRounded[r]
		dr.PersonsBand = Band{Min: res.ArrivalsInScope * bands[r].Min, Max: res.ArrivalsInScope * bands[r].Max}
		for j, c := range d.comps {
			dr.Components[c.Indicator] = 100 * d.s[j][r]
			if d.cov[j][r] < 1 {
				if dr.Coverage == nil {
					dr.Coverage = map[string]float64{}
				}
				dr.Coverage[c.Indicator] = d.cov[j][r]
			}
		}
		res.Regions = append(res.Regions, dr)
	}
	diffs := make([]float64, len(res.Regions))
	for i, r := range res.Regions {
		diffs[i] = r.DiffPP
	}
	if res.Legend, err = classifyForMap(diffs, len(diffs), DistributionClasses, func(i, c int) { res.Regions[i].Class = c }); err != nil {
		return nil, err
	}
	return res, nil
}
