package storetest

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

// TestReportDefinition is a clearly labelled test report (no real
// figures exist): monthly places in shared accommodation, for the Kreise of
// Bayern (area 09).
func TestReportDefinition() atlas.ReportDefinition {
	return atlas.ReportDefinition{
		ID: "test_unterbringung", Title: "TESTMELDUNG Unterbringung (Testzyklus)", Coordinator: "Testkoordination (kein echter Absender)",
		Level: atlas.LevelKreis, Area: "09", FirstPeriod: 202610, DueDay: 10,
		Licence: "dl-de/by-2-0", Attribution: "Testdaten, keine echten Meldungen",
		Fields: []atlas.ReportField{
			{ID: "plaetze", Title: "Unterbringungsplätze", Unit: "Plätze", Definition: "Plätze in Gemeinschaftsunterkünften am Monatsende", Direction: atlas.DirectionCapacity, Integer: true},
			{ID: "belegt", Title: "belegte Plätze", Unit: "Plätze", Definition: "belegte Plätze am Monatsende", Direction: atlas.DirectionContext, Integer: true},
		},
		Rules: []atlas.ReportRule{{Field: "belegt", Op: "<=", Other: "plaetze"}, {Field: "belegt", Op: ">=", Other: "0"}, {Field: "plaetze", Op: ">=", Other: "0"}},
	}
}

// RunReports runs the contract of atlas.ReportStore: definitions,
// submissions and publications are written only through Store.Write, as
// one release with its audit entry, all or nothing, and read back as
// written; every version of a submission is kept.
func RunReports(t *testing.T, open Open) {
	t.Run("DefinitionsAndSubmissions", func(t *testing.T) { testReportSubmissions(t, open(t)) })
	t.Run("PublicationIsOneRelease", func(t *testing.T) { testReportPublication(t, open(t)) })
	t.Run("InvalidWritesNothing", func(t *testing.T) { testReportInvalid(t, open(t)) })
}

func reportStore(t *testing.T, s atlas.Store) atlas.ReportStore {
	rs, ok := s.(atlas.ReportStore)
	if !ok {
		t.Fatalf("%T does not implement atlas.ReportStore", s)
	}
	return rs
}

