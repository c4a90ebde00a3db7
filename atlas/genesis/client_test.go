package genesis_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas/genesis"
	"github.com/standortatlas/standortatlas/atlas/genesis/genesistest"
)

const (
	user     = "test-user-4711"
	password = "s3cret-Pw/&=?"
)

func client(t *testing.T, srv *genesistest.Server, creds genesis.Credentials) *genesis.Client {
	t.Helper()
	src, err := genesis.LookupSource(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &genesis.Client{Source: src, Credentials: creds, PollEvery: time.Millisecond, JobTimeout: 5 * time.Second}
}

// noSecrets fails when a credential shows in text.
func noSecrets(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{user, password} {
		if strings.Contains(text, s) {
			t.Errorf("%s reveals a credential: %s", what, text)
		}
	}
}

// checkRequests asserts the 2025 interface: POST, form-encoded, credentials
// only in the headers.
func checkRequests(t *testing.T, srv *genesistest.Server) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Method != "POST" || r.ContentType != "application/x-www-form-urlencoded" || !r.CredentialHeaders || r.SecretOutsideHeaders {
			t.Errorf("%s %s: content type %q, credential headers %v, secret outside headers %v", r.Method, r.Endpoint, r.ContentType, r.CredentialHeaders, r.SecretOutsideHeaders)
		}
		if r.Form.Has("username") || r.Form.Has("password") {
			t.Errorf("%s: credentials in the form", r.Endpoint)
		}
	}
}

func TestLoginCheck(t *testing.T) {
	srv := genesistest.New(t, genesistest.Config{Username: user, Password: password})
	ok, err := client(t, srv, genesis.Credentials{Username: user, Password: password}).LoginCheck(context.Background())
	if err != nil || ok != "Sie wurden erfolgreich an- und abgemeldet!" {
		t.Fatalf("login: %q, %v", ok, err)
	}
	_, err = client(t, srv, genesis.Credentials{Username: user, Password: "wrong-" + password}).LoginCheck(context.Background())
	if !errors.Is(err, genesis.ErrLogin) {
		t.Fatalf("wrong password: %v, want ErrLogin", err)
	}
	if !strings.Contains(err.Error(), "Ein Fehler ist aufgetreten") || !strings.Contains(err.Error(), "registrations are per database") {
		t.Errorf("message should quote the service and say what to do: %v", err)
	}
	noSecrets(t, "login error", err.Error())
	checkRequests(t, srv)
}

func TestNoCredentialsNoRequest(t *testing.T) {
	srv := genesistest.New(t, genesistest.Config{Username: user, Password: password})
	c := client(t, srv, genesis.Credentials{})
	if _, err := c.TableFile(context.Background(), genesis.TableRequest{Name: genesistest.Table}); !errors.Is(err, genesis.ErrNoCredentials) {
		t.Fatalf("got %v, want ErrNoCredentials", err)
	}
	if _, err := c.LoginCheck(context.Background()); !errors.Is(err, genesis.ErrNoCredentials) {
		t.Fatalf("got %v, want ErrNoCredentials", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent without credentials", n)
	}
}

func TestTableFileDirect(t *testing.T) {
	srv := genesistest.New(t, genesistest.Config{Username: user, Password: password})
	f, err := client(t, srv, genesis.Credentials{Username: user, Password: password}).TableFile(context.Background(),
		genesis.TableRequest{Name: genesistest.Table, RegionalVariable: "KREISE", StartYear: 2023, EndYear: 2023})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.Body, genesistest.Zip()) || f.Name != genesistest.ZipName || f.Job != "" {
		t.Errorf("file %s (%d bytes, job %q), want the recorded zip", f.Name, len(f.Body), f.Job)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	form := reqs[0].Form
	for k, want := range map[string]string{"name": "12531-0043", "format": "ffcsv", "job": "false", "regionalvariable": "KREISE", "startyear": "2023", "endyear": "2023", "language": "de", "compress": "false"} {
		if got := form.Get(k); got != want {
			t.Errorf("%s=%q, want %q", k, got, want)
		}
	}
	checkRequests(t, srv)
}

// The recorded exchange: 98 (too large), job=true → 99 with the result's
// name, catalogue/results 104 (not yet) … 0 (ready), data/resultfile.
func TestTableFileJobQueuedThenReady(t *testing.T) {
	srv := genesistest.New(t, genesistest.Config{Username: user, Password: password, TooLarge: true, NotReady: 3})
	var progress []string
	c := client(t, srv, genesis.Credentials{Username: user, Password: password})
	c.Progress = func(m string) { progress = append(progress, m) }
	f, err := c.TableFile(context.Background(), genesis.TableRequest{Name: genesistest.Table})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.Body, genesistest.Zip()) || f.Job != genesistest.JobName {
		t.Errorf("file of %d bytes from job %q, want the recorded zip from %s", len(f.Body), f.Job, genesistest.JobName)
	}
	var seq []string
	for _, r := range srv.Requests() {
		s := r.Endpoint
		if r.Endpoint == "data/tablefile" {
			s += " job=" + r.Form.Get("job")
		}
		if r.Endpoint == "data/resultfile" {
			s += " name=" + r.Form.Get("name")
		}
		seq = append(seq, s)
	}
	want := []string{"data/tablefile job=false", "data/tablefile job=true", "catalogue/results", "catalogue/results", "catalogue/results", "catalogue/results", "data/resultfile name=" + genesistest.JobName}
	if fmt.Sprint(seq) != fmt.Sprint(want) {
		t.Errorf("requests\n%v\nwant\n%v", seq, want)
	}
	if !strings.Contains(strings.Join(progress, "\n"), "background job "+genesistest.JobName+" created") {
		t.Errorf("progress does not name the job: %q", progress)
	}
	checkRequests(t, srv)
}

