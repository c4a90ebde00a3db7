package atlas

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
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
// Contract (atlas/storetest.RunReleases): Write records, for each
// observation it overwrites, the previous value, flag and release; Undo
// undoes the releases of a RollbackPlan, newest first, restoring the
// overwritten observations and catalogue entries and deleting what those
// releases added; the undone releases stay listed with RolledBackAt set.
// Undo is all or nothing, changes the data version, and fails with
// ErrConflict when the active releases newer than the plan's target are no
// longer the plan's (another write came in between). The preconditions of
// a rollback (unknown release, rolled-back release, history kept since,
// releases that replaced boundaries or places) are checked once, by
// PlanRollback, not by the stores.
type ReleaseStore interface {
	// Releases lists all releases, oldest first.
	Releases(ctx context.Context) ([]ReleaseInfo, error)
	// Undo carries out a rollback plan (see PlanRollback) in one transaction
	// and appends plan.Audit (when set) to the audit log in it.
	Undo(ctx context.Context, plan RollbackPlan) ([]ReleaseInfo, error)
}

// MetaHistorySince is the Meta key holding the first release whose
// overwritten observations the store keeps (stores upgraded from a version
// without history have none for earlier releases).
const MetaHistorySince = "history_since"

// RollbackPlan is a checked rollback: undo the releases Undo (newest first)
// to return to the state right after release Target.
type RollbackPlan struct {
	Target int64
	Undo   []ReleaseInfo
	// Audit is appended to the audit log in the rollback's transaction.
	Audit *AuditEntry
}

// UndoIDs lists the ids of the releases to undo, newest first.
func (p RollbackPlan) UndoIDs() []int64 {
	ids := make([]int64, len(p.Undo))
	for i, r := range p.Undo {
		ids[i] = r.ID
	}
	return ids
}

// PlanRollback checks a rollback to release id against the list of
// releases (oldest first) and the first release with history (historySince,
// 0 = all): id must be a known, active release at or after the history's
// start, and no release to undo may have replaced boundaries or places
// (neither is versioned). It is the one place of these rules.
func PlanRollback(list []ReleaseInfo, historySince, id int64) (RollbackPlan, error) {
	plan := RollbackPlan{Target: id}
	var target *ReleaseInfo
	for i := range list {
		if list[i].ID == id {
			target = &list[i]
		}
	}
	switch {
	case target == nil:
		return plan, fmt.Errorf("release %d: %w", id, ErrNotFound)
	case !target.Active():
		return plan, fmt.Errorf("release %d was itself rolled back; roll back to an active release: %w", id, ErrConflict)
	case historySince > 0 && id < historySince-1:
		return plan, fmt.Errorf("release history is kept from release %d on (the store was upgraded then); cannot roll back to %d: %w", historySince, id, ErrConflict)
	}
	for i := len(list) - 1; i >= 0; i-- {
		r := list[i]
		if r.ID <= id || !r.Active() {
			continue
		}
		if len(r.Parts) > 0 {
			return plan, fmt.Errorf("release %d (%s) changed %s, which are not versioned and cannot be rolled back; roll back to release %d or later, or write the earlier state again (re-import the earlier file, publish or withdraw the place): %w",
				r.ID, r.File, strings.Join(r.Parts, "; "), r.ID, ErrConflict)
		}
		plan.Undo = append(plan.Undo, r)
	}
	return plan, nil
}

// Rollback returns store s to its state right after release id: it reads
// the releases, checks the rollback with PlanRollback and lets the store
// carry it out (with audit in the same transaction). Nothing to undo is no
// error.
func Rollback(ctx context.Context, s Store, id int64, audit *AuditEntry) ([]ReleaseInfo, error) {
	rs, ok := s.(ReleaseStore)
	if !ok {
		return nil, fmt.Errorf("rollback: %w", ErrNotSupported)
	}
	list, err := rs.Releases(ctx)
	if err != nil {
		return nil, err
	}
	since := int64(0)
	if v, err := s.Meta(ctx, MetaHistorySince); err != nil {
		return nil, err
	} else if v != "" {
		if since, err = strconv.ParseInt(v, 10, 64); err != nil {
			return nil, fmt.Errorf("meta %s %q: %w", MetaHistorySince, v, err)
		}
	}
	plan, err := PlanRollback(list, since, id)
	if err != nil {
		return nil, err
	}
	if len(plan.Undo) == 0 {
		return nil, nil
	}
	if audit != nil {
		a := *audit
		a.Action, a.Release, a.Outcome = AuditRollback, id, "ok"
		var ids []string
		for _, r := range plan.Undo {
			ids = append(ids, strconv.FormatInt(r.ID, 10))
			a.Observations += r.Rows
		}
		a.Detail = fmt.Sprintf("rolled back to release %d; undone: %s", id, strings.Join(ids, ", "))
		plan.Audit = &a
	}
	return rs.Undo(ctx, plan)
}

