package reporting_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/reporting"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
	"github.com/standortatlas/standortatlas/atlas/storetest"
	"github.com/standortatlas/standortatlas/seeds"
)

// cycle is a throwaway embedded store with the real Kreise (BKG VG1000,
// from seeds/) and a reporting service whose clock stands at now.
type cycle struct {
	svc   *reporting.Service
	store *sqlitestore.Store
	now   time.Time
}

func newCycle(t testing.TB) *cycle {
	t.Helper()
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "atlas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	kr, err := ingest.ReadBoundaries(seeds.FS, ingest.BoundarySpec{Level: atlas.LevelKreis, File: "boundaries/bkg_vg1000_31122024_laender_kreise.zip",
		Layer: "kreise_vg1000", Name: "BKG VG1000 Kreise", Gebietsstand: "31.12.2024", Licence: "dl-de/by-2-0", Attribution: "© GeoBasis-DE / BKG (2025), dl-de/by-2-0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := storetest.ReplaceBoundaries(ctx, s, kr.Set, kr.Regions); err != nil {
		t.Fatal(err)
	}
	c := &cycle{store: s, now: time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)}
	in := &ingest.Intake{Store: s, Now: func() time.Time { return c.now }}
	c.svc = &reporting.Service{Atlas: atlas.NewService(s, atlas.Options{VersionCheck: time.Nanosecond}), Writer: in, Now: func() time.Time { return c.now }}
	return c
}

func coordinator() atlas.Token {
	return atlas.Token{ID: 1, Name: "Koordination Bayern (Test)", Keys: []string{"09"}, Indicators: []string{"*"}, Scopes: []string{atlas.ScopeReporting}}
}

func reporter(key string) atlas.Token {
	return atlas.Token{ID: 2, Name: "Meldestelle " + key + " (Test)", Keys: []string{key}, Indicators: []string{"test_unterbringung_*"}}
}

