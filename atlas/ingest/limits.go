package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/standortatlas/standortatlas/atlas"
)

// Limits of the readers: a bad or hostile upload costs bounded work and
// memory, and its report stays short.
const (
	// MaxColumns bounds the columns of one line of a delimited table (the
	// widest real tables, GENESIS and INKAR exports, have a few hundred).
	MaxColumns = 2000
	// MaxLineBytes bounds one line of a delimited table.
	MaxLineBytes = 1 << 20
	// minInflateBudget and inflateRatio make the decompression budget of a
	// compressed upload: at least 64 MiB, else 40 times the compressed
	// size (real CSV compresses 5 to 20 times; a zip of zeros 1000
	// times), never more than MaxTableBytes.
	minInflateBudget = 64 << 20
	inflateRatio     = 40
)

// inflateBudget is how many bytes a compressed file of the given size may
// inflate to.
func inflateBudget(compressed int) int64 {
	return min(MaxTableBytes, max(minInflateBudget, inflateRatio*int64(compressed)))
}

// inflate reads a decompressing reader r of a compressed file of the
// given size in chunks, within inflateBudget, stopping when ctx ends.
// declared (0: unknown) is the size the archive claims, used only to size
// the buffer; a larger stream is refused all the same.
func inflate(ctx context.Context, name string, r io.Reader, compressed int, declared uint64) ([]byte, error) {
	budget := inflateBudget(compressed)
	buf := bytes.NewBuffer(make([]byte, 0, min(int64(declared), budget)+bytes.MinRead))
	chunk := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: decompression stopped: %w", name, err)
		}
		n, err := r.Read(chunk)
		if int64(buf.Len()+n) > budget {
			return nil, fmt.Errorf("%s: %w: inflates to more than %d MiB (%d times the compressed %d KiB); refused as a decompression bomb — import the uncompressed file if it is real",
				name, atlas.ErrInvalidData, budget>>20, budget/int64(max(compressed, 1)), compressed>>10)
		}
		buf.Write(chunk[:n])
		if err == io.EOF {
			return buf.Bytes(), nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: decompress: %w: %w", name, atlas.ErrInvalidData, err)
		}
	}
}

// checkLineLengths refuses text with a line longer than MaxLineBytes,
// naming the line.
func checkLineLengths(name string, text []byte) error {
	line := 1
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			i = len(text)
		}
		if i > MaxLineBytes {
			return fmt.Errorf("%s: line %d is %d KiB long; at most %d KiB are read", name, line, i>>10, MaxLineBytes>>10)
		}
		text = text[min(i+1, len(text)):]
		line++
	}
	return nil
}
