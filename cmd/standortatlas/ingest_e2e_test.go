package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cli runs a command of the binary on the store file db and returns stdout.
func cli(t *testing.T, db string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	n := 2 // command and subcommand, then the flags
	if args[0] == "audit" {
		n = 1
	}
	args = append(append(args[:n:n], "-db", db), args[n:]...)
	if err := run(context.Background(), args, func(k string) string {
		if k == "USER" {
			return "e2e"
		}
		return ""
	}, &out, &errOut); err != nil {
		t.Fatalf("%v: %v\n%s%s", args, err, out.String(), errOut.String())
	}
	return out.String()
}

func createToken(t *testing.T, db, name, keys, inds string, scopes ...string) string {
	t.Helper()
	out := cli(t, db, "token", "create", "-name", name, "-keys", keys, "-indicators", inds, "-scopes", strings.Join(scopes, ","))
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "sat_") {
			return l
		}
	}
	t.Fatalf("no secret in %q", out)
	return ""
}

type apiAnswer struct {
	code int
	body []byte
	hdr  http.Header
}

func (a apiAnswer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("%d %s: %v", a.code, a.body, err)
	}
	return m
}

func call(t *testing.T, method, url, token, ctype string, body []byte) apiAnswer {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiAnswer{resp.StatusCode, b, resp.Header}
}

func multipartFile(t *testing.T, name string, data []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// kreisValues returns key → value of a choropleth.
func kreisValues(t *testing.T, url string) map[string]*float64 {
	t.Helper()
	var fc featureCollection
	getJSON(t, url+"/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=2019", &fc)
	out := map[string]*float64{}
	for _, f := range fc.Features {
		out[f.ID] = f.Properties.Value
	}
	return out
}

func sameValues(a, b map[string]*float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w := b[k]
		if (v == nil) != (w == nil) || (v != nil && *v != *w) {
			return false
		}
	}
	return true
}

