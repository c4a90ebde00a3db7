package boundaryfile

import (
	"errors"
	"io"
	"maps"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/encoding/charmap"
)

func TestDBFFieldTypes(t *testing.T) {
	fields := []testField{
		{"AGS", 'C', 8, 0}, {"GF", 'N', 2, 0}, {"KFL", 'N', 10, 3}, {"F", 'F', 8, 2},
		{"WSK", 'D', 8, 0}, {"OK", 'L', 1, 0},
	}
	tests := []struct {
		raw  []string
		want map[string]string
	}{
		{
			[]string{"01001000", " 4", "   123.450", "  -1.50", "20241012", "T"},
			map[string]string{"AGS": "01001000", "GF": "4", "KFL": "123.450", "F": "-1.50", "WSK": "2024-10-12", "OK": "true"},
		},
		{
			[]string{"  09 ", "", "", "", "", "?"},
			map[string]string{"AGS": "09", "GF": "", "KFL": "", "F": "", "WSK": "", "OK": ""},
		},
		{
			[]string{"0", "**", "", "", "00000000", "n"},
			map[string]string{"AGS": "0", "GF": "**", "KFL": "", "F": "", "WSK": "", "OK": "false"},
		},
		{
			[]string{"x\x00\x00", "1", "", "", "2024", "y"},
			map[string]string{"AGS": "x", "GF": "1", "KFL": "", "F": "", "WSK": "2024", "OK": "true"},
		},
	}
	for _, tt := range tests {
		b := buildDBF(0, fields, [][]string{tt.raw})
		d, err := parseDBF(b, utf8Decoder())
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.record(0, utf8Decoder())
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.raw, got, tt.want)
		}
	}
}

func TestDBFEncodings(t *testing.T) {
	const name = "Thüringen – Lübeck"
	latin1, _ := charmap.ISO8859_1.NewEncoder().String("Thüringen Lübeck")
	cp1252, _ := charmap.Windows1252.NewEncoder().String(name)
	cp850, _ := charmap.CodePage850.NewEncoder().String("Thüringen Lübeck")
	tests := []struct {
		name     string
		raw      string
		ldid     byte
		cpg      *string
		override string
		want     string
	}{
		{"cpg UTF-8", name, 0, ptr("UTF-8"), "", name},
		{"cpg utf8 lower case with newline", name, 0, ptr("utf8\r\n"), "", name},
		{"cpg 1252", cp1252, 0, ptr("1252"), "", name},
		{"cpg ANSI 1252", cp1252, 0, ptr("ANSI 1252"), "", name},
		{"cpg ISO-8859-1", latin1, 0, ptr("ISO-8859-1"), "", "Thüringen Lübeck"},
		{"cpg 88591", latin1, 0, ptr("88591"), "", "Thüringen Lübeck"},
		{"cpg wins over LDID", name, 0x57, ptr("UTF-8"), "", name},
		{"LDID 0x57", latin1, 0x57, nil, "", "Thüringen Lübeck"},
		{"LDID 0x03", cp1252, 0x03, nil, "", name},
		{"LDID 0x02 (CP850)", cp850, 0x02, nil, "", "Thüringen Lübeck"},
		{"no hint, valid UTF-8", name, 0, nil, "", name},
		{"no hint, not UTF-8", cp1252, 0, nil, "", name},
		{"empty cpg falls back", cp1252, 0x03, ptr(" "), "", name},
		{"override", latin1, 0, ptr("UTF-8"), "latin1", "Thüringen Lübeck"},
		{"UTF-8 cut in the middle of a character", "Thür"[:3], 0, ptr("UTF-8"), "", "Th\uFFFD"},
	}
	prj := readTestdata(t, "laender_vg1000.prj")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fstest.MapFS{
				"x.shp": {Data: buildSHP(shpPolygon, nil)},
				"x.dbf": {Data: buildDBF(tt.ldid, []testField{{"GEN", 'C', 60, 0}}, [][]string{{tt.raw}})},
				"x.prj": {Data: prj},
			}
			if tt.cpg != nil {
				m["x.cpg"] = &fstest.MapFile{Data: []byte(*tt.cpg)}
			}
			layers, err := Options{Encoding: tt.override}.ReadFS(m, "x.shp")
			if err != nil {
				t.Fatal(err)
			}
			if got := layers[0].Features[0].Props["GEN"]; got != tt.want {
				t.Errorf("GEN = %q, want %q", got, tt.want)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestDBFErrors(t *testing.T) {
	good := buildDBF(0, []testField{{"AGS", 'C', 8, 0}, {"GF", 'N', 2, 0}}, [][]string{{"01", "4"}, {"02", "4"}, {"03", "4"}})
	tests := []struct {
		name   string
		data   []byte
		is     error
		substr string
	}{
		{"empty", nil, io.ErrUnexpectedEOF, "header of 0 bytes"},
		{"short header", good[:20], io.ErrUnexpectedEOF, "header of 20 bytes"},
		{"header cut", good[:50], io.ErrUnexpectedEOF, "header length 97"},
		{"records cut", good[:len(good)-15], io.ErrUnexpectedEOF, "header says 3 records of 11 bytes"},
		{"record count beyond file size", withUint32(good, 4, 1<<31), io.ErrUnexpectedEOF, "header says 2147483648 records"},
		{"fields longer than record", withUint16(good, 10, 5), nil, "fields need 11 bytes per record, header says 5"},
		{"zero record length", withUint16(good, 10, 0), nil, "record length 0"},
		{"zero field length", buildDBF(0, []testField{{"AGS", 'C', 0, 0}}, nil), nil, "field AGS has length 0"},
		{"dBASE II", append([]byte{0x02}, good[1:]...), ErrUnsupportedFormat, "dBASE II"},
		{"number with non-ASCII byte", buildDBF(0, []testField{{"GF", 'N', 2, 0}}, [][]string{{"\xff4"}}), nil, "field GF: number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parseDBF(tt.data, utf8Decoder())
			if err == nil {
				for i := range d.n {
					if _, err = d.record(i, utf8Decoder()); err != nil {
						break
					}
				}
			}
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("error %q does not contain %q", err, tt.substr)
			}
		})
	}
}

func TestDBFRealFile(t *testing.T) {
	b := readTestdata(t, "laender_vg1000.dbf")
	d, err := parseDBF(b, utf8Decoder())
	if err != nil {
		t.Fatal(err)
	}
	if d.n != 33 || len(d.fields) != 26 {
		t.Fatalf("%d records, %d fields; want 33, 26", d.n, len(d.fields))
	}
	var types strings.Builder
	for _, f := range d.fields {
		types.WriteByte(f.typ)
	}
	if got := types.String(); got != "CDNNNCCCCCCNCCCCCCCCCCCCDC" {
		t.Errorf("field types %s", got)
	}
	rec, err := d.record(15, utf8Decoder())
	if err != nil {
		t.Fatal(err)
	}
	if rec["AGS"] != "16" || rec["GEN"] != "Thüringen" || rec["NUTS"] != "DEG" {
		t.Errorf("record 16: %v", rec)
	}
}

func withUint32(b []byte, off int, v uint32) []byte {
	c := append([]byte(nil), b...)
	c[off], c[off+1], c[off+2], c[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	return c
}

func withUint16(b []byte, off int, v uint16) []byte {
	c := append([]byte(nil), b...)
	c[off], c[off+1] = byte(v), byte(v>>8)
	return c
}
