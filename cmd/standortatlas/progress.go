package main

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// rowBar shows a progress bar on stderr while a large table is read, only
// when stderr is a terminal (never in logs, pipes or tests).
type rowBar struct {
	mu   sync.Mutex
	w    io.Writer
	on   bool
	file string
	bar  *progressbar.ProgressBar
}

// barMinRows is the table size from which a bar is shown.
const barMinRows = 20000

func newRowBar(w io.Writer, enabled bool) *rowBar {
	f, ok := w.(*os.File)
	return &rowBar{w: w, on: enabled && ok && term.IsTerminal(int(f.Fd()))}
}

// rows is the ingest.Options.Rows callback.
func (b *rowBar) rows(file string, done, total int) {
	if b == nil || !b.on || total < barMinRows {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar == nil || b.file != file {
		b.finishLocked()
		b.file = file
		b.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(b.w),
			progressbar.OptionSetDescription("reading "+file),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionShowIts(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetWidth(30),
		)
	}
	_ = b.bar.Set(done)
}

// pause clears the bar before a line of output.
func (b *rowBar) pause() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		_ = b.bar.Clear()
	}
}

// finish ends the current bar.
func (b *rowBar) finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.finishLocked()
}

func (b *rowBar) finishLocked() {
	if b.bar != nil {
		_ = b.bar.Finish()
		b.bar = nil
	}
}