// TestIngestAPI: tokens, scope, validation, release, rollback, audit and
// export end to end on the seeded store (one server: seeding takes a while).
func TestIngestAPI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "atlas.db")
	srv := startServer(t, db)
	bayern := createToken(t, db, "Statistisches Landesamt Bayern", "09", "*")
	destatis := createToken(t, db, "Statistisches Bundesamt", "*", "*", "catalogue")
	admin := createToken(t, db, "Redaktion", "*", "*", "admin")
	if list := cli(t, db, "token", "list"); !strings.Contains(list, "Statistisches Landesamt Bayern") || strings.Contains(list, bayern) || !strings.Contains(list, " admin ") {
		t.Errorf("token list (must not show secrets):\n%s", list)
	}
	before := kreisValues(t, srv.url)
	if v := before["09162"]; v == nil || *v != 3.5 {
		t.Fatalf("seeded München 2019 = %v", v)
	}
	raw, err := os.ReadFile("../../testdata/indicators/genesis_13211-02-05-4_excerpt_latin1.csv")
	if err != nil {
		t.Fatal(err)
	}
	imports := srv.url + "/api/v1/imports?format=genesis&name=13211.csv&map=12=unemployment_rate&only_mapped=true"

	// No token, an unknown token: 401.
	if a := call(t, "POST", imports, "", "text/csv", raw); a.code != 401 || a.hdr.Get("WWW-Authenticate") == "" {
		t.Errorf("no token: %d %s", a.code, a.body)
	}
	if a := call(t, "POST", imports, destatis+"x", "text/csv", raw); a.code != 401 {
		t.Errorf("unknown token: %d %s", a.code, a.body)
	}
	// Bayern's office may not write other Länder: 403 naming them, nothing written.
	a := call(t, "POST", imports, bayern, "text/csv", raw)
	if a.code != 403 || !strings.Contains(string(a.body), `"01"`) || !strings.Contains(string(a.body), "11000") {
		t.Errorf("out of scope: %d %s", a.code, a.body)
	}
	// A broken file: 422 with row and column; the map is unchanged.
	broken := bytes.Replace(raw, []byte(";3,8;3,5;3,5;3,4;5,5;2,2"), []byte(";3,8;3,5a;3,5;3,4;5,5;2,2"), 1)
	ct, body := multipartFile(t, "13211.csv", broken)
	a = call(t, "POST", imports, destatis, ct, body)
	if a.code != 422 {
		t.Fatalf("broken file: %d %s", a.code, a.body)
	}
	probs, _ := a.json(t)["problems"].([]any)
	if len(probs) != 1 || probs[0].(map[string]any)["column"] != "#12" || probs[0].(map[string]any)["row"].(float64) < 9 {
		t.Errorf("problems = %v", probs)
	}
	if !sameValues(before, kreisValues(t, srv.url)) {
		t.Error("a refused import changed the map")
	}

	// The wrong column sent by mistake (15: the rate of foreign nationals)
	// is imported, visible at once, and rolled back.
	rels := cli(t, db, "release", "list")
	lastSeed := 0
	for _, l := range strings.Split(rels, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			if n, err := strconv.Atoi(f[0]); err == nil {
				lastSeed = n
			}
		}
	}
	wrong := srv.url + "/api/v1/imports?format=genesis&name=13211.csv&map=15=unemployment_rate&only_mapped=true"
	a = call(t, "POST", wrong, destatis, "text/csv", raw)
	if a.code != 201 {
		t.Fatalf("import: %d %s", a.code, a.body)
	}
	rel := a.json(t)["release"].(map[string]any)
	if int(rel["id"].(float64)) != lastSeed+1 {
		t.Errorf("release %v, want %d", rel["id"], lastSeed+1)
	}
	// Raw "2019;09162;…;3,4;5,5;2,2": column 15 is 5,5.
	if v := kreisValues(t, srv.url)["09162"]; v == nil || *v != 5.5 {
		t.Errorf("after import München = %v, want 5.5", v)
	}
	if a := call(t, "POST", wrong, destatis, "text/csv", raw); a.code != 200 || a.json(t)["unchanged"] != true {
		t.Errorf("re-import: %d %s", a.code, a.body)
	}
	if out := cli(t, db, "release", "rollback", strconv.Itoa(lastSeed)); !strings.Contains(out, "undone: release "+strconv.Itoa(lastSeed+1)) {
		t.Errorf("rollback: %s", out)
	}
	var after map[string]*float64
	for i := 0; i < 30; i++ { // the service polls the data version every second
		if after = kreisValues(t, srv.url); sameValues(before, after) {
			break
		}
		waitABit()
	}
	if !sameValues(before, after) {
		t.Errorf("rollback did not restore the map: München %v", after["09162"])
	}

	// The audit log: who, what, outcome, release.
	if a := call(t, "GET", srv.url+"/api/v1/audit", "", "", nil); a.code != 401 {
		t.Errorf("audit without token: %d", a.code)
	}
	// Reading the audit log needs the admin scope (issue 15, item 7).
	if a := call(t, "GET", srv.url+"/api/v1/audit", bayern, "", nil); a.code != 403 || a.json(t)["scope"] != "admin" {
		t.Errorf("audit with a data supplier's token: %d %s", a.code, a.body)
	}
	a = call(t, "GET", srv.url+"/api/v1/audit?limit=100", admin, "", nil)
	var log struct {
		Entries []struct {
			Actor, Action, Outcome string
			Release                int64
		}
	}
	if err := json.Unmarshal(a.body, &log); err != nil || a.code != 200 {
		t.Fatalf("audit: %d %s", a.code, a.body)
	}
	var seq []string
	seeded := 0
	for i := len(log.Entries) - 1; i >= 0; i-- {
		if log.Entries[i].Actor == "seed" { // the seed's releases, one entry each
			if log.Entries[i].Outcome != "ok" || log.Entries[i].Release == 0 {
				t.Errorf("seed audit entry %+v", log.Entries[i])
			}
			seeded++
			continue
		}
		seq = append(seq, log.Entries[i].Action+":"+log.Entries[i].Outcome)
	}
	if seeded != lastSeed {
		t.Errorf("%d audit entries of the seed, want one per release (%d)", seeded, lastSeed)
	}
	if got := strings.Join(seq, " "); got != "token-create:ok token-create:ok token-create:ok access:refused access:refused import:refused import:refused import:ok import:unchanged rollback:ok access:refused access:refused" {
		t.Errorf("audit sequence %s", got)
	}
	if !strings.Contains(cli(t, db, "audit"), "Statistisches Landesamt Bayern") {
		t.Error("CLI audit lacks the Bayern token's refused import")
	}

	// A file over the global 1 MB limit goes through this route (the 1.8 MB zip).
	zipData, err := os.ReadFile("../../seeds/indicators/destatis_genesis_12531-0043_kreise_2023_ffcsv.zip")
	if err != nil {
		t.Fatal(err)
	}
	a = call(t, "POST", srv.url+"/api/v1/imports?format=ffcsv&dry_run=true&ffcsv_sum=GES,STAAG5&ffcsv_split=SCHST2&ffcsv_total=SCHUTZST-OF,SCHUTZST-AK-1,SCHUTZST-X&name=12531.zip", destatis, "application/zip", zipData)
	if a.code != 200 || a.json(t)["dry_run"] != true {
		t.Errorf("dry run of the 1.8 MB zip: %d %.300s", a.code, a.body)
	}
	t.Run("Export", func(t *testing.T) { testExport(t, srv, db) })
}

