package atlas

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// This file holds the write side of the atlas ("intake"): releases that can
// be rolled back, scoped write tokens, the audit log, and the request and
// result of one file import. The stores implement the interfaces below
// optionally; callers check with a type assertion.

// Sentinel errors of the write side.
var (
	// ErrUnauthenticated: no token, or a token that is unknown or revoked (HTTP 401).
	ErrUnauthenticated = errors.New("atlas: missing, unknown or revoked token")
	// ErrInvalidData: the file is malformed or fails validation; nothing was written (HTTP 422).
	ErrInvalidData = errors.New("atlas: invalid data")
	// ErrConflict: the request contradicts the store's state, e.g. a rollback
	// to a release that was itself rolled back (HTTP 409).
	ErrConflict = errors.New("atlas: conflict")
	// ErrNotSupported: the store does not implement the optional interface a
	// command needs (HTTP 501).
	ErrNotSupported = errors.New("atlas: not supported by this store")
)

// ReleaseInfo is a release with its state, as listed by a ReleaseStore.
type ReleaseInfo struct {
	Release
	// RolledBackAt is set when the release was undone by a rollback.
	RolledBackAt *time.Time `json:"rolled_back_at,omitempty"`
	// Replaced counts the observations of earlier releases this release overwrote.
	Replaced int `json:"replaced"`
}

// Active reports whether the release's writes are in effect.
func (r ReleaseInfo) Active() bool { return r.RolledBackAt == nil }

// ReleaseStore keeps the history of every release so that the store can
// return to the state right after any earlier release.
//
// Contract (atlas/storetest.RunReleases): Import records, for each
// observation it overwrites, the previous value, flag and release; Rollback(id)
// undoes every active release newer than id, newest first, restoring the
// overwritten observations and catalogue entries and deleting what those
// releases added; the undone releases stay listed with RolledBackAt set.
// Rolling back to an unknown release is ErrNotFound, to a rolled-back one
// ErrConflict. Rollback is all or nothing and changes the data version.
type ReleaseStore interface {
	// Releases lists all releases, oldest first.
	Releases(ctx context.Context) ([]ReleaseInfo, error)
	// Rollback returns the observations and catalogue to their state right
	// after release id and reports the releases it undid.
	Rollback(ctx context.Context, id int64) ([]ReleaseInfo, error)
}

// Token is a write credential of a data supplier (e.g. a Land's statistical
// office). Only the SHA-256 hash of its secret is stored.
type Token struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Keys are regional-key prefixes the token may write ("09" = Bayern and
	// everything in it); "*" allows every key.
	Keys []string `json:"keys"`
	// Indicators are indicator ids the token may write; "*" allows all, and
	// an id ending in "*" is a prefix ("rdb_*").
	Indicators []string   `json:"indicators"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Allows reports whether the token may write the observation of indicator
// for key.
func (t Token) Allows(key, indicator string) bool {
	return t.AllowsKey(key) && t.AllowsIndicator(indicator)
}

// AllowsKey reports whether key lies inside one of the token's key prefixes.
func (t Token) AllowsKey(key string) bool {
	for _, p := range t.Keys {
		if p == "*" || strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// AllowsIndicator reports whether the token may write indicator.
func (t Token) AllowsIndicator(id string) bool {
	for _, p := range t.Indicators {
		if p == "*" || p == id || (strings.HasSuffix(p, "*") && strings.HasPrefix(id, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}

// Validate checks a token's name and scope before it is stored.
func (t Token) Validate() error {
	if strings.TrimSpace(t.Name) == "" {
		return errors.New("token: name missing")
	}
	if len(t.Keys) == 0 {
		return errors.New("token: no key prefixes (use \"*\" for all)")
	}
	for _, k := range t.Keys {
		if k == "*" {
			continue
		}
		if k == "" || len(k) > 12 || strings.Trim(k, "0123456789") != "" {
			return fmt.Errorf("token: key prefix %q must be 1 to 12 digits or \"*\"", k)
		}
	}
	if len(t.Indicators) == 0 {
		return errors.New("token: no indicators (use \"*\" for all)")
	}
	for _, id := range t.Indicators {
		if id == "*" || ValidIndicatorID(id) || (strings.HasSuffix(id, "*") && ValidIndicatorID(strings.TrimSuffix(id, "*")+"x")) {
			continue
		}
		return fmt.Errorf("token: indicator %q is not an indicator id, a prefix ending in \"*\" or \"*\"", id)
	}
	return nil
}

// tokenPrefix marks Standortatlas tokens so that leaked ones are recognisable.
const tokenPrefix = "sat_"

// NewTokenSecret returns a new random token secret (32 bytes from
// crypto/rand, base64url) and the hash under which it is stored.
func NewTokenSecret() (secret string, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("token secret: %w", err)
	}
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret), nil
}

// HashToken returns the hex SHA-256 of a token secret, the only form in
// which tokens are stored. The secrets carry 256 random bits, so a plain
// hash (no salt, no slow KDF) is enough and allows a lookup by hash.
func HashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// TokenStore persists write tokens.
type TokenStore interface {
	// CreateToken stores t (ID and CreatedAt are assigned) under hash.
	CreateToken(ctx context.Context, t Token, hash string) (Token, error)
	// TokenByHash returns the active token with this hash, or ErrUnauthenticated.
	TokenByHash(ctx context.Context, hash string) (Token, error)
	// Tokens lists all tokens, revoked ones included, oldest first.
	Tokens(ctx context.Context) ([]Token, error)
	// RevokeToken revokes a token; ErrNotFound when there is none with id.
	RevokeToken(ctx context.Context, id int64) error
}

// AuditEntry records one write attempt: who, when, what, counts, release.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"` // "token:3 (Statistisches Landesamt Bayern)", "cli:alice"
	Action  string    `json:"action"`
	Outcome string    `json:"outcome"` // "ok", "unchanged", "refused", "dry-run"
	Format  string    `json:"format,omitempty"`
	File    string    `json:"file,omitempty"`
	SHA256  string    `json:"sha256,omitempty"`
	Release int64     `json:"release,omitempty"`
	// Observations and Indicators count what was (or would have been) written.
	Observations int    `json:"observations"`
	Indicators   int    `json:"indicators"`
	Detail       string `json:"detail,omitempty"`
}

