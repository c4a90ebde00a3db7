package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
	"golang.org/x/text/encoding/charmap"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "indicators", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newIntake(t *testing.T) (*ingest.Intake, *sqlitestore.Store) {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "atlas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &ingest.Intake{Store: s}, s
}

func audit(t *testing.T, s *sqlitestore.Store) []atlas.AuditEntry {
	t.Helper()
	list, err := s.Audit(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestIntakeReleasesAndReimport(t *testing.T) {
	ctx := context.Background()
	in, s := newIntake(t)
	req := atlas.ImportRequest{Format: "auto", Name: "13211.csv", Data: fixture(t, "genesis_13211-02-05-4_excerpt_latin1.csv"), Actor: "cli:test"}

	dry := req
	dry.DryRun = true
	res, err := in.Import(ctx, dry)
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || res.Observations == 0 || len(res.Indicators) != 13 || res.Release.ID != 0 {
		t.Errorf("dry run = %+v", res)
	}
	if inds, _ := s.Indicators(ctx); len(inds) != 0 {
		t.Errorf("dry run wrote %d indicators", len(inds))
	}

	first, err := in.Import(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.Release.ID == 0 || first.Unchanged || first.Release.Spec == "" || first.Release.SHA256 == "" {
		t.Fatalf("first import = %+v", first.Release)
	}
	v0, _ := s.DataVersion(ctx)
	again, err := in.Import(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Unchanged || again.Release.ID != first.Release.ID {
		t.Errorf("re-import = %+v, want unchanged release %d", again, first.Release.ID)
	}
	if v1, _ := s.DataVersion(ctx); v1 != v0 {
		t.Error("re-import changed the data version")
	}
	// Other options are another spec: a new release.
	mapped := req
	mapped.Options = []string{"map=12=rdb_13211_02_05_4_c12", "only_mapped=true"}
	r3, err := in.Import(ctx, mapped)
	if err != nil {
		t.Fatal(err)
	}
	forced := req
	forced.Force = true
	r4, err := in.Import(ctx, forced)
	if err != nil {
		t.Fatal(err)
	}
	if r3.Unchanged || r4.Unchanged || r4.Release.ID <= r3.Release.ID || r3.Release.ID <= first.Release.ID {
		t.Errorf("releases %d, %d, %d", first.Release.ID, r3.Release.ID, r4.Release.ID)
	}
	list := audit(t, s)
	if len(list) != 5 || list[4].Outcome != "dry-run" || list[4].Observations != res.Observations || list[3].Outcome != "ok" || list[2].Outcome != "unchanged" || list[0].Release != r4.Release.ID || list[0].Actor != "cli:test" || list[0].Format != "genesis" {
		t.Errorf("audit = %+v", list)
	}

	// Rollback to the first release restores its values.
	undone, err := in.Rollback(ctx, first.Release.ID, "cli:test")
	if err != nil || len(undone) != 2 {
		t.Fatalf("rollback = %+v, %v", undone, err)
	}
	if a := audit(t, s)[0]; a.Action != atlas.AuditRollback || !strings.Contains(a.Detail, "rolled back to release 1") {
		t.Errorf("rollback audit %+v", a)
	}
	// After the rollback the same file is not "already imported" by an undone release.
	again2, err := in.Import(ctx, mapped)
	if err != nil || again2.Unchanged {
		t.Errorf("import after rollback: %+v %v", again2, err)
	}
}

func TestIntakeRefusals(t *testing.T) {
	ctx := context.Background()
	in, s := newIntake(t)
	data := fixture(t, "genesis_13211-02-05-4_excerpt_latin1.csv")
	// A Land's token writes only its Land.
	bayern := atlas.Token{ID: 7, Name: "Statistisches Landesamt Bayern", Keys: []string{"09"}, Indicators: []string{"*"}}
	_, err := in.Import(ctx, atlas.ImportRequest{Format: "genesis", Name: "13211.csv", Data: data, Scope: &bayern, Actor: "token:7"})
	var se *atlas.ScopeError
	if !errors.As(err, &se) {
		t.Fatalf("out of scope: %v", err)
	}
	if strings.Join(se.Keys, ",") != "01,02,02000,11,11000,13001" && !strings.Contains(strings.Join(se.Keys, ","), "01,02") {
		t.Errorf("keys outside the scope: %v", se.Keys)
	}
	if rels, _ := s.Releases(ctx); len(rels) != 0 {
		t.Error("a refused import wrote a release")
	}
	// Within the scope: the canonical rows of Bayern only (lines 1–2, 5, 7, 8
	// of the fixture), with the catalogue entry the atlas already has.
	if _, err := s.Write(ctx, atlas.Change{Release: atlas.Release{Source: "catalogue"}, Indicators: unemploymentEntry(t)}); err != nil {
		t.Fatal(err)
	}
	res, err := in.Import(ctx, atlas.ImportRequest{Format: "canonical", Name: "by.csv", Data: bavaria(t), Catalogue: fixture(t, "canonical_catalogue_unemployment.json"), Scope: &bayern, Actor: "token:7"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Observations != 3 || res.Release.ID == 0 {
		t.Errorf("in scope: %+v", res)
	}
	// A broken file: the report names row and column, nothing is written.
	broken := strings.Replace(string(data), ";3,8;3,5;3,5;3,4;5,5;2,2", ";3,8;3,5a;3,5;3,4;5,5;2,2", 1)
	_, err = in.Import(ctx, atlas.ImportRequest{Format: "genesis", Name: "broken.csv", Data: []byte(broken), Actor: "cli:test"})
	var pr atlas.ProblemReporter
	if !errors.Is(err, atlas.ErrInvalidData) || !errors.As(err, &pr) || len(pr.ProblemReport()) != 1 || pr.ProblemReport()[0].Column != "#12" || pr.ProblemReport()[0].Row == 0 {
		t.Errorf("broken file: %v", err)
	}
	if _, err := in.Import(ctx, atlas.ImportRequest{Format: "genesis", Name: "x.csv", Data: data, Options: []string{"colour=blue"}}); err == nil {
		t.Error("unknown option accepted")
	} else {
		var pe *atlas.ParamError
		if !errors.As(err, &pe) {
			t.Errorf("unknown option: %v, want a ParamError", err)
		}
	}
	list := audit(t, s)
	outcomes := []string{}
	for _, e := range list {
		outcomes = append(outcomes, e.Outcome)
	}
	// Every attempt is recorded: the scope refusal, the import, the broken
	// file and the unknown option.
	if strings.Join(outcomes, ",") != "refused,refused,ok,refused" {
		t.Errorf("audit outcomes %v (newest first)", outcomes)
	}
	if !strings.Contains(list[3].Detail, "may not write") || list[3].Actor != "token:7" {
		t.Errorf("scope refusal audit %+v", list[3])
	}
	if list[2].Release != res.Release.ID || list[2].Observations != 3 {
		t.Errorf("import audit %+v, want release %d with 3 observations", list[2], res.Release.ID)
	}
}

// bavaria is the canonical excerpt's header and its rows of Bayern.
func bavaria(t *testing.T) []byte {
	lines := strings.SplitAfter(string(fixture(t, "canonical_unemployment_2019_excerpt.csv")), "\n")
	return []byte(lines[0] + lines[1] + lines[4] + lines[6] + lines[7])
}

// unemploymentEntry is the real catalogue entry of the canonical fixture.
func unemploymentEntry(t *testing.T) []atlas.Indicator {
	var inds []atlas.Indicator
	if err := json.Unmarshal(fixture(t, "canonical_catalogue_unemployment.json"), &inds); err != nil {
		t.Fatal(err)
	}
	return inds
}

// Issue 15, item 1: a token scoped to one Land may add observations to an
// existing indicator, and create entries of its own namespace, but not
// change a nationwide catalogue entry (title, source, licence, …) or create
// one elsewhere: that needs the catalogue scope. The refusal is audited
// with what it would have changed.
func TestIntakeCatalogueScope(t *testing.T) {
	ctx := context.Background()
	in, s := newIntake(t)
	catalogue := fixture(t, "canonical_catalogue_unemployment.json")
	bayern := atlas.Token{ID: 7, Name: "Statistisches Landesamt Bayern", Keys: []string{"09"}, Indicators: []string{"*"}}
	imp := func(tok *atlas.Token, data, cat []byte) error {
		_, err := in.Import(ctx, atlas.ImportRequest{Format: "canonical", Name: "by.csv", Data: data, Catalogue: cat, Scope: tok, Actor: "token:" + tok.Name, Force: true})
		return err
	}
	// A new nationwide entry is refused: "*" is no namespace.
	var se *atlas.ScopeError
	if err := imp(&bayern, bavaria(t), catalogue); !errors.As(err, &se) || se.Scope != atlas.ScopeCatalogue || strings.Join(se.Catalogue, "") != "unemployment_rate: new entry outside the token's namespace" {
		t.Fatalf("new entry with a key-scoped token: %v", err)
	}
	if _, err := in.Import(ctx, atlas.ImportRequest{Format: "canonical", Name: "de.csv", Data: fixture(t, "canonical_unemployment_2019_excerpt.csv"), Catalogue: catalogue, Actor: "cli:test"}); err != nil {
		t.Fatal(err)
	}
	// The same entry again, and observations without a catalogue: allowed.
	if err := imp(&bayern, bavaria(t), catalogue); err != nil {
		t.Errorf("unchanged catalogue entry: %v", err)
	}
	if err := imp(&bayern, bavaria(t), nil); err != nil {
		t.Errorf("observations only: %v", err)
	}
	// A new title, source, licence and attribution for all of Germany: 403.
	hijack := strings.NewReplacer(`"Arbeitslosenquote"`, `"Arbeitslosenquote (Bayern)"`, `"dl-de/by-2-0"`, `"CC-BY-NC"`,
		`"Regionaldatenbank Deutschland, Tabelle 13211-02-05-4"`, `"Landesamt"`).Replace(string(catalogue))
	err := imp(&bayern, bavaria(t), []byte(hijack))
	if !errors.As(err, &se) || se.Scope != atlas.ScopeCatalogue || len(se.Catalogue) != 1 || se.Catalogue[0] != "unemployment_rate: title, source, licence" {
		t.Fatalf("catalogue change with a key-scoped token: %v", err)
	}
	if a := audit(t, s)[0]; a.Outcome != "refused" || !strings.Contains(a.Detail, "catalogue scope") || !strings.Contains(a.Detail, "unemployment_rate: title, source, licence") {
		t.Errorf("audit of the refusal: %+v", a)
	}
	inds, _ := s.Indicators(ctx)
	if len(inds) != 1 || inds[0].Title != "Arbeitslosenquote" || inds[0].Licence != "dl-de/by-2-0" {
		t.Errorf("catalogue after the refusal: %+v", inds)
	}
	// With the catalogue scope the same import is a catalogue change.
	editor := bayern
	editor.Scopes = []string{atlas.ScopeCatalogue}
	if err := imp(&editor, bavaria(t), []byte(hijack)); err != nil {
		t.Fatalf("catalogue scope: %v", err)
	}
	if inds, _ := s.Indicators(ctx); inds[0].Title != "Arbeitslosenquote (Bayern)" {
		t.Errorf("title = %q", inds[0].Title)
	}
	// A token's own namespace: by_* may create by_unemployment_rate.
	own := atlas.Token{ID: 8, Name: "LfStat Bayern", Keys: []string{"09"}, Indicators: []string{"by_*"}}
	ownData := bytes.ReplaceAll(bavaria(t), []byte(",unemployment_rate,"), []byte(",by_unemployment_rate,"))
	ownCat := strings.Replace(string(catalogue), `"id": "unemployment_rate"`, `"id": "by_unemployment_rate"`, 1)
	if err := imp(&own, ownData, []byte(ownCat)); err != nil {
		t.Errorf("entry of the token's namespace: %v", err)
	}
}

// Tokens are checked once, by the intake (not by each store): a malformed
// scope is refused and nothing is stored; a created token is audited and
// only its hash is kept.
func TestIntakeTokens(t *testing.T) {
	ctx := context.Background()
	in, s := newIntake(t)
	var pe *atlas.ParamError
	if _, _, err := in.CreateToken(ctx, atlas.Token{Name: "x", Keys: []string{"9a"}, Indicators: []string{"*"}}, "cli:test"); !errors.As(err, &pe) {
		t.Errorf("key prefix 9a: %v, want a ParamError", err)
	}
	tok, secret, err := in.CreateToken(ctx, atlas.Token{Name: "Statistisches Landesamt Bayern", Keys: []string{"09"}, Indicators: []string{"*"}}, "cli:test")
	if err != nil {
		t.Fatal(err)
	}
	list, _ := s.Tokens(ctx)
	if len(list) != 1 || list[0].ID != tok.ID {
		t.Errorf("tokens = %+v", list)
	}
	if got, err := s.TokenByHash(ctx, atlas.HashToken(secret)); err != nil || got.ID != tok.ID || !atlas.ValidTokenHash(atlas.HashToken(secret)) {
		t.Errorf("token by the secret's hash = %+v, %v", got, err)
	}
	if err := in.RevokeToken(ctx, tok.ID, "cli:test"); err != nil {
		t.Fatal(err)
	}
	if a := audit(t, s); len(a) != 2 || a[0].Action != atlas.AuditTokenRevoke || a[1].Action != atlas.AuditTokenCreate || strings.Contains(a[1].Detail, secret) {
		t.Errorf("audit = %+v", a)
	}
	if atlas.ValidTokenHash("ABCDEF") || atlas.ValidTokenHash(strings.Repeat("G", 64)) {
		t.Error("ValidTokenHash accepts a malformed hash")
	}
}

// A newer download of a table (issue 14, item 10): the report and the
// release list the values that change, and the derived catalogue entries
// take the newer file's copyright year. The newer file is the real
// 22411-01-01-4-B excerpt (© 2020); the older download is simulated from it
// (no second real download is at hand): Flensburg's Pflegedienste 13 → 12
// and © 2019.
func TestReimportOfNewerDownloadListsChanges(t *testing.T) {
	ctx := context.Background()
	in, s := newIntake(t)
	newer := fixture(t, "genesis_22411-01-01-4-B_excerpt_latin1.csv")
	older := strings.Replace(string(newer), "31.12.2017;01001;Flensburg, Kreisfreie Stadt;13;", "31.12.2017;01001;Flensburg, Kreisfreie Stadt;12;", 1)
	older = strings.Replace(older, "Deutschland, 2020.", "Deutschland, 2019.", 1)
	if older == string(newer) {
		t.Fatal("fixture changed")
	}
	if _, err := in.Import(ctx, atlas.ImportRequest{Format: "genesis", Name: "22411.csv", Data: []byte(older), Actor: "cli:test"}); err != nil {
		t.Fatal(err)
	}
	res, err := in.Import(ctx, atlas.ImportRequest{Format: "genesis", Name: "22411.csv", Data: newer, Actor: "cli:test"})
	if err != nil {
		t.Fatal(err)
	}
	report := strings.Join(res.Summary, "\n")
	for _, want := range []string{"1 of 54 values already stored change", "rdb_22411_01_01_4_b_c4 01001 2017: 12 → 13", "source details of rdb_22411_01_01_4_b_c4 updated"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	rels, err := s.Releases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	newest := rels[0]
	for _, r := range rels {
		if r.ID > newest.ID {
			newest = r
		}
	}
	if last := strings.Join(newest.Report, "\n"); !strings.Contains(last, "12 → 13") {
		t.Errorf("release %d report lacks the change:\n%s", newest.ID, last)
	}
	inds, _ := s.Indicators(ctx)
	for _, ind := range inds {
		if ind.ID == "rdb_22411_01_01_4_b_c4" && !strings.Contains(ind.Attribution, "2020") {
			t.Errorf("attribution %q keeps the older copyright year", ind.Attribution)
		}
	}
}

// Issue 15, item 10: a catalogue CSV in Latin-1 (the real catalogue entry,
// "für" in its definition) is refused with row and column, not stored
// with replacement characters; the same file in UTF-8 imports.
func TestLatin1CatalogueRefused(t *testing.T) {
	ctx := context.Background()
	in, s := newIntake(t)
	ind := unemploymentEntry(t)[0]
	csvUTF8 := "id,title,definition,unit,decimals,topic,topic_title,direction,source,licence,attribution\n" +
		strings.Join([]string{ind.ID, ind.Title, `"` + ind.Definition + `"`, ind.Unit, "1", ind.Topic, ind.TopicTitle, string(ind.Direction), `"` + ind.Source + `"`, ind.Licence, `"` + ind.Attribution + `"`}, ",") + "\n"
	latin1, err := charmap.ISO8859_1.NewEncoder().String(csvUTF8)
	if err != nil {
		t.Fatal(err)
	}
	req := atlas.ImportRequest{Format: "canonical", Name: "de.csv", Data: fixture(t, "canonical_unemployment_2019_excerpt.csv"), Catalogue: []byte(latin1), Actor: "cli:test"}
	_, err = in.Import(ctx, req)
	if !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "row 2") || !strings.Contains(err.Error(), "not UTF-8") {
		t.Fatalf("Latin-1 catalogue: %v", err)
	}
	if inds, _ := s.Indicators(ctx); len(inds) != 0 {
		t.Errorf("stored %+v", inds)
	}
	req.Catalogue = []byte(csvUTF8)
	if _, err := in.Import(ctx, req); err != nil {
		t.Fatalf("UTF-8 catalogue: %v", err)
	}
	if inds, _ := s.Indicators(ctx); len(inds) != 1 || inds[0].Definition != ind.Definition {
		t.Errorf("stored %+v", inds)
	}
}
