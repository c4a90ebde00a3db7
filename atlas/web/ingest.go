package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	xrate "golang.org/x/time/rate"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/placeimport"
)

// IngestDeps are the dependencies of the write API (imports) and exports.
type IngestDeps struct {
	// Import runs one import (cmd wires ingest.Intake.Import); nil answers
	// POST /api/v1/imports with 501.
	Import func(ctx context.Context, req atlas.ImportRequest) (atlas.ImportResult, error)
	// SubmitPlace stores a submitted place as pending (cmd wires
	// ingest.Intake.SubmitPlace); nil answers POST /api/v1/places with 501.
	SubmitPlace func(ctx context.Context, sub placeimport.Submission, actor string, scope *atlas.Token) (atlas.Place, error)
	// MaxUploadBytes bounds the body of POST /api/v1/imports (default 50 MiB).
	MaxUploadBytes int64
	// WriteRate limits authenticated-route requests per client address and
	// second (default 5, bursts of 20), also against token guessing.
	WriteRate float64
}

// The ingest routes:
//
//	POST /api/v1/imports   import one file (token; multipart "file" [+ "catalogue", "crosswalk"] or raw body)
//	GET  /api/v1/audit     the audit log, newest first (token)
//	GET  /api/v1/export    one indicator, level and year as CSV, German-Excel CSV or JSON (public)
const importsPath = "/api/v1/imports"

// ownBodyLimit reports routes that set their own body limit instead of the
// global one (the skipper of the global limit in routes.go).
func ownBodyLimit(c echo.Context) bool { return c.Path() == importsPath }

// registerIngest adds the import, audit and export routes.
func registerIngest(e *echo.Echo, d Deps) error {
	limit := d.Ingest.MaxUploadBytes
	if limit <= 0 {
		limit = 50 << 20
	}
	rate := d.Ingest.WriteRate
	if rate <= 0 {
		rate = 5
	}
	limiter := middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{Rate: xrate.Limit(rate), Burst: 20, ExpiresIn: 10 * time.Minute}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		ErrorHandler: func(c echo.Context, err error) error {
			return echo.NewHTTPError(http.StatusForbidden, "cannot identify the client")
		},
		DenyHandler: func(c echo.Context, id string, err error) error {
			c.Response().Header().Set("Retry-After", "10")
			return echo.NewHTTPError(http.StatusTooManyRequests, "too many write requests from this address; retry later")
		},
	})
	h := &ingestHandlers{svc: d.Service, imp: d.Ingest.Import, submit: d.Ingest.SubmitPlace}
	ph := &handlers{svc: d.Service, version: d.Version}
	registerPlaces(e, ph, h, limiter)
	registerPlaceTiles(e, ph)
	e.POST(importsPath, h.importFile, limiter, h.auth, middleware.BodyLimit(strconv.FormatInt(limit, 10)+"B"))
	e.GET("/api/v1/audit", h.audit, limiter, h.auth)
	e.GET("/api/v1/export", h.export, cors)
	return nil
}

type ingestHandlers struct {
	svc    *atlas.Service
	imp    func(ctx context.Context, req atlas.ImportRequest) (atlas.ImportResult, error)
	submit func(ctx context.Context, sub placeimport.Submission, actor string, scope *atlas.Token) (atlas.Place, error)
}

type tokenKey struct{}

// auth requires "Authorization: Bearer <token>" naming an active token
// (only its SHA-256 is looked up) and puts the token in the request's context.
func (h *ingestHandlers) auth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ts, ok := h.svc.Store().(atlas.TokenStore)
		if !ok {
			return fmt.Errorf("tokens: %w", atlas.ErrNotSupported)
		}
		scheme, secret, _ := strings.Cut(c.Request().Header.Get("Authorization"), " ")
		secret = strings.TrimSpace(secret)
		if !strings.EqualFold(scheme, "Bearer") || secret == "" {
			return atlas.ErrUnauthenticated
		}
		tok, err := ts.TokenByHash(c.Request().Context(), atlas.HashToken(secret))
		if err != nil {
			return err
		}
		c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), tokenKey{}, tok)))
		return next(c)
	}
}

func tokenOf(c echo.Context) atlas.Token {
	t, _ := c.Request().Context().Value(tokenKey{}).(atlas.Token)
	return t
}

