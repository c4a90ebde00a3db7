package web

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/analysis"
)

// The region report: GET /region/{key} (German) and /en/region/{key}
// (English), a server-rendered page per Land, Kreis, Verwaltungsgemeinschaft
// and Gemeinde built from the region's profile (atlas/analysis): every
// domain with value, rank, Land and Germany reference, small time-series
// charts, a locator map drawn from the atlas's own display geometry,
// caveats, sources and a citation with the data version. It needs no
// JavaScript and prints on A4 (static/css/report.css). Everything reaches
// the page through html/template, so every text is escaped.

//go:embed report.html
var reportHTML string

// pageTopHTML is the top of every server-rendered page (report, methods).
//
//go:embed page_top.html
var pageTopHTML string

var reportTemplate = template.Must(template.Must(template.New("report").Parse(reportHTML)).Parse(pageTopHTML))

type reportLink struct {
	Name, Type, Href string
}

type reportPage struct {
	Lang, OtherLang, OtherLangName, OtherHref string
	T                                         map[string]string
	Title                                     string
	Name, Key, LevelTitle, Type               string
	Parents                                   []reportLink
	Children                                  []reportLink
	ChildrenTitle                             string
	AtlasHref                                 string
	MethodsHref                               string // the method pages in the page's language
	Maps                                      []reportMap
	Domains                                   []reportDomain
	RankNote                                  string
	Similar                                   []reportLink
	SimilarMethod                             string
	Caveats                                   []reportCaveat
	Sources                                   []reportSource
	Citation                                  string
	DataVersion                               string
	Retrieved                                 string
	Gebietsstand                              string
	// Error pages only.
	Status  int
	Message string
}

type reportDomain struct {
	ID, Title string
	Rows      []reportRow
}

type reportRow struct {
	ID, Title, Definition, Direction string
	MethodHref                       string // the indicator's method page
	Year, Value, Flag                string
	Rank, Percentile                 string
	Land, Germany                    string
	Caveats                          []int
	Chart                            *reportChart
}

type reportCaveat struct {
	N        int
	Text     string
	German   bool // a text from the data, in German, on the English page
	Subjects []string
}

type reportSource struct {
	Attribution, Licence, LicenceURL string
	Tables                           []string
	Used                             []string
}

// reportPoint is a point of a chart or map in SVG user units.
type reportPoint struct{ X, Y float64 }

type reportChart struct {
	W, H             float64
	Lines            []string // polyline points
	Last             reportPoint
	Desc             string
	FirstYear        int
	LastYear         int
	MinLabel, MaxLab string
}

type reportMap struct {
	Title     string
	W, H      float64
	Context   string // path data of the context regions
	Highlight string // path data of the region
	Marker    *reportPoint
}

// report serves the region report in one language.
func (h *handlers) report(lang reportLang) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Param("key")
		if l, ok := atlas.LevelOfKey(key); !ok || !atlas.ValidKey(l, key) {
			return fmt.Errorf("region report %q: %w", key, atlas.ErrNotFound)
		}
		page, err := h.reportPage(c.Request().Context(), lang, key, baseURL(c))
		if err != nil {
			return err
		}
		return renderReport(c, http.StatusOK, page)
	}
}

func renderReport(c echo.Context, status int, page *reportPage) error {
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("render region report: %w", err)
	}
	return writePage(c, status, page.Lang, buf.Bytes())
}

// writePage answers with a rendered HTML page (region report, method
// pages), gzipped when the client accepts it.
func writePage(c echo.Context, status int, lang string, body []byte) error {
	hd := c.Response().Header()
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Content-Language", lang)
	hd.Add("Vary", "Accept-Encoding")
	if strings.Contains(c.Request().Header.Get("Accept-Encoding"), "gzip") {
		hd.Set("Content-Encoding", "gzip")
		return c.Blob(status, echo.MIMETextHTMLCharsetUTF8, gzipBytes(body))
	}
	return c.HTMLBlob(status, body)
}

// isReportPath tells the error handler which requests want an HTML page:
// the region report and the method pages (methods.go).
func isReportPath(p string) bool {
	return strings.HasPrefix(p, "/region/") || strings.HasPrefix(p, "/en/region/") || isMethodsPath(p)
}