func TestTableFileTooLargeWithToken(t *testing.T) {
	const token = "0123456789abcdef-token"
	srv := genesistest.New(t, genesistest.Config{Username: token, TooLarge: true})
	_, err := client(t, srv, genesis.Credentials{Username: token}).TableFile(context.Background(), genesis.TableRequest{Name: genesistest.Table})
	if !errors.Is(err, genesis.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	var se *genesis.StatusError
	if !errors.As(err, &se) || se.Status.Code != genesis.CodeTooLarge || se.Status.Type != "Fehler" {
		t.Errorf("status %+v, want the recorded 98/Fehler", se)
	}
	for _, want := range []string{"zu gross", "username and password", "-years"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("message reveals the token: %v", err)
	}
	for _, r := range srv.Requests() {
		if r.Form.Get("job") == "true" {
			t.Error("a job was requested with a token")
		}
	}
}

func TestTableFileJobTimeout(t *testing.T) {
	srv := genesistest.New(t, genesistest.Config{Username: user, Password: password, TooLarge: true, NotReady: 1 << 20})
	c := client(t, srv, genesis.Credentials{Username: user, Password: password})
	c.JobTimeout = 30 * time.Millisecond
	_, err := c.TableFile(context.Background(), genesis.TableRequest{Name: genesistest.Table})
	if !errors.Is(err, genesis.ErrJobTimeout) || !genesis.IsTransient(err) {
		t.Fatalf("got %v, want ErrJobTimeout", err)
	}
	if !strings.Contains(err.Error(), genesistest.JobName) || !strings.Contains(err.Error(), "fetch again later") {
		t.Errorf("message should name the job and what to do: %v", err)
	}
	for _, r := range srv.Requests() {
		if r.Endpoint == "data/resultfile" {
			t.Error("result fetched before it was ready")
		}
	}
}

func TestTableFileCancelledWhileWaiting(t *testing.T) {
	srv := genesistest.New(t, genesistest.Config{Username: user, Password: password, TooLarge: true, NotReady: 1 << 20})
	c := client(t, srv, genesis.Credentials{Username: user, Password: password})
	c.PollEvery = 20 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.TableFile(ctx, genesis.TableRequest{Name: genesistest.Table}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's error", err)
	}
}

func TestUnreachable(t *testing.T) {
	srv := genesistest.New(t, genesistest.Config{Username: user, Password: password})
	c := client(t, srv, genesis.Credentials{Username: user, Password: password})
	srv.Close()
	_, err := c.TableFile(context.Background(), genesis.TableRequest{Name: genesistest.Table})
	if !errors.Is(err, genesis.ErrUnavailable) || !genesis.IsTransient(err) {
		t.Fatalf("got %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), srv.URL) {
		t.Errorf("message should name the URL: %v", err)
	}
	noSecrets(t, "network error", err.Error())
}

func TestRequestValidated(t *testing.T) {
	for _, r := range []genesis.TableRequest{
		{Name: "12531-0043&job=true"},
		{Name: ""},
		{Name: "12531-0043", StartYear: 2024, EndYear: 2020},
		{Name: "12531-0043", Classifying: []genesis.Classifying{{Variable: "GES"}}},
	} {
		if err := r.Validate(); err == nil {
			t.Errorf("%+v accepted", r)
		}
	}
}

func TestLookupSource(t *testing.T) {
	for in, want := range map[string]string{
		"destatis":          genesis.DestatisURL,
		"Regionalstatistik": genesis.RegionalstatistikURL,
		"https://www.statistikdaten.bayern.de/genesisWS/rest/2020": "https://www.statistikdaten.bayern.de/genesisWS/rest/2020/",
		"http://127.0.0.1:8080/genesisWS/rest/2020/":               "http://127.0.0.1:8080/genesisWS/rest/2020/",
	} {
		s, err := genesis.LookupSource(in)
		if err != nil || s.BaseURL != want {
			t.Errorf("%s: %+v, %v; want %s", in, s, err, want)
		}
	}
	for _, bad := range []string{"http://example.org/genesisWS/rest/2020/", "https://u:p@example.org/x/", "https://example.org/x/?username=a", "nowhere", "ftp://example.org/"} {
		if _, err := genesis.LookupSource(bad); err == nil {
			t.Errorf("%s accepted", bad)
		} else {
			noSecrets(t, "source error", err.Error())
			if strings.Contains(err.Error(), "u:p@") {
				t.Errorf("source error shows the URL's credentials: %v", err)
			}
		}
	}
}

func TestCredentialsNeverPrint(t *testing.T) {
	c := genesis.Credentials{Username: user, Password: password}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "creds", c)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "creds", c)
	j, _ := json.Marshal(struct{ C genesis.Credentials }{c})
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v %#v %s %q", c, c, c, c), buf.String(), string(j)} {
		noSecrets(t, "printed credentials", s)
	}
}

