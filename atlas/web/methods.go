package web

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/standortatlas/standortatlas/atlas"
)

// The method pages: GET /methods (German) and /en/methods (English), an
// overview linking to one server-rendered page per classification, the
// composite index, the distribution key, headroom, the Germany and Land
// references and every indicator of the catalogue. Each page explains its
// method in plain language first and gives the formula as a <details>. The
// texts of the analyses follow the code (atlas/classify.go,
// atlas/analysis); an indicator's page shows only what the catalogue
// (atlas.Indicator) holds. They share the region report's look, language
// helpers and error page (report.go, report_text.go).

//go:embed methods.html
var methodsHTML string

var methodsTemplate = template.Must(template.Must(template.New("methods").Parse(methodsHTML)).Parse(pageTopHTML))

type methodFact struct {
	Name, Value, Href string
	German            bool // a text from the catalogue, in German, on the English page
}

type methodGroup struct {
	Title string
	Links []reportLink
}

type methodPage struct {
	Lang, OtherLang, OtherLangName, OtherHref string
	T                                         map[string]string
	Title, Kicker                             string
	Intro                                     []string
	Facts                                     []methodFact
	Formula                                   []string
	Groups                                    []methodGroup
	Back                                      string
}

// methodsOverview serves /methods.
func (h *handlers) methodsOverview(lang reportLang) echo.HandlerFunc {
	return func(c echo.Context) error {
		inds, err := h.svc.Indicators(c.Request().Context())
		if err != nil {
			return err
		}
		page := newMethodPage(lang, "")
		page.Title = lang.t("methods")
		page.Intro = []string{lang.t("methods_intro")}
		analyses := methodGroup{Title: lang.t("methods_analyses")}
		for _, id := range []string{"index", "distribution", "headroom", "references"} {
			analyses.Links = append(analyses.Links, reportLink{Name: methodTexts[id].title(lang), Href: lang.methodsPath("/" + id)})
		}
		classes := methodGroup{Title: lang.t("methods_classifications")}
		for _, m := range classificationMethods {
			classes.Links = append(classes.Links, reportLink{Name: methodTexts["classification/"+string(m)].title(lang), Href: lang.methodsPath("/classification/" + string(m))})
		}
		page.Groups = []methodGroup{analyses, classes}
		topics := map[string]int{}
		for _, ind := range inds {
			gi, ok := topics[ind.Topic]
			if !ok {
				gi = len(page.Groups)
				topics[ind.Topic] = gi
				page.Groups = append(page.Groups, methodGroup{Title: lang.t("methods_indicators") + ": " + lang.topic(ind.Topic, ind.TopicTitle)})
			}
			page.Groups[gi].Links = append(page.Groups[gi].Links, reportLink{Name: indicatorTitle(lang, ind), Href: lang.methodsPath("/indicator/" + ind.ID)})
		}
		return renderMethods(c, page)
	}
}

// classificationMethods are the classifications a map query offers, in
// the order of the overview.
var classificationMethods = []atlas.Method{atlas.MethodQuantile, atlas.MethodEqual, atlas.MethodJenks, atlas.MethodStdDev, atlas.MethodManual}

// methodTopic serves /methods/{topic} and /methods/classification/{method}.
func (h *handlers) methodTopic(lang reportLang, prefix string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := prefix + c.Param("id")
		mt, ok := methodTexts[id]
		if !ok {
			return fmt.Errorf("method page %q: %w", id, atlas.ErrNotFound)
		}
		page := newMethodPage(lang, "/"+id)
		page.Title = mt.title(lang)
		page.Kicker = lang.t("method")
		page.Intro = mt.body(lang)
		page.Formula = mt.Formula[langIndex(lang)]
		return renderMethods(c, page)
	}
}

// methodIndicator serves /methods/indicator/{id} from the catalogue.
func (h *handlers) methodIndicator(lang reportLang) echo.HandlerFunc {
	return func(c echo.Context) error {
		ind, err := h.svc.Indicator(c.Request().Context(), c.Param("id"))
		if err != nil {
			return err
		}
		page := newMethodPage(lang, "/indicator/"+ind.ID)
		page.Title = indicatorTitle(lang, ind)
		page.Kicker = lang.t("methods_indicator") + " · " + lang.topic(ind.Topic, ind.TopicTitle)
		page.Facts = indicatorFacts(lang, ind)
		return renderMethods(c, page)
	}
}

