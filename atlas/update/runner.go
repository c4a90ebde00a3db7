package update

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/genesis"
)

// Keys of the store's Meta settings: the registered sources (one JSON
// list) and the last check of each source (one JSON document per source,
// so that checks of different sources never overwrite each other).
const (
	sourcesKey     = "update_sources"
	checkKeyPrefix = "update_check:"
	// LockName is the name of the store lock a run holds (atlas.Locker).
	LockName = "standortatlas-update"
)

// ErrBusy: another run or fetch is under way (in this process, or in
// another instance holding the store's lock).
var ErrBusy = errors.New("update: another update is running")

// ImportFunc is the one import path (ingest.Intake.Import): validation,
// release, audit, and "already imported" for the same file and options.
type ImportFunc func(context.Context, atlas.ImportRequest) (atlas.ImportResult, error)

// Runner fetches registered sources and imports what changed.
type Runner struct {
	Store atlas.Store
	// Import is the import path every fetched table goes through.
	Import ImportFunc
	// Client returns a client for a GENESIS installation with its
	// credentials, or an error that says which credentials are missing.
	Client func(genesis.Source) (*genesis.Client, error)
	// Actor names who imports, for the audit log (default "update").
	Actor string
	// Now is the clock of the checks (default time.Now).
	Now func() time.Time
	// Progress receives one line per step.
	Progress func(msg string)

	mu sync.Mutex
}

// FetchOptions tune one fetch.
type FetchOptions struct {
	// DryRun downloads and checks the table but writes nothing (no
	// release, no check recorded, nothing registered).
	DryRun bool
	// Register adds the source to the registered sources when the fetch
	// succeeded (standortatlas fetch).
	Register bool
}

// Result is what one fetch did.
type Result struct {
	Check  atlas.SourceCheck
	Import atlas.ImportResult
	// File and Bytes describe the download; Job names the background job
	// that produced it, if any.
	File  string
	Bytes int
	Job   string
}

// Fetch downloads one source, imports it when its content changed, and
// records the check. A failure leaves the data as they were; it is
// recorded (unless DryRun) and returned.
func (r *Runner) Fetch(ctx context.Context, s Source, opt FetchOptions) (Result, error) {
	if !r.mu.TryLock() {
		return Result{}, ErrBusy
	}
	defer r.mu.Unlock()
	return r.fetch(ctx, s, opt)
}

func (r *Runner) fetch(ctx context.Context, s Source, opt FetchOptions) (Result, error) {
	res := Result{Check: atlas.SourceCheck{ID: s.ID, Table: s.Genesis.Table, Source: s.Genesis.Source, Indicators: []string{}}}
	if prev, err := r.check(ctx, s.ID); err == nil && prev != nil {
		res.Check.ChangedAt, res.Check.Release, res.Check.Indicators, res.Check.Changes = prev.ChangedAt, prev.Release, prev.Indicators, prev.Changes
	}
	fail := func(err error) (Result, error) {
		if ctx.Err() != nil {
			return res, err // cancelled (shutdown): not a finding about the source
		}
		res.Check.CheckedAt, res.Check.Outcome, res.Check.Error = r.now(), atlas.UpdateFailed, err.Error()
		if !opt.DryRun {
			if werr := r.saveCheck(ctx, res.Check); werr != nil {
				err = errors.Join(err, werr)
			}
		}
		return res, err
	}
	if err := s.Validate(); err != nil {
		return fail(err)
	}
	gsrc, req, err := s.Resolve()
	if err != nil {
		return fail(err)
	}
	res.Check.Source, res.Check.URL = gsrc.Name, gsrc.BaseURL
	client, err := r.Client(gsrc)
	if err != nil {
		return fail(err)
	}
	r.progress(fmt.Sprintf("%s: checking the login at %s", s.ID, gsrc.BaseURL))
	if _, err := client.LoginCheck(ctx); err != nil {
		return fail(err)
	}
	r.progress(fmt.Sprintf("%s: downloading table %s", s.ID, req.Name))
	file, err := client.TableFile(ctx, req)
	if err != nil {
		return fail(err)
	}
	res.File, res.Bytes, res.Job = file.Name, len(file.Body), file.Job
	data, err := genesis.Canonical(file)
	if err != nil {
		return fail(err)
	}
	in := atlas.ImportRequest{Format: "ffcsv", Name: s.FileName(), Data: data, Options: s.importOptions(), DryRun: opt.DryRun, Actor: r.actor()}
	known := res.Check.Indicators
	if len(known) == 0 && !opt.DryRun {
		// First check of this source: a dry run says which indicators it
		// writes, so that the values already there can be compared.
		dry := in
		dry.DryRun = true
		d, err := r.Import(ctx, dry)
		if err != nil {
			res.Import = d
			return fail(fmt.Errorf("import of %s refused, nothing written: %w", s.FileName(), err))
		}
		known = d.Indicators
	}
	before := r.snapshot(ctx, known)
	imp, err := r.Import(ctx, in)
	res.Import = imp
	if err != nil {
		return fail(fmt.Errorf("import of %s refused, nothing written: %w", s.FileName(), err))
	}
	if opt.DryRun {
		res.Check.Indicators = imp.Indicators
		return res, nil
	}
	now := r.now()
	res.Check.CheckedAt, res.Check.Indicators, res.Check.Error = now, imp.Indicators, ""
	if imp.Unchanged {
		res.Check.Outcome = atlas.UpdateUnchanged
	} else {
		res.Check.Outcome, res.Check.ChangedAt, res.Check.Release = atlas.UpdateNew, &now, imp.Release.ID
		res.Check.Changes = r.changes(ctx, imp, before)
	}
	if opt.Register {
		if err := r.Register(ctx, s); err != nil {
			return res, fmt.Errorf("release %d written, but registering %s failed: %w", imp.Release.ID, s.ID, err)
		}
	}
	if err := r.saveCheck(ctx, res.Check); err != nil {
		return res, fmt.Errorf("%s: %s, but the check could not be recorded: %w", s.ID, res.Check.Outcome, err)
	}
	return res, nil
}