func testReportSubmissions(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	rs := reportStore(t, s)
	if defs, err := rs.ReportDefinitions(ctx); err != nil || len(defs) != 0 {
		t.Fatalf("empty store: definitions %v, %v", defs, err)
	}
	def := TestReportDefinition()
	def.CreatedAt = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	rel, err := s.Write(ctx, atlas.Change{Release: atlas.Release{Source: "report test_unterbringung"}, Reports: atlas.ReportChange{Definitions: []atlas.ReportDefinition{def}},
		Audit: &atlas.AuditEntry{Actor: "test", Action: atlas.AuditReport, Outcome: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	defs, err := rs.ReportDefinitions(ctx)
	if err != nil || len(defs) != 1 || !reflect.DeepEqual(defs[0], def) {
		t.Fatalf("definitions = %+v, %v; want %+v", defs, err, def)
	}
	if len(rel.Parts) != 1 || rel.Parts[0] != "report definition test_unterbringung" {
		t.Errorf("release parts = %v", rel.Parts)
	}
	at := time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)
	sub := func(key, status string, plaetze, belegt float64) atlas.ReportSubmission {
		at = at.Add(time.Hour)
		return atlas.ReportSubmission{Report: def.ID, Period: 202610, Key: key, Status: status, Values: map[string]float64{"plaetze": plaetze, "belegt": belegt}, Actor: "token:1 (test)", At: at}
	}
	v0, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var rels []int64
	for _, sb := range []atlas.ReportSubmission{sub("09162", atlas.ReportDraft, 100, 20), sub("09162", atlas.ReportSubmitted, 100, 80), sub("09184", atlas.ReportSubmitted, 50, 50), sub("09162", atlas.ReportSubmitted, 100, 90)} {
		r, err := s.Write(ctx, atlas.Change{Release: atlas.Release{Source: "report " + def.ID}, Reports: atlas.ReportChange{Submissions: []atlas.ReportSubmission{sb}}})
		if err != nil {
			t.Fatal(err)
		}
		rels = append(rels, r.ID)
	}
	// Drafts and submissions change nothing the atlas serves: the data
	// version (and with it every cache and tile) stays.
	if v, err := s.DataVersion(ctx); err != nil || v != v0 {
		t.Errorf("data version after submissions = %d, %v; want %d unchanged", v, err, v0)
	}
	// A submission of another period.
	other := sub("09162", atlas.ReportSubmitted, 10, 1)
	other.Period = 202611
	if _, err := s.Write(ctx, atlas.Change{Reports: atlas.ReportChange{Submissions: []atlas.ReportSubmission{other}}}); err != nil {
		t.Fatal(err)
	}
	got, err := rs.ReportSubmissions(ctx, def.ID, 202610)
	if err != nil || len(got) != 4 {
		t.Fatalf("submissions of 2026-10 = %d, %v; want all 4 versions", len(got), err)
	}
	for i, g := range got {
		if g.Release != rels[i] || (i > 0 && g.ID <= got[i-1].ID) {
			t.Errorf("version %d: release %d (want %d), id %d not increasing", i, g.Release, rels[i], g.ID)
		}
	}
	if got[3].Key != "09162" || got[3].Values["belegt"] != 90 || got[3].Status != atlas.ReportSubmitted || !got[3].At.Equal(at.Add(-time.Hour)) || got[3].Actor != "token:1 (test)" {
		t.Errorf("newest version = %+v", got[3])
	}
	if got[0].Status != atlas.ReportDraft || got[0].Values["belegt"] != 20 {
		t.Errorf("draft kept as %+v", got[0])
	}
	if all, err := rs.ReportSubmissions(ctx, def.ID, 0); err != nil || len(all) != 5 {
		t.Errorf("all periods: %d, %v; want 5", len(all), err)
	}
	if none, err := rs.ReportSubmissions(ctx, "other_report", 0); err != nil || len(none) != 0 {
		t.Errorf("other report: %v, %v", none, err)
	}
	if as, ok := s.(atlas.AuditStore); ok {
		list, err := as.Audit(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range list {
			found = found || (e.Action == atlas.AuditReport && e.Release == 1)
		}
		if !found {
			t.Errorf("audit entry of the definition's release missing: %+v", list)
		}
	}
}

func testReportPublication(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	rs := reportStore(t, s)
	def := TestReportDefinition()
	if _, err := s.Write(ctx, atlas.Change{Reports: atlas.ReportChange{Definitions: []atlas.ReportDefinition{def}}}); err != nil {
		t.Fatal(err)
	}
	v0, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ind := atlas.Indicator{ID: def.IndicatorID("plaetze"), Title: "Unterbringungsplätze", Unit: "Plätze", Topic: "meldungen", TopicTitle: "Meldungen",
		Direction: atlas.DirectionCapacity, Source: def.Title, Licence: def.Licence, Attribution: def.Attribution}
	obs := []atlas.Observation{
		{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 202610, Value: 100},
		{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09184", Period: 202610, Value: math.NaN(), Flag: atlas.FlagNotReported},
	}
	pub := atlas.ReportPublication{Report: def.ID, Period: 202610, At: time.Date(2026, 11, 12, 8, 0, 0, 0, time.UTC), Actor: "test", Reported: 1, Total: 2}
	rel, err := s.Write(ctx, atlas.Change{Release: atlas.Release{Source: "report " + def.ID}, Indicators: []atlas.Indicator{ind}, Observations: obs,
		Reports: atlas.ReportChange{Publications: []atlas.ReportPublication{pub}}, Audit: &atlas.AuditEntry{Actor: "test", Action: atlas.AuditReport, Outcome: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	if v1, err := s.DataVersion(ctx); err != nil || v1 == v0 {
		t.Errorf("data version after a publication = %d, %v; want a new one (was %d)", v1, err, v0)
	}
	pubs, err := rs.ReportPublications(ctx, def.ID)
	pub.Release = rel.ID
	if err != nil || len(pubs) != 1 || !reflect.DeepEqual(pubs[0], pub) {
		t.Fatalf("publications = %+v, %v; want %+v", pubs, err, pub)
	}
	vals, err := s.Values(ctx, ind.ID, atlas.LevelKreis, 202610)
	if err != nil {
		t.Fatal(err)
	}
	if v := vals["09162"]; v.Value != 100 || v.Flag != atlas.FlagNone {
		t.Errorf("09162 = %+v", v)
	}
	if v := vals["09184"]; !math.IsNaN(v.Value) || v.Flag != atlas.FlagNotReported {
		t.Errorf("unreported 09184 = %+v, want no number and flag not_reported (never 0)", v)
	}
	inds, err := s.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range inds {
		if i.ID == ind.ID && (!reflect.DeepEqual(i.Years, []int{202610}) || i.DefaultYear != 202610) {
			t.Errorf("catalogue periods of %s = %v (default %d), want the month 202610", i.ID, i.Years, i.DefaultYear)
		}
	}
	// A published period is not rolled back silently.
	if rs, ok := s.(atlas.ReleaseStore); ok {
		list, err := rs.Releases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := atlas.PlanRollback(list, 0, rel.ID-1); !errors.Is(err, atlas.ErrConflict) {
			t.Errorf("rollback behind a publication: %v, want a conflict", err)
		}
	}
}

func testReportInvalid(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	rs := reportStore(t, s)
	def := TestReportDefinition()
	bad := def
	bad.ID, bad.Rules = "test_bad", []atlas.ReportRule{{Field: "belegt", Op: "<=", Other: "unbekannt"}}
	_, err := s.Write(ctx, atlas.Change{Reports: atlas.ReportChange{Definitions: []atlas.ReportDefinition{def, bad}}})
	if !errors.Is(err, atlas.ErrInvalidData) {
		t.Fatalf("rule on an unknown field: %v, want invalid data", err)
	}
	_, err = s.Write(ctx, atlas.Change{Reports: atlas.ReportChange{Definitions: []atlas.ReportDefinition{def},
		Submissions: []atlas.ReportSubmission{{Report: def.ID, Period: 202613, Key: "09162", Status: atlas.ReportSubmitted}}}})
	if !errors.Is(err, atlas.ErrInvalidData) {
		t.Fatalf("period 2026-13: %v, want invalid data", err)
	}
	// Observations of an unknown indicator fail the whole release.
	_, err = s.Write(ctx, atlas.Change{Reports: atlas.ReportChange{Definitions: []atlas.ReportDefinition{def}},
		Observations: []atlas.Observation{{Indicator: "test_unterbringung_unknown", Level: atlas.LevelKreis, Key: "09162", Period: 202610, Value: 1}}})
	if !errors.Is(err, atlas.ErrUnknownIndicator) {
		t.Fatalf("unknown indicator: %v", err)
	}
	if defs, err := rs.ReportDefinitions(ctx); err != nil || len(defs) != 0 {
		t.Errorf("refused writes left definitions %v, %v", defs, err)
	}
}
