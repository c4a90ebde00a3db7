package genesis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MaxBody bounds a downloaded table (the flat CSV of a large table is tens
// of MB zipped); JSON answers are read up to 1 MiB.
const (
	MaxBody     = 512 << 20
	maxDocument = 1 << 20
)

// Client talks to one GENESIS installation. The zero values of the
// optional fields are sensible defaults.
type Client struct {
	Source      Source
	Credentials Credentials
	// HTTP is the HTTP client (default: one with a 10-minute timeout per
	// request; a large table takes minutes).
	HTTP *http.Client
	// PollEvery is the pause between two looks at a background job
	// (default 5 s); JobTimeout bounds the wait for it (default 30 min).
	PollEvery  time.Duration
	JobTimeout time.Duration
	// Progress, when set, receives one line per step (job created, waiting).
	Progress func(msg string)
	// UserAgent is sent with every request (default "standortatlas").
	UserAgent string
}

// TableRequest selects what data/tablefile delivers. The names follow the
// service's parameters.
type TableRequest struct {
	// Name is the table code, e.g. "12531-0043" or "13211-02-05-4".
	Name string
	// RegionalVariable (e.g. KREISE, DLAND, GEMEIN) and RegionalKey (keys,
	// comma-separated, "*" as wildcard: "09*") restrict the regions.
	RegionalVariable string
	RegionalKey      string
	// StartYear and EndYear restrict the time (0: not restricted).
	StartYear, EndYear int
	// Classifying restricts up to three classifying variables to some of
	// their categories (the service's classifyingvariableN/classifyingkeyN).
	Classifying []Classifying
	// Compress asks the service to leave out empty rows ("compress=true").
	// Off by default: a "-" (nothing there) is a zero, and a missing row
	// would turn it into "no data".
	Compress bool
}

// Classifying is one classifying variable and the categories to keep
// (comma-separated, "*" as wildcard).
type Classifying struct {
	Variable string `json:"variable"`
	Keys     string `json:"keys"`
}

var tableName = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z*-]{2,40}$`)

// Validate checks the request before anything is sent.
func (r TableRequest) Validate() error {
	if !tableName.MatchString(r.Name) {
		return fmt.Errorf("genesis: table %q: want a GENESIS table code such as 12531-0043 or 13211-02-05-4", r.Name)
	}
	if r.StartYear != 0 && (r.StartYear < 1800 || r.StartYear > 2200) || r.EndYear != 0 && (r.EndYear < 1800 || r.EndYear > 2200) {
		return fmt.Errorf("genesis: table %s: years %d–%d out of range", r.Name, r.StartYear, r.EndYear)
	}
	if r.StartYear != 0 && r.EndYear != 0 && r.EndYear < r.StartYear {
		return fmt.Errorf("genesis: table %s: end year %d before start year %d", r.Name, r.EndYear, r.StartYear)
	}
	if len(r.Classifying) > 3 {
		return fmt.Errorf("genesis: table %s: at most 3 classifying variables", r.Name)
	}
	for _, c := range r.Classifying {
		if c.Variable == "" || c.Keys == "" {
			return fmt.Errorf("genesis: table %s: classifying variable %q needs categories", r.Name, c.Variable)
		}
	}
	return nil
}

// form is the request's parameters as the service names them.
func (r TableRequest) form(name string, job bool) url.Values {
	year := func(y int) string {
		if y == 0 {
			return ""
		}
		return strconv.Itoa(y)
	}
	v := url.Values{
		"name": {name}, "area": {"all"}, "format": {"ffcsv"}, "language": {"de"}, "quality": {"off"},
		"compress": {strconv.FormatBool(r.Compress)}, "job": {strconv.FormatBool(job)},
		"startyear": {year(r.StartYear)}, "endyear": {year(r.EndYear)},
		"regionalvariable": {r.RegionalVariable}, "regionalkey": {r.RegionalKey},
	}
	for i, c := range r.Classifying {
		n := strconv.Itoa(i + 1)
		v.Set("classifyingvariable"+n, c.Variable)
		v.Set("classifyingkey"+n, c.Keys)
	}
	return v
}

// File is a downloaded table.
type File struct {
	// Name is the file name the service gave (Content-Disposition), or
	// TABLE_flat.csv / .zip.
	Name string
	Body []byte
	// Job is the name of the background job that produced the file, if any.
	Job string
}

// LoginCheck asks helloworld/logincheck whether the service accepts the
// credentials and returns its answer.
func (c *Client) LoginCheck(ctx context.Context) (string, error) {
	if err := c.ready(); err != nil {
		return "", err
	}
	resp, body, err := c.post(ctx, "helloworld/logincheck", url.Values{"language": {"de"}}, maxDocument)
	if err != nil {
		return "", err
	}
	var doc struct {
		Status json.RawMessage `json:"Status"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || len(doc.Status) == 0 {
		return "", c.answerError("helloworld/logincheck", resp, body)
	}
	var text string
	if err := json.Unmarshal(doc.Status, &text); err != nil {
		// A status block instead of the flat answer: an error document.
		return "", c.answerError("helloworld/logincheck", resp, body)
	}
	text = c.Credentials.redact(oneLine(text))
	switch {
	case strings.Contains(strings.ToLower(text), "erfolgreich"):
		return text, nil
	case strings.Contains(strings.ToLower(text), "fehler"):
		return "", &StatusError{Source: c.Source.Name, Endpoint: "helloworld/logincheck", HTTPStatus: resp.StatusCode, Status: Status{Content: text},
			Hint: "the credentials were not accepted; registrations are per database (GENESIS-Online and the Regionaldatenbank each have their own)", err: ErrLogin}
	}
	return "", &StatusError{Source: c.Source.Name, Endpoint: "helloworld/logincheck", HTTPStatus: resp.StatusCode, Status: Status{Content: text}, err: ErrUnexpected}
}

