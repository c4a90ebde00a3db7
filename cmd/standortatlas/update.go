package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/update"
)

const updateUsage = `usage:
  standortatlas update [-manifest FILE] [-dry-run] [credential flags]
      fetch every registered table again from its GENESIS web service and import it when its
      content changed (a new release); report "unchanged" otherwise. A failure leaves the data
      as they were and is shown by "update list", GET /api/v1/updates and /metrics.
      -manifest FILE   first register the manifest's tables that name a "genesis" source
      -dry-run         download and check, write nothing
  standortatlas update list          registered tables and their last check ("zuletzt geprüft")
  standortatlas update remove ID     stop checking a table (its data stay)
Tables are registered by "standortatlas fetch genesis TABLE". Credentials as for fetch
("standortatlas fetch -h"); "serve -update-every 24h" runs the update in the background.
`

func cmdUpdate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c storeConfig
	var access genesisAccess
	flags := flag.NewFlagSet("update", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, updateUsage) }
	c.register(flags, getenv)
	c.registerInit(flags)
	access.register(flags, getenv, true)
	manifest := flags.String("manifest", "", "register the manifest's tables that name a GENESIS source first")
	dry := flags.Bool("dry-run", false, "download and check, write nothing")
	pos, err := parseInterleaved(flags, args)
	if err != nil {
		return err
	}
	sub := ""
	if len(pos) > 0 && (pos[0] == "list" || pos[0] == "remove") {
		sub, pos = pos[0], pos[1:]
	}
	if sub == "remove" && len(pos) != 1 || sub != "remove" && len(pos) != 0 {
		fmt.Fprint(stderr, updateUsage)
		return fmt.Errorf("update: unexpected arguments %q", pos)
	}
	r, closeStore, err := cliRunner(ctx, c, &access, getenv, stderr)
	if err != nil {
		return err
	}
	defer closeStore()
	switch sub {
	case "list":
		st, err := r.Status(ctx)
		if err != nil {
			return err
		}
		printStatus(stdout, st)
		return nil
	case "remove":
		if err := r.Remove(ctx, pos[0]); err != nil {
			return fmt.Errorf("update remove: %w", err)
		}
		fmt.Fprintf(stdout, "%s is no longer checked; its data stay as they are\n", pos[0])
		return nil
	}
	if *manifest != "" {
		abs, err := filepath.Abs(*manifest)
		if err != nil {
			return err
		}
		m, err := ingest.ReadManifest(os.DirFS(filepath.Dir(abs)), filepath.Base(abs))
		if err != nil {
			return err
		}
		sources, err := update.FromManifest(m)
		if err != nil {
			return fmt.Errorf("update -manifest %s: %w", *manifest, err)
		}
		if len(sources) == 0 {
			return fmt.Errorf("update -manifest %s: no table names a \"genesis\" source", *manifest)
		}
		if *dry {
			// Check the manifest's tables without registering them.
			failed := 0
			for _, s := range sources {
				res, err := r.Fetch(ctx, s, update.FetchOptions{DryRun: true})
				if err != nil {
					failed++
					fmt.Fprintf(stdout, "%s: FAILED: %v\n", s.ID, err)
					continue
				}
				printFetch(stdout, res, true)
			}
			if failed > 0 {
				return fmt.Errorf("update -dry-run: %d of %d table(s) failed", failed, len(sources))
			}
			return nil
		}
		for _, s := range sources {
			if err := r.Register(ctx, s); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "registered %s: table %s from %s\n", s.ID, s.Genesis.Table, s.Genesis.Source)
		}
	}
	rep, err := r.Run(ctx, *dry)
	if errors.Is(err, update.ErrBusy) {
		return fmt.Errorf("update: %w", err)
	}
	if rep.Skipped != "" {
		fmt.Fprintln(stdout, "skipped: "+rep.Skipped)
		return nil
	}
	if len(rep.Results) == 0 && err == nil {
		fmt.Fprintln(stdout, `no registered tables: "standortatlas fetch genesis TABLE" registers one, or "update -manifest FILE" the manifest's tables with a "genesis" source`)
		return nil
	}
	for _, res := range rep.Results {
		if res.Check.Outcome == atlas.UpdateFailed {
			fmt.Fprintf(stdout, "%s: FAILED, the data stay as they were: %s\n", res.Check.ID, res.Check.Error)
			continue
		}
		printFetch(stdout, res, *dry)
	}
	if n := rep.Failed(); n > 0 {
		return fmt.Errorf("update: %d of %d table(s) failed; their data stay as they were", n, len(rep.Results))
	}
	return err
}

