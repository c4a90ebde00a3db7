package atlas

// Domain is one of the eight domains of the motion the atlas serves
// (../shared/mission: "Antrag Migrations-Dashboard"). Indicators name their
// domain (Indicator.Domain); a domain without open data says what is
// missing, which official table or register would fill it and how to import
// it, so that a gap is visible instead of silent.
type Domain struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	TitleEN string `json:"title_en"`
	// Missing says what has no open data per region yet (empty when the
	// seeds cover the domain).
	Missing string `json:"missing,omitempty"`
	// FillWith names the official table or register that would fill the gap.
	FillWith string `json:"fill_with,omitempty"`
	// Import is the command that imports it once a user has the file.
	Import string `json:"import,omitempty"`
}

// Domains returns the motion's eight domains in the motion's order.
func Domains() []Domain {
	return []Domain{
		{ID: "informationspool", Title: "Informationspool: Bevölkerung, Zuwanderung, Aufenthalt", TitleEN: "Information pool: population, immigration, residence",
			Missing:  "Zuzüge aus dem Ausland je Gemeinde und Monat (die Seeds haben Salden nur je Kreis)",
			FillWith: "Wanderungsstatistik der Statistischen Ämter (Regionaldatenbank: Zu- und Fortzüge über die Grenzen Deutschlands je Kreis bzw. Gemeinde)",
			Import:   "standortatlas import genesis TABELLE.csv (Rohdownload der Regionaldatenbank; -map SPALTE=ID für Katalogeinträge)"},
		{ID: "kommunale_kapazitaet", Title: "Kommunale Kapazität: Verwaltung, Finanzen", TitleEN: "Municipal capacity: administration, finances",
			Missing:  "Personal und Bearbeitungsdauer der Ausländerbehörden je Kreis (keine offene amtliche Statistik); Personal der Kommunalverwaltung",
			FillWith: "Personalstandstatistik der Statistischen Ämter (Beschäftigte der Kommunen je Kreis); Ausländerbehörden: nur Verwaltungsdaten der Länder",
			Import:   "standortatlas import genesis TABELLE.csv"},
		{ID: "daseinsvorsorge", Title: "Daseinsvorsorge: Kita, Schule, Wohnen, Gesundheit", TitleEN: "Public services: childcare, school, housing, health"},
		{ID: "arbeit_anerkennung", Title: "Ausbildung, Arbeit, Anerkennung, Qualifizierung", TitleEN: "Training, work, recognition, qualification",
			Missing:  "Anerkennungsverfahren ausländischer Berufsqualifikationen je Kreis (Anträge, Bescheide, Referenzberufe)",
			FillWith: "Amtliche Statistik nach § 17 Berufsqualifikationsfeststellungsgesetz (BQFG) und den Landesgesetzen (Destatis; in GENESIS-Online nur nach Ländern) bzw. eine Sonderauswertung je Kreis",
			Import:   "standortatlas import ffcsv -ffcsv-split VARIABLE DATEI_flat.csv"},
		{ID: "beratung_bildung", Title: "Anerkennungsberatung und Bildungsträger", TitleEN: "Recognition counselling and training providers",
			Missing:  "Standorte der Anerkennungs- und Qualifizierungsberatung (IQ-Netzwerk), Migrationsberatung (MBE, JMD) und zugelassene Integrationskursträger",
			FillWith: "BAMF-Trägerliste der Integrationskurse (WebGIS), IQ-Beratungsstellen, MBE/JMD-Standortlisten (CSV/GeoJSON mit Koordinaten)",
			Import:   "standortatlas import places FILE.geojson"},
		{ID: "digitale_aufnahme", Title: "Digitale Aufnahme und Registrierung", TitleEN: "Digital intake and registration",
			Missing:  "Stand der Digitalisierung der Aufnahmeverfahren je Kommune (keine amtliche Statistik je Gebiet)",
			FillWith: "OZG-Umsetzungsstand je Kommune (Dashboard Digitale Verwaltung), sobald als Tabelle mit Gemeindeschlüssel veröffentlicht",
			Import:   "standortatlas import canonical FILE.csv -catalogue indicators.csv"},
		{ID: "verteilung", Title: "Verteilung: Königsteiner Schlüssel und humaner Verteilschlüssel", TitleEN: "Distribution: Königsteiner Schlüssel and a humane distribution key",
			Missing:  "Der Königsteiner Schlüssel gilt je Land; die Schlüssel, mit denen die Länder auf Kreise und Gemeinden verteilen, sind nicht importiert (das Modell eines humanen Verteilschlüssels rechnet der Verteilungsbaukasten, /api/v1/distribution)",
			FillWith: "Verteilschlüssel der Länder aus den Landesaufnahmegesetzen und -verordnungen (Anteile je Kreis bzw. Gemeinde)",
			Import:   "standortatlas import canonical FILE.csv -catalogue indicators.csv"},
		{ID: "zivilgesellschaft", Title: "Zivilgesellschaft: Vereine, Initiativen, Ehrenamt", TitleEN: "Civil society: associations, initiatives, volunteering",
			Missing:  "Flüchtlingsinitiativen und Migrantenorganisationen bundesweit (Punktdaten nur für München); Sportvereine sind die einzige bundesweite Zahl",
			FillWith: "Vereinsregister der Amtsgerichte (gemeinsames Registerportal), Landesnetzwerke der Migrantenorganisationen",
			Import:   "standortatlas import places FILE.csv"},
	}
}

// ValidDomain reports whether id is one of Domains.
func ValidDomain(id string) bool {
	for _, d := range Domains() {
		if d.ID == id {
			return true
		}
	}
	return false
}

// DomainIDs lists the ids of Domains.
func DomainIDs() []string {
	var out []string
	for _, d := range Domains() {
		out = append(out, d.ID)
	}
	return out
}