// ErrReleasesChanged is the conflict a store reports when the active
// releases changed between PlanRollback and Undo.
func ErrReleasesChanged(target int64) error {
	return fmt.Errorf("the releases after %d changed while rolling back (another write); try again: %w", target, ErrConflict)
}

// Change is everything one release writes, all or nothing, in one
// transaction of the store: boundaries, catalogue entries, observations and
// places. It is the only way data enter a store (Store.Write); ingest.Intake
// builds changes from files, checks them and records who wrote them.
type Change struct {
	// Release describes the release (Source, File, SHA256, Spec, Report);
	// the store assigns ID and Rows, and Parts from the change.
	Release Release
	// Boundaries replace all regions of their level each.
	Boundaries []BoundaryChange
	// Indicators are catalogue entries, inserted or replaced by id.
	Indicators []Indicator
	// Observations replace earlier ones with the same indicator, level, key
	// and period; of several in one change, the last wins.
	Observations []Observation
	// Places changes places (imports, submissions, moderation).
	Places PlaceChange
	// Reports writes report definitions, submissions and publications.
	Reports ReportChange
	// Audit, when set, is appended to the audit log in the same transaction,
	// with Release set to the new release's id.
	Audit *AuditEntry
}

// BoundaryChange replaces the regions of Set.Level.
type BoundaryChange struct {
	Set     BoundarySet
	Regions []Region
	// Derived holds data computed from Regions before the write (the
	// vector tiles' zoom pyramid, see maptiles.Prebuild). A store that
	// implements DerivedStore keeps it with the regions and replaces it
	// with them, in the same transaction: whatever it returns belongs to
	// the regions stored. Readers check the name, which carries the
	// version of the algorithm, and compute live when it is missing.
	Derived []Derived
}

// Derived is one named piece of data computed from a level's regions.
type Derived struct {
	Name string
	Data []byte
}

// PlaceChange changes places.
type PlaceChange struct {
	// Source, when set, replaces all places of Source.ID with Replace and
	// records the source.
	Source  *PlaceSource
	Replace []Place
	// Add stores new places (submissions).
	Add []Place
	// Status publishes or withdraws places; an unknown id is ErrNotFound.
	Status []PlaceStatus
}

// PlaceStatus sets the status of one place.
type PlaceStatus struct {
	ID     string
	Status string
}

// Empty reports whether the change writes no places.
func (p PlaceChange) Empty() bool {
	return p.Source == nil && len(p.Add) == 0 && len(p.Status) == 0
}

// Validate checks a change before a store writes it; the stores call it,
// so that these rules live in one place. Errors wrap ErrInvalidData (a
// status that is not published or pending is a *ParamError).
func (c *Change) Validate() error {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidData, fmt.Sprintf(format, args...))
	}
	levels := map[Level]bool{}
	for _, b := range c.Boundaries {
		if levels[b.Set.Level] {
			return invalid("boundaries of level %s twice in one release", b.Set.Level)
		}
		levels[b.Set.Level] = true
		keys := make(map[string]bool, len(b.Regions))
		for _, r := range b.Regions {
			if r.Level != b.Set.Level {
				return invalid("region %s is level %s, the boundary set is %s", r.Key, r.Level, b.Set.Level)
			}
			if keys[r.Key] {
				return invalid("region %s twice in the boundary set of level %s", r.Key, b.Set.Level)
			}
			keys[r.Key] = true
			if pt, ok := outsideWGS84(r.Geom); !ok {
				return invalid("region %s: point %v is not a WGS84 longitude/latitude", r.Key, pt)
			}
		}
	}
	for i := range c.Indicators {
		if !ValidIndicatorID(c.Indicators[i].ID) {
			return invalid("indicator id %q", c.Indicators[i].ID)
		}
	}
	for _, o := range c.Observations {
		if !ValidKey(o.Level, o.Key) {
			return invalid("observation %s: key %q is not a %s key", o.Indicator, o.Key, o.Level)
		}
	}
	p := c.Places
	if p.Source != nil {
		if p.Source.ID == "" {
			return invalid("place source without an id")
		}
		for _, pl := range p.Replace {
			if pl.Source != p.Source.ID {
				return invalid("place %s: source %q, want %q", pl.ID, pl.Source, p.Source.ID)
			}
		}
	} else if len(p.Replace) > 0 {
		return invalid("places to replace without their source")
	}
	for _, list := range [][]Place{p.Replace, p.Add} {
		for i := range list {
			if err := list[i].Validate(); err != nil {
				return invalid("%v", err)
			}
		}
	}
	for _, st := range p.Status {
		if st.Status != PlacePublished && st.Status != PlacePending {
			return &ParamError{Param: "status", Value: st.Status, Reason: "must be published or pending"}
		}
	}
	return c.Reports.validate()
}

