package pgstore_test

import (
	"context"
	"testing"

	"github.com/standortatlas/standortatlas/atlas/pgstore"
)

// Two atlas instances over one database: only one holds the update lock;
// after unlock, or when the holder's connection dies, the other gets it.
func TestTryLockOneHolderAcrossInstances(t *testing.T) {
	ctx := context.Background()
	a, url := newStore(t, pgstore.Options{})
	b, err := pgstore.Open(ctx, url, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })

	unlock, ok, err := a.TryLock(ctx, "standortatlas-update")
	if err != nil || !ok {
		t.Fatalf("first lock: %v, %v", ok, err)
	}
	if _, ok, err := b.TryLock(ctx, "standortatlas-update"); err != nil || ok {
		t.Fatalf("second instance got the held lock: %v, %v", ok, err)
	}
	if _, ok, err := a.TryLock(ctx, "standortatlas-update"); err != nil || ok {
		t.Fatalf("another connection of the same instance got the held lock: %v, %v", ok, err)
	}
	unlockOther, ok, err := b.TryLock(ctx, "another-job")
	if err != nil || !ok {
		t.Fatalf("a lock of another name: %v, %v", ok, err)
	}
	unlockOther()
	unlock()
	unlock() // a second call does nothing
	unlockB, ok, err := b.TryLock(ctx, "standortatlas-update")
	if err != nil || !ok {
		t.Fatalf("after unlock: %v, %v", ok, err)
	}
	// The holder dies (its backend is terminated, as when the process or
	// the network goes away): the lock ends with its connection.
	var n int
	if err := sqlPool(t, url).QueryRow(ctx, `SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminate the holder: %d backends, %v", n, err)
	}
	unlockA, ok, err := a.TryLock(ctx, "standortatlas-update")
	if err != nil || !ok {
		t.Fatalf("after the holder died: %v, %v", ok, err)
	}
	unlockA()
	unlockB() // the dead holder's unlock fails quietly and frees its connection
}
