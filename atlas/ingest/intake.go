package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

// Intake imports single files into a store — the one path for the CLI
// (`standortatlas import <format> FILE`) and the ingest API: read and
// validate completely, check the writer's scope, skip a file already
// imported the same way, write one release (all or nothing), and record
// every write attempt in the audit log when the store keeps one.
type Intake struct {
	Store atlas.Store
	// Progress and Rows report steps and rows read (CLI progress bar).
	Progress Progress
	Rows     func(file string, done, total int)
	// Now is the clock of audit entries (default time.Now).
	Now func() time.Time
}

// Import runs one import request.
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
	spec, err := SpecFromOptions(format, name, req.Options)
	if err != nil {
		return res, err
	}
	fsys := memFS{name: req.Data}
	if len(req.Catalogue) > 0 {
		spec.Catalogue = "catalogue" + catalogueExt(req.Catalogue)
		fsys[spec.Catalogue] = req.Catalogue
	}
	if len(req.Crosswalk) > 0 {
		if spec.Crosswalk == nil || spec.Crosswalk.Year == 0 {
			return res, &atlas.ParamError{Param: "crosswalk_year", Reason: "a crosswalk file needs the Gebietsstand year of the data's keys"}
		}
		spec.Crosswalk.File = "crosswalk.xlsx"
		fsys[spec.Crosswalk.File] = req.Crosswalk
	} else if spec.Crosswalk != nil && spec.Crosswalk.Year != 0 {
		return res, &atlas.ParamError{Param: "crosswalk_year", Value: strconv.Itoa(spec.Crosswalk.Year), Reason: "given without a crosswalk file"}
	}
	audit := atlas.AuditEntry{Actor: req.Actor, Action: atlas.AuditImport, Format: format, File: name, SHA256: sha(req.Data)}
	plan, err := PrepareWith(ctx, fsys, &Manifest{Tables: []TableSpec{spec}}, in.Store, Options{Progress: in.Progress, Rows: in.Rows, SkipImported: !req.Force})
	if err != nil {
		var se *StoreError
		if ctx.Err() == nil && !errors.As(err, &se) && !errors.Is(err, atlas.ErrInvalidData) {
			var pe *atlas.ParamError
			if !errors.As(err, &pe) {
				err = fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
			}
		}
		if ctx.Err() == nil && !errors.As(err, &se) {
			in.audit(ctx, audit, "refused", err)
		}
		return res, err
	}
	t := plan.Tables()[0]
	res.Observations, res.Indicators, res.Summary = t.Observations, t.Indicators, plan.Summary()
	audit.Observations, audit.Indicators = t.Observations, len(t.Indicators)
	if req.Scope != nil {
		if err := plan.CheckScope(*req.Scope); err != nil {
			in.audit(ctx, audit, "refused", err)
			return res, err
		}
	}
	if req.DryRun {
		return res, nil
	}
	out, err := plan.Write(ctx, in.Store, in.Progress)
	if err != nil {
		return res, err
	}
	switch {
	case len(out.Unchanged) > 0:
		res.Release, res.Unchanged = out.Unchanged[0], true
		audit.Release = res.Release.ID
		res.Summary = append(res.Summary, fmt.Sprintf("already imported as release %d (same file, same options): nothing written", res.Release.ID))
		in.audit(ctx, audit, "unchanged", nil)
	case len(out.Releases) > 0:
		res.Release = out.Releases[0]
		audit.Release = res.Release.ID
		if err := in.audit(ctx, audit, "ok", nil); err != nil {
			return res, fmt.Errorf("release %d written, but the audit entry failed: %w", res.Release.ID, err)
		}
	}
	return res, nil
}

// Rollback returns the store to its state right after release id and
// records it in the audit log.
func (in *Intake) Rollback(ctx context.Context, id int64, actor string) ([]atlas.ReleaseInfo, error) {
	rs, ok := in.Store.(atlas.ReleaseStore)
	if !ok {
		return nil, fmt.Errorf("rollback: %w", atlas.ErrNotSupported)
	}
	undone, err := rs.Rollback(ctx, id)
	if err != nil {
		return nil, err
	}
	var ids []string
	obs := 0
	for _, r := range undone {
		ids = append(ids, strconv.FormatInt(r.ID, 10))
		obs += r.Rows
	}
	e := atlas.AuditEntry{Actor: actor, Action: atlas.AuditRollback, Release: id, Observations: obs,
		Detail: fmt.Sprintf("rolled back to release %d; undone: %s", id, orNone(strings.Join(ids, ", ")))}
	if err := in.audit(ctx, e, "ok", nil); err != nil {
		return undone, fmt.Errorf("rollback done, but the audit entry failed: %w", err)
	}
	return undone, nil
}

// Audit records an entry when the store keeps an audit log.
func (in *Intake) Audit(ctx context.Context, e atlas.AuditEntry) error {
	return in.audit(ctx, e, e.Outcome, nil)
}