func indicatorTitle(lang reportLang, ind atlas.Indicator) string {
	if lang == langEN && ind.TitleEN != "" {
		return ind.TitleEN
	}
	return ind.Title
}

// indicatorFacts lists what the catalogue says of an indicator; empty
// fields are left out, nothing is filled in.
func indicatorFacts(lang reportLang, ind atlas.Indicator) []methodFact {
	var fs []methodFact
	add := func(key, value string, german bool) {
		if value != "" {
			fs = append(fs, methodFact{Name: lang.t(key), Value: value, German: german && lang == langEN})
		}
	}
	if lang == langEN && ind.DefinitionEN != "" {
		add("definition", ind.DefinitionEN, false)
	} else {
		add("definition", ind.Definition, true)
	}
	add("m_unit", lang.unit(ind.Unit), false)
	add("m_direction", lang.tOr("dir_"+string(ind.Direction), string(ind.Direction)), false)
	if ind.Measure != "" {
		m := lang.tOr("m_measure_"+ind.Measure, ind.Measure)
		if ind.Weight != "" {
			m += "; " + fmt.Sprintf(lang.t("m_weight"), lang.tOr("m_weight_"+ind.Weight, ind.Weight))
		}
		add("m_measure", m, false)
	}
	if ind.Aggregation != "" {
		add("m_aggregation", lang.tOr("m_aggregation_"+ind.Aggregation, ind.Aggregation), false)
	}
	add("m_population_base", ind.PopulationBase, true)
	add("m_source", ind.Source, true)
	add("m_publisher", ind.Publisher, true)
	add("table", ind.TableID, false)
	add("m_reference_date", ind.ReferenceDate, true)
	add("gebietsstand", ind.Gebietsstand, true)
	if ind.Licence != "" {
		fs = append(fs, methodFact{Name: lang.t("licence"), Value: ind.Licence, Href: ind.LicenceURL})
	}
	add("m_attribution", ind.Attribution, true)
	if len(ind.Years) > 0 {
		years := fmt.Sprint(ind.Years[0])
		if n := len(ind.Years); n > 1 {
			years = fmt.Sprintf("%d–%d (%d %s)", ind.Years[0], ind.Years[n-1], n, lang.t("m_years_n"))
		}
		add("m_years", years, false)
	}
	levels := make([]string, len(ind.Levels))
	for i, l := range ind.Levels {
		levels[i] = lang.level(l)
	}
	add("m_levels", strings.Join(levels, ", "), false)
	var cov []string
	for _, lc := range ind.Coverage {
		s := fmt.Sprintf("%s %d: %d", lang.level(lc.Level), lc.Year, lc.Regions)
		if lc.Of > 0 {
			s += " " + fmt.Sprintf(lang.t("m_of"), lc.Of)
		}
		cov = append(cov, s)
	}
	add("m_coverage", strings.Join(cov, "; "), false)
	if ind.Partial {
		add("m_partial", lang.t("m_partial_text"), false)
	}
	add("m_notes", ind.Notes, true)
	return fs
}

func newMethodPage(lang reportLang, rest string) *methodPage {
	p := &methodPage{Lang: string(lang), T: lang.strings(), OtherLang: string(lang.other()),
		OtherLangName: lang.t("other_lang"), OtherHref: lang.other().methodsPath(rest)}
	if rest != "" {
		p.Back = lang.methodsPath("")
	}
	return p
}

func renderMethods(c echo.Context, page *methodPage) error {
	var buf bytes.Buffer
	if err := methodsTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("render method page: %w", err)
	}
	return writePage(c, http.StatusOK, page.Lang, buf.Bytes())
}

// methodsPath is the path of a method page in this language.
func (l reportLang) methodsPath(rest string) string {
	if l == langEN {
		return "/en/methods" + rest
	}
	return "/methods" + rest
}

func isMethodsPath(p string) bool {
	return p == "/methods" || p == "/en/methods" || strings.HasPrefix(p, "/methods/") || strings.HasPrefix(p, "/en/methods/")
}

func langIndex(l reportLang) int {
	if l == langEN {
		return 1
	}
	return 0
}

// tOr is the UI string of key, or value itself where the strings have no
// entry (a catalogue value the page does not know is shown as it is).
func (l reportLang) tOr(key, value string) string {
	if _, ok := reportStrings[key]; !ok {
		return value
	}
	return l.t(key)
}
