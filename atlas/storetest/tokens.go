package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// RunTokensAndAudit is the contract of atlas.TokenStore and atlas.AuditStore.
func RunTokensAndAudit(t *testing.T, open Open) {
	t.Run("Tokens", func(t *testing.T) { testTokens(t, open(t)) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open(t)) })
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
