package atlas

import (
	"context"
	"sort"
	"time"
)

// This file holds the types of the update side: tables registered with
// their official source (a GENESIS web service) that `standortatlas update`
// checks and re-imports when they changed, and what the last checks found
// (per source and per indicator: "zuletzt geprüft"). The checks are kept
// in the store's Meta settings by atlas/update.

// Outcomes of a check of a registered source.
const (
	// UpdateNew: a newer edition was imported as a release.
	UpdateNew = "new"
	// UpdateUnchanged: the source holds the data the atlas already has.
	UpdateUnchanged = "unchanged"
	// UpdateFailed: the check failed; the data stay as they were.
	UpdateFailed = "failed"
	// UpdatePending: registered, not checked yet.
	UpdatePending = "pending"
)

// SourceCheck is a registered source and the outcome of its last check.
type SourceCheck struct {
	// ID is the source id, also the source of its releases.
	ID string `json:"id"`
	// Source names the database ("destatis", "regionalstatistik", a host);
	// URL is the base URL of its interface (never with credentials).
	Source string `json:"source"`
	URL    string `json:"url"`
	Table  string `json:"table"`
	// CheckedAt is when the source was last checked (zero: never).
	CheckedAt time.Time `json:"checked_at,omitzero"`
	Outcome   string    `json:"outcome"`
	// Error says why the last check failed.
	Error string `json:"error,omitempty"`
	// ChangedAt is when a newer edition was last imported, as Release.
	ChangedAt *time.Time `json:"changed_at,omitempty"`
	Release   int64      `json:"release,omitempty"`
	// Indicators are the indicators the source's table writes.
	Indicators []string `json:"indicators"`
	// Changes describe what the last newer edition changed.
	Changes []string `json:"changes,omitempty"`
}

// IndicatorCheck is the last check of an indicator against its source.
type IndicatorCheck struct {
	SourceID  string     `json:"source_id"`
	Source    string     `json:"source"`
	Table     string     `json:"table"`
	CheckedAt time.Time  `json:"checked_at"`
	Outcome   string     `json:"outcome"`
	ChangedAt *time.Time `json:"changed_at,omitempty"`
	Release   int64      `json:"release,omitempty"`
}

// UpdateStatus is the state of the update side (GET /api/v1/updates).
type UpdateStatus struct {
	// Status is "ok", "failed" (the last check of a source failed) or
	// "none" (no sources registered).
	Status  string        `json:"status"`
	Sources []SourceCheck `json:"sources"`
	// Indicators maps indicator ids to their last check (the newest one
	// when several sources write an indicator).
	Indicators map[string]IndicatorCheck `json:"indicators"`
	// Every and NextRun describe this instance's schedule (serve
	// -update-every); empty when it does not update.
	Every   string     `json:"every,omitempty"`
	NextRun *time.Time `json:"next_run,omitempty"`
}

// NewUpdateStatus derives the overall status and the per-indicator checks
// from the sources' checks.
func NewUpdateStatus(sources []SourceCheck) UpdateStatus {
	sort.Slice(sources, func(i, j int) bool { return sources[i].ID < sources[j].ID })
	u := UpdateStatus{Status: "none", Sources: sources, Indicators: map[string]IndicatorCheck{}}
	if u.Sources == nil {
		u.Sources = []SourceCheck{}
	}
	if len(sources) > 0 {
		u.Status = "ok"
	}
	for _, s := range sources {
		if s.Outcome == UpdateFailed {
			u.Status = "failed"
		}
		if s.CheckedAt.IsZero() {
			continue
		}
		for _, id := range s.Indicators {
			if prev, ok := u.Indicators[id]; ok && !s.CheckedAt.After(prev.CheckedAt) {
				continue
			}
			u.Indicators[id] = IndicatorCheck{SourceID: s.ID, Source: s.Source, Table: s.Table, CheckedAt: s.CheckedAt,
				Outcome: s.Outcome, ChangedAt: s.ChangedAt, Release: s.Release}
		}
	}
	return u
}

// Locker is implemented by stores that several atlas instances share
// (PostGIS): it makes sure that only one of them runs a job such as the
// scheduled update at a time.
type Locker interface {
	// TryLock takes the lock called name unless another holder has it
	// (ok false). unlock releases it; the lock also ends with the holder's
	// connection or process.
	TryLock(ctx context.Context, name string) (unlock func(), ok bool, err error)
}
