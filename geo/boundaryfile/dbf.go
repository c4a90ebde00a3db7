package boundaryfile

import (
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// dbfField is one field descriptor of a dBASE file.
type dbfField struct {
	name   string
	typ    byte
	offset int // in the record, after the deletion flag
	length int
}

// dbfFile is a parsed dBASE III/IV table. Records are kept raw and decoded
// on demand.
type dbfFile struct {
	fields    []dbfField
	ldid      byte // language driver id (byte 29)
	recordLen int
	data      []byte // all records, numRecords*recordLen bytes
	n         int    // number of records
}

// parseDBF parses the header and field descriptors of a dBASE file. Field
// names are decoded with dec. Errors do not name the file.
func parseDBF(b []byte, dec *textDecoder) (*dbfFile, error) {
	if len(b) < 32 {
		return nil, fmt.Errorf("header of %d bytes, want at least 32: %w", len(b), io.ErrUnexpectedEOF)
	}
	if b[0] == 0x02 {
		return nil, fmt.Errorf("%w: dBASE II table", ErrUnsupportedFormat)
	}
	n := int64(binary.LittleEndian.Uint32(b[4:8]))
	headerLen := int(binary.LittleEndian.Uint16(b[8:10]))
	recordLen := int(binary.LittleEndian.Uint16(b[10:12]))
	d := &dbfFile{ldid: b[29], recordLen: recordLen}
	if headerLen < 33 || headerLen > len(b) {
		return nil, fmt.Errorf("header length %d, file has %d bytes: %w", headerLen, len(b), io.ErrUnexpectedEOF)
	}
	if recordLen < 1 {
		return nil, fmt.Errorf("record length %d", recordLen)
	}
	seen := map[string]bool{}
	off := 1 // after the deletion flag
	for p := 32; p+32 <= headerLen && b[p] != 0x0D; p += 32 {
		desc := b[p : p+32]
		raw := desc[:11]
		if i := strings.IndexByte(string(raw), 0); i >= 0 {
			raw = raw[:i]
		}
		name := strings.TrimSpace(dec.decode(raw))
		fieldNo := len(d.fields) + 1
		if name == "" {
			name = "FIELD" + strconv.Itoa(fieldNo)
		}
		if seen[name] {
			name += "_" + strconv.Itoa(fieldNo)
		}
		seen[name] = true
		f := dbfField{name: name, typ: desc[11], offset: off, length: int(desc[16])}
		if f.typ == 'C' {
			// Clipper and FoxPro store long character fields' high byte in
			// the decimal count.
			f.length += int(desc[17]) << 8
		}
		if f.length == 0 {
			// dBASE fields are at least one byte; a zero length would let a
			// tiny file expand into any number of empty values.
			return nil, fmt.Errorf("field %s has length 0", name)
		}
		off += f.length
		d.fields = append(d.fields, f)
	}
	if off > recordLen {
		return nil, fmt.Errorf("fields need %d bytes per record, header says %d", off, recordLen)
	}
	if need := int64(headerLen) + n*int64(recordLen); need > int64(len(b)) {
		return nil, fmt.Errorf("header says %d records of %d bytes (%d bytes), file has %d: %w",
			n, recordLen, need, len(b), io.ErrUnexpectedEOF)
	}
	d.n = int(n)
	d.data = b[headerLen : headerLen+d.n*recordLen]
	return d, nil
}

// deleted reports whether record i (0-based) carries the deletion flag.
func (d *dbfFile) deleted(i int) bool {
	return d.data[i*d.recordLen] == '*'
}

// record decodes record i (0-based) into a map of trimmed text values.
func (d *dbfFile) record(i int, dec *textDecoder) (map[string]string, error) {
	rec := d.data[i*d.recordLen : (i+1)*d.recordLen]
	props := make(map[string]string, len(d.fields))
	for _, f := range d.fields {
		v, err := fieldValue(f.typ, rec[f.offset:f.offset+f.length], dec)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.name, err)
		}
		props[f.name] = v
	}
	return props, nil
}

// fieldValue turns the raw bytes of one field into text.
func fieldValue(typ byte, raw []byte, dec *textDecoder) (string, error) {
	switch typ {
	case 'N', 'F':
		s := trimField(string(raw))
		for i := range len(s) {
			if c := s[i]; c >= 0x80 {
				return "", fmt.Errorf("number %q has a non-ASCII byte", s)
			}
		}
		return s, nil
	case 'D':
		s := trimField(string(raw))
		if s == "" || s == "00000000" {
			return "", nil
		}
		if len(s) == 8 && isDigits(s) {
			return s[0:4] + "-" + s[4:6] + "-" + s[6:8], nil
		}
		return dec.decode([]byte(s)), nil
	case 'L':
		switch trimField(string(raw)) {
		case "T", "t", "Y", "y":
			return "true", nil
		case "F", "f", "N", "n":
			return "false", nil
		}
		return "", nil
	}
	return trimField(dec.decode(raw)), nil
}

// trimField removes blanks and NUL padding.
func trimField(s string) string {
	return strings.Trim(s, " \t\r\n\x00")
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