// outsideWGS84 returns the first point of mp that is not a finite WGS84
// longitude/latitude, and false; or true when there is none. The readers
// check the CRS's area of use; this is the store's last guard, so that no
// encoder ever meets an infinite coordinate.
func outsideWGS84(mp orb.MultiPolygon) (orb.Point, bool) {
	for _, p := range mp {
		for _, r := range p {
			for _, pt := range r {
				if !(pt[0] >= -180 && pt[0] <= 180 && pt[1] >= -90 && pt[1] <= 90) { // false for NaN too
					return pt, false
				}
			}
		}
	}
	return orb.Point{}, true
}

// Prepare checks the change (Validate) and returns its release as a store
// writes it: CreatedAt (now when unset), Rows and Parts filled in.
func (c *Change) Prepare() (Release, error) {
	rel := c.Release
	if err := c.Validate(); err != nil {
		return rel, err
	}
	if rel.CreatedAt.IsZero() {
		rel.CreatedAt = time.Now().UTC()
	}
	rel.Rows, rel.Parts = len(c.Observations), c.Parts()
	return rel, nil
}

// Parts describes what the change writes besides observations and
// catalogue entries (neither boundaries nor places are versioned, so a
// release with parts cannot be rolled back).
func (c *Change) Parts() []string {
	var out []string
	for _, b := range c.Boundaries {
		out = append(out, fmt.Sprintf("boundaries of level %s (%d regions)", b.Set.Level, len(b.Regions)))
	}
	p := c.Places
	if p.Source != nil {
		out = append(out, fmt.Sprintf("places of source %s (%d)", p.Source.ID, len(p.Replace)))
	}
	for _, pl := range p.Add {
		out = append(out, "place "+pl.ID+" added")
	}
	for _, st := range p.Status {
		out = append(out, "place "+st.ID+" "+st.Status)
	}
	return append(out, c.Reports.parts()...)
}

// UnknownIndicatorsError is the error of a write whose observations name
// indicators that are neither in the change nor in the catalogue. Both
// stores return it.
func UnknownIndicatorsError(ids []string) error {
	if len(ids) > 10 {
		ids = append(ids[:10:10], fmt.Sprintf("… (+%d)", len(ids)-10))
	}
	return fmt.Errorf("observations of %s: %w (add a catalogue entry first)", strings.Join(ids, ", "), ErrUnknownIndicator)
}

