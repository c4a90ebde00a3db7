package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/standortatlas/standortatlas/atlas"
)

func kreisValue(t *testing.T, url, key string) *float64 {
	t.Helper()
	var fc featureCollection
	getJSON(t, url+"/api/v1/choropleth?level=kreis&indicator=places_initiative_count", &fc)
	for _, f := range fc.Features {
		if f.ID == key {
			return f.Properties.Value
		}
	}
	t.Fatalf("Kreis %s missing", key)
	return nil
}

func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut); err != nil {
		t.Fatalf("standortatlas %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// TestPlacesImportAndModeration imports an update of a places source from
// CSV (the per-Kreis counts change), and checks that a submission through
// the API is invisible until a moderator publishes it. All places are real
// rows of the Münchner Flüchtlingsrat file.
func TestPlacesImportAndModeration(t *testing.T) {
	db := filepath.Join(t.TempDir(), "atlas.db")
	srv := startServer(t, db)
	full := kreisValue(t, srv.url, "09162")
	if full == nil || *full < 5 {
		t.Fatalf("Munich count after seeding = %v", full)
	}

	// An update of the source with only its first 10 rows replaces its places.
	raw, err := os.ReadFile("../../seeds/places/points_helferkreise_fluechtlingshilfe_muenchen_2020.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	part := filepath.Join(t.TempDir(), "helferkreise_part.csv")
	if err := os.WriteFile(part, []byte(strings.Join(lines[:11], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	want := 0
	out := runCLI(t, "import", "places", "-db", db, "-source", "muc_helferkreise_2020", "-title", "Helferkreise München (Auszug)", "-category", "initiative",
		"-licence", "ODbL 1.0", "-attribution", "© Münchner Flüchtlingsrat, Helferkreis-Karte (Stand 2020), ODbL 1.0", "-date", "2020-05-15",
		"-coverage", "09162,09173,09174,09175,09177,09178,09179,09182,09184,09188", part)
	if !strings.Contains(out, "10 places") {
		t.Errorf("import output: %s", out)
	}
	srv.stop()
	srv = startServer(t, db)
	var places struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, srv.url+"/api/v1/places?category=initiative", &places)
	if len(places.Features) != 10 {
		t.Errorf("%d places after the update, want the 10 of the file", len(places.Features))
	}
	for _, f := range places.Features {
		if f.Properties["kreis"] == "09162" {
			want++
		}
	}
	got := kreisValue(t, srv.url, "09162")
	if got == nil || int(*got) != want || *got == *full {
		t.Errorf("Munich count after the update = %v, want %d (was %v)", got, want, *full)
	}

	// A submission stays invisible until it is published.
	tokOut := runCLI(t, "token", "create", "-db", db, "-name", "Münchner Flüchtlingsrat", "-keys", "09", "-indicators", "*")
	secret := strings.TrimSpace(tokOut[strings.LastIndex(strings.TrimSpace(tokOut), "\n")+1:])
	body := `{"name":"Helferkreis Zorneding","category":"initiative","lat":48.08696,"lon":11.827109,"website":"http://www.helferkreis-zorneding.de/"}`
	post := func(token, payload string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, srv.url+"/api/v1/places", strings.NewReader(payload))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return resp.StatusCode, m
	}
	if code, _ := post("wrong", body); code != http.StatusUnauthorized {
		t.Errorf("submission with a wrong token = %d, want 401", code)
	}
	code, placed := post(secret, body)
	if code != http.StatusCreated || placed["status"] != "pending" || placed["kreis"] != "09175" {
		t.Fatalf("submission = %d %v", code, placed)
	}
	getJSON(t, srv.url+"/api/v1/places?category=initiative", &places)
	for _, f := range places.Features {
		if f.Properties["id"] == placed["id"] {
			t.Errorf("pending submission is served")
		}
	}
	pending := runCLI(t, "places", "list", "-db", db)
	if !strings.Contains(pending, "Helferkreis Zorneding") {
		t.Errorf("places list does not show the pending submission: %s", pending)
	}
	runCLI(t, "places", "publish", "-db", db, placed["id"].(string))
	getJSON(t, srv.url+"/api/v1/places?category=initiative", &places)
	found := false
	for _, f := range places.Features {
		found = found || f.Properties["id"] == placed["id"]
	}
	if !found {
		t.Errorf("published submission is not served")
	}
	// The places are an OGC API – Features collection too.
	var items struct {
		NumberMatched int `json:"numberMatched"`
		Features      []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
		Links []struct {
			Rel string `json:"rel"`
		} `json:"links"`
	}
	getJSON(t, srv.url+"/ogc/collections/places/items?limit=5", &items)
	if items.NumberMatched != 11 || len(items.Features) != 5 || len(items.Links) < 2 {
		t.Errorf("OGC places: matched %d, %d features, links %v; want 11 (10 + the published submission), 5 and a next link", items.NumberMatched, len(items.Features), items.Links)
	}
	if ogr, err := exec.LookPath("ogrinfo"); err == nil {
		out, err := exec.Command(ogr, "-ro", "-so", "OAPIF:"+srv.url+"/ogc", "places").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Feature Count: 11") {
			t.Errorf("GDAL on the places collection: %v\n%s", err, out)
		}
	} else if os.Getenv("CI") == "true" {
		t.Error("ogrinfo missing in CI")
	}

	// And a vector-tile layer: the z10 tile over Munich holds the city's places.
	var tj struct {
		TileJSON string   `json:"tilejson"`
		Tiles    []string `json:"tiles"`
	}
	getJSON(t, srv.url+"/tiles/places.json", &tj)
	if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 {
		t.Errorf("places TileJSON = %+v", tj)
	}
	tile := maptile.At(orb.Point{11.55, 48.14}, 10)
	resp, err := http.Get(fmt.Sprintf("%s/tiles/places/%d/%d/%d.mvt", srv.url, tile.Z, tile.X, tile.Y))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	layers, err := mvt.Unmarshal(data)
	if err != nil || resp.StatusCode != 200 || len(layers) != 1 || layers[0].Name != "places" || len(layers[0].Features) == 0 {
		t.Fatalf("places tile %v: %d, %v, %v", tile, resp.StatusCode, err, layers)
	}
	if _, ok := layers[0].Features[0].Properties["name"]; !ok {
		t.Errorf("place tile feature without a name: %v", layers[0].Features[0].Properties)
	}

	// Outside the token's scope (Bayern): refused.
	if code, _ := post(secret, `{"name":"Helferkreis Hans-Thonauer-Straße","category":"initiative","lat":52.52,"lon":13.40}`); code != http.StatusForbidden {
		t.Errorf("submission outside the token's Land = %d, want 403", code)
	}
}

// TestImportBoundariesCLI imports the real BKG Länder shapefile into the
// store named by -db (not the default store).
func TestImportBoundariesCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "atlas.db")
	out := runCLI(t, "import", "boundaries", "-db", db, "-init", "-level", "land", "-gebietsstand", "31.12.2024", "../../testdata/boundaries/laender_vg1000.shp")
	if !strings.Contains(out, "16 regions of level land") || !strings.Contains(out, "EPSG:25832") {
		t.Errorf("output: %s", out)
	}
	s, err := openStore(context.Background(), storeConfig{DBPath: db})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	regions, err := s.Regions(context.Background(), atlas.LevelLand)
	if err != nil || len(regions) != 16 {
		t.Errorf("store has %d Länder (%v)", len(regions), err)
	}
}
