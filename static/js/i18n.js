// i18n.js: every UI string (German default, English switch), DOM building and number formatting.
// Data from the API (names, legend labels, sources) is shown as the server sends it.

// One row per string: [Deutsch, English]. {0}, {1} are filled by t().
const STRINGS = {
  title: ['Standortatlas'],
  tagline: ['Aufnahme- und Integrationsbedingungen in Ländern, Kreisen und Gemeinden', 'Conditions for receiving and integrating newcomers in Länder, districts and municipalities'],
  skip: ['Zur Karte springen', 'Skip to map'],
  skip_table: ['Zur Tabelle springen', 'Skip to the table'],
  lang_switch: ['English', 'Deutsch'],
  lang_switch_label: ['Switch to English', 'Auf Deutsch umschalten'],
  settings: ['Einstellungen', 'Settings'],
  tabs_label: ['Ansicht', 'View'],
  tab_map: ['Karte', 'Map'],
  tab_ranking: ['Rangliste', 'Ranking'],
  tab_compare: ['Vergleich', 'Compare'],
  tab_index: ['Index', 'Index'],
  tab_distribution: ['Verteilung', 'Distribution'],

  // indicator, level, year, classes
  indicator: ['Indikator', 'Indicator'],
  indicator_filter: ['Indikatoren durchsuchen', 'Search indicators'],
  indicator_filter_ph: ['z. B. Kita, Miete, Arzt', 'e.g. childcare, rent, doctor'],
  indicator_matches: ['{0} von {1} Indikatoren', '{0} of {1} indicators'],
  level: ['Gebietsebene', 'Spatial level'],
  level_land: ['Länder', 'Länder (states)'],
  level_kreis: ['Kreise', 'Kreise (districts)'],
  level_gemeinde: ['Gemeinden', 'Gemeinden (municipalities)'],
  level_one_land: ['Land', 'Land (state)'],
  level_one_kreis: ['Kreis', 'Kreis (district)'],
  level_one_gemeinde: ['Gemeinde', 'Gemeinde (municipality)'],
  level_one_vwg: ['Verwaltungsgemeinschaft', 'Municipal association'],
  level_missing: ['{0} (für diesen Indikator nicht verfügbar)', '{0} (not available for this indicator)'],
  year: ['Jahr', 'Year'],
  method: ['Klassifizierung', 'Classification'],
  method_quantile: ['Quantile', 'Quantiles'],
  method_equal: ['Gleiches Intervall', 'Equal intervals'],
  method_jenks: ['Natürliche Brüche (Jenks)', 'Natural breaks (Jenks)'],
  method_stddev: ['Standardabweichung', 'Standard deviation'],
  method_manual: ['Eigene Grenzen', 'Manual breaks'],
  method_minmax: ['Min–Max-Skalierung', 'Min–max scaling'],
  method_zscore: ['z-Werte', 'z-scores'],
  classes: ['Klassen', 'Classes'],
  breaks: ['Klassengrenzen', 'Class breaks'],
  scheme: ['Farbschema', 'Colour scheme'],
  scheme_default: ['Standard (nach Richtung des Indikators)', 'Default (by the indicator\'s direction)'],
  scheme_sequential: ['Fortlaufend (niedrig → hoch)', 'Sequential (low → high)'],
  scheme_diverging: ['Divergierend (um eine Mitte, z. B. Standardabweichung)', 'Diverging (around a middle, e.g. standard deviation)'],
  scheme_reversed: ['{0}, umgekehrt', '{0}, reversed'],
  scheme_Blues: ['Blau', 'Blues'],
  scheme_OrRd: ['Orange–Rot', 'Orange–red'],
  scheme_Purples: ['Violett', 'Purples'],
  scheme_RdBu: ['Rot–Blau', 'Red–blue'],
  scheme_PuOr: ['Orange–Violett', 'Orange–purple'],
  fb_scheme: ['Das Farbschema „{0}“ gibt es nicht; gezeigt: Standard.', 'There is no colour scheme “{0}”; showing the default.'],
  norm_hint: ['Fast alle Gebiete liegen in einem Balken: Absolute Zahlen wachsen mit der Größe des Gebiets. Bezogen auf Einwohner oder Fläche lassen sich Gebiete vergleichen.', 'Almost all areas fall into one bar: absolute counts grow with the size of the area. Per inhabitant or per area, areas can be compared.'],
  norm_apply_per1000: ['Je 1.000 Einwohner zeigen', 'Show per 1,000 inhabitants'],
  norm_apply_per100000: ['Je 100.000 Einwohner zeigen', 'Show per 100,000 inhabitants'],
  norm_apply_perkm2: ['Je km² zeigen (Dichte)', 'Show per km² (density)'],
  norm_on_per1000: ['Gezeigt: je 1.000 Einwohner (vom Server berechnet).', 'Shown: per 1,000 inhabitants (computed by the server).'],
  norm_on_per100000: ['Gezeigt: je 100.000 Einwohner (vom Server berechnet).', 'Shown: per 100,000 inhabitants (computed by the server).'],
  norm_on_perkm2: ['Gezeigt: je km² (vom Server berechnet).', 'Shown: per km² (computed by the server).'],
  fb_normalize: ['Die Umrechnung je Einwohner oder Fläche ist für dieses Jahr und diese Ebene nicht möglich; gezeigt: die veröffentlichten Zahlen.', 'Per inhabitant or per area is not possible for this year and level; showing the published figures.'],
  compare_not_normalized: ['nicht umgerechnet: keine Bevölkerung oder Fläche für diese Jahre', 'not converted: no population or area for these years'],
  norm_off: ['Absolute Zahlen zeigen', 'Show absolute counts'],
  breaks_hint: ['Aufsteigend, mit Semikolon getrennt, z. B. 3; 5; 7,5', 'Ascending, separated by semicolons, e.g. 3; 5; 7.5'],
  breaks_apply: ['Anwenden', 'Apply'],
  breaks_invalid: ['Bitte 1 bis 8 aufsteigende Zahlen angeben.', 'Please enter 1 to 8 ascending numbers.'],
  stddev_note: ['Klassen um den Mittelwert {0} in Schritten der Standardabweichung {1}', 'Classes around the mean {0} in steps of the standard deviation {1}'],
  fixed_note: ['Grenzen über {0}–{1}', 'Breaks over {0}–{1}'],
  sources_n: ['Quellen ({0})', 'Sources ({0})'],
  skip_table_hint: ['Alle Werte der Karte stehen als Tabelle in der Rangliste.', 'All values of the map are in the ranking table.'],
  histogram: ['Verteilung der Werte', 'Distribution of values'],
  histogram_desc: ['Histogramm: {0} Gebiete mit Wert zwischen {1} und {2}; senkrechte Linien = Klassengrenzen {3}.', 'Histogram: {0} areas with values from {1} to {2}; vertical lines = class breaks {3}.'],
  source: ['Quelle', 'Source'],
  licence: ['Lizenz', 'Licence'],
  checked: ['Zuletzt geprüft: {0}', 'Last checked: {0}'],
  check_new: ['neue Ausgabe importiert', 'newer edition imported'],
  check_unchanged: ['unverändert', 'unchanged'],
  check_unchanged_since: ['unverändert seit der Ausgabe vom {0}', 'unchanged since the edition of {0}'],
  check_failed: ['Prüfung fehlgeschlagen, Daten unverändert', 'check failed, data unchanged'],
  check_none: ['Nicht automatisch mit der Quelle abgeglichen (Datei-Import)', 'Not checked against its source automatically (file import)'],
  direction_need: ['Hohe Werte zeigen hohen Bedarf.', 'High values indicate high need.'],
  direction_capacity: ['Hohe Werte zeigen hohe Aufnahmefähigkeit.', 'High values indicate high capacity to take in newcomers.'],
  direction_context: ['Kontextindikator, ohne Wertung.', 'Context indicator, no judgement implied.'],

  // legend
  legend: ['Legende', 'Legend'],
  unit: ['Einheit: {0}', 'Unit: {0}'],
  count: ['Anzahl', 'Count'],
  // a statistic of the areas on the map, never presented as Germany's value (a mean of rates is none)
  stats: ['{3}: Min. {0} · Median {1} · Max. {2}', '{3}: min. {0} · median {1} · max. {2}'],
  no_data: ['keine Daten', 'no data'],
  not_in_scope: ['nicht im Bereich', 'not in scope'],
  flag_suppressed: ['geheimgehalten', 'suppressed'],
  flag_secret: ['geheimgehalten', 'suppressed'],
  flag_zero: ['nichts vorhanden', 'nil'],
  flag_not_available: ['noch nicht verfügbar', 'not yet available'],
  flag_not_yet: ['noch nicht verfügbar', 'not yet available'],
  flag_not_meaningful: ['nicht sinnvoll', 'not meaningful'],
  flag_unreliable: ['nicht genau genug', 'not reliable enough'],
  flag_limited: ['eingeschränkt aussagefähig', 'limited reliability'],
  flag_estimated: ['geschätzt', 'estimated'],
  flag_missing: ['keine Angabe', 'no value'],
  flag_not_reported: ['keine Meldung', 'not reported'],

  // status and errors
  hint: ['Gebiet anklicken oder suchen für das Profil.', 'Click or search an area for its profile.'],
  loading: ['Karte wird geladen …', 'Loading map …'],
  loading_short: ['Lädt …', 'Loading …'],
  status_map: ['Karte: {0}, {1}, {2} — {3} Gebiete, {4} mit Wert.', 'Map: {0}, {1}, {2} — {3} areas, {4} with a value.'],
  err_indicators: ['Die Indikatorenliste konnte nicht geladen werden: {0}', 'The list of indicators could not be loaded: {0}'],
  err_map: ['Die Kartendaten konnten nicht geladen werden: {0}', 'The map data could not be loaded: {0}'],
  err_load: ['Konnte nicht geladen werden: {0}', 'Could not be loaded: {0}'],
  err_empty: ['Es sind keine Indikatoren verfügbar.', 'No indicators are available.'],
  err_network: ['keine Verbindung zum Server', 'no connection to the server'],
  err_leaflet: ['Die Kartenbibliotheken (Leaflet, VectorGrid) fehlen auf dem Server.', 'The map libraries (Leaflet, VectorGrid) are missing on the server.'],
  retry: ['Erneut versuchen', 'Try again'],
  notice_title: ['Der Link wurde angepasst:', 'The link was adjusted:'],
  dismiss: ['Hinweis schließen', 'Dismiss'],
  fb_tab: ['Die Ansicht „{0}“ gibt es nicht; gezeigt wird die Karte.', 'There is no view “{0}”; showing the map.'],
  fb_indicator: ['Den Indikator „{0}“ gibt es nicht; gezeigt wird {1}.', 'There is no indicator “{0}”; showing {1}.'],
  fb_level: ['Die Ebene „{0}“ gibt es für {1} nicht; gezeigt: {2}.', 'Level “{0}” is not available for {1}; showing {2}.'],
  fb_year: ['Für {0} gibt es kein Jahr {1}; gezeigt: {2}.', '{0} has no year {1}; showing {2}.'],
  fb_method: ['Die Klassifizierung „{0}“ gibt es nicht; gezeigt: Quantile.', 'There is no classification “{0}”; showing quantiles.'],
  fb_classes: ['Die Klassenzahl „{0}“ ist nicht möglich (3 bis 7); gezeigt: 5 Klassen.', 'The number of classes “{0}” is not possible (3 to 7); showing 5 classes.'],
  fb_breaks: ['Die Klassengrenzen „{0}“ sind ungültig (1 bis 8 aufsteigende Zahlen nötig); gezeigt: Quantile.', 'The class breaks “{0}” are invalid (1 to 8 ascending numbers needed); showing quantiles.'],
  fb_server: ['Der Server hat die Klassifizierung abgelehnt; gezeigt: Quantile mit 5 Klassen.', 'The server refused the classification; showing quantiles with 5 classes.'],
  fb_region: ['Das Gebiet „{0}“ gibt es nicht; kein Gebiet ausgewählt.', 'There is no area “{0}”; no area selected.'],
  fb_compare: ['Unbekannte Gebiete aus dem Vergleich entfernt: {0}.', 'Unknown areas removed from the comparison: {0}.'],
  fb_weights: ['Nicht verwendbare Gewichte entfernt: {0}.', 'Unusable weights removed: {0}.'],
  fb_weights_default: ['Keine verwendbaren Gewichte ({0}); gezeigt werden die Standardgewichte.', 'No usable weights ({0}); showing the default weights.'],
  fb_view: ['Der Kartenausschnitt „{0}“ ist ungültig; gezeigt wird Deutschland.', 'The map view “{0}” is invalid; showing Germany.'],
  region_unknown: ['Das Gebiet {0} gibt es im Atlas nicht.', 'The atlas has no area {0}.'],
  close: ['Schließen', 'Close'],
  map_label: ['Karte', 'Map'],
  zoom_in: ['Vergrößern', 'Zoom in'],
  zoom_out: ['Verkleinern', 'Zoom out'],
  open_atlas: ['Im Standortatlas öffnen', 'Open in Standortatlas'],
  sources_toggle: ['Quellen', 'Sources'],
  caveats: ['Hinweise', 'Caveats'],
  key: ['Schlüssel {0}', 'Code {0}'],

  // search
  search: ['Gebiet suchen', 'Find an area'],
  search_ph: ['Name oder Schlüssel, z. B. Leipzig, 09162', 'Name or code, e.g. Leipzig, 09162'],
  search_none: ['Kein Gebiet gefunden.', 'No area found.'],
  search_results: ['{0} Treffer', '{0} results'],
  search_loading: ['Gebietsliste wird geladen …', 'Loading the list of areas …'],

  // profile
  info_label: ['Profil des Gebiets', 'Area profile'],
  profile_rank: ['Rang {0} von {1}', 'Rank {0} of {1}'],
  profile_percentile: ['Perzentil {0}', 'Percentile {0}'],
  profile_land: ['Land ({0})', 'Land ({0})'],
  profile_germany: ['Deutschland', 'Germany'],
  basis_amtlich: ['amtlich', 'official'],
  'basis_eigene Berechnung': ['eigene Berechnung', 'own calculation'],
  ranking_germany: ['Deutschland {0}: {1} ({2})', 'Germany {0}: {1} ({2})'],
  profile_series: ['Zeitreihe', 'Time series'],
  profile_series_desc: ['{0}: {1} von {2} bis {3}, zuletzt {4}.', '{0}: {1} from {2} to {3}, latest {4}.'],
  profile_all: ['Alle Indikatoren', 'All indicators'],
  profile_all_caption: ['Alle Indikatoren für {0}: letzter Wert, Rang unter den Gebieten der Ebene, Wert des Landes', 'All indicators for {0}: latest value, rank among the areas of the level, value of the Land'],
  profile_similar: ['Ähnliche Gebiete', 'Similar areas'],
  profile_children: ['{0} Gemeinden', '{0} municipalities'],
  profile_in: ['in {0}', 'in {0}'],
  profile_map_value: ['Auf der Karte: {0}', 'On the map: {0}'],
  profile_no_value: ['Kein Wert für diesen Indikator.', 'No value for this indicator.'],
  profile_show_map: ['Auf der Karte zeigen', 'Show on the map'],
  add_compare: ['Zum Vergleich', 'Add to comparison'],
  report_open: ['Bericht zum Drucken', 'Printable report'],
  in_compare: ['Im Vergleich', 'In comparison'],
  col_indicator: ['Indikator', 'Indicator'],
  col_value: ['Wert', 'Value'],
  col_rank: ['Rang', 'Rank'],
  col_area: ['Gebiet', 'Area'],

  // ranking
  ranking_caption: ['Rangliste: {0}, {1}, {2} ({3} Gebiete; Rang 1 = höchster Wert)', 'Ranking: {0}, {1}, {2} ({3} areas; rank 1 = highest value)'],
  ranking_land: ['Nur Gebiete in', 'Only areas in'],
  ranking_all_lands: ['ganz Deutschland', 'all of Germany'],
  ranking_more: ['Weitere {0} anzeigen', 'Show {0} more'],
  ranking_shown: ['{0} von {1} angezeigt', '{0} of {1} shown'],
  sort_by: ['Sortieren nach {0}', 'Sort by {0}'],

  // compare
  compare_intro: ['Bis zu 10 Gebiete nebeneinander. Gebiete über die Suche, die Karte oder die Rangliste wählen und „Zum Vergleich“ drücken.', 'Up to 10 areas side by side. Pick areas via search, the map or the ranking and press “Add to comparison”.'],
  compare_add_selected: ['Ausgewähltes Gebiet hinzufügen', 'Add the selected area'],
  compare_remove: ['{0} aus dem Vergleich entfernen', 'Remove {0} from the comparison'],
  compare_clear: ['Alle entfernen', 'Remove all'],
  compare_empty: ['Noch keine Gebiete im Vergleich.', 'No areas in the comparison yet.'],
  compare_caption: ['Vergleich: letzter gemeinsamer Wert je Indikator, Rang in Klammern', 'Comparison: latest common value per indicator, rank in brackets'],
  compare_chart: ['{0} im Vergleich', '{0} compared'],
  compare_chart_hint: ['Zeile wählen, um sie im Diagramm zu zeigen.', 'Choose a row to chart it.'],
  compare_full: ['Der Vergleich hat schon 10 Gebiete.', 'The comparison already has 10 areas.'],
  chart_this: ['Im Diagramm zeigen', 'Chart this'],

  // index
  index_intro: ['Eigener Kapazitätsindex: Indikatoren wählen und gewichten. Bedarfsindikatoren gehen umgekehrt ein (hoher Bedarf = niedrigerer Index).', 'Your own capacity index: choose and weight indicators. Need indicators count inversely (high need = lower index).'],
  index_add: ['Indikator hinzufügen', 'Add an indicator'],
  index_add_choose: ['– Indikator wählen –', '– choose an indicator –'],
  index_remove: ['{0} entfernen', 'Remove {0}'],
  index_method: ['Normierung', 'Scaling'],
  index_level: ['Ebene des Index', 'Level of the index'],
  index_components: ['Bestandteile', 'Components'],
  index_table_caption: ['Index {0}: Rang, Indexwert (0–100) und Beitrag jedes Indikators', 'Index {0}: rank, index value (0–100) and each indicator’s contribution'],
  index_value: ['Index', 'Index'],
  index_contrib: ['Beiträge', 'Contributions'],
  index_contrib_of: ['Beiträge für {0}', 'Contributions for {0}'],
  index_none: ['Mindestens ein Indikator mit Gewicht > 0 nötig.', 'At least one indicator with a weight > 0 is needed.'],
  index_legend: ['Kapazitätsindex (0–100)', 'Capacity index (0–100)'],
  index_incomplete: ['{0} Gebiete ohne alle Werte, nicht bewertet.', '{0} areas lack some values and are not scored.'],
  index_year: ['Jahr {0}', 'year {0}'],
  need_inverse: ['Bedarf, umgekehrt', 'need, inverted'],

  // distribution
  tab_headroom: ['Spielraum', 'Headroom'],
  hr_intro: ['Spielraum: Wie viel Kapazität steht jeder Person gegenüber, die ein Gebiet nach einem Verteilungsschlüssel aufnehmen würde? Kapazität ÷ erwartete Ankommende. Als Kapazität gibt es in den Daten nur leerstehende Wohnungen (Zensus 2022).', 'Headroom: how much capacity is there for each person an area would take in under a distribution key? Capacity ÷ expected arrivals. The only capacity in the data is vacant dwellings (Zensus 2022).'],
  hr_read: ['Lesen: „2,5“ heißt 2,5 leerstehende Wohnungen je erwarteter Person; kleine Werte = wenig Spielraum. Die Tabelle beginnt mit dem kleinsten Spielraum.', 'Reading: “2.5” means 2.5 vacant dwellings per expected person; small values = little headroom. The table starts with the least headroom.'],
  hr_scope_lands: ['Länder', 'Länder'],
  hr_key: ['Verteilungsschlüssel', 'Distribution key'],
  hr_key_ks: ['Königsteiner Schlüssel (in einem Land: Bevölkerungsanteil)', 'Königsteiner Schlüssel (within a Land: population share)'],
  hr_key_population: ['Bevölkerungsanteil', 'Population share'],
  hr_key_model: ['Eigener Schlüssel (aus „Verteilung“)', 'Own key (from “Distribution”)'],
  hr_key_model_hint: ['Die Gewichte werden im Reiter „Verteilung“ eingestellt.', 'The weights are set in the “Distribution” tab.'],
  hr_caption: ['Spielraum für {0} Ankommende: {1} ({2}) je erwarteter Person nach {3}', 'Headroom for {0} arrivals: {1} ({2}) per expected person by {3}'],
  hr_col_capacity: ['Kapazität', 'Capacity'],
  hr_col_share: ['Anteil %', 'Share %'],
  hr_col_expected: ['Erwartete Ankommende', 'Expected arrivals'],
  hr_col_cpa: ['Kapazität je Person', 'Capacity per person'],
  hr_col_apc: ['Personen je Kapazität', 'Persons per capacity'],
  hr_map_note: ['Leerstehende Wohnungen je erwarteter Person, in Quantilen; dunkler = mehr Spielraum. Die Werte stehen in der Tabelle.', 'Vacant dwellings per expected person, in quantiles; darker = more headroom. The values are in the table.'],
  hr_missing: ['Nicht in den Daten', 'Not in the data'],
  hr_formula: ['Formel', 'Formula'], // index, distribution and headroom
  dist_intro: ['Verteilungsschlüssel aus Bevölkerung und Kapazitäten, verglichen mit dem Königsteiner Schlüssel (Länder) bzw. dem Bevölkerungsanteil (Kreise eines Landes).', 'A distribution key from population and capacities, compared with the Königsteiner Schlüssel (Länder) or the population share (Kreise of one Land).'],
  dist_scope: ['Bereich', 'Scope'],
  dist_scope_lands: ['Länder (gegen Königsteiner Schlüssel)', 'Länder (against the Königsteiner Schlüssel)'],
  dist_scope_land: ['Kreise in {0}', 'Kreise in {0}'],
  dist_arrivals: ['Ankommende Personen (N)', 'Arriving persons (N)'],
  dist_ks: ['Königsteiner Schlüssel', 'Königsteiner Schlüssel'],
  dist_ks_latest: ['neuester', 'latest'],
  dist_table_caption: ['Für {0} Ankommende: Modellanteil, Referenzanteil, Differenz in Prozentpunkten, Personen nach Modell und Referenz (größte Reste) und Sensitivitätsband des Anteils bei Gewichten ±{1} %.', 'For {0} arrivals: model share, reference share, difference in percentage points, persons by model and reference (largest remainder) and the sensitivity band of the share with weights ±{1} %.'],
  col_model: ['Modell %', 'Model %'],
  col_reference: ['Referenz %', 'Reference %'],
  col_diff: ['Differenz (pp)', 'Difference (pp)'],
  col_persons: ['Personen Modell', 'Persons model'],
  col_ref_persons: ['Personen Referenz', 'Persons reference'],
  col_band: ['Band %', 'Band %'],
  dist_band_fixed: ['Kein Sensitivitätsband: Mit nur einem Bestandteil (z. B. nur der Bevölkerung) ändert ein anderes Gewicht die Anteile nicht. Das Band zeigt, wie weit sich der Anteil verschiebt, wenn jedes Gewicht um ±{0} % verändert wird – es braucht mindestens zwei Bestandteile.', 'No sensitivity band: with a single component (e.g. population only) another weight does not change the shares. The band shows how far a share moves when each weight changes by ±{0} % – it needs at least two components.'],
  dist_legend: ['Modell minus Referenz (Prozentpunkte)', 'Model minus reference (percentage points)'],
  dist_legend_note: ['+ : das Modell gibt dem Gebiet einen größeren Anteil als die Referenz; − : einen kleineren.', '+ : the model gives the area a larger share than the reference; − : a smaller one.'],
  dist_caption: ['Verteilung von {0} Personen: Modell gegen {1}', 'Distribution of {0} persons: model against {1}'],
  kind_count: ['Zählung', 'count'],
  kind_rate: ['Quote, bevölkerungsgewichtet', 'rate, population-weighted'],
  dist_eligible: ['Nur Zählungen und Kapazitätsindikatoren bilden einen Schlüssel.', 'Only counts and capacity indicators form a key.'],
  pp: ['{0} pp', '{0} pp'],

  // places
  places: ['Orte', 'Places'],
  places_show: ['Orte auf der Karte zeigen', 'Show places on the map'],
  places_categories: ['Kategorien', 'Categories'],
  places_no_data: ['Keine offenen Daten', 'No open data'],
  places_import: ['Daten fehlen; eigene Listen können importiert werden.', 'Data missing; your own lists can be imported.'],
  places_shown: ['{0} Orte im Kartenausschnitt', '{0} places in view'],
  places_website: ['Website', 'Website'],
  places_verified: ['Stand {0}', 'As of {0}'],

  // share, embed, export
  share: ['Teilen', 'Share'],
  embed: ['Einbetten', 'Embed'],
  embed_title: ['Karte einbetten', 'Embed the map'],
  embed_intro: ['Diesen Code in die eigene Seite kopieren. Die eingebettete Karte zeigt die aktuelle Ansicht mit Titel, Legende, Quellen und einem Link zurück; das Skript passt die Höhe an die Breite der Seite an.', 'Copy this code into your page. The embedded map shows the current view with title, legend, sources and a link back; the script fits its height to the width of your page.'],
  embed_code: ['HTML-Code', 'HTML code'],
  embed_height: ['Höhe (Pixel)', 'Height (pixels)'],
  embed_preview: ['Vorschau öffnen', 'Open preview'],
  copy: ['Kopieren', 'Copy'],
  copied: ['In die Zwischenablage kopiert.', 'Copied to the clipboard.'],
  copy_failed: ['Kopieren nicht möglich – bitte markieren und Strg+C drücken.', 'Could not copy – please select and press Ctrl+C.'],
  copy_link: ['Link kopieren', 'Copy link'],
  link_copied: ['Link kopiert.', 'Link copied.'],
  export_csv: ['CSV', 'CSV'],
  export_csv_label: ['Daten der Ansicht als CSV herunterladen (mit Quellenangaben)', 'Download the view’s data as CSV (with sources)'],
  export_csv_de: ['CSV (Excel)', 'CSV (German Excel)'],
  export_csv_de_label: ['Daten der Ansicht als CSV für deutsches Excel herunterladen (Semikolon, Dezimalkomma, mit Quellenangaben)', 'Download the view’s data as CSV for German Excel (semicolon, decimal comma, with sources)'],
  export_png: ['PNG', 'PNG'],
  export_png_label: ['Karte als PNG-Bild herunterladen (mit Legende und Quellen)', 'Download the map as a PNG image (with legend and sources)'],
  export_done: ['{0} heruntergeladen.', '{0} downloaded.'],
  png_sources: ['Quellen: {0}', 'Sources: {0}'],
  iframe_title: ['Standortatlas: {0}', 'Standortatlas: {0}'],

  topic_arbeitsmarkt: ['Arbeitsmarkt', 'Labour market'],
  topic_bevoelkerung: ['Bevölkerung und Fläche', 'Population and area'],
  topic_bildung: ['Bildung und Ausbildung', 'Education and training'],
  topic_finanzen: ['Kommunalfinanzen', 'Municipal finances'],
  topic_gesundheit: ['Gesundheit und Pflege', 'Health and care'],
  topic_infrastruktur: ['Digitale Infrastruktur', 'Digital infrastructure'],
  topic_kita: ['Kinderbetreuung', 'Childcare'],
  topic_schutzsuchende: ['Schutzsuchende und Zuwanderung', 'Protection seekers and immigration'],
  topic_soziales: ['Soziale Lage und Einkommen', 'Social situation and income'],
  similar_method: ['{0} nächste Nachbarn über {1} z-standardisierte Indikatoren des Jahres {2} ({3} Gebiete mit allen Werten)', '{0} nearest neighbours over {1} z-standardised indicators of {2} ({3} areas with every value)'],
  topic_verteilung: ['Verteilung', 'Distribution'],
  topic_wirtschaft: ['Wirtschaft', 'Economy'],
  topic_wohnen: ['Wohnen', 'Housing'],
  topic_zivilgesellschaft: ['Zivilgesellschaft und Beratung', 'Civil society and counselling'],
};