func TestReportingCycle(t *testing.T) {
	ctx := context.Background()
	c := newCycle(t)
	def := storetest.TestReportDefinition()

	// Only a coordinator of the whole area defines the report.
	if _, err := c.svc.Define(ctx, reporter("09162"), "token:2", def); !isScope(err) {
		t.Fatalf("define by a reporter: %v, want a scope error", err)
	}
	noScope := coordinator()
	noScope.Scopes = []string{atlas.ScopeCatalogue}
	var se *atlas.ScopeError
	if _, err := c.svc.Define(ctx, noScope, "token:6", def); !errors.As(err, &se) || se.Scope != atlas.ScopeReporting {
		t.Fatalf("define without the reporting scope: %v", err)
	}
	other := coordinator()
	other.Keys = []string{"05"}
	if _, err := c.svc.Define(ctx, other, "token:3", def); !isScope(err) {
		t.Fatalf("define by the coordinator of another Land: %v, want a scope error", err)
	}
	if _, err := c.svc.Define(ctx, coordinator(), "token:1", def); err != nil {
		t.Fatal(err)
	}
	regions, err := c.svc.Regions(ctx, def)
	if err != nil || len(regions) != 96 {
		t.Fatalf("Kreise of Bayern = %d, %v; want 96", len(regions), err)
	}

	// Empty period: nobody reported, not yet due on 5 November.
	st, err := c.svc.Status(ctx, def.ID, 202610)
	if err != nil || st.Reported != 0 || st.Missing != 96 || st.Late != 0 || !strings.Contains(st.Reminders, "München (Kreisfreie Stadt, 09162)") {
		t.Fatalf("empty status = %d reported, %d missing, %d late, %v; reminders %q", st.Reported, st.Missing, st.Late, err, st.Reminders)
	}
	if _, err := c.svc.Publish(ctx, coordinator(), "token:1", def.ID, 202610); !errors.Is(err, atlas.ErrConflict) {
		t.Fatalf("publishing without reports: %v, want a conflict", err)
	}

	// München: a rule fails, then a draft, then the submission.
	bad := reporting.Entry{Key: "09162", Values: map[string]float64{"plaetze": 100, "belegt": 120}, Submit: true}
	var ce *atlas.CheckError
	if _, err := c.svc.Save(ctx, reporter("09162"), "token:2", def.ID, 202610, bad); !errors.As(err, &ce) || ce.Problems[0].Field != "belegt" || !strings.Contains(ce.Problems[0].Reason, "höchstens Unterbringungsplätze (100)") {
		t.Fatalf("occupied > capacity: %v", err)
	}
	draft := reporting.Entry{Key: "09162", Values: map[string]float64{"plaetze": 100}}
	if _, err := c.svc.Save(ctx, reporter("09162"), "token:2", def.ID, 202610, draft); err != nil {
		t.Fatalf("a draft may leave fields empty: %v", err)
	}
	draft.Submit = true
	if _, err := c.svc.Save(ctx, reporter("09162"), "token:2", def.ID, 202610, draft); !errors.As(err, &ce) || ce.Problems[0].Reason != "Angabe fehlt" {
		t.Fatalf("submission with an empty field: %v", err)
	}
	good := reporting.Entry{Key: "09162", Values: map[string]float64{"plaetze": 100, "belegt": 80}, Submit: true}
	sub, err := c.svc.Save(ctx, reporter("09162"), "token:2", def.ID, 202610, good)
	if err != nil || sub.Release == 0 {
		t.Fatalf("submit: %+v, %v", sub, err)
	}
	// München's token may not report for the Landkreis, nor a token of another Land.
	if _, err := c.svc.Save(ctx, reporter("09162"), "token:2", def.ID, 202610, reporting.Entry{Key: "09184", Values: good.Values, Submit: true}); !isScope(err) {
		t.Fatalf("reporting for another Kreis: %v", err)
	}
	if _, err := c.svc.Save(ctx, reporter("05"), "token:4", def.ID, 202610, reporting.Entry{Key: "09184", Values: good.Values, Submit: true}); !isScope(err) {
		t.Fatalf("reporting with a token of another Land: %v", err)
	}

	// Landkreis München uploads an xlsx after the due date (10 November).
	c.now = time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC)
	xlsx := workbook(t, [][]any{{"key", "name", "plaetze", "belegt"}, {"09184", "München, Landkreis", 50, 50}})
	if _, err := c.svc.Upload(ctx, reporter("09184"), "token:5", def.ID, 202610, "meldung.xlsx", xlsx); err != nil {
		t.Fatal(err)
	}
	// A CSV with one bad row writes nothing.
	csv := []byte("key;plaetze;belegt\n09184;60;10\n09162;10;20\n")
	if _, err := c.svc.Upload(ctx, coordinator(), "token:1", def.ID, 202610, "korrektur.csv", csv); !errors.As(err, &ce) || ce.Row != 3 || ce.Problems[0].Field != "belegt" {
		t.Fatalf("bad row: %v, want row 3, column belegt", err)
	}
	// München corrects its figures.
	good.Values["belegt"], good.Comment = 90, "Nachmeldung"
	if _, err := c.svc.Save(ctx, reporter("09162"), "token:2", def.ID, 202610, good); err != nil {
		t.Fatal(err)
	}

	st, err = c.svc.Status(ctx, def.ID, 202610)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 96 || st.Reported != 2 || st.Late != 94 || st.Missing != 0 || len(st.Corrections) != 1 || st.Corrections[0].Values["belegt"] != 90 {
		t.Fatalf("status = %d of %d reported, %d late, corrections %+v", st.Reported, st.Total, st.Late, st.Corrections)
	}
	for _, r := range st.Regions {
		switch r.Key {
		case "09162":
			if r.Status != reporting.StatusReported || r.AfterDue || r.Corrections != 1 || r.Current.Values["belegt"] != 90 {
				t.Errorf("München: %+v", r)
			}
		case "09184":
			if r.Status != reporting.StatusReported || !r.AfterDue {
				t.Errorf("Landkreis München reported after the due date: %+v", r)
			}
		}
	}
	if strings.Contains(st.Reminders, "09162") || !strings.Contains(st.Reminders, "Nürnberg (Kreisfreie Stadt, 09564)") {
		t.Errorf("reminders = %q", st.Reminders)
	}

	// Publication: only the coordinator; 2 values, 94 × "keine Meldung".
	if _, err := c.svc.Publish(ctx, reporter("09162"), "token:2", def.ID, 202610); !isScope(err) {
		t.Fatalf("publish by a reporter: %v", err)
	}
	pub, err := c.svc.Publish(ctx, coordinator(), "token:1", def.ID, 202610)
	if err != nil || pub.Reported != 2 || pub.Total != 96 || pub.Release == 0 {
		t.Fatalf("publish = %+v, %v", pub, err)
	}
	vals, err := c.store.Values(ctx, "test_unterbringung_belegt", atlas.LevelKreis, 202610)
	if err != nil {
		t.Fatal(err)
	}
	notReported := 0
	for _, v := range vals {
		if v.Flag == atlas.FlagNotReported && math.IsNaN(v.Value) {
			notReported++
		}
	}
	if len(vals) != 96 || notReported != 94 || vals["09162"].Value != 90 || vals["09184"].Value != 50 {
		t.Fatalf("published values: %d, %d not reported, 09162 = %+v, 09184 = %+v", len(vals), notReported, vals["09162"], vals["09184"])
	}
	series, err := c.svc.Series(ctx, def.ID, "09162")
	if err != nil || len(series) != 1 || series[0].Period != "2026-10" || *series[0].Values["plaetze"] != 100 {
		t.Fatalf("series = %+v, %v", series, err)
	}
	series, err = c.svc.Series(ctx, def.ID, "09564")
	if err != nil || series[0].Values["belegt"] != nil || series[0].Flags["belegt"] != "not_reported" {
		t.Fatalf("series of a Kreis without report = %+v, %v", series, err)
	}

	// Next month's form shows last month's current figures and no history yet.
	form, err := c.svc.Form(ctx, reporter("09162"), def.ID, 202611, "09162")
	if err != nil || form.Previous == nil || form.Previous.Values["belegt"] != 90 || form.Current != nil || len(form.History) != 0 {
		t.Fatalf("form of 2026-11 = %+v, %v", form, err)
	}
	if _, err := c.svc.Form(ctx, reporter("09162"), def.ID, 202611, "09184"); !isScope(err) {
		t.Fatalf("form of another Kreis: %v", err)
	}
	form, err = c.svc.Form(ctx, reporter("09162"), def.ID, 202610, "09162")
	if err != nil || len(form.History) != 3 || form.Current.Comment != "Nachmeldung" {
		t.Fatalf("history of 2026-10 = %+v, %v; want draft, submission, correction", form.History, err)
	}

	// A report may not take over published indicators of another (nor official ones).
	clash := storetest.TestReportDefinition()
	clash.ID, clash.Fields = "test", clash.Fields[:1]
	clash.Fields[0].ID, clash.Rules = "unterbringung_plaetze", nil
	if _, err := c.svc.Define(ctx, coordinator(), "token:1", clash); !errors.Is(err, atlas.ErrConflict) {
		t.Fatalf("report whose indicator exists: %v, want a conflict", err)
	}

	// Every write was a release with its audit entry.
	audit, err := c.store.Audit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	ok, refused := 0, 0
	for _, e := range audit {
		if e.Action == atlas.AuditReport && e.Outcome == "ok" && e.Release > 0 {
			ok++
		}
		if e.Outcome == "refused" {
			refused++
		}
	}
	// definition, draft, submission, upload, correction, publication
	if ok != 6 {
		t.Errorf("%d report releases audited, want 6: %+v", ok, audit)
	}
	// Every refused attempt is audited too: 3 definitions, 2 publications
	// without reports or by a reporter, 4 submissions, 1 upload, 1 clash.
	if refused != 11 {
		t.Errorf("%d refused attempts audited, want 11", refused)
	}
}

