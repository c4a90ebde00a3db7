package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
)

func updatesServer(t *testing.T, status func(context.Context) (atlas.UpdateStatus, error)) http.Handler {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "atlas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	static := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>x</title>")}, "embed.html": {Data: []byte("<!doctype html><title>e</title>")}}
	e, err := New(Deps{RequestTimeout: testRequestTimeout, Service: atlas.NewService(s, atlas.Options{}), Static: static, Updates: UpdatesDeps{Status: status}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestUpdatesStatusAndMetrics(t *testing.T) {
	checked := time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)
	changed := time.Date(2026, 2, 1, 4, 0, 0, 0, time.UTC)
	st := atlas.NewUpdateStatus([]atlas.SourceCheck{
		{ID: "schutz", Source: "destatis", Table: "12531-0043", CheckedAt: checked, Outcome: atlas.UpdateUnchanged, ChangedAt: &changed, Release: 7,
			Indicators: []string{"protection_seekers", "protection_seekers_pending"}},
		{ID: "arbeit", Source: "regionalstatistik", Table: "13211-02-05-4", CheckedAt: checked.Add(time.Minute), Outcome: atlas.UpdateFailed,
			Error: "regionalstatistik data/tablefile: service unavailable", Indicators: []string{"unemployment_rate"}},
	})
	h := updatesServer(t, func(context.Context) (atlas.UpdateStatus, error) { return st, nil })

	rec := get(t, h, "/api/v1/updates", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("GET /api/v1/updates: %d, headers %v", rec.Code, rec.Header())
	}
	var got atlas.UpdateStatus
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	ps := got.Indicators["protection_seekers"]
	if got.Status != "failed" || len(got.Sources) != 2 || !ps.CheckedAt.Equal(checked) || ps.Outcome != atlas.UpdateUnchanged || ps.ChangedAt == nil || !ps.ChangedAt.Equal(changed) || ps.Release != 7 {
		t.Errorf("status %s, %d sources, protection_seekers %+v", got.Status, len(got.Sources), ps)
	}
	if got.Indicators["unemployment_rate"].Outcome != atlas.UpdateFailed {
		t.Errorf("unemployment_rate %+v", got.Indicators["unemployment_rate"])
	}

	metrics := get(t, h, "/metrics", nil).Body.String()
	for _, want := range []string{
		`standortatlas_update_last_check_timestamp_seconds{source="schutz",table="12531-0043"} 1.772424e+09`,
		`standortatlas_update_last_new_edition_timestamp_seconds{source="schutz",table="12531-0043"} 1.7699184e+09`,
		`standortatlas_update_failed{source="arbeit",table="13211-02-05-4"} 1`,
		`standortatlas_update_failed{source="schutz",table="12531-0043"} 0`,
		`standortatlas_update_status_error 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestUpdatesStatusErrorDoesNotLeak(t *testing.T) {
	h := updatesServer(t, func(context.Context) (atlas.UpdateStatus, error) {
		return atlas.UpdateStatus{}, errors.New("read meta: SELECT value FROM meta: disk I/O error")
	})
	rec := get(t, h, "/api/v1/updates", nil)
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "SELECT") {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
	if m := get(t, h, "/metrics", nil).Body.String(); !strings.Contains(m, "standortatlas_update_status_error 1") {
		t.Error("/metrics does not report the unreadable status")
	}
}

func TestUpdatesWithoutSources(t *testing.T) {
	rec := get(t, updatesServer(t, nil), "/api/v1/updates", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"none"`) || !strings.Contains(rec.Body.String(), `"sources":[]`) {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}
