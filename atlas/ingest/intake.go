package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

// Intake is the one write path of the atlas: every write — a table, a
// manifest, boundaries, places, a place submission or status change, a
// catalogue entry, the seed, a rollback, a token — goes through it, from the
// command line and from the ingest API alike. For data it reads and
// validates completely, checks the writer's scope, skips a file already
// imported the same way, and writes one release per file (all or nothing,
// atlas.Change) with its audit entry in the same transaction; a refused
// attempt is recorded in the audit log too.
type Intake struct {
	Store atlas.Store
	// Progress and Rows report steps and rows read (CLI progress bar).
	Progress Progress
	Rows     func(file string, done, total int)
	// Now is the clock of audit entries (default time.Now).
	Now func() time.Time
	// Derive returns what a store that keeps derived data (atlas.DerivedStore)
	// writes with a boundary change's regions, in the same transaction:
	// the vector tiles' zoom pyramid (maptiles.Prebuild). nil: nothing, and
	// tiles of those regions are simplified when first asked for.
	Derive func(atlas.BoundaryChange) []atlas.Derived
}

// Import runs one import request (a single file).
func (in *Intake) Import(ctx context.Context, req atlas.ImportRequest) (atlas.ImportResult, error) {
	res := atlas.ImportResult{DryRun: req.DryRun, Indicators: []string{}}
	format := strings.ToLower(strings.TrimSpace(req.Format))
	if format == "" || format == "auto" {
		f, err := DetectFormat(req.Name, req.Data)
		if err != nil {
			return res, err
		}
		format = f
	}
	if !contains(Formats(), format) {
		return res, &atlas.ParamError{Param: "format", Value: req.Format, Reason: "must be one of " + strings.Join(Formats(), ", ") + " (or auto)"}
	}
	name := path.Base(strings.ReplaceAll(req.Name, "\\", "/"))
	if name == "." || name == "/" || name == "" {
		name = "upload"
	}
	audit := atlas.AuditEntry{Actor: req.Actor, Action: atlas.AuditImport, Format: format, File: name, SHA256: sha(req.Data)}
	spec, err := SpecFromOptions(format, name, req.Options)
	if err != nil {
		in.refused(ctx, audit, err)
		return res, err
	}
	fsys := memFS{name: req.Data}
	if len(req.Catalogue) > 0 {
		spec.Catalogue = "catalogue" + catalogueExt(req.Catalogue)
		fsys[spec.Catalogue] = req.Catalogue
	}
	if err := attachCrosswalk(&spec, req, fsys); err != nil {
		in.refused(ctx, audit, err)
		return res, err
	}
	m := &Manifest{Tables: []TableSpec{spec}}
	plan, err := PrepareWith(ctx, fsys, m, in.Store, Options{Progress: in.Progress, Rows: in.Rows, SkipImported: !req.Force})
	if err != nil {
		err = invalidUnlessStore(ctx, err)
		in.refused(ctx, audit, err)
		return res, err
	}
	t := plan.Tables()[0]
	res.Observations, res.Indicators, res.Summary = t.Observations, t.Indicators, plan.Summary()
	if req.Scope != nil {
		if err := plan.CheckScope(*req.Scope); err != nil {
			audit.Observations, audit.Indicators = t.Observations, len(t.Indicators)
			in.refused(ctx, audit, err)
			return res, err
		}
	}
	if req.DryRun {
		audit.Observations, audit.Indicators = t.Observations, len(t.Indicators)
		in.dryRun(ctx, audit, res.Summary)
		return res, nil
	}
	out, err := in.write(ctx, plan, req.Actor, format)
	if err != nil {
		return res, err
	}
	switch {
	case len(out.Unchanged) > 0:
		res.Release, res.Unchanged = out.Unchanged[0], true
		res.Summary = append(res.Summary, fmt.Sprintf("already imported as release %d (same file, same options): nothing written", res.Release.ID))
	case len(out.Releases) > 0:
		res.Release = out.Releases[0]
	}
	return res, nil
}

