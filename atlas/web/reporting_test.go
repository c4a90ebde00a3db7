package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/reporting"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
	"github.com/standortatlas/standortatlas/atlas/storetest"
	"github.com/standortatlas/standortatlas/seeds"
)

// reportingServer is a throwaway store with the real Kreise (seeds/) and
// tokens: a coordinator, reporters for München (09162) and Landkreis
// München (09184), and a token of Nordrhein-Westfalen (05).
func reportingServer(t *testing.T) (http.Handler, map[string]string) {
	t.Helper()
	path, secrets := reportingStore(t)
	h, _ := reportingInstance(t, path, Deps{})
	return h, secrets
}

// reportingStore fills a throwaway store file with the real Kreise and the
// tokens of reportingServer, and returns its path and the tokens' secrets.
func reportingStore(t *testing.T) (string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "atlas.db")
	s, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	kr, err := ingest.ReadBoundaries(seeds.FS, ingest.BoundarySpec{Level: atlas.LevelKreis, File: "boundaries/bkg_vg1000_31122024_laender_kreise.zip",
		Layer: "kreise_vg1000", Name: "BKG VG1000 Kreise", Gebietsstand: "31.12.2024", Licence: "dl-de/by-2-0", Attribution: "© GeoBasis-DE / BKG (2025), dl-de/by-2-0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := storetest.ReplaceBoundaries(ctx, s, kr.Set, kr.Regions); err != nil {
		t.Fatal(err)
	}
	in := &ingest.Intake{Store: s}
	secrets := map[string]string{}
	for name, tok := range map[string]atlas.Token{
		"coordinator": testCoordinator(),
		"muenchen":    {Name: "Meldestelle München (Test)", Keys: []string{"09162"}, Indicators: []string{"test_unterbringung_*"}},
		"lkmuenchen":  {Name: "Meldestelle Landkreis München (Test)", Keys: []string{"09184"}, Indicators: []string{"test_unterbringung_*"}},
		"nrw":         {Name: "Nordrhein-Westfalen (Test)", Keys: []string{"05"}, Indicators: []string{"*"}},
	} {
		if _, secrets[name], err = in.CreateToken(ctx, tok, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return path, secrets
}

// reportingInstance is one service instance (store handle, atlas.Service,
// handler) over the store file at path, as a replica behind a load
// balancer is; d adds settings to the test's dependencies.
func reportingInstance(t *testing.T, path string, d Deps) (http.Handler, *sqlitestore.Store) {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	svc := atlas.NewService(s, atlas.Options{})
	static := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>x</title>")}, "embed.html": {Data: []byte("<!doctype html><title>e</title>")},
		"reporting/map.html": {Data: []byte("<!doctype html><title>m</title>")}, "reporting/report.html": {Data: []byte("<!doctype html><title>r</title>")}}
	d.RequestTimeout, d.Service, d.Static = testRequestTimeout, svc, static
	d.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	d.Reporting = &reporting.Service{Atlas: svc, Writer: &ingest.Intake{Store: s}}
	e, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	return e, s
}

func testCoordinator() atlas.Token {
	return atlas.Token{Name: "Koordination Bayern (Test)", Keys: []string{"09"}, Indicators: []string{"test_unterbringung_*"}, Scopes: []string{atlas.ScopeReporting}}
}

type call struct {
	method, path, body, token, csrf, ctype string
	cookies                                []*http.Cookie
}

func (c call) do(t *testing.T, h http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
	if c.ctype == "" {
		c.ctype = "application/json"
	}
	req.Header.Set("Content-Type", c.ctype)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.csrf != "" {
		req.Header.Set(csrfHeader, c.csrf)
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func expect(t *testing.T, rec *httptest.ResponseRecorder, code int, v any) {
	t.Helper()
	if rec.Code != code {
		t.Fatalf("status %d, want %d: %s", rec.Code, code, rec.Body.String())
	}
	if v != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReportingAPI(t *testing.T) {
	h, tok := reportingServer(t)
	var list struct {
		Reports []atlas.ReportDefinition `json:"reports"`
		Note    string                   `json:"note"`
	}
	expect(t, call{method: "GET", path: "/api/v1/reports"}.do(t, h), 200, &list)
	if len(list.Reports) != 0 || !strings.Contains(list.Note, "noch keine Meldungen") {
		t.Fatalf("empty atlas: %+v", list)
	}
	def := storetest.TestReportDefinition()
	def.FirstPeriod = atlas.AddMonths(atlas.MonthOf(time.Now()), -1)
	period := atlas.FormatMonth(def.FirstPeriod)
	body, _ := json.Marshal(def)
	expect(t, call{method: "POST", path: "/api/v1/reports", body: string(body)}.do(t, h), 401, nil)
	expect(t, call{method: "POST", path: "/api/v1/reports", body: string(body), token: tok["muenchen"]}.do(t, h), 403, nil)
	expect(t, call{method: "POST", path: "/api/v1/reports", body: string(body), token: tok["coordinator"]}.do(t, h), 201, nil)

	// The reporter's form through a session: cookie attributes, CSRF.
	rec := call{method: "POST", path: "/api/v1/session", body: `{"token":"` + tok["muenchen"] + `"}`}.do(t, h)
	var sess sessionInfo
	expect(t, rec, 201, &sess)
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || cookies[0].MaxAge != 7200 || sess.CSRF == "" || !sess.SignedIn || sess.Token.Name != "Meldestelle München (Test)" {
		t.Fatalf("session cookie %+v, answer %+v", cookies, sess)
	}
	if strings.Contains(rec.Body.String(), tok["muenchen"]) || strings.Contains(cookies[0].Value, tok["muenchen"]) {
		t.Fatal("the token secret must not come back")
	}
	expect(t, call{method: "POST", path: "/api/v1/session", body: `{"token":"sat_wrong"}`}.do(t, h), 401, nil)
	expect(t, call{method: "POST", path: "/api/v1/session", body: "token=" + tok["muenchen"], ctype: "application/x-www-form-urlencoded"}.do(t, h), 400, nil)
	form := "/api/v1/reports/test_unterbringung/periods/" + period + "/regions/09162"
	var mine struct {
		Regions []reporting.Region `json:"regions"`
	}
	expect(t, call{method: "GET", path: "/api/v1/reports/test_unterbringung/mine", cookies: cookies}.do(t, h), 200, &mine)
	if len(mine.Regions) != 1 || mine.Regions[0].Key != "09162" {
		t.Fatalf("regions of the München token: %+v", mine.Regions)
	}
	submit := `{"values":{"plaetze":"1.200","belegt":"1.300"},"submit":true}`
	expect(t, call{method: "PUT", path: form, body: submit, cookies: cookies}.do(t, h), 403, nil) // no CSRF token
	expect(t, call{method: "PUT", path: form, body: submit, cookies: cookies, csrf: "wrong"}.do(t, h), 403, nil)
	// Inline check and save use the same rules.
	var chk struct {
		OK       bool                 `json:"ok"`
		Problems []atlas.FieldProblem `json:"problems"`
	}
	expect(t, call{method: "POST", path: "/api/v1/reports/test_unterbringung/check", body: `{"values":{"plaetze":"1200","belegt":"1300"},"submit":true}`, cookies: cookies, csrf: sess.CSRF}.do(t, h), 200, &chk)
	if chk.OK || len(chk.Problems) != 1 || chk.Problems[0].Field != "belegt" {
		t.Fatalf("check = %+v", chk)
	}
	var refused struct {
		Problems []atlas.Problem `json:"problems"`
	}
	expect(t, call{method: "PUT", path: form, body: `{"values":{"plaetze":"1200","belegt":"1300"},"submit":true}`, cookies: cookies, csrf: sess.CSRF}.do(t, h), 422, &refused)
	if len(refused.Problems) != 1 || refused.Problems[0].Column != "belegt" || refused.Problems[0].Reason != chk.Problems[0].Reason {
		t.Fatalf("save refused with %+v, check said %+v", refused.Problems, chk.Problems)
	}
	expect(t, call{method: "PUT", path: form, body: `{"values":{"plaetze":"1200","belegt":"1100"},"submit":true}`, cookies: cookies, csrf: sess.CSRF}.do(t, h), 201, nil)
	// Another Kreis, another Land: 403.
	other := "/api/v1/reports/test_unterbringung/periods/" + period + "/regions/09184"
	expect(t, call{method: "PUT", path: other, body: `{"values":{"plaetze":1,"belegt":1},"submit":true}`, cookies: cookies, csrf: sess.CSRF}.do(t, h), 403, nil)
	expect(t, call{method: "PUT", path: other, body: `{"values":{"plaetze":1,"belegt":1},"submit":true}`, token: tok["nrw"]}.do(t, h), 403, nil)
	expect(t, call{method: "GET", path: "/api/v1/reports/test_unterbringung/periods/" + period, token: tok["muenchen"]}.do(t, h), 403, nil)

	// Landkreis München uploads a CSV through the API.
	expect(t, call{method: "POST", path: "/api/v1/reports/test_unterbringung/periods/" + period + "/upload?name=lk.csv", body: "key;plaetze;belegt\n09184;300;250\n", ctype: "text/csv", token: tok["lkmuenchen"]}.do(t, h), 201, nil)

	var st reporting.PeriodStatus
	expect(t, call{method: "GET", path: "/api/v1/reports/test_unterbringung/periods/" + period, token: tok["coordinator"]}.do(t, h), 200, &st)
	if st.Reported != 2 || st.Total != 96 || !strings.Contains(st.Reminders, "Nürnberg") {
		t.Fatalf("status: %d of %d, reminders %q", st.Reported, st.Total, st.Reminders)
	}
	expect(t, call{method: "POST", path: "/api/v1/reports/test_unterbringung/periods/" + period + "/publish", token: tok["lkmuenchen"]}.do(t, h), 403, nil)
	expect(t, call{method: "POST", path: "/api/v1/reports/test_unterbringung/periods/" + period + "/publish", token: tok["coordinator"]}.do(t, h), 201, nil)

	// The published period is an indicator like any other, period = month.
	var geo struct {
		Features []struct {
			Properties struct {
				Key   string   `json:"key"`
				Value *float64 `json:"value"`
				Flag  string   `json:"flag"`
			} `json:"properties"`
		} `json:"features"`
	}
	month := strings.ReplaceAll(period, "-", "")
	expect(t, call{method: "GET", path: "/api/v1/choropleth?indicator=test_unterbringung_belegt&level=kreis&year=" + month}.do(t, h), 200, &geo)
	valued, notReported := 0, 0
	for _, f := range geo.Features {
		switch {
		case f.Properties.Value != nil:
			valued++
		case f.Properties.Flag == "not_reported":
			notReported++
		}
	}
	// Kreise outside Bayern were not asked: no data, not "keine Meldung".
	if valued != 2 || notReported != 94 || len(geo.Features) != 400 {
		t.Fatalf("map: %d valued, %d keine Meldung of %d; want 2 and the other 94 Kreise of Bayern", valued, notReported, len(geo.Features))
	}
	var vals struct {
		Legend struct {
			Flags []atlas.FlagCount `json:"flags"`
		} `json:"legend"`
	}
	expect(t, call{method: "GET", path: "/api/v1/values?indicator=test_unterbringung_belegt&level=kreis&year=" + month}.do(t, h), 200, &vals)
	found := false
	for _, f := range vals.Legend.Flags {
		found = found || (f.Flag == atlas.FlagNotReported && f.Label == "keine Meldung" && f.Count == 94)
	}
	if !found {
		t.Errorf("legend flags = %+v, want keine Meldung for the 94 Kreise of Bayern", vals.Legend.Flags)
	}
	var series struct {
		Series []reporting.SeriesPoint `json:"series"`
	}
	expect(t, call{method: "GET", path: "/api/v1/reports/test_unterbringung/series/09162"}.do(t, h), 200, &series)
	if len(series.Series) != 1 || *series.Series[0].Values["belegt"] != 1100 {
		t.Fatalf("series = %+v", series)
	}
	// The map of published reports may be embedded; the form may not be framed.
	rec = call{method: "GET", path: "/reporting/map"}.do(t, h)
	if rec.Code != 200 || rec.Header().Get("X-Frame-Options") != "" || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "frame-ancestors *") {
		t.Errorf("/reporting/map: %d, headers %v", rec.Code, rec.Header())
	}
	rec = call{method: "GET", path: "/reporting"}.do(t, h)
	if rec.Code != 200 || rec.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("/reporting: %d, X-Frame-Options %q", rec.Code, rec.Header().Get("X-Frame-Options"))
	}
	// Signing out ends the session.
	expect(t, call{method: "DELETE", path: "/api/v1/session", cookies: cookies}.do(t, h), 204, nil)
	var after sessionInfo
	expect(t, call{method: "GET", path: "/api/v1/session", cookies: cookies}.do(t, h), 200, &after)
	if after.SignedIn || after.CSRF != "" {
		t.Errorf("after sign-out: %+v", after)
	}
	expect(t, call{method: "PUT", path: form, body: `{"values":{"plaetze":1,"belegt":1},"submit":true}`, cookies: cookies, csrf: sess.CSRF}.do(t, h), 401, nil)
}
