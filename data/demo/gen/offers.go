package main

// offer is one named agreement offer (Socialaftale-tilbud) of the demo. All names, sizes and figures are
// illustrative; the ones the agreement mentions (Neurocenter Østerskoven, Specialbørnehjemmet Kvisten,
// Institut for Syn og Hørelse, Kompasset, CDH) carry the role it gives them.
type offer struct {
	id, name, operator string
	ownership          string // kommunal or regional
	location           int
	legal              string
	group              string
	extraGroups        []string
	dag, doegn         int            // places in 2022; other years via change
	change             map[int][2]int // year -> (dag, doegn) override
	enhanced           []int          // years under enhanced cooperation
	secure, national   bool
	budget             int            // budgeted occupancy, percent
	occupancy          map[int]string // year -> occupied full-year places (doegn line), fixed for the watched offers
}

var allYears = []int{2019, 2020, 2021, 2022, 2023}

const region = "Region Nordjylland"

// regionalOffers sum to 636 places in 2022; the last one absorbs the remainder (checked by the generator).
var regionalOffers = []offer{
	{id: "300101", name: "Neurocenter Østerskoven", operator: region, ownership: "regional", location: 846, legal: "SEL § 107",
		group: "hjerneskade", dag: 10, doegn: 38, enhanced: allYears, budget: 95},
	{id: "300102", name: "Specialbørnehjemmet Kvisten", operator: region, ownership: "regional", location: 851, legal: "SEL § 66",
		group: "boern-sygepleje", doegn: 12, enhanced: allYears, budget: 95,
		occupancy: map[int]string{2019: "10.3", 2020: "10.5", 2021: "11.2", 2022: "11.3", 2023: "11.5"}},
	{id: "300103", name: "Institut for Syn og Hørelse", operator: region, ownership: "regional", location: 851, legal: "SEL § 104",
		group: "syn-hoerelse", dag: 60, doegn: 20, enhanced: allYears, budget: 96},
	{id: "300104", name: "Kompasset, sikret institution", operator: region, ownership: "regional", location: 810, legal: "SEL § 66",
		group: "unge-sikret", doegn: 16, secure: true, national: true, budget: 97,
		occupancy: map[int]string{2019: "14.6", 2020: "15.1", 2021: "15.7", 2022: "16.9", 2023: "15.9"}},
	{id: "300105", name: "CDH – Center for Døvblindhed og Høretab", operator: region, ownership: "regional", location: 851, legal: "SEL § 108",
		group: "syn-hoerelse", dag: 20, doegn: 30, national: true, budget: 96},
	{id: "300106", name: "Bostedet Sofiendal", operator: region, ownership: "regional", location: 851, legal: "SEL § 108",
		group: "udviklingshaemning", doegn: 72, budget: 97},
	{id: "300107", name: "Botilbuddet Ålykke", operator: region, ownership: "regional", location: 860, legal: "SEL § 108",
		group: "autisme-voksne", doegn: 46, budget: 97},
	{id: "300108", name: "Hvidemøllegård", operator: region, ownership: "regional", location: 820, legal: "SEL § 108",
		group: "udviklingshaemning-dom", extraGroups: []string{"udviklingshaemning"}, doegn: 38, budget: 97},
	{id: "300109", name: "Specialbørnehjemmet Bøgehøj", operator: region, ownership: "regional", location: 851, legal: "SEL § 66",
		group: "autisme-boern", doegn: 44, budget: 96},
	{id: "300110", name: "Nørholmhus", operator: region, ownership: "regional", location: 851, legal: "SEL § 107",
		group: "socialpsykiatri", doegn: 36, budget: 97},
	{id: "300111", name: "Ungehuset Tagkærgård", operator: region, ownership: "regional", location: 813, legal: "SEL § 107",
		group: "unge-psykisk", doegn: 30, budget: 96},
	{id: "300112", name: "Skovbrynet", operator: region, ownership: "regional", location: 840, legal: "SEL § 108",
		group: "udviklingshaemning-demens", doegn: 40, budget: 97},
	{id: "300113", name: "Aktivitetscentret Birkebo", operator: region, ownership: "regional", location: 851, legal: "SEL § 104",
		group: "udviklingshaemning", dag: 34, budget: 95},
	{id: "300114", name: "Specialbørnehjemmet Solhøj", operator: region, ownership: "regional", location: 851, legal: "SEL § 66",
		group: "boern-sygepleje", doegn: 18, budget: 95},
	{id: "300115", name: "Botilbuddet Hyldebærhuset", operator: region, ownership: "regional", location: 860, legal: "SEL § 108",
		group: "hjerneskade", doegn: 0, budget: 96}, // size: remainder to 636
}

