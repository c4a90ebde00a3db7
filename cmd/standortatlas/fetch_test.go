package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/genesis/genesistest"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
)

const (
	replayUser     = "replay-user@example.org"
	replayPassword = "Replay-Pw-7;&x"
)

// The ffcsv options of the seeds for 12531-0043 (without the mapping to
// curated indicators): summed over sex and citizenship, the protection
// status split into its three top-level categories.
var schutzFlags = []string{"-ffcsv-sum", "GES,STAAG5", "-ffcsv-split", "SCHST2", "-ffcsv-total", "SCHUTZST-OF,SCHUTZST-AK-1,SCHUTZST-X"}

// recordedZip is the recorded body of the GENESIS answer, as a file.
const recordedZip = "../../atlas/genesis/genesistest/testdata/" + genesistest.ZipName

// env gives the replay server's credentials in the environment
// (GENESIS_USERNAME, GENESIS_PASSWORD) plus extra variables.
func env(extra ...string) func(string) string {
	m := map[string]string{"USER": "genesis-test", "GENESIS_USERNAME": replayUser, "GENESIS_PASSWORD": replayPassword}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return func(k string) string { return m[k] }
}

// runWith runs a command and returns its stdout, stderr and error.
func runWith(getenv func(string) string, args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, getenv, &out, &errOut)
	return out.String(), errOut.String(), err
}

func mustRun(t *testing.T, getenv func(string) string, args ...string) string {
	t.Helper()
	out, errOut, err := runWith(getenv, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s%s", args, err, out, errOut)
	}
	return out
}

func openDB(t *testing.T, db string) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// tableValues reads every value of the indicators of table 12531-0043:
// "indicator|level|year" → key → value.
func tableValues(t *testing.T, s atlas.Store) map[string]map[string]atlas.Value {
	t.Helper()
	ctx := context.Background()
	cat, err := s.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]atlas.Value{}
	for _, ind := range cat {
		if ind.TableID != genesistest.Table {
			continue
		}
		for _, l := range ind.Levels {
			for _, y := range ind.Years {
				v, err := s.Values(ctx, ind.ID, l, y)
				if err != nil {
					t.Fatal(err)
				}
				out[fmt.Sprintf("%s|%s|%d", ind.ID, l, y)] = v
			}
		}
	}
	return out
}

// noSecret fails when a credential shows in text or in the files of the store.
func noSecret(t *testing.T, what string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		for _, s := range []string{replayPassword, replayUser} {
			if strings.Contains(text, s) {
				t.Errorf("%s reveals a credential", what)
			}
		}
	}
}

func noSecretInStore(t *testing.T, db string) {
	t.Helper()
	files, _ := filepath.Glob(db + "*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		noSecret(t, "store file "+filepath.Base(f), string(b))
	}
}

// `standortatlas fetch genesis 12531-0043` against the replay server (the
// recorded exchange: too large, background job, not ready, ready, result)
// imports the same values as the file import of the recorded zip.
func TestFetchGenesisImportsSameValuesAsFileImport(t *testing.T) {
	srv := genesistest.New(t, genesistest.Config{Username: replayUser, Password: replayPassword, TooLarge: true, NotReady: 2})
	dir := t.TempDir()
	fetched, imported := filepath.Join(dir, "fetched.db"), filepath.Join(dir, "imported.db")

	args := append([]string{"fetch", "genesis", "-init", "-db", fetched, "-source", srv.URL, "-level", "kreis"}, schutzFlags...)
	out, errOut, err := runWith(env(), append(args, genesistest.Table)...)
	if err != nil {
		t.Fatalf("fetch: %v\n%s%s", err, out, errOut)
	}
	for _, want := range []string{"background job " + genesistest.JobName, "new: release 1", "registered as genesis_12531_0043"} {
		if !strings.Contains(out+errOut, want) {
			t.Errorf("fetch output lacks %q:\n%s%s", want, out, errOut)
		}
	}
	noSecret(t, "fetch output", out, errOut)
	mustRun(t, env(), append(append([]string{"import", "ffcsv", "-init", "-db", imported}, schutzFlags...), recordedZip)...)

	a, b := tableValues(t, openDB(t, fetched)), tableValues(t, openDB(t, imported))
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("fetched %d indicator×level×year maps, file import %d", len(a), len(b))
	}
	n := 0
	for k, va := range a {
		vb, ok := b[k]
		if !ok || len(va) != len(vb) {
			t.Errorf("%s: %d values fetched, %d imported from the file", k, len(va), len(vb))
			continue
		}
		for key, x := range va {
			y := vb[key]
			if x.Flag != y.Flag || !(x.Value == y.Value || math.IsNaN(x.Value) && math.IsNaN(y.Value)) {
				t.Errorf("%s %s: fetched %v, file %v", k, key, x, y)
			}
			n++
		}
	}
	if n < 4*393 {
		t.Errorf("%d values compared; want the 393 Kreise of the file for 4 indicators", n)
	}
	noSecretInStore(t, fetched)
}

