package web

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// appendJSON appends v encoded as JSON (v must be encodable: strings, numbers).
func appendJSON(b []byte, v string) []byte {
	enc, _ := json.Marshal(v) // a string always encodes
	return append(b, enc...)
}

// appendJSONMember appends `,"name":<v as JSON>`.
func appendJSONMember(b []byte, name string, v any) ([]byte, error) {
	enc, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", name, err)
	}
	b = append(b, ',')
	b = appendJSON(b, name)
	b = append(b, ':')
	return append(b, enc...), nil
}

// The OpenAPI 3.0 description of /healthz, /api/* and /ogc*. Each feature
// contributes its paths in openAPIPathSets; TestOpenAPIDescribesEveryRoute
// fails when a route of these prefixes is not described.

type oaObj = map[string]any

func oaParam(name, in, desc string, required bool, schema oaObj) oaObj {
	p := oaObj{"name": name, "in": in, "description": desc, "required": required, "schema": schema}
	if in == "path" {
		p["required"] = true
	}
	return p
}

func oaString() oaObj          { return oaObj{"type": "string"} }
func oaInt() oaObj             { return oaObj{"type": "integer"} }
func oaNumber() oaObj          { return oaObj{"type": "number"} }
func oaEnum(vals ...any) oaObj { return oaObj{"type": "string", "enum": vals} }
func oaRef(name string) oaObj  { return oaObj{"$ref": "#/components/schemas/" + name} }
func oaQuery(name, desc string, schema oaObj) oaObj {
	return oaParam(name, "query", desc, false, schema)
}
func oaRequired(name, desc string, schema oaObj) oaObj {
	return oaParam(name, "query", desc, true, schema)
}

// get describes a GET operation with a JSON-like 200 answer and the errors.
func oaGet(id, summary, desc string, params []oaObj, contentTypes ...string) oaObj {
	if len(contentTypes) == 0 {
		contentTypes = []string{"application/json"}
	}
	content := oaObj{}
	for _, ct := range contentTypes {
		schema := oaObj{"type": "object"}
		if strings.HasPrefix(ct, "text/") {
			schema = oaObj{"type": "string"}
		}
		content[ct] = oaObj{"schema": schema}
	}
	if params == nil {
		params = []oaObj{}
	}
	return oaObj{"get": oaObj{
		"operationId": id, "summary": summary, "description": desc, "parameters": params,
		"responses": oaObj{
			"200": oaObj{"description": "OK (strong ETag; 304 on If-None-Match)", "content": content},
			"400": oaObj{"description": "bad parameter", "content": oaObj{"application/json": oaObj{"schema": oaRef("Error")}}},
			"404": oaObj{"description": "unknown indicator, region or collection", "content": oaObj{"application/json": oaObj{"schema": oaRef("Error")}}},
			"500": oaObj{"description": "internal error", "content": oaObj{"application/json": oaObj{"schema": oaRef("Error")}}},
		},
	}}
}

// addHead describes HEAD beside a path's GET, as the route table answers
// it: the status and headers of GET without a body.
func addHead(op any) {
	item, ok := op.(oaObj)
	if !ok {
		return
	}
	get, ok := item["get"].(oaObj)
	if !ok {
		return
	}
	head := oaObj{"summary": "headers of GET " + fmt.Sprint(get["summary"]), "responses": oaObj{"200": oaObj{"description": "the headers of GET, no body"}}}
	if id, ok := get["operationId"].(string); ok {
		head["operationId"] = id + "Head"
	}
	for _, k := range []string{"parameters", "security"} {
		if v, ok := get[k]; ok {
			head[k] = v
		}
	}
	item["head"] = head
}

const levelDesc = "land, kreis, vwg (Verwaltungsgemeinschaft) or gemeinde"

func levelParamDoc(def string) oaObj {
	s := oaEnum("land", "kreis", "vwg", "gemeinde")
	s["default"] = def
	return oaQuery("level", levelDesc, s)
}

