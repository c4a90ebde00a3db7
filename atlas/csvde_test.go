package atlas

import (
	"strings"
	"testing"
)

func TestGermanExcelCSV(t *testing.T) {
	in := "key,name,value,rank\n09162,München,4.8,220\n03159,\"Göttingen, Landkreis\",-0.25,\n\"x\",\"two\nlines\",1e3,3\n# Quelle: a, b 1.5\n"
	got, err := GermanExcelCSV([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeffkey;name;value;rank\n09162;München;4,8;220\n03159;Göttingen, Landkreis;-0,25;\nx;\"two\nlines\";1e3;3\n# Quelle: a, b 1.5\n"
	if string(got) != want {
		t.Errorf("GermanExcelCSV =\n%q\nwant\n%q", got, want)
	}
	if _, err := GermanExcelCSV([]byte("a,\"b\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("unterminated quote: err = %v", err)
	}
}
