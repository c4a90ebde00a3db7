package update_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/genesis"
	"github.com/standortatlas/standortatlas/atlas/genesis/genesistest"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
	"github.com/standortatlas/standortatlas/atlas/update"
)

const (
	user     = "replay-user"
	password = "replay-password-!"
)

// The options the seeds use for 12531-0043, without the mapping to curated
// indicators (the derived ids need no catalogue).
var schutzOptions = []string{"ffcsv_sum=GES,STAAG5", "ffcsv_split=SCHST2", "ffcsv_total=SCHUTZST-OF,SCHUTZST-AK-1,SCHUTZST-X"}

const total = "ffcsv_12531_0043_bev030" // the total of the three top-level categories

func runner(t *testing.T, srv *genesistest.Server, store atlas.Store) *update.Runner {
	t.Helper()
	in := &ingest.Intake{Store: store}
	return &update.Runner{Store: store, Import: in.Import, Actor: "test",
		Client: func(s genesis.Source) (*genesis.Client, error) {
			return &genesis.Client{Source: s, Credentials: genesis.Credentials{Username: user, Password: password}, PollEvery: time.Millisecond}, nil
		}}
}

func store(t *testing.T) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "atlas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func source(srv *genesistest.Server) update.Source {
	return update.Source{ID: "schutz", Genesis: ingest.GenesisSource{Source: srv.URL, Table: genesistest.Table, Level: "kreis"}, Options: schutzOptions}
}