// RunReport is what one run of all registered sources did.
type RunReport struct {
	Results []Result
	// Skipped is set when another instance holds the update lock.
	Skipped string
}

// Failed counts the sources whose check failed.
func (rep RunReport) Failed() int {
	n := 0
	for _, r := range rep.Results {
		if r.Check.Outcome == atlas.UpdateFailed {
			n++
		}
	}
	return n
}

// Run checks every registered source, one after the other. Failures are
// recorded per source and joined into the error; the other sources are
// still checked. With a store that is an atlas.Locker, a run that finds
// the lock taken does nothing and says so in Skipped.
func (r *Runner) Run(ctx context.Context, dryRun bool) (RunReport, error) {
	var rep RunReport
	if !r.mu.TryLock() {
		return rep, ErrBusy
	}
	defer r.mu.Unlock()
	if l, ok := r.Store.(atlas.Locker); ok && !dryRun {
		unlock, got, err := l.TryLock(ctx, LockName)
		if err != nil {
			return rep, fmt.Errorf("update lock: %w", err)
		}
		if !got {
			rep.Skipped = "another atlas instance is updating (store lock " + LockName + " held)"
			return rep, nil
		}
		defer unlock()
	}
	sources, err := r.Sources(ctx)
	if err != nil {
		return rep, err
	}
	var errs []error
	for _, s := range sources {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		res, err := r.fetch(ctx, s, FetchOptions{DryRun: dryRun})
		rep.Results = append(rep.Results, res)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.ID, err))
		}
	}
	return rep, errors.Join(errs...)
}

