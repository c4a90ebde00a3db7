package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

// RunSessions is the contract of atlas.SessionStore: sessions of the web
// form kept in the store (so that every instance over it accepts them),
// found by the hash of their id only, ended by expiry, by logout and by
// revoking their token, bounded in number, and never data (no release, no
// new data version).
func RunSessions(t *testing.T, open Open) {
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open(t)) })
	t.Run("SessionLimit", func(t *testing.T) { testSessionLimit(t, open(t)) })
}

func sessionStores(t *testing.T, s atlas.Store) (atlas.TokenStore, atlas.SessionStore) {
	t.Helper()
	ts, ok := s.(atlas.TokenStore)
	if !ok {
		t.Fatalf("%T does not implement atlas.TokenStore", s)
	}
	ss, ok := s.(atlas.SessionStore)
	if !ok {
		t.Fatalf("%T does not implement atlas.SessionStore", s)
	}
	return ts, ss
}

func sessionToken(t *testing.T, ts atlas.TokenStore, name string, keys ...string) atlas.Token {
	t.Helper()
	_, hash, err := atlas.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.CreateToken(context.Background(), atlas.Token{Name: name, Keys: keys, Indicators: []string{"*"}}, hash)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// newSessionID returns a fresh session id's hash, as the web layer stores it.
func newSessionID(t *testing.T) string {
	t.Helper()
	id, _, err := atlas.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	return atlas.HashToken(id)
}

func wantUnauthenticated(t *testing.T, ss atlas.SessionStore, idHash string, now time.Time, why string) {
	t.Helper()
	if got, err := ss.SessionByHash(context.Background(), idHash, now); !errors.Is(err, atlas.ErrUnauthenticated) {
		t.Errorf("%s: session %+v, %v; want ErrUnauthenticated", why, got, err)
	}
}

func testSessions(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	ts, ss := sessionStores(t, s)
	rs := releaseStore(t, s)
	kreis := sessionToken(t, ts, "Landratsamt München (Meldungen)", "09184")
	other := sessionToken(t, ts, "Stadt Augsburg (Meldungen)", "09761")
	version, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rels, err := rs.Releases(ctx)
	if err != nil {
		t.Fatal(err)
	}

	now := time.Now().UTC().Truncate(time.Second)
	expires := now.Add(2 * time.Hour)
	a, b, c := newSessionID(t), newSessionID(t), newSessionID(t)
	for _, x := range []struct {
		id  string
		tok int64
	}{{a, kreis.ID}, {b, kreis.ID}, {c, other.ID}} {
		if err := ss.CreateSession(ctx, x.id, x.tok, "csrf-"+x.id[:8], expires, now, 100); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ss.SessionByHash(ctx, a, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got.Token.ID != kreis.ID || got.Token.Name != kreis.Name || len(got.Token.Keys) != 1 || got.Token.Keys[0] != "09184" ||
		got.CSRF != "csrf-"+a[:8] || !got.Expires.Equal(expires) {
		t.Errorf("session a = %+v, want token %d, csrf %q, expires %v", got, kreis.ID, "csrf-"+a[:8], expires)
	}
	wantUnauthenticated(t, ss, atlas.HashToken("not a session"), now, "unknown id")
	if err := ss.CreateSession(ctx, newSessionID(t), 1<<40, "x", expires, now, 100); !errors.Is(err, atlas.ErrUnauthenticated) {
		t.Errorf("session of an unknown token: %v, want ErrUnauthenticated", err)
	}

	// Sessions are not data.
	if v, err := s.DataVersion(ctx); err != nil || v != version {
		t.Errorf("data version after opening sessions = %d, %v; want %d", v, err, version)
	}

	// Expired at its expiry, and deleted then: an earlier clock does not bring it back.
	wantUnauthenticated(t, ss, b, expires, "expired session")
	wantUnauthenticated(t, ss, b, now, "expired session, looked up again")

	// Logout ends one session; ending it twice is no error.
	if err := ss.DeleteSession(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := ss.DeleteSession(ctx, a); err != nil {
		t.Errorf("deleting an ended session: %v", err)
	}
	wantUnauthenticated(t, ss, a, now, "after logout")

	// Revoking a token ends its sessions, and opens no new one.
	d := newSessionID(t)
	if err := ss.CreateSession(ctx, d, kreis.ID, "csrf-d", expires, now, 100); err != nil {
		t.Fatal(err)
	}
	if err := ts.RevokeToken(ctx, kreis.ID); err != nil {
		t.Fatal(err)
	}
	wantUnauthenticated(t, ss, d, now, "token revoked")
	if err := ss.CreateSession(ctx, newSessionID(t), kreis.ID, "x", expires, now, 100); !errors.Is(err, atlas.ErrUnauthenticated) {
		t.Errorf("session of a revoked token: %v, want ErrUnauthenticated", err)
	}
	if got, err := ss.SessionByHash(ctx, c, now); err != nil || got.Token.ID != other.ID {
		t.Errorf("another token's session after the revocation = %+v, %v", got, err)
	}

	if v, err := s.DataVersion(ctx); err != nil || v != version {
		t.Errorf("data version after sessions ended = %d, %v; want %d", v, err, version)
	}
	if after, err := rs.Releases(ctx); err != nil || len(after) != len(rels) {
		t.Errorf("releases after sessions = %d, %v; want %d (sessions create none)", len(after), err, len(rels))
	}
}

func testSessionLimit(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	ts, ss := sessionStores(t, s)
	tok := sessionToken(t, ts, "Landratsamt München (Meldungen)", "09184")
	now := time.Now().UTC().Truncate(time.Second)
	const max = 3
	for i := 0; i < max; i++ {
		if err := ss.CreateSession(ctx, newSessionID(t), tok.ID, "x", now.Add(time.Hour), now, max); err != nil {
			t.Fatalf("session %d of %d: %v", i+1, max, err)
		}
	}
	if err := ss.CreateSession(ctx, newSessionID(t), tok.ID, "x", now.Add(time.Hour), now, max); !errors.Is(err, atlas.ErrTooManySessions) {
		t.Errorf("session beyond the bound: %v, want ErrTooManySessions", err)
	}
	// Once they have expired they no longer count: they are deleted.
	later := now.Add(time.Hour)
	for i := 0; i < max; i++ {
		if err := ss.CreateSession(ctx, newSessionID(t), tok.ID, "x", later.Add(time.Hour), later, max); err != nil {
			t.Fatalf("session %d after expiry: %v", i+1, err)
		}
	}
	if err := ss.CreateSession(ctx, newSessionID(t), tok.ID, "x", later.Add(time.Hour), later, max); !errors.Is(err, atlas.ErrTooManySessions) {
		t.Errorf("session beyond the bound after expiry: %v, want ErrTooManySessions", err)
	}
}
