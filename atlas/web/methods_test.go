package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestMethodIndicatorPage renders the method page of the unemployment rate
// in both languages and checks it against the seeded catalogue: the
// definition, source, table, licence, attribution and years are the
// catalogue's.
func TestMethodIndicatorPage(t *testing.T) {
	e, svc := seededEcho(t)
	ind, err := svc.Indicator(context.Background(), "unemployment_rate")
	if err != nil {
		t.Fatal(err)
	}
	rec := get(t, e, "/methods/indicator/unemployment_rate", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /methods/indicator/unemployment_rate = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	page := rec.Body.String()
	if len(ind.Years) < 2 {
		t.Fatalf("unemployment_rate has years %v in the seeds", ind.Years)
	}
	years := fmt.Sprintf("%d–%d (%d Jahre)", ind.Years[0], ind.Years[len(ind.Years)-1], len(ind.Years))
	for name, want := range map[string]string{"title": ind.Title, "definition": ind.Definition, "source": ind.Source,
		"table": ind.TableID, "licence": ind.Licence, "attribution": ind.Attribution, "reference date": ind.ReferenceDate,
		"notes": ind.Notes, "years": years} {
		if want == "" {
			t.Fatalf("the catalogue's %s of unemployment_rate is empty", name)
		}
		if !strings.Contains(page, htmlText(want)) {
			t.Errorf("German page lacks the catalogue's %s %q", name, want)
		}
	}
	if !strings.Contains(page, `href="`+ind.LicenceURL+`"`) {
		t.Errorf("German page does not link the licence %s", ind.LicenceURL)
	}
	en := get(t, e, "/en/methods/indicator/unemployment_rate", nil).Body.String()
	def := `<dd>` + htmlText(ind.DefinitionEN)
	if ind.DefinitionEN == "" { // the catalogue has only the German text: marked as German
		def = `<dd lang="de">` + htmlText(ind.Definition)
	}
	for _, want := range []string{`<html lang="en">`, htmlText(ind.TitleEN), def, "<dt>Source</dt>", "<dt>Licence</dt>", "Labour market"} {
		if !strings.Contains(en, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
}

// TestMethodClassificationEnglish: the English page of the standard
// deviation classes is English, explains the mean as a break and gives the
// formula as a detail.
func TestMethodClassificationEnglish(t *testing.T) {
	e, _ := seededEcho(t)
	rec := get(t, e, "/en/methods/classification/stddev", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Language") != "en" {
		t.Fatalf("GET /en/methods/classification/stddev = %d, Content-Language %q", rec.Code, rec.Header().Get("Content-Language"))
	}
	page := rec.Body.String()
	for _, want := range []string{`<html lang="en">`, "Standard deviation around the mean", "The mean itself is a break", "<details", "<summary>Formula</summary>", `href="/methods/classification/stddev"`} {
		if !strings.Contains(page, want) {
			t.Errorf("English stddev page lacks %q", want)
		}
	}
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, " ")
	for _, german := range []string{"Mittelwert", "Klasse", "Standardabweichung", "Formel", "Methoden", " und "} {
		if strings.Contains(text, german) {
			t.Errorf("English stddev page has German text %q", german)
		}
	}
	de := get(t, e, "/methods/classification/stddev", nil).Body.String()
	if !strings.Contains(de, "Der Mittelwert ist selbst eine Grenze") || !strings.Contains(de, `<html lang="de">`) {
		t.Error("German stddev page lacks its explanation")
	}
}

// TestMethodOverviewLinks follows every link of the overview in both
// languages: each answers 200, and every classification, analysis and
// indicator of the catalogue has its page.
func TestMethodOverviewLinks(t *testing.T) {
	e, svc := seededEcho(t)
	inds, err := svc.Indicators(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	href := regexp.MustCompile(`<a [^>]*href="([^"]*)"`) // the links a reader follows (the test FS has no stylesheets)
	for _, lang := range []reportLang{langDE, langEN} {
		overview := lang.methodsPath("")
		rec := get(t, e, overview, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", overview, rec.Code)
		}
		page := rec.Body.String()
		links := map[string]bool{}
		for _, m := range href.FindAllStringSubmatch(page, -1) {
			links[m[1]] = true
			l := strings.ReplaceAll(m[1], "&amp;", "&")
			if strings.HasPrefix(l, "data:") || strings.HasPrefix(l, "#") {
				continue
			}
			if r := get(t, e, l, nil); r.Code != http.StatusOK {
				t.Errorf("%s links %s, which answers %d", overview, l, r.Code)
			}
		}
		want := []string{lang.methodsPath("/index"), lang.methodsPath("/distribution"), lang.methodsPath("/headroom"), lang.methodsPath("/references"), lang.other().methodsPath("")}
		for _, m := range classificationMethods {
			want = append(want, lang.methodsPath("/classification/"+string(m)))
		}
		for _, ind := range inds {
			want = append(want, lang.methodsPath("/indicator/"+ind.ID))
		}
		for _, w := range want {
			if !links[w] {
				t.Errorf("%s does not link %s", overview, w)
			}
		}
	}
}

// TestMethodNotFound: an unknown method or indicator answers 404 with a
// page in the page's language.
func TestMethodNotFound(t *testing.T) {
	e, _ := seededEcho(t)
	for path, want := range map[string]string{
		"/methods/indicator/nonsense":         "Methodenseite nicht gefunden",
		"/en/methods/indicator/nonsense":      "Method page not found",
		"/methods/classification/nonsense":    "Methodenseite nicht gefunden",
		"/en/methods/classification/nonsense": "Method page not found",
		"/en/methods/nonsense":                "Method page not found",
		"/methods/classification":             "Methodenseite nicht gefunden",
	} {
		rec := get(t, e, path, nil)
		if rec.Code != http.StatusNotFound || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Errorf("GET %s = %d %s, want 404 HTML", path, rec.Code, rec.Header().Get("Content-Type"))
		}
		if !strings.Contains(rec.Body.String(), want) || !strings.Contains(rec.Body.String(), "nonsense") && strings.HasSuffix(path, "nonsense") {
			t.Errorf("GET %s lacks %q and the name asked for", path, want)
		}
	}
}