let lang = 'de';

export function setLang(l) {
  lang = l === 'en' ? 'en' : 'de';
  document.documentElement.lang = lang;
}

export const getLang = () => lang;

/** t('key', a, b) looks up a string and fills {0}, {1}, … with the arguments. */
export function t(key, ...args) {
  const row = Object.hasOwn(STRINGS, key) ? STRINGS[key] : null;
  const s = row ? (lang === 'en' && row[1]) || row[0] : key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[i] ?? ''));
}

export const hasString = (key) => Object.hasOwn(STRINGS, key);

/** Fills static markup: data-i18n sets textContent, data-i18n-label aria-label, data-i18n-ph placeholder. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll('[data-i18n-ph]')) el.setAttribute('placeholder', t(el.dataset.i18nPh));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}

/** Builds an element; string children become text nodes, so data never reaches innerHTML. */
export function h(tag, className, ...children) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false && c !== ''));
  return el;
}

/** Replaces an element's children, leaving out null/undefined/false (never appended as text). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** h() plus attributes: attrs is an object of attribute names to values (null/false = left out). */
export function ha(tag, className, attrs, ...children) {
  const el = h(tag, className, ...children);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  return el;
}

/** A button with text and an optional click handler. */
export function button(text, className, onClick, attrs) {
  const b = ha('button', className ?? 'button', { type: 'button', ...attrs }, text);
  if (onClick) b.addEventListener('click', onClick);
  return b;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/** An SVG element with attributes (never innerHTML). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== ''));
  return el;
}

/** English field of an API object where the API has one (title_en), else the German one. */
export const localized = (obj, field) => (lang === 'en' && obj?.[field + '_en']) || obj?.[field] || '';

/** Is a field shown in German although the page is English (no _en in the data)? Then mark it lang="de". */
export const germanOnly = (obj, field) => lang === 'en' && !obj?.[field + '_en'] && Boolean(obj?.[field]);

// The catalogue's units in English (the data keep the German ones).
const UNITS_EN = {
  Anzahl: 'number', 'Einw. je km²': 'inhabitants per km²', Jahr: 'year', Jahre: 'years', Personen: 'persons',
  'Tsd. €': 'thousand €', Wohnungen: 'dwellings', 'je 1.000 Einw.': 'per 1,000 inhabitants', 'je 1.000 Einwohner': 'per 1,000 inhabitants',
  'je 10.000 Einw.': 'per 10,000 inhabitants', 'je km²': 'per km²', 'je 100': 'per 100', 'je 100.000 Einw.': 'per 100,000 inhabitants', Prozentpunkte: 'percentage points',
};

// Region types (BEZ) in English; names stay as they are.
const TYPES_EN = {
  Land: 'Land (state)', Freistaat: 'Free State', 'Freie und Hansestadt': 'Free and Hanseatic City', 'Freie Hansestadt': 'Free Hanseatic City',
  'Kreisfreie Stadt': 'district-free city', Stadtkreis: 'urban district', Landkreis: 'rural district', Kreis: 'district',
  Regionalverband: 'regional association', Stadt: 'town', Gemeinde: 'municipality', Markt: 'market town',
  'Gemeindefreies Gebiet': 'unincorporated area', Verwaltungsgemeinschaft: 'municipal association',
};

/** A region type in the page's language. */
export const regionType = (ty) => (lang === 'en' && TYPES_EN[ty]) || ty || '';

/** A unit in the page's language; a normalised one ("Wohnungen je 1.000 Einw.") part by part. */
export function unitText(u) {
  if (lang !== 'en' || !u) return u || '';
  if (UNITS_EN[u]) return UNITS_EN[u];
  const m = /^(.+) (je (?:1\.000|100\.000) Einw\.|je km²)$/.exec(u);
  return m ? `${UNITS_EN[m[1]] ?? m[1]} ${UNITS_EN[m[2]]}` : u;
}

/** A number the server wrote in German notation ("1.234,5", in legend labels) in the page's notation. */
export const localNumbers = (s) => (lang === 'en' ? String(s ?? '').replace(/\d[\d.,]*\d|\d/g, (n) => n.replace(/[.,]/g, (c) => (c === '.' ? ',' : '.'))) : String(s ?? ''));

/** Topic title: ours in English, else the catalogue's. */
export const topicTitle = (ind) =>
  (lang === 'en' && hasString('topic_' + ind?.topic) ? t('topic_' + ind.topic) : ind?.topic_title) || ind?.topic || '';

// Numbers follow the page's language: "1.234,5" (German), "1,234.5" (English); the server's
// legend labels are written in German and turned round by localNumbers.
const formats = new Map();
function nf(min, max) {
  const k = `${lang}/${min}/${max}`;
  if (!formats.has(k)) formats.set(k, new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'de-DE', { minimumFractionDigits: min, maximumFractionDigits: max }));
  return formats.get(k);
}

