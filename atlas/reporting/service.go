package reporting

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

// Writer is the one write path (ingest.Intake implements it): Commit
// writes one change as one release with its audit entry; Refuse records an
// attempt refused before it reached the store (scope, rules, period).
type Writer interface {
	Commit(ctx context.Context, actor string, c atlas.Change, audit atlas.AuditEntry) (atlas.Release, error)
	Refuse(ctx context.Context, e atlas.AuditEntry, cause error)
}

// Service runs the reporting workflow over the atlas's store.
type Service struct {
	Atlas  *atlas.Service
	Writer Writer
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// refuse records a refused attempt in the audit log and returns err.
func (s *Service) refuse(ctx context.Context, actor, detail string, err error) error {
	if ctx.Err() == nil {
		s.Writer.Refuse(ctx, atlas.AuditEntry{Actor: actor, Action: atlas.AuditReport, Detail: detail}, err)
	}
	return err
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) store() (atlas.ReportStore, error) {
	rs, ok := s.Atlas.Store().(atlas.ReportStore)
	if !ok {
		return nil, fmt.Errorf("reporting: %w", atlas.ErrNotSupported)
	}
	return rs, nil
}

// Definitions lists the report definitions.
func (s *Service) Definitions(ctx context.Context) ([]atlas.ReportDefinition, error) {
	rs, err := s.store()
	if err != nil {
		return nil, err
	}
	defs, err := rs.ReportDefinitions(ctx)
	if defs == nil {
		defs = []atlas.ReportDefinition{}
	}
	return defs, err
}

// Definition returns the definition with id, or ErrNotFound.
func (s *Service) Definition(ctx context.Context, id string) (atlas.ReportDefinition, error) {
	defs, err := s.Definitions(ctx)
	if err != nil {
		return atlas.ReportDefinition{}, err
	}
	for _, d := range defs {
		if d.ID == id {
			return d, nil
		}
	}
	return atlas.ReportDefinition{}, fmt.Errorf("report %q: %w", id, atlas.ErrNotFound)
}

// Region is a region that must report.
type Region struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Type string `json:"type,omitempty"`
}

// Regions lists the regions that must report under def (the stored regions
// of its level inside its area), by key.
func (s *Service) Regions(ctx context.Context, def atlas.ReportDefinition) ([]Region, error) {
	_, d, err := s.Atlas.Level(ctx, def.Level)
	if err != nil {
		return nil, err
	}
	var out []Region
	for _, r := range d.Regions {
		if def.Covers(r.Key) {
			out = append(out, Region{Key: r.Key, Name: r.Name, Type: r.Type})
		}
	}
	return out, nil
}

// Label names a region unambiguously: "München (Landkreis, 09184)".
func (r Region) Label() string {
	if r.Type == "" {
		return fmt.Sprintf("%s (%s)", r.Name, r.Key)
	}
	return fmt.Sprintf("%s (%s, %s)", r.Name, r.Type, r.Key)
}

func (s *Service) region(ctx context.Context, def atlas.ReportDefinition, key string) (Region, error) {
	regions, err := s.Regions(ctx, def)
	if err != nil {
		return Region{}, err
	}
	for _, r := range regions {
		if r.Key == key {
			return r, nil
		}
	}
	return Region{}, &atlas.ParamError{Param: "key", Value: key, Reason: fmt.Sprintf("not a region that reports for %s (%s of area %q)", def.ID, def.Level, def.Area)}
}

// Define stores a new or changed definition; only a coordinator whose key
// scope covers the definition's area may.
func (s *Service) Define(ctx context.Context, tok atlas.Token, actor string, def atlas.ReportDefinition) (atlas.ReportDefinition, error) {
	if err := s.checkDefinition(ctx, tok, def); err != nil {
		return def, s.refuse(ctx, actor, "report "+def.ID+" definition", err)
	}
	def.CreatedAt, def.CreatedBy = s.now(), actor
	audit := atlas.AuditEntry{Action: atlas.AuditReport, Detail: fmt.Sprintf("report %s defined: %d fields, %s of area %q, due on day %d", def.ID, len(def.Fields), def.Level, def.Area, def.DueDay)}
	_, err := s.Writer.Commit(ctx, actor, atlas.Change{Release: atlas.Release{Source: "report " + def.ID, File: "definition"},
		Reports: atlas.ReportChange{Definitions: []atlas.ReportDefinition{def}}}, audit)
	return def, err
}