// attachCrosswalk puts the request's crosswalk file into fsys under the
// name the user gave it (messages name the user's file).
func attachCrosswalk(spec *TableSpec, req atlas.ImportRequest, fsys memFS) error {
	hasYear := spec.Crosswalk != nil && spec.Crosswalk.Year != 0
	if len(req.Crosswalk) == 0 {
		if hasYear {
			return &atlas.ParamError{Param: "crosswalk_year", Value: strconv.Itoa(spec.Crosswalk.Year), Reason: "given without a crosswalk file"}
		}
		return nil
	}
	if !hasYear {
		return &atlas.ParamError{Param: "crosswalk_year", Reason: "a crosswalk file needs the Gebietsstand year of the data's keys"}
	}
	name := path.Base(strings.ReplaceAll(req.CrosswalkName, "\\", "/"))
	if name == "." || name == "/" || name == "" {
		name = "crosswalk" + crosswalkExt(req.Crosswalk)
	}
	spec.Crosswalk.File = name
	fsys[name] = req.Crosswalk
	return nil
}

// invalidUnlessStore marks a preparation error as invalid data (HTTP 422)
// unless it is a store failure, a cancellation or a parameter error.
func invalidUnlessStore(ctx context.Context, err error) error {
	var se *StoreError
	var pe *atlas.ParamError
	if ctx.Err() != nil || errors.As(err, &se) || errors.As(err, &pe) || errors.Is(err, atlas.ErrInvalidData) || errors.Is(err, atlas.ErrUnknownIndicator) {
		return err
	}
	return fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
}

// ManifestRequest says how to import a manifest.
type ManifestRequest struct {
	DryRun bool
	// Force writes tables that were already imported the same way.
	Force bool
	// ReplaceAll confirms boundary files that remove many regions of their
	// level (Options.ReplaceAll).
	ReplaceAll bool
	Actor      string
}

// ManifestResult reports a manifest import.
type ManifestResult struct {
	Summary []string
	*LoadResult
}

// ImportManifest reads and checks every boundary file and table of m, then
// writes one release per file (boundaries first), each with its audit
// entry. Boundary imports are manifests with only boundaries.
func (in *Intake) ImportManifest(ctx context.Context, fsys fs.FS, m *Manifest, req ManifestRequest) (*ManifestResult, error) {
	plan, err := PrepareWith(ctx, fsys, m, in.Store, Options{Progress: in.Progress, Rows: in.Rows, SkipImported: !req.Force, ReplaceAll: req.ReplaceAll})
	if err != nil {
		in.refused(ctx, atlas.AuditEntry{Actor: req.Actor, Action: manifestAction(m), Format: "manifest", File: manifestFile(m)}, err)
		return nil, err
	}
	res := &ManifestResult{Summary: plan.Summary(), LoadResult: &LoadResult{}}
	if req.DryRun {
		e := atlas.AuditEntry{Actor: req.Actor, Action: manifestAction(m), Format: "manifest", File: manifestFile(m)}
		for _, t := range plan.Tables() {
			e.Observations += t.Observations
			e.Indicators += len(t.Indicators)
		}
		in.dryRun(ctx, e, res.Summary)
		return res, nil
	}
	out, err := in.write(ctx, plan, req.Actor, "manifest")
	res.LoadResult = out
	return res, err
}

func manifestAction(m *Manifest) string {
	if len(m.Tables) == 0 && len(m.Boundaries) > 0 {
		return atlas.AuditBoundaries
	}
	return atlas.AuditImport
}

func manifestFile(m *Manifest) string {
	var files []string
	for _, b := range m.Boundaries {
		files = append(files, path.Base(b.File))
	}
	for _, t := range m.Tables {
		files = append(files, path.Base(t.File))
	}
	return strings.Join(files, ", ")
}

// write stores the plan: one release per boundary file and per table, in
// order, each with its audit entry; a table already imported the same way
// (SkipImported) is reported as unchanged and audited so.
func (in *Intake) write(ctx context.Context, p *Plan, actor, format string) (*LoadResult, error) {
	progress := in.progress()
	active, err := p.activeReleases(ctx, in.Store)
	if err != nil {
		return &LoadResult{}, err
	}
	out := &LoadResult{}
	for _, pc := range p.changes(format) {
		if a, ok := unchanged(active, pc.change.Release); ok {
			progress(fmt.Sprintf("%s: already imported as release %d, nothing written", pc.change.Release.File, a.ID))
			out.Unchanged = append(out.Unchanged, a)
			e := pc.audit
			e.Actor, e.Release = actor, a.ID
			if err := in.appendAudit(ctx, e, "unchanged", nil); err != nil {
				return out, err
			}
			continue
		}
		progress(pc.progress)
		rel, err := in.Commit(ctx, actor, pc.change, pc.audit)
		if err != nil {
			return out, err
		}
		if len(pc.change.Boundaries) > 0 {
			out.Boundaries = append(out.Boundaries, pc.change.Boundaries[0].Set)
		}
		out.Releases = append(out.Releases, rel)
	}
	return out, nil
}

