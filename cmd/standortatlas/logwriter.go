package main

import (
	"io"
	"sync"
	"time"
)

// batchWriter collects the server's log lines and writes them in batches:
// when maxBuffered bytes wait, and every flushEvery. One JSON line per
// request written on its own costs a system call under the log handler's
// lock per request, which under load is a large share of a cached tile's
// time and makes requests queue behind each other. Each Write is kept
// whole (slog writes one record per call), so lines never interleave.
// Close writes what is left; a crash loses at most flushEvery of lines.
type batchWriter struct {
	w   io.Writer
	max int

	mu     sync.Mutex
	buf    []byte
	err    error // first write error, returned by later writes
	stop   chan struct{}
	done   chan struct{}
	closed bool
}

// newBatchWriter returns a batchWriter on w that flushes every flushEvery
// (never when 0) and whenever maxBuffered bytes wait.
func newBatchWriter(w io.Writer, maxBuffered int, flushEvery time.Duration) *batchWriter {
	b := &batchWriter{w: w, max: maxBuffered, buf: make([]byte, 0, maxBuffered), stop: make(chan struct{}), done: make(chan struct{})}
	if flushEvery <= 0 {
		close(b.done)
		return b
	}
	go func() {
		defer close(b.done)
		t := time.NewTicker(flushEvery)
		defer t.Stop()
		for {
			select {
			case <-b.stop:
				return
			case <-t.C:
				_ = b.Flush() // a failed write is returned by the next Write
			}
		}
	}()
	return b
}

func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	if len(b.buf) >= b.max {
		b.flushLocked()
	}
	return len(p), b.err
}

// Flush writes the lines waiting.
func (b *batchWriter) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	return b.err
}

func (b *batchWriter) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	if _, err := b.w.Write(b.buf); err != nil && b.err == nil {
		b.err = err
	}
	b.buf = b.buf[:0]
}

// Close stops the periodic flush and writes what is left; later writes go
// straight to the underlying writer.
func (b *batchWriter) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return b.err
	}
	b.closed = true
	close(b.stop)
	b.mu.Unlock()
	<-b.done
	return b.Flush()
}
