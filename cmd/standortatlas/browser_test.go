package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromiumPath finds the system Chromium. Without one the browser tests skip
// on a developer machine but fail in CI (CI=true), where `make test`
// installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found; CI must run browser tests (make test installs Debian's chromium as root)")
	}
	t.Skip("no Chromium on this machine: browser tests skipped (set CI=true to make this a failure)")
	return ""
}

// browser starts headless Chromium and records console errors, uncaught
// exceptions and every request's URL.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	errors   []string
	requests []string
	allowed  []string
}

func newBrowser(t *testing.T) *browser { return newBrowserFor(t, 90*time.Second) }

// newBrowserFor starts headless Chromium (1280×800 viewport) whose context
// ends after timeout.
func newBrowserFor(t *testing.T, timeout time.Duration) *browser {
	exe := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800),
		// scrollbars take room as in desktop browsers on Windows and Linux
		// (chromedp's defaults hide them, which hid an overflow in the panel)
		chromedp.Flag("hide-scrollbars", false))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &browser{ctx: ctx}
	// Start the browser before listening (Listen needs a target); the
	// viewport is exactly 1280×800 (the window's is smaller by its frame).
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Content-Security-Policy violations are reported as console errors, so
	// check() fails on them like on any other error.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation:', e.violatedDirective, e.blockedURI))`,
	}); err != nil {
		t.Fatalf("CSP listener: %v", err)
	}
	// Downloads (CSV, PNG export) are refused: the tests read what the page
	// built, not files.
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorDeny}); err != nil {
		t.Fatalf("download behaviour: %v", err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				b.errors = append(b.errors, "console.error: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			b.errors = append(b.errors, "exception: "+e.ExceptionDetails.Text+" "+e.ExceptionDetails.URL)
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, e.Request.URL)
		case *network.EventResponseReceived:
			if e.Response.Status >= 400 {
				b.errors = append(b.errors, "HTTP "+strconv.Itoa(int(e.Response.Status))+" "+e.Response.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *browser) check(t *testing.T, origin string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errors {
		t.Errorf("browser: %s", e)
	}
	for _, r := range b.requests {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Scheme+"://"+u.Host != origin && !slices.Contains(b.allowed, u.Scheme+"://"+u.Host)) {
			t.Errorf("request left the server's origin: %s", r)
		}
	}
}

// allow admits requests to another origin (a page the test serves itself).
func (b *browser) allow(origin string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.allowed = append(b.allowed, origin)
}

// expect drops an error the test provoked on purpose (an unknown region's 404).
func (b *browser) expect(msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.errors = slices.DeleteFunc(b.errors, func(e string) bool { return e == msg })
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	dir := filepath.Join("..", "..", "testdata", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err == nil {
		_ = os.WriteFile(filepath.Join(dir, name), png, 0o644)
	}
}

// text runs a value action and fails the test on error.
func value[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBrowserShowsKreisChoropleth(t *testing.T) {
	b := newBrowser(t)
	srv := startServer(t, filepath.Join(t.TempDir(), "atlas.db"))
	ready := chromedp.CSS(`#map[data-view="kreis/unemployment_rate/2019"]`)
	if err := chromedp.Do(b.ctx, chromedp.Navigate(srv.url+unemployment2019), chromedp.WaitVisible(ready)); err != nil {
		t.Fatal(err)
	}
	features := value(t, b.ctx, chromedp.AttributeValue(chromedp.CSS("#map"), "data-features"))
	valued := value(t, b.ctx, chromedp.AttributeValue(chromedp.CSS("#map"), "data-valued"))
	legend := value(t, b.ctx, chromedp.Text(chromedp.CSS("#legend")))
	legendSwatches := value(t, b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#legend [style*="background"], #legend .legend__swatch, #legend i, #legend span[class*="swatch"]').length`))
	attribution := value(t, b.ctx, chromedp.Text(chromedp.CSS(".leaflet-control-attribution")))
	screenshot(t, b.ctx, "kreis-unemployment-2019.png")
	if features.Value != "400" || valued.Value != "400" {
		t.Errorf("map shows %s features, %s coloured; want 400 coloured Kreise", features.Value, valued.Value)
	}
	if !strings.Contains(legend, "keine Daten") || !strings.Contains(legend, "%") || legendSwatches < 6 {
		t.Errorf("legend %q (%d swatches) lacks classes, unit or the no-data class", legend, legendSwatches)
	}
	if !strings.Contains(attribution, "GeoBasis-DE / BKG") || !strings.Contains(attribution, "Statistische Ämter") {
		t.Errorf("attribution on the map = %q", attribution)
	}
	// Clicking Germany's middle opens a region's details.
	if err := chromedp.Do(b.ctx, chromedp.MouseClickXY(800, 420), chromedp.WaitVisible(chromedp.CSS("#info"))); err != nil {
		t.Fatalf("click on the map: %v", err)
	}
	info := value(t, b.ctx, chromedp.Text(chromedp.CSS("#info")))
	if !strings.Contains(info, "Arbeitslosenquote") || !strings.Contains(info, "%") {
		t.Errorf("details panel = %q", info)
	}
	// The embed view: map, legend and sources, a link back.
	if err := chromedp.Do(b.ctx, chromedp.Navigate(srv.url+"/embed?level=kreis&indicator=unemployment_rate&year=2019"), chromedp.WaitVisible(ready)); err != nil {
		t.Fatal(err)
	}
	embedAttr := value(t, b.ctx, chromedp.Evaluate[string](`document.getElementById('embed-sources').textContent`))
	backLink := value(t, b.ctx, chromedp.Evaluate[string](`(document.querySelector('a[href^="/?"]')||{}).href||""`))
	screenshot(t, b.ctx, "embed-kreis-unemployment-2019.png")
	if !strings.Contains(embedAttr, "GeoBasis-DE / BKG") {
		t.Errorf("embed attribution = %q", embedAttr)
	}
	if !strings.Contains(backLink, "indicator=unemployment_rate") {
		t.Errorf("embed link back = %q", backLink)
	}
	b.check(t, srv.url)
}

// ---- the atlas's features, one browser on one server -------------------------

// js evaluates an expression (promises awaited) and fails the test on error.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it is truthy (at most 30 s).
func waitFor(t *testing.T, ctx context.Context, what, predicate string) {
	t.Helper()
	// A poll that starts while the page is still navigating loses its
	// JavaScript context ("Cannot find context with specified id"): poll
	// again in the new page, within the same 30 s.
	deadline := time.Now().Add(30 * time.Second)
	var err error
	for {
		_, err = chromedp.Run(ctx, chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingTimeout(time.Until(deadline)), chromedp.WithPollingInterval(50*time.Millisecond)))
		lost := err != nil && (strings.Contains(err.Error(), "Cannot find context with specified id") || strings.Contains(err.Error(), "Execution context was destroyed"))
		if !lost || time.Until(deadline) < 100*time.Millisecond {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		diag, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({map: Object.assign({}, document.getElementById('map')?.dataset), error: document.getElementById('error')?.textContent, url: location.search})`))
		t.Fatalf("waiting for %s (%s): %v\n%s", what, predicate, err, diag)
	}
}

// do runs actions and fails the test on error.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// mapView is the predicate "the map shows view id, drawn and counted".
func mapView(id string) string {
	return `document.querySelector('#map[data-view="` + id + `"]') !== null`
}

// The map most tests open: the unemployment rate of the Kreise in 2019.
const (
	unemployment2019 = "/?level=kreis&indicator=unemployment_rate&year=2019"
	unemploymentView = "kreis/unemployment_rate/2019"
)

// mapPainted is true once a canvas tile of the map has painted pixels,
// every tile and layer has faded in and no transition runs.
const mapPainted = `[...document.querySelectorAll('#map canvas')].some((c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < d.length; i += 4 * 31) if (d[i] !== 0) return true;
  return false;
}) && [...document.querySelectorAll('#map .leaflet-tile, #map .leaflet-layer, #map .leaflet-tile-container')].every((t) => getComputedStyle(t).opacity === '1') && document.getAnimations().length === 0`

// toolbarCovers names the toolbar's buttons that cover the map's zoom
// control or the legend's toggle ("" when none does).
const toolbarCovers = `(() => {
  const hit = (a, b) => a.width > 0 && b.width > 0 && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const others = [document.querySelector('#map .leaflet-control-zoom'), document.getElementById('legend-toggle')].map((e) => e.getBoundingClientRect());
  return [...document.querySelectorAll('.toolbar > *')].filter((e) => others.some((o) => hit(e.getBoundingClientRect(), o))).map((e) => e.textContent).join(', ');
})()`

// openView runs the setup actions (a viewport, a blank page first), opens
// url and waits until the map shows view, drawn and counted.
func openView(t *testing.T, ctx context.Context, url, view string, setup ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	do(t, ctx, "open "+url, append(setup, chromedp.Navigate(url))...)
	waitFor(t, ctx, view, mapView(view))
}

// legendText is the text of the map's legend.
func legendText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return js[string](t, ctx, `document.getElementById('legend').textContent`)
}

// setSelect chooses an option of a <select> as a user would (value, then a change event).
func setSelect(id, value string) string {
	return `(() => { const s = document.getElementById('` + id + `'); s.value = '` + value + `'; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value; })()`
}

func TestBrowserAtlas(t *testing.T) {
	b := newBrowserFor(t, 170*time.Second)
	srv := startServer(t, filepath.Join(t.TempDir(), "atlas.db"))
	ctx := b.ctx
	kreis := srv.url + "/?level=kreis&indicator=unemployment_rate&year=2019"

	t.Run("first view within the byte budget", func(t *testing.T) {
		// A visitor's first view of a running server: a first load warms the server (tiles are
		// rendered on demand) and the browser; then the browser cache is cleared and the page
		// loaded again.
		openView(t, ctx, kreis, unemploymentView)
		if _, err := chromedp.Call(ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		openView(t, ctx, kreis, unemploymentView, chromedp.Navigate("about:blank"))
		if f, v := js[string](t, ctx, `document.getElementById('map').dataset.features`), js[string](t, ctx, `document.getElementById('map').dataset.valued`); f != "400" || v != "400" {
			t.Errorf("first view: %s features, %s coloured; want 400 coloured Kreise", f, v)
		}
		// Performance API: time to the drawn map, bytes over the wire (headers and bodies).
		ms := js[float64](t, ctx, `performance.getEntriesByName('sa-first-view')[0]?.startTime ?? -1`)
		bytes := js[float64](t, ctx, `performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((s, e) => s + (e.transferSize || 0), 0)`)
		requests := js[int](t, ctx, `performance.getEntriesByType('resource').length`)
		t.Logf("first view (Kreis choropleth, empty browser cache): interactive after %.0f ms, %d requests, %.0f kB transferred", ms, requests, bytes/1000)
		// The time is reported, not asserted (speed targets live in benchmarks:
		// make bench-load); the mark must exist, and the bytes are a budget.
		if ms < 0 {
			t.Errorf("the app set no 'sa-first-view' performance mark")
		}
		if bytes > 1_000_000 {
			t.Errorf("first view transferred %.0f bytes; the budget is 1 MB", bytes)
		}
		hist := js[int](t, ctx, `document.querySelectorAll('#histogram svg rect').length`)
		breaks := js[int](t, ctx, `document.querySelectorAll('#histogram svg line[stroke-dasharray]').length`)
		if hist < 10 || breaks != 4 {
			t.Errorf("histogram: %d bars, %d break lines; want bars and the 4 breaks of 5 quantile classes", hist, breaks)
		}
		screenshot(t, ctx, "atlas-first-view.png")
	})

	t.Run("indicator picker, year slider and classification", func(t *testing.T) {
		// the filter box narrows the grouped options
		all := js[int](t, ctx, `document.querySelectorAll('#f-indicator option').length`)
		js[any](t, ctx, `(() => { const f = document.getElementById('f-indicator-filter'); f.value = 'kita'; f.dispatchEvent(new Event('input')); })()`)
		some := js[int](t, ctx, `document.querySelectorAll('#f-indicator option').length`)
		groups := js[int](t, ctx, `document.querySelectorAll('#f-indicator optgroup').length`)
		if some >= all || some < 2 {
			t.Errorf("filter 'kita': %d of %d options", some, all)
		}
		js[string](t, ctx, setSelect("f-indicator", "childcare_under3"))
		waitFor(t, ctx, "childcare map", mapView("kreis/childcare_under3/2020"))
		js[any](t, ctx, `(() => { const f = document.getElementById('f-indicator-filter'); f.value = ''; f.dispatchEvent(new Event('input')); })()`)
		if groups < 1 {
			t.Errorf("options are not grouped by topic")
		}
		// year slider by keyboard: one step back
		do(t, ctx, "year slider", chromedp.Focus(chromedp.CSS("#f-year")), chromedp.KeyEvent(kb.ArrowLeft))
		waitFor(t, ctx, "the year before", mapView("kreis/childcare_under3/2019"))
		if vt := js[string](t, ctx, `document.getElementById('f-year').getAttribute('aria-valuetext')`); vt != "2019" {
			t.Errorf("year slider aria-valuetext = %q", vt)
		}
		// manual breaks: 3 classes
		js[string](t, ctx, setSelect("f-method", "manual"))
		js[any](t, ctx, `(() => { const i = document.getElementById('f-breaks'); i.value = '30; 40'; document.getElementById('breaks-apply').click(); })()`)
		waitFor(t, ctx, "manual classes", `document.querySelectorAll('#legend .legend__row:not(.legend__row--nodata)').length === 3 && location.search.includes('breaks=30%2C40')`)
		js[string](t, ctx, setSelect("f-method", "stddev"))
		waitFor(t, ctx, "stddev classes", `location.search.includes('method=stddev') && document.querySelector('#legend').textContent.includes('Standardabweichung')`)
		screenshot(t, ctx, "atlas-classification.png")
	})

	t.Run("Gemeinde level from vector tiles", func(t *testing.T) {
		js[string](t, ctx, setSelect("f-indicator", "rent_zensus2022"))
		waitFor(t, ctx, "the Gemeinde choropleth", mapView("gemeinde/rent_zensus2022/2022"))
		f := js[int](t, ctx, `Number(document.getElementById('map').dataset.features)`)
		v := js[int](t, ctx, `Number(document.getElementById('map').dataset.valued)`)
		if f < 10000 || v < 10000 {
			t.Errorf("Gemeinde map: %d features drawn, %d coloured; want the ~11,000 Gemeinden, nearly all coloured", f, v)
		}
		tiles := js[int](t, ctx, `performance.getEntriesByType('resource').filter(e => e.name.includes('/tiles/gemeinde/')).length`)
		if tiles == 0 {
			t.Errorf("no Gemeinde vector tiles were requested")
		}
		screenshot(t, ctx, "atlas-gemeinde-tiles.png")
	})

	t.Run("ranking table, sorting and the profile", func(t *testing.T) {
		openView(t, ctx, kreis, unemploymentView)
		do(t, ctx, "ranking tab", chromedp.Click(chromedp.CSS("#tab-ranking")))
		waitFor(t, ctx, "the ranking table", `document.querySelectorAll('#ranking-table tbody tr').length >= 100`)
		if c := js[string](t, ctx, `document.querySelector('#ranking-table caption').textContent`); !strings.Contains(c, "Arbeitslosenquote") || !strings.Contains(c, "400") {
			t.Errorf("ranking caption = %q", c)
		}
		// Germany's official value beside the ranking (the raw file's DG row: 5.0 in 2019)
		if g := js[string](t, ctx, `document.querySelector('.ranking__germany')?.textContent ?? ''`); !strings.Contains(g, "Deutschland 2019: 5,0") || !strings.Contains(g, "amtlich") {
			t.Errorf("ranking's Germany line = %q, want Deutschland 2019: 5,0 … (amtlich)", g)
		}
		first := js[string](t, ctx, `document.querySelector('#ranking-table tbody th button').textContent`)
		// sort by name (keyboard reachable header button)
		do(t, ctx, "sort by name", chromedp.Click(chromedp.CSS("#ranking-table thead th:nth-child(2) button")))
		if s := js[string](t, ctx, `document.querySelector('#ranking-table thead th:nth-child(2)').getAttribute('aria-sort')`); s != "ascending" {
			t.Errorf("aria-sort after sorting by name = %q", s)
		}
		if n := js[string](t, ctx, `document.querySelector('#ranking-table tbody th button').textContent`); n != "Aachen" && !strings.HasPrefix(n, "A") {
			t.Errorf("first row sorted by name = %q", n)
		}
		do(t, ctx, "sort by rank", chromedp.Click(chromedp.CSS("#ranking-table thead th:nth-child(1) button")))
		// choosing a row opens the profile and marks the row and the map
		do(t, ctx, "pick the first row", chromedp.Click(chromedp.CSS("#ranking-table tbody tr:first-child th button")))
		waitFor(t, ctx, "the profile", `!document.getElementById('info').hidden && document.querySelector('#info .info__chart svg') !== null`)
		info := js[string](t, ctx, `document.getElementById('info').textContent`)
		if !strings.Contains(info, first) || !strings.Contains(info, "Rang 1 von 400") || !strings.Contains(info, "Land (") {
			t.Errorf("profile of %s = %q", first, info)
		}
		if js[int](t, ctx, `document.querySelectorAll('#info .info__chart polyline').length`) < 2 {
			t.Errorf("profile chart lacks the Land's series")
		}
		if sel := js[string](t, ctx, `new URLSearchParams(location.search).get('region') ?? ''`); sel == "" || js[int](t, ctx, `document.querySelectorAll('#ranking-table tr.is-selected').length`) != 1 {
			t.Errorf("selection not in the URL (%q) or not marked in the table", sel)
		}
		screenshot(t, ctx, "atlas-ranking-profile.png")
	})

	t.Run("compare", func(t *testing.T) {
		do(t, ctx, "add to comparison", chromedp.Click(chromedp.CSS("#info .info__actions button")))
		do(t, ctx, "pick the second row", chromedp.Click(chromedp.CSS("#ranking-table tbody tr:nth-child(2) th button")))
		waitFor(t, ctx, "the second profile", `document.querySelector('#info .info__actions button')?.getAttribute('aria-pressed') === 'false'`)
		do(t, ctx, "add to comparison", chromedp.Click(chromedp.CSS("#info .info__actions button")))
		do(t, ctx, "compare tab", chromedp.Click(chromedp.CSS("#tab-compare")))
		waitFor(t, ctx, "the comparison table", `document.querySelectorAll('#compare-table thead th').length === 4 && document.querySelectorAll('.compare__chart svg rect').length === 2`)
		// the regions and Germany's value of the comparison's year (the raw file's DG row:
		// 5,9 % in 2020, the latest year both regions have)
		if g := js[string](t, ctx, `document.querySelector('#compare-table thead th:last-child').textContent + ' ' + (document.querySelector('#compare-table tr.is-current td:last-child')?.textContent ?? '')`); g != "Deutschland 5,92020 · amtlich" {
			t.Errorf("comparison's Germany column: %q", g)
		}
		if rows := js[int](t, ctx, `document.querySelectorAll('#compare-table tbody tr:not(.data-table__group)').length`); rows < 20 {
			t.Errorf("comparison has %d indicator rows", rows)
		}
		if !strings.Contains(js[string](t, ctx, `location.search`), "compare=") {
			t.Errorf("comparison not in the URL")
		}
		csv := js[string](t, ctx, `document.getElementById('export-csv').href`)
		if !strings.Contains(csv, "/api/v1/compare?") || !strings.Contains(csv, "format=csv") {
			t.Errorf("CSV link in compare mode = %q", csv)
		}
		body := js[string](t, ctx, `fetch(document.getElementById('export-csv').href).then(r => r.text())`)
		if !strings.Contains(body, "Quellenvermerk") {
			t.Errorf("compare CSV lacks the source lines: %.200q", body)
		}
		screenshot(t, ctx, "atlas-compare.png")
	})

	t.Run("capacity index builder", func(t *testing.T) {
		do(t, ctx, "index tab", chromedp.Click(chromedp.CSS("#tab-index")))
		waitFor(t, ctx, "the index map", mapView("index/kreis")+` && document.querySelectorAll('#index-table tbody tr').length >= 50`)
		// the map may be zoomed to the region chosen before: every Kreis drawn is coloured
		if f, v := js[int](t, ctx, `Number(document.getElementById('map').dataset.features)`), js[int](t, ctx, `Number(document.getElementById('map').dataset.valued)`); v == 0 || v != f {
			t.Errorf("index map colours %d of %d Kreise drawn", v, f)
		}
		before := js[string](t, ctx, `new URLSearchParams(location.search).get('weights')`)
		do(t, ctx, "raise the first weight", chromedp.Focus(chromedp.CSS(".weights .weight__range")), chromedp.KeyEvent(kb.ArrowRight))
		waitFor(t, ctx, "the new weights", `new URLSearchParams(location.search).get('weights') !== '`+before+`' && document.querySelector('.contrib-box') !== null`)
		if n := js[int](t, ctx, `document.querySelectorAll('.contrib li').length`); n < 2 {
			t.Errorf("contributions list has %d entries", n)
		}
		if !strings.Contains(legendText(t, ctx), "Kapazitätsindex") {
			t.Errorf("index legend missing")
		}
		screenshot(t, ctx, "atlas-index.png")
	})

	t.Run("distribution key against the Königsteiner Schlüssel", func(t *testing.T) {
		do(t, ctx, "distribution tab", chromedp.Click(chromedp.CSS("#tab-distribution")))
		waitFor(t, ctx, "the difference map", mapView("distribution/land")+` && document.querySelectorAll('#distribution-table tbody tr').length === 16`)
		legend := legendText(t, ctx)
		if !strings.Contains(legend, "Prozentpunkte") || !strings.Contains(legend, "Königsteiner") {
			t.Errorf("distribution legend = %q", legend)
		}
		js[any](t, ctx, `(() => { const i = document.getElementById('dist-arrivals'); i.value = '50000'; i.dispatchEvent(new Event('change')); })()`)
		waitFor(t, ctx, "persons for 50,000 arrivals", `document.querySelector('#distribution-table caption')?.textContent.includes('50.000')`)
		persons := js[int](t, ctx, `[...document.querySelectorAll('#distribution-table tbody tr')].reduce((s, r) => s + Number(r.children[4].textContent.replace(/\./g, '')), 0)`)
		if persons != 50000 {
			t.Errorf("persons of the model add up to %d, want 50000", persons)
		}
		screenshot(t, ctx, "atlas-distribution.png")
	})

	t.Run("places layer", func(t *testing.T) {
		openView(t, ctx, kreis, unemploymentView)
		do(t, ctx, "show places", chromedp.Click(chromedp.CSS("#places-toggle")))
		waitFor(t, ctx, "places on the map", `Number(document.getElementById('map').dataset.places) > 0 && document.querySelectorAll('.marker-cluster, .leaflet-places-pane canvas').length > 0`)
		note := js[string](t, ctx, `document.querySelector('.check--nodata .check__note')?.textContent ?? ''`)
		if !strings.Contains(note, "Keine offenen Daten") || !strings.Contains(note, "Import") {
			t.Errorf("category without open data: note = %q", note)
		}
		if !strings.Contains(js[string](t, ctx, `document.querySelector('.leaflet-control-attribution').textContent`), "Flüchtlingsrat") {
			t.Errorf("places attribution missing on the map")
		}
		screenshot(t, ctx, "atlas-places.png")
		do(t, ctx, "hide places", chromedp.Click(chromedp.CSS("#places-toggle")))
	})

	t.Run("place search", func(t *testing.T) {
		do(t, ctx, "type a name", chromedp.Click(chromedp.CSS("#search")), chromedp.SendKeys(chromedp.CSS("#search"), "Leipzig"))
		waitFor(t, ctx, "search results", `document.querySelectorAll('#search-list [role="option"]').length > 0 && document.getElementById('search').getAttribute('aria-expanded') === 'true'`)
		do(t, ctx, "choose the first", chromedp.KeyEvent(kb.Enter))
		waitFor(t, ctx, "the profile of Leipzig", `document.querySelector('#info-title')?.textContent.startsWith('Leipzig')`)
		if a := js[string](t, ctx, `document.activeElement.id`); a != "info-title" {
			t.Errorf("focus after choosing a search result is on %q, want the profile heading", a)
		}
		do(t, ctx, "close the profile", chromedp.KeyEvent(kb.Escape))
		waitFor(t, ctx, "the profile closed", `document.getElementById('info').hidden`)
	})

	t.Run("PNG export and embed dialog", func(t *testing.T) {
		do(t, ctx, "export PNG", chromedp.Click(chromedp.CSS("#export-png")))
		waitFor(t, ctx, "the PNG", `Number(document.getElementById('map').dataset.exportPng) > 20000`)
		do(t, ctx, "open the embed dialog", chromedp.Click(chromedp.CSS("#embed-open")))
		waitFor(t, ctx, "the dialog", `document.getElementById('embed-dialog').open && document.activeElement.id === 'embed-code'`)
		code := js[string](t, ctx, `document.getElementById('embed-code').value`)
		if !strings.HasPrefix(code, "<iframe") || !strings.Contains(code, srv.url+"/embed?") || !strings.Contains(code, "title=") || !strings.Contains(code, "standortatlas:height") {
			t.Errorf("embed snippet = %q", code)
		}
		screenshot(t, ctx, "atlas-embed-dialog.png")
		do(t, ctx, "close with Escape", chromedp.KeyEvent(kb.Escape))
		waitFor(t, ctx, "the dialog closed, focus back", `!document.getElementById('embed-dialog').open && document.activeElement.id === 'embed-open'`)
	})

	t.Run("embed views", func(t *testing.T) {
		openView(t, ctx, srv.url+"/embed?tab=index&ilevel=kreis&weights=childcare_under3:2,unemployment_rate:1&level=kreis&indicator=unemployment_rate&year=2019", "index/kreis")
		back := js[string](t, ctx, `document.getElementById('open-atlas').href`)
		if !strings.Contains(back, "tab=index") || !strings.Contains(back, "weights=childcare_under3%3A2") {
			t.Errorf("embed link back = %q", back)
		}
		if !strings.Contains(js[string](t, ctx, `document.getElementById('embed-sources').textContent`), "GeoBasis-DE / BKG") {
			t.Errorf("embed without sources")
		}
		screenshot(t, ctx, "embed-index.png")
		openView(t, ctx, srv.url+"/embed?level=gemeinde&indicator=vacancy_rate_zensus2022&year=2022&lang=en", "gemeinde/vacancy_rate_zensus2022/2022")
		if l := js[string](t, ctx, `document.getElementById('embed-legend').textContent`); !strings.Contains(l, "Unit") {
			t.Errorf("English embed legend = %q", l)
		}
	})

	t.Run("English and phone width", func(t *testing.T) {
		openView(t, ctx, kreis, unemploymentView, chromedp.EmulateViewport(390, 844))
		if w := js[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("page is %d px wide at 390 px", w)
		}
		// the screenshot shows the map as painted, not just its tiles loaded
		waitFor(t, ctx, "the map painted", mapPainted)
		if c := js[string](t, ctx, toolbarCovers); c != "" {
			t.Errorf("at 390 px the toolbar covers the zoom control or the legend: %s", c)
		}
		screenshot(t, ctx, "atlas-phone.png")
		do(t, ctx, "open settings", chromedp.Click(chromedp.CSS("#panel-toggle")))
		do(t, ctx, "switch to English", chromedp.Click(chromedp.CSS("#lang-toggle")))
		waitFor(t, ctx, "English", `document.documentElement.lang === 'en' && document.getElementById('tab-ranking').textContent === 'Ranking' && location.search.includes('lang=en')`)
		if c := js[string](t, ctx, toolbarCovers); c != "" {
			t.Errorf("at 390 px in English the toolbar covers the zoom control or the legend: %s", c)
		}
		screenshot(t, ctx, "atlas-phone-en.png")
		do(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 800))
	})

	b.check(t, srv.url)
}

// TestBrowserRegionReport reads /region/09162 as a browser with JavaScript
// switched off: the report is complete (domains, Germany reference,
// sources, citation), fits a phone and prints to A4.
func TestBrowserRegionReport(t *testing.T) {
	b := newBrowser(t)
	srv := startServer(t, filepath.Join(t.TempDir(), "atlas.db"))
	ctx := b.ctx
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "open the report", chromedp.Navigate(srv.url+"/region/09162"), chromedp.WaitVisible(chromedp.CSS("h1")))
	// Runtime.evaluate still works with scripts disabled: the page's own scripts do not run.
	if n := js[int](t, ctx, `document.scripts.length`); n != 0 {
		t.Errorf("the report has %d scripts", n)
	}
	h1 := js[string](t, ctx, `document.querySelector('h1').textContent`)
	germanyHead := js[string](t, ctx, `[...document.querySelectorAll('thead th')].map(th => th.textContent).join('|')`)
	popGermany := js[string](t, ctx, `document.querySelector('#ind-population td:nth-of-type(5)').textContent.trim()`)
	sources := js[string](t, ctx, `document.getElementById('sources').nextElementSibling.textContent`)
	domains := js[int](t, ctx, `document.querySelectorAll('section.domain').length`)
	maps := js[int](t, ctx, `document.querySelectorAll('figure.locator svg path.locator__region').length`)
	cite := js[string](t, ctx, `document.querySelector('.report__cite').textContent`)
	if h1 != "München" || !strings.Contains(germanyHead, "Deutschland") || domains < 8 || maps != 2 {
		t.Errorf("report: h1 %q, head %q, %d domains, %d locator maps", h1, germanyHead, domains, maps)
	}
	if !strings.HasSuffix(popGermany, "Personen") || strings.HasPrefix(popGermany, "–") {
		t.Errorf("Germany reference of the population = %q", popGermany)
	}
	if !strings.Contains(sources, "GeoBasis-DE / BKG") || !strings.Contains(sources, "dl-de/by-2-0") || !strings.Contains(sources, "Statistische Ämter") {
		t.Errorf("sources = %.300q", sources)
	}
	if !strings.Contains(cite, "Datenstand") || !strings.Contains(cite, srv.url+"/region/09162") {
		t.Errorf("citation = %q", cite)
	}
	screenshot(t, ctx, "region-report-09162.png")
	yes := true
	res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatal(err)
	}
	pdf := res.Data
	// A4 is 595.3 × 841.9 pt; Chromium writes its media box in its own rounding.
	var w, h float64
	box := regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`).FindStringSubmatch(string(pdf))
	if box != nil {
		w, _ = strconv.ParseFloat(box[1], 64)
		h, _ = strconv.ParseFloat(box[2], 64)
	}
	pages := len(regexp.MustCompile(`/Type /Page\b`).FindAllIndex(pdf, -1))
	t.Logf("printed report: %d bytes, %d pages of %.1f × %.1f pt", len(pdf), pages, w, h)
	if len(pdf) < 20000 || math.Abs(w-595.3) > 1 || math.Abs(h-841.9) > 1 {
		t.Errorf("printed report: %d bytes, page %.1f × %.1f pt, want A4", len(pdf), w, h)
	}
	do(t, ctx, "phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(srv.url+"/en/region/09162"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if w := js[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("report is %d px wide at 390 px", w)
	}
	if l := js[string](t, ctx, `document.documentElement.lang + ' ' + document.querySelector('thead th:nth-child(6)').textContent`); l != "en Germany" {
		t.Errorf("English report: %q", l)
	}
	b.check(t, srv.url)
}

// TestBrowserLinks opens shared, old and broken links: a shared view comes
// back with its zoom and centre; what a link asks for and cannot have is
// replaced by a valid view, and the page says what was replaced, in the
// UI's language.
func TestBrowserLinks(t *testing.T) {
	b := newBrowserFor(t, 150*time.Second)
	srv := startServer(t, filepath.Join(t.TempDir(), "atlas.db"))
	ctx := b.ctx
	notice := `document.getElementById('notice').textContent`

	t.Run("share link restores zoom and centre", func(t *testing.T) {
		openView(t, ctx, srv.url+unemployment2019, unemploymentView, chromedp.EmulateViewport(1366, 900))
		// the user zooms in twice with the keyboard (+ on the focused map) and the link follows
		// One key at a time, each waited for: a key pressed while the map still animates the
		// last zoom may be taken or dropped, and the link must be read after the map settled.
		do(t, ctx, "focus the map", chromedp.Focus(chromedp.CSS("#map")))
		for step := 1; step <= 3; step++ {
			before := js[float64](t, ctx, `Number(document.getElementById('map').dataset.zoom || 0)`)
			do(t, ctx, "zoom in", chromedp.KeyEvent("+"))
			waitFor(t, ctx, fmt.Sprintf("zoom step %d in the link", step), fmt.Sprintf(
				`Number(document.getElementById('map').dataset.zoom) > %g && Number(new URLSearchParams(location.search).get('view')?.split(',')[2]) === Number(document.getElementById('map').dataset.zoom)`, before))
		}
		link := js[string](t, ctx, `location.href`)
		zoom := js[string](t, ctx, `document.getElementById('map').dataset.zoom`)
		center := js[string](t, ctx, `document.getElementById('map').dataset.center`)
		openView(t, ctx, link, unemploymentView, chromedp.Navigate("about:blank"))
		z2 := js[string](t, ctx, `document.getElementById('map').dataset.zoom`)
		c2 := js[string](t, ctx, `document.getElementById('map').dataset.center`)
		if z2 != zoom || !closeLatLng(center, c2, 0.001) {
			t.Errorf("shared link %s: zoom %s centre %s, want zoom %s centre %s", link, z2, c2, zoom, center)
		}
		if z, err := strconv.ParseFloat(zoom, 64); err != nil || z < 6 {
			t.Errorf("zoom after three steps in = %q", zoom)
		}
	})

	t.Run("unknown indicator, English", func(t *testing.T) {
		do(t, ctx, "open", chromedp.Navigate(srv.url+"/?indicator=nonsense&lang=en"))
		waitFor(t, ctx, "a valid map", `/^kreis\/unemployment_rate\/\d{4}$/.test(document.getElementById('map').dataset.view ?? '')`)
		if n := js[string](t, ctx, notice); !strings.Contains(n, "There is no indicator “nonsense”") || !strings.Contains(n, "Unemployment rate") {
			t.Errorf("notice = %q", n)
		}
	})

	t.Run("breaks that are not ascending", func(t *testing.T) {
		openView(t, ctx, srv.url+"/?level=kreis&indicator=unemployment_rate&year=2019&method=manual&breaks=9,3,5", unemploymentView)
		if v := js[string](t, ctx, `document.getElementById('map').dataset.valued`); v != "400" {
			t.Errorf("%s Kreise coloured", v)
		}
		if n := js[string](t, ctx, notice); !strings.Contains(n, "Klassengrenzen „9,3,5“") || !strings.Contains(n, "Quantile") {
			t.Errorf("notice = %q", n)
		}
		if q := js[string](t, ctx, `location.search`); strings.Contains(q, "breaks=") || !strings.Contains(q, "method=quantile") {
			t.Errorf("the link still asks for the broken breaks: %s", q)
		}
	})

	t.Run("index weights nobody can use", func(t *testing.T) {
		openView(t, ctx, srv.url+"/?tab=index&weights=nonsense:2,population:1", "index/kreis")
		if v := js[int](t, ctx, `Number(document.getElementById('map').dataset.valued)`); v == 0 {
			t.Errorf("index map without colours")
		}
		if n := js[string](t, ctx, notice); !strings.Contains(n, "nonsense:2") || !strings.Contains(n, "population:1") || !strings.Contains(n, "Standardgewichte") {
			t.Errorf("notice = %q", n)
		}
	})

	t.Run("unknown region", func(t *testing.T) {
		do(t, ctx, "open", chromedp.Navigate(srv.url+"/?level=kreis&indicator=unemployment_rate&year=2019&region=09999"))
		waitFor(t, ctx, "the notice", `document.getElementById('notice').textContent.includes('09999')`)
		if n := js[string](t, ctx, notice); !strings.Contains(n, "Das Gebiet „09999“ gibt es nicht") {
			t.Errorf("notice = %q", n)
		}
		waitFor(t, ctx, "no card, no selection in the link", `document.getElementById('info').hidden && !location.search.includes('region=')`)
		if e := js[string](t, ctx, `document.getElementById('error').textContent`); e != "" {
			t.Errorf("error shown: %q", e)
		}
		screenshot(t, ctx, "atlas-unknown-region.png")
		b.expect("HTTP 404 " + srv.url + "/api/v1/regions/09999")
		b.expect("HTTP 404 " + srv.url + "/ogc/collections/kreis/items/09999")
	})

	t.Run("standard-deviation classes as many as the control says", func(t *testing.T) {
		do(t, ctx, "open", chromedp.Navigate(srv.url+"/?level=kreis&indicator=unemployment_rate&year=2019&method=stddev&classes=5"))
		waitFor(t, ctx, "the map", mapView(unemploymentView)+` && document.querySelectorAll('#legend .legend__row:not(.legend__row--nodata)').length > 0`)
		rows := js[int](t, ctx, `document.querySelectorAll('#legend .legend__row:not(.legend__row--nodata)').length`)
		control := js[string](t, ctx, `document.getElementById('f-classes').value`)
		if control != "6" || rows != 6 || !strings.Contains(js[string](t, ctx, `location.search`), "classes=6") {
			t.Errorf("stddev: the control says %s, the legend has %d classes", control, rows)
		}
	})
	b.check(t, srv.url)
}

// closeLatLng compares two "lat,lng" strings.
func closeLatLng(a, b string, tol float64) bool {
	pa, pb := strings.Split(a, ","), strings.Split(b, ",")
	if len(pa) != 2 || len(pb) != 2 {
		return false
	}
	for i := range pa {
		x, err1 := strconv.ParseFloat(pa[i], 64)
		y, err2 := strconv.ParseFloat(pb[i], 64)
		if err1 != nil || err2 != nil || math.Abs(x-y) > tol {
			return false
		}
	}
	return true
}

// sortedByEveryColumn clicks every sort button of a table and checks that
// the rows follow it (numbers German-formatted; cells without a number and
// columns without text, like the stacked bars, are only checked for aria-sort).
const sortedByEveryColumn = `(async (id) => {
  const problems = [];
  const num = (s) => { const x = s.trim().split(/\s/)[0].replace(/\./g, '').replace(',', '.').replace('−', '-').replace('+', ''); return x === '' || isNaN(Number(x)) ? null : Number(x); };
  const cols = document.querySelectorAll('#' + id + ' thead th').length;
  for (let i = 1; i <= cols; i++) {
    for (const dir of ['ascending', 'descending']) {
      let tries = 0;
      while (document.querySelector('#' + id + ' thead th:nth-child(' + i + ')').getAttribute('aria-sort') !== dir && tries++ < 3) {
        document.querySelector('#' + id + ' thead th:nth-child(' + i + ') button').click();
        await new Promise((r) => setTimeout(r, 30));
      }
      const th = document.querySelector('#' + id + ' thead th:nth-child(' + i + ')');
      if (th.getAttribute('aria-sort') !== dir) { problems.push('column ' + i + ' not ' + dir); continue; }
      const cells = [...document.querySelectorAll('#' + id + ' tbody tr')].map((tr) => tr.children[i - 1].querySelector('button')?.textContent ?? tr.children[i - 1].textContent);
      const nums = cells.map(num);
      const numeric = th.classList.contains('num');
      const sign = dir === 'ascending' ? 1 : -1;
      for (let j = 1; j < cells.length; j++) {
        if (numeric) {
          if (nums[j] === null || nums[j - 1] === null) continue;
          if (sign * (nums[j] - nums[j - 1]) < 0) { problems.push('column ' + i + ' ' + dir + ' at row ' + j + ': ' + cells[j - 1] + ' then ' + cells[j]); break; }
        } else if (cells[j].trim() && cells[j - 1].trim() && sign * cells[j].localeCompare(cells[j - 1], 'de') < 0) {
          problems.push('column ' + i + ' ' + dir + ' at row ' + j + ': ' + cells[j - 1] + ' then ' + cells[j]); break;
        }
      }
    }
  }
  return problems.join('; ');
})`

// TestBrowserTables: every results table sorts by every column, the
// ranking and index tables filter by Land, and every CSV exports what the
// view shows at the level it shows (the Länder index: 16 rows), also in
// the German Excel form.
func TestBrowserTables(t *testing.T) {
	b := newBrowserFor(t, 150*time.Second)
	srv := startServer(t, filepath.Join(t.TempDir(), "atlas.db"))
	ctx := b.ctx
	do(t, ctx, "desktop", chromedp.EmulateViewport(1366, 900))
	csvRows := func(id string) (int, string) {
		body := js[string](t, ctx, `fetch(document.getElementById('`+id+`').href).then(r => r.text())`)
		n := 0
		for i, line := range strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\ufeff")), "\n") {
			if i > 0 && !strings.HasPrefix(line, "#") {
				n++
			}
		}
		return n, body
	}

	t.Run("ranking", func(t *testing.T) {
		do(t, ctx, "open the ranking", chromedp.Navigate(srv.url+"/?tab=ranking&level=kreis&indicator=unemployment_rate&year=2019"))
		waitFor(t, ctx, "the ranking table", `document.querySelectorAll('#ranking-table tbody tr').length >= 100`)
		if p := js[string](t, ctx, sortedByEveryColumn+`('ranking-table')`); p != "" {
			t.Errorf("ranking: %s", p)
		}
		// a card opened from the table: Escape closes it and the focus returns to the row
		do(t, ctx, "open a card from the table", chromedp.Click(chromedp.CSS("#ranking-table tbody tr:nth-child(3) th button")))
		key := js[string](t, ctx, `document.querySelector('#ranking-table tbody tr:nth-child(3)').dataset.key`)
		waitFor(t, ctx, "the card", `document.querySelector('#info .info__report') !== null`)
		if href := js[string](t, ctx, `document.querySelector('#info .info__report').getAttribute('href')`); href != "/region/"+key {
			t.Errorf("report link of %s = %q", key, href)
		}
		do(t, ctx, "Escape", chromedp.KeyEvent(kb.Escape))
		waitFor(t, ctx, "the focus back in the row", `document.getElementById('info').hidden && document.activeElement.closest('tr')?.dataset.key === '`+key+`'`)
		js[string](t, ctx, setSelect("ranking-land", "14"))
		waitFor(t, ctx, "the Kreise of Sachsen", `(() => { const rows = [...document.querySelectorAll('#ranking-table tbody tr')]; return rows.length > 0 && rows.length < 20 && rows.every(r => r.dataset.key.startsWith('14')); })()`)
		shown := js[int](t, ctx, `document.querySelectorAll('#ranking-table tbody tr').length`)
		if n, _ := csvRows("export-csv"); n != shown {
			t.Errorf("ranking CSV of Sachsen has %d rows, the table %d", n, shown)
		}
		// (fetch's text() drops the byte order mark; the API test checks it)
		if n, body := csvRows("export-csv-de"); n != shown || !strings.Contains(body, ";") || !strings.Contains(js[string](t, ctx, `document.getElementById('export-csv-de').href`), "format=csv-de") {
			t.Errorf("German Excel CSV: %d rows, %.120q", n, body)
		}
	})

	t.Run("normalised", func(t *testing.T) {
		// the map per 1,000 inhabitants: the ranking, the comparison and their CSV follow it
		const q = "level=kreis&indicator=dwellings_zensus2022&year=2022&normalize=per1000"
		do(t, ctx, "open the ranking per 1,000", chromedp.Navigate(srv.url+"/?tab=ranking&"+q))
		waitFor(t, ctx, "the ranking table", `document.querySelector('#ranking-table tbody tr[data-key="09162"]') !== null`)
		mapValue := js[string](t, ctx, `fetch('/api/v1/values?`+q+`').then((r) => r.json()).then((d) => d.values['09162'].value.toLocaleString('de-DE', {minimumFractionDigits: 1, maximumFractionDigits: 1}) + '\u00a0Wohnungen je 1.000 Einw.')`)
		if cell := js[string](t, ctx, `document.querySelector('#ranking-table tbody tr[data-key="09162"] td:last-child').textContent`); cell != mapValue {
			t.Errorf("ranking shows München as %q, the map %q", cell, mapValue)
		}
		// the map's legend and values with the decimals of the rate (the count has none)
		minText := js[string](t, ctx, `fetch('/api/v1/values?`+q+`').then((r) => r.json()).then((d) => 'Min. ' + d.stats.min.toLocaleString('de-DE', {minimumFractionDigits: 1, maximumFractionDigits: 1}))`)
		waitFor(t, ctx, "the legend per 1,000 with one decimal", `document.getElementById('legend').textContent.includes('`+minText+`')`)
		// the areas' statistics are named as such, with the median: a plain
		// mean of rates beside the official Germany value would read as one
		statsText := js[string](t, ctx, `fetch('/api/v1/values?`+q+`').then((r) => r.json()).then((d) => { const f = (v) => v.toLocaleString('de-DE', {minimumFractionDigits: 1, maximumFractionDigits: 1}); return 'Kreise: Min. ' + f(d.stats.min) + ' · Median ' + f(d.stats.median) + ' · Max. ' + f(d.stats.max); })`)
		if legend := js[string](t, ctx, `document.getElementById('legend').textContent`); !strings.Contains(legend, statsText) || strings.Contains(legend, "Mittelwert") {
			t.Errorf("legend %q: want %q and no Mittelwert", legend, statsText)
		}
		if n, body := csvRows("export-csv"); n != 400 || !strings.Contains(body, "Normiert") || !strings.Contains(body, "je 1.000 Einw.") {
			t.Errorf("ranking CSV per 1,000: %d rows, %.300q", n, body)
		}
		do(t, ctx, "open the comparison per 1,000", chromedp.Navigate(srv.url+"/?tab=compare&compare=09162,09184&"+q))
		waitFor(t, ctx, "the comparison", `document.querySelector('#compare-table tr.is-current td') !== null`)
		// the cells hold the numbers, the unit stands once beside the indicator
		if cell := js[string](t, ctx, `(() => { const tr = document.querySelector('#compare-table tr.is-current'); return tr.querySelector('td').firstChild.textContent + '\u00a0' + tr.querySelector('th .data-table__sub').textContent; })()`); cell != mapValue {
			t.Errorf("comparison shows München as %q, the map %q", cell, mapValue)
		}
		if href := js[string](t, ctx, `document.getElementById('export-csv').href`); !strings.Contains(href, "normalize=per1000") {
			t.Errorf("comparison CSV %q is not normalised", href)
		}
		// the region card says what the normalised map shows beside the published count
		do(t, ctx, "open München's card on the map per 1,000", chromedp.Navigate(srv.url+"/?region=09162&"+q))
		waitFor(t, ctx, "the card's map line", `document.querySelector('#info .info__mapvalue') !== null`)
		if line := js[string](t, ctx, `document.querySelector('#info .info__mapvalue').textContent`); line != "Auf der Karte: "+mapValue {
			t.Errorf("card: %q, want the map's %q", line, mapValue)
		}
	})

	t.Run("index", func(t *testing.T) {
		do(t, ctx, "open the Länder index", chromedp.Navigate(srv.url+"/?tab=index&ilevel=land"))
		waitFor(t, ctx, "the Länder index", mapView("index/land")+` && document.querySelectorAll('#index-table tbody tr').length === 16`)
		if n, body := csvRows("export-csv"); n != 16 {
			t.Errorf("Länder index CSV has %d rows, want 16: %.300q", n, body)
		}
		if p := js[string](t, ctx, sortedByEveryColumn+`('index-table')`); p != "" {
			t.Errorf("index: %s", p)
		}
		do(t, ctx, "Kreis index", chromedp.Navigate(srv.url+"/?tab=index&ilevel=kreis"))
		waitFor(t, ctx, "the Kreis index", mapView("index/kreis")+` && document.querySelectorAll('#index-table tbody tr').length >= 50`)
		js[string](t, ctx, setSelect("index-land", "09"))
		waitFor(t, ctx, "the Kreise of Bayern", `(() => { const rows = [...document.querySelectorAll('#index-table tbody tr')]; return rows.length >= 50 && rows.every(r => r.dataset.key.startsWith('09')); })()`)
		if p := js[string](t, ctx, sortedByEveryColumn+`('index-table')`); p != "" {
			t.Errorf("index of Bayern: %s", p)
		}
		// the CSV exports the Kreise of Bayern the table shows (all of them, not only the first page)
		n, body := csvRows("export-csv")
		bavarian := 0
		for _, line := range strings.Split(body, "\n")[1:] {
			if f := strings.Split(line, ","); len(f) > 1 && strings.HasPrefix(f[1], "09") {
				bavarian++
			}
		}
		if n < 90 || bavarian != n {
			t.Errorf("index CSV of Bayern: %d rows, %d of them in Bayern", n, bavarian)
		}
	})

	t.Run("distribution", func(t *testing.T) {
		do(t, ctx, "open the distribution", chromedp.Navigate(srv.url+"/?tab=distribution"))
		waitFor(t, ctx, "the distribution table", `document.querySelectorAll('#distribution-table tbody tr').length === 16`)
		if p := js[string](t, ctx, sortedByEveryColumn+`('distribution-table')`); p != "" {
			t.Errorf("distribution: %s", p)
		}
		if n, _ := csvRows("export-csv"); n != 16 {
			t.Errorf("distribution CSV has %d rows, want 16", n)
		}
		// a band that cannot vary is explained, not shown as "13,39–13,39"
		if same := js[string](t, ctx, `(document.getElementById('distribution-table').textContent.match(/(\d+,\d+)–\1(?!\d)/) ?? [''])[0]`); same != "" {
			t.Errorf("distribution shows a band that cannot vary: %q", same)
		}
	})
	b.check(t, srv.url)
}

// Caveats and age next to the legend, in the embed and in the profile: a
// 2016 indicator carries "Stand 2016", its coverage and Germany's official
// value; a partial-coverage source says that it covers part of the
// country; the profile lists the motion's eight domains.
func TestBrowserCaveatsAndDomains(t *testing.T) {
	b := newBrowserFor(t, 170*time.Second)
	srv := startServer(t, filepath.Join(t.TempDir(), "atlas.db"))
	ctx := b.ctx
	legendOf := func(page, view string) string {
		t.Helper()
		openView(t, ctx, srv.url+page, view)
		waitFor(t, ctx, "legend caveat", `document.querySelector('#legend .legend__caveat') !== null`)
		return legendText(t, ctx)
	}
	nat := legendOf("/?level=kreis&indicator=naturalisations&year=2016", "kreis/naturalisations/2016")
	for _, want := range []string{"Stand 2016", "Werte für 400 von 400", "Deutschland 2016", "amtlich"} {
		if !strings.Contains(nat, want) {
			t.Errorf("legend of naturalisations 2016 lacks %q: %s", want, nat)
		}
	}
	screenshot(t, ctx, "legend-naturalisations-2016.png")
	part := legendOf("/?level=kreis&indicator=places_initiative_count&year=2020", "kreis/places_initiative_count/2020")
	if !strings.Contains(part, "nur einen Teil des Landes") || !strings.Contains(part, "Werte für 10 von 400") {
		t.Errorf("legend of a partial source lacks its caveat: %s", part)
	}
	emb := legendOf("/embed?level=kreis&indicator=naturalisations&year=2016", "kreis/naturalisations/2016")
	if !strings.Contains(emb, "Stand 2016") || !strings.Contains(emb, "Werte für 400 von 400") {
		t.Errorf("embed legend lacks age and coverage: %s", emb)
	}
	// The profile of München: the domain overview with all eight domains.
	do(t, ctx, "open München", chromedp.Navigate(srv.url+"/?level=kreis&indicator=naturalisations&year=2016&region=09162"))
	waitFor(t, ctx, "domain overview", `document.querySelectorAll('#info .info__domains > li').length === 8`)
	info := js[string](t, ctx, `document.getElementById('info').textContent`)
	for _, want := range []string{"Daseinsvorsorge", "Zivilgesellschaft", "Keine offenen Daten", "Stand 2016"} {
		if !strings.Contains(info, want) {
			t.Errorf("profile lacks %q", want)
		}
	}
	b.check(t, srv.url)
}

// uncovered names the panels that cover the selected region's box (empty:
// none, the region is wholly on the map).
const uncovered = `(() => {
  const m = document.getElementById('map');
  const b = (m.dataset.selectionBox || '').split(',').map(Number);
  if (b.length !== 4) return 'no selection drawn';
  const mr = m.getBoundingClientRect();
  const box = { l: mr.left + b[0], t: mr.top + b[1], r: mr.left + b[2], b: mr.top + b[3] };
  const out = [];
  for (const el of [document.getElementById('info'), document.querySelector('.map-legend')]) {
    if (!el || el.hidden || el.offsetParent === null) continue;
    const r = el.getBoundingClientRect();
    if (box.l < r.right && box.r > r.left && box.t < r.bottom && box.b > r.top) out.push(el.id || el.className);
  }
  if (box.l < mr.left - 1 || box.r > mr.right + 1 || box.t < mr.top - 1 || box.b > mr.bottom + 1) out.push('outside the map');
  return out.join(', ');
})()`

// TestBrowserLayout at 1366×900: no panel covers the selected region (a
// linked region in the east, a search result, a click on the map), and the
// comparison of three regions fits the panel.
func TestBrowserLayout(t *testing.T) {
	b := newBrowserFor(t, 150*time.Second)
	srv := startServer(t, filepath.Join(t.TempDir(), "atlas.db"))
	ctx := b.ctx
	do(t, ctx, "desktop", chromedp.EmulateViewport(1366, 900))
	clear := func(what string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](uncovered+` === ''`, chromedp.WithPollingTimeout(8*time.Second), chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
			t.Errorf("%s: the selected region is covered: %s (box %s)", what, js[string](t, ctx, uncovered), js[string](t, ctx, `document.getElementById('map').dataset.selectionBox`))
		}
	}
	for _, key := range []string{"14713", "12063", "13003", "11000"} { // Leipzig, Havelland, Rostock, Berlin
		do(t, ctx, "open a link to "+key, chromedp.Navigate(srv.url+"/?level=kreis&indicator=unemployment_rate&year=2019&region="+key))
		waitFor(t, ctx, "the card", `!document.getElementById('info').hidden && document.querySelector('#info .info__actions') !== null && document.getElementById('map').dataset.selectionBox`)
		clear("link to " + key)
	}
	screenshot(t, ctx, "layout-region-east.png")
	// the panel's content fits beside its scrollbar; the settings toggle
	// (it folds the panel away on narrow screens) is not shown here
	if over := js[string](t, ctx, `(() => { const p = document.getElementById('panel'); const tg = getComputedStyle(document.getElementById('panel-toggle')).display; return (p.scrollWidth > p.clientWidth ? 'content ' + p.scrollWidth + ' px wide in ' + p.clientWidth + ' px; ' : '') + (tg !== 'none' ? 'settings toggle shown (' + tg + ')' : ''); })()`); over != "" {
		t.Errorf("panel at 1366 px: %s", over)
	}

	openView(t, ctx, srv.url+unemployment2019, unemploymentView)
	do(t, ctx, "type", chromedp.Click(chromedp.CSS("#search")), chromedp.SendKeys(chromedp.CSS("#search"), "Görlitz"))
	waitFor(t, ctx, "results", `document.querySelectorAll('#search-list [role="option"]').length > 0`)
	do(t, ctx, "choose", chromedp.KeyEvent(kb.Enter))
	waitFor(t, ctx, "the card", `document.querySelector('#info-title')?.textContent.startsWith('Görlitz') && document.getElementById('map').dataset.selectionBox`)
	clear("search result Görlitz")

	// a click into the east of Germany: whatever it hits stays visible next to the card
	openView(t, ctx, srv.url+unemployment2019, unemploymentView)
	x := js[float64](t, ctx, `(() => { const r = document.getElementById('map').getBoundingClientRect(); return r.left + r.width * 0.78; })()`)
	y := js[float64](t, ctx, `(() => { const r = document.getElementById('map').getBoundingClientRect(); return r.top + r.height * 0.42; })()`)
	do(t, ctx, "click in the east", chromedp.MouseClickXY(x, y))
	waitFor(t, ctx, "the card", `!document.getElementById('info').hidden && document.getElementById('map').dataset.selectionBox`)
	clear("click in the east")
	screenshot(t, ctx, "layout-click-east.png")

	do(t, ctx, "compare three", chromedp.Navigate(srv.url+"/?tab=compare&compare=09162,14713,11000&level=kreis&indicator=unemployment_rate&year=2019"))
	waitFor(t, ctx, "the comparison", `document.querySelectorAll('#compare-table thead th').length === 5 && document.querySelectorAll('#compare-table tbody tr').length > 10`)
	fit := js[string](t, ctx, `(() => { const s = document.querySelector('#compare .table-scroll'); const p = document.getElementById('panel').getBoundingClientRect(); const last = [...document.querySelectorAll('#compare-table thead th')].pop().getBoundingClientRect(); return s.scrollWidth <= s.clientWidth + 1 && last.right <= p.right ? '' : 'table ' + s.scrollWidth + ' px in ' + s.clientWidth + ' px, last column ends at ' + last.right + ', panel at ' + p.right; })()`)
	if fit != "" {
		t.Errorf("comparison of three regions at 1366 px: %s", fit)
	}
	screenshot(t, ctx, "layout-compare-three.png")
	b.check(t, srv.url)
}

// embedCheck measures an embed as a reader sees it: title, subtitle (with
// the year), legend entries, the source line (one line), the map's share of
// the frame, whether the whole of Germany is inside the map.
const embedCheck = `(() => {
  const m = document.getElementById('map').getBoundingClientRect();
  const line = document.querySelector('.embed-foot__line');
  const lh = parseFloat(getComputedStyle(line).lineHeight) || 16;
  return JSON.stringify({
    title: document.getElementById('embed-title')?.textContent ?? '',
    subtitle: document.querySelector('.embed__subtitle')?.textContent ?? '',
    legend: document.querySelectorAll('#embed-legend .embed-legend__item').length,
    source: line?.textContent ?? '',
    sourceLines: Math.round(line.getBoundingClientRect().height / lh),
    sourceVisible: line.getBoundingClientRect().bottom <= innerHeight,
    mapShare: (m.width * m.height) / (innerWidth * innerHeight),
    overflow: document.documentElement.scrollHeight > innerHeight + 1 || document.documentElement.scrollWidth > innerWidth + 1,
  });
})()`

// TestBrowserEmbed: the embed stands alone in an article (700×450) and on
// a phone (390×600): title, year, legend and a one-line source, the map at
// least 60 % of the frame; "Quellen" opens the full attributions; the
// embed code lets the iframe take the height the embed asks for.
func TestBrowserEmbed(t *testing.T) {
	b := newBrowserFor(t, 150*time.Second)
	srv := startServer(t, filepath.Join(t.TempDir(), "atlas.db"))
	ctx := b.ctx
	type check struct {
		Title, Subtitle, Source string
		Legend, SourceLines     int
		SourceVisible, Overflow bool
		MapShare                float64
	}
	for _, size := range [][2]int64{{700, 450}, {390, 600}} {
		for _, q := range []string{"level=kreis&indicator=unemployment_rate&year=2019", "level=kreis&indicator=unemployment_rate&year=2019&region=09162"} {
			name := fmt.Sprintf("%dx%d %s", size[0], size[1], q)
			do(t, ctx, name, chromedp.EmulateViewport(size[0], size[1]), chromedp.Navigate(srv.url+"/embed?"+q))
			waitFor(t, ctx, name, mapView(unemploymentView))
			var c check
			if err := json.Unmarshal([]byte(js[string](t, ctx, embedCheck)), &c); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: map %.0f %% of the frame, legend %d entries, source %q", name, 100*c.MapShare, c.Legend, c.Source)
			if c.Title != "Arbeitslosenquote" || !strings.Contains(c.Subtitle, "2019") || !strings.Contains(c.Subtitle, "Kreise") {
				t.Errorf("%s: title %q, subtitle %q", name, c.Title, c.Subtitle)
			}
			if c.Legend < 6 || c.SourceLines != 1 || !c.SourceVisible || !strings.Contains(c.Source, "GeoBasis-DE") || c.Overflow {
				t.Errorf("%s: %+v", name, c)
			}
			if c.MapShare < 0.6 {
				t.Errorf("%s: the map takes %.0f %% of the frame, want at least 60 %%", name, 100*c.MapShare)
			}
			if !js[bool](t, ctx, `document.getElementById('info').hidden`) {
				t.Errorf("%s: the card covers the embedded map", name)
			}
			waitFor(t, ctx, name+": the map painted", mapPainted)
			screenshot(t, ctx, fmt.Sprintf("embed-%dx%d-%d.png", size[0], size[1], len(q)))
		}
	}
	do(t, ctx, "open the sources", chromedp.Click(chromedp.CSS(".embed-foot__toggle")))
	waitFor(t, ctx, "the sources", `!document.getElementById('embed-sources').hidden && document.getElementById('embed-sources').textContent.includes('dl-de/by-2-0')`)

	// the embed code in an article: the iframe takes the height the embed asks for
	openView(t, ctx, srv.url+unemployment2019, unemploymentView, chromedp.EmulateViewport(1280, 800))
	do(t, ctx, "open the embed dialog", chromedp.Click(chromedp.CSS("#embed-open")))
	code := js[string](t, ctx, `document.getElementById('embed-code').value`)
	// a newspaper's page on another origin (frame-ancestors admits any web origin, not data:)
	news := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>Artikel</title><link rel="icon" href="data:,"><body style="margin:0"><div style="width:640px">`+code+`</div></body>`)
	}))
	defer news.Close()
	b.allow(news.URL)
	do(t, ctx, "the article", chromedp.Navigate(news.URL))
	waitFor(t, ctx, "the iframe's height from the embed", `(() => { const f = document.querySelector('iframe[data-standortatlas]'); return f && f.style.height !== '' && parseFloat(f.style.height) > 600; })()`)
	h := js[float64](t, ctx, `parseFloat(document.querySelector('iframe[data-standortatlas]').style.height)`)
	t.Logf("iframe 640 px wide: height %.0f px (asked for by the embed)", h)
	b.check(t, srv.url)
}

// visibleUIText is the page's visible text without data: region names,
// attributions and texts the data only have in German (marked lang="de").
const visibleUIText = `(() => {
  const skip = (el) => el.closest('[lang="de"], .leaflet-control-attribution, .info__sources, #search-list, .leaflet-tooltip, #f-indicator, .info__title, #info-title, .data-table tbody th, .info__similar, .chips, .compare__chart, .check__note');
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || skip(el) || el.closest('[hidden], script, style, option')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0 && !el.closest('.visually-hidden')) continue;
    if (n.textContent.trim()) out.push(n.textContent.trim());
  }
  return out.join('\n');
})()`

// TestBrowserEnglish: in English mode nothing a user reads is German UI
// text, units are English and numbers are written the English way.
func TestBrowserEnglish(t *testing.T) {
	b := newBrowserFor(t, 150*time.Second)
	srv := startServer(t, filepath.Join(t.TempDir(), "atlas.db"))
	ctx := b.ctx
	do(t, ctx, "desktop", chromedp.EmulateViewport(1366, 900), chromedp.Navigate(srv.url+"/?lang=en&level=kreis&indicator=unemployed_foreigners&year=2019&region=09162"))
	waitFor(t, ctx, "the map and München's profile", mapView("kreis/unemployed_foreigners/2019")+` && document.querySelector('#info .info__actions') !== null`)
	text := js[string](t, ctx, visibleUIText)
	for _, german := range []string{"Einheit", "Personen", "Einw.", "keine Daten", "Quelle", "Rang ", "Gebiet", "Klassen", "Nachbarn", "Zuwanderung", "Jahresdurchschnitt", "Arbeitslose", "Bevölkerung", "Landkreis", "Kreisfreie", "angewandt"} {
		if strings.Contains(text, german) {
			i := strings.Index(text, german)
			t.Errorf("English page shows German %q: …%s…", german, text[max(0, i-60):min(len(text), i+60)])
		}
	}
	if !strings.Contains(text, "persons") || !regexp.MustCompile(`\d,\d{3}[\s\x{00a0}]?persons`).MatchString(text) {
		t.Errorf("English page lacks English numbers with units (e.g. 19,738 persons)")
	}
	screenshot(t, ctx, "atlas-english.png")

	// search: spellings without umlauts or ß, and equal names told apart
	search := func(q string) []string {
		js[any](t, ctx, `(() => { const i = document.getElementById('search'); i.focus(); i.value = '`+q+`'; i.dispatchEvent(new Event('input', {bubbles: true})); })()`)
		waitFor(t, ctx, "results for "+q, `document.querySelectorAll('#search-list [role="option"]').length > 0`)
		return js[[]string](t, ctx, `[...document.querySelectorAll('#search-list [role="option"]')].map(o => o.textContent)`)
	}
	if r := search("Muenchen"); !strings.HasPrefix(r[0], "München") {
		t.Errorf("Muenchen finds %q", r)
	}
	hof := 0
	seen := map[string]bool{}
	for _, o := range search("Hof") {
		if strings.HasPrefix(o, "Hof") && strings.Contains(o, "Bayern") {
			hof++
			if seen[o] {
				t.Errorf("two search results read the same: %q", o)
			}
			seen[o] = true
		}
	}
	if hof < 2 {
		t.Errorf("Hof: %d results with their Land", hof)
	}
	b.check(t, srv.url)
}

// TestBrowserLabels: place names from the atlas's own data — the Länder on
// the whole of Germany, Kreise and large cities when zoomed in — with no
// base map and no request leaving the server.
func TestBrowserLabels(t *testing.T) {
	b := newBrowserFor(t, 150*time.Second)
	srv := startServer(t, filepath.Join(t.TempDir(), "atlas.db"))
	ctx := b.ctx
	labels := `[...document.querySelectorAll('.sa-label')].map(l => l.textContent)`
	do(t, ctx, "Germany", chromedp.EmulateViewport(1366, 900), chromedp.Navigate(srv.url+unemployment2019))
	waitFor(t, ctx, "Länder names", mapView(unemploymentView)+` && Number(document.getElementById('map').dataset.labels) >= 10`)
	if l := js[[]string](t, ctx, labels); !slices.Contains(l, "Bayern") || !slices.Contains(l, "Sachsen") || slices.Contains(l, "Leipzig") {
		t.Errorf("labels on Germany: %q", l)
	}
	do(t, ctx, "around Leipzig", chromedp.Navigate(srv.url+"/?level=kreis&indicator=unemployment_rate&year=2019&view=51.34,12.37,9"))
	waitFor(t, ctx, "Kreis and city names", mapView(unemploymentView)+` && [...document.querySelectorAll('.sa-label')].some(l => l.textContent === 'Leipzig')`)
	l := js[[]string](t, ctx, labels)
	if slices.Contains(l, "Bayern") || len(l) < 5 {
		t.Errorf("labels around Leipzig: %q", l)
	}
	screenshot(t, ctx, "atlas-labels-leipzig.png")
	b.check(t, srv.url)
}

// legendColors lists the legend's class colours ("r,g,b"), no-data left out.
const legendColors = `[...document.querySelectorAll('#legend .legend__row:not(.legend__row--nodata) .legend__swatch')].map((e) => getComputedStyle(e).backgroundColor.replace(/[^\d,]/g, ''))`

// drawnColors lists the opaque colours on the map's canvases ("r,g,b"), sampled.
const drawnColors = `(() => { const s = new Set(); for (const c of document.querySelectorAll('#map canvas')) { let d; try { d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; } catch { continue; } for (let i = 0; i < d.length; i += 4 * 7) if (d[i + 3] === 255) s.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]); } return [...s]; })()`

// TestBrowserPaletteAndHeadroom: a colour scheme chosen in the
// classification controls recolours the map with the server's colours and
// stays in the shared link and the embed; a raw count dominated by one
// histogram bar offers its normalised form; the headroom view shows a table
// that sorts by every column and narrows to the Kreise of one Land.
func TestBrowserPaletteAndHeadroom(t *testing.T) {
	b := newBrowserFor(t, 150*time.Second)
	srv := startServer(t, filepath.Join(t.TempDir(), "atlas.db"))
	ctx := b.ctx
	do(t, ctx, "desktop", chromedp.EmulateViewport(1366, 900))

	t.Run("palette", func(t *testing.T) {
		openView(t, ctx, srv.url+unemployment2019, unemploymentView)
		before := js[[]string](t, ctx, legendColors)
		if n := js[int](t, ctx, `document.querySelectorAll('#f-scheme option').length`); n != 11 {
			t.Errorf("scheme options = %d, want the default and 10 schemes", n)
		}
		js[string](t, ctx, setSelect("f-scheme", "Purples"))
		// the server's Purples of 5 classes (the unemployment rate's own default is OrRd), in the
		// legend and drawn on the map
		waitFor(t, ctx, "the map in Purples", `(() => { const l = `+legendColors+`; const d = new Set(`+drawnColors+`); return l.length === 5 && l[4] === '84,39,143' && l.every((c) => d.has(c)); })()`)
		after := js[[]string](t, ctx, legendColors)
		if slices.Equal(before, after) {
			t.Fatalf("legend colours unchanged: %v", after)
		}
		link := js[string](t, ctx, `location.href`)
		if !strings.Contains(link, "scheme=Purples") {
			t.Fatalf("share link %q without the scheme", link)
		}
		// the shared link restores the scheme; so does the embed
		do(t, ctx, "open the shared link", chromedp.Navigate(link))
		want, _ := json.Marshal(after)
		waitFor(t, ctx, "the shared map in Purples", mapView(unemploymentView)+` && document.getElementById('f-scheme').value === 'Purples' && JSON.stringify(`+legendColors+`) === '`+string(want)+`'`)
		do(t, ctx, "open the embed dialog", chromedp.Click(chromedp.CSS("#embed-open")))
		code := js[string](t, ctx, `document.getElementById('embed-code').value`)
		if !strings.Contains(code, "scheme=Purples") {
			t.Errorf("embed snippet without the scheme: %q", code)
		}
		do(t, ctx, "open the embed", chromedp.Navigate(js[string](t, ctx, `document.getElementById('embed-preview').href`)))
		waitFor(t, ctx, "the embed in Purples", mapView(unemploymentView)+` && (() => { const d = new Set(`+drawnColors+`); return ['242,240,247', '84,39,143'].every((c) => d.has(c)); })()`)
	})

	t.Run("normalisation hint", func(t *testing.T) {
		do(t, ctx, "open population by Gemeinde", chromedp.Navigate(srv.url+"/?level=gemeinde&indicator=population"))
		waitFor(t, ctx, "the hint", `!document.getElementById('norm-hint').hidden && document.getElementById('norm-apply') !== null`)
		do(t, ctx, "normalise", chromedp.Click(chromedp.CSS("#norm-apply")))
		waitFor(t, ctx, "population per km²", `location.search.includes('normalize=perkm2') && document.getElementById('legend').textContent.includes('km²') && document.getElementById('norm-off') !== null`)
		do(t, ctx, "back to counts", chromedp.Click(chromedp.CSS("#norm-off")))
		waitFor(t, ctx, "counts again", `!location.search.includes('normalize') && !document.getElementById('legend').textContent.includes('km²')`)
	})

	t.Run("headroom", func(t *testing.T) {
		do(t, ctx, "open the map", chromedp.Navigate(srv.url+"/"))
		waitFor(t, ctx, "the tabs", `document.getElementById('tab-headroom') !== null`)
		do(t, ctx, "open headroom", chromedp.Click(chromedp.CSS("#tab-headroom")))
		waitFor(t, ctx, "the Länder headroom", `document.querySelectorAll('#headroom-table tbody tr').length === 16 && location.search.includes('tab=headroom')`)
		if p := js[string](t, ctx, sortedByEveryColumn+`('headroom-table')`); p != "" {
			t.Errorf("headroom: %s", p)
		}
		// the map shows capacity per arrival in the server's five classes, every class colour drawn
		waitFor(t, ctx, "the headroom map in classes", `(() => { const l = `+legendColors+`; const d = new Set(`+drawnColors+`); return l.length === 5 && l.every((c) => d.has(c)); })()`)
		js[string](t, ctx, setSelect("hr-scope", "09"))
		waitFor(t, ctx, "the Kreise of Bayern", `(() => { const rows = [...document.querySelectorAll('#headroom-table tbody tr')]; return rows.length >= 50 && rows.every((r) => r.dataset.key.startsWith('09')); })()`)
		if p := js[string](t, ctx, sortedByEveryColumn+`('headroom-table')`); p != "" {
			t.Errorf("headroom of Bayern: %s", p)
		}
	})
	b.check(t, srv.url)
}
