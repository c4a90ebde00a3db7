package boundaryfile

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// textDecoder turns the bytes of dBASE character fields into UTF-8.
type textDecoder struct {
	name  string
	utf8  bool
	table *[256]rune // single-byte code page; nil for UTF-8
}

func utf8Decoder() *textDecoder { return &textDecoder{name: "UTF-8", utf8: true} }

func charmapDecoder(name string, cm *charmap.Charmap) *textDecoder {
	t := new([256]rune)
	for i := range t {
		t[i] = cm.DecodeByte(byte(i))
	}
	return &textDecoder{name: name, table: t}
}

func (d *textDecoder) decode(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	if d.utf8 {
		if utf8.Valid(b) {
			return string(b)
		}
		// A fixed-width field may cut the last character in two.
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2)
	for _, c := range b {
		sb.WriteRune(d.table[c])
	}
	return sb.String()
}

// decoderByName maps the content of a .cpg file (or Options.Encoding) to a
// decoder. It returns false for names it does not know.
func decoderByName(name string) (*textDecoder, bool) {
	n := strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
	n = strings.NewReplacer("-", "", "_", "", " ", "").Replace(n)
	n = strings.TrimPrefix(n, "ANSI")
	n = strings.TrimPrefix(n, "OEM")
	switch n {
	case "UTF8", "65001":
		return utf8Decoder(), true
	case "1252", "CP1252", "WINDOWS1252":
		return charmapDecoder("windows-1252", charmap.Windows1252), true
	case "88591", "ISO88591", "LATIN1", "28591":
		return charmapDecoder("ISO-8859-1", charmap.ISO8859_1), true
	case "885915", "ISO885915", "LATIN9", "28605":
		return charmapDecoder("ISO-8859-15", charmap.ISO8859_15), true
	case "88592", "ISO88592", "LATIN2", "28592":
		return charmapDecoder("ISO-8859-2", charmap.ISO8859_2), true
	case "1250", "CP1250", "WINDOWS1250":
		return charmapDecoder("windows-1250", charmap.Windows1250), true
	case "850", "CP850", "IBM850":
		return charmapDecoder("IBM850", charmap.CodePage850), true
	case "437", "CP437", "IBM437":
		return charmapDecoder("IBM437", charmap.CodePage437), true
	case "852", "CP852", "IBM852":
		return charmapDecoder("IBM852", charmap.CodePage852), true
	}
	return nil, false
}

// decoderByLDID maps a dBASE language driver id to a decoder.
func decoderByLDID(ldid byte) (*textDecoder, bool) {
	switch ldid {
	case 0x01:
		return decoderByName("437")
	case 0x02:
		return decoderByName("850")
	case 0x03, 0x58, 0x59:
		return decoderByName("1252")
	case 0x57:
		return decoderByName("ISO-8859-1")
	case 0x64:
		return decoderByName("852")
	case 0xC8:
		return decoderByName("1250")
	}
	return nil, false
}

// chooseDecoder picks the encoding of a dBASE file: the override, else the
// .cpg content (cpgFound false when there is none), else the language
// driver id, else UTF-8 if all of the file's record bytes are valid UTF-8
// and windows-1252 otherwise. dbf is the whole dBASE file.
func chooseDecoder(override, cpg string, cpgFound bool, dbf []byte) (*textDecoder, error) {
	if override != "" {
		d, ok := decoderByName(override)
		if !ok {
			return nil, fmt.Errorf("%w: encoding %q", ErrUnsupportedFormat, override)
		}
		return d, nil
	}
	if cpgFound && strings.TrimSpace(cpg) != "" {
		d, ok := decoderByName(cpg)
		if !ok {
			return nil, fmt.Errorf("%w: code page %q", ErrUnsupportedFormat, strings.TrimSpace(cpg))
		}
		return d, nil
	}
	if len(dbf) < 32 {
		return utf8Decoder(), nil // parseDBF reports the short header
	}
	if d, ok := decoderByLDID(dbf[29]); ok {
		return d, nil
	}
	records := dbf[32:]
	if hl := int(binary.LittleEndian.Uint16(dbf[8:10])); hl >= 32 && hl <= len(dbf) {
		records = dbf[hl:]
	}
	if utf8.Valid(records) {
		return utf8Decoder(), nil
	}
	return charmapDecoder("windows-1252", charmap.Windows1252), nil
}
