package web

// methodText is a method page's text: title, plain-language paragraphs and
// the formula, each [German, English]. The texts describe what the code
// does: atlas/classify.go (classifications), atlas/analysis/index.go,
// distribution.go, headroom.go and reference.go.
type methodText struct {
	Title   [2]string
	Body    [2][]string
	Formula [2][]string
}

func (m methodText) title(l reportLang) string  { return m.Title[langIndex(l)] }
func (m methodText) body(l reportLang) []string { return m.Body[langIndex(l)] }

// methodTexts are the method pages by path below /methods/.
var methodTexts = map[string]methodText{
	"classification/quantile": {
		Title: [2]string{"Klassen mit gleicher Anzahl (Quantile)", "Classes of equal count (quantiles)"},
		Body: [2][]string{{
			"Die Gebiete werden nach ihrem Wert sortiert und in Klassen mit etwa gleich vielen Gebieten geteilt. Bei fünf Klassen liegt also etwa jedes fünfte Gebiet in jeder Klasse. So ist jede Farbe gleich häufig; die Klassen können aber sehr unterschiedlich breit sein.",
			"Gebiete ohne Wert zählen nicht mit. Die Grenzen werden auf die Nachkommastellen des Indikators gerundet, damit die Legende genau die verwendeten Grenzen zeigt. Gibt es weniger verschiedene Werte als Klassen, entstehen weniger Klassen.",
			"Jede Klasse reicht von ihrer Untergrenze bis knapp unter die nächste Grenze; die letzte Klasse schließt den größten Wert ein.",
		}, {
			"The areas are sorted by their value and split into classes holding about the same number of areas. With five classes, about every fifth area falls into each class. Every colour is thus equally frequent; the classes can however differ widely in width.",
			"Areas without a value do not count. The breaks are rounded to the indicator's decimals, so that the legend shows exactly the breaks used. Where there are fewer distinct values than classes, fewer classes result.",
			"Each class runs from its lower bound to just below the next break; the last class includes the largest value.",
		}},
		Formula: [2][]string{{
			"Werte aufsteigend sortiert: x₀ ≤ x₁ ≤ … ≤ xₙ₋₁; k Klassen.",
			"Grenze_i = x_⌊h⌋ + (h − ⌊h⌋) · (x_⌊h⌋+1 − x_⌊h⌋), h = (n − 1) · i ÷ k, i = 1 … k − 1 (Quantil Typ 7, wie R und NumPy).",
			"Klassen: [min, Grenze₁), [Grenze₁, Grenze₂), …, [Grenze_k−1, max].",
		}, {
			"Values sorted ascending: x₀ ≤ x₁ ≤ … ≤ xₙ₋₁; k classes.",
			"break_i = x_⌊h⌋ + (h − ⌊h⌋) · (x_⌊h⌋+1 − x_⌊h⌋), h = (n − 1) · i ÷ k, i = 1 … k − 1 (quantile type 7, as in R and NumPy).",
			"Classes: [min, break₁), [break₁, break₂), …, [break_k−1, max].",
		}},
	},
	"classification/equal": {
		Title: [2]string{"Gleich breite Klassen", "Equal intervals"},
		Body: [2][]string{{
			"Die Spanne vom kleinsten zum größten Wert wird in gleich breite Abschnitte geteilt. Jede Klasse umfasst denselben Wertebereich; wie viele Gebiete darin liegen, hängt von der Verteilung ab. Einzelne sehr hohe Werte können die meisten Gebiete in eine Klasse drängen.",
			"Gebiete ohne Wert zählen nicht mit. Die Grenzen werden auf die Nachkommastellen des Indikators gerundet.",
		}, {
			"The range from the smallest to the largest value is split into sections of equal width. Every class covers the same range of values; how many areas it holds depends on the distribution. A few very high values can push most areas into one class.",
			"Areas without a value do not count. The breaks are rounded to the indicator's decimals.",
		}},
		Formula: [2][]string{{
			"Grenze_i = min + (max − min) · i ÷ k, i = 1 … k − 1.",
		}, {
			"break_i = min + (max − min) · i ÷ k, i = 1 … k − 1.",
		}},
	},
	"classification/jenks": {
		Title: [2]string{"Natürliche Brüche (Jenks)", "Natural breaks (Jenks)"},
		Body: [2][]string{{
			"Die Grenzen werden dort gezogen, wo die Werte natürliche Lücken haben: Gebiete mit ähnlichen Werten kommen in dieselbe Klasse, die Klassen unterscheiden sich möglichst deutlich.",
			"Der Atlas berechnet die beste Einteilung exakt (Ckmeans, optimale eindimensionale k-Means-Einteilung), nicht durch Probieren. Die Grenzen sind Werte aus den Daten. Gebiete ohne Wert zählen nicht mit.",
		}, {
			"The breaks are drawn where the values have natural gaps: areas with similar values end up in the same class, and the classes differ as clearly as possible.",
			"The atlas computes the best split exactly (Ckmeans, the optimal one-dimensional k-means clustering), not by trial. The breaks are values from the data. Areas without a value do not count.",
		}},
		Formula: [2][]string{{
			"Minimiere Σ_Klassen Σ_(x in Klasse) (x − Mittelwert der Klasse)² über alle Einteilungen der sortierten Werte in k zusammenhängende Klassen.",
			"Exakt durch dynamische Programmierung (Wang & Song 2011, Ckmeans.1d.dp); Grenze = kleinster Wert der Klassen 2 … k.",
		}, {
			"Minimise Σ_classes Σ_(x in class) (x − mean of the class)² over all splits of the sorted values into k contiguous classes.",
			"Exact, by dynamic programming (Wang & Song 2011, Ckmeans.1d.dp); break = smallest value of classes 2 … k.",
		}},
	},
	"classification/stddev": {
		Title: [2]string{"Standardabweichung um den Mittelwert", "Standard deviation around the mean"},
		Body: [2][]string{{
			"Die Klassen zeigen, wie weit ein Gebiet vom Durchschnitt der Gebiete abweicht. Der Mittelwert ist selbst eine Grenze: Alles darunter ist „unter dem Mittel“, alles darüber „über dem Mittel“. Die weiteren Grenzen liegen jeweils eine Standardabweichung weiter, auf beiden Seiten gleich weit.",
			"Weil die Klassen paarweise um den Mittelwert liegen, ist ihre Zahl gerade: Eine ungerade Wahl wird um eins erhöht (3 → 4, 5 → 6, 7 → 8), 9 wird zu 8. Alle Klassen werden gezeichnet, auch äußere, in die kein Gebiet fällt, damit die Farben auf den Mittelwert zentriert bleiben.",
			"Mittelwert und Standardabweichung sind die der gezeigten Gebiete (ungewichtet), kein amtlicher Durchschnitt. Streuen die Werte nicht oder zu wenig für die angezeigten Nachkommastellen, entstehen weniger Klassen.",
		}, {
			"The classes show how far an area lies from the average of the areas. The mean itself is a break: everything below is “below the mean”, everything above “above the mean”. The further breaks lie one standard deviation apart, equally far on both sides.",
			"Because the classes come in pairs around the mean, their number is even: an odd choice is raised by one (3 → 4, 5 → 6, 7 → 8), 9 becomes 8. Every class is drawn, also outer ones no area falls into, so that the colours stay centred on the mean.",
			"Mean and standard deviation are those of the areas shown (unweighted), not an official average. Where the values do not vary, or too little for the decimals shown, fewer classes result.",
		}},
		Formula: [2][]string{{
			"m = Σ xᵢ ÷ n, s = √(Σ (xᵢ − m)² ÷ n) (Standardabweichung der Grundgesamtheit).",
			"k gerade, h = k ÷ 2 − 1: Grenzen m + j · s für j = −h … h (der Mittelwert m ungerundet, die übrigen auf die Nachkommastellen gerundet).",
			"Äußere Grenzen: min(kleinster Wert, m − h·s − s) und max(größter Wert, m + h·s + s); liegt eine davon jenseits der Werte, heißt die Klasse in der Legende „< Grenze“ bzw. „≥ Grenze“.",
		}, {
			"m = Σ xᵢ ÷ n, s = √(Σ (xᵢ − m)² ÷ n) (population standard deviation).",
			"k even, h = k ÷ 2 − 1: breaks m + j · s for j = −h … h (the mean m unrounded, the others rounded to the decimals).",
			"Outer bounds: min(smallest value, m − h·s − s) and max(largest value, m + h·s + s); where one lies beyond the values, the legend labels that class “< break” or “≥ break”.",
		}},
	},
	"classification/manual": {
		Title: [2]string{"Eigene Grenzen", "Manual breaks"},
		Body: [2][]string{{
			"Sie geben die Grenzen selbst vor, zum Beispiel 1; 2,5; 4. Die Grenzen müssen aufsteigen. So bedeutet eine Farbe in jedem Jahr und auf jeder Karte dasselbe, etwa für einen Zeitvergleich oder einen Zielwert.",
			"Die Klassen zwischen zwei Grenzen gibt es immer, auch wenn kein Gebiet hineinfällt. Eine Klasse unter der ersten Grenze gibt es nur, wenn Werte darunter liegen, eine über der letzten nur, wenn Werte darüber liegen.",
		}, {
			"You set the breaks yourself, for example 1, 2.5, 4. The breaks must increase. A colour then means the same in every year and on every map, for instance to compare over time or against a target.",
			"The classes between two breaks always exist, also when no area falls into them. A class below the first break exists only when values lie below it, one above the last only when values lie above it.",
		}},
		Formula: [2][]string{{
			"Grenzen b₁ < b₂ < … < bₙ: Klassen [min, b₁), [b₁, b₂), …, [bₙ, max]; die letzte Klasse schließt den größten Wert ein.",
		}, {
			"Breaks b₁ < b₂ < … < bₙ: classes [min, b₁), [b₁, b₂), …, [bₙ, max]; the last class includes the largest value.",
		}},
	},
	"index": {
		Title: [2]string{"Kapazitätsindex", "Composite capacity index"},
		Body: [2][]string{{
			"Der Index fasst mehrere Indikatoren, die Sie auswählen und gewichten, zu einer Zahl je Gebiet zusammen. Jeder Indikator wird zuerst vergleichbar gemacht: Bei Kapazitätsindikatoren ist ein hoher Wert gut, bei Bedarfsindikatoren wird die Richtung umgekehrt, damit ein hoher Index immer eine hohe Aufnahmefähigkeit bedeutet.",
			"Standard ist die Min-Max-Skalierung: Das Gebiet mit dem ungünstigsten Wert der Ebene erhält 0, das mit dem günstigsten 100, die übrigen liegen dazwischen. Wahlweise wird mit z-Werten gerechnet: Abstand zum Mittel der Gebiete in Standardabweichungen.",
			"Der Index ist das gewichtete Mittel dieser Werte; die Gewichte sind relativ (2 und 1 bedeutet: doppelt so wichtig). Für jedes Gebiet wird gezeigt, wie viel jeder Indikator beiträgt; die Beiträge ergeben zusammen den Index.",
			"Ein Gebiet, dem ein Wert eines gewählten Indikators fehlt, erhält keinen Index und wird als unvollständig aufgeführt, statt mit einer Lücke verzerrt zu werden. Der Index ist relativ zu den Gebieten der Ebene: Er sagt, wo ein Gebiet im Vergleich steht, nicht wie viele Menschen es aufnehmen kann.",
		}, {
			"The index combines several indicators, which you choose and weight, into one figure per area. Each indicator is first made comparable: for capacity indicators a high value is good; for need indicators the direction is reversed, so that a high index always means a high capacity to take people in.",
			"The default is min-max scaling: the area with the least favourable value of the level gets 0, the one with the most favourable 100, the others lie in between. Alternatively z-scores are used: the distance from the mean of the areas in standard deviations.",
			"The index is the weighted mean of these scores; the weights are relative (2 and 1 means: twice as important). For each area the page shows how much each indicator contributes; the contributions add up to the index.",
			"An area lacking a value of a chosen indicator gets no index and is listed as incomplete, rather than being distorted by a gap. The index is relative to the areas of the level: it says where an area stands in comparison, not how many people it can take in.",
		}},
		Formula: [2][]string{{
			"Min-Max: Index_i = 100 · Σ_j w_j · n_ij ÷ Σ_j w_j; n_ij = (x_ij − min_j) ÷ (max_j − min_j) für Kapazität, (max_j − x_ij) ÷ (max_j − min_j) für Bedarf; min und max über alle Gebiete der Ebene mit Wert.",
			"z-Werte: Index_i = Σ_j w_j · z_ij ÷ Σ_j w_j; z_ij = v_j · (x_ij − m_j) ÷ s_j mit v_j = +1 (Kapazität) bzw. −1 (Bedarf), Mittelwert m_j und Standardabweichung s_j (Grundgesamtheit) über alle Gebiete der Ebene mit Wert.",
			"Beitrag_ij = w_j · n_ij ÷ Σ w (Summe der Beiträge = Index). Die Karte des Index wird in Quantil-Klassen eingeteilt.",
		}, {
			"Min-max: index_i = 100 · Σ_j w_j · n_ij ÷ Σ_j w_j; n_ij = (x_ij − min_j) ÷ (max_j − min_j) for capacity, (max_j − x_ij) ÷ (max_j − min_j) for need; min and max over all areas of the level with a value.",
			"z-scores: index_i = Σ_j w_j · z_ij ÷ Σ_j w_j; z_ij = v_j · (x_ij − m_j) ÷ s_j with v_j = +1 (capacity) or −1 (need), mean m_j and standard deviation s_j (population) over all areas of the level with a value.",
			"contribution_ij = w_j · n_ij ÷ Σ w (the contributions add up to the index). The index map is classified in quantile classes.",
		}},
	},
	"distribution": {
		Title: [2]string{"Verteilungsschlüssel", "Distribution key"},
		Body: [2][]string{{
			"Der Verteilungsschlüssel ist ein Modell, wie Ankommende auf die Länder (oder auf die Kreise eines Landes) verteilt werden könnten, wenn nicht nur Steuerkraft und Bevölkerung zählen wie beim Königsteiner Schlüssel, sondern auch Kapazitäten wie freie Wohnungen, Fläche oder Betreuungsquoten.",
			"Für jeden gewählten Indikator wird der Anteil jedes Gebiets am Ganzen berechnet. Zählungen (Bevölkerung, Fläche, Wohnungen, leerstehende Wohnungen) gehen direkt ein. Quoten werden erst in einen Bestand umgerechnet: Quote mal Bevölkerung (bzw. mal der Zählung derselben Quelle, etwa bei Zensus-Quoten), denn ein Land mit hoher Quote, aber wenigen Einwohnern bietet absolut wenig. Bedarfsindikatoren gehen nicht ein. Der Schlüssel ist das gewichtete Mittel dieser Anteile.",
			"Verglichen wird auf Länderebene mit dem Königsteiner Schlüssel, auf Kreisebene mit dem Bevölkerungsanteil im Land. Aus einer Zahl von Ankommenden werden ganze Personen je Gebiet, die sich genau zur Gesamtzahl addieren (Verfahren der größten Reste).",
			"Das Sensitivitätsband zeigt, wie stark ein Anteil von den Gewichten abhängt: Jedes Gewicht wird um ±20 % verändert (bis 8 Indikatoren alle Kombinationen, sonst jedes Gewicht einzeln), das Band reicht vom kleinsten bis zum größten Anteil. Mit nur einem Indikator, etwa der Bevölkerung allein, kann sich der Anteil nicht ändern: Das Band ist dann ein einziger Wert.",
		}, {
			"The distribution key is a model of how arrivals could be distributed among the Länder (or the Kreise of one Land) if not only tax revenue and population counted, as in the Königsteiner Schlüssel, but also capacities such as vacant dwellings, area or childcare rates.",
			"For each chosen indicator, each area's share of the whole is computed. Counts (population, area, dwellings, vacant dwellings) enter directly. Rates are first turned into a stock: the rate times the population (or times the count of the same source, e.g. for census rates), since a Land with a high rate but few inhabitants offers little in absolute terms. Need indicators do not enter. The key is the weighted mean of these shares.",
			"At Land level it is compared with the Königsteiner Schlüssel, at Kreis level with the population share within the Land. A number of arrivals becomes whole persons per area that add up exactly to the total (largest remainder method).",
			"The sensitivity band shows how much a share depends on the weights: every weight is changed by ±20 % (every combination for up to 8 indicators, else each weight alone), and the band runs from the smallest to the largest share. With a single indicator, such as population alone, the share cannot change: the band is then a single value.",
		}},
		Formula: [2][]string{{
			"Anteil_i = Σ_j w_j · s_ij ÷ Σ_j w_j (in %); s_ij = m_ij ÷ Σ_k m_kj über die Gebiete des Bereichs (alle Länder bzw. die Kreise des Landes).",
			"Zählungen: m_ij = x_ij. Kapazitätsquoten: m_ij = x̄_ij · B_i mit x̄_ij = Σ_u B_u · x_uj ÷ Σ_u B_u über die Einheiten u des Gebiets mit Wert und B_i = Σ_u B_u; B = die Zählung derselben Quelle, sonst die Bevölkerung des nächstgelegenen Jahres.",
			"Personen_i = Ankommende · Anteil_i ÷ 100, auf ganze Personen gerundet nach den größten Resten (Hare-Niemeyer).",
			"Band: kleinster und größter Anteil_i, wenn die Gewichte mit den Faktoren {0,8; 1; 1,2} verändert werden.",
		}, {
			"share_i = Σ_j w_j · s_ij ÷ Σ_j w_j (in %); s_ij = m_ij ÷ Σ_k m_kj over the areas in scope (all Länder, or the Kreise of the Land).",
			"Counts: m_ij = x_ij. Capacity rates: m_ij = x̄_ij · B_i with x̄_ij = Σ_u B_u · x_uj ÷ Σ_u B_u over the units u of the area with a value and B_i = Σ_u B_u; B = the count of the same source, else the population of the nearest year.",
			"persons_i = arrivals · share_i ÷ 100, rounded to whole persons by largest remainders (Hare–Niemeyer).",
			"Band: smallest and largest share_i when the weights are changed by the factors {0.8, 1, 1.2}.",
		}},
	},
	"headroom": {
		Title: [2]string{"Spielraum: Kapazität je erwarteter Person", "Headroom: capacity per expected arrival"},
		Body: [2][]string{{
			"Der Spielraum setzt eine Kapazität, die als Zahl vorliegt (derzeit leerstehende Wohnungen laut Zensus 2022), ins Verhältnis zu den Personen, die ein Gebiet nach einem Schlüssel erwarten würde. Wählbar sind der Königsteiner Schlüssel, der Bevölkerungsanteil oder ein eigener Verteilungsschlüssel.",
			"Aus der Zahl der Ankommenden in Deutschland und dem Anteil des Gebiets ergibt sich die erwartete Zahl; auf Kreisebene erhält das Land zuerst seinen Anteil, der dann innerhalb des Landes verteilt wird. Angezeigt wird, wie viele Wohnungen je erwarteter Person vorhanden sind, und umgekehrt.",
			"Freie Kita- und Schulplätze, Plätze in Integrationskursen und in Unterkünften sind nicht in den Daten. Der Atlas nennt sie als fehlend, statt sie aus Quoten zu schätzen: Eine Betreuungsquote ist kein freier Platz.",
		}, {
			"Headroom relates a capacity available as a count (at present vacant dwellings from the 2022 census) to the persons an area would expect under a key: the Königsteiner Schlüssel, the population share or your own distribution key.",
			"The expected number follows from the arrivals in Germany and the area's share; at Kreis level the Land first receives its share, which is then distributed within the Land. The page shows how many dwellings there are per expected person, and the reverse.",
			"Free childcare and school places, places in integration courses and in accommodation are not in the data. The atlas names them as missing rather than estimating them from rates: a childcare rate is not a free place.",
		}},
		Formula: [2][]string{{
			"erwartete_i = Ankommende_im_Bereich · Anteil_i ÷ 100; Kapazität_je_Person_i = Kapazität_i ÷ erwartete_i; Personen_je_Kapazität_i = erwartete_i ÷ Kapazität_i.",
			"Kreisebene: Ankommende_im_Bereich = Ankommende · Anteil des Landes (Königsteiner Schlüssel) ÷ 100.",
		}, {
			"expected_i = arrivals_in_scope · share_i ÷ 100; capacity_per_arrival_i = capacity_i ÷ expected_i; arrivals_per_capacity_i = expected_i ÷ capacity_i.",
			"Kreis level: arrivals_in_scope = arrivals · the Land's share (Königsteiner Schlüssel) ÷ 100.",
		}},
	},
	"references": {
		Title: [2]string{"Vergleichswerte für Land und Deutschland", "Land and Germany references"},
		Body: [2][]string{{
			"Neben dem Wert eines Gebiets zeigt der Atlas den Wert seines Landes und Deutschlands im selben Jahr. Wo die Quelle eine Zeile für das Land oder für Deutschland enthält, ist das der amtliche Wert.",
			"Fehlt er, berechnet der Atlas ihn nur für Zählungen selbst: als Summe der Kreise des Landes bzw. der 16 Länder, und nur, wenn jedes dieser Gebiete einen Wert hat. Solche Werte sind als eigene Berechnung gekennzeichnet.",
			"Für Quoten und Anteile ohne amtlichen Wert zeigt der Atlas keinen Vergleichswert. Ein Mittelwert der Quoten der Gebiete wäre nicht die Quote des Landes oder Deutschlands, weil große und kleine Gebiete gleich zählen würden.",
		}, {
			"Next to an area's value the atlas shows the value of its Land and of Germany in the same year. Where the source holds a row for the Land or for Germany, that is the official value.",
			"Where it is missing, the atlas calculates it itself for counts only: as the sum of the Kreise of the Land or of the 16 Länder, and only when every one of these areas has a value. Such values are marked as own calculation.",
			"For rates and shares without an official value the atlas shows no reference. A mean of the areas' rates would not be the rate of the Land or of Germany, since large and small areas would count equally.",
		}},
		Formula: [2][]string{{
			"Land: amtlicher Wert der Quelle; sonst, nur für Zählungen, Σ der Kreise des Landes, wenn alle einen Wert haben (eigene Berechnung); sonst kein Wert.",
			"Deutschland: amtlicher Wert der Quelle; sonst, nur für Zählungen, Σ der 16 Länder (bzw. der Kreise), wenn alle einen Wert haben (eigene Berechnung); sonst kein Wert. Nie ein Mittelwert von Quoten.",
		}, {
			"Land: the source's official value; else, for counts only, Σ over the Land's Kreise when all have a value (own calculation); else no value.",
			"Germany: the source's official value; else, for counts only, Σ over the 16 Länder (or the Kreise) when all have a value (own calculation); else no value. Never a mean of rates.",
		}},
	},
}