// writeReportError answers a report request that failed with a page in the
// request's language (errors.go maps the error to the status).
func writeReportError(c echo.Context, code int) error {
	p := c.Request().URL.Path
	lang := reportLangOf(p)
	key := c.Param("key")
	page := &reportPage{Lang: string(lang), T: lang.strings(), Status: code}
	page.OtherLang, page.OtherLangName, page.OtherHref = string(lang.other()), lang.t("other_lang"), lang.other().path(url.PathEscape(key))
	methods := isMethodsPath(p)
	if methods {
		key = p[strings.LastIndex(p, "/")+1:]
		page.OtherHref = lang.other().methodsPath("")
	}
	switch {
	case code == http.StatusNotFound && methods:
		page.Title = lang.t("method_not_found")
		page.Message = fmt.Sprintf(lang.t("method_not_found_text"), key)
	case code == http.StatusNotFound:
		page.Title = lang.t("not_found")
		page.Message = fmt.Sprintf(lang.t("not_found_text"), key)
	default:
		page.Title = lang.t("error")
		page.Message = lang.t("error_text")
	}
	return renderReport(c, code, page)
}

// strings returns all UI strings in the language, for the template.
func (l reportLang) strings() map[string]string {
	m := make(map[string]string, len(reportStrings))
	for k := range reportStrings {
		m[k] = l.t(k)
	}
	return m
}

func (h *handlers) reportPage(ctx context.Context, lang reportLang, key, base string) (*reportPage, error) {
	p, err := h.an.Profile(ctx, key, 5)
	if err != nil {
		return nil, err
	}
	inds, err := h.svc.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	catalogue := make(map[string]atlas.Indicator, len(inds))
	for _, ind := range inds {
		catalogue[ind.ID] = ind
	}
	snap, err := h.svc.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	page := &reportPage{
		Lang: string(lang), T: lang.strings(),
		Name: p.Name, Key: p.Key, LevelTitle: lang.level(p.Level), Type: lang.regionType(p.Type),
		OtherLang: string(lang.other()), OtherLangName: lang.t("other_lang"), OtherHref: lang.other().path(p.Key),
		Gebietsstand: p.Boundaries["gebietsstand"],
	}
	page.Title = fmt.Sprintf("%s – %s", p.Name, lang.t("report"))
	for _, pr := range p.Parents {
		if pr.Name == "" {
			continue
		}
		page.Parents = append(page.Parents, reportLink{Name: pr.Name, Type: lang.level(pr.Level), Href: lang.path(pr.Key)})
	}
	if p.Children != nil && p.Children.Count > 0 {
		page.ChildrenTitle = fmt.Sprintf("%d %s", p.Children.Count, lang.t(map[atlas.Level]string{atlas.LevelKreis: "children_kreis", atlas.LevelGemeinde: "children_gem"}[p.Children.Level]))
		for _, ch := range p.Children.Regions {
			page.Children = append(page.Children, reportLink{Name: ch.Name, Type: lang.regionType(ch.Type), Href: lang.path(ch.Key)})
		}
	}
	q := url.Values{"region": {p.Key}}
	if p.Level == atlas.LevelLand || p.Level == atlas.LevelKreis || p.Level == atlas.LevelGemeinde {
		q.Set("level", p.Level.String())
	}
	if lang == langEN {
		q.Set("lang", "en")
	}
	page.AtlasHref = "/?" + q.Encode()
	page.MethodsHref = lang.methodsPath("")
	page.RankNote = fmt.Sprintf(lang.t("rank_note"), lang.t("among_"+p.Level.String()))

	caveats := &caveatList{lang: lang}
	attrUsed := map[string]*reportSource{}
	var attrOrder []string
	for _, pi := range p.Indicators {
		ind := catalogue[pi.ID]
		title := pi.Title
		if lang == langEN && ind.TitleEN != "" {
			title = ind.TitleEN
		}
		row := reportRow{ID: pi.ID, Title: title, Direction: lang.t("dir_" + string(pi.Direction)), MethodHref: lang.methodsPath("/indicator/" + pi.ID)}
		row.Definition = ind.Definition
		if lang == langEN {
			row.Definition = ind.DefinitionEN
		}
		if ind.Notes != "" {
			row.Caveats = append(row.Caveats, caveats.add(ind.Notes, true, title))
		}
		if pi.Latest != nil {
			l := pi.Latest
			row.Year = fmt.Sprint(l.Year)
			row.Value = lang.value(l.Value, pi.Decimals, pi.Unit)
			row.Flag = lang.flag(l.Flag)
			row.Rank = fmt.Sprintf(lang.t("rank_of"), l.Rank, l.Of)
			row.Percentile = lang.number(l.Percentile, 1)
			row.Land = caveats.reference(pi.Land, pi, title, &row)
			row.Germany = caveats.reference(pi.Germany, pi, title, &row)
		} else {
			row.Value = lang.t("no_value")
		}
		row.Chart = reportSeriesChart(lang, pi, title)
		domainID := pi.Topic
		di := slices.IndexFunc(page.Domains, func(d reportDomain) bool { return d.ID == domainID })
		if di < 0 {
			page.Domains = append(page.Domains, reportDomain{ID: domainID, Title: lang.topic(domainID, ind.TopicTitle)})
			di = len(page.Domains) - 1
		}
		page.Domains[di].Rows = append(page.Domains[di].Rows, row)

		src, ok := attrUsed[pi.Attribution]
		if !ok {
			src = &reportSource{Attribution: pi.Attribution, Licence: ind.Licence, LicenceURL: ind.LicenceURL}
			attrUsed[pi.Attribution] = src
			attrOrder = append(attrOrder, pi.Attribution)
		}
		src.Used = append(src.Used, title)
		if pi.TableID != "" && !slices.Contains(src.Tables, pi.TableID) {
			src.Tables = append(src.Tables, pi.TableID)
		}
	}
	for _, a := range attrOrder {
		page.Sources = append(page.Sources, *attrUsed[a])
	}
	page.Caveats = caveats.items

	if p.Similar != nil {
		for _, s := range p.Similar.Regions {
			page.Similar = append(page.Similar, reportLink{Name: s.Name, Type: lang.regionType(s.Type), Href: lang.path(s.Key)})
		}
	}

	maps, geoAttr, err := h.reportMaps(ctx, lang, p)
	if err != nil {
		return nil, err
	}
	page.Maps = maps
	geo := &reportSource{Attribution: p.Boundaries["attribution"], Used: []string{lang.t("sources_geo") + ": " + p.Boundaries["name"] + ", " + lang.t("gebietsstand") + " " + p.Boundaries["gebietsstand"]}}
	page.Sources = append([]reportSource{*geo}, page.Sources...)
	for _, a := range geoAttr {
		if a != geo.Attribution {
			page.Sources = append(page.Sources, reportSource{Attribution: a, Used: []string{lang.t("sources_geo")}})
		}
	}

	seed := snap.Meta(ctx, "seed_version")
	page.DataVersion = fmt.Sprint(p.DataVersion)
	seedNote := ""
	if seed != "" {
		page.DataVersion += " (" + seed + ")"
		seedNote = " (" + seed + ")"
	}
	now := time.Now().UTC()
	page.Retrieved = now.Format("02.01.2006")
	if lang == langEN {
		page.Retrieved = now.Format("2 January 2006")
	}
	page.Citation = fmt.Sprintf(lang.t("cite_text"), p.Name, p.Key, p.DataVersion, seedNote, page.Retrieved, strings.TrimRight(base, "/")+lang.path(p.Key))
	return page, nil
}