func (s *Service) checkDefinition(ctx context.Context, tok atlas.Token, def atlas.ReportDefinition) error {
	if err := def.Validate(); err != nil {
		return &atlas.ParamError{Param: "definition", Value: def.ID, Reason: err.Error()}
	}
	if err := AuthorizeCoordinator(tok, def); err != nil {
		return err
	}
	return s.checkIndicatorIDs(ctx, tok, def)
}

// checkIndicatorIDs refuses a definition whose published indicators
// (ID_field) would overwrite catalogue entries that are not its own (an
// official indicator, another report's); a changed definition may only be
// changed by a coordinator of its earlier area too.
func (s *Service) checkIndicatorIDs(ctx context.Context, tok atlas.Token, def atlas.ReportDefinition) error {
	defs, err := s.Definitions(ctx)
	if err != nil {
		return err
	}
	own, others := map[string]bool{}, map[string]string{}
	for _, d := range defs {
		for _, f := range d.Fields {
			if d.ID == def.ID {
				own[d.IndicatorID(f.ID)] = true
			} else {
				others[d.IndicatorID(f.ID)] = d.ID
			}
		}
		if d.ID == def.ID {
			if err := AuthorizeCoordinator(tok, d); err != nil {
				return err
			}
		}
	}
	inds, err := s.Atlas.Indicators(ctx)
	if err != nil {
		return err
	}
	catalogue := map[string]bool{}
	for _, ind := range inds {
		catalogue[ind.ID] = true
	}
	for _, f := range def.Fields {
		id := def.IndicatorID(f.ID)
		if r, ok := others[id]; ok {
			return fmt.Errorf("report %s: indicator %s is published by report %s; choose another report or field id: %w", def.ID, id, r, atlas.ErrConflict)
		}
		if catalogue[id] && !own[id] {
			return fmt.Errorf("report %s: indicator %s exists in the catalogue and is not this report's; choose another report or field id: %w", def.ID, id, atlas.ErrConflict)
		}
	}
	return nil
}

// checkPeriod refuses periods before the report's first one and in the future.
func (s *Service) checkPeriod(def atlas.ReportDefinition, period int) error {
	if period < def.FirstPeriod {
		return &atlas.ParamError{Param: "period", Value: atlas.FormatMonth(period), Reason: "before the report's first period " + atlas.FormatMonth(def.FirstPeriod)}
	}
	if period > atlas.MonthOf(s.now()) {
		return &atlas.ParamError{Param: "period", Value: atlas.FormatMonth(period), Reason: "a month that has not begun"}
	}
	return nil
}

// Entry is what a reporter sends for one region and period.
type Entry struct {
	Key     string             `json:"key"`
	Values  map[string]float64 `json:"values"`
	Submit  bool               `json:"submit"`
	Comment string             `json:"comment,omitempty"`
}

// Save stores a draft (Submit false: fields may be empty) or a submission
// (all fields, all rules) of one region; a submission after an earlier one
// is a correction. One release with its audit entry.
func (s *Service) Save(ctx context.Context, tok atlas.Token, actor string, report string, period int, e Entry) (atlas.ReportSubmission, error) {
	subs, err := s.prepare(ctx, tok, actor, report, period, "", []Entry{e})
	if err != nil {
		return atlas.ReportSubmission{}, s.refuse(ctx, actor, fmt.Sprintf("report %s %s %s", report, atlas.FormatMonth(period), e.Key), err)
	}
	out, err := s.commitSubmissions(ctx, actor, report, period, "", subs)
	if err != nil {
		return atlas.ReportSubmission{}, err
	}
	return out[0], nil
}