func releases(t *testing.T, s *sqlitestore.Store) []atlas.ReleaseInfo {
	t.Helper()
	list, err := s.Releases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// value is the total of protection seekers of a Kreis; ok false when the
// Kreis has none.
func value(t *testing.T, s atlas.Store, key string) (atlas.Value, bool) {
	t.Helper()
	v, err := s.Values(context.Background(), total, atlas.LevelKreis, 2023)
	if err != nil {
		t.Fatal(err)
	}
	x, ok := v[key]
	return x, ok
}

// A re-download whose bytes differ (zip time stamp, member name with a new
// request number, row order) but whose content is the same is "unchanged";
// a download with more rows is a new edition, and the check says what
// changed.
func TestChangedAndUnchangedContent(t *testing.T) {
	ctx := context.Background()
	recorded := genesistest.Zip()
	earlier := genesistest.Subset(t, recorded, "12531-0043_600000001_flat.csv", func(l string) bool { return !strings.Contains(l, ";KREISE;Kreise;09") })
	bodies := map[int][]byte{
		1: earlier,
		2: recorded,
		3: genesistest.Repack(t, recorded, "12531-0043_700000002_flat.csv", time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), 42),
	}
	srv := genesistest.New(t, genesistest.Config{Username: user, Password: password, Body: func(n int) []byte { return bodies[n] }})
	s := store(t)
	r := runner(t, srv, s)
	clock := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	r.Now = func() time.Time { clock = clock.Add(time.Hour); return clock }

	first, err := r.Fetch(ctx, source(srv), update.FetchOptions{Register: true})
	if err != nil {
		t.Fatal(err)
	}
	if first.Check.Outcome != atlas.UpdateNew || first.Check.Release == 0 {
		t.Fatalf("first fetch: %+v", first.Check)
	}
	if v, ok := value(t, s, "09162"); ok {
		t.Fatalf("München in the earlier edition without Bayern: %+v", v)
	}

	rep, err := r.Run(ctx, false)
	if err != nil || len(rep.Results) != 1 {
		t.Fatalf("run: %v, %+v", err, rep)
	}
	c := rep.Results[0].Check
	if c.Outcome != atlas.UpdateNew || c.Release == first.Check.Release || c.ChangedAt == nil || !c.ChangedAt.Equal(c.CheckedAt) {
		t.Fatalf("changed data: %+v", c)
	}
	if v, ok := value(t, s, "09162"); !ok || v.Value <= 0 {
		t.Errorf("München after the newer edition: %+v", v)
	}
	changes := strings.Join(c.Changes, "\n")
	if !strings.Contains(changes, total+" kreis 2023: 96 new, 0 changed, 0 without value now") {
		t.Errorf("changes should count Bayern's 96 Kreise as new values of the total:\n%s", changes)
	}

	rep, err = r.Run(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	c2 := rep.Results[0].Check
	if c2.Outcome != atlas.UpdateUnchanged || c2.Release != c.Release || !c2.ChangedAt.Equal(*c.ChangedAt) || !c2.CheckedAt.After(c.CheckedAt) {
		t.Errorf("same content in other bytes: %+v, want unchanged since release %d", c2, c.Release)
	}
	if n := len(releases(t, s)); n != 2 {
		t.Errorf("%d releases, want 2 (the unchanged re-download wrote none)", n)
	}
	if srv.Downloads() != 3 {
		t.Errorf("%d downloads, want 3", srv.Downloads())
	}

	st, err := r.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ic, ok := st.Indicators[total]
	if st.Status != "ok" || !ok || ic.Outcome != atlas.UpdateUnchanged || !ic.CheckedAt.Equal(c2.CheckedAt) || !ic.ChangedAt.Equal(*c.ChangedAt) || ic.Table != genesistest.Table {
		t.Errorf("status %s, indicator check %+v", st.Status, ic)
	}
	if len(st.Indicators) != 4 {
		t.Errorf("%d indicators checked, want 4 (total and three categories)", len(st.Indicators))
	}
}

// A failed check leaves the data and the last good check as they were and
// is recorded with its reason.
func TestFailedCheckChangesNothing(t *testing.T) {
	ctx := context.Background()
	srv := genesistest.New(t, genesistest.Config{Username: user, Password: password})
	s := store(t)
	r := runner(t, srv, s)
	good, err := r.Fetch(ctx, source(srv), update.FetchOptions{Register: true})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := value(t, s, "05315")
	v0, _ := s.DataVersion(ctx)

	srv.Close()
	rep, err := r.Run(ctx, false)
	if !errors.Is(err, genesis.ErrUnavailable) || rep.Failed() != 1 {
		t.Fatalf("run against a closed server: %v, %d failed", err, rep.Failed())
	}
	if v1, _ := s.DataVersion(ctx); v1 != v0 {
		t.Errorf("data version %d → %d after a failed check", v0, v1)
	}
	if after, _ := value(t, s, "05315"); after != before || after.Value <= 0 {
		t.Errorf("Köln %v → %v", before, after)
	}
	if n := len(releases(t, s)); n != 1 {
		t.Errorf("%d releases", n)
	}
	st, _ := r.Status(ctx)
	c := st.Sources[0]
	if st.Status != "failed" || c.Outcome != atlas.UpdateFailed || !strings.Contains(c.Error, "cannot reach") || c.Release != good.Check.Release || c.ChangedAt == nil {
		t.Errorf("status %s, check %+v", st.Status, c)
	}
	if st.Indicators[total].Outcome != atlas.UpdateFailed {
		t.Errorf("indicator check %+v", st.Indicators[total])
	}
}

func TestLoginFailureRecorded(t *testing.T) {
	ctx := context.Background()
	srv := genesistest.New(t, genesistest.Config{Username: user, Password: "another password"})
	s := store(t)
	r := runner(t, srv, s)
	if err := r.Register(ctx, source(srv)); err != nil {
		t.Fatal(err)
	}
	_, err := r.Run(ctx, false)
	if !errors.Is(err, genesis.ErrLogin) {
		t.Fatalf("got %v, want ErrLogin", err)
	}
	st, _ := r.Status(ctx)
	if c := st.Sources[0]; c.Outcome != atlas.UpdateFailed || !strings.Contains(c.Error, "Ein Fehler ist aufgetreten") || strings.Contains(c.Error, password) {
		t.Errorf("check %+v", c)
	}
	for _, q := range srv.Requests() {
		if q.Endpoint != "helloworld/logincheck" {
			t.Errorf("%s requested after a failed login", q.Endpoint)
		}
	}
	if n := len(releases(t, s)); n != 0 {
		t.Errorf("%d releases", n)
	}
}

// lockedStore is a store whose update lock another instance holds.
type lockedStore struct {
	*sqlitestore.Store
	tries atomic.Int32
}

func (l *lockedStore) TryLock(ctx context.Context, name string) (func(), bool, error) {
	l.tries.Add(1)
	return nil, false, nil
}

func TestRunSkipsWhenAnotherInstanceUpdates(t *testing.T) {
	ctx := context.Background()
	srv := genesistest.New(t, genesistest.Config{Username: user, Password: password})
	ls := &lockedStore{Store: store(t)}
	r := runner(t, srv, ls)
	if err := r.Register(ctx, source(srv)); err != nil {
		t.Fatal(err)
	}
	rep, err := r.Run(ctx, false)
	if err != nil || rep.Skipped == "" || len(rep.Results) != 0 || ls.tries.Load() != 1 {
		t.Fatalf("run: %v, %+v, %d tries", err, rep, ls.tries.Load())
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests while another instance holds the lock", n)
	}
}

func TestOptionsFromSpec(t *testing.T) {
	spec := ingest.TableSpec{ID: "schutzsuchende_2023_kreise", Format: "ffcsv", File: "x.zip",
		FFCSV:      &ingest.FFCSVSpec{Sum: []string{"GES", "STAAG5"}, Split: "SCHST2", Total: []string{"SCHUTZST-OF", "SCHUTZST-AK-1", "SCHUTZST-X"}},
		Map:        map[string]string{"total": "protection_seekers", "SCHUTZST-OF": "protection_seekers_pending"},
		OnlyMapped: true,
		Genesis:    &ingest.GenesisSource{Source: "destatis", Table: "12531-0043"}}
	opts, err := update.OptionsFromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	want := "map=SCHUTZST-OF=protection_seekers_pending map=total=protection_seekers only_mapped=true ffcsv_sum=GES,STAAG5 ffcsv_split=SCHST2 ffcsv_total=SCHUTZST-OF,SCHUTZST-AK-1,SCHUTZST-X"
	if got := strings.Join(opts, " "); got != want {
		t.Errorf("options\n%s\nwant\n%s", got, want)
	}
	// What the options cannot say is refused, never dropped.
	spec.PerCapita = []ingest.PerCapitaSpec{{Indicator: "protection_seekers_per_1000", Numerator: "protection_seekers", Denominator: "population", Factor: 1000}}
	if _, err := update.OptionsFromSpec(spec); err == nil || !strings.Contains(err.Error(), "per_capita") {
		t.Errorf("per_capita: %v", err)
	}
	spec.PerCapita = nil
	spec.Crosswalk = &ingest.CrosswalkSpec{File: "bbsr.xlsx", Year: 2017}
	if _, err := update.OptionsFromSpec(spec); err == nil || !strings.Contains(err.Error(), "crosswalk") {
		t.Errorf("crosswalk file: %v", err)
	}
	spec.Crosswalk = &ingest.CrosswalkSpec{Merge: []string{"16056=16063"}}
	if opts, err := update.OptionsFromSpec(spec); err != nil || !strings.Contains(strings.Join(opts, " "), "merge=16056=16063") {
		t.Errorf("merge: %v, %v", opts, err)
	}
}

func TestSourceValidate(t *testing.T) {
	ok := update.Source{ID: "x_1", Genesis: ingest.GenesisSource{Source: "regionalstatistik", Table: "13211-02-05-4", Level: "kreis", Years: "2015-2020", Classifying: []string{"GES=GESM"}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]update.Source{
		"id":     {ID: "X Y", Genesis: ok.Genesis},
		"source": {ID: "x", Genesis: ingest.GenesisSource{Source: "http://example.org/", Table: "1"}},
		"level":  {ID: "x", Genesis: ingest.GenesisSource{Source: "destatis", Table: "12531-0043", Level: "bezirk"}},
		"years":  {ID: "x", Genesis: ingest.GenesisSource{Source: "destatis", Table: "12531-0043", Years: "2023-2020"}},
		"option": {ID: "x", Genesis: ok.Genesis, Options: []string{"ffcsv_bogus=1"}},
		"id opt": {ID: "x", Genesis: ok.Genesis, Options: []string{"id=y"}},
	} {
		if err := s.Validate(); err == nil {
			t.Errorf("%s: %+v accepted", name, s)
		}
	}
	if got := update.DefaultID("12531-0043"); got != "genesis_12531_0043" {
		t.Errorf("DefaultID = %s", got)
	}
}