// caveatList numbers the notes of a report once each.
type caveatList struct {
	lang  reportLang
	items []reportCaveat
}

func (cl *caveatList) add(text string, fromData bool, subject string) int {
	for i := range cl.items {
		if cl.items[i].Text == text {
			if !slices.Contains(cl.items[i].Subjects, subject) {
				cl.items[i].Subjects = append(cl.items[i].Subjects, subject)
			}
			return cl.items[i].N
		}
	}
	n := len(cl.items) + 1
	cl.items = append(cl.items, reportCaveat{N: n, Text: text, German: fromData && cl.lang == langEN, Subjects: []string{subject}})
	return n
}

// reference formats a Land or Germany reference and files its note as a
// caveat of the row. What the note says is read from the reference's
// structured fields (Basis, SumOf, Aggregation), in the page's language;
// only a note of another kind is shown as the analysis wrote it (German,
// marked as such on the English page).
func (cl *caveatList) reference(ref *analysis.Reference, pi analysis.ProfileIndicator, title string, row *reportRow) string {
	lang := cl.lang
	if ref == nil {
		return ""
	}
	if ref.Value == nil {
		return lang.t("ref_none") // "–" is explained once under the caveats (def_dash)
	}
	out := lang.value(*ref.Value, pi.Decimals, pi.Unit)
	if f := lang.flag(ref.Flag); f != "" {
		out += " (" + f + ")"
	}
	note, fromData := ref.Note, true
	switch {
	case ref.Basis != analysis.BasisOwn:
		if note == "" {
			return out
		}
	case ref.SumOf != nil && ref.Key != atlas.GermanyKey:
		note, fromData = fmt.Sprintf(lang.t("ref_sum_in_land"), ref.SumOf.Count), false
	case ref.SumOf != nil:
		note, fromData = fmt.Sprintf(lang.t("ref_sum_"+ref.SumOf.Level.String()), ref.SumOf.Count), false
	case ref.Aggregation != "":
		if t := lang.tOr("m_aggregation_"+ref.Aggregation, ""); t != "" {
			note, fromData = t+".", false
		}
	}
	if note == "" {
		return out
	}
	n := cl.add(note, fromData, title)
	if !slices.Contains(row.Caveats, n) {
		row.Caveats = append(row.Caveats, n)
	}
	return out
}

