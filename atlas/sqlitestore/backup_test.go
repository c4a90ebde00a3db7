package sqlitestore

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/storetest"
)

func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "atlas.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ind, obs := storetest.Unemployment(t)
	if _, err := storetest.Import(ctx, s, atlas.Release{Source: "a"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, backup); err == nil {
		t.Error("backup overwrote an existing file")
	}
	// Change the data after the backup.
	upd := []atlas.Observation{{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2019, Value: math.NaN(), Flag: atlas.FlagSecret}}
	if _, err := storetest.Import(ctx, s, atlas.Release{Source: "b"}, []atlas.Indicator{ind}, upd); err != nil {
		t.Fatal(err)
	}
	s.Close()

	if err := Restore(ctx, backup, path); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	vals, err := s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	if err != nil || vals["09162"].Value != 3.5 {
		t.Errorf("after restore 09162 = %+v (%v), want the backed-up 3.5", vals["09162"], err)
	}
	if _, err := os.Stat(path + ".before-restore"); err != nil {
		t.Errorf("previous store not kept: %v", err)
	}
}

func TestRestoreRefusesDamagedBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.db")
	if err := os.WriteFile(bad, []byte("this is not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "atlas.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := Restore(ctx, bad, path); err == nil {
		t.Fatal("restore accepted a file that is not a store")
	}
	if err := Check(ctx, path); err != nil {
		t.Errorf("the store was touched by a refused restore: %v", err)
	}
}