// TableFile downloads a table as flat CSV (usually a zip holding one CSV).
// A table too large for a direct answer is fetched through a background
// job, which needs a username and password (an API token may not start
// jobs): the job is polled every PollEvery until its result is listed or
// JobTimeout has passed.
func (c *Client) TableFile(ctx context.Context, r TableRequest) (*File, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	const ep = "data/tablefile"
	resp, body, err := c.post(ctx, ep, r.form(r.Name, false), MaxBody)
	if err != nil {
		return nil, err
	}
	if f, ok := c.file(resp, body, r.Name); ok {
		return f, nil
	}
	doc, err := c.document(ep, resp, body)
	if doc == nil || doc.Status.Code != CodeTooLarge {
		if err == nil {
			err = c.answerError(ep, resp, body)
		}
		return nil, err
	}
	if c.Credentials.Token() {
		return nil, &StatusError{Source: c.Source.Name, Endpoint: ep, HTTPStatus: resp.StatusCode, Status: c.clean(doc.Status), err: ErrTooLarge,
			Hint: "the service delivers this table only as a background job, and jobs need a username and password (an API token may only read); give them, or ask for less (-years, -regionalkey, -classifying)"}
	}
	job, err := c.startJob(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := c.awaitJob(ctx, job); err != nil {
		return nil, err
	}
	const rep = "data/resultfile"
	resp, body, err = c.post(ctx, rep, r.form(job, false), MaxBody)
	if err != nil {
		return nil, err
	}
	if f, ok := c.file(resp, body, r.Name); ok {
		f.Job = job
		return f, nil
	}
	if _, err := c.document(rep, resp, body); err != nil {
		return nil, err
	}
	return nil, c.answerError(rep, resp, body)
}

// jobName finds the result name in the answer to job=true ("… mit
// folgendem Namen abgerufen werden: 12531-0043_673843136").
var jobName = regexp.MustCompile(`([0-9A-Za-z][0-9A-Za-z-]*_[0-9]+)`)

func (c *Client) startJob(ctx context.Context, r TableRequest) (string, error) {
	const ep = "data/tablefile"
	c.progress(fmt.Sprintf("%s: table %s is too large for a direct answer; asking for a background job", c.Source.Name, r.Name))
	resp, body, err := c.post(ctx, ep, r.form(r.Name, true), maxDocument)
	if err != nil {
		return "", err
	}
	doc, err := c.document(ep, resp, body)
	if doc == nil || doc.Status.Code != CodeJobCreated {
		if err == nil {
			err = c.answerError(ep, resp, body)
		}
		return "", err
	}
	_, rest, ok := strings.Cut(doc.Status.Content, "abgerufen werden:")
	if !ok {
		rest = doc.Status.Content
	}
	name := jobName.FindString(rest)
	if name == "" {
		return "", &StatusError{Source: c.Source.Name, Endpoint: ep, HTTPStatus: resp.StatusCode, Status: c.clean(doc.Status), err: ErrUnexpected,
			Hint: "the answer names no result to fetch"}
	}
	c.progress(fmt.Sprintf("%s: background job %s created", c.Source.Name, name))
	return name, nil
}

// awaitJob polls catalogue/results until the job's result is listed.
func (c *Client) awaitJob(ctx context.Context, job string) error {
	const ep = "catalogue/results"
	every, limit := c.PollEvery, c.JobTimeout
	if every <= 0 {
		every = 5 * time.Second
	}
	if limit <= 0 {
		limit = 30 * time.Minute
	}
	deadline := time.Now().Add(limit)
	for n := 1; ; n++ {
		resp, body, err := c.post(ctx, ep, url.Values{"selection": {job}, "area": {"user"}, "pagelength": {"1"}, "language": {"de"}}, maxDocument)
		if err != nil {
			return err
		}
		doc, err := c.document(ep, resp, body)
		switch {
		case doc == nil:
			return c.answerError(ep, resp, body)
		case doc.Status.Code == CodeNoSuchObject:
			// not listed yet: the job is still running
		case err != nil:
			return err
		default:
			for _, raw := range doc.List {
				var item struct {
					Code string `json:"Code"`
				}
				if json.Unmarshal(raw, &item) == nil && item.Code == job {
					return nil
				}
			}
		}
		if time.Now().Add(every).After(deadline) {
			return &StatusError{Source: c.Source.Name, Endpoint: ep, HTTPStatus: resp.StatusCode, Status: c.clean(doc.Status), err: ErrJobTimeout,
				Hint: fmt.Sprintf("background job %s is not ready after %s (%d looks); the service keeps it for the account: fetch again later", job, limit, n)}
		}
		if n == 1 || n%12 == 0 {
			c.progress(fmt.Sprintf("%s: waiting for background job %s", c.Source.Name, job))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
}

func (c *Client) ready() error {
	if c.Source.BaseURL == "" {
		return fmt.Errorf("genesis: no source (base URL) given")
	}
	if c.Credentials.Empty() {
		return fmt.Errorf("%s (%s): %w: set a username and password or an API token of this database", c.Source.Name, c.Source.BaseURL, ErrNoCredentials)
	}
	return nil
}

func (c *Client) progress(msg string) {
	if c.Progress != nil {
		c.Progress(msg)
	}
}

// post sends one request: parameters form-encoded in the body, the
// credentials in the headers, never in the URL.
func (c *Client) post(ctx context.Context, endpoint string, form url.Values, limit int64) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Source.BaseURL+endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", c.Source.Name, endpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("username", c.Credentials.Username)
	req.Header.Set("password", c.Credentials.Password)
	ua := c.UserAgent
	if ua == "" {
		ua = "standortatlas"
	}
	req.Header.Set("User-Agent", ua)
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Minute}
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		// The URL has no secrets; the error text is redacted anyway.
		return nil, nil, &StatusError{Source: c.Source.Name, Endpoint: endpoint, err: ErrUnavailable,
			Hint: "cannot reach " + c.Source.BaseURL + ": " + c.Credentials.redact(err.Error())}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, &StatusError{Source: c.Source.Name, Endpoint: endpoint, HTTPStatus: resp.StatusCode, err: ErrUnavailable,
			Hint: "the answer broke off: " + c.Credentials.redact(err.Error())}
	}
	if int64(len(body)) > limit {
		return nil, nil, &StatusError{Source: c.Source.Name, Endpoint: endpoint, HTTPStatus: resp.StatusCode, err: ErrTooLarge,
			Hint: fmt.Sprintf("the answer exceeds %d MiB; ask for less (-years, -regionalkey, -classifying)", limit>>20)}
	}
	return resp, body, nil
}