// prepare checks entries (region, scope, figures) and returns them as
// submissions; file names an upload (problems then carry its rows).
func (s *Service) prepare(ctx context.Context, tok atlas.Token, actor, report string, period int, file string, entries []Entry) ([]atlas.ReportSubmission, error) {
	def, err := s.Definition(ctx, report)
	if err != nil {
		return nil, err
	}
	if err := s.checkPeriod(def, period); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, &atlas.ParamError{Param: "file", Value: file, Reason: "no rows"}
	}
	now := s.now()
	seen := map[string]int{}
	var out []atlas.ReportSubmission
	for i, e := range entries {
		row := 0
		if file != "" {
			row = i + 2 // the header is row 1
		}
		if _, err := s.region(ctx, def, e.Key); err != nil {
			if row > 0 {
				return nil, &atlas.CheckError{Report: report, Key: e.Key, File: file, Row: row, Problems: []atlas.FieldProblem{{Field: "key", Reason: err.Error()}}}
			}
			return nil, err
		}
		if prev, dup := seen[e.Key]; dup {
			return nil, &atlas.CheckError{Report: report, Key: e.Key, File: file, Row: row, Problems: []atlas.FieldProblem{{Field: "key", Reason: fmt.Sprintf("region twice (also row %d)", prev)}}}
		}
		seen[e.Key] = row
		if err := AuthorizeReporter(tok, def, e.Key); err != nil {
			return nil, err
		}
		if problems := def.Check(e.Values, e.Submit); len(problems) > 0 {
			return nil, &atlas.CheckError{Report: report, Key: e.Key, File: file, Row: row, Problems: problems}
		}
		status := atlas.ReportDraft
		if e.Submit {
			status = atlas.ReportSubmitted
		}
		vals := e.Values
		if vals == nil {
			vals = map[string]float64{}
		}
		out = append(out, atlas.ReportSubmission{Report: report, Period: period, Key: e.Key, Status: status, Values: vals,
			Comment: strings.TrimSpace(e.Comment), Actor: actor, At: now})
	}
	return out, nil
}

func (s *Service) commitSubmissions(ctx context.Context, actor, report string, period int, file string, subs []atlas.ReportSubmission) ([]atlas.ReportSubmission, error) {
	keys := make([]string, len(subs))
	for i, sb := range subs {
		keys[i] = sb.Key + " " + sb.Status
	}
	audit := atlas.AuditEntry{Action: atlas.AuditReport, File: file, Observations: len(subs),
		Detail: fmt.Sprintf("report %s %s: %s", report, atlas.FormatMonth(period), strings.Join(keys, ", "))}
	src := "report " + report + " " + atlas.FormatMonth(period)
	if file == "" {
		file = "form"
	}
	rel, err := s.Writer.Commit(ctx, actor, atlas.Change{Release: atlas.Release{Source: src, File: file}, Reports: atlas.ReportChange{Submissions: subs}}, audit)
	if err != nil {
		return nil, err
	}
	for i := range subs {
		subs[i].Release = rel.ID
	}
	return subs, nil
}

// Upload reads a CSV or xlsx file of the form's shape (a column "key" with
// the regional keys, one column per field id; optional "comment") and
// submits every row as one release: all rows are checked first, nothing is
// written when one fails.
func (s *Service) Upload(ctx context.Context, tok atlas.Token, actor, report string, period int, name string, data []byte) ([]atlas.ReportSubmission, error) {
	subs, err := s.prepareUpload(ctx, tok, actor, report, period, name, data)
	if err != nil {
		return nil, s.refuse(ctx, actor, fmt.Sprintf("report %s %s upload %s", report, atlas.FormatMonth(period), name), err)
	}
	return s.commitSubmissions(ctx, actor, report, period, name, subs)
}

func (s *Service) prepareUpload(ctx context.Context, tok atlas.Token, actor, report string, period int, name string, data []byte) ([]atlas.ReportSubmission, error) {
	def, err := s.Definition(ctx, report)
	if err != nil {
		return nil, err
	}
	entries, err := ReadUpload(def, name, data)
	if err != nil {
		return nil, err
	}
	return s.prepare(ctx, tok, actor, report, period, name, entries)
}

// RegionStatus is one region's state for one period.
type RegionStatus struct {
	Region
	// Status: reported, late (nothing submitted, due date passed) or
	// missing (nothing submitted yet, still due).
	Status string `json:"status"`
	// AfterDue: the first submission came after the due date.
	AfterDue bool `json:"after_due,omitempty"`
	// Current is the newest submitted version; Draft a newer draft.
	Current *atlas.ReportSubmission `json:"current,omitempty"`
	Draft   *atlas.ReportSubmission `json:"draft,omitempty"`
	// Corrections counts submitted versions after the first.
	Corrections int `json:"corrections"`
}

// Region statuses.
const (
	StatusReported = "reported"
	StatusLate     = "late"
	StatusMissing  = "missing"
)

// PeriodStatus is the coordinator's view of one period.
type PeriodStatus struct {
	Report      string                    `json:"report"`
	Period      string                    `json:"period"`
	Due         time.Time                 `json:"due"`
	Total       int                       `json:"total"`
	Reported    int                       `json:"reported"`
	Late        int                       `json:"late"`
	Missing     int                       `json:"missing"`
	Regions     []RegionStatus            `json:"regions"`
	Reminders   string                    `json:"reminders"`
	Published   []atlas.ReportPublication `json:"published"`
	Corrections []atlas.ReportSubmission  `json:"corrections"`
}

