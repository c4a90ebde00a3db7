package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/pgstore/pgtest"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
)

// TestMainProcess is not a test: it runs the command line in a child process
// for the crash test (the re-exec pattern of os/exec's own tests).
func TestMainProcess(t *testing.T) {
	if os.Getenv("STANDORTATLAS_MAIN_PROCESS") != "1" {
		t.Skip("helper process for TestKillDuringImportKeepsPreviousData")
	}
	args := strings.Split(os.Getenv("STANDORTATLAS_MAIN_ARGS"), "\x1f")
	if err := run(context.Background(), args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		os.Exit(1)
	}
	os.Exit(0)
}

func choroplethBodies(t *testing.T, db string) map[string]string {
	t.Helper()
	s, err := openStore(context.Background(), storeConfig{DBPath: db})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return storeChoropleths(t, s)
}

// storeChoropleths encodes a few real choropleths of both kinds of level.
func storeChoropleths(t *testing.T, s atlas.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	svc := atlas.NewService(s, atlas.Options{})
	out := map[string]string{}
	for _, q := range []atlas.ChoroplethQuery{
		{Level: atlas.LevelKreis, Indicator: "unemployment_rate", Year: 2019},
		{Level: atlas.LevelGemeinde, Indicator: "population", Year: 2023},
		{Level: atlas.LevelKreis, Indicator: "gisd_score", Year: 2019},
		{Level: atlas.LevelKreis, Indicator: "broadband_gigabit", Year: 2021},
	} {
		enc, err := svc.Choropleth(ctx, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		out[q.Indicator] = string(enc.Body)
	}
	return out
}

// TestKillDuringImportKeepsPreviousData kills (SIGKILL) a process in the
// middle of re-importing all seed data and checks that the store, opened
// again, serves exactly the data it had before.
func TestKillDuringImportKeepsPreviousData(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a store twice")
	}
	db := filepath.Join(t.TempDir(), "atlas.db")
	store, err := sqlitestore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedIfNeeded(context.Background(), store, false, io.Discard); err != nil {
		t.Fatal(err)
	}
	store.Close()
	before := choroplethBodies(t, db)

	// Kill the child at several points while it writes: when its write-ahead
	// log has grown by 1 and 6 MB (mid-transaction: boundaries are
	// deleted and re-inserted, observations upserted).
	for _, grow := range []int64{1 << 20, 6 << 20} {
		wal := db + "-wal"
		start := fileSize(wal)
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$")
		cmd.Env = append(os.Environ(), "STANDORTATLAS_MAIN_PROCESS=1", "STANDORTATLAS_MAIN_ARGS="+strings.Join([]string{"seed", "-force", "-db", db}, "\x1f"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for fileSize(wal) < start+grow && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err == nil {
			t.Fatalf("the import finished before the write-ahead log grew by %d bytes; nothing was tested", grow)
		}
		after := choroplethBodies(t, db)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("after SIGKILL with the log grown by %d MB: choropleth %s differs from before the import", grow>>20, k)
			}
		}
	}
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// TestKillDuringImportKeepsPreviousDataPostGIS does the same on PostGIS:
// the killed client's open transaction is rolled back by the server.
func TestKillDuringImportKeepsPreviousDataPostGIS(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds PostGIS")
	}
	url := pgtest.NewDB(t)
	runCLI(t, "migrate", "-database-url", url)
	runCLI(t, "seed", "-database-url", url)
	open := func() map[string]string {
		s, err := openStore(context.Background(), storeConfig{DatabaseURL: url})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		return storeChoropleths(t, s)
	}
	before := open()
	// Seeding reads all files for a few seconds, then writes for several more:
	// kill the child at points inside the writing phase.
	for _, delay := range []time.Duration{5 * time.Second, 8 * time.Second} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$")
		cmd.Env = append(os.Environ(), "STANDORTATLAS_MAIN_PROCESS=1", "STANDORTATLAS_MAIN_ARGS="+strings.Join([]string{"seed", "-force", "-database-url", url}, "\x1f"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err == nil {
			t.Logf("the re-seed finished within %s; this round tested nothing", delay)
			continue
		}
		after := open()
		for k, v := range before {
			if after[k] != v {
				t.Errorf("after SIGKILL at %s: choropleth %s differs from before the import", delay, k)
			}
		}
	}
}
