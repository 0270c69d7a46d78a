package dashboards

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
)

// texts are the words of the pages, Danish first; English via ?lang=en.
var texts = map[string]map[string]string{
	"da": {
		"forecast":               "Prognose",
		"band_low":               "Prognose, lav",
		"band_high":              "Prognose, høj",
		"region":                 "regionen",
		"by_municipality":        "Udbud og efterspørgsel pr. kommune",
		"municipality_acting":    "Kommune",
		"gap":                    "Forskel",
		"survey":                 "Spørgeskema",
		"survey_caption":         "Kommunernes vurdering af, hvor godt udbuddet dækker behovet (1-5)",
		"score":                  "Vurdering",
		"comment":                "Begrundelse",
		"dont_know":              "ved ikke",
		"offers_serving":         "Tilbud til målgruppen",
		"offers_caption":         "Tilbud, der har målgruppen, med deres pladser",
		"offer":                  "Tilbud",
		"places":                 "Pladser",
		"no_offers":              "Ingen tilbud har målgruppen.",
		"gaps_title":             "Kapacitet – fund",
		"gaps_heading":           "Alle fund",
		"supply":                 "Udbud",
		"demand":                 "Efterspørgsel",
		"all":                    "Alle",
		"all_areas":              "Regionen og alle kommuner",
		"apply":                  "Vis",
		"kind":                   "Slags",
		"severity":               "Vurdering",
		"target_group":           "Målgruppe",
		"place_type":             "Pladstype",
		"area":                   "Område",
		"series_caption":         "Udbud og efterspørgsel over årene",
		"data_title":             "Kapacitet – data og udgaver",
		"data_heading":           "Data og udgaver",
		"editions":               "Udgaver",
		"editions_caption":       "Offentliggjorte udgaver, den nyeste først, med antal rettelser i forhold til årets forrige udgave",
		"edition":                "Udgave",
		"corrections":            "Rettelser",
		"editions_api":           "Udgaverne og deres rettelseslog som JSON",
		"no_editions":            "Der er endnu ingen offentliggjorte udgaver.",
		"datasets":               "Datasæt",
		"datasets_caption":       "Offentliggjorte rækker pr. datasæt og år",
		"datasets_caption_draft": "Indlæste rækker pr. datasæt og år (kladde)",
		"dataset":                "Datasæt",
		"delivery_heading":       "Indberetninger for %d",
		"templates":              "Skabeloner til indberetning",
		"templates_note":         "Tomme skabeloner med vejledning og rullelister. Udfyldte skabeloner med sidste års rækker kræver et analytikertoken.",
		"title":                  "Kapacitet – udbud og efterspørgsel i %[1]s",
		"brand":                  "Kapacitet",
		"subtitle":               "Det specialiserede social- og specialundervisningsområde · Nordjysk Socialaftale",
		"overview":               "Overblik",
		"year":                   "År",
		"heading":                "Pladser og behov i %[1]s",
		"places_by_loc":          "Dag- og døgnpladser fordelt pr. beliggenhedskommune",
		"municipality":           "Beliggenhedskommune",
		"total":                  "I alt",
		"agreement_of":           "heraf %s kommunale og %s regionale",
		"agreement_share":        "Andel Socialaftale-pladser",
		"findings":               "Fund",
		"balance_list":           "Målgrupper i balance",
		"incomplete":             "%d har ikke både pladser og efterspørgsel indlæst, så der er ingen fund om udbud og efterspørgsel.",
		"no_findings":            "Ingen fund for det valgte filter.",
		"filter":                 "Filter",
		"clear_filter":           "Vis alle fund",
		"source":                 "Kilde: kommunernes og regionens indberetninger til afdækningen af udbud og efterspørgsel, indlæst i Kapacitet.",
		"as_of":                  "Opgjort pr.",
		"no_data":                "Der er endnu ingen offentliggjorte data. Indlæs data og offentliggør et år (se README).",
		"chart_fallback":         "Diagrammet kræver JavaScript; tallene står i tabellen.",
		"lang_switch":            "English",
		"lang_href":              "en",
		"draft":                  "Kladde: siden viser også data, der ikke er offentliggjort.",
		"sev_critical_shortage":  "Kritisk mangel",
		"sev_shortage":           "Mangel",
		"sev_balance":            "Balance",
		"sev_surplus":            "Overskud",
		"sev_info":               "Info",
		"sev_warning":            "Advarsel",
		"sev_critical":           "Kritisk",
		"short_kommunal":         "Kommunale",
		"short_privat":           "Private",
		"short_socialaftale":     "Socialaftale",
		"summary":                "I %[2]d var der %[3]s pladser i %[1]s; %[4]s (%[5]s) var Socialaftale-pladser.",
	},
	"en": {
		"forecast":               "Forecast",
		"band_low":               "Forecast, low",
		"band_high":              "Forecast, high",
		"region":                 "the region",
		"by_municipality":        "Supply and demand by municipality",
		"municipality_acting":    "Municipality",
		"gap":                    "Gap",
		"survey":                 "Survey",
		"survey_caption":         "The municipalities' assessment of how well supply meets the need (1-5)",
		"score":                  "Score",
		"comment":                "Reason",
		"dont_know":              "don't know",
		"offers_serving":         "Offers for the target group",
		"offers_caption":         "Offers that have the target group, with their places",
		"offer":                  "Offer",
		"places":                 "Places",
		"no_offers":              "No offer has the target group.",
		"gaps_title":             "Kapacitet – findings",
		"gaps_heading":           "All findings",
		"supply":                 "Supply",
		"demand":                 "Demand",
		"all":                    "All",
		"all_areas":              "The region and every municipality",
		"apply":                  "Show",
		"kind":                   "Kind",
		"severity":               "Assessment",
		"target_group":           "Target group",
		"place_type":             "Place type",
		"area":                   "Area",
		"series_caption":         "Supply and demand over the years",
		"data_title":             "Kapacitet – data and editions",
		"data_heading":           "Data and editions",
		"editions":               "Editions",
		"editions_caption":       "Published editions, the newest first, with the number of corrections against the year's previous edition",
		"edition":                "Edition",
		"corrections":            "Corrections",
		"editions_api":           "The editions and their correction logs as JSON",
		"no_editions":            "No edition has been published yet.",
		"datasets":               "Datasets",
		"datasets_caption":       "Published rows by dataset and year",
		"datasets_caption_draft": "Loaded rows by dataset and year (draft)",
		"dataset":                "Dataset",
		"delivery_heading":       "Returns for %d",
		"templates":              "Templates for the returns",
		"templates_note":         "Empty templates with guidance and drop-down lists. Templates filled in with last year's rows need an analyst token.",
		"title":                  "Kapacitet – supply and demand in %[1]s",
		"brand":                  "Kapacitet",
		"subtitle":               "Specialised social and special-education services · Nordjysk Socialaftale",
		"overview":               "Overview",
		"year":                   "Year",
		"heading":                "Places and needs in %[1]s",
		"places_by_loc":          "Day and residential places by location municipality",
		"municipality":           "Location municipality",
		"total":                  "Total",
		"agreement_of":           "of which %s municipal and %s regional",
		"agreement_share":        "Share of agreement places",
		"findings":               "Findings",
		"balance_list":           "Target groups in balance",
		"incomplete":             "%d does not have both places and demand loaded, so there are no supply and demand findings.",
		"no_findings":            "No findings for this filter.",
		"filter":                 "Filter",
		"clear_filter":           "Show all findings",
		"source":                 "Source: the municipalities' and the region's returns to the supply and demand mapping, loaded into Kapacitet.",
		"as_of":                  "As of",
		"no_data":                "No published data yet. Load data and publish a year (see README).",
		"chart_fallback":         "The chart needs JavaScript; the numbers are in the table.",
		"lang_switch":            "Dansk",
		"lang_href":              "da",
		"draft":                  "Draft: this page also shows data that is not published.",
		"sev_critical_shortage":  "Critical shortage",
		"sev_shortage":           "Shortage",
		"sev_balance":            "Balance",
		"sev_surplus":            "Surplus",
		"sev_info":               "Info",
		"sev_warning":            "Warning",
		"sev_critical":           "Critical",
		"short_kommunal":         "Municipal",
		"short_privat":           "Private",
		"short_socialaftale":     "Agreement",
		"summary":                "In %[2]d there were %[3]s places in %[1]s; %[4]s (%[5]s) were agreement places.",
	},
}

func lang(l string) string {
	if l == "en" {
		return "en"
	}
	return "da"
}

// regionName is the region as the pages of lang name it.
func regionName(lang string) string {
	if lang == "en" {
		return data.RegionNameEN
	}
	return data.RegionNameDA
}

// text returns the text key of lang, with the region's name filled in where the text has %[1]s.
func text(lang, key string) string {
	t := texts[lang][key]
	if strings.Contains(t, "%[1]s") && !strings.Contains(t, "%[2]") {
		return fmt.Sprintf(t, regionName(lang))
	}
	return t
}

var templateFuncs = template.FuncMap{
	"num": func(n int64, lang string) string { return analysis.FormatInt(n, lang) },
	"t":   text,
}
