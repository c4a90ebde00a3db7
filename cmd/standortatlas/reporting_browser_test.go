package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/xuri/excelize/v2"
)

// TestBrowserReporting runs one clearly labelled test cycle of municipal
// reporting in Chromium, on a throwaway store: a coordinator of Bayern
// defines a monthly report for its 96 Kreise; München's reporter fills the
// form (an inline validation error, fixed) and submits; Landkreis München
// uploads an xlsx; the coordinator sees 2 of 96 reported and publishes; the
// map shows the two Kreise coloured and the other 94 "keine Meldung"; a
// token of another Land gets 403.
func TestBrowserReporting(t *testing.T) {
	b := newBrowserFor(t, 170*time.Second)
	db := filepath.Join(t.TempDir(), "atlas.db")
	srv := startServer(t, db)
	ctx := b.ctx
	coord := createToken(t, db, "TEST Koordination Bayern", "09", "*", "reporting")
	muenchen := createToken(t, db, "TEST Meldestelle München", "09162", "test_unterbringung_*")
	landkreis := createToken(t, db, "TEST Meldestelle Landkreis München", "09184", "test_unterbringung_*")
	nrw := createToken(t, db, "TEST Nordrhein-Westfalen", "05", "*")
	period := time.Now().Format("2006-01")

	signIn := func(t *testing.T, page, token string) {
		t.Helper()
		// Sign out whoever is signed in (the cookie is HttpOnly: through the API).
		do(t, ctx, "a page without signed-in requests", chromedp.Navigate(srv.url+"/reporting/map"))
		js[any](t, ctx, `fetch('/api/v1/session', {method: 'DELETE'}).then(() => true)`)
		do(t, ctx, "open "+page, chromedp.Navigate(srv.url+page))
		waitFor(t, ctx, "the sign-in form", `!document.getElementById('login').hidden`)
		do(t, ctx, "sign in", chromedp.SendKeys(chromedp.CSS("#token"), token), chromedp.Click(chromedp.CSS(`#login button[type="submit"]`)))
		waitFor(t, ctx, "signed in", `!document.getElementById('app').hidden`)
		if js[bool](t, ctx, `document.cookie.includes('standortatlas_session')`) {
			t.Error("the session cookie is readable by scripts; it must be HttpOnly")
		}
	}

	t.Run("coordinator defines a monthly report", func(t *testing.T) {
		signIn(t, "/reporting/coordinator", coord)
		waitFor(t, ctx, "empty state", `!document.getElementById('empty').hidden`)
		js[any](t, ctx, `(() => {
			const set = (id, v) => { document.getElementById(id).value = v; };
			set('d-id', 'test_unterbringung'); set('d-title', 'TESTMELDUNG Unterbringung (Testzyklus)');
			set('d-coordinator', 'Testkoordination (kein echter Absender)'); set('d-level', 'kreis'); set('d-area', '09');
			set('d-due', '10'); set('d-attribution', 'Testdaten, keine echten Meldungen');
		})()`)
		do(t, ctx, "save the definition", chromedp.Click(chromedp.CSS(`#define button[type="submit"]`)))
		waitFor(t, ctx, "the report", `document.getElementById('define-msg').textContent.includes('gespeichert') && document.getElementById('summary').dataset.total === '96'`)
		if s := js[string](t, ctx, `document.getElementById('summary').textContent`); !strings.HasPrefix(s, "0 von 96 gemeldet") {
			t.Errorf("summary = %q", s)
		}
	})

	t.Run("reporter fills the form", func(t *testing.T) {
		signIn(t, "/reporting", muenchen)
		waitFor(t, ctx, "the form", `document.getElementById('f-belegt') !== null`)
		if r := js[string](t, ctx, `document.getElementById('region').value + ' ' + document.getElementById('period').value`); r != "09162 "+period {
			t.Errorf("region and period = %q", r)
		}
		do(t, ctx, "type figures", chromedp.SendKeys(chromedp.CSS("#f-plaetze"), "120"), chromedp.SendKeys(chromedp.CSS("#f-belegt"), "130"))
		waitFor(t, ctx, "the inline error", `document.getElementById('f-belegt-err').textContent.includes('höchstens') && document.getElementById('f-belegt').getAttribute('aria-invalid') === 'true'`)
		screenshot(t, ctx, "reporting-inline-error.png")
		do(t, ctx, "fix the figure", chromedp.Focus(chromedp.CSS("#f-belegt")), chromedp.KeyEvent(kb.End), chromedp.KeyEvent(kb.Backspace+kb.Backspace+kb.Backspace), chromedp.SendKeys(chromedp.CSS("#f-belegt"), "95"))
		if v := js[string](t, ctx, `document.getElementById('f-belegt').value`); v != "95" {
			t.Fatalf("typed %q", v)
		}
		waitFor(t, ctx, "no error", `document.getElementById('f-belegt-err').textContent === ''`)
		do(t, ctx, "submit", chromedp.Click(chromedp.CSS("#submit")))
		waitFor(t, ctx, "submitted", `document.getElementById('entry-msg').textContent.startsWith('Gemeldet') && document.getElementById('history-list').children.length === 1`)
	})

	t.Run("second Kreis uploads an xlsx", func(t *testing.T) {
		f := excelize.NewFile()
		for i, row := range [][]any{{"key", "name", "plaetze", "belegt"}, {"09184", "München, Landkreis (Test)", 240, 200}} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		file := filepath.Join(t.TempDir(), "meldung-landkreis.xlsx")
		if err := f.SaveAs(file); err != nil {
			t.Fatal(err)
		}
		signIn(t, "/reporting", landkreis)
		waitFor(t, ctx, "the form", `document.getElementById('f-belegt') !== null && document.getElementById('region').value === '09184'`)
		do(t, ctx, "upload", chromedp.SetUploadFiles(chromedp.CSS(`#upload-file`), []string{file}), chromedp.Click(chromedp.CSS(`#upload button[type="submit"]`)))
		waitFor(t, ctx, "uploaded", `document.getElementById('upload-msg').textContent.includes('Hochgeladen') && document.getElementById('f-belegt').value === '200'`)
	})

	t.Run("token of another Land gets 403", func(t *testing.T) {
		body := strings.NewReader(`{"values":{"plaetze":10,"belegt":1},"submit":true}`)
		req, _ := http.NewRequest(http.MethodPut, srv.url+"/api/v1/reports/test_unterbringung/periods/"+period+"/regions/09184", body)
		req.Header.Set("Authorization", "Bearer "+nrw)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("NRW token reporting for Landkreis München: %d, want 403", resp.StatusCode)
		}
		signIn(t, "/reporting", nrw)
		waitFor(t, ctx, "no region", `document.getElementById('empty').textContent.includes('keinen Kreis')`)
	})

	t.Run("coordinator sees 2 of 96 and publishes", func(t *testing.T) {
		signIn(t, "/reporting/coordinator", coord)
		waitFor(t, ctx, "status", `document.getElementById('summary').dataset.reported === '2'`)
		if s := js[string](t, ctx, `document.getElementById('summary').textContent`); !strings.HasPrefix(s, "2 von 96 gemeldet") {
			t.Errorf("summary = %q", s)
		}
		if r := js[string](t, ctx, `document.getElementById('reminders').value`); strings.Contains(r, "09162") || !strings.Contains(r, "Nürnberg (Kreisfreie Stadt, 09564)") {
			t.Errorf("reminders = %q", r)
		}
		screenshot(t, ctx, "reporting-coordinator.png")
		do(t, ctx, "publish", chromedp.Click(chromedp.CSS("#publish")))
		waitFor(t, ctx, "published", `document.getElementById('publish-msg').textContent.startsWith('Veröffentlicht: 2 von 96')`)
	})

	t.Run("map shows two Kreise and keine Meldung", func(t *testing.T) {
		do(t, ctx, "open the map", chromedp.Navigate(srv.url+"/reporting/map?report=test_unterbringung&field=belegt"))
		waitFor(t, ctx, "the map", `document.getElementById('map').dataset.state === 'ready'`)
		valued := js[string](t, ctx, `document.getElementById('map').dataset.valued`)
		notReported := js[string](t, ctx, `document.getElementById('map').dataset.notReported`)
		paths := js[int](t, ctx, `document.querySelectorAll('#map path.leaflet-interactive').length`)
		if valued != "2" || notReported != "94" || paths < 96 {
			t.Errorf("map: %s coloured, %s keine Meldung, %d shapes; want 2, 94 and the 96 Kreise of Bayern", valued, notReported, paths)
		}
		legend := legendText(t, ctx)
		stand := js[string](t, ctx, `document.getElementById('meldestand').textContent`)
		if !strings.Contains(legend, "keine Meldung (94)") || !strings.Contains(stand, "2 von 96 gemeldet (2 %)") || !strings.Contains(stand, "Meldestand "+period) {
			t.Errorf("legend %q, Meldestand %q", legend, stand)
		}
		if a := js[string](t, ctx, `document.getElementById('attribution').textContent`); !strings.Contains(a, "dl-de/by-2-0") {
			t.Errorf("attribution = %q", a)
		}
		// The time series of a region: München's one published month.
		js[bool](t, ctx, `(() => { const p = [...document.querySelectorAll('#map path.leaflet-interactive')].find((e) => e.getAttribute('stroke-dasharray') === null); p.dispatchEvent(new MouseEvent('click', {bubbles: true})); return true; })()`)
		waitFor(t, ctx, "the time series", `!document.getElementById('series').hidden && document.getElementById('series-body').children.length === 1`)
		if row := js[string](t, ctx, `document.getElementById('series-body').textContent`); !strings.Contains(row, period) || !(strings.Contains(row, "95") || strings.Contains(row, "200")) {
			t.Errorf("time series row = %q", row)
		}
		screenshot(t, ctx, "reporting-map.png")
	})
	b.check(t, srv.url)
}