// Sources lists the registered sources, ordered by id.
func (r *Runner) Sources(ctx context.Context) ([]Source, error) {
	v, err := r.Store.Meta(ctx, sourcesKey)
	if err != nil || v == "" {
		return nil, err
	}
	var out []Source
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, fmt.Errorf("registered sources (meta %s): %w", sourcesKey, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Register adds a source, replacing one with the same id.
func (r *Runner) Register(ctx context.Context, s Source) error {
	if err := s.Validate(); err != nil {
		return err
	}
	list, err := r.Sources(ctx)
	if err != nil {
		return err
	}
	if s.AddedAt.IsZero() {
		s.AddedAt = r.now()
	}
	kept := list[:0]
	for _, o := range list {
		if o.ID != s.ID {
			kept = append(kept, o)
		}
	}
	return r.saveSources(ctx, append(kept, s))
}

// Remove unregisters a source; its check stays in the status until the
// source is registered again. ErrNotFound when there is none.
func (r *Runner) Remove(ctx context.Context, id string) error {
	list, err := r.Sources(ctx)
	if err != nil {
		return err
	}
	kept := list[:0]
	for _, o := range list {
		if o.ID != id {
			kept = append(kept, o)
		}
	}
	if len(kept) == len(list) {
		return fmt.Errorf("source %s: %w", id, atlas.ErrNotFound)
	}
	return r.saveSources(ctx, kept)
}

func (r *Runner) saveSources(ctx context.Context, list []Source) error {
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	return r.Store.SetMeta(context.WithoutCancel(ctx), sourcesKey, string(b))
}

// Status is the registered sources with their last checks.
func (r *Runner) Status(ctx context.Context) (atlas.UpdateStatus, error) {
	sources, err := r.Sources(ctx)
	if err != nil {
		return atlas.UpdateStatus{}, err
	}
	checks := make([]atlas.SourceCheck, 0, len(sources))
	for _, s := range sources {
		c, err := r.check(ctx, s.ID)
		if err != nil {
			return atlas.UpdateStatus{}, err
		}
		if c == nil {
			c = &atlas.SourceCheck{ID: s.ID, Source: s.Genesis.Source, Table: s.Genesis.Table, Outcome: atlas.UpdatePending, Indicators: []string{}}
			if src, err := genesis.LookupSource(s.Genesis.Source); err == nil {
				c.Source, c.URL = src.Name, src.BaseURL
			}
		}
		checks = append(checks, *c)
	}
	return atlas.NewUpdateStatus(checks), nil
}

func (r *Runner) check(ctx context.Context, id string) (*atlas.SourceCheck, error) {
	v, err := r.Store.Meta(ctx, checkKeyPrefix+id)
	if err != nil || v == "" {
		return nil, err
	}
	var c atlas.SourceCheck
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return nil, fmt.Errorf("check of %s (meta %s%s): %w", id, checkKeyPrefix, id, err)
	}
	return &c, nil
}

func (r *Runner) saveCheck(ctx context.Context, c atlas.SourceCheck) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	// Recorded even when the caller's context ends right now.
	return r.Store.SetMeta(context.WithoutCancel(ctx), checkKeyPrefix+c.ID, string(b))
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

func (r *Runner) actor() string {
	if r.Actor != "" {
		return r.Actor
	}
	return "update"
}

func (r *Runner) progress(msg string) {
	if r.Progress != nil {
		r.Progress(msg)
	}
}

// snapshot holds an indicator's values per level and period before an
// import, to say afterwards what changed.
type snapshot map[string]map[string]atlas.Value // indicator|level|period → key → value

// maxCompared bounds the indicator × level × period maps compared.
const maxCompared = 60

func (r *Runner) snapshot(ctx context.Context, indicators []string) snapshot {
	out := snapshot{}
	cat, err := r.Store.Indicators(ctx)
	if err != nil {
		return out
	}
	want := map[string]bool{}
	for _, id := range indicators {
		want[id] = true
	}
	for _, ind := range cat {
		if !want[ind.ID] {
			continue
		}
		for _, lv := range ind.Levels {
			for _, y := range ind.Years {
				if len(out) >= maxCompared {
					return out
				}
				v, err := r.Store.Values(ctx, ind.ID, lv, y)
				if err == nil {
					out[fmt.Sprintf("%s|%s|%d", ind.ID, lv, y)] = v
				}
			}
		}
	}
	return out
}

// changes describes a new release: what it wrote, and per indicator, level
// and period the values that are new, changed or gone compared with before.
func (r *Runner) changes(ctx context.Context, imp atlas.ImportResult, before snapshot) []string {
	out := []string{fmt.Sprintf("release %d: %d observations of %d indicator(s)", imp.Release.ID, imp.Observations, len(imp.Indicators))}
	if rs, ok := r.Store.(atlas.ReleaseStore); ok {
		if list, err := rs.Releases(ctx); err == nil {
			for _, rel := range list {
				if rel.ID == imp.Release.ID && rel.Replaced > 0 {
					out = append(out, fmt.Sprintf("%d observation(s) of earlier releases replaced (their values stay in the history: standortatlas release list)", rel.Replaced))
				}
			}
		}
	}
	if len(before) == 0 {
		return append(out, "no earlier values of these indicators to compare")
	}
	after := r.snapshot(ctx, imp.Indicators)
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var lines []string
	for k := range keys {
		added, changed, gone := diff(before[k], after[k])
		if added+changed+gone == 0 {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s: %d new, %d changed, %d without value now", strings.ReplaceAll(k, "|", " "), added, changed, gone))
	}
	sort.Strings(lines)
	if len(lines) == 0 {
		return append(out, "the values compared are the same as before (another file or other options gave the same data)")
	}
	if len(lines) > 20 {
		lines = append(lines[:20], fmt.Sprintf("… and %d more", len(lines)-20))
	}
	return append(out, lines...)
}

func diff(a, b map[string]atlas.Value) (added, changed, gone int) {
	for k, vb := range b {
		va, ok := a[k]
		switch {
		case !ok:
			added++
		case va.Flag != vb.Flag || !sameNumber(va.Value, vb.Value):
			changed++
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			gone++
		}
	}
	return added, changed, gone
}

func sameNumber(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}
