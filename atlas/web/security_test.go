package web

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// writeAttempts sends n requests to a write route, each claiming another
// client address in X-Forwarded-For and X-Real-IP, from peer, and returns
// the status codes.
func writeAttempts(h http.Handler, peer string, n int) map[int]int {
	codes := map[int]int{}
	for i := 0; i < n; i++ {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/audit", nil)
		req.RemoteAddr = peer + ":40000"
		forged := fmt.Sprintf("203.0.113.%d", i+1)
		req.Header.Set("X-Forwarded-For", forged)
		req.Header.Set("X-Real-IP", forged)
		req.Header.Set("Authorization", "Bearer sat_guess")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		codes[rec.Code]++
	}
	return codes
}

// Issue 15, item 2: forwarding headers are believed only from configured
// proxies. Without any, thirty guesses with thirty forged addresses come
// from one peer and hit the write rate limit (burst 20); the log names the
// real peer.
func TestForwardedForTrustedOnlyFromProxies(t *testing.T) {
	var log bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&log, nil))
	h := newTestServerWith(t, nil, func(d *Deps) { d.Logger = logger })
	codes := writeAttempts(h, "198.51.100.7", 30)
	if codes[http.StatusTooManyRequests] != 10 || codes[http.StatusUnauthorized] != 20 {
		t.Errorf("forged X-Forwarded-For without trusted proxies: %v, want 20×401 then 10×429", codes)
	}
	if strings.Contains(log.String(), "203.0.113.") || !strings.Contains(log.String(), `"remote":"198.51.100.7"`) || !strings.Contains(log.String(), `"peer":"198.51.100.7"`) {
		t.Errorf("the log believes the forged address:\n%.600s", log.String())
	}

	// Behind a trusted proxy the forwarded client counts (and is logged
	// beside the proxy); a peer outside the trusted range is not believed.
	_, proxies, _ := net.ParseCIDR("10.1.0.0/16")
	log.Reset()
	h = newTestServerWith(t, nil, func(d *Deps) { d.Logger, d.TrustedProxies = logger, []*net.IPNet{proxies} })
	if codes := writeAttempts(h, "10.1.2.3", 30); codes[http.StatusTooManyRequests] != 0 || codes[http.StatusUnauthorized] != 30 {
		t.Errorf("30 clients behind a trusted proxy: %v, want 30×401", codes)
	}
	if !strings.Contains(log.String(), `"remote":"203.0.113.30","peer":"10.1.2.3"`) {
		t.Errorf("log behind the proxy:\n%.600s", log.String())
	}
	if codes := writeAttempts(h, "10.2.0.1", 30); codes[http.StatusTooManyRequests] != 10 {
		t.Errorf("peer outside the trusted range: %v, want 10×429", codes)
	}
}