// Audit actions.
const (
	AuditImport      = "import"
	AuditRollback    = "rollback"
	AuditTokenCreate = "token-create"
	AuditTokenRevoke = "token-revoke"
)

// AuditStore keeps the append-only audit log.
type AuditStore interface {
	AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error)
	// Audit returns the newest entries first, at most limit (0 = all).
	Audit(ctx context.Context, limit int) ([]AuditEntry, error)
}

// ScopeError refuses a write with rows outside a token's scope. Nothing is
// written (HTTP 403).
type ScopeError struct {
	Token string
	// Keys and Indicators list what lies outside the scope (sorted, at most 50 each).
	Keys       []string
	Indicators []string
	Rows       int // observations outside the scope
}

func (e *ScopeError) Error() string {
	var parts []string
	if len(e.Keys) > 0 {
		parts = append(parts, "keys "+strings.Join(e.Keys, ", "))
	}
	if len(e.Indicators) > 0 {
		parts = append(parts, "indicators "+strings.Join(e.Indicators, ", "))
	}
	return fmt.Sprintf("token %q may not write %d observation(s): %s outside its scope; nothing written", e.Token, e.Rows, strings.Join(parts, "; "))
}

// CheckScope returns a *ScopeError naming the keys and indicators of obs
// that t may not write, or nil.
func CheckScope(t Token, obs []Observation) error {
	keys, inds := map[string]bool{}, map[string]bool{}
	rows := 0
	for _, o := range obs {
		okKey, okInd := t.AllowsKey(o.Key), t.AllowsIndicator(o.Indicator)
		if okKey && okInd {
			continue
		}
		rows++
		if !okKey {
			keys[o.Key] = true
		}
		if !okInd {
			inds[o.Indicator] = true
		}
	}
	if rows == 0 {
		return nil
	}
	return &ScopeError{Token: t.Name, Keys: sortedFirst(keys, 50), Indicators: sortedFirst(inds, 50), Rows: rows}
}

func sortedFirst(m map[string]bool, n int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(out) > n {
		out = append(out[:n], fmt.Sprintf("… (+%d)", len(m)-n))
	}
	return out
}

// Problem is one entry of a validation report: file, row, column, reason.
type Problem struct {
	File   string `json:"file"`
	Row    int    `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

// ProblemReporter is implemented by errors that carry a validation report
// (the importers' validation errors), so the HTTP layer can answer with it.
type ProblemReporter interface {
	ProblemReport() []Problem
}

// ImportRequest is one file to import, from the CLI or the ingest API.
type ImportRequest struct {
	// Format: genesis, inkar, ffcsv, canonical, gv, ks (see atlas/ingest/DATA-STANDARD.md).
	Format string
	Name   string // file name, for reports and the release
	Data   []byte
	// Catalogue is an optional indicator catalogue (JSON array or CSV) for canonical CSV.
	Catalogue []byte
	// Crosswalk is an optional BBSR Umsteigeschlüssel xlsx (option crosswalk_year selects the sheet).
	Crosswalk []byte
	// Options are format options as "name=value" (e.g. "map=12=unemployment_rate", "period=2021").
	Options []string
	DryRun  bool
	// Force imports even when the same file was already imported with the same options.
	Force bool
	// Actor names who writes, for the audit log.
	Actor string
	// Scope, when set, restricts what may be written (API tokens).
	Scope *Token
}

// ImportResult reports what an import did (or, for a dry run, would do).
type ImportResult struct {
	Release      Release  `json:"release"`
	Unchanged    bool     `json:"unchanged,omitempty"` // already imported as Release.ID
	DryRun       bool     `json:"dry_run,omitempty"`
	Observations int      `json:"observations"`
	Indicators   []string `json:"indicators"`
	Summary      []string `json:"summary"`
}
