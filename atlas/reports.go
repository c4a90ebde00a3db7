package atlas

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// This file holds the stored side of municipal reporting (atlas/reporting
// holds the workflow): a report definition names the regions that must
// report, the figures they report (with unit, definition and validation
// rules) and the monthly due date; submissions are drafts, submissions and
// corrections, every version kept; a publication turns one period's
// figures into ordinary indicators with period = month. All three are
// written through Store.Write (atlas.Change.Reports), so each is a release
// with its audit entry; ReportStore reads them back.

// Statuses of a report submission.
const (
	ReportDraft     = "draft"
	ReportSubmitted = "submitted"
)

// FlagNotReported marks a region that had to report for a published period
// and did not ("keine Meldung"): no number, never 0.
const FlagNotReported Flag = "not_reported"

// ReportDefinition is a report a coordinator (a Land, or the federal level)
// asks regions to file every month.
type ReportDefinition struct {
	// ID is the report's id; its published indicators are ID_field.
	ID    string `json:"id"`
	Title string `json:"title"`
	// Coordinator names who defines the report and publishes its periods.
	Coordinator string `json:"coordinator"`
	// Level and Area name the regions that must report: all regions of
	// Level whose key starts with Area ("09": all Kreise of Bayern; "":
	// all of Germany).
	Level Level  `json:"level"`
	Area  string `json:"area"`
	// Fields are the figures each region reports.
	Fields []ReportField `json:"fields"`
	// Rules are checks every submission must pass (occupied ≤ capacity).
	Rules []ReportRule `json:"rules,omitempty"`
	// FirstPeriod is the first month (YYYYMM) to report.
	FirstPeriod int `json:"first_period"`
	// DueDay is the day of the following month by which a month's figures
	// are due (1–28).
	DueDay int `json:"due_day"`
	// Licence and Attribution of the published figures.
	Licence     string    `json:"licence"`
	Attribution string    `json:"attribution"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by,omitempty"`
}

// ReportField is one figure of a report.
type ReportField struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	Unit       string    `json:"unit"`
	Definition string    `json:"definition"`
	Decimals   int       `json:"decimals"`
	Direction  Direction `json:"direction"`
	// Integer: only whole numbers (counts of places, persons).
	Integer bool `json:"integer,omitempty"`
}

// ReportRule compares a field with another field or a number: Field Op
// Other, Op one of <=, >=, <, >.
type ReportRule struct {
	Field string `json:"field"`
	Op    string `json:"op"`
	// Other is a field id or a number ("0").
	Other   string `json:"other"`
	Message string `json:"message,omitempty"`
}

// ReportSubmission is one version of a region's figures for one period.
// The current version of a region and period is the newest; submitted
// versions after the first are corrections.
type ReportSubmission struct {
	ID     int64  `json:"id"` // assigned by the store, increasing
	Report string `json:"report"`
	Period int    `json:"period"` // YYYYMM
	Key    string `json:"key"`
	Status string `json:"status"` // draft | submitted
	// Values by field id; a field missing is not given (only in drafts).
	Values  map[string]float64 `json:"values"`
	Comment string             `json:"comment,omitempty"`
	Actor   string             `json:"actor"`
	At      time.Time          `json:"at"`
	Release int64              `json:"release"` // set by the store
}

