"""The demo's Sozialraum: Berlin's real Planungsräume and social statistics.

The files in ``quartierskompass/demo_data/berlin/`` are copies of public data (see the README
there): the LOR Planungsräume with their hierarchy, the Monitoring Soziale Stadtentwicklung
2021 and the population of 30.06.2022 and 31.12.2024. They go through the same imports a
person uses. The demo project works in the Bezirksregion Falkenhagener Feld (Spandau).
"""

from __future__ import annotations

import gzip
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Need
from quartierskompass.areas.importer import PRESETS, import_areas
from quartierskompass.areas.indicator_import import import_indicators
from quartierskompass.areas.models import Area, Indicator, ProjectArea

DATA = Path(__file__).resolve().parent.parent / "demo_data" / "berlin"
SYSTEM = "berlin-plr-2021"
QUARTIER = "051002"  # Bezirksregion Falkenhagener Feld
MSS = "Senatsverwaltung für Stadtentwicklung Berlin, Monitoring Soziale Stadtentwicklung 2021"
STATISTIK = "Amt für Statistik Berlin-Brandenburg"

# key: (column, label, kind, unit, polarity, needs)
MSS_INDICATORS = {
    "mss-ew": ("EW", "Einwohnerinnen und Einwohner (MSS)", "count", "", "neutral", []),
    "mss-s1": (
        "S1",
        "Arbeitslosigkeit (SGB II und III)",
        "rate",
        "%",
        "higher_worse",
        ["arbeit", "existenzsicherung"],
    ),
    "mss-s3": (
        "S3",
        "Transferbezug (SGB II und XII)",
        "rate",
        "%",
        "higher_worse",
        ["existenzsicherung"],
    ),
    "mss-s4": (
        "S4",
        "Kinderarmut (SGB II, unter 15 Jahren)",
        "rate",
        "%",
        "higher_worse",
        ["kinder-familie", "existenzsicherung"],
    ),
}
CONTEXT_INDICATORS = {
    "mss-k01": (
        "KI_01",
        "Jugendarbeitslosigkeit",
        "rate",
        "%",
        "higher_worse",
        ["jugend", "arbeit"],
    ),
    "mss-k02": (
        "KI_02",
        "Alleinerziehende Haushalte",
        "rate",
        "%",
        "higher_worse",
        ["kinder-familie"],
    ),
    "mss-k03": (
        "KI_03",
        "Altersarmut",
        "rate",
        "%",
        "higher_worse",
        ["alter-pflege", "existenzsicherung"],
    ),
    "mss-k05": (
        "KI_05",
        "Einwohnerinnen und Einwohner mit Migrationshintergrund",
        "rate",
        "%",
        "neutral",
        ["migration-teilhabe"],
    ),
}
POPULATION_2022 = {
    "Gesamt": "inhabitants",
    "unter6": "inhabitants_age_below_6",
    "65undmehr": "inhabitants_age_above_65",
}
POPULATION_LABELS = {
    "inhabitants": "Einwohnerinnen und Einwohner",
    "inhabitants_age_below_6": "Kinder unter 6 Jahren",
    "inhabitants_age_above_65": "Menschen ab 65 Jahren",
    "inhabitants_with_migration_background": "Einwohnerinnen und Einwohner mit "
    "Migrationshintergrund",
}


def _check(report, what: str) -> None:
    if not report.ok or report.errors:
        problems = "; ".join(str(e) for e in report.errors[:5])
        raise RuntimeError(f"Demo-Daten ({what}) ließen sich nicht importieren: {problems}")


def _areas() -> None:
    preset = PRESETS["berlin-lor"]
    report = import_areas(
        source=gzip.decompress(
            (DATA / "lor_planungsraeume_2021_vereinfacht.geojson.gz").read_bytes()
        ),
        filename="lor_planungsraeume_2021.geojson",
        system=SYSTEM,
        code_prop=preset.code_prop,
        name_prop=preset.name_prop,
        kind=preset.kind,
        source_note=preset.source_note + " (vereinfacht)",
        parent_table=DATA / "LOR_2021_hierarchy.csv",
        parent_filename="LOR_2021_hierarchy.csv",
        levels=preset.levels,
        root=preset.root,
        valid_from=preset.valid_from,
    )
    _check(report, "Gebiete")


