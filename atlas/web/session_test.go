package web

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/storetest"
)

// TestSessionAcrossInstances runs two instances over one store, as replicas
// behind a load balancer without sticky sessions: a session opened on one
// is accepted by the other, a logout on one ends it on both, revoking the
// token ends its sessions, and the bound on open sessions holds for the
// store. Sessions are not data: the data version stays.
func TestSessionAcrossInstances(t *testing.T) {
	ctx := context.Background()
	path, tok := reportingStore(t)
	a, store := reportingInstance(t, path, Deps{MaxSessions: 3})
	b, _ := reportingInstance(t, path, Deps{MaxSessions: 3})

	def := storetest.TestReportDefinition()
	def.FirstPeriod = atlas.AddMonths(atlas.MonthOf(time.Now()), -1)
	body, _ := json.Marshal(def)
	expect(t, call{method: "POST", path: "/api/v1/reports", body: string(body), token: tok["coordinator"]}.do(t, a), 201, nil)
	form := "/api/v1/reports/test_unterbringung/periods/" + atlas.FormatMonth(def.FirstPeriod) + "/regions/09162"
	version, err := store.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}

	signIn := func(h http.Handler, secret string) ([]*http.Cookie, sessionInfo) {
		t.Helper()
		rec := call{method: "POST", path: "/api/v1/session", body: `{"token":"` + secret + `"}`}.do(t, h)
		var sess sessionInfo
		expect(t, rec, 201, &sess)
		return rec.Result().Cookies(), sess
	}
	whoami := func(h http.Handler, cookies []*http.Cookie) sessionInfo {
		t.Helper()
		var got sessionInfo
		expect(t, call{method: "GET", path: "/api/v1/session", cookies: cookies}.do(t, h), 200, &got)
		return got
	}

	// Opened on a, accepted by b: the same session, token and CSRF token.
	cookies, sess := signIn(a, tok["muenchen"])
	if got := whoami(b, cookies); !got.SignedIn || got.CSRF != sess.CSRF || got.Token == nil || got.Token.Name != "Meldestelle München (Test)" {
		t.Fatalf("session of a on b: %+v, want signed in with CSRF %q", got, sess.CSRF)
	}
	expect(t, call{method: "PUT", path: form, body: `{"values":{"plaetze":"1200","belegt":"1100"}}`, cookies: cookies}.do(t, b), 403, nil) // CSRF still checked
	expect(t, call{method: "PUT", path: form, body: `{"values":{"plaetze":"1200","belegt":"1100"}}`, cookies: cookies, csrf: sess.CSRF}.do(t, b), 201, nil)
	if v, err := store.DataVersion(ctx); err != nil || v != version {
		t.Errorf("data version after a sign-in and a draft = %d, %v; want %d (neither is data)", v, err, version)
	}

	// A logout on b ends the session on a too.
	expect(t, call{method: "DELETE", path: "/api/v1/session", cookies: cookies}.do(t, b), 204, nil)
	if got := whoami(a, cookies); got.SignedIn || got.CSRF != "" {
		t.Errorf("on a after the logout on b: %+v", got)
	}
	expect(t, call{method: "PUT", path: form, body: `{"values":{"plaetze":"1200","belegt":"1100"}}`, cookies: cookies, csrf: sess.CSRF}.do(t, a), 401, nil)

	// Revoking the token ends its sessions on every instance.
	cookies, _ = signIn(b, tok["muenchen"])
	other, _ := signIn(a, tok["lkmuenchen"])
	if !whoami(a, cookies).SignedIn {
		t.Fatal("session of b not accepted by a")
	}
	toks, err := store.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range toks {
		if x.Name == "Meldestelle München (Test)" {
			if err := store.RevokeToken(ctx, x.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if whoami(a, cookies).SignedIn || whoami(b, cookies).SignedIn {
		t.Error("a session of a revoked token is still signed in")
	}
	if !whoami(b, other).SignedIn {
		t.Error("another token's session ended with the revocation")
	}

	// The bound (3) is the store's: with other's session, one more on a and
	// one on b fill it; the next sign-in on either instance gets 503.
	signIn(a, tok["lkmuenchen"])
	signIn(b, tok["coordinator"])
	for _, h := range []http.Handler{a, b} {
		expect(t, call{method: "POST", path: "/api/v1/session", body: `{"token":"` + tok["lkmuenchen"] + `"}`}.do(t, h), 503, nil)
	}
	if v, err := store.DataVersion(ctx); err != nil || v != version {
		t.Errorf("data version after sessions = %d, %v; want %d", v, err, version)
	}
}