// printStatus lists the registered sources and their last checks.
func printStatus(w io.Writer, st atlas.UpdateStatus) {
	if len(st.Sources) == 0 {
		fmt.Fprintln(w, `no registered tables ("standortatlas fetch genesis TABLE" registers one)`)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTABLE\tSOURCE\tCHECKED\tOUTCOME\tNEW EDITION\tRELEASE\tINDICATORS")
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Local().Format("2006-01-02 15:04")
	}
	for _, s := range st.Sources {
		changed := "—"
		if s.ChangedAt != nil {
			changed = stamp(*s.ChangedAt)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\n", s.ID, s.Table, s.Source, stamp(s.CheckedAt), s.Outcome, changed, s.Release, len(s.Indicators))
	}
	tw.Flush()
	for _, s := range st.Sources {
		if s.Error != "" {
			fmt.Fprintf(w, "%s: %s\n", s.ID, s.Error)
		}
	}
}

// updateSchedule runs the update in the background of serve and adds its
// schedule to the status.
type updateSchedule struct {
	runner *update.Runner
	every  time.Duration
	logger *slog.Logger

	mu   sync.Mutex
	next time.Time
}

// status is the update status with this instance's schedule
// (GET /api/v1/updates, /metrics).
func (s *updateSchedule) status(ctx context.Context) (atlas.UpdateStatus, error) {
	st, err := s.runner.Status(ctx)
	if err != nil || s.every <= 0 {
		return st, err
	}
	st.Every = s.every.String()
	s.mu.Lock()
	look := s.next
	s.mu.Unlock()
	if look.IsZero() || len(st.Sources) == 0 {
		return st, nil
	}
	// The earliest time a source is due, not before the next look.
	next := time.Time{}
	for i, c := range st.Sources {
		if due := s.dueAt(c); i == 0 || due.Before(next) {
			next = due
		}
	}
	if next.Before(look) {
		next = look
	}
	next = next.UTC()
	st.NextRun = &next
	return st, nil
}

// dueAt is when a source's next check is due: at once when it was never
// checked, an hour (at most every) after a failed check, else every after
// the last one. Several instances over one store see the same checks, so a
// restart or another instance does not check again before it is due.
func (s *updateSchedule) dueAt(c atlas.SourceCheck) time.Time {
	switch {
	case c.CheckedAt.IsZero():
		return time.Time{}
	case c.Outcome == atlas.UpdateFailed:
		return c.CheckedAt.Add(min(s.every, time.Hour))
	}
	return c.CheckedAt.Add(s.every)
}

// due reports whether a source waits for its check.
func (s *updateSchedule) due(st atlas.UpdateStatus, now time.Time) bool {
	for _, c := range st.Sources {
		if !s.dueAt(c).After(now) {
			return true
		}
	}
	return false
}

// run looks every minute (at most every) whether a source is due and then
// checks all of them, until ctx ends.
func (s *updateSchedule) run(ctx context.Context) {
	tick := min(s.every, time.Minute)
	for {
		if st, err := s.runner.Status(ctx); err != nil {
			if ctx.Err() == nil {
				s.logger.Error("update status", "err", err)
			}
		} else if s.due(st, time.Now()) {
			start := time.Now()
			rep, err := s.runner.Run(ctx, false)
			switch {
			case ctx.Err() != nil:
				return
			case rep.Skipped != "":
				s.logger.Info("update skipped", "reason", rep.Skipped)
			case err != nil:
				s.logger.Error("update failed; the data stay as they were", "failed", rep.Failed(), "sources", len(rep.Results), "err", err)
			default:
				s.logger.Info("update done", "sources", len(rep.Results), "took_ms", time.Since(start).Milliseconds())
			}
		}
		s.mu.Lock()
		s.next = time.Now().Add(tick).UTC()
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(tick):
		}
	}
}

// envDuration reads a duration from the environment (unset: 0; not a
// duration: -1, which the caller refuses).
func envDuration(getenv func(string) string, name string) time.Duration {
	v := getenv(name)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return -1
	}
	return d
}

// newUpdateSchedule builds the background update of serve: credentials
// from the environment only, progress to the log.
func newUpdateSchedule(store atlas.Store, every time.Duration, getenv func(string) string, logger *slog.Logger) *updateSchedule {
	access := &genesisAccess{}
	access.register(nil, getenv, false)
	access.jobTimeout = 30 * time.Minute
	progress := func(msg string) { logger.Info("update", "step", msg) }
	return &updateSchedule{runner: newRunner(store, access, "serve:update", progress), every: every, logger: logger}
}

// keepCurrent runs the schedule when serve was started with -update-every.
func (s *updateSchedule) keepCurrent(ctx context.Context) {
	if s.every <= 0 {
		return
	}
	s.logger.Info("updates scheduled", "every", s.every.String())
	s.run(ctx)
}
