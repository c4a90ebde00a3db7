package web

import (
	"context"
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
	xrate "golang.org/x/time/rate"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/placeimport"
)

// IngestDeps are the dependencies of the write API (imports).
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
	// Refused records a request refused for its token (401, 403) in the
	// audit log (cmd wires ingest.Intake.Refused); nil: not recorded.
	Refused func(ctx context.Context, e atlas.AuditEntry, cause error)
}

// The ingest routes:
//
//	POST /api/v1/imports   import one file (token; multipart "file" [+ "catalogue", "crosswalk"] or raw body)
//	GET  /api/v1/audit     the audit log, newest first (token with the admin scope)
const importsPath = "/api/v1/imports"

// ownBodyLimit reports routes that set their own body limit instead of the
// global one (the skipper of the global limit in routes.go).
func ownBodyLimit(c echo.Context) bool {
	return c.Path() == importsPath || c.Path() == reportUploadPath
}

// newIngestHandlers returns the handlers of the write routes, the rate
// limiter of authenticated routes and the body limit of uploads (the
// routes are in routes.go).
func newIngestHandlers(d Deps) (*ingestHandlers, echo.MiddlewareFunc, echo.MiddlewareFunc) {
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
	return &ingestHandlers{svc: d.Service, imp: d.Ingest.Import, submit: d.Ingest.SubmitPlace, refused: d.Ingest.Refused}, limiter, middleware.BodyLimit(strconv.FormatInt(limit, 10) + "B")
}

type ingestHandlers struct {
	svc     *atlas.Service
	imp     func(ctx context.Context, req atlas.ImportRequest) (atlas.ImportResult, error)
	submit  func(ctx context.Context, sub placeimport.Submission, actor string, scope *atlas.Token) (atlas.Place, error)
	refused func(ctx context.Context, e atlas.AuditEntry, cause error)
}

// refuse records a request refused for its token (actor: the token, or
// the client's address) and returns err.
func (h *ingestHandlers) refuse(c echo.Context, actor string, err error) error {
	if h.refused != nil {
		h.refused(c.Request().Context(), atlas.AuditEntry{Actor: actor, Action: atlas.AuditAccess,
			Detail: c.Request().Method + " " + c.Request().URL.Path}, err)
	}
	return err
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
		secret, ok := bearer(c)
		client := "client:" + c.RealIP()
		if !ok {
			return h.refuse(c, client, fmt.Errorf("no bearer token: %w", atlas.ErrUnauthenticated))
		}
		tok, err := ts.TokenByHash(c.Request().Context(), atlas.HashToken(secret))
		if errors.Is(err, atlas.ErrUnauthenticated) {
			return h.refuse(c, client, fmt.Errorf("unknown or revoked token: %w", err))
		}
		if err != nil {
			return err
		}
		withToken(c, tok)
		return next(c)
	}
}

// bearer returns the secret of "Authorization: Bearer <token>".
func bearer(c echo.Context) (string, bool) {
	scheme, secret, _ := strings.Cut(c.Request().Header.Get("Authorization"), " ")
	secret = strings.TrimSpace(secret)
	return secret, strings.EqualFold(scheme, "Bearer") && secret != ""
}

// withToken puts the request's token into its context.
func withToken(c echo.Context, tok atlas.Token) {
	c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), tokenKey{}, tok)))
}

// requireScope refuses (403, audited) a request whose token (auth runs
// before) lacks scope (atlas.Token.HasScope).
func (h *ingestHandlers) requireScope(scope string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if tok := tokenOf(c); !tok.HasScope(scope) {
				return h.refuse(c, actorOf(tok), &atlas.ScopeError{Token: tok.Name, Scope: scope})
			}
			return next(c)
		}
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
	req := atlas.ImportRequest{Format: q.Get("format"), Name: q.Get("name"), Actor: actorOf(tok), Scope: &tok}
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

// actorOf names a token in the audit log: "token:3 (Statistisches Landesamt Bayern)".
func actorOf(tok atlas.Token) string { return fmt.Sprintf("token:%d (%s)", tok.ID, tok.Name) }