// A second download of the same data differs in its bytes (zip time stamp,
// member name with the request number, row order) but not in its
// canonical content; fewer rows are a different content.
func TestCanonical(t *testing.T) {
	orig := genesistest.Zip()
	again := genesistest.Repack(t, orig, "12531-0043_991234567_flat.csv", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), 7)
	if bytes.Equal(orig, again) {
		t.Fatal("repacked zip equals the recording")
	}
	a, err := genesis.Canonical(&genesis.File{Name: "a.zip", Body: orig})
	if err != nil {
		t.Fatal(err)
	}
	b, err := genesis.Canonical(&genesis.File{Name: "b.zip", Body: again})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the same data in another zip has another canonical content")
	}
	if !bytes.HasPrefix(a, []byte("\ufeffstatistics_code;")) || bytes.Count(a, []byte("\n")) != 116666 {
		t.Errorf("canonical content: header %q, %d lines; want the recorded header and 116,666 lines", a[:20], bytes.Count(a, []byte("\n")))
	}
	// The canonical CSV of a plain CSV download is the same as of the zip.
	plain, err := genesis.Canonical(&genesis.File{Name: "c.csv", Body: a})
	if err != nil || !bytes.Equal(plain, a) {
		t.Errorf("canonical content of the CSV differs from that of the zip (%v)", err)
	}
	fewer := genesistest.Subset(t, orig, "x_flat.csv", func(l string) bool { return !strings.Contains(l, ";09") })
	c, err := genesis.Canonical(&genesis.File{Name: "c.zip", Body: fewer})
	if err != nil || bytes.Equal(a, c) {
		t.Errorf("fewer rows, same canonical content (%v)", err)
	}
	if _, err := genesis.Canonical(&genesis.File{Name: "d.zip", Body: []byte("PK\x03\x04broken")}); err == nil {
		t.Error("a broken zip was accepted")
	}
}