func mapParams() []oaObj {
	methods := oaEnum("quantile", "equal", "jenks", "stddev", "manual")
	methods["default"] = "quantile"
	schemes := make([]any, 0)
	for _, s := range atlas.Schemes() {
		schemes = append(schemes, s)
	}
	return []oaObj{
		levelParamDoc("kreis"),
		oaRequired("indicator", "indicator id (see /api/v1/indicators)", oaString()),
		oaQuery("year", "year (default: the indicator's default year)", oaInt()),
		oaQuery("method", "classification: quantile, equal intervals, jenks (Ckmeans), stddev (one standard deviation wide around the mean), manual (with breaks)", methods),
		oaQuery("classes", "number of classes 2–9 (default 5)", oaObj{"type": "integer", "minimum": atlas.MinClasses, "maximum": atlas.MaxClasses}),
		oaQuery("breaks", "manual interior breaks, comma-separated with a decimal point, e.g. 1,2.5,4 (implies method=manual)", oaString()),
		oaQuery("fixed", "1: classes from the pooled values of all years of the indicator at this level (same colour = same value range in every year)", oaEnum("0", "1")),
		oaQuery("scheme", "ColorBrewer scheme; RdBu and PuOr are diverging and colour-blind safe; suffix _r reverses", oaObj{"type": "string", "enum": schemes}),
		oaQuery("normalize", "counts only: per 1,000 / 100,000 inhabitants of the population base matching the source (population or population_zensus2022), or per km² of area", oaEnum("per1000", "per100000", "perkm2")),
		oaQuery("base_year", "year of the normalisation base (default: the same year; required explicitly when the data have no base of that year)", oaInt()),
		oaQuery("bins", "histogram bins (default 20)", oaObj{"type": "integer", "minimum": 1, "maximum": atlas.MaxHistogramBins}),
	}
}

func formatParam() oaObj {
	s := oaEnum("json", "csv", "csv-de")
	s["default"] = "json"
	return oaQuery("format", "csv: UTF-8, comma, decimal point, header row; sources, licences and data version as footer rows starting with #; csv-de: the same for German Excel (UTF-8 BOM, semicolon, decimal comma)", s)
}

func corePaths() oaObj {
	chor := mapParams()
	chor = append(chor, oaQuery("histogram", "1: add the histogram (and the extended legend) to the answer", oaEnum("0", "1")))
	return oaObj{
		"/healthz": oaGet("healthz", "liveness", "status, store data version and build version", nil),
		"/api/v1/indicators": oaGet("indicators", "indicator catalogue",
			"every indicator with id, title, unit, topic, direction (capacity, need, context), levels, years, source, licence, attribution, definition; count (a count of persons or things) and normalize (the values of the map query's normalize parameter that apply)", nil),
		"/api/v1/choropleth": oaGet("choropleth", "classified map as GeoJSON",
			"one feature per region (id = regional key; properties key, name, type, value, flag, class) with legend ([a, b) intervals, the maximum in the last class, no data as its own class), stats and attribution; extended options add histogram, normalization and flag counts",
			chor, "application/geo+json"),
		"/api/v1/boundaries": oaGet("boundaries", "outlines of a level", "GeoJSON FeatureCollection with key, name and type", []oaObj{levelParamDoc("land")}, "application/geo+json"),
		"/api/v1/sources":    oaGet("sources", "boundary sets", "boundary sets with Gebietsstand, source, licence and import notes", nil),
		"/api/v1/labels": oaGet("labels", "place names for the map", "labels {key, name, lon, lat, population} of a level, a point inside each region's largest polygon, largest population first",
			[]oaObj{levelParamDoc("land"), oaQuery("min_population", "Gemeinden only: the smallest population labelled (default 50000)", oaNumber())}),
	}
}

