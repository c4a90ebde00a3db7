package web

import (
	"context"
	"errors"
	"testing"
	"time"
)

// serve's warm-ups wait for a pause in the users' requests
// (Activity.WaitForPause); probes do not count, steady traffic holds them
// off for at most the longest wait.
func TestActivityLetsRequestsGoFirst(t *testing.T) {
	ctx := context.Background()
	a := &Activity{}
	h := newTestServerWith(t, nil, func(d *Deps) { d.Activity = a })
	for _, probe := range []string{"/healthz", "/readyz", "/metrics"} {
		get(t, h, probe, nil)
	}
	start := time.Now()
	if err := a.WaitForPause(ctx, time.Hour, time.Hour); err != nil || time.Since(start) > time.Second {
		t.Fatalf("after probes only: waited %v (%v)", time.Since(start), err)
	}

	if rec := get(t, h, "/api/v1/indicators", nil); rec.Code != 200 {
		t.Fatalf("indicators: %d", rec.Code)
	}
	start = time.Now()
	if err := a.WaitForPause(ctx, time.Hour, 200*time.Millisecond); err != nil || time.Since(start) < 200*time.Millisecond {
		t.Errorf("right after a request: waited %v (%v), want the longest wait, 200ms", time.Since(start), err)
	}

	a.begin() // a request in flight
	done := make(chan error, 1)
	go func() { done <- a.WaitForPause(ctx, 10*time.Millisecond, time.Hour) }()
	select {
	case err := <-done:
		t.Fatalf("returned while a request was in flight (%v)", err)
	case <-time.After(200 * time.Millisecond):
	}
	a.end()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting after the request ended")
	}

	a.begin()
	defer a.end()
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := a.WaitForPause(cctx, time.Hour, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ended context: %v", err)
	}
	if err := (*Activity)(nil).WaitForPause(ctx, time.Hour, time.Hour); err != nil {
		t.Errorf("nil activity: %v", err)
	}
	if n := NewActivity(); time.Since(time.Unix(0, n.last.Load())) > time.Minute {
		t.Errorf("NewActivity does not count its making")
	}
	// serve touches it when its listener opens: the pause counts from there
	quiet := &Activity{}
	start = time.Now()
	quiet.Touch()
	if err := quiet.WaitForPause(ctx, 100*time.Millisecond, time.Hour); err != nil || time.Since(start) < 100*time.Millisecond {
		t.Errorf("right after Touch: waited %v (%v), want the pause, 100ms", time.Since(start), err)
	}
}