// file returns the answer as a table file when it is one: a zip, or CSV.
func (c *Client) file(resp *http.Response, body []byte, table string) (*File, bool) {
	if resp.StatusCode != http.StatusOK || len(body) == 0 {
		return nil, false
	}
	zipped := bytes.HasPrefix(body, []byte("PK\x03\x04"))
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if !zipped && !(ct == "text/csv" || ct == "text/plain" && !looksJSON(body)) {
		return nil, false
	}
	name := ""
	if _, p, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		name = p["filename"]
	}
	if name == "" || strings.ContainsAny(name, `/\`) {
		name = table + "_flat.csv"
		if zipped {
			name = table + "_flat.zip"
		}
	}
	return &File{Name: name, Body: body}, true
}

func looksJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \r\n\t\ufeff")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// document parses a JSON status document and returns it with the error its
// status reports (nil for success). It returns a nil document when the
// answer is not one.
func (c *Client) document(endpoint string, resp *http.Response, body []byte) (*document, error) {
	if !looksJSON(body) {
		return nil, nil
	}
	var doc document
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, nil
	}
	if doc.Status == (Status{}) {
		// The flat form {"Code", "Content", "Type"} without an envelope.
		var flat Status
		if json.Unmarshal(body, &flat) != nil || flat == (Status{}) {
			return nil, nil
		}
		doc.Status = flat
	}
	doc.Status = c.clean(doc.Status)
	sentinel := classify(doc.Status)
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		sentinel = ErrLogin
	} else if sentinel == nil && resp.StatusCode != http.StatusOK {
		sentinel = ErrUnexpected
	}
	if sentinel == nil {
		return &doc, nil
	}
	e := &StatusError{Source: c.Source.Name, Endpoint: endpoint, HTTPStatus: resp.StatusCode, Status: doc.Status, err: sentinel}
	switch sentinel {
	case ErrLogin:
		e.Hint = "the credentials were not accepted"
	case ErrNotFound:
		e.Hint = "check the table code and the source (GENESIS-Online and the Regionaldatenbank hold different tables)"
	case ErrTooLarge:
		e.Hint = "ask for less (-years, -regionalkey, -classifying)"
	}
	return &doc, e
}

// answerError describes an answer that is neither a file nor a known
// status document.
func (c *Client) answerError(endpoint string, resp *http.Response, body []byte) error {
	if _, err := c.document(endpoint, resp, body); err != nil {
		return err
	}
	e := &StatusError{Source: c.Source.Name, Endpoint: endpoint, HTTPStatus: resp.StatusCode, err: ErrUnexpected}
	ct := resp.Header.Get("Content-Type")
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		e.err, e.Hint = ErrLogin, "the credentials were not accepted"
	case resp.StatusCode == http.StatusTooManyRequests:
		e.err, e.Hint = ErrUnavailable, "too many requests (the service allows only a few parallel requests per user); try again later"
	case resp.StatusCode >= 500:
		e.err, e.Hint = ErrUnavailable, "the service has a problem; try again later"
	case strings.Contains(ct, "html") || bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")):
		e.err, e.Hint = ErrUnavailable, "an HTML page instead of data (maintenance?); try again later"
	default:
		snippet := oneLine(string(body[:min(len(body), 200)]))
		e.Hint = fmt.Sprintf("an answer of unknown shape (%s): %s", orUnknown(ct), c.Credentials.redact(snippet))
	}
	return e
}

// clean makes a status block printable: one line, secrets removed.
func (c *Client) clean(s Status) Status {
	s.Content = c.Credentials.redact(oneLine(s.Content))
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "no content type"
	}
	return s
}

// IsTransient reports whether err is worth retrying later (network,
// maintenance, a busy service, a job that was not ready).
func IsTransient(err error) bool {
	return errors.Is(err, ErrUnavailable) || errors.Is(err, ErrJobTimeout)
}