// Status returns who reported for a period, who is late, the reminder
// list and the corrections (every submitted version after a region's
// first).
func (s *Service) Status(ctx context.Context, report string, period int) (PeriodStatus, error) {
	def, err := s.Definition(ctx, report)
	if err != nil {
		return PeriodStatus{}, err
	}
	rs, err := s.store()
	if err != nil {
		return PeriodStatus{}, err
	}
	regions, err := s.Regions(ctx, def)
	if err != nil {
		return PeriodStatus{}, err
	}
	subs, err := rs.ReportSubmissions(ctx, report, period)
	if err != nil {
		return PeriodStatus{}, err
	}
	pubs, err := rs.ReportPublications(ctx, report)
	if err != nil {
		return PeriodStatus{}, err
	}
	due := def.Due(period)
	now := s.now()
	ps := PeriodStatus{Report: report, Period: atlas.FormatMonth(period), Due: due, Total: len(regions), Regions: []RegionStatus{},
		Published: []atlas.ReportPublication{}, Corrections: []atlas.ReportSubmission{}}
	for _, p := range pubs {
		if p.Period == period {
			ps.Published = append(ps.Published, p)
		}
	}
	byKey := map[string][]atlas.ReportSubmission{}
	for _, sb := range subs {
		byKey[sb.Key] = append(byKey[sb.Key], sb)
	}
	var reminders []string
	for _, r := range regions {
		st := RegionStatus{Region: r}
		versions := byKey[r.Key]
		first := true
		for i := range versions {
			v := versions[i]
			switch v.Status {
			case atlas.ReportSubmitted:
				st.Current, st.Draft = &v, nil
				if first {
					st.AfterDue, first = v.At.After(due), false
				} else {
					st.Corrections++
					ps.Corrections = append(ps.Corrections, v)
				}
			case atlas.ReportDraft:
				st.Draft = &v
			}
		}
		switch {
		case st.Current != nil:
			st.Status = StatusReported
			ps.Reported++
		case now.After(due):
			st.Status = StatusLate
			ps.Late++
		default:
			st.Status = StatusMissing
			ps.Missing++
		}
		if st.Current == nil {
			reminders = append(reminders, r.Label())
		}
		ps.Regions = append(ps.Regions, st)
	}
	if len(reminders) > 0 {
		ps.Reminders = fmt.Sprintf("Erinnerung: Meldung „%s“ für %s, fällig am %s – noch nicht gemeldet:\n%s\n", def.Title, ps.Period,
			due.Add(-time.Second).Format("02.01.2006"), strings.Join(reminders, "\n"))
	}
	return ps, nil
}

// Publish turns the current figures of a period into the indicators
// def.ID_field with period = month: submitted figures as values, every
// other region of the report with atlas.FlagNotReported ("keine Meldung",
// never 0). Only a coordinator may; one release with its audit entry. A
// period may be published again after corrections.
func (s *Service) Publish(ctx context.Context, tok atlas.Token, actor, report string, period int) (atlas.ReportPublication, error) {
	def, st, err := s.preparePublication(ctx, tok, report, period)
	if err != nil {
		return atlas.ReportPublication{}, s.refuse(ctx, actor, fmt.Sprintf("report %s %s publication", report, atlas.FormatMonth(period)), err)
	}
	now := s.now()
	c := PublicationChange(def, period, st, now)
	pub := atlas.ReportPublication{Report: report, Period: period, At: now, Actor: actor, Reported: st.Reported, Total: st.Total}
	c.Reports.Publications = []atlas.ReportPublication{pub}
	audit := atlas.AuditEntry{Action: atlas.AuditReport, Detail: fmt.Sprintf("report %s %s published: %d of %d regions reported", report, st.Period, st.Reported, st.Total)}
	rel, err := s.Writer.Commit(ctx, actor, c, audit)
	if err != nil {
		return pub, err
	}
	pub.Release = rel.ID
	return pub, nil
}

