# Writes the text fixtures (CSV dialects, JSON, NDJSON). Run once and commit the output: python3 make-text.py
# Expected values are written by hand in ingest/formats_test.go.
# Windows-1252, semicolons, CRLF, decimal comma, thousands dot, title rows and blank lines above the header,
# Danish headers, names with æ/ø/å, a quoted field with the separator inside, an unknown column.
text = ("Afdækning af udbud og efterspørgsel 2023;;;;;;;;\r\n"
        "Nordjysk Socialaftale – kapacitet pr. beliggenhedskommune;;;;;;;;\r\n"
        "\r\n"
        "År;Beliggenhedskommune;Driftsform;Socialaftale;Pladstype;Målgruppe;Pladser;Belagte pladser;Bemærkning\r\n"
        "2023;Læsø;Kommunal;Nej;Døgn;Socialpsykiatri;3;2,5;\r\n"
        "2023;Brønderslev;Privat;;Dag;Børn og unge med autisme;1.234;;\"ny; udvidet\"\r\n"
        "\r\n"
        "2023;Hjørring;Regional;x;døgn;hjerneskade;12;11,75;\r\n")
open("capacity-win1252.csv", "wb").write(text.encode("cp1252"))
# UTF-8 with BOM, tab separated, LF
t2 = ("\ufeffyear\tmunicipality\ttarget_group\tplace_type\tplaced\twaiting\n"
      "2023\t825\tsocialpsykiatri\tdoegn\t2\t1\n"
      "2023\tMorsø\tudviklingshaemning-dom\tdoegn\t4\t0\n")
open("demand-bom-tab.csv", "wb").write(t2.encode("utf-8"))
open("population.json", "w").write('[\n {"year": 2023, "municipality": "Læsø", "inhabitants": 1789},\n {"year": 2023, "municipality": 851, "inhabitants": 222571, "age_band": null}\n]\n')
open("survey.ndjson", "w").write('{"aar": 2023, "kommune": "Thisted", "maalgruppe": "autisme-boern", "opfyldelsesgrad": 2, "begrundelse": "Ventetid"}\n\n{"aar": 2023, "kommune": "Rebild", "maalgruppe": "autisme-boern", "opfyldelsesgrad": "ved ikke"}\n')