def _mss(filename: str, indicators: dict, day: date, attribution: str) -> None:
    report = import_indicators(
        source=DATA / filename,
        filename=filename,
        system=SYSTEM,
        code_column="PLR_ID",
        indicators={column: key for key, (column, *_rest) in indicators.items()},
        labels={key: spec[1] for key, spec in indicators.items()},
        kinds={key: spec[2] for key, spec in indicators.items()},
        date=day,
        suppressed_values=["-9999"],
        attribution=attribution,
        licence="Open Data Berlin",
        decimal=".",
    )
    _check(report, filename)


def _describe(indicators: dict, base: Indicator | None) -> None:
    needs = {n.code: n for n in Need.objects.all()}
    for key, (_column, label, kind, unit, polarity, need_codes) in indicators.items():
        indicator = Indicator.objects.get(key=key)
        indicator.label_de, indicator.kind, indicator.unit = label, kind, unit
        indicator.polarity = polarity
        indicator.base = base if kind == "rate" else None
        indicator.decimals = 1
        indicator.save()
        indicator.needs.set([needs[c] for c in need_codes])


def _population() -> None:
    report = import_indicators(
        source=DATA / "einwohnerbestand_06-2022_plr.csv",
        filename="einwohnerbestand_06-2022_plr.csv",
        system=SYSTEM,
        code_column="PLR-ID",
        indicators=POPULATION_2022,
        labels=POPULATION_LABELS,
        kinds={},
        date=date(2022, 6, 30),
        dash_is_zero=True,
        attribution=STATISTIK,
        licence="CC BY 3.0 DE",
    )
    _check(report, "Einwohner 2022")
    report = import_indicators(
        source=DATA / "berlin-lor-population-2024-02-t1-planning-areas.csv",
        filename="berlin-lor-population-2024-02-t1-planning-areas.csv",
        system=SYSTEM,
        code_column="id",
        indicators={
            "inhabitants": "inhabitants",
            "inhabitants_with_migration_background": "inhabitants_with_migration_background",
        },
        labels=POPULATION_LABELS,
        date=date(2024, 12, 31),
        attribution=STATISTIK,
        licence="CC BY 3.0 DE",
    )
    _check(report, "Einwohner 2024")
    Indicator.objects.filter(key__startswith="inhabitants").update(kind="count", decimals=0)


@transaction.atomic
def load(project: Project) -> str:
    """Import (or refresh) Berlin's areas and statistics and link the project's Quartier."""
    _areas()
    _mss("mss_2021_index_indikatoren.csv", MSS_INDICATORS, date(2020, 12, 31), MSS)
    _mss("mss_2021_kontext_indikatoren.csv", CONTEXT_INDICATORS, date(2020, 12, 31), MSS)
    _population()
    base = Indicator.objects.get(key="mss-ew")
    _describe(MSS_INDICATORS, base)
    _describe(CONTEXT_INDICATORS, base)
    Indicator.objects.filter(key__startswith="mss-").update(threshold=Decimal("1.25"))
    # The map opens with unemployment; the profile lists the social indicators first.
    order = [
        *[k for k in MSS_INDICATORS if k != "mss-ew"],
        *CONTEXT_INDICATORS,
        "mss-ew",
        *POPULATION_LABELS,
    ]
    for position, key in enumerate(order, start=1):
        Indicator.objects.filter(key=key).update(position=position * 10)
    quartier = Area.objects.get(code_system=SYSTEM, code=QUARTIER)
    ProjectArea.objects.get_or_create(project=project, area=quartier)
    return quartier.name
