package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/reporting"
)

// The reporting routes (municipal reporting, atlas/reporting):
//
//	GET    /api/v1/reports                                      definitions (public)
//	POST   /api/v1/reports                                      define a report (coordinator)
//	GET    /api/v1/reports/:id                                  definition and published periods (public)
//	GET    /api/v1/reports/:id/series/:key                      published figures of one region (public)
//	GET    /api/v1/reports/:id/mine                             regions the caller may report for
//	POST   /api/v1/reports/:id/check                            check figures (the form's inline validation)
//	GET    /api/v1/reports/:id/periods/:period                  who reported, who is late, reminders, corrections (coordinator)
//	GET    /api/v1/reports/:id/periods/:period/regions/:key     a region's form: current, draft, last period, history
//	PUT    /api/v1/reports/:id/periods/:period/regions/:key     save a draft or submit
//	POST   /api/v1/reports/:id/periods/:period/upload           CSV/xlsx of the form's shape
//	POST   /api/v1/reports/:id/periods/:period/publish          publish the period (coordinator)
//	POST   /api/v1/session, GET, DELETE                         exchange a token for a session cookie
//
// Writes authenticate with "Authorization: Bearer <token>" or with the
// session cookie of the web form plus its CSRF token (header
// X-CSRF-Token) on every request that changes something.

// sessionCookie is the name of the reporting session cookie.
const sessionCookie = "standortatlas_session"

// csrfHeader carries a session's CSRF token.
const csrfHeader = "X-CSRF-Token"

// reportUploadLimit bounds the body of a report upload.
const reportUploadLimit = 5 << 20

// defaultMaxSessions bounds the open sessions of the store (of all
// instances together) unless Deps.MaxSessions says otherwise; beyond it a
// sign-in is refused with 503.
const defaultMaxSessions = 10000

type reportHandlers struct {
	svc *atlas.Service
	rep *reporting.Service
	ttl time.Duration // of a session
	max int           // open sessions of the store
	now func() time.Time
}

func newReportHandlers(d Deps) *reportHandlers {
	ttl := d.SessionTTL
	if ttl <= 0 {
		ttl = 2 * time.Hour
	}
	max := d.MaxSessions
	if max <= 0 {
		max = defaultMaxSessions
	}
	return &reportHandlers{svc: d.Service, rep: d.Reporting, ttl: ttl, max: max, now: time.Now}
}

// Sessions are kept in the store (atlas.SessionStore), not in an instance's
// memory: every instance over the same store accepts a session any of them
// opened, and a logout or a revoked token ends it everywhere, so replicas
// behind a load balancer need no sticky sessions. The store keeps only the
// hash of the session id; the token is looked up afresh on every request.

func randomID() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (h *reportHandlers) sessions() (atlas.SessionStore, error) {
	ss, ok := h.svc.Store().(atlas.SessionStore)
	if !ok {
		return nil, fmt.Errorf("sessions: %w", atlas.ErrNotSupported)
	}
	return ss, nil
}

func (h *reportHandlers) tokens() (atlas.TokenStore, error) {
	ts, ok := h.svc.Store().(atlas.TokenStore)
	if !ok {
		return nil, fmt.Errorf("tokens: %w", atlas.ErrNotSupported)
	}
	return ts, nil
}

// auth accepts a bearer token, or the session cookie with its CSRF token
// on requests that change something; it puts the token in the context.
func (h *reportHandlers) auth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if h.rep == nil {
			return fmt.Errorf("reporting: %w", atlas.ErrNotSupported)
		}
		ts, err := h.tokens()
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		if secret, ok := bearer(c); ok {
			tok, err := ts.TokenByHash(ctx, atlas.HashToken(secret))
			if err != nil {
				return err
			}
			withToken(c, tok)
			return next(c)
		}
		ss, err := h.session(c)
		if err != nil {
			return err
		}
		if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead {
			got := c.Request().Header.Get(csrfHeader)
			if subtle.ConstantTimeCompare([]byte(got), []byte(ss.CSRF)) != 1 {
				return echo.NewHTTPError(http.StatusForbidden, "missing or wrong "+csrfHeader+" header (the CSRF token of the session)")
			}
		}
		withToken(c, ss.Token)
		return next(c)
	}
}

