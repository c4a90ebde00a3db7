package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// The server's log lines are written in batches, whole and in order, and
// nothing is lost on Close.
func TestBatchWriterKeepsLinesWholeAndInOrder(t *testing.T) {
	var out bytes.Buffer
	b := newBatchWriter(&out, 100, 0)
	var want strings.Builder
	line := func(i int) {
		s := fmt.Sprintf("{\"msg\":\"request\",\"n\":%d}\n", i)
		want.WriteString(s)
		if n, err := b.Write([]byte(s)); err != nil || n != len(s) {
			t.Fatalf("write %d: %d, %v", i, n, err)
		}
	}
	line(0)
	if out.Len() != 0 {
		t.Fatalf("one short line written at once: %q", out.String())
	}
	for i := 1; i < 10; i++ {
		line(i)
	}
	if out.Len() == 0 || !strings.HasPrefix(want.String(), out.String()) || !strings.HasSuffix(out.String(), "\n") {
		t.Fatalf("after 10 lines over the 100-byte bound: %q", out.String())
	}
	line(10)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Fatalf("after Close:\n%s\nwant\n%s", out.String(), want.String())
	}
	line(11) // after Close: written at once
	if out.String() != want.String() {
		t.Fatalf("a line after Close was not written at once")
	}
}