/** decimals: the indicator's "decimals" where the API gives it; else 0–3 digits by size. */
export function formatNumber(v, decimals) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '';
  if (Number.isInteger(decimals) && decimals >= 0 && decimals <= 6) return nf(decimals, decimals).format(v);
  const a = Math.abs(v);
  return nf(0, a >= 100 ? 1 : a >= 1 ? 2 : 3).format(v);
}

/** Signed number: "+0,12", "−0,30". */
export function formatSigned(v, decimals) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '';
  const s = formatNumber(Math.abs(v), decimals);
  return (v > 0 ? '+' : v < 0 ? '−' : '±') + s;
}

export const flagText = (flag) => (flag && flag !== 'missing' ? (hasString('flag_' + flag) ? t('flag_' + flag) : flag) : '');

/** "3,48 %", "keine Daten (geheimgehalten)", "4,1 % (geschätzt)". */
export function formatValue(v, unit, flag, decimals) {
  const f = flagText(flag);
  const suffix = f ? ` (${f})` : '';
  if (typeof v !== 'number' || !Number.isFinite(v)) return (flag === 'zero' ? '–' : t('no_data')) + suffix;
  return formatNumber(v, decimals) + (unit ? '\u00a0' + unitText(unit) : '') + suffix;
}

/** Parses a German or English number ("7,5" or "7.5"); NaN if none. */
export function parseNumber(s) {
  const x = String(s).trim().replace(/\s/g, '');
  if (!x) return NaN;
  const n = Number(x.includes(',') && !x.includes('.') ? x.replace(',', '.') : x.replace(/,/g, ''));
  return Number.isFinite(n) ? n : NaN;
}

/** Lower-case, without diacritics, ß → ss, ae/oe/ue → a/o/u: for searching names ("Muenchen", "Strasse"). */
export const fold = (s) =>
  String(s ?? '').toLowerCase().replace(/ß/g, 'ss').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/([aou])e/g, '$1');
