// Package genesistest is a test server that replays recorded answers of
// the GENESIS web service, so that tests of the client, of `standortatlas
// fetch` and of `standortatlas update` never reach the internet.
//
// Every answer it sends is a recording or documented example (see
// testdata/PROVENANCE.md): the flat-CSV zip of table 12531-0043, the status
// documents of a background job (98 too large, 99 job created, 104 not
// ready, 0 ready) and the two logincheck answers. Requests it has no
// recording for get HTTP 500 with a "replay:" message, so a test that asks
// for something unrecorded fails loudly instead of passing on made-up data.
package genesistest

import (
	"archive/zip"
	"bytes"
	"embed"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

//go:embed testdata/*.json testdata/*.zip
var fixtures embed.FS

// The recorded table and background job (CorrelAid/pystatis,
// tests/cassettes/12531-0043.yaml).
const (
	Table    = "12531-0043"
	JobName  = "12531-0043_673843136"
	ZipName  = "12531-0043_673843136_flat.zip"
	BasePath = "/genesisWS/rest/2020/"
)

// Fixture returns a recorded answer from testdata.
func Fixture(name string) []byte {
	b, err := fixtures.ReadFile("testdata/" + name)
	if err != nil {
		panic("genesistest: " + err.Error())
	}
	return b
}

// Zip is the recorded body of data/resultfile for 12531-0043: Schutzsuchende
// by Kreis, sex, protection status and citizenship on 31.12.2023.
func Zip() []byte { return Fixture(ZipName) }

// Config sets up a replay server.
type Config struct {
	// Username and Password are the credentials the server accepts
	// (Password empty: an API token).
	Username, Password string
	// TooLarge makes data/tablefile answer the recorded status 98, so the
	// client must go through a background job.
	TooLarge bool
	// NotReady is how many times catalogue/results answers the recorded
	// "not listed yet" (104) before the recorded "ready" (0).
	NotReady int
	// Body returns the table delivered by the n-th download (1-based);
	// default: the recorded zip every time.
	Body func(n int) []byte
}

// Request is what the server saw of one request (credentials reduced to
// whether they came in the headers).
type Request struct {
	Method, Endpoint string
	Form             url.Values
	ContentType      string
	// CredentialHeaders: the headers username and password were both present.
	CredentialHeaders bool
	// SecretOutsideHeaders: a credential appeared in the URL or the body.
	SecretOutsideHeaders bool
}

// Server is a running replay server.
type Server struct {
	// URL is the base URL of the REST interface (…/genesisWS/rest/2020/).
	URL string
	cfg Config
	srv *httptest.Server

	mu        sync.Mutex
	requests  []Request
	jobs      map[string]bool // created jobs
	polls     int
	downloads int
}

// New starts a replay server; it is closed when the test ends.
func New(t testing.TB, cfg Config) *Server {
	s := &Server{cfg: cfg, jobs: map[string]bool{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + BasePath
	t.Cleanup(s.srv.Close)
	return s
}

// Close stops the server (later requests fail to connect).
func (s *Server) Close() { s.srv.Close() }

// Requests returns the requests seen so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Downloads counts the table files delivered.
func (s *Server) Downloads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.downloads
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	ep := strings.TrimPrefix(r.URL.Path, BasePath)
	user, pw := r.Header.Get("username"), r.Header.Get("password")
	_, hasUser := r.Header["Username"]
	_, hasPw := r.Header["Password"]
	req := Request{Method: r.Method, Endpoint: ep, Form: form, ContentType: r.Header.Get("Content-Type"), CredentialHeaders: hasUser && hasPw}
	for _, secret := range []string{s.cfg.Username, s.cfg.Password, user, pw} {
		if secret != "" && (strings.Contains(r.URL.String(), secret) || strings.Contains(string(body), url.QueryEscape(secret))) {
			req.SecretOutsideHeaders = true
		}
	}
	s.requests = append(s.requests, req)
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, BasePath) {
		unrecorded(w, "only POST requests to "+BasePath+" are recorded")
		return
	}
	loggedIn := user == s.cfg.Username && pw == s.cfg.Password && user != ""
	switch ep {
	case "helloworld/logincheck":
		if loggedIn {
			s.json(w, "logincheck_ok.json", "application/json;charset=UTF-8")
		} else {
			s.json(w, "logincheck_failed.json", "application/json;charset=UTF-8")
		}
	case "data/tablefile":
		switch {
		case !loggedIn:
			unrecorded(w, "no recording of data/tablefile with credentials the service does not accept (the client checks the login first)")
		case form.Get("name") != Table:
			unrecorded(w, "only table "+Table+" is recorded")
		case form.Get("job") == "true":
			if s.cfg.Password == "" {
				unrecorded(w, "no recording of a job started with an API token (Destatis: tokens may not start jobs)")
				return
			}
			s.jobs[JobName] = true
			s.json(w, "tablefile_99_job_created.json", "application/json")
		case s.cfg.TooLarge:
			s.json(w, "tablefile_98_too_large.json", "application/json")
		default:
			s.table(w)
		}
	case "catalogue/results":
		switch {
		case !loggedIn || form.Get("selection") != JobName || !s.jobs[JobName]:
			unrecorded(w, "only the results of the recorded job "+JobName+" are recorded")
		case s.polls < s.cfg.NotReady:
			s.polls++
			s.json(w, "results_104_not_ready.json", "application/json;charset=UTF-8")
		default:
			s.json(w, "results_0_ready.json", "application/json;charset=UTF-8")
		}
	case "data/resultfile":
		if !loggedIn || form.Get("name") != JobName || !s.jobs[JobName] || s.polls < s.cfg.NotReady {
			unrecorded(w, "only the result of the recorded job "+JobName+", once ready, is recorded")
			return
		}
		s.table(w)
	default:
		unrecorded(w, "endpoint "+ep+" is not recorded")
	}
}

func (s *Server) json(w http.ResponseWriter, fixture, contentType string) {
	w.Header().Set("Content-Type", contentType)
	w.Write(Fixture(fixture))
}

// table answers with the table file and the recorded headers of
// data/resultfile.
func (s *Server) table(w http.ResponseWriter) {
	s.downloads++
	b := Zip()
	if s.cfg.Body != nil {
		b = s.cfg.Body(s.downloads)
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", "attachment; filename="+ZipName)
	w.Write(b)
}

func unrecorded(w http.ResponseWriter, msg string) {
	http.Error(w, "replay: "+msg, http.StatusInternalServerError)
}

// Repack returns the CSV of a flat-file zip packed again under another
// member name and time stamp, its data lines shuffled: the same data as a
// second download would bring them, with different bytes.
func Repack(t testing.TB, zipped []byte, member string, modified time.Time, seed uint64) []byte {
	t.Helper()
	header, lines := csvLines(t, zipped)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return pack(t, member, modified, header, lines)
}

// Subset returns a flat-file zip with only the data lines keep accepts, in
// their recorded order: real rows of the recording, fewer of them (e.g. an
// earlier, smaller edition of a table in tests of changed data).
func Subset(t testing.TB, zipped []byte, member string, keep func(line string) bool) []byte {
	t.Helper()
	header, lines := csvLines(t, zipped)
	var kept []string
	for _, l := range lines {
		if keep(l) {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 || len(kept) == len(lines) {
		t.Fatalf("genesistest.Subset: keeps %d of %d lines; want a proper subset", len(kept), len(lines))
	}
	return pack(t, member, time.Date(2025, 6, 11, 22, 37, 10, 0, time.UTC), header, kept)
}

// Lines returns the data lines of a flat-file zip, sorted.
func Lines(t testing.TB, zipped []byte) []string {
	_, lines := csvLines(t, zipped)
	sort.Strings(lines)
	return lines
}

func csvLines(t testing.TB, zipped []byte) (string, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil || len(zr.File) != 1 {
		t.Fatalf("genesistest: want a zip with one file: %v", err)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.TrimRight(string(b), "\r\n")
	header, rest, _ := strings.Cut(text, "\n")
	return header, strings.Split(rest, "\n")
}

func pack(t testing.TB, member string, modified time.Time, header string, lines []string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: member, Method: zip.Deflate, Modified: modified})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(w, header)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