// importFile runs one import. Query: format (genesis, inkar, ffcsv,
// canonical, gv, ks, auto), dry_run, force, name (raw body), and the format
// options (map=12=unemployment_rate, period, only_mapped, crosswalk_year,
// merge, ffcsv_* …). 201 with the release; 200 for a dry run or a file
// already imported the same way.
func (h *ingestHandlers) importFile(c echo.Context) error {
	if h.imp == nil {
		return fmt.Errorf("imports: %w", atlas.ErrNotSupported)
	}
	tok := tokenOf(c)
	q := c.QueryParams()
	req := atlas.ImportRequest{Format: q.Get("format"), Name: q.Get("name"), Actor: fmt.Sprintf("token:%d (%s)", tok.ID, tok.Name), Scope: &tok}
	var err error
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"dry_run", &req.DryRun}, {"force", &req.Force}} {
		if v := q.Get(b.name); v != "" {
			if *b.dst, err = strconv.ParseBool(v); err != nil {
				return &atlas.ParamError{Param: b.name, Value: v, Reason: "must be true or false"}
			}
		}
	}
	for _, k := range sortedParams(q) {
		switch k {
		case "format", "name", "dry_run", "force":
			continue
		}
		for _, v := range q[k] {
			req.Options = append(req.Options, k+"="+v)
		}
	}
	ct, params, _ := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		if err := h.readMultipart(c, params["boundary"], &req); err != nil {
			return err
		}
	} else {
		if req.Data, err = readAll(c.Request().Body); err != nil {
			return err
		}
	}
	if len(req.Data) == 0 {
		return &atlas.ParamError{Param: "file", Reason: "empty upload: send the file as the body or as the multipart part \"file\""}
	}
	res, err := h.imp(c.Request().Context(), req)
	if err != nil {
		return err
	}
	if !res.DryRun && !res.Unchanged {
		h.svc.Invalidate() // the next request sees the new data version
	}
	code := http.StatusCreated
	if res.DryRun || res.Unchanged {
		code = http.StatusOK
	}
	return c.JSON(code, res)
}

func (h *ingestHandlers) readMultipart(c echo.Context, boundary string, req *atlas.ImportRequest) error {
	if boundary == "" {
		return &atlas.ParamError{Param: "Content-Type", Reason: "multipart without boundary"}
	}
	mr := multipart.NewReader(c.Request().Body, boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return bodyError(err)
		}
		b, err := readAll(part)
		if err != nil {
			return err
		}
		switch part.FormName() {
		case "file":
			req.Data = b
			if req.Name == "" {
				req.Name = part.FileName()
			}
		case "catalogue":
			req.Catalogue = b
		case "crosswalk":
			req.Crosswalk, req.CrosswalkName = b, part.FileName()
		default:
			return &atlas.ParamError{Param: part.FormName(), Reason: "unknown multipart part (file, catalogue, crosswalk)"}
		}
	}
}

func readAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, bodyError(err)
	}
	return b, nil
}

// bodyError keeps the body limit's 413 and reports other read errors as a bad request.
func bodyError(err error) error {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he
	}
	return &atlas.ParamError{Param: "body", Reason: "cannot read the upload: " + err.Error()}
}

func sortedParams(q map[string][]string) []string {
	var ks []string
	for k := range q {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// audit lists the audit log (?limit=, default 100, at most 10000).
func (h *ingestHandlers) audit(c echo.Context) error {
	as, ok := h.svc.Store().(atlas.AuditStore)
	if !ok {
		return fmt.Errorf("audit: %w", atlas.ErrNotSupported)
	}
	limit, err := intParam(c, "limit", 100, 1, 10000)
	if err != nil {
		return err
	}
	list, err := as.Audit(c.Request().Context(), limit)
	if err != nil {
		return err
	}
	if list == nil {
		list = []atlas.AuditEntry{}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"entries": list})
}

// exportRow is one exported observation.
type exportRow struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Level     string   `json:"level"`
	Indicator string   `json:"indicator"`
	Period    int      `json:"period"`
	Value     *float64 `json:"value"`
	Flag      string   `json:"flag"`
}

