package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// RunTokensAndAudit is the contract of atlas.TokenStore and atlas.AuditStore,
// with the catalogue round trip the token scopes rely on.
func RunTokensAndAudit(t *testing.T, open Open) {
	t.Run("Tokens", func(t *testing.T) { testTokens(t, open(t)) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open(t)) })
	t.Run("CatalogueRoundTrip", func(t *testing.T) { testCatalogueRoundTrip(t, open(t)) })
}

func testTokens(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	ts, ok := s.(atlas.TokenStore)
	if !ok {
		t.Fatalf("%T does not implement atlas.TokenStore", s)
	}
	secret, hash, err := atlas.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(hash, secret) || len(hash) != 64 {
		t.Fatalf("hash %q", hash)
	}
	tok, err := ts.CreateToken(ctx, atlas.Token{Name: "Statistisches Landesamt Bayern", Keys: []string{"09"}, Indicators: []string{"*"}}, hash)
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID == 0 || tok.CreatedAt.IsZero() {
		t.Errorf("created token = %+v", tok)
	}
	got, err := ts.TokenByHash(ctx, atlas.HashToken(secret))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != tok.ID || got.Name != tok.Name || len(got.Keys) != 1 || got.Keys[0] != "09" || got.Indicators[0] != "*" {
		t.Errorf("token by hash = %+v", got)
	}
	if !got.Allows("09162", "unemployment_rate") || got.Allows("08111", "unemployment_rate") {
		t.Error("scope 09 must allow 09162 and refuse 08111")
	}
	if _, err := ts.TokenByHash(ctx, atlas.HashToken(secret+"x")); !errors.Is(err, atlas.ErrUnauthenticated) {
		t.Errorf("unknown hash: %v, want ErrUnauthenticated", err)
	}
	_, hash2, _ := atlas.NewTokenSecret()
	tok2, err := ts.CreateToken(ctx, atlas.Token{Name: "Destatis", Keys: []string{"*"}, Indicators: []string{"rdb_*", "population"}}, hash2)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.TokenByHash(ctx, hash); !errors.Is(err, atlas.ErrUnauthenticated) {
		t.Errorf("revoked token: %v, want ErrUnauthenticated", err)
	}
	if err := ts.RevokeToken(ctx, tok2.ID+100); !errors.Is(err, atlas.ErrNotFound) {
		t.Errorf("revoke unknown token: %v, want ErrNotFound", err)
	}
	list, err := ts.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].RevokedAt == nil || list[1].RevokedAt != nil || list[1].Indicators[0] != "rdb_*" {
		t.Errorf("tokens = %+v", list)
	}
	// Scopes are stored and read back; a token without any has none.
	if len(list[0].Scopes) != 0 || list[0].HasScope(atlas.ScopeCatalogue) {
		t.Errorf("token without scopes read back with %v", list[0].Scopes)
	}
	secret3, hash3, _ := atlas.NewTokenSecret()
	if _, err := ts.CreateToken(ctx, atlas.Token{Name: "Redaktion", Keys: []string{"*"}, Indicators: []string{"*"}, Scopes: []string{atlas.ScopeCatalogue, atlas.ScopeAdmin}}, hash3); err != nil {
		t.Fatal(err)
	}
	got3, err := ts.TokenByHash(ctx, atlas.HashToken(secret3))
	if err != nil {
		t.Fatal(err)
	}
	if !got3.HasScope(atlas.ScopeCatalogue) || !got3.HasScope(atlas.ScopeAdmin) || len(got3.Scopes) != 2 {
		t.Errorf("scopes read back = %v, want catalogue and admin", got3.Scopes)
	}
	if list, _ := ts.Tokens(ctx); len(list) != 3 || strings.Join(list[2].Scopes, ",") != "catalogue,admin" {
		t.Errorf("listed scopes = %+v", list)
	}
}

// testCatalogueRoundTrip: a catalogue entry reads back exactly as written
// (atlas.CatalogueChanges finds no field changed), so that a key-scoped
// token re-sending an unchanged entry is not refused as a catalogue change
// (atlas.CheckCatalogue), and a changed one is.
func testCatalogueRoundTrip(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	ind, obs := Unemployment(t)
	ind.TitleEN, ind.Definition, ind.LicenceURL, ind.Publisher, ind.TableID = "Unemployment rate", "Arbeitslose in % aller zivilen Erwerbspersonen", "https://www.govdata.de/dl-de/by-2-0", "Statistische Ämter des Bundes und der Länder", "13211-02-05-4"
	ind.ReferenceDate, ind.Notes, ind.Measure, ind.Weight = "Jahresdurchschnitt", "Berlin und Hamburg: Landeswerte zugleich als Kreiswert.", atlas.MeasureIntensive, "population"
	if _, err := s.Write(ctx, atlas.Change{Release: atlas.Release{Source: "rdb_13211"}, Indicators: []atlas.Indicator{ind}, Observations: obs}); err != nil {
		t.Fatal(err)
	}
	inds, err := s.Indicators(ctx)
	if err != nil || len(inds) != 1 {
		t.Fatalf("indicators = %+v, %v", inds, err)
	}
	if ch := atlas.CatalogueChanges(inds[0], ind); len(ch) != 0 {
		t.Errorf("the stored entry differs from the written one in %v", ch)
	}
	stored := map[string]atlas.Indicator{ind.ID: inds[0]}
	bayern := atlas.Token{Name: "Statistisches Landesamt Bayern", Keys: []string{"09"}, Indicators: []string{"*"}}
	if err := atlas.CheckCatalogue(bayern, stored, []atlas.Indicator{ind}); err != nil {
		t.Errorf("unchanged entry: %v", err)
	}
	changed := ind
	changed.Attribution = "© Bayerisches Landesamt für Statistik"
	var se *atlas.ScopeError
	if err := atlas.CheckCatalogue(bayern, stored, []atlas.Indicator{changed}); !errors.As(err, &se) || se.Catalogue[0] != "unemployment_rate: attribution" {
		t.Errorf("changed attribution: %v", err)
	}
}

func testAudit(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	as, ok := s.(atlas.AuditStore)
	if !ok {
		t.Fatalf("%T does not implement atlas.AuditStore", s)
	}
	e1, err := as.AppendAudit(ctx, atlas.AuditEntry{Actor: "cli:test", Action: atlas.AuditImport, Outcome: "ok", Format: "genesis",
		File: "a.csv", SHA256: "ab", Release: 7, Observations: 42, Indicators: 2})
	if err != nil {
		t.Fatal(err)
	}
	e2, err := as.AppendAudit(ctx, atlas.AuditEntry{Actor: "token:1 (x)", Action: atlas.AuditImport, Outcome: "refused", Detail: "keys 08111 outside the scope"})
	if err != nil {
		t.Fatal(err)
	}
	if e1.ID == 0 || e2.ID <= e1.ID || e1.At.IsZero() {
		t.Errorf("entries %+v %+v", e1, e2)
	}
	all, err := as.Audit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != e2.ID || all[1].Release != 7 || all[1].Observations != 42 || all[1].File != "a.csv" || all[0].Detail == "" {
		t.Errorf("audit log = %+v", all)
	}
	if one, _ := as.Audit(ctx, 1); len(one) != 1 || one[0].ID != e2.ID {
		t.Errorf("audit limit 1 = %+v", one)
	}
}
