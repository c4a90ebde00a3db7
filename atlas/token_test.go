package atlas

import (
	"errors"
	"strings"
	"testing"
)

// Scopes are named, checked on creation and tested by one function.
func TestTokenScopes(t *testing.T) {
	tok := Token{Name: "Statistisches Landesamt Bayern", Keys: []string{"09"}, Indicators: []string{"by_*", "population"}}
	if err := tok.Validate(); err != nil {
		t.Fatal(err)
	}
	if tok.HasScope(ScopeCatalogue) || tok.HasScope(ScopeAdmin) {
		t.Error("a token without scopes has one")
	}
	tok.Scopes = []string{ScopeAdmin}
	if err := tok.Validate(); err != nil || !tok.HasScope(ScopeAdmin) || tok.HasScope(ScopeCatalogue) {
		t.Errorf("admin scope: %v", err)
	}
	tok.Scopes = []string{"root"}
	if err := tok.Validate(); err == nil || !strings.Contains(err.Error(), `scope "root"`) {
		t.Errorf("unknown scope: %v", err)
	}
	for id, want := range map[string]bool{"by_kita": true, "population": true, "population_total": false, "unemployment_rate": false} {
		if got := tok.OwnsIndicator(id); got != want {
			t.Errorf("OwnsIndicator(%s) = %v", id, got)
		}
	}
	if (Token{Indicators: []string{"*"}}).OwnsIndicator("unemployment_rate") {
		t.Error(`"*" is no namespace`)
	}
}

func TestCheckCatalogue(t *testing.T) {
	old := Indicator{ID: "unemployment_rate", Title: "Arbeitslosenquote", Unit: "%", Source: "Regionaldatenbank", Licence: "dl-de/by-2-0", Attribution: "© Statistische Ämter", Levels: []Level{LevelKreis}, Years: []int{2019}}
	stored := map[string]Indicator{old.ID: old}
	bayern := Token{Name: "LfStat", Keys: []string{"09"}, Indicators: []string{"*"}}
	same := old
	same.Levels, same.Years = nil, nil // filled by the store, not part of the entry
	if err := CheckCatalogue(bayern, stored, []Indicator{same}); err != nil {
		t.Errorf("unchanged entry: %v", err)
	}
	hijack := old
	hijack.Title, hijack.Licence = "Arbeitslosenquote Bayern", "CC-BY-NC"
	var se *ScopeError
	err := CheckCatalogue(bayern, stored, []Indicator{hijack, {ID: "kita_quote"}})
	if !errors.As(err, &se) || se.Scope != ScopeCatalogue || strings.Join(se.Catalogue, "|") != "kita_quote: new entry outside the token's namespace|unemployment_rate: title, licence" {
		t.Fatalf("catalogue change: %v", err)
	}
	if !strings.Contains(err.Error(), "lacks the catalogue scope") {
		t.Errorf("message %q", err)
	}
	bayern.Scopes = []string{ScopeCatalogue}
	if err := CheckCatalogue(bayern, stored, []Indicator{hijack}); err != nil {
		t.Errorf("with the catalogue scope: %v", err)
	}
}
