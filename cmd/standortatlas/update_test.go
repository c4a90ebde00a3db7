package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/genesis"
	"github.com/standortatlas/standortatlas/atlas/genesis/genesistest"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/pgstore"
	"github.com/standortatlas/standortatlas/atlas/pgstore/pgtest"
	"github.com/standortatlas/standortatlas/atlas/update"
)

// serve -update-every checks a registered table in the background (here:
// the seeds' protection-seeker indicators, fetched as the recorded
// background job), shows the check on /api/v1/updates and /metrics, and
// the map shows "zuletzt geprüft" next to the indicator's source.
func TestServeUpdatesInBackgroundAndShowsZuletztGeprueft(t *testing.T) {
	gsrv := genesistest.New(t, genesistest.Config{Username: replayUser, Password: replayPassword, TooLarge: true, NotReady: 1})
	db := filepath.Join(t.TempDir(), "atlas.db")
	src := update.Source{ID: "schutzsuchende_genesis",
		Genesis: ingest.GenesisSource{Source: gsrv.URL, Table: genesistest.Table, Level: "kreis"},
		Options: []string{"ffcsv_sum=GES,STAAG5", "ffcsv_split=SCHST2", "ffcsv_total=SCHUTZST-OF,SCHUTZST-AK-1,SCHUTZST-X",
			"map=total=protection_seekers", "map=SCHUTZST-OF=protection_seekers_pending", "map=SCHUTZST-AK-1=protection_seekers_recognised",
			"map=SCHUTZST-X=protection_seekers_rejected", "only_mapped=true"}}
	func() { // registered as by "update -manifest"; not checked yet
		s := openDB(t, db)
		defer s.Close()
		if err := (&update.Runner{Store: s}).Register(context.Background(), src); err != nil {
			t.Fatal(err)
		}
	}()

	srv := startServerWith(t, []string{"-db", db, "-update-every", "1h"}, env())
	var st atlas.UpdateStatus
	deadline := time.Now().Add(150 * time.Second)
	for {
		getJSON(t, srv.url+"/api/v1/updates", &st)
		if len(st.Sources) == 1 && st.Sources[0].Outcome != atlas.UpdatePending {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no check within the deadline: %+v\n%s", st, srv.stdout.String())
		}
		time.Sleep(250 * time.Millisecond)
	}
	c := st.Sources[0]
	if st.Status != "ok" || c.Outcome != atlas.UpdateNew || c.Release == 0 || st.Every != "1h0m0s" || st.NextRun == nil || !st.NextRun.After(c.CheckedAt) {
		t.Fatalf("status %s, every %q, next %v, check %+v", st.Status, st.Every, st.NextRun, c)
	}
	// The seeds hold the same recorded table: the newer release changes no value.
	if !slices.Contains(c.Changes, "the values compared are the same as before (another file or other options gave the same data)") {
		t.Errorf("changes: %q", c.Changes)
	}
	ic, ok := st.Indicators["protection_seekers"]
	if !ok || ic.SourceID != src.ID || ic.Outcome != atlas.UpdateNew || !ic.CheckedAt.Equal(c.CheckedAt) {
		t.Errorf("protection_seekers: %+v", ic)
	}
	if _, ok := st.Indicators["unemployment_rate"]; ok {
		t.Error("unemployment_rate was never checked against a source")
	}
	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), `standortatlas_update_failed{source="schutzsuchende_genesis",table="12531-0043"} 0`) {
		t.Error("/metrics lacks the source's update series")
	}

	b := newBrowser(t)
	ctx := b.ctx
	do(t, ctx, "open the atlas", chromedp.Navigate(srv.url+"/?level=kreis&indicator=protection_seekers&year=2023"))
	waitFor(t, ctx, "zuletzt geprüft", `(document.querySelector('#indicator-info .indicator-info__check')?.textContent ?? '').startsWith('Zuletzt geprüft: ')`)
	if line := js[string](t, ctx, `document.querySelector('#indicator-info .indicator-info__check').textContent`); !strings.Contains(line, "neue Ausgabe importiert") {
		t.Errorf("check line %q", line)
	}
	screenshot(t, ctx, "atlas-zuletzt-geprueft.png")
	js[string](t, ctx, setSelect("f-indicator", "unemployment_rate"))
	waitFor(t, ctx, "an indicator without a source check", `(document.querySelector('#indicator-info .indicator-info__check')?.textContent ?? '').startsWith('Nicht automatisch')`)
	b.check(t, srv.url)
}

// Two atlas instances over one PostGIS database run their scheduled update
// at the same time: the advisory lock lets one of them update, the other
// skips; afterwards the other finds the data unchanged.
func TestUpdateOnPostGISOneInstanceAtATime(t *testing.T) {
	url := pgtest.NewDB(t)
	mustRun(t, env(), "migrate", "-database-url", url)
	ctx := context.Background()
	gsrv := genesistest.New(t, genesistest.Config{Username: replayUser, Password: replayPassword, TooLarge: true, NotReady: 40})
	instance := func() (*update.Runner, *pgstore.Store) {
		s, err := pgstore.Open(ctx, url, pgstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return &update.Runner{Store: s, Import: importFetched(s, nil), Actor: "test",
			Client: func(src genesis.Source) (*genesis.Client, error) {
				return &genesis.Client{Source: src, Credentials: genesis.Credentials{Username: replayUser, Password: replayPassword}, PollEvery: 25 * time.Millisecond}, nil
			}}, s
	}
	a, store := instance()
	b, _ := instance()
	src := update.Source{ID: "schutz", Genesis: ingest.GenesisSource{Source: gsrv.URL, Table: genesistest.Table, Level: "kreis"},
		Options: []string{"ffcsv_sum=GES,STAAG5", "ffcsv_split=SCHST2", "ffcsv_total=SCHUTZST-OF,SCHUTZST-AK-1,SCHUTZST-X"}}
	if err := a.Register(ctx, src); err != nil {
		t.Fatal(err)
	}
	type result struct {
		rep update.RunReport
		err error
	}
	done := make(chan result, 1)
	go func() { rep, err := a.Run(ctx, false); done <- result{rep, err} }()
	// Wait until the first instance waits for the background job, holding the lock.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if slices.ContainsFunc(gsrv.Requests(), func(r genesistest.Request) bool { return r.Endpoint == "catalogue/results" }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first instance never waited for the job")
		}
	}
	repB, err := b.Run(ctx, false)
	if err != nil || repB.Skipped == "" || len(repB.Results) != 0 {
		t.Fatalf("second instance while the first updates: %+v, %v", repB, err)
	}
	repA := <-done
	if repA.err != nil || len(repA.rep.Results) != 1 || repA.rep.Results[0].Check.Outcome != atlas.UpdateNew {
		t.Fatalf("first instance: %+v, %v", repA.rep, repA.err)
	}
	repB, err = b.Run(ctx, false)
	if err != nil || repB.Skipped != "" || len(repB.Results) != 1 || repB.Results[0].Check.Outcome != atlas.UpdateUnchanged {
		t.Fatalf("second instance afterwards: %+v, %v", repB, err)
	}
	rels, err := store.Releases(ctx)
	if err != nil || len(rels) != 1 {
		t.Errorf("%d releases (%v), want 1", len(rels), err)
	}
}