func (s *Service) preparePublication(ctx context.Context, tok atlas.Token, report string, period int) (atlas.ReportDefinition, PeriodStatus, error) {
	def, err := s.Definition(ctx, report)
	if err != nil {
		return def, PeriodStatus{}, err
	}
	if err := AuthorizeCoordinator(tok, def); err != nil {
		return def, PeriodStatus{}, err
	}
	if err := s.checkPeriod(def, period); err != nil {
		return def, PeriodStatus{}, err
	}
	st, err := s.Status(ctx, report, period)
	if err != nil {
		return def, st, err
	}
	if st.Reported == 0 {
		return def, st, fmt.Errorf("report %s %s: no region has reported yet (noch keine Meldungen); nothing to publish: %w", report, st.Period, atlas.ErrConflict)
	}
	return def, st, nil
}

// PublicationChange builds the catalogue entries and observations of one
// published period from its status (the current submitted versions).
func PublicationChange(def atlas.ReportDefinition, period int, st PeriodStatus, at time.Time) atlas.Change {
	c := atlas.Change{Release: atlas.Release{Source: "report " + def.ID + " " + st.Period, File: "publication"}}
	berlin := at
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		berlin = at.In(loc)
	}
	for _, f := range def.Fields {
		c.Indicators = append(c.Indicators, atlas.Indicator{
			ID: def.IndicatorID(f.ID), Title: f.Title, Definition: f.Definition, Unit: f.Unit, Decimals: f.Decimals,
			Topic: "meldungen", TopicTitle: "Aktuelle Meldungen", Direction: f.Direction,
			Source: def.Title, Publisher: def.Coordinator, Licence: def.Licence, Attribution: def.Attribution,
			ReferenceDate: "Monatsende (Periode = Monat JJJJMM)",
			Notes: fmt.Sprintf("Meldungen der %s an %s. Stand %s: %s veröffentlicht am %s, %d von %d gemeldet; ohne Meldung: „keine Meldung“ (kein Wert, nie 0).",
				levelPlural(def.Level), def.Coordinator, st.Period, st.Period, berlin.Format("02.01.2006 15:04"), st.Reported, st.Total),
		})
		for _, r := range st.Regions {
			o := atlas.Observation{Indicator: def.IndicatorID(f.ID), Level: def.Level, Key: r.Key, Period: period, Value: math.NaN(), Flag: atlas.FlagNotReported}
			if r.Current != nil {
				if v, ok := r.Current.Values[f.ID]; ok {
					o.Value, o.Flag = v, atlas.FlagNone
				}
			}
			c.Observations = append(c.Observations, o)
		}
	}
	return c
}

func levelPlural(l atlas.Level) string {
	switch l {
	case atlas.LevelKreis:
		return "Kreise"
	case atlas.LevelGemeinde:
		return "Gemeinden"
	case atlas.LevelLand:
		return "Länder"
	}
	return l.String()
}

// Form is what a reporter's form shows for one region and period.
type Form struct {
	Definition atlas.ReportDefinition `json:"definition"`
	Region     Region                 `json:"region"`
	Period     string                 `json:"period"`
	Due        time.Time              `json:"due"`
	// Current and Draft as in RegionStatus; Previous is last period's
	// submitted figures.
	Current  *atlas.ReportSubmission  `json:"current,omitempty"`
	Draft    *atlas.ReportSubmission  `json:"draft,omitempty"`
	Previous *atlas.ReportSubmission  `json:"previous,omitempty"`
	History  []atlas.ReportSubmission `json:"history"`
}

// Form returns the state of one region's report for a period, with last
// period's figures; the reporter (or a coordinator) must be authorised.
func (s *Service) Form(ctx context.Context, tok atlas.Token, report string, period int, key string) (Form, error) {
	def, err := s.Definition(ctx, report)
	if err != nil {
		return Form{}, err
	}
	if err := s.checkPeriod(def, period); err != nil {
		return Form{}, err
	}
	r, err := s.region(ctx, def, key)
	if err != nil {
		return Form{}, err
	}
	if err := AuthorizeReporter(tok, def, key); err != nil {
		return Form{}, err
	}
	rs, err := s.store()
	if err != nil {
		return Form{}, err
	}
	f := Form{Definition: def, Region: r, Period: atlas.FormatMonth(period), Due: def.Due(period), History: []atlas.ReportSubmission{}}
	for _, p := range []int{period, atlas.AddMonths(period, -1)} {
		subs, err := rs.ReportSubmissions(ctx, report, p)
		if err != nil {
			return f, err
		}
		for i := range subs {
			v := subs[i]
			if v.Key != key {
				continue
			}
			switch {
			case p != period && v.Status == atlas.ReportSubmitted:
				f.Previous = &v
			case p != period:
			case v.Status == atlas.ReportSubmitted:
				f.Current, f.Draft = &v, nil
				f.History = append(f.History, v)
			default:
				f.Draft = &v
				f.History = append(f.History, v)
			}
		}
	}
	return f, nil
}

