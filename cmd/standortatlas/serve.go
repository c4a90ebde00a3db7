package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/maptiles"
	"github.com/standortatlas/standortatlas/atlas/reporting"
	"github.com/standortatlas/standortatlas/atlas/web"
	"github.com/standortatlas/standortatlas/static"
	"github.com/standortatlas/standortatlas/tiles"
)

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServeConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	// Log lines in batches (every 100 ms or 64 KB), not one write per
	// request.
	logOut := newBatchWriter(stderr, 64<<10, 100*time.Millisecond)
	defer logOut.Close()
	logger := slog.New(slog.NewJSONHandler(logOut, nil))
	if cfg.MemoryLimitMB > 0 {
		debug.SetMemoryLimit(int64(cfg.MemoryLimitMB) << 20)
	}
	if cfg.GCPercent > 0 {
		debug.SetGCPercent(cfg.GCPercent)
	}
	start := time.Now()
	store, err := openServeStore(ctx, cfg.storeConfig, stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	if cfg.Seed {
		if err := seedIfNeeded(ctx, store, false, stdout); err != nil {
			return err
		}
	}
	svc := atlas.NewService(store, atlas.Options{})
	stopWatch := watchStore(ctx, store, svc, logger)
	defer stopWatch()
	intake := newIntake(store)
	mapTiles := maptiles.New(svc, tiles.Options{Logger: logger, CacheBytes: int64(cfg.TileCacheMB) << 20})
	tileServer := mapTiles.Server()
	updates := newUpdateSchedule(store, cfg.UpdateEvery, getenv, logger)
	activity := web.NewActivity()
	handler, err := web.New(web.Deps{Service: svc, Static: static.FS, Logger: logger, RequestTimeout: cfg.RequestTimeout, Version: version, Activity: activity,
		TrustedProxies: cfg.TrustedProxies,
		Ingest:         web.IngestDeps{Import: intake.Import, SubmitPlace: intake.SubmitPlace, Refused: intake.Refuse}, Tiles: mapTiles, Updates: web.UpdatesDeps{Status: updates.status},
		Reporting: &reporting.Service{Atlas: svc, Writer: intake}})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	// Setting up the handler (static files, OpenAPI document) may take
	// longer than the warm-ups' pause: the start counts from here.
	activity.Touch()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 15*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	// Build display geometry in the background so the first map loads fast;
	// requests go first: each level waits for a pause in them.
	pause := func(ctx context.Context) error {
		return activity.WaitForPause(ctx, warmPause, warmPauseLongest)
	}
	warmCtx, cancelWarm := context.WithCancel(ctx)
	defer cancelWarm()
	warmDone := make(chan struct{})
	go func() {
		defer close(warmDone)
		// The tiles warm after the display geometry's first build: two
		// warm-ups at once would take the CPUs from the first requests.
		displayWarmed := make(chan struct{})
		tilesDone := make(chan struct{})
		go func() {
			defer close(tilesDone)
			select {
			case <-displayWarmed:
				if pause(warmCtx) == nil {
					tileServer.KeepWarm(warmCtx, 2*time.Second)
				}
			case <-warmCtx.Done():
			}
		}()
		updatesDone := make(chan struct{})
		go func() { defer close(updatesDone); updates.keepCurrent(warmCtx) }()
		keepWarm(warmCtx, svc, logger, displayWarmed, pause)
		<-tilesDone
		<-updatesDone
	}()
	fmt.Fprintf(stdout, "Standortatlas %s listening on http://%s (store %s, ready in %s)\n", version, displayAddr(ln.Addr()), cfg.storeConfig, time.Since(start).Round(time.Millisecond))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		cancelWarm()
		<-warmDone
		return err
	case <-ctx.Done():
	}
	cancelWarm()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	<-warmDone
	return err
}

func displayAddr(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok && (ta.IP == nil || ta.IP.IsUnspecified()) {
		return fmt.Sprintf("localhost:%d", ta.Port)
	}
	return a.String()
}

// The warm-ups after a start or an import let users' requests go first:
// before each level they wait until no request has run for warmPause, but
// not longer than warmPauseLongest (steady traffic would hold them off for
// ever; its requests then build what they need themselves).
const (
	warmPause        = 250 * time.Millisecond
	warmPauseLongest = 2 * time.Second
)

// keepWarm builds the display geometry at start and again whenever the data
// version changed (an import through this or another instance), so that no
// user request pays for it; it closes tried after the first attempt. It
// returns when ctx ends.
func keepWarm(ctx context.Context, svc *atlas.Service, logger *slog.Logger, tried chan<- struct{}, pause func(context.Context) error) {
	last := int64(-1)
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for first := true; ; first = false {
		if v, err := svc.Version(ctx); err == nil && v != last {
			t := time.Now()
			if err := svc.Warm(ctx, pause); err != nil {
				if !errors.Is(err, context.Canceled) {
					logger.Error("warm caches", "err", err)
				}
			} else {
				last = v
				logger.Info("caches warm", "data_version", v, "took_ms", time.Since(t).Milliseconds())
			}
		}
		if first {
			close(tried)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
