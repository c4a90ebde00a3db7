package atlas

import (
	"strings"
	"testing"
)

// Issue 15, item 9: a place's website must be an http(s) address and its
// e-mail a bare address; javascript: links and markup are refused.
func TestPlaceWebsiteAndEmail(t *testing.T) {
	base := Place{Name: "Helferkreis Zorneding", Category: "initiative", Lon: 11.827109, Lat: 48.08696, Source: "s", Licence: "ODbL 1.0", Status: PlacePending}
	for _, w := range []string{"http://www.helferkreis-zorneding.de/", "https://helferkreis-tuebinger-und-hansastrasse.traum-verleih.de/", "http://www.oberschleissheim.de/index.php?id=0,229"} {
		p := base
		p.Website = w
		if err := p.Validate(); err != nil {
			t.Errorf("real website %s: %v", w, err)
		}
	}
	for _, w := range []string{"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>", "www.example.org", "http://", "https://a.example/\"><script>", "ftp://example.org", "http://user:pw@example.org"} {
		p := base
		p.Website = w
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "website") {
			t.Errorf("website %q: %v", w, err)
		}
	}
	for e, ok := range map[string]bool{"info@helferkreis-zorneding.de": true, "a.b@c.example": true, "<script>@x.de": false, "x@y": false,
		"Name <a@b.de>": false, "a@b.de\"><img src=x>": false, "not an address": false} {
		p := base
		p.Email = e
		if err := p.Validate(); (err == nil) != ok {
			t.Errorf("e-mail %q: %v", e, err)
		}
	}
}