func unchanged(active []atlas.ReleaseInfo, rel atlas.Release) (atlas.Release, bool) {
	if rel.SHA256 == "" {
		return atlas.Release{}, false
	}
	for i := len(active) - 1; i >= 0; i-- {
		if a := active[i]; a.SHA256 == rel.SHA256 && a.Spec == rel.Spec {
			return a.Release, true
		}
	}
	return atlas.Release{}, false
}

// Commit writes one change as one release with its audit entry (the one
// call of atlas.Store.Write outside the stores' tests): audit is completed
// with actor, counts and outcome. A refused or failed write is audited
// too (best effort; the write's error is returned).
func (in *Intake) Commit(ctx context.Context, actor string, c atlas.Change, audit atlas.AuditEntry) (atlas.Release, error) {
	audit.Actor = actor
	if audit.Actor == "" {
		audit.Actor = "unknown"
	}
	audit.Observations, audit.Indicators = len(c.Observations), len(indicatorSet(c.Observations))
	if audit.Indicators == 0 {
		audit.Indicators = len(c.Indicators)
	}
	if audit.SHA256 == "" {
		audit.SHA256 = c.Release.SHA256
	}
	if audit.File == "" {
		audit.File = c.Release.File
	}
	if audit.Detail == "" && len(c.Release.Parts) > 0 {
		audit.Detail = strings.Join(c.Release.Parts, "; ")
	}
	if audit.Detail == "" && len(c.Parts()) > 0 {
		audit.Detail = strings.Join(c.Parts(), "; ")
	}
	audit.At, audit.Outcome = in.now(), "ok"
	c.Audit = &audit
	if _, ok := in.Store.(atlas.DerivedStore); ok && in.Derive != nil && len(c.Boundaries) > 0 {
		// e.g. the tiles' zoom pyramid, simplified now and stored with the
		// regions, so that no tile request waits for it.
		c.Boundaries = slices.Clone(c.Boundaries)
		for i := range c.Boundaries {
			c.Boundaries[i].Derived = in.Derive(c.Boundaries[i])
		}
	}
	rel, err := in.Store.Write(ctx, c)
	if err != nil {
		c.Audit = nil
		in.refused(ctx, audit, err)
		return rel, err
	}
	return rel, nil
}

// refused records a write attempt that was refused (invalid data, scope,
// unknown ids) or failed; cancellations are not recorded.
func (in *Intake) refused(ctx context.Context, e atlas.AuditEntry, cause error) {
	if ctx.Err() != nil {
		return
	}
	outcome := "refused"
	var se *StoreError
	if errors.As(cause, &se) {
		outcome = "failed"
	}
	_ = in.appendAudit(ctx, e, outcome, cause)
}

// dryRun records a successful dry run (what would have been written) with
// the first lines of its summary.
func (in *Intake) dryRun(ctx context.Context, e atlas.AuditEntry, summary []string) {
	if len(summary) > 5 {
		summary = append(summary[:5:5], fmt.Sprintf("… (+%d lines)", len(summary)-5))
	}
	e.Detail = strings.Join(summary, "\n")
	_ = in.appendAudit(ctx, e, "dry-run", nil)
}

// Refuse records a write attempt refused before it reached the store — a
// request without a valid token or whose token lacks a scope (the HTTP
// layer), a caller's own checks (reporting: scope, rules, state) — like
// the intake's own refusals, so that the audit log shows who tried what.
func (in *Intake) Refuse(ctx context.Context, e atlas.AuditEntry, cause error) {
	in.refused(ctx, e, cause)
}

// Rollback returns the store to its state right after release id; the
// rollback and its audit entry are one transaction.
func (in *Intake) Rollback(ctx context.Context, id int64, actor string) ([]atlas.ReleaseInfo, error) {
	audit := atlas.AuditEntry{Actor: orUnknown(actor), At: in.now()}
	undone, err := atlas.Rollback(ctx, in.Store, id, &audit)
	if err != nil {
		audit.Action, audit.Release = atlas.AuditRollback, id
		in.refused(ctx, audit, err)
	}
	return undone, err
}