func analysisPaths() oaObj {
	weights := oaRequired("weights", "indicator:weight pairs, comma-separated, e.g. childcare_under3:2,unemployment_rate:1", oaString())
	years := oaQuery("years", "per-indicator years, e.g. childcare_under3:2020,unemployment_rate:2019", oaString())
	arrivals := oaQuery("arrivals", "persons arriving in Germany", oaNumber())
	ks := oaQuery("ks_year", "Königsteiner Schlüssel: key year (2014, 2015, 2016; applied in the following year) or lukifg2025 (shares of § 2 LuKIFG, key year not stated); default the latest key year", oaString())
	return oaObj{
		"/api/v1/values": oaGet("values", "values only, for joining onto vector tiles",
			`{"values": {"09162": {"value": 3.5, "flag": null, "class": 1}, …}} for every region of the level, with legend, stats, normalization and attribution`, mapParams()),
		"/api/v1/histogram": oaGet("histogram", "histogram of a map's values with its class breaks",
			"equal-width bins [lower, upper) over the value range (of all years with fixed=1), the class breaks, no-data and flagged counts", mapParams()),
		"/api/v1/regions/{key}": oaGet("region", "region profile",
			"name, level, type, parents and children by key prefix; every indicator's latest value at this level with year, rank (1 = highest), percentile, Land and Germany reference where the data have them, time series; similar regions (k nearest neighbours over z-standardised indicators)",
			[]oaObj{oaParam("key", "path", "regional key: 2 (Land), 5 (Kreis), 8 (Gemeinde) or 9 (Verwaltungsgemeinschaft) digits", true, oaString()),
				oaQuery("similar", "number of similar regions (default 5)", oaObj{"type": "integer", "minimum": 1, "maximum": 20})}),
		"/api/v1/regions/{key}/domains": oaGet("regionDomains", "the motion's eight domains for a region",
			"for each domain (information pool, municipal capacity, public services, training/labour/recognition, counselling and training providers, digital intake, distribution, civil society) its indicators with the region's latest value, year, Land and Germany values (basis amtlich or eigene Berechnung); for a domain without open data: what is missing (missing), which official table or register would fill it (fill_with) and the import command (import)",
			[]oaObj{oaParam("key", "path", "regional key: 2 (Land), 5 (Kreis), 8 (Gemeinde) or 9 (Verwaltungsgemeinschaft) digits", true, oaString())}),
		"/api/v1/compare": oaGet("compare", "compare up to 10 regions",
			"values of the chosen indicators for each region (latest common year unless year is given), with rank among the regions of its level",
			[]oaObj{oaRequired("keys", "up to 10 regional keys, comma-separated", oaString()), oaQuery("indicators", "indicator ids, comma-separated (default: all at the regions' levels)", oaString()),
				oaQuery("year", "one year for all", oaInt()),
				oaQuery("normalize", "per1000, per100000, perkm2: every indicator it applies to (the catalogue's normalize) divided by the population or area of the same year, as on the map; the others as published", oaEnum("per1000", "per100000", "perkm2")), formatParam()}, "application/json", "text/csv"),
		"/api/v1/ranking": oaGet("ranking", "regions of a level ranked by an indicator",
			"competition ranking (ties share the best rank), regions without a value last with rank null",
			[]oaObj{levelParamDoc("kreis"), oaRequired("indicator", "indicator id", oaString()), oaQuery("year", "year (default: the latest at this level)", oaInt()),
				oaQuery("order", "desc: 1 = highest (default); asc: 1 = lowest", oaEnum("desc", "asc")), oaQuery("land", "only the regions of this Land (2-digit key)", oaString()),
				oaQuery("normalize", "counts only: per1000, per100000, perkm2", oaEnum("per1000", "per100000", "perkm2")), oaQuery("base_year", "year of the normalisation base", oaInt()), formatParam()},
			"application/json", "text/csv"),
		"/api/v1/index": oaGet("index", "composite capacity index",
			"per region the index, rank, map class and each indicator's contribution; need indicators inverted; min–max (0–100) or z-score; regions with missing inputs listed, not scored; legend: quantile classes of the index (ColorBrewer Blues), as for every map",
			[]oaObj{levelParamDoc("kreis"), weights, oaQuery("method", "normalisation", oaEnum("minmax", "zscore")), oaQuery("year", "one year for every indicator", oaInt()), years,
				oaQuery("land", "for level kreis or gemeinde: only the regions of this Land (2-digit key); scaling, ranks and classes stay Germany's", oaString()), formatParam()},
			"application/json", "text/csv"),
		"/api/v1/distribution": oaGet("distribution", "distribution-key model vs. Königsteiner Schlüssel",
			"shares per Land (or per Kreis of a Land) from a weighted mix of population and capacity indicators, difference to the Königsteiner Schlüssel in percentage points and persons, sensitivity band under ±20 % weight changes; formula, weights, years, data version, key year and year of use in every answer; legend and class per region: seven classes of the difference symmetric around 0 (ColorBrewer PuOr)",
			[]oaObj{levelParamDoc("land"), oaQuery("land", "for level=kreis: the Land (2-digit key)", oaString()), weights, years, oaQuery("year", "one year for every indicator", oaInt()), arrivals, ks,
				oaQuery("perturb", "relative weight change of the sensitivity band (default 0.2)", oaNumber()), formatParam()},
			"application/json", "text/csv"),
		"/api/v1/headroom": oaGet("headroom", "capacity per expected arrival",
			"capacity (e.g. derived vacant dwellings) divided by the arrivals a key assigns (ks, population or model); capacities without real data (Kita places …) are listed as missing; capacity per arrival classified for the map (legend, class per region)",
			[]oaObj{levelParamDoc("land"), oaQuery("land", "for level=kreis: the Land", oaString()), oaQuery("capacity", "capacity count (default dwellings_vacant_zensus2022)", oaString()), oaQuery("capacity_year", "year of the capacity", oaInt()),
				oaQuery("key", "distribution key", oaEnum("ks", "population", "model")), oaQuery("weights", "for key=model", oaString()), years, oaQuery("year", "one year for the model's indicators", oaInt()),
				oaParam("arrivals", "query", "persons arriving in Germany", true, oaNumber()), ks}),
		"/api/openapi.json": oaGet("openapi", "this document", "OpenAPI 3.0 description of the API", nil, "application/vnd.oai.openapi+json;version=3.0"),
	}
}