// export answers one indicator, level and year in the data standard's long
// form: format=csv (UTF-8, ",", decimal point), csv-de (German Excel: UTF-8
// BOM, ";", decimal comma) or json. Source, licence and attribution travel
// with every export: as leading "# " lines in CSV (pandas:
// read_csv(…, comment="#"); Excel shows them above the header) and as
// members in JSON.
func (h *ingestHandlers) export(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.QueryParam("indicator")
	if id == "" || !atlas.ValidIndicatorID(id) {
		return &atlas.ParamError{Param: "indicator", Value: id, Reason: "required: an indicator id (see /api/v1/indicators)"}
	}
	level, err := parseLevel(c, atlas.LevelKreis)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	switch format {
	case "":
		format = "csv"
	case "csv", "csv-de", "json":
	default:
		return &atlas.ParamError{Param: "format", Value: format, Reason: "must be csv, csv-de or json"}
	}
	ind, err := h.svc.Indicator(ctx, id)
	if err != nil {
		return err
	}
	year, err := intParam(c, "year", ind.DefaultYear, 1800, 2200)
	if err != nil {
		return err
	}
	if !containsLevelOf(ind.Levels, level) {
		return &atlas.ParamError{Param: "level", Value: level.String(), Reason: fmt.Sprintf("%s has values for %v", id, ind.Levels)}
	}
	name := fmt.Sprintf("export|%s|%s|%d|%s", id, level, year, format)
	enc, err := h.svc.Cached(ctx, name, func(ctx context.Context) ([]byte, error) {
		return h.buildExport(ctx, ind, level, year, format)
	})
	if err != nil {
		return err
	}
	ext, ctype := "csv", "text/csv"
	if format == "json" {
		ext, ctype = "json", "application/json"
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="standortatlas_%s_%s_%d.%s"`, id, level, year, ext))
	return writeEncoded(c, enc, ctype)
}

func containsLevelOf(ls []atlas.Level, l atlas.Level) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

func (h *ingestHandlers) buildExport(ctx context.Context, ind atlas.Indicator, level atlas.Level, year int, format string) ([]byte, error) {
	vals, err := h.svc.Store().Values(ctx, ind.ID, level, year)
	if err != nil {
		return nil, err
	}
	if len(vals) == 0 {
		return nil, &atlas.ParamError{Param: "year", Value: strconv.Itoa(year), Reason: fmt.Sprintf("no values of %s for level %s in %d (years: %v)", ind.ID, level, year, ind.Years)}
	}
	regions, set, err := h.svc.DisplayRegions(ctx, level)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(regions))
	for _, r := range regions {
		names[r.Key] = r.Name
	}
	rows := make([]exportRow, 0, len(vals))
	for k, v := range vals {
		r := exportRow{Key: k, Name: names[k], Level: level.String(), Indicator: ind.ID, Period: year, Flag: string(v.Flag)}
		if !math.IsNaN(v.Value) {
			x := v.Value
			r.Value = &x
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Key < rows[j].Key })
	attribution := atlas.Attribution(ind, set)
	if format == "json" {
		cat := ind
		cat.Years, cat.DefaultYear = nil, 0
		return json.Marshal(map[string]any{
			"source": ind.Source, "licence": ind.Licence, "licence_url": ind.LicenceURL, "attribution": attribution,
			"boundaries":   map[string]any{"name": set.Name, "gebietsstand": set.Gebietsstand, "attribution": set.Attribution},
			"indicators":   []atlas.Indicator{cat},
			"observations": rows,
		})
	}
	var b bytes.Buffer
	sep, dec := ',', "."
	if format == "csv-de" {
		b.WriteString("\ufeff")
		sep, dec = ';', ","
	}
	comment := func(k, v string) {
		if v != "" {
			b.WriteString("# " + k + ": " + strings.ReplaceAll(v, "\n", " ") + "\n")
		}
	}
	comment("Standortatlas", fmt.Sprintf("%s (%s), %s, %d", ind.Title, ind.ID, level.Title(), year))
	comment("Quelle", ind.Source)
	comment("Lizenz", strings.TrimSpace(ind.Licence+" "+ind.LicenceURL))
	comment("Namensnennung", strings.Join(attribution, " | "))
	comment("Einheit", ind.Unit)
	comment("Stichtag", ind.ReferenceDate)
	comment("Gebietsstand der Namen", set.Name+", "+set.Gebietsstand)
	w := csv.NewWriter(&b)
	w.Comma = sep
	if err := w.Write([]string{"key", "name", "level", "indicator", "period", "value", "flag"}); err != nil {
		return nil, err
	}
	for _, r := range rows {
		v := ""
		if r.Value != nil {
			v = strconv.FormatFloat(*r.Value, 'f', -1, 64)
			if dec == "," {
				v = strings.Replace(v, ".", ",", 1)
			}
		}
		if err := w.Write([]string{r.Key, r.Name, r.Level, r.Indicator, strconv.Itoa(r.Period), v, r.Flag}); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
