package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The raw loop sends the upstream's answer as net/http would: the same
// status, headers and body, on one kept-alive connection for several
// requests; it closes on anything but a GET without a body.
func TestRawLoopReplaysAnswers(t *testing.T) {
	body := bytes.Repeat([]byte("tile "), 3000) // over net/http's 4 KB write buffer
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/empty" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.mapbox-vector-tile")
		w.Header().Set("X-Encoding-Asked", r.Header.Get("Accept-Encoding"))
		w.Header().Set("ETag", `"a1"`)
		_, _ = w.Write(body)
	}))
	defer up.Close()
	p := newReplay(up.URL)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { _ = serveRaw(ln, p) }()
	base := "http://" + ln.Addr().String()

	var conns int
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DisableCompression: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conns++
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	for i, enc := range []string{"gzip", "gzip", ""} {
		req, _ := http.NewRequest(http.MethodGet, base+"/tiles/kreis/5/16/10.mvt?v=3", nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, body) {
			t.Fatalf("request %d: status %d, %d bytes; want 200, %d bytes", i, resp.StatusCode, len(got), len(body))
		}
		if h := resp.Header; h.Get("ETag") != `"a1"` || h.Get("X-Encoding-Asked") != enc || h.Get("Date") == "" || resp.ContentLength != int64(len(body)) {
			t.Errorf("request %d: headers %v", i, h)
		}
	}
	if conns != 1 {
		t.Errorf("%d connections for three requests; want one kept alive", conns)
	}
	resp, err := client.Get(base + "/empty")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Content-Length") != "" {
		t.Errorf("204: status %d, Content-Length %q", resp.StatusCode, resp.Header.Get("Content-Length"))
	}

	for _, req := range []string{
		"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nab",
		"GET /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"GET /x HTTP/1.0\r\n\r\n",
		"GET /" + strings.Repeat("a", 5000) + " HTTP/1.1\r\n\r\n",
	} {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Write([]byte(req))
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := c.Read(make([]byte, 64))
		c.Close()
		if n != 0 || (err != io.EOF && !errors.Is(err, syscall.ECONNRESET)) {
			t.Errorf("%.20q: read %d bytes, %v; want the connection closed unanswered", req, n, err)
		}
	}
}
