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
	"github.com/standortatlas/standortatlas/atlas/genesis/genesistest"
	"github.com/standortatlas/standortatlas/atlas/ingest"
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
