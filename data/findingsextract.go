package data

// FindingsExtract describes the extract of the findings (GET /api/v1/extracts/findings.{format}, `kapacitet
// export findings`): one row per finding with the numbers it rests on and its sentence. It is not a dataset
// one loads (not among Datasets); its columns give the extract's names, order and codebook.
var FindingsExtract = &Dataset{
	Name: "findings", NameDA: "Fund", NameEN: "Findings",
	Columns: []Column{
		{Name: "id", Kind: KindText, DA: "fundets id (art, år, område, målgruppe, ...)", EN: "the finding's id (kind, year, area, target group, ...)"},
		{Name: "kind", Kind: KindText, DA: "art: gap, growing, over_occupancy, at_risk, emergency_track, capacity_change, self_sufficiency, tariff, tariff_rise, central", EN: "kind: gap, growing, over_occupancy, at_risk, emergency_track, capacity_change, self_sufficiency, tariff, tariff_rise, central"},
		{Name: "severity", Kind: KindText, DA: "alvor: critical_shortage, shortage, balance, surplus (gap), critical, warning, info (de øvrige)", EN: "severity: critical_shortage, shortage, balance, surplus (gap), critical, warning, info (the others)"},
		{Name: "year", Kind: KindYear, DA: "året", EN: "the year"},
		{Name: "area", Kind: KindMunicipality, DA: "området: 1081 for regionen, ellers kommunekoden", EN: "the area: 1081 for the region, else the municipality code"},
		{Name: "target_group", Kind: KindTargetGroup, DA: "målgruppen (tom for fund om et tilbud uden målgruppe)", EN: "the target group (empty for findings of an offer without one)"},
		{Name: "place_type", Kind: KindPlaceType, DA: "pladstype: dag, doegn eller alle", EN: "place type: dag, doegn or alle"},
		{Name: "supply", Kind: KindInt, DA: "udbud (pladser)", EN: "supply (places)"},
		{Name: "demand", Kind: KindInt, DA: "efterspørgsel (personer); tom hvor den er skjult (diskretionering)", EN: "demand (persons); empty where hidden (disclosure control)"},
		{Name: "gap", Kind: KindInt, DA: "efterspørgsel minus udbud; tom hvor efterspørgslen er skjult", EN: "demand minus supply; empty where demand is hidden"},
		{Name: "gap_share", Kind: KindDecimal, DA: "gap som andel af efterspørgslen (0,10 = 10 %); tom ved efterspørgsel 0 eller skjult", EN: "gap as a share of demand (0.10 = 10 %); empty for demand 0 or hidden"},
		{Name: "suppressed", Kind: KindText, DA: "skjulte felter og hvad der vises i stedet (demand=<5; gap=–)", EN: "hidden fields and what is shown instead (demand=<5; gap=–)"},
		{Name: "sentence", Kind: KindText, DA: "fundet i én sætning", EN: "the finding in one sentence"},
		{Name: "url", Kind: KindText, DA: "siden der viser tallene", EN: "the page that shows the numbers"},
	},
}

// ExtractByName is the dataset, or the findings, an extract names.
func ExtractByName(name string) (*Dataset, bool) {
	if Normalize(name) == FindingsExtract.Name {
		return FindingsExtract, true
	}
	return DatasetByName(name)
}

// ExtractNames lists what an extract may name: the datasets and the findings.
func ExtractNames() string { return DatasetNames() + ", " + FindingsExtract.Name }