func isScope(err error) bool {
	var se *atlas.ScopeError
	return errors.As(err, &se)
}

func workbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]float64{"1234": 1234, "1.234,5": 1234.5, "12,0": 12, "1234.5": 1234.5, "1.234.567": 1234567, "0,25": 0.25, " 7 ": 7} {
		if got, err := reporting.ParseNumber(in); err != nil || got != want {
			t.Errorf("%q = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"1.234", "12a", "", "x"} {
		if _, err := reporting.ParseNumber(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestUploadErrorsNameRowAndColumn(t *testing.T) {
	def := storetest.TestReportDefinition()
	for _, tc := range []struct {
		csv, col string
		row      int
	}{
		{"key;plaetze;frei\n09162;1;2\n", "frei", 1},
		{"plaetze;belegt\n1;2\n", "key", 1},
		{"key;plaetze;belegt\n9162;1;1\n", "key", 2},
		{"key;plaetze;belegt\n09162;1;1\n09184;1.500;1\n", "plaetze", 3},
	} {
		_, err := reporting.ReadUpload(def, "m.csv", []byte(tc.csv))
		var ce *atlas.CheckError
		if !errors.As(err, &ce) || ce.Row != tc.row || ce.Problems[0].Field != tc.col || !errors.Is(err, atlas.ErrInvalidData) {
			t.Errorf("%q: %v, want row %d column %s", tc.csv, err, tc.row, tc.col)
		}
	}
	rows, err := reporting.ReadUpload(def, "m.csv", []byte("\ufeffKey,Unterbringungsplätze,belegt,comment\n09162,\"1.234,0\",12,ok\n"))
	if err != nil || len(rows) != 1 || rows[0].Values["plaetze"] != 1234 || rows[0].Comment != "ok" {
		t.Fatalf("rows = %+v, %v", rows, err)
	}
}
