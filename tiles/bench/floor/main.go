// Command floor is the floor of the tile load test (tiles/bench/run.sh
// with FLOOR=1): a bare net/http server that answers every request with
// the answer the atlas gave to it — status, headers and body, kept the
// first time it was asked for — and nothing else: no router, middleware,
// log line, metrics or tile lookup. Measured with the same wrk run on the
// same CPUs, it tells what net/http alone does with the atlas's own
// answers, so that what the atlas adds to the latency can be told apart
// from what the answers themselves and the CPUs shared with the load
// generator cost.
//
// With -raw-addr it also serves the same answers from a minimal HTTP/1.1
// loop without net/http (raw.go): what Go on the same CPUs reaches when a
// request costs one read and one write.
//
//	floor -addr 127.0.0.1:8090 -upstream http://127.0.0.1:8089 [-raw-addr 127.0.0.1:8091]
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// answer is a kept answer of the upstream.
type answer struct {
	code   int
	header http.Header
	body   []byte
	head   []byte // status line and header lines for the raw loop, without Date
}

// replay keeps the upstream's answers by request URI and Accept-Encoding.
type replay struct {
	upstream string
	client   *http.Client

	mu   sync.RWMutex
	kept map[keptKey]*answer
}

// keptKey names an answer: request URI and Accept-Encoding.
type keptKey struct{ uri, enc string }

// newReplay returns a replay of upstream's answers.
func newReplay(upstream string) *replay {
	return &replay{
		upstream: upstream,
		// the body as sent (gzip stays gzip): no transparent decompression
		client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}},
		kept:   map[keptKey]*answer{},
	}
}

func (p *replay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, err := p.get(r.RequestURI, r.Header.Get("Accept-Encoding"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	w.WriteHeader(a.code)
	_, _ = w.Write(a.body)
}

// get returns the kept answer to a request, asking the upstream the first
// time.
func (p *replay) get(uri, enc string) (*answer, error) {
	key := keptKey{uri, enc}
	p.mu.RLock()
	a := p.kept[key]
	p.mu.RUnlock()
	if a != nil {
		return a, nil
	}
	a, err := p.fetch(uri, enc)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.kept[key] = a
	p.mu.Unlock()
	return a, nil
}

func (p *replay) fetch(uri, enc string) (*answer, error) {
	req, err := http.NewRequest(http.MethodGet, p.upstream+uri, nil)
	if err != nil {
		return nil, err
	}
	if enc != "" {
		req.Header.Set("Accept-Encoding", enc)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", uri, err)
	}
	resp.Header.Del("Date") // net/http sets its own
	a := &answer{code: resp.StatusCode, header: resp.Header, body: body}
	a.head = rawHead(a)
	return a, nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	upstream := flag.String("upstream", "http://127.0.0.1:8089", "the atlas whose answers are replayed")
	rawAddr := flag.String("raw-addr", "", "also serve the same answers on this address from the raw loop (raw.go), one write per answer")
	flag.Parse()
	p := newReplay(*upstream)
	if *rawAddr != "" {
		ln, err := net.Listen("tcp", *rawAddr)
		if err != nil {
			log.Fatal(err)
		}
		go func() { log.Fatal(serveRaw(ln, p)) }()
	}
	log.Fatal((&http.Server{Addr: *addr, Handler: p, ReadHeaderTimeout: 10 * time.Second}).ListenAndServe())
}