func ogcPaths() oaObj {
	f := oaQuery("f", "format (only json)", oaEnum("json", "geojson"))
	coll := oaParam("collectionId", "path", "level: land, kreis, vwg or gemeinde", true, oaEnum("land", "kreis", "vwg", "gemeinde"))
	return oaObj{
		"/ogc":                            oaGet("ogcLanding", "OGC API – Features landing page", "links to the API definition, conformance and collections", []oaObj{f}),
		"/ogc/conformance":                oaGet("ogcConformance", "conformance classes", "OGC API – Features Part 1: core, geojson, oas30", []oaObj{f}),
		"/ogc/collections":                oaGet("ogcCollections", "collections", "one collection per level with the boundary set's Gebietsstand and extent", []oaObj{f}),
		"/ogc/collections/{collectionId}": oaGet("ogcCollection", "one collection", "", []oaObj{coll, f}),
		"/ogc/collections/{collectionId}/items": oaGet("ogcItems", "features of a collection",
			"GeoJSON FeatureCollection with numberMatched, numberReturned and next/prev links; geometry as stored (CRS84)",
			[]oaObj{coll, oaQuery("limit", "features per page (default 10, at most 10000)", oaObj{"type": "integer", "minimum": 1, "default": ogcDefaultLimit}),
				oaQuery("offset", "features to skip", oaObj{"type": "integer", "minimum": 0, "default": 0}),
				oaParam("bbox", "query", "minLon,minLat,maxLon,maxLat (CRS84): features intersecting the box", false, oaObj{"type": "array", "minItems": 4, "maxItems": 6, "items": oaNumber()}),
				oaQuery("bbox-crs", "only CRS84", oaString()), oaQuery("datetime", "accepted and ignored: the regions have no time dimension", oaString()), f},
			"application/geo+json"),
		"/ogc/collections/{collectionId}/items/{featureId}": oaGet("ogcItem", "one feature", "feature by regional key",
			[]oaObj{coll, oaParam("featureId", "path", "regional key", true, oaString()), f}, "application/geo+json"),
	}
}

// placesPaths describes the routes of places.go (kept here so that the
// document is complete; the places feature may move it next to its routes).
func placesPaths() oaObj {
	return oaObj{
		"/api/v1/places": placesPath(),
		"/api/v1/places/categories": oaGet("placeCategories", "place categories",
			"the taxonomy with the number of published places and the sources per category, and where no open data exists", nil),
	}
}

// placesPath describes GET (published places) and POST (a submission,
// token required, pending until a moderator publishes it) of /api/v1/places.
func placesPath() oaObj {
	p := oaGet("places", "places (counselling, integration offers …)",
		"published places as GeoJSON points with category, region keys, source, licence and attribution",
		[]oaObj{oaQuery("bbox", "minLon,minLat,maxLon,maxLat (WGS84)", oaString()), oaQuery("category", "category ids, comma-separated (see /api/v1/places/categories)", oaString())},
		"application/json")
	errResp := func(d string) oaObj {
		return oaObj{"description": d, "content": oaObj{"application/json": oaObj{"schema": oaRef("Error")}}}
	}
	p["post"] = oaObj{
		"operationId": "submitPlace", "summary": "submit a place (token)",
		"description": "JSON object with name, category, lat, lon and optional address, postcode, city, website, email, phone, languages, description; stored as pending, served only after a moderator publishes it (standortatlas places publish ID); the place must lie inside the token's key scope",
		"security":    []oaObj{{"bearerAuth": []string{}}},
		"requestBody": oaObj{"required": true, "content": oaObj{"application/json": oaObj{"schema": oaObj{"type": "object", "required": []string{"name", "category", "lat", "lon"}}}}},
		"responses": oaObj{
			"201": oaObj{"description": "stored as pending: the place with its regions", "content": oaObj{"application/json": oaObj{"schema": oaObj{"type": "object"}}}},
			"400": errResp("bad place (name, category, coordinates outside Germany)"),
			"401": errResp("no or unknown token"),
			"403": errResp("the place lies outside the token's scope"),
			"429": errResp("too many write requests"),
		},
	}
	return p
}