// MyRegions lists the regions of def that tok may report for.
func (s *Service) MyRegions(ctx context.Context, tok atlas.Token, def atlas.ReportDefinition) ([]Region, error) {
	regions, err := s.Regions(ctx, def)
	if err != nil {
		return nil, err
	}
	out := []Region{}
	for _, r := range regions {
		if AuthorizeReporter(tok, def, r.Key) == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// Published describes the published periods of a report for the map:
// reporting date and share of regions that reported, newest publication
// of each period.
type Published struct {
	Report  atlas.ReportDefinition    `json:"report"`
	Periods []atlas.ReportPublication `json:"periods"`
}

// Publications lists the newest publication of each published period, by period.
func (s *Service) Publications(ctx context.Context, report string) (Published, error) {
	def, err := s.Definition(ctx, report)
	if err != nil {
		return Published{}, err
	}
	rs, err := s.store()
	if err != nil {
		return Published{}, err
	}
	pubs, err := rs.ReportPublications(ctx, report)
	if err != nil {
		return Published{}, err
	}
	newest := map[int]atlas.ReportPublication{}
	for _, p := range pubs {
		newest[p.Period] = p
	}
	out := Published{Report: def, Periods: []atlas.ReportPublication{}}
	for _, p := range newest {
		out.Periods = append(out.Periods, p)
	}
	sort.Slice(out.Periods, func(i, j int) bool { return out.Periods[i].Period < out.Periods[j].Period })
	return out, nil
}

// SeriesPoint is one published period of one region.
type SeriesPoint struct {
	Period string              `json:"period"`
	Values map[string]*float64 `json:"values"` // nil: keine Meldung
	Flags  map[string]string   `json:"flags,omitempty"`
}

// Series returns the published figures of one region, period by period
// (only published periods; "keine Meldung" as null with its flag).
func (s *Service) Series(ctx context.Context, report, key string) ([]SeriesPoint, error) {
	pub, err := s.Publications(ctx, report)
	if err != nil {
		return nil, err
	}
	def := pub.Report
	if !def.Covers(key) {
		return nil, &atlas.ParamError{Param: "key", Value: key, Reason: "not a region of report " + report}
	}
	snap, err := s.Atlas.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := []SeriesPoint{}
	for _, p := range pub.Periods {
		pt := SeriesPoint{Period: atlas.FormatMonth(p.Period), Values: map[string]*float64{}, Flags: map[string]string{}}
		for _, f := range def.Fields {
			vals, err := snap.Values(ctx, def.IndicatorID(f.ID), def.Level, p.Period)
			if err != nil {
				return nil, err
			}
			v, ok := vals[key]
			switch {
			case ok && v.Flag.HasValue() && !math.IsNaN(v.Value):
				x := v.Value
				pt.Values[f.ID] = &x
			default:
				pt.Values[f.ID] = nil
				if ok && v.Flag != atlas.FlagNone {
					pt.Flags[f.ID] = string(v.Flag)
				}
			}
		}
		out = append(out, pt)
	}
	return out, nil
}

// AuthorizeCoordinator lets a token define and publish def when it carries
// the reporting scope and its key scope covers def's whole area.
func AuthorizeCoordinator(tok atlas.Token, def atlas.ReportDefinition) error {
	if !tok.HasScope(atlas.ScopeReporting) {
		return &atlas.ScopeError{Token: tok.Name, Scope: atlas.ScopeReporting}
	}
	if !tok.AllowsKey(def.Area) {
		return &atlas.ScopeError{Token: tok.Name, Keys: []string{areaName(def.Area)}, Rows: len(def.Fields)}
	}
	return nil
}

func areaName(a string) string {
	if a == "" {
		return "* (Deutschland)"
	}
	return a
}

// AuthorizeReporter lets a token report for key when it may write the
// report's indicators there (its key and indicator scope), or when it
// coordinates the report.
func AuthorizeReporter(tok atlas.Token, def atlas.ReportDefinition, key string) error {
	if AuthorizeCoordinator(tok, def) == nil {
		return nil
	}
	obs := make([]atlas.Observation, len(def.Fields))
	for i, f := range def.Fields {
		obs[i] = atlas.Observation{Indicator: def.IndicatorID(f.ID), Level: def.Level, Key: key}
	}
	return atlas.CheckScope(tok, obs)
}