// ReportPublication records that a period of a report was published.
type ReportPublication struct {
	Report   string    `json:"report"`
	Period   int       `json:"period"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Reported int       `json:"reported"`
	Total    int       `json:"total"`
	Release  int64     `json:"release"` // set by the store
}

// ReportChange is what a release writes of reports.
type ReportChange struct {
	// Definitions are inserted or replaced by id.
	Definitions  []ReportDefinition
	Submissions  []ReportSubmission
	Publications []ReportPublication
}

// Empty reports whether the change writes nothing of reports.
func (r ReportChange) Empty() bool {
	return len(r.Definitions) == 0 && len(r.Submissions) == 0 && len(r.Publications) == 0
}

// ReportsOnly reports whether a change writes report definitions or
// submissions and nothing the atlas serves (no boundaries, catalogue
// entries, observations, places, publications): the stores then do not
// raise the data version, so that a reporter's draft does not drop the
// caches and tiles of every instance. Contract: storetest.RunReports.
func (c *Change) ReportsOnly() bool {
	return !c.Reports.Empty() && len(c.Reports.Publications) == 0 && len(c.Boundaries) == 0 &&
		len(c.Indicators) == 0 && len(c.Observations) == 0 && c.Places.Empty() && len(c.Places.Replace) == 0
}

// parts describes the change for Release.Parts (reports are not versioned
// by release: submissions keep their own history).
func (r ReportChange) parts() []string {
	var out []string
	for _, d := range r.Definitions {
		out = append(out, "report definition "+d.ID)
	}
	for _, s := range r.Submissions {
		out = append(out, fmt.Sprintf("report %s %s %s %s", s.Report, FormatMonth(s.Period), s.Key, s.Status))
	}
	for _, p := range r.Publications {
		out = append(out, fmt.Sprintf("report %s %s published (%d of %d regions)", p.Report, FormatMonth(p.Period), p.Reported, p.Total))
	}
	return out
}

func (r ReportChange) validate() error {
	for i := range r.Definitions {
		if err := r.Definitions[i].Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidData, err)
		}
	}
	for _, s := range r.Submissions {
		if !ValidIndicatorID(s.Report) || !ValidMonth(s.Period) || s.Key == "" {
			return fmt.Errorf("%w: submission of report %q, period %d, region %q", ErrInvalidData, s.Report, s.Period, s.Key)
		}
		if s.Status != ReportDraft && s.Status != ReportSubmitted {
			return fmt.Errorf("%w: submission status %q (draft or submitted)", ErrInvalidData, s.Status)
		}
	}
	for _, p := range r.Publications {
		if !ValidIndicatorID(p.Report) || !ValidMonth(p.Period) {
			return fmt.Errorf("%w: publication of report %q, period %d", ErrInvalidData, p.Report, p.Period)
		}
	}
	return nil
}

// ReportStore reads what releases wrote of reports. Both stores implement it
// (contract: atlas/storetest.RunReports).
type ReportStore interface {
	// ReportDefinitions lists the definitions by id.
	ReportDefinitions(ctx context.Context) ([]ReportDefinition, error)
	// ReportSubmissions lists every version of the submissions of a report,
	// oldest first; period 0 lists all periods.
	ReportSubmissions(ctx context.Context, report string, period int) ([]ReportSubmission, error)
	// ReportPublications lists the publications of a report, oldest first.
	ReportPublications(ctx context.Context, report string) ([]ReportPublication, error)
}

// Months: a monthly period is the integer YYYYMM (202611 = November 2026),
// the form observations of monthly indicators carry.

// ValidMonth reports whether p is a month YYYYMM between 1900 and 2200.
func ValidMonth(p int) bool {
	y, m := p/100, p%100
	return y >= 1900 && y <= 2200 && m >= 1 && m <= 12
}

// FormatMonth writes a month YYYYMM as "2026-11" (other periods as numbers).
func FormatMonth(p int) string {
	if !ValidMonth(p) {
		return strconv.Itoa(p)
	}
	return fmt.Sprintf("%04d-%02d", p/100, p%100)
}

// ParseMonth reads "2026-11" or "202611".
func ParseMonth(s string) (int, error) {
	t := strings.TrimSpace(s)
	if y, m, ok := strings.Cut(t, "-"); ok && len(y) == 4 && len(m) == 2 {
		t = y + m
	}
	p, err := strconv.Atoi(t)
	if err != nil || len(t) != 6 || !ValidMonth(p) {
		return 0, &ParamError{Param: "period", Value: s, Reason: "must be a month YYYY-MM"}
	}
	return p, nil
}

// MonthOf returns the month of t.
func MonthOf(t time.Time) int { return t.Year()*100 + int(t.Month()) }

// AddMonths returns the month n months after p (n may be negative).
func AddMonths(p, n int) int {
	m := (p/100)*12 + p%100 - 1 + n
	return (m/12)*100 + m%12 + 1
}

// Due returns the end of the day by which the figures of period are due:
// DueDay of the following month, 24:00 in Germany.
func (d *ReportDefinition) Due(period int) time.Time {
	next := AddMonths(period, 1)
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		loc = time.UTC
	}
	return time.Date(next/100, time.Month(next%100), d.DueDay+1, 0, 0, 0, 0, loc)
}

// IndicatorID is the id of the published indicator of field f.
func (d *ReportDefinition) IndicatorID(f string) string { return d.ID + "_" + f }

// Field returns the field with id, or false.
func (d *ReportDefinition) Field(id string) (ReportField, bool) {
	for _, f := range d.Fields {
		if f.ID == id {
			return f, true
		}
	}
	return ReportField{}, false
}

// Covers reports whether the region key must report.
func (d *ReportDefinition) Covers(key string) bool {
	return ValidKey(d.Level, key) && strings.HasPrefix(key, d.Area)
}

var fieldIDOK = func(id string) bool { return ValidIndicatorID("f" + id) }

// Validate checks a definition: ids, fields with unit and definition,
// rules naming known fields or numbers, area and due day.
func (d *ReportDefinition) Validate() error {
	switch {
	case !ValidIndicatorID(d.ID) || len(d.ID) > 40:
		return fmt.Errorf("report id %q: lower-case letters, digits and _, at most 40", d.ID)
	case strings.TrimSpace(d.Title) == "":
		return fmt.Errorf("report %s: title missing", d.ID)
	case strings.TrimSpace(d.Coordinator) == "":
		return fmt.Errorf("report %s: coordinator missing", d.ID)
	case d.Level != LevelKreis && d.Level != LevelGemeinde && d.Level != LevelLand:
		return fmt.Errorf("report %s: level must be land, kreis or gemeinde", d.ID)
	case d.Area != "" && (len(d.Area) >= d.Level.KeyLength() || strings.Trim(d.Area, "0123456789") != ""):
		return fmt.Errorf("report %s: area %q must be a key prefix coarser than the level (\"09\" for Bayern)", d.ID, d.Area)
	case !ValidMonth(d.FirstPeriod):
		return fmt.Errorf("report %s: first period %d must be a month YYYYMM", d.ID, d.FirstPeriod)
	case d.DueDay < 1 || d.DueDay > 28:
		return fmt.Errorf("report %s: due day %d must be 1 to 28", d.ID, d.DueDay)
	case strings.TrimSpace(d.Licence) == "" || strings.TrimSpace(d.Attribution) == "":
		return fmt.Errorf("report %s: licence and attribution of the published figures are required", d.ID)
	case len(d.Fields) == 0 || len(d.Fields) > 30:
		return fmt.Errorf("report %s: 1 to 30 fields", d.ID)
	}
	seen := map[string]bool{}
	for _, f := range d.Fields {
		switch {
		case !fieldIDOK(f.ID) || !ValidIndicatorID(d.IndicatorID(f.ID)):
			return fmt.Errorf("report %s: field id %q", d.ID, f.ID)
		case seen[f.ID]:
			return fmt.Errorf("report %s: field %s twice", d.ID, f.ID)
		case strings.TrimSpace(f.Title) == "" || strings.TrimSpace(f.Unit) == "" || strings.TrimSpace(f.Definition) == "":
			return fmt.Errorf("report %s: field %s needs title, unit and definition", d.ID, f.ID)
		case !f.Direction.Valid():
			return fmt.Errorf("report %s: field %s: direction %q must be capacity, need or context", d.ID, f.ID, f.Direction)
		case f.Decimals < 0 || f.Decimals > 6:
			return fmt.Errorf("report %s: field %s: decimals %d", d.ID, f.ID, f.Decimals)
		}
		seen[f.ID] = true
	}
	for _, r := range d.Rules {
		if !seen[r.Field] {
			return fmt.Errorf("report %s: rule on unknown field %q", d.ID, r.Field)
		}
		if _, ok := compare(r.Op, 0, 0); !ok {
			return fmt.Errorf("report %s: rule operator %q (<=, >=, <, >)", d.ID, r.Op)
		}
		if _, err := strconv.ParseFloat(r.Other, 64); err != nil && !seen[r.Other] {
			return fmt.Errorf("report %s: rule compares %s with %q, neither a field nor a number", d.ID, r.Field, r.Other)
		}
	}
	return nil
}

func compare(op string, a, b float64) (bool, bool) {
	switch op {
	case "<=":
		return a <= b, true
	case ">=":
		return a >= b, true
	case "<":
		return a < b, true
	case ">":
		return a > b, true
	}
	return false, false
}

// FieldProblem is a value a check refuses, named by field.
type FieldProblem struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Check applies the definition's rules to values: every field of a
// submission must be given (drafts may leave fields empty), numbers must
// be finite, whole where the field says so, and every rule must hold
// where both sides are given. It is the one check of reported figures (the
// API, the form's inline validation and uploads call it).
func (d *ReportDefinition) Check(values map[string]float64, complete bool) []FieldProblem {
	var out []FieldProblem
	for id := range values {
		if _, ok := d.Field(id); !ok {
			out = append(out, FieldProblem{Field: id, Reason: "kein Feld dieser Meldung"})
		}
	}
	for _, f := range d.Fields {
		v, ok := values[f.ID]
		switch {
		case !ok && complete:
			out = append(out, FieldProblem{Field: f.ID, Reason: "Angabe fehlt"})
		case !ok:
		case math.IsNaN(v) || math.IsInf(v, 0):
			out = append(out, FieldProblem{Field: f.ID, Reason: "keine Zahl"})
		case f.Integer && v != math.Trunc(v):
			out = append(out, FieldProblem{Field: f.ID, Reason: "nur ganze Zahlen"})
		}
	}
	for _, r := range d.Rules {
		a, ok := values[r.Field]
		if !ok {
			continue
		}
		b, err := strconv.ParseFloat(r.Other, 64)
		other := FormatDE(b, -1)
		if err != nil {
			if b, ok = values[r.Other]; !ok {
				continue
			}
			f, _ := d.Field(r.Other)
			other = f.Title + " (" + FormatDE(b, -1) + ")"
		}
		if holds, _ := compare(r.Op, a, b); !holds {
			msg := r.Message
			if msg == "" {
				f, _ := d.Field(r.Field)
				msg = fmt.Sprintf("%s muss %s %s sein", f.Title, opText(r.Op), other)
			}
			out = append(out, FieldProblem{Field: r.Field, Reason: msg})
		}
	}
	return out
}

func opText(op string) string {
	switch op {
	case "<=":
		return "höchstens"
	case ">=":
		return "mindestens"
	case "<":
		return "kleiner als"
	}
	return "größer als"
}

// CheckError refuses figures that fail Check (HTTP 422 with the problems).
type CheckError struct {
	Report   string
	Key      string
	Row      int // row of an upload, 0 otherwise
	File     string
	Problems []FieldProblem
}

func (e *CheckError) Error() string {
	var parts []string
	for _, p := range e.Problems {
		parts = append(parts, p.Field+": "+p.Reason)
	}
	where := e.Key
	if e.Row > 0 {
		where = fmt.Sprintf("%s row %d (%s)", e.File, e.Row, e.Key)
	}
	return fmt.Sprintf("report %s, %s: %s", e.Report, where, strings.Join(parts, "; "))
}

// Unwrap makes a CheckError an ErrInvalidData.
func (e *CheckError) Unwrap() error { return ErrInvalidData }

// ProblemReport implements ProblemReporter.
func (e *CheckError) ProblemReport() []Problem {
	out := make([]Problem, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = Problem{File: e.File, Row: e.Row, Column: p.Field, Reason: p.Reason}
	}
	return out
}