// reportSeriesChart draws a small line chart of an indicator's series
// (gaps where a year has no value); nil with fewer than two values.
func reportSeriesChart(lang reportLang, pi analysis.ProfileIndicator, title string) *reportChart {
	var years []int
	var vals []float64
	for _, pt := range pi.Series {
		if pt.Value != nil {
			years = append(years, pt.Year)
			vals = append(vals, *pt.Value)
		}
	}
	if len(vals) < 2 {
		return nil
	}
	const w, h, pad = 150.0, 36.0, 3.0
	lo, hi := slices.Min(vals), slices.Max(vals)
	y0, y1 := pi.Series[0].Year, pi.Series[len(pi.Series)-1].Year
	x := func(y int) float64 {
		if y1 == y0 {
			return w / 2
		}
		return pad + (w-2*pad)*float64(y-y0)/float64(y1-y0)
	}
	y := func(v float64) float64 {
		if hi == lo {
			return h / 2
		}
		return pad + (h-2*pad)*(hi-v)/(hi-lo)
	}
	ch := &reportChart{W: w, H: h, FirstYear: years[0], LastYear: years[len(years)-1],
		MinLabel: lang.number(lo, pi.Decimals), MaxLab: lang.number(hi, pi.Decimals)}
	var cur []string
	flush := func() {
		if len(cur) > 1 {
			ch.Lines = append(ch.Lines, strings.Join(cur, " "))
		}
		cur = nil
	}
	for _, pt := range pi.Series {
		if pt.Value == nil {
			flush()
			continue
		}
		cur = append(cur, fmt.Sprintf("%.1f,%.1f", x(pt.Year), y(*pt.Value)))
		ch.Last = reportPoint{X: math.Round(x(pt.Year)*10) / 10, Y: math.Round(y(*pt.Value)*10) / 10}
	}
	flush()
	ch.Desc = fmt.Sprintf(lang.t("series_desc"), title, years[0], years[len(years)-1],
		lang.value(vals[0], pi.Decimals, pi.Unit), lang.value(vals[len(vals)-1], pi.Decimals, pi.Unit))
	return ch
}

// reportMaps draws the locator maps: the region in Germany (Länder
// borders) and, below the Land, the region among the regions of its Land
// (Kreis) or Kreis (Gemeinde, Verwaltungsgemeinschaft); a Land shows its
// Kreise. It returns the attributions of the boundaries drawn.
func (h *handlers) reportMaps(ctx context.Context, lang reportLang, p *analysis.Profile) ([]reportMap, []string, error) {
	_, land, err := h.svc.Level(ctx, atlas.LevelLand)
	if err != nil {
		return nil, nil, err
	}
	_, own, err := h.svc.Level(ctx, p.Level)
	if err != nil {
		return nil, nil, err
	}
	region, ok := own.Region(p.Key)
	if !ok {
		return nil, nil, fmt.Errorf("region %s: %w", p.Key, atlas.ErrNotFound)
	}
	attrs := []string{land.Set.Attribution}
	germany := make([]orb.MultiPolygon, len(land.Regions))
	for i, r := range land.Regions {
		germany[i] = r.Geom
	}
	maps := []reportMap{drawLocator(fmt.Sprintf(lang.t("locator_de"), p.Name), germany, region.Geom, land.Extent, 260)}

	// the region among its neighbours of one level
	ctxLevel, prefix := atlas.LevelKreis, p.Key[:2]
	parentName := ""
	switch p.Level {
	case atlas.LevelKreis:
	case atlas.LevelGemeinde, atlas.LevelVWG:
		ctxLevel, prefix = atlas.LevelGemeinde, p.Key[:5]
	}
	for _, pr := range p.Parents {
		if pr.Key == prefix {
			parentName = pr.Name
		}
	}
	if p.Level == atlas.LevelLand {
		parentName = p.Name
	}
	_, cl, err := h.svc.Level(ctx, ctxLevel)
	if errors.Is(err, atlas.ErrNotFound) {
		return maps, attrs, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var geoms []orb.MultiPolygon
	var bound orb.Bound
	for i, r := range cl.Regions {
		if !strings.HasPrefix(r.Key, prefix) {
			continue
		}
		if len(geoms) == 0 {
			bound = cl.Bounds[i]
		} else {
			bound = bound.Union(cl.Bounds[i])
		}
		geoms = append(geoms, r.Geom)
	}
	if len(geoms) == 0 {
		return maps, attrs, nil
	}
	hl := region.Geom
	if p.Level == atlas.LevelLand {
		hl = nil
	}
	title := parentName
	if p.Level != atlas.LevelLand {
		title = fmt.Sprintf(lang.t("locator_parent"), p.Name, parentName)
	}
	maps = append(maps, drawLocator(title, geoms, hl, bound, 260))
	if !slices.Contains(attrs, cl.Set.Attribution) {
		attrs = append(attrs, cl.Set.Attribution)
	}
	return maps, attrs, nil
}