// testExport: CSV for pandas, German Excel and JSON, each with source,
// licence and attribution; the JSON imports again as the canonical form.
func testExport(t *testing.T, srv *server, db string) {
	get := func(q string) apiAnswer { return call(t, "GET", srv.url+"/api/v1/export?"+q, "", "", nil) }
	a := get("indicator=unemployment_rate&level=kreis&year=2019&format=csv")
	if a.code != 200 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/csv") || !strings.Contains(a.hdr.Get("Content-Disposition"), "standortatlas_unemployment_rate_kreis_2019.csv") {
		t.Fatalf("csv: %d %v", a.code, a.hdr)
	}
	text := string(a.body)
	for _, want := range []string{"# Quelle: Regionaldatenbank Deutschland, Tabelle 13211-02-05-4", "# Lizenz: dl-de/by-2-0", "# Namensnennung: ", "GeoBasis-DE / BKG", "\nkey,name,level,indicator,period,value,flag\n", "\n09162,München,kreis,unemployment_rate,2019,3.5,\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("csv lacks %q", want)
		}
	}
	// What pandas.read_csv(…, comment="#") reads: the rows after the comments.
	var data []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(l, "#") {
			data = append(data, l)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(strings.Join(data, "\n"))).ReadAll()
	if err != nil || len(recs) < 390 || len(recs[0]) != 7 {
		t.Errorf("csv rows: %d, %v", len(recs), err)
	}
	de := get("indicator=unemployment_rate&level=kreis&year=2019&format=csv-de")
	if !bytes.HasPrefix(de.body, []byte("\ufeff# Standortatlas")) || !strings.Contains(string(de.body), "\n09162;München;kreis;unemployment_rate;2019;3,5;\n") {
		t.Errorf("csv-de: %.300q", de.body)
	}
	js := get("indicator=unemployment_rate&level=kreis&year=2019&format=json")
	m := js.json(t)
	if m["licence"] != "dl-de/by-2-0" || m["attribution"] == nil || len(m["observations"].([]any)) != len(recs)-1 {
		t.Errorf("json: licence %v, %d observations", m["licence"], len(m["observations"].([]any)))
	}
	for q, code := range map[string]int{"indicator=nope": 404, "indicator=unemployment_rate&format=xlsx": 400, "indicator=unemployment_rate&year=1990": 400, "indicator=unemployment_rate&level=gemeinde": 400} {
		if a := get(q); a.code != code {
			t.Errorf("%s: %d, want %d", q, a.code, code)
		}
	}
	// The export is the canonical form: it imports again (dry run) unchanged.
	tok := createToken(t, db, "Roundtrip", "*", "unemployment_rate")
	a = call(t, "POST", srv.url+"/api/v1/imports?format=canonical&dry_run=true&name=export.json", tok, "application/json", js.body)
	if a.code != 200 || int(a.json(t)["observations"].(float64)) != len(recs)-1 {
		t.Errorf("export → import: %d %.300s", a.code, a.body)
	}
	a = call(t, "POST", srv.url+"/api/v1/imports?format=canonical&dry_run=true&name=export.csv", tok, "text/csv", de.body)
	if a.code != 200 {
		t.Errorf("German export → import: %d %.300s", a.code, a.body)
	}
}

func waitABit() { time.Sleep(100 * time.Millisecond) }