// municipalOffers are municipal offers used across municipalities under the agreement; they sum to 1.785
// places in 2022 (the last one absorbs the remainder).
var municipalOffers = []offer{
	{id: "400201", name: "Botilbuddet Birken", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 66",
		group: "autisme-boern", doegn: 14, enhanced: []int{2019, 2020, 2021, 2022}, budget: 96,
		occupancy: map[int]string{2019: "11.9", 2020: "12.0", 2021: "13.2", 2022: "13.3", 2023: "13.4"}},
	{id: "400202", name: "Autismecenter Nord, Aalborg", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 108",
		group: "autisme-voksne", dag: 40, doegn: 64, budget: 97},
	{id: "400203", name: "Specialcenter Vesthimmerland", operator: "Vesthimmerlands Kommune", ownership: "kommunal", location: 820, legal: "SEL § 104",
		group: "udviklingshaemning", dag: 56, doegn: 42, budget: 96},
	{id: "400204", name: "Bo- og Aktivitetscenter Mou", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 108",
		group: "udviklingshaemning", dag: 30, doegn: 48, budget: 97},
	{id: "400205", name: "Bostedet Lynghøj", operator: "Hjørring Kommune", ownership: "kommunal", location: 860, legal: "SEL § 107",
		group: "socialpsykiatri", doegn: 40, budget: 96},
	{id: "400206", name: "Opholdsstedet Nørrekær", operator: "Rebild Kommune", ownership: "kommunal", location: 840, legal: "SEL § 66",
		group: "autisme-boern", doegn: 22, budget: 95},
	{id: "400207", name: "Døgntilbuddet Hedebo", operator: "Brønderslev Kommune", ownership: "kommunal", location: 810, legal: "SEL § 66",
		group: "selvskade-boern", extraGroups: []string{"unge-psykisk"}, doegn: 8,
		change: map[int][2]int{2019: {0, 4}, 2020: {0, 5}, 2021: {0, 6}}, budget: 95},
	{id: "400208", name: "Center for Autisme Thisted", operator: "Thisted Kommune", ownership: "kommunal", location: 787, legal: "SEL § 108",
		group: "autisme-voksne", dag: 24, doegn: 30, budget: 96},
	{id: "400209", name: "Bofællesskabet Kastanjehuset", operator: "Frederikshavn Kommune", ownership: "kommunal", location: 813, legal: "SEL § 108",
		group: "udviklingshaemning", doegn: 36, budget: 97},
	{id: "400210", name: "Misbrugscenter Nord", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 101",
		group: "misbrug", dag: 120, doegn: 24, budget: 95},
	{id: "400211", name: "Forsorgshjemmet Svalegården", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 110",
		group: "hjemloeshed", doegn: 70, budget: 96},
	{id: "400212", name: "Kollegiet Skjoldgården", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 107",
		group: "unge-psykisk", dag: 20, doegn: 36, budget: 96},
	{id: "400213", name: "Bo- og Naboskab Morsø", operator: "Morsø Kommune", ownership: "kommunal", location: 773, legal: "SEL § 108",
		group: "udviklingshaemning", dag: 22, doegn: 28, budget: 96},
	{id: "400214", name: "Hjerneskadecenter Mariagerfjord", operator: "Mariagerfjord Kommune", ownership: "kommunal", location: 846, legal: "SEL § 107",
		group: "hjerneskade", dag: 30, doegn: 26, budget: 96},
	{id: "400215", name: "Bostedet Fjordparken", operator: "Jammerbugt Kommune", ownership: "kommunal", location: 849, legal: "SEL § 108",
		group: "udviklingshaemning", doegn: 34, budget: 97},
	{id: "400216", name: "Socialpsykiatrisk Center Hjørring", operator: "Hjørring Kommune", ownership: "kommunal", location: 860, legal: "SEL § 104",
		group: "socialpsykiatri", dag: 60, doegn: 30, budget: 95},
	{id: "400217", name: "Udviklingscentret Bredegaard", operator: "Frederikshavn Kommune", ownership: "kommunal", location: 813, legal: "SEL § 107",
		group: "udviklingshaemning-dom", doegn: 22, budget: 96},
	{id: "400218", name: "Botilbuddet Nordlyset", operator: "Brønderslev Kommune", ownership: "kommunal", location: 810, legal: "SEL § 108",
		group: "udviklingshaemning", dag: 18, doegn: 30, budget: 96},
	{id: "400219", name: "Dagcentret Tornhøj", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 104",
		group: "fysisk-handicap", dag: 48, budget: 95},
	{id: "400220", name: "Botilbuddet Kildehøj", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 108",
		group: "fysisk-handicap", doegn: 32, budget: 97},
	{id: "400221", name: "Specialskolen Aalborg Ungdomscenter", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 104",
		group: "autisme-boern", dag: 60, budget: 95},
	{id: "400222", name: "Autismecentret Pilegården", operator: "Jammerbugt Kommune", ownership: "kommunal", location: 849, legal: "SEL § 66",
		group: "autisme-boern", doegn: 20, budget: 95},
	{id: "400223", name: "Bostedet Elmehøj", operator: "Thisted Kommune", ownership: "kommunal", location: 787, legal: "SEL § 107",
		group: "socialpsykiatri", doegn: 28, budget: 96},
	{id: "400224", name: "Aktivitetshuset Thy", operator: "Thisted Kommune", ownership: "kommunal", location: 787, legal: "SEL § 104",
		group: "udviklingshaemning", dag: 44, budget: 95},
	{id: "400225", name: "Demenscentret Lindegården", operator: "Hjørring Kommune", ownership: "kommunal", location: 860, legal: "SEL § 108",
		group: "udviklingshaemning-demens", doegn: 24, budget: 97},
	{id: "400226", name: "Behandlingscenter Rebild", operator: "Rebild Kommune", ownership: "kommunal", location: 840, legal: "SEL § 101",
		group: "misbrug", dag: 40, doegn: 18, budget: 95},
	{id: "400227", name: "Krisecentret Frederikshavn", operator: "Frederikshavn Kommune", ownership: "kommunal", location: 813, legal: "SEL § 110",
		group: "hjemloeshed", doegn: 26, budget: 95},
	{id: "400228", name: "Bostedet Vesterled", operator: "Hjørring Kommune", ownership: "kommunal", location: 860, legal: "SEL § 108",
		group: "autisme-voksne", doegn: 36, budget: 97},
	{id: "400229", name: "Ungdomspensionen Kærvang", operator: "Mariagerfjord Kommune", ownership: "kommunal", location: 846, legal: "SEL § 107",
		group: "unge-psykisk", doegn: 18, budget: 96},
	{id: "400230", name: "Center for Spiseforstyrrelser Nord", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 107",
		group: "spiseforstyrrelse", dag: 8, doegn: 6, budget: 95},
	{id: "400231", name: "Bostedet Toftegården", operator: "Vesthimmerlands Kommune", ownership: "kommunal", location: 820, legal: "SEL § 108",
		group: "udviklingshaemning", doegn: 30, budget: 97},
	{id: "400232", name: "Værestedet Fristedet", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 104",
		group: "socialpsykiatri", dag: 70, budget: 95},
	{id: "400233", name: "Botilbuddet Hjortevang", operator: "Rebild Kommune", ownership: "kommunal", location: 840, legal: "SEL § 108",
		group: "udviklingshaemning-dom", doegn: 16, budget: 96},
	{id: "400234", name: "Neurocentret Brønderslev", operator: "Brønderslev Kommune", ownership: "kommunal", location: 810, legal: "SEL § 107",
		group: "hjerneskade", doegn: 20, budget: 96},
	{id: "400235", name: "Dagtilbuddet Æblehaven", operator: "Morsø Kommune", ownership: "kommunal", location: 773, legal: "SEL § 104",
		group: "udviklingshaemning", dag: 26, budget: 95},
	{id: "400236", name: "Specialbørnehjemmet Lærkereden", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 66",
		group: "boern-sygepleje", dag: 6, doegn: 4, budget: 95},
	{id: "400237", name: "Bo- og Støttecenter Nordjylland", operator: "Frederikshavn Kommune", ownership: "kommunal", location: 813, legal: "SEL § 107",
		group: "socialpsykiatri", doegn: 34, budget: 96},
	{id: "400238", name: "Ungecenter Jammerbugt", operator: "Jammerbugt Kommune", ownership: "kommunal", location: 849, legal: "SEL § 66",
		group: "selvskade-boern", doegn: 6, change: map[int][2]int{2019: {0, 3}, 2020: {0, 3}}, budget: 95},
	{id: "400239", name: "Bostedet Rosengården", operator: "Mariagerfjord Kommune", ownership: "kommunal", location: 846, legal: "SEL § 108",
		group: "fysisk-handicap", doegn: 22, budget: 96},
	{id: "400240", name: "Behandlingshjemmet Solstrålen", operator: "Thisted Kommune", ownership: "kommunal", location: 787, legal: "SEL § 107",
		group: "misbrug", doegn: 14, budget: 95},
	{id: "400241", name: "Syns- og Hørecentret Vendsyssel", operator: "Hjørring Kommune", ownership: "kommunal", location: 860, legal: "SEL § 104",
		group: "syn-hoerelse", dag: 12, budget: 95},
	{id: "400242", name: "Ældrecentret Kastaniegården", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 108",
		group: "udviklingshaemning-demens", doegn: 28, budget: 97},
	{id: "400243", name: "Bocentret Aabybro", operator: "Jammerbugt Kommune", ownership: "kommunal", location: 849, legal: "SEL § 108",
		group: "autisme-voksne", doegn: 26, budget: 96},
	{id: "400244", name: "Aktivitetscentret Løvvangen", operator: "Aalborg Kommune", ownership: "kommunal", location: 851, legal: "SEL § 104",
		group: "udviklingshaemning", dag: 0, doegn: 0, budget: 95}, // size: remainder to 1.785
}