func (in *Intake) audit(ctx context.Context, e atlas.AuditEntry, outcome string, cause error) error {
	as, ok := in.Store.(atlas.AuditStore)
	if !ok {
		return nil
	}
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	e.At, e.Outcome = now().UTC(), outcome
	if cause != nil {
		msg := cause.Error()
		if len(msg) > 2000 {
			msg = strings.ToValidUTF8(msg[:2000], "") + " …"
		}
		e.Detail = msg
	}
	if e.Actor == "" {
		e.Actor = "unknown"
	}
	// The audit entry is written even when the request's context ended.
	_, err := as.AppendAudit(context.WithoutCancel(ctx), e)
	return err
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

// SpecFromOptions builds the table spec of a format-aware import from
// "name=value" options (CLI flags and API query parameters):
//
//	map=COLUMN=INDICATOR (repeatable)   only_mapped=true   period=YYYY   sheet=NAME   id=SOURCE_ID
//	crosswalk_year=Y   merge=OLD=NEW (repeatable)   crosswalk_method=INDICATOR=sum|mean (repeatable)
//	ffcsv_sum=VAR,VAR   ffcsv_split=VAR   ffcsv_total=CAT,CAT   ffcsv_categories=CAT,CAT   ffcsv_filter=VAR=CAT (repeatable)
func SpecFromOptions(format, file string, opts []string) (TableSpec, error) {
	spec := TableSpec{Format: format, File: file}
	bad := func(opt, reason string) error { return &atlas.ParamError{Param: "option", Value: opt, Reason: reason} }
	list := func(v string) []string {
		var out []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	cw := func() *CrosswalkSpec {
		if spec.Crosswalk == nil {
			spec.Crosswalk = &CrosswalkSpec{}
		}
		return spec.Crosswalk
	}
	ff := func() *FFCSVSpec {
		if spec.FFCSV == nil {
			spec.FFCSV = &FFCSVSpec{}
		}
		return spec.FFCSV
	}
	for _, o := range opts {
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			return spec, bad(o, "want name=value")
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "map":
			col, id, ok := strings.Cut(v, "=")
			if !ok || strings.TrimSpace(col) == "" || !atlas.ValidIndicatorID(strings.TrimSpace(id)) {
				return spec, bad(o, "want map=COLUMN=INDICATOR_ID (column number or header text)")
			}
			if spec.Map == nil {
				spec.Map = map[string]string{}
			}
			spec.Map[strings.TrimSpace(col)] = strings.TrimSpace(id)
		case "only_mapped":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return spec, bad(o, "want true or false")
			}
			spec.OnlyMapped = b
		case "period":
			y, _, ok := parsePeriod(v)
			if !ok {
				return spec, bad(o, "want a year")
			}
			spec.PeriodValue = y
		case "sheet":
			spec.Sheet = v
		case "id":
			if !atlas.ValidIndicatorID(v) {
				return spec, bad(o, "lower-case letters, digits and underscores")
			}
			spec.ID = v
		case "crosswalk_year":
			y, _, ok := parsePeriod(v)
			if !ok {
				return spec, bad(o, "want a year")
			}
			cw().Year = y
		case "merge":
			cw().Merge = append(cw().Merge, v)
		case "crosswalk_method":
			id, m, ok := strings.Cut(v, "=")
			if !ok || (m != "sum" && m != "mean") {
				return spec, bad(o, "want crosswalk_method=INDICATOR=sum|mean")
			}
			if cw().Method == nil {
				cw().Method = map[string]string{}
			}
			cw().Method[id] = m
		case "ffcsv_sum":
			ff().Sum = list(v)
		case "ffcsv_split":
			ff().Split = v
		case "ffcsv_total":
			ff().Total = list(v)
		case "ffcsv_categories":
			ff().Categories = list(v)
		case "ffcsv_filter":
			va, c, ok := strings.Cut(v, "=")
			if !ok {
				return spec, bad(o, "want ffcsv_filter=VARIABLE=CATEGORY")
			}
			if ff().Filter == nil {
				ff().Filter = map[string]string{}
			}
			ff().Filter[va] = c
		default:
			return spec, bad(o, "unknown option (map, only_mapped, period, sheet, id, crosswalk_year, merge, crosswalk_method, ffcsv_sum, ffcsv_split, ffcsv_total, ffcsv_categories, ffcsv_filter)")
		}
	}
	if spec.ID == "" {
		base := slug(strings.TrimSuffix(baseName(file), path.Ext(baseName(file))))
		if strings.HasPrefix(base, format+"_") {
			base = strings.TrimPrefix(base, format+"_")
		}
		spec.ID = makeID(format, base)
		if len(spec.ID) > 48 {
			spec.ID = strings.TrimRight(spec.ID[:48], "_")
		}
	}
	if err := spec.Validate(); err != nil {
		return spec, &atlas.ParamError{Param: "option", Value: strings.Join(opts, " "), Reason: err.Error()}
	}
	return spec, nil
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
