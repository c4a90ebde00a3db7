package analysis

import (
	"context"

	"github.com/standortatlas/standortatlas/atlas"
)

// DomainOverview is a region's view of the motion's eight domains: for each
// domain its indicators with the region's latest value, the Land and
// Germany values of that year and the data year — or, for a domain without
// open data, what is missing, which official table or register would fill
// it and the command that imports it. The profile panel and the
// server-rendered region report show it; it is built from the profile, so
// every number in it is the profile's number.
type DomainOverview struct {
	Region      RegionRef         `json:"region"`
	Domains     []DomainSection   `json:"domains"`
	DataVersion int64             `json:"data_version"`
	Attribution []string          `json:"attribution"`
	Definitions map[string]string `json:"definitions"`
}

// DomainSection is one domain of a DomainOverview.
type DomainSection struct {
	atlas.Domain
	Indicators []DomainIndicator `json:"indicators"`
	// Gap is true when the domain has no indicator with a value for the
	// region; Missing/FillWith/Import (from atlas.Domains) then say why.
	Gap bool `json:"gap"`
}

// DomainIndicator is one indicator of a domain for the region.
type DomainIndicator struct {
	ID        string          `json:"id"`
	Title     string          `json:"title"`
	Unit      string          `json:"unit"`
	Decimals  int             `json:"decimals"`
	Direction atlas.Direction `json:"direction"`
	Year      int             `json:"year"`
	Value     float64         `json:"value"`
	Flag      *atlas.Flag     `json:"flag"`
	Land      *Reference      `json:"land"`
	Germany   *Reference      `json:"germany"`
	Source    string          `json:"source"`
}

// Domains returns the domain overview of the region with key (any level).
func (a *Analyzer) Domains(ctx context.Context, key string) (*DomainOverview, error) {
	p, err := a.Profile(ctx, key, 1)
	if err != nil {
		return nil, err
	}
	return DomainsOf(ctx, a, p)
}

// DomainsOf groups a profile's indicators by the motion's domains (reused
// by the region report, which already has the profile).
func DomainsOf(ctx context.Context, a *Analyzer, p *Profile) (*DomainOverview, error) {
	inds, err := a.svc.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	domainOf := make(map[string]string, len(inds))
	for _, ind := range inds {
		domainOf[ind.ID] = ind.Domain
	}
	o := &DomainOverview{Region: p.RegionRef, DataVersion: p.DataVersion, Attribution: p.Attribution, Definitions: map[string]string{
		"value":   "letzter Wert des Gebiets (Jahr: year)",
		"land":    p.Definitions["land"],
		"germany": p.Definitions["germany"],
		"gap":     "für diesen Bereich gibt es keine offenen Daten je Gebiet: missing sagt, was fehlt, fill_with, welche amtliche Tabelle oder welches Register es füllen würde, import, wie es importiert wird",
	}}
	for _, d := range atlas.Domains() {
		s := DomainSection{Domain: d, Indicators: []DomainIndicator{}}
		for _, pi := range p.Indicators {
			if domainOf[pi.ID] != d.ID || pi.Latest == nil {
				continue
			}
			s.Indicators = append(s.Indicators, DomainIndicator{ID: pi.ID, Title: pi.Title, Unit: pi.Unit, Decimals: pi.Decimals, Direction: pi.Direction,
				Year: pi.Latest.Year, Value: pi.Latest.Value, Flag: pi.Latest.Flag, Land: pi.Land, Germany: pi.Germany, Source: pi.Source})
		}
		s.Gap = len(s.Indicators) == 0
		if s.Gap && s.Missing == "" {
			s.Missing = "keine Indikatoren dieses Bereichs mit einem Wert für dieses Gebiet (auf dieser Ebene)"
		}
		o.Domains = append(o.Domains, s)
	}
	return o, nil
}