// session is the valid session of the request's cookie, with its active
// token; atlas.ErrUnauthenticated without one.
func (h *reportHandlers) session(c echo.Context) (atlas.Session, error) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return atlas.Session{}, atlas.ErrUnauthenticated
	}
	ss, err := h.sessions()
	if err != nil {
		return atlas.Session{}, err
	}
	s, err := ss.SessionByHash(c.Request().Context(), atlas.HashToken(ck.Value), h.now())
	if err != nil {
		return atlas.Session{}, fmt.Errorf("sign in again: %w", err)
	}
	return s, nil
}

// sessionInfo is the answer of the session routes.
type sessionInfo struct {
	SignedIn bool         `json:"signed_in"`
	CSRF     string       `json:"csrf,omitempty"`
	Expires  *time.Time   `json:"expires,omitempty"`
	Token    *atlas.Token `json:"token,omitempty"`
}

// createSession exchanges a token (JSON {"token": …})
// for a session cookie (HttpOnly, SameSite=Strict, Secure behind TLS) and
// answers with the session's CSRF token.
func (h *reportHandlers) createSession(c echo.Context) error {
	ts, err := h.tokens()
	if err != nil {
		return err
	}
	// JSON only: a cross-site HTML form cannot send it, so no other site
	// can sign a visitor in to a session of its choosing.
	if ct, _, _ := mime.ParseMediaType(c.Request().Header.Get("Content-Type")); ct != "application/json" {
		return &atlas.ParamError{Param: "Content-Type", Value: ct, Reason: "send JSON {\"token\": \"sat_…\"} as application/json"}
	}
	var body struct {
		Token string `json:"token"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	secret := strings.TrimSpace(body.Token)
	if secret == "" {
		return atlas.ErrUnauthenticated
	}
	hash := atlas.HashToken(secret)
	tok, err := ts.TokenByHash(c.Request().Context(), hash)
	if err != nil {
		return err
	}
	ss, err := h.sessions()
	if err != nil {
		return err
	}
	id, err := randomID()
	if err != nil {
		return err
	}
	csrf, err := randomID()
	if err != nil {
		return err
	}
	now := h.now()
	exp := now.UTC().Truncate(time.Second).Add(h.ttl) // the stores keep seconds
	if err := ss.CreateSession(c.Request().Context(), atlas.HashToken(id), tok.ID, csrf, exp, now, h.max); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: c.IsTLS() || scheme(c) == "https", Expires: exp, MaxAge: int(h.ttl.Seconds())})
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusCreated, sessionInfo{SignedIn: true, CSRF: csrf, Expires: &exp, Token: &tok})
}

// getSession answers who is signed in (and the CSRF token, for a reloaded
// page); without a valid session (expired, ended, token revoked)
// {"signed_in": false}.
func (h *reportHandlers) getSession(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	ss, err := h.session(c)
	if errors.Is(err, atlas.ErrUnauthenticated) {
		return c.JSON(http.StatusOK, sessionInfo{})
	}
	if err != nil {
		return err
	}
	exp := ss.Expires.UTC()
	return c.JSON(http.StatusOK, sessionInfo{SignedIn: true, CSRF: ss.CSRF, Expires: &exp, Token: &ss.Token})
}

// deleteSession signs out: the session ends in the store, on every instance.
func (h *reportHandlers) deleteSession(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		ss, err := h.sessions()
		if err != nil {
			return err
		}
		if err := ss.DeleteSession(c.Request().Context(), atlas.HashToken(ck.Value)); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	return c.NoContent(http.StatusNoContent)
}

func (h *reportHandlers) service() (*reporting.Service, error) {
	if h.rep == nil {
		return nil, fmt.Errorf("reporting: %w", atlas.ErrNotSupported)
	}
	return h.rep, nil
}

// periodParam reads the path parameter period ("2026-11" or "202611").
func periodParam(c echo.Context) (int, error) { return atlas.ParseMonth(c.Param("period")) }

// reports lists the definitions; an empty list says "noch keine Meldungen".
func (h *reportHandlers) reports(c echo.Context) error {
	rep, err := h.service()
	if err != nil {
		return err
	}
	defs, err := rep.Definitions(c.Request().Context())
	if err != nil {
		return err
	}
	out := map[string]any{"reports": defs}
	if len(defs) == 0 {
		out["note"] = "noch keine Meldungen: no report is defined yet (see atlas/reporting/README.md for an example definition)"
	}
	return c.JSON(http.StatusOK, out)
}

// report answers a definition with its published periods (reporting date
// and share of regions that reported) and the number of regions.
func (h *reportHandlers) report(c echo.Context) error {
	rep, err := h.service()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	pub, err := rep.Publications(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	regions, err := rep.Regions(ctx, pub.Report)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"report": pub.Report, "published": pub.Periods, "regions": len(regions)})
}

func (h *reportHandlers) series(c echo.Context) error {
	rep, err := h.service()
	if err != nil {
		return err
	}
	s, err := rep.Series(c.Request().Context(), c.Param("id"), c.Param("key"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"report": c.Param("id"), "key": c.Param("key"), "series": s})
}

func (h *reportHandlers) define(c echo.Context) error {
	var def atlas.ReportDefinition
	if err := decodeJSON(c, &def); err != nil {
		return err
	}
	tok := tokenOf(c)
	def, err := h.rep.Define(c.Request().Context(), tok, actorOf(tok), def)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, def)
}

func (h *reportHandlers) mine(c echo.Context) error {
	ctx := c.Request().Context()
	def, err := h.rep.Definition(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	tok := tokenOf(c)
	regions, err := h.rep.MyRegions(ctx, tok, def)
	if err != nil {
		return err
	}
	coord := reporting.AuthorizeCoordinator(tok, def) == nil
	return c.JSON(http.StatusOK, map[string]any{"report": def, "regions": regions, "coordinator": coord, "current_period": atlas.FormatMonth(atlas.MonthOf(h.now())),
		"periods": periodsOf(def, atlas.MonthOf(h.now()))})
}

// periodsOf lists the report's months from its first to now, newest first (at most 24).
func periodsOf(def atlas.ReportDefinition, now int) []string {
	var out []string
	for p := now; p >= def.FirstPeriod && len(out) < 24; p = atlas.AddMonths(p, -1) {
		out = append(out, atlas.FormatMonth(p))
	}
	return out
}

// entryBody is a form's or a system's figures: values as numbers or as
// text in German or plain notation (the form sends what was typed).
type entryBody struct {
	Values  map[string]any `json:"values"`
	Submit  bool           `json:"submit"`
	Comment string         `json:"comment"`
}

// values reads the figures; text that is not a number is a problem of its field.
func (b entryBody) values() (map[string]float64, []atlas.FieldProblem) {
	out := map[string]float64{}
	var problems []atlas.FieldProblem
	for k, v := range b.Values {
		switch x := v.(type) {
		case nil:
		case float64:
			out[k] = x
		case string:
			if strings.TrimSpace(x) == "" {
				continue
			}
			f, err := reporting.ParseNumber(x)
			if err != nil {
				problems = append(problems, atlas.FieldProblem{Field: k, Reason: "keine Zahl: " + err.Error()})
				continue
			}
			out[k] = f
		default:
			problems = append(problems, atlas.FieldProblem{Field: k, Reason: "keine Zahl"})
		}
	}
	return out, problems
}

// check applies the report's rules to figures without saving them: the
// form's inline validation (the same check as saving).
func (h *reportHandlers) check(c echo.Context) error {
	def, err := h.rep.Definition(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	var body entryBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	vals, problems := body.values()
	problems = append(problems, def.Check(vals, body.Submit)...)
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Field < problems[j].Field })
	if problems == nil {
		problems = []atlas.FieldProblem{}
	}
	return c.JSON(http.StatusOK, map[string]any{"ok": len(problems) == 0, "problems": problems})
}

func (h *reportHandlers) status(c echo.Context) error {
	ctx := c.Request().Context()
	def, err := h.rep.Definition(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if err := reporting.AuthorizeCoordinator(tokenOf(c), def); err != nil {
		return err
	}
	return h.period(c, func(period int) (any, error) { return h.rep.Status(ctx, def.ID, period) })
}

func (h *reportHandlers) form(c echo.Context) error {
	return h.period(c, func(period int) (any, error) {
		return h.rep.Form(c.Request().Context(), tokenOf(c), c.Param("id"), period, c.Param("key"))
	})
}

// period answers a read of one report period (the coordinator's status,
// a reporter's form): the period parsed once, never cached (it changes
// with every submission and depends on the token).
func (h *reportHandlers) period(c echo.Context, read func(period int) (any, error)) error {
	period, err := periodParam(c)
	if err != nil {
		return err
	}
	v, err := read(period)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, v)
}

// save stores one region's figures from the form (JSON entry).
func (h *reportHandlers) save(c echo.Context) error {
	return h.submit(c, func(ctx context.Context, tok atlas.Token, actor string, period int) (any, error) {
		var body entryBody
		if err := decodeJSON(c, &body); err != nil {
			return nil, err
		}
		vals, problems := body.values()
		if len(problems) > 0 {
			return nil, &atlas.CheckError{Report: c.Param("id"), Key: c.Param("key"), Problems: problems}
		}
		return h.rep.Save(ctx, tok, actor, c.Param("id"), period,
			reporting.Entry{Key: c.Param("key"), Values: vals, Submit: body.Submit, Comment: body.Comment})
	})
}

// upload submits a CSV or xlsx (raw body with ?name=, or multipart part "file").
func (h *reportHandlers) upload(c echo.Context) error {
	return h.submit(c, func(ctx context.Context, tok atlas.Token, actor string, period int) (any, error) {
		name, data, err := uploadedFile(c)
		if err != nil {
			return nil, err
		}
		subs, err := h.rep.Upload(ctx, tok, actor, c.Param("id"), period, name, data)
		if err != nil {
			return nil, err
		}
		return map[string]any{"submissions": subs}, nil
	})
}

// submit is the one path of a reporter's figures, from the form (save) or
// a file (upload): the period is parsed before the body is read, the
// token's actor is the author, and the stored submissions answer 201.
func (h *reportHandlers) submit(c echo.Context, store func(ctx context.Context, tok atlas.Token, actor string, period int) (any, error)) error {
	period, err := periodParam(c)
	if err != nil {
		return err
	}
	tok := tokenOf(c)
	out, err := store(c.Request().Context(), tok, actorOf(tok), period)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// uploadedFile reads a report upload: the raw body named by ?name=, or the
// multipart part "file" (named by its file name unless ?name= says).
func uploadedFile(c echo.Context) (name string, data []byte, err error) {
	name = c.QueryParam("name")
	ct, params, _ := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		mr := multipart.NewReader(c.Request().Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return "", nil, bodyError(err)
			}
			if part.FormName() != "file" {
				return "", nil, &atlas.ParamError{Param: part.FormName(), Reason: "unknown multipart part (file)"}
			}
			if data, err = readAll(part); err != nil {
				return "", nil, err
			}
			if name == "" {
				name = part.FileName()
			}
		}
	} else if data, err = readAll(c.Request().Body); err != nil {
		return "", nil, err
	}
	if len(data) == 0 {
		return "", nil, &atlas.ParamError{Param: "file", Reason: "empty upload"}
	}
	if name == "" {
		name = "upload"
	}
	return name, data, nil
}

func (h *reportHandlers) publish(c echo.Context) error {
	period, err := periodParam(c)
	if err != nil {
		return err
	}
	tok := tokenOf(c)
	pub, err := h.rep.Publish(c.Request().Context(), tok, actorOf(tok), c.Param("id"), period)
	if err != nil {
		return err
	}
	h.svc.Invalidate() // the map shows the published period at once
	return c.JSON(http.StatusCreated, pub)
}

// decodeJSON reads a JSON body into v, refusing unknown fields.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he
		}
		return &atlas.ParamError{Param: "body", Reason: "invalid JSON: " + err.Error()}
	}
	return nil
}

// reportUploadPath is the route of report uploads (own body limit).
const reportUploadPath = "/api/v1/reports/:id/periods/:period/upload"

// reportUpload limits the body of report uploads.
var reportUpload = middleware.BodyLimit(strconv.Itoa(reportUploadLimit) + "B")