// Manifest tables name their GENESIS table; update registers them, imports
// the first time and reports "unchanged" the second time (one release).
func TestUpdateTwiceOneReleaseThenUnchanged(t *testing.T) {
	srv := genesistest.New(t, genesistest.Config{Username: replayUser, Password: replayPassword})
	dir := t.TempDir()
	db := filepath.Join(dir, "atlas.db")
	manifest := filepath.Join(dir, "manifest.json")
	if err := os.WriteFile(manifest, []byte(`{"tables": [{"id": "schutzsuchende_kreise", "format": "ffcsv",
	  "ffcsv": {"sum": ["GES", "STAAG5"], "split": "SCHST2", "total": ["SCHUTZST-OF", "SCHUTZST-AK-1", "SCHUTZST-X"]},
	  "genesis": {"source": "`+srv.URL+`", "table": "12531-0043", "level": "kreis"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dry := mustRun(t, env(), "update", "-init", "-db", db, "-manifest", manifest, "-dry-run")
	if !strings.Contains(dry, "dry run: nothing written (1572 observations of 4 indicator(s) checked)") {
		t.Fatalf("dry run:\n%s", dry)
	}
	if list := mustRun(t, env(), "update", "list", "-init", "-db", db); !strings.Contains(list, "no registered tables") {
		t.Fatalf("a dry run registered:\n%s", list)
	}
	first := mustRun(t, env(), "update", "-init", "-db", db, "-manifest", manifest)
	if !strings.Contains(first, "registered schutzsuchende_kreise") || !strings.Contains(first, "new: release 1,") {
		t.Fatalf("first update:\n%s", first)
	}
	second := mustRun(t, env(), "update", "-init", "-db", db)
	if !strings.Contains(second, "unchanged: the content equals release 1") {
		t.Fatalf("second update:\n%s", second)
	}
	s := openDB(t, db)
	rels, err := s.Releases(context.Background())
	if err != nil || len(rels) != 1 {
		t.Fatalf("%d releases (%v), want 1", len(rels), err)
	}
	audit, _ := s.Audit(context.Background(), 0)
	var outcomes []string
	for _, e := range audit {
		outcomes = append(outcomes, e.Outcome)
	}
	// newest first: the second update, the first (an import), the first
	// update's check of which indicators the new source writes, the dry run
	if strings.Join(outcomes, ",") != "unchanged,ok,dry-run,dry-run" {
		t.Errorf("audit outcomes (newest first) %v, want unchanged,ok,dry-run,dry-run", outcomes)
	}
	list := mustRun(t, env(), "update", "list", "-init", "-db", db)
	if !strings.Contains(list, "schutzsuchende_kreise") || !strings.Contains(list, "unchanged") || !strings.Contains(list, "12531-0043") {
		t.Errorf("update list:\n%s", list)
	}
	if srv.Downloads() != 3 {
		t.Errorf("%d downloads, want 3 (dry run, first, second)", srv.Downloads())
	}
}

// A fetch that fails — wrong credentials, a service that is down — writes
// nothing: no release, the same data version and values; the failure is
// recorded and shown.
func TestFailedFetchChangesNothing(t *testing.T) {
	srv := genesistest.New(t, genesistest.Config{Username: replayUser, Password: replayPassword})
	db := filepath.Join(t.TempDir(), "atlas.db")
	fetch := append([]string{"fetch", "genesis", "-init", "-db", db, "-source", srv.URL, "-level", "kreis"}, schutzFlags...)

	out, errOut, err := runWith(env("GENESIS_PASSWORD", "not-the-password"), append(fetch, genesistest.Table)...)
	if err == nil || !strings.Contains(err.Error(), "login failed") || !strings.Contains(err.Error(), "Ein Fehler ist aufgetreten") {
		t.Fatalf("fetch with a wrong password: %v\n%s%s", err, out, errOut)
	}
	noSecret(t, "login error", err.Error(), out, errOut)
	s := openDB(t, db)
	if rels, _ := s.Releases(context.Background()); len(rels) != 0 {
		t.Fatalf("%d releases after a failed login", len(rels))
	}
	if list := mustRun(t, env(), "update", "list", "-init", "-db", db); !strings.Contains(list, "no registered tables") {
		t.Errorf("a failed fetch registered its table:\n%s", list)
	}

	mustRun(t, env(), append(fetch, genesistest.Table)...)
	before := tableValues(t, s)
	v0, _ := s.DataVersion(context.Background())
	srv.Close()
	out, _, err = runWith(env(), "update", "-init", "-db", db)
	if err == nil || !strings.Contains(out, "FAILED, the data stay as they were") || !strings.Contains(out, "cannot reach") {
		t.Fatalf("update against a service that is down: %v\n%s", err, out)
	}
	if v1, _ := s.DataVersion(context.Background()); v1 != v0 {
		t.Errorf("data version %d → %d", v0, v1)
	}
	after := tableValues(t, s)
	for k, m := range before {
		for key, v := range m {
			if w := after[k][key]; w != v && !(math.IsNaN(w.Value) && math.IsNaN(v.Value)) {
				t.Errorf("%s %s: %v → %v", k, key, v, w)
			}
		}
	}
	if rels, _ := s.Releases(context.Background()); len(rels) != 1 {
		t.Errorf("%d releases", len(rels))
	}
	list := mustRun(t, env(), "update", "list", "-init", "-db", db)
	if !strings.Contains(list, "failed") || !strings.Contains(list, "cannot reach "+srv.URL) {
		t.Errorf("update list does not show the failure:\n%s", list)
	}
}

// Without credentials the command says what it needs and sends nothing.
func TestFetchWithoutCredentialsSaysWhatItNeeds(t *testing.T) {
	srv := genesistest.New(t, genesistest.Config{Username: replayUser, Password: replayPassword})
	db := filepath.Join(t.TempDir(), "atlas.db")
	_, _, err := runWith(func(string) string { return "" }, "fetch", "genesis", "-init", "-db", db, "-source", "destatis", genesistest.Table)
	if err == nil {
		t.Fatal("fetch without credentials succeeded")
	}
	for _, want := range []string{"GENESIS_DESTATIS_TOKEN", "GENESIS_USERNAME", "GENESIS_PASSWORD", "https://www-genesis.destatis.de/genesisWS/rest/2020/", "registration is free", "everything else works without it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
	_, _, err = runWith(func(k string) string { return map[string]string{"GENESIS_USERNAME": "u"}[k] }, "fetch", "genesis", "-init", "-db", db, "-source", srv.URL, genesistest.Table)
	if err == nil || !strings.Contains(err.Error(), "without a password") {
		t.Errorf("username without password: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests without credentials", n)
	}
	// The source's own variables win over the general ones.
	src := strings.ToUpper(strings.NewReplacer(".", "_", ":", "_").Replace(strings.TrimPrefix(strings.TrimSuffix(srv.URL, genesistest.BasePath), "http://")))
	mustRun(t, env("GENESIS_PASSWORD", "wrong", "GENESIS_"+src+"_PASSWORD", replayPassword),
		append(append([]string{"fetch", "genesis", "-init", "-db", db, "-source", srv.URL, "-dry-run"}, schutzFlags...), genesistest.Table)...)
}
