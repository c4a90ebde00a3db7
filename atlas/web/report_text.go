package web

import (
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// reportLang is the language of a region report page: "de" (at /region/…)
// or "en" (at /en/region/…).
type reportLang string

const (
	langDE reportLang = "de"
	langEN reportLang = "en"
)

// reportStrings are the report's UI strings: [German, English].
var reportStrings = map[string][2]string{
	"skip":            {"Zum Inhalt springen", "Skip to the content"},
	"report":          {"Regionalbericht", "Region report"},
	"other_lang":      {"English", "Deutsch"},
	"open_atlas":      {"Im Atlas auf der Karte öffnen", "Open on the map in the atlas"},
	"print":           {"Zum Drucken oder als PDF: Druckfunktion des Browsers (A4)", "To print or save as PDF: use the browser's print function (A4)"},
	"key":             {"Schlüssel", "Code"},
	"in":              {"in", "in"},
	"level_land":      {"Land", "Land (state)"},
	"level_kreis":     {"Kreis", "Kreis (district)"},
	"level_vwg":       {"Verwaltungsgemeinschaft", "Municipal association"},
	"level_gemeinde":  {"Gemeinde", "Gemeinde (municipality)"},
	"children_kreis":  {"Kreise", "Kreise (districts)"},
	"children_gem":    {"Gemeinden", "Gemeinden (municipalities)"},
	"among_land":      {"Ländern", "Länder"},
	"among_kreis":     {"Kreisen", "Kreise (districts)"},
	"among_vwg":       {"Verwaltungsgemeinschaften", "municipal associations"},
	"among_gemeinde":  {"Gemeinden", "Gemeinden (municipalities)"},
	"locator":         {"Lage", "Location"},
	"locator_de":      {"%s in Deutschland (Ländergrenzen)", "%s in Germany (borders of the Länder)"},
	"locator_parent":  {"%s in %s", "%s in %s"},
	"domains":         {"Bereiche", "Domains"},
	"col_indicator":   {"Indikator", "Indicator"},
	"col_year":        {"Jahr", "Year"},
	"col_value":       {"Wert", "Value"},
	"col_rank":        {"Rang", "Rank"},
	"col_land":        {"Land", "Land"},
	"col_germany":     {"Deutschland", "Germany"},
	"col_trend":       {"Zeitreihe", "Time series"},
	"rank_of":         {"%d von %d", "%d of %d"},
	"rank_note":       {"Rang 1 = höchster Wert unter den %s mit Wert im selben Jahr; gleiche Werte teilen sich den besten Rang.", "Rank 1 = highest value among the %s with a value in the same year; equal values share the best rank."},
	"dir_need":        {"hoher Wert = hoher Bedarf", "high value = high need"},
	"dir_capacity":    {"hoher Wert = hohe Aufnahmefähigkeit", "high value = high capacity"},
	"dir_context":     {"Kontext, ohne Wertung", "context, no judgement"},
	"no_value":        {"kein Wert", "no value"},
	"ref_none":        {"–", "–"},
	"series_desc":     {"%s von %d bis %d: von %s auf %s", "%s from %d to %d: from %s to %s"},
	"series_one":      {"nur ein Jahr", "one year only"},
	"similar":         {"Ähnliche Gebiete", "Similar areas"},
	"caveats":         {"Hinweise", "Caveats"},
	"sources":         {"Quellen und Lizenzen", "Sources and licences"},
	"sources_geo":     {"Gebietsgrenzen", "Boundaries"},
	"gebietsstand":    {"Gebietsstand", "Territorial status"},
	"table":           {"Tabelle", "Table"},
	"licence":         {"Lizenz", "Licence"},
	"cite":            {"Zitieren", "Citation"},
	"cite_text":       {"Standortatlas, Regionalbericht %s (%s), Datenstand %d%s, abgerufen am %s, %s", "Standortatlas, region report %s (%s), data version %d%s, retrieved %s, %s"},
	"data_version":    {"Datenstand", "Data version"},
	"retrieved":       {"Abgerufen am", "Retrieved"},
	"definitions":     {"Begriffe", "Definitions"},
	"def_rank":        {"Rang: 1 = höchster Wert unter den Gebieten der Ebene mit Wert in diesem Jahr; gleiche Werte teilen sich den besten Rang (1, 2, 2, 4).", "Rank: 1 = highest value among the areas of the level with a value in that year; equal values share the best rank (1, 2, 2, 4)."},
	"def_land":        {"Land: Wert des Landes im selben Jahr, nur wo die Daten einen Landeswert enthalten.", "Land: the value of the Land in the same year, only where the data contain one."},
	"def_germany":     {"Deutschland: amtlicher Wert oder Summe der 16 Länder (nur für Zählungen, eigene Berechnung); nie ein Mittelwert von Quoten.", "Germany: an official value or the sum of the 16 Länder (counts only, own calculation); never a mean of rates."},
	"def_dash":        {"– in den Spalten Land und Deutschland: Die importierten Daten enthalten keinen Vergleichswert (ein Mittel der Gebiete wäre kein amtlicher Wert und wird nicht gezeigt).", "– in the columns Land and Germany: the imported data hold no reference value (a mean of the areas would not be an official value and is not shown)."},
	"ref_missing":     {"Für diesen Indikator und dieses Jahr gibt es in den Daten keinen Vergleichswert.", "The data hold no reference value for this indicator and year."},
	"ref_sum_land":    {"Summe der %d Länder, eigene Berechnung.", "Sum of the %d Länder, own calculation."},
	"ref_sum_kreis":   {"Summe der %d Kreise, eigene Berechnung.", "Sum of the %d Kreise (districts), own calculation."},
	"ref_sum_in_land": {"Summe der %d Kreise des Landes, eigene Berechnung.", "Sum of the Land's %d Kreise (districts), own calculation."},
	"flag":            {"Kennzeichen", "Flag"},
	"no_indicators":   {"Für dieses Gebiet enthält der Atlas keine Indikatorwerte.", "The atlas holds no indicator values for this area."},
	"not_found":       {"Gebiet nicht gefunden", "Area not found"},
	"not_found_text":  {"Zum Schlüssel „%s“ gibt es im Atlas kein Gebiet. Gebietsschlüssel haben 2 (Land), 5 (Kreis), 8 (Gemeinde) oder 9 (Verwaltungsgemeinschaft) Ziffern, z. B. 09162 für München.", "The atlas has no area with the code “%s”. Area codes have 2 (Land), 5 (Kreis), 8 (Gemeinde) or 9 (municipal association) digits, e.g. 09162 for Munich."},
	"error":           {"Fehler", "Error"},
	"error_text":      {"Der Bericht konnte nicht erstellt werden. Bitte später erneut versuchen.", "The report could not be built. Please try again later."},
	"back_to_atlas":   {"Zum Standortatlas", "To the Standortatlas"},
	"topic_other":     {"Weitere", "Other"},
	"definition":      {"Definition", "Definition"},
	"notes_lang":      {"", "(in German)"},
	// method pages (methods.go)
	"methods":                 {"Methoden", "Methods"},
	"method":                  {"Methode", "Method"},
	"methods_intro":           {"Wie der Standortatlas rechnet und woher seine Zahlen stammen: jede Klasseneinteilung der Karten, der Kapazitätsindex, der Verteilungsschlüssel, der Spielraum, die Vergleichswerte für Land und Deutschland und jeder Indikator, mit Definition, Quelle und Lizenz. Zu jeder Methode steht die Formel unter „Formel“.", "How the Standortatlas calculates and where its figures come from: every classification of the maps, the capacity index, the distribution key, the headroom, the Land and Germany references and every indicator, with definition, source and licence. Each method gives its formula under “Formula”."},
	"methods_analyses":        {"Analysen", "Analyses"},
	"methods_classifications": {"Klasseneinteilung der Karten", "Classification of the maps"},
	"methods_indicators":      {"Indikatoren", "Indicators"},
	"methods_indicator":       {"Indikator", "Indicator"},
	"method_not_found":        {"Methodenseite nicht gefunden", "Method page not found"},
	"method_not_found_text":   {"Zu „%s“ gibt es keine Methodenseite. Die Übersicht unter /methods nennt alle Methoden und Indikatoren.", "There is no method page for “%s”. The overview at /en/methods lists every method and indicator."},
	"m_formula":               {"Formel", "Formula"},
	"m_all":                   {"Alle Methoden und Indikatoren", "All methods and indicators"},
	"m_unit":                  {"Einheit", "Unit"},
	"m_direction":             {"Lesart", "Reading"},
	"m_measure":               {"Art der Größe", "Kind of measure"},
	"m_measure_extensive":     {"Bestandsgröße (Zählung, Fläche, Betrag): Werte von Teilgebieten werden addiert, beim Aufteilen nach Anteil verteilt", "extensive (count, area, amount): values of parts are added, and split by share"},
	"m_measure_intensive":     {"Verhältniszahl (Quote, Anteil, Mittelwert): Werte von Teilgebieten werden gewichtet gemittelt, nie einfach gemittelt", "intensive (rate, share, mean): values of parts are combined as a weighted mean, never a plain mean"},
	"m_weight":                {"gewichtet %s", "weighted %s"},
	"m_weight_population":     {"nach Bevölkerung", "by population"},
	"m_weight_area":           {"nach Fläche", "by area"},
	"m_aggregation":           {"Gröbere Ebenen", "Coarser levels"},
	"m_aggregation_sum":       {"Summe der Werte der feineren Ebene (eigene Berechnung)", "sum of the values of the finer level (own calculation)"},
	"m_aggregation_ratio":     {"Verhältnis zweier Summen der feineren Ebene (eigene Berechnung)", "ratio of two sums over the finer level (own calculation)"},
	"m_population_base":       {"Bevölkerungsbasis", "Population base"},
	"m_source":                {"Quelle", "Source"},
	"m_publisher":             {"Herausgeber", "Publisher"},
	"m_reference_date":        {"Stichtag", "Reference date"},
	"m_attribution":           {"Quellenvermerk", "Attribution"},
	"m_years":                 {"Jahre", "Years"},
	"m_years_n":               {"Jahre", "years"},
	"m_levels":                {"Ebenen", "Levels"},
	"m_coverage":              {"Abdeckung (Gebiete mit Wert im letzten Jahr)", "Coverage (areas with a value in the latest year)"},
	"m_of":                    {"von %d", "of %d"},
	"m_partial":               {"Teilabdeckung", "Partial coverage"},
	"m_partial_text":          {"Die Quelle deckt auf jeder Ebene weniger als 90 % der Gebiete ab: gezeigt nur, wo Werte vorliegen; in Index und Verteilungsschlüssel nur, wenn ausdrücklich gewählt.", "The source covers less than 90 % of the areas on every level: shown only where values exist; in the index and the distribution key only when chosen knowingly."},
	"m_notes":                 {"Hinweise", "Notes"},
	"m_references":            {"Wie Land- und Deutschlandwerte entstehen", "How the Land and Germany values are made"},
}

// topicEN are the English titles of the catalogue's topics.
var topicEN = map[string]string{
	"arbeitsmarkt":      "Labour market",
	"bevoelkerung":      "Population and area",
	"bildung":           "Education and training",
	"finanzen":          "Municipal finances",
	"gesundheit":        "Health and care",
	"infrastruktur":     "Digital infrastructure",
	"kita":              "Childcare",
	"schutzsuchende":    "Protection seekers and immigration",
	"soziales":          "Social situation and income",
	"verteilung":        "Distribution",
	"wirtschaft":        "Economy",
	"wohnen":            "Housing",
	"zivilgesellschaft": "Civil society and counselling",
}

// unitEN are the English forms of the catalogue's units.
var unitEN = map[string]string{
	"Anzahl":             "number",
	"Einw. je km²":       "inhabitants per km²",
	"Jahr":               "year",
	"Jahre":              "years",
	"Personen":           "persons",
	"Tsd. €":             "thousand €",
	"Wohnungen":          "dwellings",
	"je 1.000 Einw.":     "per 1,000 inhabitants",
	"je 1.000 Einwohner": "per 1,000 inhabitants",
	"je 10.000 Einw.":    "per 10,000 inhabitants",
	"je 100":             "per 100",
	"je 100.000 Einw.":   "per 100,000 inhabitants",
}

// typeEN are the English forms of region types (BEZ).
var typeEN = map[string]string{
	"Land":                    "Land (state)",
	"Freistaat":               "Free State",
	"Freie und Hansestadt":    "Free and Hanseatic City",
	"Freie Hansestadt":        "Free Hanseatic City",
	"Kreisfreie Stadt":        "district-free city",
	"Stadtkreis":              "urban district",
	"Landkreis":               "rural district",
	"Kreis":                   "district",
	"Regionalverband":         "regional association",
	"Stadt":                   "town",
	"Gemeinde":                "municipality",
	"Markt":                   "market town",
	"Gemeindefreies Gebiet":   "unincorporated area",
	"Verwaltungsgemeinschaft": "municipal association",
	"Amt":                     "Amt (municipal association)",
	"Samtgemeinde":            "Samtgemeinde (municipal association)",
	"Verbandsgemeinde":        "Verbandsgemeinde (municipal association)",
}

func (l reportLang) t(key string) string {
	s, ok := reportStrings[key]
	if !ok {
		return key
	}
	if l == langEN {
		return s[1]
	}
	return s[0]
}

func (l reportLang) number(v float64, decimals int) string {
	if l == langEN {
		return atlas.FormatEN(v, decimals)
	}
	return atlas.FormatDE(v, decimals)
}

func (l reportLang) unit(u string) string {
	if l == langEN {
		if e, ok := unitEN[u]; ok {
			return e
		}
	}
	return u
}

func (l reportLang) topic(id, title string) string {
	if l == langEN {
		if e, ok := topicEN[id]; ok {
			return e
		}
	}
	if title == "" {
		return l.t("topic_other")
	}
	return title
}

func (l reportLang) regionType(t string) string {
	if l == langEN {
		if e, ok := typeEN[t]; ok {
			return e
		}
	}
	return t
}

func (l reportLang) level(lv atlas.Level) string { return l.t("level_" + lv.String()) }

// flag names a flag in the page's language.
func (l reportLang) flag(f *atlas.Flag) string {
	if f == nil {
		return ""
	}
	names := map[atlas.Flag][2]string{
		atlas.FlagZero:          {"nichts vorhanden", "nil"},
		atlas.FlagSecret:        {"geheimgehalten", "suppressed"},
		atlas.FlagNotYet:        {"noch nicht verfügbar", "not yet available"},
		atlas.FlagNotMeaningful: {"nicht sinnvoll", "not meaningful"},
		atlas.FlagUnreliable:    {"nicht genau genug", "not reliable enough"},
		atlas.FlagLimited:       {"eingeschränkt aussagefähig", "limited reliability"},
		atlas.FlagEstimated:     {"geschätzt", "estimated"},
		atlas.FlagMissing:       {"keine Angabe", "no value"},
	}
	n, ok := names[*f]
	if !ok {
		return string(*f)
	}
	if l == langEN {
		return n[1]
	}
	return n[0]
}

// value formats a value with its unit ("4,8 %", "1,510,378 persons").
func (l reportLang) value(v float64, decimals int, unit string) string {
	s := l.number(v, decimals)
	if u := l.unit(unit); u != "" {
		s += "\u00a0" + u
	}
	return s
}

// path is the report's path in this language.
func (l reportLang) path(key string) string {
	if l == langEN {
		return "/en/region/" + key
	}
	return "/region/" + key
}

func (l reportLang) other() reportLang {
	if l == langEN {
		return langDE
	}
	return langEN
}

// reportLangOf tells the language of a report path.
func reportLangOf(path string) reportLang {
	if strings.HasPrefix(path, "/en/") {
		return langEN
	}
	return langDE
}