// CreateToken checks t, creates its secret and stores the token under the
// secret's hash; only the hash is kept. It returns the token and the
// secret (shown once).
func (in *Intake) CreateToken(ctx context.Context, t atlas.Token, actor string) (atlas.Token, string, error) {
	ts, ok := in.Store.(atlas.TokenStore)
	if !ok {
		return t, "", fmt.Errorf("tokens: %w", atlas.ErrNotSupported)
	}
	if err := t.Validate(); err != nil {
		return t, "", &atlas.ParamError{Param: "token", Value: t.Name, Reason: err.Error()}
	}
	secret, hash, err := atlas.NewTokenSecret()
	if err != nil {
		return t, "", err
	}
	if !atlas.ValidTokenHash(hash) {
		return t, "", fmt.Errorf("token hash %q is not a hex SHA-256", hash)
	}
	if t, err = ts.CreateToken(ctx, t, hash); err != nil {
		return t, "", err
	}
	err = in.appendAudit(ctx, atlas.AuditEntry{Actor: actor, Action: atlas.AuditTokenCreate,
		Detail: fmt.Sprintf("token %d %q: keys %s, indicators %s, scopes %s", t.ID, t.Name, strings.Join(t.Keys, ","), strings.Join(t.Indicators, ","), strings.Join(t.Scopes, ","))}, "ok", nil)
	return t, secret, err
}

// RevokeToken revokes a token and records it.
func (in *Intake) RevokeToken(ctx context.Context, id int64, actor string) error {
	ts, ok := in.Store.(atlas.TokenStore)
	if !ok {
		return fmt.Errorf("tokens: %w", atlas.ErrNotSupported)
	}
	if err := ts.RevokeToken(ctx, id); err != nil {
		return err
	}
	return in.appendAudit(ctx, atlas.AuditEntry{Actor: actor, Action: atlas.AuditTokenRevoke, Detail: fmt.Sprintf("token %d", id)}, "ok", nil)
}

func (in *Intake) now() time.Time {
	if in.Now != nil {
		return in.Now().UTC()
	}
	return time.Now().UTC()
}

func (in *Intake) progress() Progress {
	if in.Progress != nil {
		return in.Progress
	}
	return func(string) {}
}

func orUnknown(actor string) string {
	if actor == "" {
		return "unknown"
	}
	return actor
}

// appendAudit records an entry when the store keeps an audit log. It is
// written even when the request's context ended.
func (in *Intake) appendAudit(ctx context.Context, e atlas.AuditEntry, outcome string, cause error) error {
	as, ok := in.Store.(atlas.AuditStore)
	if !ok {
		return nil
	}
	e.At, e.Outcome, e.Actor = in.now(), outcome, orUnknown(e.Actor)
	if cause != nil {
		msg := cause.Error()
		if len(msg) > 2000 {
			msg = strings.ToValidUTF8(msg[:2000], "") + " …"
		}
		e.Detail = msg
	}
	_, err := as.AppendAudit(context.WithoutCancel(ctx), e)
	return err
}

// crosswalkExt names a crosswalk upload by its first bytes: xlsx (zip) or
// xls (OLE2 compound file).
func crosswalkExt(b []byte) string {
	if bytes.HasPrefix(b, []byte("\xd0\xcf\x11\xe0")) {
		return ".xls"
	}
	return ".xlsx"
}

func catalogueExt(b []byte) string {
	for _, c := range b {
		switch c {
		case ' ', '\n', '\r', '\t', 0xef, 0xbb, 0xbf:
			continue
		case '[', '{':
			return ".json"
		}
		break
	}
	return ".csv"
}

// memFS holds the files of one request in memory (no access to the
// server's file system).
type memFS map[string][]byte

var _ fs.ReadFileFS = memFS{}

// Open implements fs.FS.
func (m memFS) Open(name string) (fs.File, error) {
	if _, ok := m[name]; !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: errors.ErrUnsupported}
}

// ReadFile implements fs.ReadFileFS.
func (m memFS) ReadFile(name string) ([]byte, error) {
	b, ok := m[name]
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return b, nil
}
