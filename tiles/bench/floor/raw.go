package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// The raw loop: a minimal HTTP/1.1 server for measurement only. Per
// connection one goroutine reads a request (GET without a body, request
// line and headers within 4 KB), looks up the kept answer and sends status
// line, headers, Date and body with one writev; keep-alive unless the
// client says close. Anything else closes the connection. It does what
// net/http does for such a request minus its per-request machinery (a
// request object with a header map and a context, a second goroutine
// reading in the background while the handler runs, a buffered writer
// that sends a body over 4 KB in two writes), so the load test's
// difference between it and the net/http floor is that machinery's cost on
// these CPUs.

// rawHead renders an answer's status line and header lines (no Date, no
// blank line) as the raw loop sends them.
func rawHead(a *answer) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", a.code, http.StatusText(a.code))
	h := a.header.Clone()
	h.Del("Content-Length")
	if a.code != http.StatusNoContent && a.code != http.StatusNotModified {
		h.Set("Content-Length", strconv.Itoa(len(a.body)))
	}
	_ = h.Write(&b)
	return b.Bytes()
}

// rawDate keeps the Date header line, renewed every second.
type rawDate struct{ line atomic.Pointer[[]byte] }

func (d *rawDate) set(t time.Time) {
	l := []byte("Date: " + t.UTC().Format(http.TimeFormat) + "\r\n\r\n")
	d.line.Store(&l)
}

// serveRaw answers the connections of ln from p until ln fails.
func serveRaw(ln net.Listener, p *replay) error {
	var date rawDate
	date.set(time.Now())
	go func() {
		for t := range time.Tick(time.Second) {
			date.set(t)
		}
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go rawConn(c, p, &date)
	}
}

func rawConn(c net.Conn, p *replay, date *rawDate) {
	defer c.Close()
	r := bufio.NewReaderSize(c, 4096)
	for {
		uri, enc, keep, ok := rawRequest(r)
		if !ok {
			return
		}
		a, err := p.get(uri, enc)
		if err != nil {
			return
		}
		bufs := net.Buffers{a.head, *date.line.Load(), a.body}
		if _, err := bufs.WriteTo(c); err != nil || !keep {
			return
		}
	}
}

// rawRequest reads one request: its URI, Accept-Encoding and whether the
// connection stays open; ok is false for anything but a GET without a body
// whose head fits the reader's buffer.
func rawRequest(r *bufio.Reader) (uri, enc string, keep, ok bool) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return "", "", false, false
	}
	f := bytes.Fields(line)
	if len(f) != 3 || string(f[0]) != http.MethodGet || string(f[2]) != "HTTP/1.1" {
		return "", "", false, false
	}
	uri, keep = string(f[1]), true
	for {
		h, err := r.ReadSlice('\n')
		if err != nil {
			return "", "", false, false
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			return uri, enc, keep, true
		}
		name, value, found := bytes.Cut(h, []byte{':'})
		if !found {
			return "", "", false, false
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Accept-Encoding")):
			enc = string(value)
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		case bytes.EqualFold(name, []byte("Content-Length")), bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return "", "", false, false
		}
	}
}