// ingestPaths describes the routes of ingest.go (kept here so that the
// document is complete; the ingest feature may move it next to its routes).
func ingestPaths() oaObj {
	bearer := []oaObj{{"bearerAuth": []string{}}}
	imp := oaObj{"post": oaObj{
		"operationId": "imports", "summary": "import one file (token)",
		"description": "multipart \"file\" (+ \"catalogue\", \"crosswalk\") or a raw body; query: format (genesis, inkar, ffcsv, canonical, gv, ks, auto), dry_run, force, name and the format's options; 201 with the release, 200 for a dry run or a file already imported the same way",
		"security":    bearer,
		"parameters": []oaObj{oaQuery("format", "file format", oaEnum("genesis", "inkar", "ffcsv", "canonical", "gv", "ks", "auto")),
			oaQuery("dry_run", "check only", oaEnum("0", "1", "true", "false")), oaQuery("force", "import again", oaEnum("0", "1", "true", "false")), oaQuery("name", "file name of a raw body", oaString())},
		"requestBody": oaObj{"content": oaObj{"multipart/form-data": oaObj{"schema": oaObj{"type": "object"}}, "application/octet-stream": oaObj{"schema": oaObj{"type": "string", "format": "binary"}}}},
		"responses": oaObj{
			"200": oaObj{"description": "dry run, or already imported", "content": oaObj{"application/json": oaObj{"schema": oaObj{"type": "object"}}}},
			"201": oaObj{"description": "imported: the release", "content": oaObj{"application/json": oaObj{"schema": oaObj{"type": "object"}}}},
			"400": oaObj{"description": "bad file or parameter", "content": oaObj{"application/json": oaObj{"schema": oaRef("Error")}}},
			"401": oaObj{"description": "no or unknown token", "content": oaObj{"application/json": oaObj{"schema": oaRef("Error")}}},
			"413": oaObj{"description": "body too large", "content": oaObj{"application/json": oaObj{"schema": oaRef("Error")}}},
		},
	}}
	audit := oaGet("audit", "audit log (token)", "the audit log, newest first", []oaObj{oaQuery("limit", "entries (default 100, at most 10000)", oaInt())})
	audit["get"].(oaObj)["security"] = bearer
	return oaObj{
		"/api/v1/imports": imp,
		"/api/v1/audit":   audit,
		"/api/v1/export": oaGet("export", "one indicator, level and year as a file",
			"the data standard's long form with source, licence and attribution: csv (UTF-8, comma, decimal point), csv-de (German Excel: BOM, semicolon, decimal comma) or json",
			[]oaObj{oaRequired("indicator", "indicator id", oaString()), levelParamDoc("kreis"), oaQuery("year", "year", oaInt()), oaQuery("format", "file format", oaEnum("csv", "csv-de", "json"))},
			"text/csv", "application/json"),
	}
}

// openAPIPathSets lists each feature's paths; a feature adding routes under
// /api or /ogc adds its function here.
func openAPIPathSets() []func() oaObj {
	return []func() oaObj{corePaths, analysisPaths, ogcPaths, placesPaths, ingestPaths, updatesPaths, reportingPaths}
}

// openAPIDocument builds the document once.
func openAPIDocument() (*atlas.Encoded, error) {
	paths := oaObj{}
	for _, set := range openAPIPathSets() {
		for p, op := range set() {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("openapi: path %s described twice", p)
			}
			addHead(op)
			paths[p] = op
		}
	}
	doc := oaObj{
		"openapi": "3.0.3",
		"info": oaObj{
			"title":       "Standortatlas API",
			"version":     "1",
			"description": "Read-only API of the Standortatlas: indicators, classified maps, values, region profiles, comparisons, rankings, composite indices and distribution keys of German Länder, Kreise and Gemeinden, and OGC API – Features for the regions. Every answer names its sources; dl-de/by-2-0 requires naming them and marking changes.",
			"license":     oaObj{"name": "data: see attribution of each answer (dl-de/by-2-0, CC BY 4.0)"},
		},
		"servers": []oaObj{{"url": "/"}},
		"paths":   paths,
		"components": oaObj{
			"schemas": oaObj{
				"Error": oaObj{"type": "object", "properties": oaObj{"error": oaString()}, "required": []string{"error"}},
			},
			"securitySchemes": oaObj{"bearerAuth": oaObj{"type": "http", "scheme": "bearer"},
				"sessionCookie": oaObj{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "from POST /api/v1/session; requests that change something also send the session's CSRF token in the X-CSRF-Token header"}},
		},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode openapi: %w", err)
	}
	return atlas.NewEncoded(b), nil
}
