package ingest

// GenesisSource names where a table is published in a GENESIS web service
// (GENESIS-Online, the Regionaldatenbank, a Land's database), so that
// `standortatlas update` can fetch it again and import it when it changed.
// A manifest table with a genesis member:
//
//	{"id": "schutzsuchende_kreise", "format": "ffcsv", "ffcsv": {…}, "map": {…},
//	 "genesis": {"source": "destatis", "table": "12531-0043", "level": "kreis"}}
//
// The fields are checked and turned into a request by atlas/update.
type GenesisSource struct {
	// Source is "destatis", "regionalstatistik" or the base URL of another
	// GENESIS REST interface (https://…/genesisWS/rest/2020/).
	Source string `json:"source"`
	// Table is the table code, e.g. "12531-0043".
	Table string `json:"table"`
	// Level (land, kreis, vwg, gemeinde) selects the regional variable;
	// RegionalVariable (e.g. KREISE) names it directly.
	Level            string `json:"level,omitempty"`
	RegionalVariable string `json:"regionalvariable,omitempty"`
	// RegionalKey restricts the regions ("09*" = Bayern).
	RegionalKey string `json:"regionalkey,omitempty"`
	// Years is "2023" or "2015-2023" (empty: all the table has).
	Years string `json:"years,omitempty"`
	// Classifying restricts classifying variables: "GES=GESM,GESW".
	Classifying []string `json:"classifying,omitempty"`
	// Compress asks the service to leave out empty rows.
	Compress bool `json:"compress,omitempty"`
}