// PlaceNotFoundError is the error of a status change of an unknown place.
func PlaceNotFoundError(id string) error { return fmt.Errorf("place %s: %w", id, ErrNotFound) }

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
	Indicators []string `json:"indicators"`
	// Scopes are capabilities beyond writing observations (ScopeCatalogue,
	// ScopeAdmin; see Scopes). A token without any may write observations
	// inside Keys and Indicators and create catalogue entries of its own
	// namespace only (OwnsIndicator).
	Scopes    []string   `json:"scopes"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Token scopes: capabilities beyond writing observations.
const (
	// ScopeCatalogue allows changing catalogue entries (title, definition,
	// unit, source, licence, attribution, …) and creating entries outside
	// the token's own namespace.
	ScopeCatalogue = "catalogue"
	// ScopeAdmin allows reading the audit log and managing tokens.
	ScopeAdmin = "admin"
	// ScopeReporting allows coordinating municipal reporting: defining
	// reports for regions inside the token's keys, seeing who reported and
	// publishing periods (atlas/reporting).
	ScopeReporting = "reporting"
)

// Scopes lists the known token scopes, the one list Token.Validate checks
// against.
func Scopes() []string { return []string{ScopeCatalogue, ScopeAdmin, ScopeReporting} }

// HasScope reports whether the token carries scope; it is the one check of
// a token's capabilities.
func (t Token) HasScope(scope string) bool {
	for _, s := range t.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// OwnsIndicator reports whether id lies in the token's own namespace: it
// matches one of the token's indicator ids or prefixes other than "*". A
// token may create catalogue entries of its namespace without
// ScopeCatalogue.
func (t Token) OwnsIndicator(id string) bool {
	for _, p := range t.Indicators {
		if p != "*" && (p == id || (strings.HasSuffix(p, "*") && strings.HasPrefix(id, strings.TrimSuffix(p, "*")))) {
			return true
		}
	}
	return false
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
	known := Scopes()
	for _, s := range t.Scopes {
		if !slices.Contains(known, s) {
			return fmt.Errorf("token: scope %q is not one of %s", s, strings.Join(known, ", "))
		}
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

// ValidTokenHash reports whether hash has the form HashToken gives (64
// lower-case hex digits), the only form in which tokens are stored.
func ValidTokenHash(hash string) bool {
	if len(hash) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(hash); i++ {
		if c := hash[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// TokenStore persists write tokens. The stores only store and look up;
// ingest.Intake checks a token (Token.Validate, ValidTokenHash) before.
type TokenStore interface {
	// CreateToken stores t (ID and CreatedAt are assigned) under hash.
	CreateToken(ctx context.Context, t Token, hash string) (Token, error)
	// TokenByHash returns the active token with this hash, or ErrUnauthenticated.
	TokenByHash(ctx context.Context, hash string) (Token, error)
	// Tokens lists all tokens, revoked ones included, oldest first.
	Tokens(ctx context.Context) ([]Token, error)
	// RevokeToken revokes a token and ends its sessions (SessionStore);
	// ErrNotFound when there is none with id.
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
	AuditBoundaries  = "boundaries"
	AuditPlaces      = "places"
	AuditPlaceSubmit = "place-submit"
	AuditPlaceStatus = "place-status"
	AuditRollback    = "rollback"
	AuditReport      = "report"
	AuditTokenCreate = "token-create"
	AuditTokenRevoke = "token-revoke"
	// AuditAccess records a request refused before any write: no valid
	// token (401), or a token without the scope the route needs (403).
	AuditAccess = "access"
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
	// Scope is the scope the write needs and the token lacks (e.g.
	// ScopeCatalogue); Catalogue lists the catalogue entries it would
	// create or change, with the fields ("unemployment_rate: title, source").
	Scope     string
	Catalogue []string
}

func (e *ScopeError) Error() string {
	if e.Scope != "" {
		msg := fmt.Sprintf("token %q lacks the %s scope", e.Token, e.Scope)
		if len(e.Catalogue) > 0 {
			msg += " needed to create or change the catalogue entries " + strings.Join(e.Catalogue, "; ") + "; nothing written"
		}
		return msg
	}
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

// CheckCatalogue returns a *ScopeError when writing the catalogue entries
// writes would change an entry of stored (by id) in any catalogue field, or
// create one outside the token's namespace, and t lacks ScopeCatalogue. An
// entry equal to the stored one is no change (observations may be added to
// existing indicators).
func CheckCatalogue(t Token, stored map[string]Indicator, writes []Indicator) error {
	if t.HasScope(ScopeCatalogue) {
		return nil
	}
	var refused []string
	for _, ind := range writes {
		old, ok := stored[ind.ID]
		switch {
		case !ok && !t.OwnsIndicator(ind.ID):
			refused = append(refused, ind.ID+": new entry outside the token's namespace")
		case ok:
			if fields := CatalogueChanges(old, ind); len(fields) > 0 {
				refused = append(refused, ind.ID+": "+strings.Join(fields, ", "))
			}
		}
	}
	if len(refused) == 0 {
		return nil
	}
	sort.Strings(refused)
	if len(refused) > 50 {
		refused = append(refused[:50], fmt.Sprintf("… (+%d)", len(refused)-50))
	}
	return &ScopeError{Token: t.Name, Scope: ScopeCatalogue, Catalogue: refused}
}

// CatalogueChanges lists the catalogue fields (JSON names) in which b
// differs from a; the fields filled from the observations and the
// boundaries (levels, years, default year, coverage, partial) do not count.
func CatalogueChanges(a, b Indicator) []string {
	va, vb := reflect.ValueOf(a.Entry()), reflect.ValueOf(b.Entry())
	var out []string
	for i := 0; i < va.NumField(); i++ {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			name, _, _ := strings.Cut(va.Type().Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	return out
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

// ProblemCounter is implemented by problem reports that list only the
// first problems: Count is how many were found in all.
type ProblemCounter interface {
	Count() int
}

// ImportRequest is one file to import, from the CLI or the ingest API.
type ImportRequest struct {
	// Format: genesis, inkar, ffcsv, canonical, gv, ks (see atlas/ingest/DATA-STANDARD.md).
	Format string
	Name   string // file name, for reports and the release
	Data   []byte
	// Catalogue is an optional indicator catalogue (JSON array or CSV) for canonical CSV.
	Catalogue []byte
	// Crosswalk is an optional crosswalk file (BBSR Umsteigeschlüssel xlsx or
	// a Destatis Gebietsänderungen list; option crosswalk_year gives the
	// Gebietsstand year of the data's keys), CrosswalkName its file name.
	Crosswalk     []byte
	CrosswalkName string
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
