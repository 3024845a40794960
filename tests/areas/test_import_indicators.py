"""Indicator import with the real tables of Berlin and Hamburg: CSV and XLSX, service, command
and wizard. Spot-checked values were read from the files by hand."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from quartierskompass.areas.indicator_import import import_indicators
from quartierskompass.areas.models import Area, Indicator, IndicatorValue
from tests.conftest import make_user
from tests.shared import SHARED_DATA

DATA = SHARED_DATA
BERLIN = DATA / "berlin"
HAMBURG = DATA / "hamburg"
MSS = BERLIN / "indicators"
POPULATION = BERLIN / "population"
PROFILE_CSV = HAMBURG / "Daten_fuer_die_Stadtteilprofile_2014.csv"
PROFILE_XLSX = HAMBURG / "Daten_fuer_die_Stadtteilprofile_2014.xlsx"
PLR = "berlin-plr-2021"
STADTTEIL = "hamburg-stadtteil"
END_2020 = date(2020, 12, 31)
END_2024 = date(2024, 12, 31)
END_2013 = date(2013, 12, 31)
MSS_INDEX = {"S1": "mss-s1", "S3": "mss-s3", "S4": "mss-s4", "D1": "mss-d1", "D3": "mss-d3"}
# The Stadtteilprofile merge Stadtteile that the current boundaries keep apart.
MERGED = [
    "Kleiner Grasbrook und Steinwerder",
    "Waltershof und Finkenwerder",
    "Neuland und Gut Moor",
    "Moorburg und Altenwerder",
]


# --- areas, made from the shared files without geometry ----------------------------------------


@pytest.fixture
def berlin(db) -> dict[str, Area]:
    """Planungsraum → Bezirksregion → Prognoseraum → Bezirk (first two digits), one system."""
    with (BERLIN / "boundaries" / "LOR_2021_hierarchy.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    levels = [  # (code column, name column, kind, parent code length)
        (lambda r: r["Planungsraum (Nummer)"][:2], lambda r: r["Bezirk"], "Bezirk", None),
        (lambda r: r["Prognoseraum (Nummer)"], lambda r: r["Prognoseraum (Name)"], "PGR", 2),
        (lambda r: r["Bezirksregion (Nummer)"], lambda r: r["Bezirksregion (Name)"], "BZR", 4),
        (lambda r: r["Planungsraum (Nummer)"], lambda r: r["Planungsraum (Name)"], "PLR", 6),
    ]
    areas: dict[str, Area] = {}
    for code_of, name_of, kind, parent_length in levels:
        new = {}
        for row in rows:
            code = code_of(row)
            parent = areas[code[:parent_length]] if parent_length else None
            new.setdefault(
                code, Area(code_system=PLR, code=code, name=name_of(row), kind=kind, parent=parent)
            )
        Area.objects.bulk_create(new.values())
        areas.update({a.code: a for a in Area.objects.filter(code_system=PLR, kind=kind)})
    assert Area.objects.filter(code_system=PLR, kind="PLR").count() == 542
    return areas


@pytest.fixture
def hamburg(db) -> dict[str, Area]:
    """The 104 current Stadtteile; their Bezirke live in a system of their own, so that a
    Stadtteil and a Bezirk of the same name (Eimsbüttel, Wandsbek, …) never compete."""
    features = json.loads(
        (HAMBURG / "hamburg-district-regions_stadtteile.geojson").read_text(encoding="utf-8")
    )["features"]
    bezirke = {}
    for p in (f["properties"] for f in features):
        if p["district_id"] not in bezirke:
            bezirke[p["district_id"]] = Area.objects.create(
                code_system="hamburg-bezirk", code=p["district_id"], name=p["district_name"]
            )
    Area.objects.bulk_create(
        Area(
            code_system=STADTTEIL,
            code=p["id"],
            name=p["name"],
            kind="Stadtteil",
            parent=bezirke[p["district_id"]],
        )
        for p in (f["properties"] for f in features)
    )
    return {a.name: a for a in Area.objects.filter(code_system=STADTTEIL)}


def value(key: str, code: str, day: date, system: str = PLR) -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator__key=key, area__code=code, area__code_system=system, date=day
    )


def stadtteil_value(key: str, name: str) -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator__key=key, area__name=name, area__code_system=STADTTEIL, date=END_2013
    )


def run(path: Path, **options):
    options.setdefault("system", PLR)
    return import_indicators(source=path, filename=path.name, **options)


def assert_clean(report) -> None:
    assert report.ok and not report.errors, [str(e) for e in report.errors[:10]]


# --- Berlin: Monitoring Soziale Stadtentwicklung 2021 ------------------------------------------


def test_mss_index_indicators_with_english_decimals_import_for_all_542_planning_areas(berlin):
    report = run(
        MSS / "mss_2021_index_indikatoren.csv",
        code_column="PLR_ID",
        date=END_2020,
        indicators={**MSS_INDEX, "S4": "mss-s4", "D4": "mss-d4", "EW": "mss-ew"},
        labels={"mss-s1": "Arbeitslosigkeit (SGB II und III)"},
        kinds={"mss-s1": "rate", "mss-ew": "count"},
        suppressed_values=["-9999"],  # the WFS export's marker for invalid areas
        attribution="SenStadt Berlin, MSS 2021",
    )
    assert_clean(report)
    # 542 areas × 6 indicators, plus inhabitants for 541 (one cell is empty).
    assert report.counts == {("indicators", "created"): 7, ("values", "created"): 542 * 6 + 541}
    s1 = Indicator.objects.get(key="mss-s1")
    assert (s1.label_de, s1.kind, s1.unit, s1.source) == (
        "Arbeitslosigkeit (SGB II und III)",
        "rate",
        "%",
        "SenStadt Berlin, MSS 2021",
    )
    assert s1.values.filter(area__kind="PLR").count() == 542
    # "58.016" style values are English decimals here, not German thousands.
    assert value("mss-s1", "01100101", END_2020).value == Decimal("4.22594")
    assert value("mss-s4", "08100104", END_2020).value == Decimal("55.62061")
    assert value("mss-d1", "12200411", END_2020).value == Decimal("-0.2158")
    invalid = value("mss-s1", "10100205", END_2020)  # "ungültig (Ausreißer)": -9999
    assert (invalid.value, invalid.suppressed) == (None, True)
    assert s1.values.filter(suppressed=True).count() == 6


def test_mss_official_z_values_semicolon_bom_and_german_headers(berlin):
    report = run(
        MSS / "mss_2021_index-indikatoren_z-werte_plr.csv",
        code_column="PLR-ID",
        date=END_2020,
        indicators={
            "zS1": "mss-z-s1",
            "zS3": "mss-z-s3",
            "zS4": "mss-z-s4",
            "Status-Index (standardisierte Statussumme)": "mss-status-index",
        },
    )
    assert_clean(report)
    assert report.counts[("values", "created")] == 536 * 4  # six rows are empty: no values
    assert Indicator.objects.get(key="mss-status-index").kind == "index"
    assert value("mss-z-s1", "01100101", END_2020).value == Decimal("-0.25")
    assert value("mss-z-s4", "05300840", END_2020).value == Decimal("0.45")
    assert value("mss-status-index", "08100104", END_2020).value == Decimal("1.83")
    assert not IndicatorValue.objects.filter(area__code="03300515").exists()


def test_mss_context_indicators_both_publications(berlin):
    official = run(
        MSS / "mss_2021_kontext-indikatoren_anteile_plr.csv",
        code_column="PLR-ID",
        date=END_2020,
        key_prefix="mss-",  # every numeric column: EW and K01 … K17
    )
    assert_clean(official)
    assert [p.key for p in official.indicators][:3] == ["mss-ew-31122020", "mss-k01", "mss-k02"]
    assert official.counts[("indicators", "created")] == 15
    assert value("mss-k02", "01100101", END_2020).value == Decimal("25.62")
    assert value("mss-k13", "05300840", END_2020).value == Decimal("-16.49")
    assert value("mss-k09", "12200411", END_2020).value == Decimal("100")
    assert IndicatorValue.objects.filter(indicator__key="mss-k01").count() == 536

    context = {f"KI_{n:02d}": f"mss-ki-{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13)}
    wfs = run(
        MSS / "mss_2021_kontext_indikatoren.csv",
        code_column="PLR_ID",
        date=END_2020,
        indicators=context | {"KI_16": "mss-ki-16", "KI_17": "mss-ki-17"},
        suppressed_values=["-9999"],
    )
    assert_clean(wfs)
    assert wfs.counts[("values", "created")] == 542 * 14
    # The two publications agree, except that the WFS file writes 0 where the table is empty.
    assert value("mss-ki-02", "01100101", END_2020).value == Decimal("25.62")
    assert value("mss-ki-02", "05300840", END_2020).value == 0
    assert value("mss-ki-13", "05300840", END_2020).value == Decimal("-16.49")


# --- Berlin: population 2024 at every level ----------------------------------------------------


@pytest.mark.parametrize("level", ["planning-areas", "district-regions", "districts"])
def test_population_2024_tables_import_at_every_level(berlin, level):
    counts = {"planning-areas": 542, "district-regions": 143, "districts": 12}[level]
    for table in ("t1", "t2"):
        report = run(
            POPULATION / f"berlin-lor-population-2024-02-{table}-{level}.csv",
            code_column="id",
            date=END_2024,
        )
        assert_clean(report)
        written = report.counts[("values", "created")] + report.counts[("values", "updated")]
        assert written == counts * (len(report.headers) - 1)  # every column but the code
    # t3 counts people with a migration background; its "inhabitants" column is that total.
    report = run(
        POPULATION / f"berlin-lor-population-2024-02-t3-{level}.csv",
        code_column="id",
        date=END_2024,
        indicators={"inhabitants": "inhabitants_with_migration_background"},
    )
    assert_clean(report)
    assert report.counts == {("values", "updated"): counts}  # the same numbers as in t1
    inhabitants = {
        "planning-areas": ("01100101", 3580),
        "district-regions": ("011001", 16293),
        "districts": ("01", 397004),
    }[level]
    assert value("inhabitants", inhabitants[0], END_2024).value == inhabitants[1]
    assert Indicator.objects.get(key="inhabitants_age_below_6_percentage").kind == "rate"
    assert Indicator.objects.get(key="inhabitants_female").kind == "count"


def test_the_districts_match_the_bezirk_areas_and_the_city_row_is_reported(berlin):
    districts = run(
        POPULATION / "berlin-lor-population-2024-02-t1-districts.csv",
        code_column="id",
        date=END_2024,
        indicators={"inhabitants": "inhabitants"},
    )
    assert_clean(districts)
    assert value("inhabitants", "12", END_2024).value == 274098
    assert value("inhabitants", "12", END_2024).area.kind == "Bezirk"

    city = POPULATION / "berlin-lor-population-2024-02-t1-city.csv"
    refused = run(city, code_column="id", date=END_2024)
    assert not refused.ok and refused.unmatched_codes == ["0"]
    assert (refused.errors[0].row, refused.errors[0].column, refused.errors[0].value) == (
        2,
        "id",
        "0",
    )
    Area.objects.create(code_system=PLR, code="11000000", name="Berlin", kind="Land")
    mapped = run(city, code_column="id", date=END_2024, code_map={"0": "11000000"})
    assert_clean(mapped)
    assert value("inhabitants", "11000000", END_2024).value == 3897145
    skipped = run(city, code_column="id", date=END_2024, code_map={"0": None}, dry_run=True)
    assert skipped.ok and skipped.skipped_rows == [(2, "0")]


def test_population_2022_dashes_mean_nothing_there(berlin):
    table = POPULATION / "einwohnerbestand_06-2022_plr.csv"  # semicolon, BOM, "–"
    middle = date(2022, 6, 30)
    report = run(table, code_column="PLR-ID", date=middle, key_prefix="ew2022-")
    assert_clean(report)
    dash = value("ew2022-18-27", "03300515", middle)
    assert (dash.value, dash.suppressed) == (None, True)

    report = run(table, code_column="PLR-ID", date=middle, key_prefix="ew2022-", dash_is_zero=True)
    assert_clean(report)
    assert report.counts == {("values", "updated"): 542 * 11}
    dash.refresh_from_db()
    assert (dash.value, dash.suppressed) == (0, False)
    # Read so, the age groups add up to the total in every planning area.
    groups = ["unter6", "6-15", "15-18", "18-27", "27-45", "45-55", "55-65", "65undmehr"]
    totals = dict(
        IndicatorValue.objects.filter(indicator__key="ew2022-gesamt").values_list("area", "value")
    )
    sums: dict[int, Decimal] = dict.fromkeys(totals, Decimal(0))
    for area, amount in IndicatorValue.objects.filter(
        indicator__key__in=[f"ew2022-{g}" for g in groups]
    ).values_list("area", "value"):
        sums[area] += amount
    assert len(totals) == 542 and sums == totals


def test_codes_that_lost_their_leading_zero_are_padded(berlin):
    data = b"planning-area-id,kitas\n1100101,3\n12601032,7\n"
    report = import_indicators(
        source=data,
        filename="osm.csv",
        system=PLR,
        code_column="planning-area-id",
        date=END_2024,
        pad_codes=8,
    )
    assert_clean(report)
    assert value("kitas", "01100101", END_2024).value == 3
    unpadded = import_indicators(
        source=data,
        filename="osm.csv",
        system=PLR,
        code_column="planning-area-id",
        date=END_2024,
    )
    assert unpadded.unmatched_codes == ["1100101"]
    assert "1100101" in unpadded.errors[0].message


# --- Hamburg: the Stadtteilprofile, matched by name --------------------------------------------


def test_hamburg_profile_reports_merged_stadtteile_and_totals_instead_of_taking_them(hamburg):
    report = run(
        PROFILE_CSV, system=STADTTEIL, code_column="Stadtgebiet", match="name", date=END_2013
    )
    assert not report.ok and not IndicatorValue.objects.exists()
    assert report.unmatched_codes == [*MERGED, "Hamburg-Mitte", "Altona", "Hamburg-Nord", "Hamburg"]
    # Bezirke named like a Stadtteil are that name a second time: refused, not taken.
    rows = {e.value: e.row for e in report.errors}
    assert {name: rows[name] for name in ("Eimsbüttel", "Wandsbek", "Bergedorf", "Harburg")} == {
        "Eimsbüttel": 103,
        "Wandsbek": 105,
        "Bergedorf": 106,
        "Harburg": 107,
    }
    assert sorted(report.bad_rows) == [16, 17, 87, 95, *range(101, 109)]


def test_hamburg_profile_csv_with_space_thousands_and_loose_minus(hamburg):
    report = run(
        PROFILE_CSV,
        system=STADTTEIL,
        code_column="Stadtgebiet",
        match="name",
        date=END_2013,
        skip_rows=range(101, 109),  # Bezirke and the city
        code_map=dict.fromkeys(MERGED),
        dash_is_zero=True,  # a lone "-" is how Excel showed a 0
    )
    assert_clean(report)
    assert report.counts == {("indicators", "created"): 68, ("values", "created"): 95 * 68}
    assert len(report.skipped_rows) == 12
    keys = {p.column: p.key for p in report.indicators}
    assert keys["Anteil der unter 18-Jährigen in %"] == "anteil-der-unter-18-jaehrigen-in-prozent"
    assert stadtteil_value("bevoelkerung", "Hamburg-Altstadt").value == 1675  # "1 675"
    assert stadtteil_value("wanderungssaldo", "Hamburg-Altstadt").value == -23  # "-  23"
    assert stadtteil_value("personen-je-haushalt", "Hamburg-Altstadt").value == Decimal("1.4")
    assert stadtteil_value("wanderungssaldo", "Curslack").value == 0  # "-"
    secret = stadtteil_value("preise-fuer-grundstuecke-in-eurm2-jan-2014", "Hamburg-Altstadt")
    assert (secret.value, secret.suppressed) == (None, True)  # "."
    assert not IndicatorValue.objects.filter(area__name="Neuwerk").exists()  # not in 2014


def test_hamburg_profile_xlsx_with_four_header_rows(hamburg):
    keys = {
        "Bevölkerung und Haushalte 31.12.2013 Bevölkerung Anzahl der Einwohnerinnen und "
        "Einwohner": "hh-bevoelkerung",
        "Bevölkerungsbewegung 2013 Wanderungssaldo Differenz der Zuzüge und Fortzüge über die "
        "Stadtteilgrenze": "hh-wanderungssaldo",
        "Bevölkerung und Haushalte 31.12.2013 Personen je Haushalt Durchschnittliche Anzahl der "
        "Personen je Haushalt": "hh-personen-je-haushalt",
    }
    report = run(
        PROFILE_XLSX,
        system=STADTTEIL,
        code_column="Stadtgebiet",
        match="name",
        date=END_2013,
        header_row=1,  # the title row above is recognised and left out
        header_rows=4,
        indicators=keys,
        labels={"hh-bevoelkerung": "Bevölkerung"},
        skip_rows=range(104, 112),
        code_map=dict.fromkeys(MERGED),
    )
    assert_clean(report)
    assert report.counts == {("indicators", "created"): 3, ("values", "created"): 95 * 3}
    assert Indicator.objects.get(key="hh-bevoelkerung").label_de == "Bevölkerung"
    assert stadtteil_value("hh-bevoelkerung", "Hamburg-Altstadt").value == 1675
    assert stadtteil_value("hh-wanderungssaldo", "Hamburg-Altstadt").value == -23
    assert stadtteil_value("hh-wanderungssaldo", "Curslack").value == 0  # a real 0 here
    assert stadtteil_value("hh-personen-je-haushalt", "Cranz").value == Decimal("1.9")


# --- behaviour on small files ------------------------------------------------------------------


def small(rows: list[str], header: str = "Code;Arbeitslose;Anteil in %") -> bytes:
    return "\n".join([header, *rows]).encode()


def import_small(data: bytes, **options):
    options.setdefault("date", END_2024)
    return import_indicators(
        source=data, filename="klein.csv", system=PLR, code_column="Code", **options
    )


def test_a_reimport_updates_instead_of_duplicating(berlin):
    first = import_small(small(["01100101;10;1,5", "01100102;20;2,5"]))
    assert first.counts == {("indicators", "created"): 2, ("values", "created"): 4}
    second = import_small(small(["01100101;11;1,5", "01100102;20;–"]))
    assert second.counts == {("values", "updated"): 4}
    assert IndicatorValue.objects.count() == 4
    assert value("arbeitslose", "01100101", END_2024).value == 11
    assert value("anteil-in-prozent", "01100102", END_2024).suppressed
    assert Indicator.objects.get(key="anteil-in-prozent").kind == "rate"


def test_an_error_anywhere_writes_nothing_unless_bad_rows_are_skipped(berlin):
    data = small(["01100101;10;1,5", "01100102;zehn;2,5", "99999999;1;1", "01100101;3;3"])
    report = import_small(data)
    assert not report.ok
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (3, "Arbeitslose", "zehn"),
        (4, "Code", "99999999"),
        (5, "Code", "01100101"),
    ]
    assert not Indicator.objects.exists() and not IndicatorValue.objects.exists()
    skipped = import_small(data, skip_invalid=True)
    assert skipped.ok and skipped.counts[("values", "created")] == 2
    assert value("arbeitslose", "01100101", END_2024).value == 10


def test_a_dry_run_counts_and_writes_nothing(berlin):
    report = import_small(small(["01100101;10;1,5"]), dry_run=True)
    assert report.counts == {("indicators", "created"): 2, ("values", "created"): 2}
    assert not Indicator.objects.exists() and not IndicatorValue.objects.exists()


def test_the_long_layout_with_a_date_per_row(berlin):
    data = (
        "Gebiet;Indikator;Wert;Stichtag\n"
        "01100101;Arbeitslosigkeit;4,2;31.12.2020\n"
        "01100101;Arbeitslosigkeit;3,9;31.12.2022\n"
        "01100102;Kinderarmut;.;31.12.2022\n"
        "01100102;Nicht gewählt;1;31.12.2022\n"
    ).encode()
    options = {
        "layout": "long",
        "indicator_column": "Indikator",
        "value_column": "Wert",
        "date_column": "Stichtag",
    }
    report = import_indicators(
        source=data,
        filename="lang.csv",
        system=PLR,
        code_column="Gebiet",
        indicators={"Arbeitslosigkeit": "alo", "Kinderarmut": "kinderarmut"},
        **options,
    )
    assert_clean(report)
    assert report.counts == {("indicators", "created"): 2, ("values", "created"): 3}
    assert value("alo", "01100101", date(2022, 12, 31)).value == Decimal("3.9")
    assert value("kinderarmut", "01100102", date(2022, 12, 31)).suppressed
    assert "Nicht gewählt" in report.warnings[0]
    twice = import_indicators(
        source=data + b"01100101;Arbeitslosigkeit;5;31.12.2020\n",
        filename="lang.csv",
        system=PLR,
        code_column="Gebiet",
        **options,
    )
    assert [(e.row, e.column) for e in twice.errors] == [(6, "Indikator")]


def test_existing_indicators_are_used_as_they_are_and_unknown_ones_may_be_refused(berlin):
    Indicator.objects.create(key="arbeitslose", label_de="Arbeitslose (SGB II)", kind="count")
    refused = import_small(small(["01100101;10;1,5"]), create_indicators=False)
    assert [e.value for e in refused.errors] == ["anteil-in-prozent"]
    report = import_small(
        small(["01100101;10;1,5"]),
        indicators={"Arbeitslose": "arbeitslose"},
        labels={"arbeitslose": "Neu"},
        create_indicators=False,
    )
    assert_clean(report)
    assert Indicator.objects.get(key="arbeitslose").label_de == "Arbeitslose (SGB II)"


def test_missing_columns_and_dates_are_explained(berlin):
    report = import_small(small([]), date=None, indicators={"Fehlt": "fehlt"})
    assert all(e.row is None for e in report.errors)
    assert len(report.errors) == 1  # the date first; columns are checked once it is given
    report = import_small(small(["01100101;1;1"]), indicators={"Fehlt": "fehlt"})
    assert report.errors[0].column == "Fehlt" and "Arbeitslose" in report.errors[0].message


# --- command -----------------------------------------------------------------------------------


def test_the_command_imports_and_prints_the_summary(berlin, capsys):
    call_command(
        "import-indicators",
        str(MSS / "mss_2021_index_indikatoren.csv"),
        "--system",
        PLR,
        "--code-column",
        "PLR_ID",
        "--date",
        "2020-12-31",
        "--indicator",
        "S1=mss-s1",
        "--label",
        "mss-s1=Arbeitslosigkeit",
        "--kind",
        "mss-s1=rate",
        "--suppressed-value",
        "-9999",
    )
    assert "542" in capsys.readouterr().out
    assert Indicator.objects.get(key="mss-s1").label_de == "Arbeitslosigkeit"


def test_the_command_fails_with_rejected_rows_unless_they_are_skipped(hamburg, capsys):
    args = [
        str(PROFILE_CSV),
        "--system",
        STADTTEIL,
        "--code-column",
        "Stadtgebiet",
        "--match",
        "name",
        "--date",
        "2013-12-31",
        "--indicator",
        "Bevölkerung=hh-bevoelkerung",
    ]
    with pytest.raises(CommandError) as failed:
        call_command("import-indicators", *args)
    assert failed.value.returncode == 1
    assert "Kleiner Grasbrook und Steinwerder" in capsys.readouterr().err
    assert not IndicatorValue.objects.exists()
    skips = [a for name in MERGED for a in ("--skip-code", name)]
    call_command("import-indicators", *args, "--skip-rows", "101-108", *skips)
    assert IndicatorValue.objects.count() == 95


# --- the wizard --------------------------------------------------------------------------------


class TestWizard:
    url = staticmethod(lambda name: reverse(f"areas:{name}"))

    def test_anonymous_people_are_sent_to_the_login(self, client_for, db):
        for name in ("indicator_import", "indicator_import_confirm"):
            response = client_for(None).get(self.url(name))
            assert response["Location"].startswith(reverse("accounts:login"))

    def test_project_members_may_not_change_reference_data(self, client_for, koordinatorin):
        for name in ("indicator_import", "indicator_import_confirm"):
            assert client_for(koordinatorin).get(self.url(name)).status_code == 403

    def test_staff_import_the_mss_file_end_to_end(self, client_for, berlin):
        client = client_for(make_user("sozialplanerin", is_staff=True))
        path = MSS / "mss_2021_index_indikatoren.csv"
        with path.open("rb") as handle:
            step1 = client.post(
                self.url("indicator_import"),
                {
                    "file": handle,
                    "system": PLR,
                    "header_row": 1,
                    "header_rows": 1,
                    "date": "2020-12-31",
                },
            )
        assert step1["Location"] == self.url("indicator_import_confirm")
        page = client.get(step1["Location"])
        html = page.content.decode()
        assert "Stülerstraße" in html  # the preview
        form = page.context["form"]
        headers = form.headers
        assert form.initial["code_column"] == "PLR_ID"
        assert form.initial["date"] == END_2020
        data = {
            "code_column": "PLR_ID",
            "match": "code",
            "date": "2020-12-31",
            "decimal": "auto",
            "date_column": "",
            "suppressed_values": "-9999",
        }
        for index, header in enumerate(headers):
            data[f"key_{index}"] = form.initial[f"key_{index}"]
            data[f"label_{index}"] = header
            if header in ("S1", "S4"):
                data[f"use_{index}"] = "on"
        check = client.post(self.url("indicator_import_confirm"), {**data, "action": "check"})
        assert check.status_code == 200 and check.context["report"].ok
        assert check.context["report"].counts[("values", "created")] == 2 * 542
        assert 'value="import"' in check.content.decode()
        assert not IndicatorValue.objects.exists()
        done = client.post(self.url("indicator_import_confirm"), {**data, "action": "import"})
        assert done["Location"] == self.url("indicators")
        assert IndicatorValue.objects.filter(indicator__key="s1").count() == 542
        assert value("s4", "08100104", END_2020).value == Decimal("55.62061")
        gone = client.get(self.url("indicator_import_confirm"))  # the upload is used up
        assert gone["Location"] == self.url("indicator_import")

    def test_unmatched_codes_can_be_skipped_in_the_wizard(self, client_for, berlin, tmp_path):
        client = client_for(make_user("sozialplanerin", is_staff=True))
        upload = tmp_path / "stadt.csv"
        upload.write_bytes(small(["01100101;10;1,5", "0;<script>x</script>;1"]))
        with upload.open("rb") as handle:
            client.post(
                self.url("indicator_import"),
                {"file": handle, "system": PLR, "header_row": 1, "header_rows": 1},
            )
        data = {
            "code_column": "Code",
            "match": "code",
            "date": "2024-12-31",
            "decimal": "auto",
            "use_2": "on",
            "key_2": "anteil",
            "label_2": "Anteil",
        }
        check = client.post(self.url("indicator_import_confirm"), {**data, "action": "check"})
        assert check.context["report"].unmatched_codes == ["0"]
        html = check.content.decode()
        assert "<script>x</script>" not in html and "&lt;script&gt;" in html
        assert 'value="import"' not in html
        skip = client.post(
            self.url("indicator_import_confirm"), {**data, "skip_codes": "0", "action": "import"}
        )
        assert skip.status_code == 302
        assert value("anteil", "01100101", END_2024).value == Decimal("1.5")


def test_columns_with_negative_or_fractional_values_become_indexes(db):
    from quartierskompass.areas.indicator_import import import_indicators
    from quartierskompass.areas.models import Area, Indicator

    for code in ("1", "2"):
        Area.objects.create(code_system="k", code=code, name=f"Gebiet {code}")
    table = "Code;Einwohner;z-Wert;Summe\n1;100;-0,5;3,25\n2;120;1,2;1\n"
    report = import_indicators(
        source=table.encode(),
        filename="t.csv",
        system="k",
        code_column="Code",
        date=date(2024, 12, 31),
    )
    assert report.ok, [str(e) for e in report.errors]
    kinds = dict(Indicator.objects.values_list("label_de", "kind"))
    assert kinds == {"Einwohner": "count", "z-Wert": "index", "Summe": "index"}
