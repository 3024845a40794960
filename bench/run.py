"""make bench: DESIGN §6's performance bars, measured on synthetic data in one run.

Creates a fresh SQLite database in a temporary data directory, migrates, runs
``quartierskompass synth --scale S``, then times the SONI matrix (one project, one programme
against a hand-written SQL aggregate) and the activity list and matrix pages against trivial
baselines, the import of a wide indicator CSV (1,000,000 values at scale 1.0, fresh and as an
update) and the map layer of Berlin's 542 Planungsräume (real LOR boundaries and MSS 2021
indicators from the shared data). Prints a table and writes it into docs/performance.md
between the bench markers.

    .venv/bin/python bench/run.py --scale 0.1      # BENCH_SCALE works too; default 1.0

Exit status: 0 when every measurement ran (a missed goal is reported, not fatal), 1 on errors.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime
import gzip
import json
import math
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
START_MARKER, END_MARKER = "<!-- bench:start -->", "<!-- bench:end -->"
YEAR = 2025
MIN_REPEAT = 30
SEARCH_TEXT = "beratung"
# The real public data beside the checkout (as in tests/shared.py); QK_SHARED_DATA overrides.
SHARED_DATA = Path(os.environ.get("QK_SHARED_DATA") or ROOT.parent / "shared" / "data")
BERLIN = SHARED_DATA / "berlin"
PLR_FILE = BERLIN / "boundaries" / "lor_planungsraeume_2021_wgs84.geojson"
HIERARCHY = BERLIN / "boundaries" / "LOR_2021_hierarchy.csv"
MSS_FILE = BERLIN / "indicators" / "mss_2021_index_indikatoren.csv"
MSS_DATE = datetime.date(2020, 12, 31)
MSS_RATES = {"S1": "mss-s1", "S3": "mss-s3", "S4": "mss-s4", "D1": "mss-d1", "D3": "mss-d3",
             "D4": "mss-d4"}  # fmt: skip
PLANNING_AREAS = 542
MAP_GOAL_MS = 300
MAP_GOAL_BYTES = 1_500_000  # 1.5 MB for the GeoJSON of 542 areas
# The import: 100 indicator columns × every synthetic area (10,000 at scale 1.0).
FINDER_GOAL_MS = 50  # Hilfelotse query p95 (DESIGN §6)
WEGWEISER_GOAL_MS = 100  # public Wegweiser page p95 (issue 6)
NETWORK_ACTORS = 1_000
NETWORK_TIES = 5_000
NETWORK_GOAL_MS = 500  # metrics and signals (DESIGN §6)
NETWORK_ENDPOINT_GOAL_MS = 300  # issue 5
IMPORT_COLUMNS = 100
IMPORT_DATE = datetime.date(2024, 12, 31)
IMPORT_PLACEHOLDER_SHARE = 0.01
IMPORT_GOAL_SECONDS = 30  # per 1,000,000 values (DESIGN §6)
IMPORT_SAMPLES = 300

DOC_INTRO = """# Performance

`make bench` (`bench/run.py`) measures the bars of DESIGN §6 that concern the SONI matrix, the
busiest pages, the indicator import, the map, the Hilfelotse and the network, in one run on
one machine: on synthetic data
from `quartierskompass synth` (at scale 1.0: 10 programmes, 1,500 projects, 60,000 actors,
150,000 activities, 10,000 areas, 25 indicators with 1,000,000 values) and on Berlin's real
LOR boundaries and MSS 2021 indicators from the shared data.

What is measured, each as median and 95th percentile over at least 30 repetitions after a
warm-up, with a different project on every repetition (chosen deterministically):

1. **Project matrix** – `soni.matrix.compute` over one project's activities for 2025, measures
   `count` and `staff_hours`. Goal: p95 ≤ 30 ms. Shown as a ratio against `COUNT(*)` of the
   same project's activities; `SELECT 1` is the floor of any query.
2. **Programme matrix** – `compute_by_project` over the largest programme against one
   hand-written SQL aggregate of the same four cells (overlap days via `julianday`), whose
   numbers are checked against `compute_by_project` first. Goal: ≤ 1.5× the hand-written SQL.
3. **Pages** – the activity list (plain, with a text search, with a field filter) and the
   matrix dashboard for 2025, requested through Django's test client by a logged-in owner;
   server time per request, reported against `/health/` for scale. No goal here: DESIGN §6's
   HTTP bar (dashboard throughput ≥ 10 % of a trivial view's, through a real server, and 50
   concurrent users without errors) needs a load run through gunicorn, which `make bench`
   does not do yet.
4. **Indicator import** – `areas.indicator_import.import_indicators` with a wide CSV as a
   statistics office exports it: every synthetic area × 100 indicator columns (1,000,000
   values at scale 1.0, a tenth at 0.1), semicolons, decimal commas, about 1 % of the cells
   withheld as “–”. Timed once end to end (reading the file, checks, upsert) as a fresh
   import into the database above, and once as an update of the same cells with new values.
   Goal: ≤ 30 s per 1,000,000 values (≥ 33,334 values per second). Afterwards the rows are
   counted (every cell one row, “–” a withheld value without a number; the update adds none)
   and 300 cells are compared with the file.
5. **Map layer** – Berlin's 542 Planungsräume, imported with the `berlin-lor` preset (the LOR
   hierarchy up to “Berlin”), with the MSS 2021 unemployment rate (`mss-s1`, 31.12.2020), for
   a project linked to “Berlin”: `maplayer.layer(…, level="within")` and
   `GET /api/v1/projects/<slug>/map?indicator=mss-s1&level=within` through the test client
   as a project viewer, without a date, so the endpoint looks up the latest one. Goal: p95 ≤
   300 ms and the response ≤ 1.5 MB; sizes are shown as sent and gzipped (1 kB = 1,000 bytes).
   The map page (`/projekte/<slug>/karte/?indikator=mss-s1`, HTML with the layer inside) and
   `GET /api/v1/areas/geojson?system=berlin-plr-2021` (all levels) are timed and sized
   beside them, without a goal.
6. **Hilfelotse and Wegweiser** – `finder.search.search` over one project's offers (every
   synthetic activity is a published offer with opening hours, so the table holds 150,000
   offers at scale 1.0): one need; a need with a 3 km radius around the project's centre,
   languages, free of charge and open on Tuesday at 10:00; search words. Goal: p95 ≤ 50 ms.
   Beside them the Hilfelotse page with one need (a logged-in viewer; the search is logged) and
   the public Wegweiser list (anonymous; goal p95 ≤ 100 ms). Ratio against counting the
   project's offers.
7. **Network** – a project with 1,000 actors and 5,000 seeded random ties (a few actors with
   many ties, as in real networks): `network.metrics` plus `network.signals` (goal ≤ 500 ms,
   DESIGN §6) and `GET /api/v1/projects/<slug>/network` as a viewer (goal ≤ 300 ms), against
   reading the graph's rows into networkx.

Ratios compare medians; the functions of one group run in turns on the same input, so a busy
moment of the machine hits both sides of a ratio alike. A missed goal is reported with where
the time of one more request goes: SQL against the rest, queries repeated within the request,
SQLite's plan (`EXPLAIN QUERY PLAN`) of the slowest, and a Python profile (cProfile) of the
project's functions and of the functions with the most time of their own.

Run it with `make bench` (scale 1.0, about six minutes, two of them for `synth`) or
`BENCH_SCALE=0.1 make bench` / `.venv/bin/python bench/run.py --scale 0.1` for a quick look.
Only the section between the markers below is rewritten by each run.
"""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE") or 1.0),
        help="synth scale (default: $BENCH_SCALE or 1.0)",
    )
    parser.add_argument("--seed", type=int, default=42, help="synth seed (default 42)")
    parser.add_argument(
        "--repeat", type=int, default=40, help=f"timed repetitions, at least {MIN_REPEAT}"
    )
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args(argv)
    if args.repeat < MIN_REPEAT:
        parser.error(f"--repeat must be at least {MIN_REPEAT}")
    if not args.scale > 0:
        parser.error("--scale must be greater than 0")
    return args


def setup_django(data_dir: Path) -> None:
    """Point the settings at a fresh SQLite database; must run before Django is imported."""
    os.environ.update(
        {
            "QK_DATA_DIR": str(data_dir),
            "DEBUG": "false",
            "QK_HTTPS": "false",
            "QK_STATIC_MANIFEST": "false",
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            # The public Wegweiser is requested far more often than a person would.
            "QK_PUBLIC_RATE_LIMIT": "1000000",
            "DJANGO_SETTINGS_MODULE": "quartierskompass.settings",
        }
    )
    os.environ.pop("DATABASE_URL", None)  # the bars are defined for SQLite
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- timing ---------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    times: list[float]
    goal: str = ""
    ratio: float | None = None
    ratio_label: str = ""
    passed: bool | None = None  # None: no goal
    rerun: Callable[[], object] | None = None  # one more repetition, for profiling
    extra: str = ""  # shown in the ratio column instead of a ratio (sizes, values per second)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.times)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


def time_together(
    functions: dict[str, Callable], inputs: Sequence, *, warmup: int
) -> dict[str, list[float]]:
    """Run every function on every input, rotating their order, and time each call.

    Running them side by side, in turns, keeps a slow phase of the machine from favouring
    one of them, so the ratios compare like with like.
    """
    names = list(functions)
    for item in inputs[:warmup]:
        for name in names:
            functions[name](item)
    times: dict[str, list[float]] = {name: [] for name in names}
    for i, item in enumerate(inputs):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            started = time.perf_counter()
            functions[name](item)
            times[name].append(time.perf_counter() - started)
    return times


def spaced(items: Sequence, count: int) -> list:
    """``count`` items spread evenly over ``items`` (repeating when there are fewer)."""
    if len(items) < count:
        return [items[i % len(items)] for i in range(count)]
    return [items[(i * len(items)) // count] for i in range(count)]


# --- the measurements -------------------------------------------------------------------------


def measure_project_matrix(projects: list, *, args: argparse.Namespace) -> list[Result]:
    from django.db import connection

    from quartierskompass.activities.models import Activity
    from quartierskompass.soni.matrix import Period, compute

    period = Period.year(YEAR)

    def select_one(_project) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    def count(project) -> int:
        return Activity.objects.filter(project=project).count()

    def matrix(measure: str) -> Callable:
        return lambda project: compute(
            Activity.objects.filter(project=project), period=period, measure=measure
        )

    functions = {
        "SELECT 1": select_one,
        "COUNT(*) of a project's activities": count,
        "project matrix, count": matrix("count"),
        "project matrix, staff_hours": matrix("staff_hours"),
    }
    times = time_together(functions, spaced(projects, args.repeat), warmup=args.warmup)
    floor = statistics.median(times["COUNT(*) of a project's activities"])
    results = [Result(name, times[name]) for name in list(functions)[:2]]
    for name in list(functions)[2:]:
        result = Result(name, times[name], goal="≤ 30 ms", ratio_label="× COUNT")
        result.ratio = statistics.median(result.times) / floor
        result.passed = result.p95_ms <= 30
        result.rerun = (lambda fn: lambda: fn(projects[0]))(functions[name])
        results.append(result)
    return results


def programme_sql(programme_id: int, period) -> tuple[str, list]:
    """The floor: one hand-written aggregate of the four staff-hour cells (DESIGN §1.1)."""
    start, end = period.start.isoformat(), period.end.isoformat()
    days = (
        '(MIN(julianday(COALESCE(a."end", %s)), julianday(%s)) '
        "- MAX(julianday(a.start), julianday(%s)) + 1)"
    )
    cells = ", ".join(
        f"SUM(CAST(a.staff_hours AS REAL) * {days} / 365.0 * a.share_{code} / 100.0)"
        for code in "soni"
    )
    sql = (
        f"SELECT {cells} FROM activities_activity a "
        "WHERE a.project_id IN (SELECT id FROM accounts_project WHERE programme_id = %s) "
        "AND a.deleted_at IS NULL AND a.status IN ('active', 'ended') "
        'AND a.start <= %s AND (a."end" IS NULL OR a."end" >= %s)'
    )
    return sql, [end, end, start] * 4 + [programme_id, end, start]


def measure_programme_matrix(programme, *, args: argparse.Namespace) -> list[Result]:
    from django.db import connection

    from quartierskompass.activities.models import Activity
    from quartierskompass.soni.matrix import Period, compute_by_project

    period = Period.year(YEAR)
    sql, params = programme_sql(programme.pk, period)

    def orm(_item):
        return compute_by_project(
            Activity.objects.filter(project__programme=programme),
            period=period,
            measure="staff_hours",
        )

    def raw(_item) -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    overall, _per_project = orm(None)
    by_hand = [value or 0.0 for value in raw(None)]
    by_orm = [overall.cells[code] for code in "SONI"]
    difference = max(abs(a - b) for a, b in zip(by_hand, by_orm, strict=True))
    if difference > 1e-6:
        raise SystemExit(
            f"Hand-written SQL and compute_by_project disagree by {difference}: "
            f"{by_hand} != {by_orm}"
        )
    print(f"  checked: hand-written SQL = compute_by_project (largest difference {difference:.1e})")
    functions = {"programme matrix (compute_by_project)": orm, "hand-written SQL aggregate": raw}
    times = time_together(functions, [programme] * args.repeat, warmup=args.warmup)
    floor = statistics.median(times["hand-written SQL aggregate"])
    result = Result(
        f"programme matrix, staff_hours ({programme.projects.count()} projects)",
        times["programme matrix (compute_by_project)"],
        goal="≤ 1.5× SQL",
        ratio_label="× SQL",
    )
    result.ratio = result.median_ms / 1000 / floor
    result.passed = result.ratio <= 1.5
    result.rerun = lambda: orm(None)
    return [
        result,
        Result("hand-written SQL aggregate (floor)", times["hand-written SQL aggregate"]),
    ]


def measure_pages(projects: list, *, args: argparse.Namespace) -> list[Result]:
    from django.test import Client

    from quartierskompass.accounts.models import Membership, Role, User

    chosen = spaced(projects, args.repeat)
    owner = User.objects.create_user(username="bench-owner", password=None)
    Membership.objects.bulk_create(
        Membership(project=p, user=owner, role=Role.OWNER) for p in dict.fromkeys(chosen)
    )
    client = Client()
    client.force_login(owner)

    def get(path: Callable[[object], str]) -> Callable:
        def request(project) -> None:
            response = client.get(path(project))
            if response.status_code != 200:
                raise SystemExit(f"GET {path(project)} answered {response.status_code}")

        return request

    base = "/projekte/{}/"
    functions = {
        "GET /health/": get(lambda p: "/health/"),
        "GET activity list": get(lambda p: base.format(p.slug) + "aktivitaeten/"),
        f"GET activity list ?q={SEARCH_TEXT}": get(
            lambda p: base.format(p.slug) + f"aktivitaeten/?q={SEARCH_TEXT}"
        ),
        "GET activity list ?field=S": get(lambda p: base.format(p.slug) + "aktivitaeten/?field=S"),
        f"GET matrix dashboard ?year={YEAR}": get(
            lambda p: base.format(p.slug) + f"matrix/?year={YEAR}"
        ),
    }
    times = time_together(functions, chosen, warmup=args.warmup)
    floor = statistics.median(times["GET /health/"])
    results = [Result("GET /health/", times["GET /health/"])]
    for name in list(functions)[1:]:
        result = Result(name, times[name])
        result.ratio_label = "× /health/"
        result.ratio = result.median_ms / 1000 / floor
        result.rerun = (lambda fn: lambda: fn(chosen[0]))(functions[name])
        results.append(result)
    return results


# --- the indicator import ---------------------------------------------------------------------


def import_column(index: int) -> tuple[str, str, str]:
    """Header, indicator key and kind of the ``index``-th column of the bench CSV."""
    number = f"{index + 1:03d}"
    if index % 4 == 0:
        return f"Merkmal {number} (Anzahl)", f"bench-merkmal-{number}", "count"
    if index % 10 == 9:
        return (
            f"Merkmal {number} (Veränderung in Prozentpunkten)",
            f"bench-merkmal-{number}",
            "rate",
        )
    return f"Merkmal {number} (Anteil in %)", f"bench-merkmal-{number}", "rate"


def write_indicator_csv(path: Path, areas: list[tuple[str, str]], *, seed: str) -> dict:
    """A wide statistics table as a German office exports it: one row per area, semicolons,
    decimal commas, about 1 % of the cells withheld as “–”. Returns what was written."""
    rng = random.Random(seed)
    headers = [import_column(i) for i in range(IMPORT_COLUMNS)]
    cells = len(areas) * IMPORT_COLUMNS
    sampled = set(rng.sample(range(cells), min(IMPORT_SAMPLES, cells)))
    samples: list[tuple[str, str, str]] = []  # (indicator key, area code, cell text)
    placeholders = 0
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["Gebiet", "Name", *(header for header, _key, _kind in headers)])
        for r, (code, name) in enumerate(areas):
            row = [code, name]
            for c, (_header, key, kind) in enumerate(headers):
                if rng.random() < IMPORT_PLACEHOLDER_SHARE:
                    text = "–"
                    placeholders += 1
                elif kind == "count":
                    text = str(rng.randrange(20_000))
                elif c % 10 == 9:
                    text = f"{rng.uniform(-5, 5):.2f}".replace(".", ",")
                else:
                    text = f"{rng.uniform(0, 100):.2f}".replace(".", ",")
                row.append(text)
                if r * IMPORT_COLUMNS + c in sampled:
                    samples.append((key, code, text))
            writer.writerow(row)
    return {
        "cells": cells,
        "placeholders": placeholders,
        "bytes": path.stat().st_size,
        "samples": samples,
    }


def check_samples(samples: list[tuple[str, str, str]], system: str) -> None:
    """The cells written are the values stored: decimal commas read, “–” withheld."""
    from decimal import Decimal

    from quartierskompass.areas.models import IndicatorValue

    for key, code, text in samples:
        stored = IndicatorValue.objects.get(
            indicator__key=key, area__code_system=system, area__code=code, date=IMPORT_DATE
        )
        expected = (None, True) if text == "–" else (Decimal(text.replace(",", ".")), False)
        if (stored.value, stored.suppressed) != expected:
            raise SystemExit(
                f"Import check: {key} of {code} is {stored.value} (suppressed "
                f"{stored.suppressed}), the file says {text!r}."
            )


def measure_indicator_import(
    *, args: argparse.Namespace, work_dir: Path
) -> tuple[list[Result], dict]:
    """Import a wide CSV of every synthetic area × 100 indicators, then again with new values.

    Timed end to end (reading, checks, upsert) once each; afterwards the rows in the database
    are counted and a few hundred cells compared with the file.
    """
    from quartierskompass.areas.indicator_import import import_indicators
    from quartierskompass.areas.models import Area, IndicatorValue
    from quartierskompass.core import synth
    from quartierskompass.lib import tabular

    system = synth.AREA_CODE_SYSTEM
    areas = list(
        Area.objects.filter(code_system=system).order_by("code").values_list("code", "name")
    )
    columns = [import_column(i) for i in range(IMPORT_COLUMNS)]
    options = {
        "system": system,
        "code_column": "Gebiet",
        "indicators": {header: key for header, key, _kind in columns},
        "kinds": {key: kind for _header, key, kind in columns},
        "date": IMPORT_DATE,
        "attribution": "Bench (synthetisch)",
    }
    fresh_file, update_file = work_dir / "indikatoren.csv", work_dir / "indikatoren-neu.csv"
    fresh = write_indicator_csv(fresh_file, areas, seed=f"{args.seed}:import:1")
    update = write_indicator_csv(update_file, areas, seed=f"{args.seed}:import:2")
    bench_values = IndicatorValue.objects.filter(indicator__key__startswith="bench-merkmal-")

    def run_import(path: Path):
        report = import_indicators(source=path, filename=path.name, **options)
        if not report.ok:
            raise SystemExit(f"Indicator import failed: {[str(e) for e in report.errors[:5]]}")
        return report

    before = IndicatorValue.objects.count()
    print(f"  importing {fresh['cells']:,} values ({fresh_file.stat().st_size / 1e6:.1f} MB) …")
    started = time.perf_counter()
    with sql_time() as sql:
        report = run_import(fresh_file)
    fresh_seconds = time.perf_counter() - started
    grown = IndicatorValue.objects.count() - before
    suppressed = bench_values.filter(suppressed=True).count()
    if not (grown == fresh["cells"] == report.counts[("values", "created")]):
        raise SystemExit(f"Fresh import: {grown:,} rows more, {fresh['cells']:,} cells written.")
    if suppressed != fresh["placeholders"]:
        raise SystemExit(f"{suppressed:,} withheld values, {fresh['placeholders']:,} “–” written.")
    check_samples(fresh["samples"], system)
    print(f"  checked: {grown:,} rows more, {suppressed:,} of them withheld (“–”)")

    print("  importing the same areas and indicators with new values (update) …")
    started = time.perf_counter()
    report = run_import(update_file)
    update_seconds = time.perf_counter() - started
    if IndicatorValue.objects.count() - before != grown:
        raise SystemExit("The update added rows instead of updating them.")
    if report.counts[("values", "updated")] != update["cells"]:
        raise SystemExit(f"The update counted {dict(report.counts)}.")
    if bench_values.filter(suppressed=True).count() != update["placeholders"]:
        raise SystemExit("The update left withheld values from the first file.")
    check_samples(update["samples"], system)
    print("  checked: no new rows, the sampled cells hold the new values")

    started = time.perf_counter()
    tabular.read_table(fresh_file, filename=fresh_file.name, max_rows=2_000_000)
    read_seconds = time.perf_counter() - started

    results = []
    for label, seconds, written in (
        ("fresh", fresh_seconds, fresh),
        ("update", update_seconds, update),
    ):
        per_million = seconds / written["cells"] * 1_000_000
        result = Result(
            f"indicator import, {label} ({written['cells']:,} values)",
            [seconds],
            goal=f"≤ {IMPORT_GOAL_SECONDS} s per 1,000,000",
            extra=f"{written['cells'] / seconds:,.0f} values/s",
        )
        result.passed = per_million <= IMPORT_GOAL_SECONDS
        result.rerun = lambda: run_import(update_file)
        results.append(result)
    facts = {
        "areas": len(areas),
        "cells": fresh["cells"],
        "placeholders": fresh["placeholders"],
        "megabytes": fresh["bytes"] / 1e6,
        "read_seconds": read_seconds,
        "sql_seconds": sql["seconds"],
        "queries": sql["statements"],
    }
    return results, facts


# --- the map layer of Berlin ------------------------------------------------------------------


def import_berlin() -> dict:
    """Berlin's LOR (berlin-lor preset: hierarchy, “Berlin” on top) and MSS 2021 indicators."""
    from quartierskompass.areas import importer
    from quartierskompass.areas.indicator_import import import_indicators
    from quartierskompass.areas.models import Area, Indicator

    for path in (PLR_FILE, HIERARCHY, MSS_FILE):
        if not path.is_file():
            raise SystemExit(f"Shared data missing: {path} (set QK_SHARED_DATA).")
    preset = importer.PRESETS["berlin-lor"]
    started = time.perf_counter()
    areas = importer.import_areas(
        source=PLR_FILE,
        filename=PLR_FILE.name,
        system=preset.system,
        code_prop=preset.code_prop,
        name_prop=preset.name_prop,
        kind=preset.kind,
        source_note=preset.source_note,
        parent_table=HIERARCHY,
        parent_filename=HIERARCHY.name,
        levels=preset.levels,
        root=preset.root,
        valid_from=preset.valid_from,
    )
    area_seconds = time.perf_counter() - started
    if not areas.ok:
        raise SystemExit(f"Berlin's areas did not import: {[str(e) for e in areas.errors[:5]]}")
    started = time.perf_counter()
    values = import_indicators(
        source=MSS_FILE,
        filename=MSS_FILE.name,
        system=preset.system,
        code_column="PLR_ID",
        date=MSS_DATE,
        indicators={**MSS_RATES, "EW": "mss-ew"},
        labels={"mss-s1": "Arbeitslosigkeit", "mss-ew": "Einwohnerinnen und Einwohner"},
        kinds={**dict.fromkeys(MSS_RATES.values(), "rate"), "mss-ew": "count"},
        suppressed_values=["-9999"],
        attribution="SenStadt Berlin, Monitoring Soziale Stadtentwicklung 2021",
        licence="dl-de/by-2-0",
    )
    value_seconds = time.perf_counter() - started
    if not values.ok:
        raise SystemExit(f"MSS 2021 did not import: {[str(e) for e in values.errors[:5]]}")
    people = Indicator.objects.get(key="mss-ew")
    Indicator.objects.filter(key__in=MSS_RATES.values()).update(base=people)
    return {
        "system": preset.system,
        "root": Area.objects.get(code_system=preset.system, code=preset.root.code),
        "areas": Area.objects.filter(code_system=preset.system).count(),
        "area_seconds": area_seconds,
        "values": values.counts[("values", "created")],
        "value_seconds": value_seconds,
    }


def size_text(content: bytes) -> str:
    return f"{len(content) / 1000:,.0f} kB (gzip {len(gzip.compress(content)) / 1000:,.0f} kB)"


def measure_map(*, args: argparse.Namespace) -> tuple[list[Result], dict]:
    """maplayer.layer, the map endpoint and the map page for a project linked to Berlin (542
    Planungsräume), and the areas' GeoJSON endpoint for the whole code system."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.test import Client

    from quartierskompass.accounts.models import Membership, Project, Role, User
    from quartierskompass.areas import maplayer
    from quartierskompass.areas.models import Indicator, ProjectArea

    berlin = import_berlin()
    project = Project.objects.create(slug="bench-berlin", name="Berlin (Bench)")
    ProjectArea.objects.create(project=project, area=berlin["root"])
    viewer = User.objects.create_user(username="bench-viewer", password=None)
    Membership.objects.create(project=project, user=viewer, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    indicator = Indicator.objects.get(key="mss-s1")
    map_path = f"/api/v1/projects/{project.slug}/map?indicator=mss-s1&level=within"
    geojson_path = f"/api/v1/areas/geojson?system={berlin['system']}"
    page_path = f"/projekte/{project.slug}/karte/?indikator=mss-s1&ebene=within"

    def layer(_item=None) -> dict:
        return maplayer.layer(project, indicator=indicator, day=MSS_DATE, level="within")

    def get(path: str) -> Callable:
        def request(_item=None):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}")
            return response

        return request

    first = layer()
    features = first["areas"]["features"]
    if len(features) != PLANNING_AREAS:
        raise SystemExit(f"maplayer.layer gave {len(features)} areas, not {PLANNING_AREAS}.")
    coloured = sum(f["properties"]["value"] is not None for f in features)
    layer_json = json.dumps(first, cls=DjangoJSONEncoder).encode()
    map_content = get(map_path)().content
    answer = json.loads(map_content)
    if len(answer["areas"]["features"]) != PLANNING_AREAS or answer["date"] != str(MSS_DATE):
        raise SystemExit(
            f"GET {map_path}: {len(answer['areas']['features'])} areas, {answer['date']}"
        )
    geojson_content = get(geojson_path)().content
    geojson_features = len(json.loads(geojson_content)["features"])
    page_content = get(page_path)().content

    functions = {
        "layer": layer,
        "map": get(map_path),
        "page": get(page_path),
        "geojson": get(geojson_path),
    }
    times = time_together(functions, [project] * args.repeat, warmup=args.warmup)
    layer_result = Result(
        f"map layer: maplayer.layer(), {PLANNING_AREAS} Planungsräume",
        times["layer"],
        goal=f"≤ {MAP_GOAL_MS} ms",
        extra=size_text(layer_json) + " as JSON",
    )
    layer_result.passed = layer_result.p95_ms <= MAP_GOAL_MS
    layer_result.rerun = layer
    map_result = Result(
        f"GET /api/v1/projects/…/map?indicator=mss-s1&level=within ({PLANNING_AREAS} areas)",
        times["map"],
        goal=f"≤ {MAP_GOAL_MS} ms, ≤ {MAP_GOAL_BYTES / 1e6:g} MB",
        extra=size_text(map_content),
    )
    map_result.passed = map_result.p95_ms <= MAP_GOAL_MS and len(map_content) <= MAP_GOAL_BYTES
    map_result.rerun = functions["map"]
    geojson_result = Result(
        f"GET /api/v1/areas/geojson?system={berlin['system']} ({geojson_features} areas)",
        times["geojson"],
        extra=size_text(geojson_content),
    )
    geojson_result.rerun = functions["geojson"]
    page_result = Result(
        "GET map page /projekte/…/karte/?indikator=mss-s1 (HTML with the layer)",
        times["page"],
        extra=size_text(page_content),
    )
    page_result.rerun = functions["page"]
    facts = berlin | {"coloured": coloured, "geojson_features": geojson_features}
    return [layer_result, map_result, page_result, geojson_result], facts


def measure_finder(projects: list, *, args: argparse.Namespace) -> list[Result]:
    """The Hilfelotse's search over one project's offers (every synthetic activity is a
    published offer), its page, and the public Wegweiser, against counting the offers."""
    import random

    from django.db.models import Avg
    from django.test import Client

    from quartierskompass.accounts.models import Membership, Project, Role, User
    from quartierskompass.activities.models import Activity, Need
    from quartierskompass.finder.search import Criteria, search

    chosen = spaced(projects, args.repeat)
    rng = random.Random(args.seed)
    needs = list(Need.objects.values_list("code", flat=True))
    centre = {
        row["project_id"]: (row["lat"], row["lon"])
        for row in Activity.objects.filter(project__in=chosen, latitude__isnull=False)
        .values("project_id")
        .annotate(lat=Avg("latitude"), lon=Avg("longitude"))
    }
    wanted = {p.pk: rng.choice(needs) for p in chosen}
    Project.objects.filter(pk__in=[p.pk for p in chosen]).update(wegweiser_enabled=True)
    viewer = User.objects.create_user(username="bench-lotse", password=None)
    Membership.objects.bulk_create(
        Membership(project=p, user=viewer, role=Role.VIEWER) for p in dict.fromkeys(chosen)
    )
    member, public = Client(), Client()
    member.force_login(viewer)
    today = datetime.date(YEAR, 11, 24)

    def offers(project):
        return Activity.objects.filter(project=project)

    def count(project) -> int:
        return offers(project).filter(published=True).count()

    def by_need(project):
        return search(offers(project), Criteria(needs=[wanted[project.pk]]), today=today, limit=50)

    def full(project):
        criteria = Criteria(
            needs=[wanted[project.pk]],
            point=centre.get(project.pk, (52.5, 13.4)),
            radius_m=3000,
            languages=["tr", "ar"],
            free_of_charge=True,
            weekday=1,
            time=datetime.time(10),
        )
        return search(offers(project), criteria, today=today, limit=50)

    def words(project):
        return search(offers(project), Criteria(text=SEARCH_TEXT), today=today, limit=50)

    def get(client: Client, path: Callable[[object], str]) -> Callable:
        def request(project) -> None:
            response = client.get(path(project))
            if response.status_code != 200:
                raise SystemExit(f"GET {path(project)} answered {response.status_code}")

        return request

    functions = {
        "count": count,
        "need": by_need,
        "full": full,
        "words": words,
        "page": get(member, lambda p: f"/projekte/{p.slug}/hilfelotse/?bedarf={wanted[p.pk]}"),
        "wegweiser": get(public, lambda p: f"/wegweiser/{p.slug}/"),
    }
    sizes = [count(p) for p in chosen]
    if not all(sizes) or not by_need(chosen[0]).total:
        raise SystemExit("finder: the synthetic projects have no fitting offers")
    times = time_together(functions, chosen, warmup=args.warmup)
    floor = statistics.median(times["count"])
    size = f"{min(sizes)}–{max(sizes)} offers per project, {Activity.objects.count():,} in all"
    results = []
    for name, label, goal in (
        ("need", "Hilfelotse search: one need, best 50", FINDER_GOAL_MS),
        (
            "full",
            "Hilfelotse search: need, 3 km radius, languages, free, Tue 10:00",
            FINDER_GOAL_MS,
        ),
        ("words", f"Hilfelotse search: words „{SEARCH_TEXT}“", FINDER_GOAL_MS),
        ("page", "GET Hilfelotse page ?bedarf=… (viewer, search logged)", None),
        ("wegweiser", "GET public Wegweiser /wegweiser/<slug>/ (anonymous)", WEGWEISER_GOAL_MS),
    ):
        result = Result(f"{label} ({size})" if name == "need" else label, times[name])
        if goal is not None:
            result.goal = f"≤ {goal} ms"
            result.passed = result.p95_ms <= goal
        result.ratio_label = "× COUNT"
        result.ratio = result.median_ms / 1000 / floor
        result.rerun = (lambda fn: lambda: fn(chosen[0]))(functions[name])
        results.append(result)
    return results


def make_network() -> object:
    """A project with NETWORK_ACTORS actors of every type and NETWORK_TIES random ties
    (seeded, no pair twice), the size the network goal names."""
    import random

    from quartierskompass.accounts.models import Project
    from quartierskompass.actors.models import Actor, ActorType, Tie, TieKind

    rng = random.Random(5)
    project = Project.objects.create(slug="bench-network", name="Netzwerk (Bench)")
    types = list(ActorType.objects.all())
    kinds = list(TieKind.objects.all())
    Actor.objects.bulk_create(
        Actor(
            project=project,
            name=f"Akteur {i}",
            actor_type=types[i % len(types)],
            field="SONI"[i % 4],
        )
        for i in range(NETWORK_ACTORS)
    )
    ids = list(Actor.objects.filter(project=project).values_list("pk", flat=True))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < NETWORK_TIES:
        # Preferential ends, as in real networks: a few actors know many.
        a, b = sorted((ids[int(rng.paretovariate(1.2)) % len(ids)], rng.choice(ids)))
        if a != b:
            pairs.add((a, b))
    Tie.objects.bulk_create(
        Tie(
            project=project,
            source_id=a,
            target_id=b,
            kind=rng.choice(kinds),
            strength=rng.randint(1, 3),
        )
        for a, b in sorted(pairs)
    )
    return project


def measure_network(*, args: argparse.Namespace) -> list[Result]:
    """Metrics and signals of a 1,000-actor network, and the network endpoint, against reading
    the graph's rows into networkx (the floor)."""
    from django.test import Client

    from quartierskompass.accounts.models import Membership, Role, User
    from quartierskompass.actors import network

    project = make_network()
    viewer = User.objects.create_user(username="bench-network-viewer", password=None)
    Membership.objects.create(project=project, user=viewer, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    path = f"/api/v1/projects/{project.slug}/network"

    def graph(_item=None):
        return network.project_graph(project)

    def metrics(_item=None):
        built, _actors = network.project_graph(project)
        result = network.metrics(built)
        return result, network.signals(project, graph=built, result=result)

    def endpoint(_item=None):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        return response

    built, _actors = graph()
    if built.number_of_nodes() != NETWORK_ACTORS or built.number_of_edges() != NETWORK_TIES:
        raise SystemExit(f"network: {built.number_of_nodes()} actors, {built.number_of_edges()}")
    content = endpoint().content
    answer = json.loads(content)
    if len(answer["nodes"]) != NETWORK_ACTORS or len(answer["edges"]) != NETWORK_TIES:
        raise SystemExit(f"GET {path}: {len(answer['nodes'])} nodes, {len(answer['edges'])}")
    repeat = max(10, args.repeat // 3)
    times = time_together(
        {"graph": graph, "metrics": metrics, "endpoint": endpoint},
        [project] * repeat,
        warmup=min(args.warmup, 2),
    )
    floor = statistics.median(times["graph"])
    size = f"{NETWORK_ACTORS:,} actors, {NETWORK_TIES:,} ties"
    metrics_result = Result(
        f"network metrics + signals ({size})",
        times["metrics"],
        goal=f"≤ {NETWORK_GOAL_MS} ms",
        ratio_label="× reading the graph",
    )
    metrics_result.ratio = metrics_result.median_ms / 1000 / floor
    metrics_result.passed = metrics_result.p95_ms <= NETWORK_GOAL_MS
    metrics_result.rerun = metrics
    endpoint_result = Result(
        f"GET /api/v1/projects/…/network ({size})",
        times["endpoint"],
        goal=f"≤ {NETWORK_ENDPOINT_GOAL_MS} ms",
        ratio_label="× reading the graph",
    )
    endpoint_result.ratio = endpoint_result.median_ms / 1000 / floor
    endpoint_result.passed = endpoint_result.p95_ms <= NETWORK_ENDPOINT_GOAL_MS
    endpoint_result.rerun = endpoint
    graph_result = Result(
        f"reading the network into networkx ({size})", times["graph"], extra=size_text(content)
    )
    return [graph_result, metrics_result, endpoint_result]


@contextmanager
def recorded_queries() -> Iterator[list[tuple[str, tuple, float]]]:
    """Every query run inside, with its parameters and its time (to the microsecond)."""
    from django.db import connection

    queries: list[tuple[str, tuple, float]] = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((sql, tuple(params or ()), time.perf_counter() - started))

    with connection.execute_wrapper(record):
        yield queries


@contextmanager
def sql_time() -> Iterator[dict[str, float]]:
    """Time spent in SQL inside, and the number of statements (without keeping them)."""
    from django.db import connection

    spent = {"seconds": 0.0, "statements": 0}

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["seconds"] += time.perf_counter() - started
            spent["statements"] += 1

    with connection.execute_wrapper(record):
        yield spent


def profile(result: Result) -> str:
    """Where a missed goal's time goes: SQL against the rest, repeated queries, query plans."""
    from django.db import connection

    started = time.perf_counter()
    with recorded_queries() as queries:
        result.rerun()
    total = time.perf_counter() - started
    in_sql = sum(seconds for *_rest, seconds in queries)
    lines = [
        f"{result.name}: {total * 1000:.1f} ms, of which {len(queries)} queries "
        f"{in_sql * 1000:.1f} ms"
    ]
    repeated = Counter(sql for sql, *_rest in queries)
    lines += [f"  repeated {n}×: {sql[:160]} …" for sql, n in repeated.items() if n > 1]
    selects = [q for q in queries if q[0].lstrip().upper().startswith("SELECT")]
    for sql, params, seconds in sorted(selects, key=lambda q: -q[2])[:3]:
        lines.append(f"  {seconds * 1000:.2f} ms: {sql[:160]} …")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            lines += [f"      plan: {row[-1]}" for row in cursor.fetchall()]
    return "\n".join(lines + python_profile(result.rerun))


def python_profile(rerun: Callable[[], object], top: int = 12) -> list[str]:
    """Where the Python time of one more run goes: the project's functions by cumulative
    time, then every function by its own time (cProfile makes both slower than measured)."""
    profiler = cProfile.Profile()
    profiler.enable()
    rerun()
    profiler.disable()
    entries = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def where(file: str, line: int, function: str) -> str:
        for prefix in (
            str(ROOT) + "/",
            "site-packages/",
            "python{}.{}/".format(*sys.version_info[:2]),
        ):
            if prefix in file:
                file = file.split(prefix, 1)[1]
        return f"{file}:{line} {function}"

    def rows(key: Callable, keep: Callable) -> list[str]:
        chosen = sorted((item for item in entries.items() if keep(item[0])), key=key)[:top]
        return [
            f"    {ct * 1000:9.1f} ms cum {tt * 1000:9.1f} ms own {nc:>9} calls  {where(*name)}"
            for name, (_cc, nc, tt, ct, _callers) in chosen
        ]

    lines = ["  Python profile, the project's functions by cumulative time:"]
    lines += rows(lambda item: -item[1][3], lambda name: "quartierskompass" in name[0])
    lines.append("  Python profile, every function by its own time:")
    lines += rows(lambda item: -item[1][2], lambda name: True)
    return lines


# --- data and report --------------------------------------------------------------------------


def make_data(args: argparse.Namespace, data_dir: Path) -> dict:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    call_command("synth", scale=args.scale, seed=args.seed, stdout=sys.stdout)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(f.stat().st_size for f in data_dir.glob("quartierskompass.sqlite3*"))
    return {"synth_seconds": seconds, "db_bytes": size}


def row_counts() -> dict[str, int]:
    from quartierskompass.accounts.models import Programme, Project
    from quartierskompass.activities.models import Activity
    from quartierskompass.actors.models import Actor
    from quartierskompass.areas.models import Area, Indicator, IndicatorValue

    return {
        "programmes": Programme.objects.count(),
        "projects": Project.objects.count(),
        "actors": Actor.objects.count(),
        "activities": Activity.objects.count(),
        "areas": Area.objects.count(),
        "indicators": Indicator.objects.count(),
        "indicator values": IndicatorValue.objects.count(),
    }


def machine() -> dict[str, str]:
    return {
        "date": datetime.date.today().isoformat(),
        "cpus": str(os.cpu_count()),
        "cpu": platform.processor() or platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "django": __import__("django").get_version(),
        # Other work on the machine widens the spread; the load says how quiet it was.
        "load": " / ".join(f"{n:.1f}" for n in os.getloadavg()),
    }


def table(results: list[Result]) -> list[str]:
    lines = [
        "| measure | median ms | p95 ms | goal | ratio, size or rate | result |",
        "|---|---:|---:|---|---:|---|",
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}{r.ratio_label}" if r.ratio is not None else r.extra
        verdict = {True: "pass", False: "**MISSED**", None: ""}[r.passed]
        lines.append(
            f"| {r.name} | {r.median_ms:.2f} | {r.p95_ms:.2f} | {r.goal} | {ratio} | {verdict} |"
        )
    return lines


def report(args, results, facts, counts, data, profiles, largest, imported, berlin) -> str:
    lines = [
        f"Last run: {facts['date']}, scale {args.scale:g} (seed {args.seed}), "
        f"{args.repeat} repetitions after {args.warmup} warm-up runs, year {YEAR}; "
        "each indicator import ran once.",
        "",
        f"Machine: {facts['cpus']} CPUs ({facts['cpu']}, {facts['system']}), "
        f"Python {facts['python']}, SQLite {facts['sqlite']}, Django {facts['django']}; "
        f"load average {facts['load']} (1/5/15 min) when the measurements ended.",
        "",
        "Rows: "
        + ", ".join(f"{name} {n:,}" for name, n in counts.items())
        + f"; largest programme: {largest['projects']:,} projects, "
        f"{largest['activities']:,} activities.",
        "",
        f"`synth` took {data['synth_seconds']:.1f} s; database size "
        f"{data['db_bytes'] / 1e6:.0f} MB.",
        "",
        f"Indicator import: a wide CSV of {imported['areas']:,} synthetic areas × "
        f"{IMPORT_COLUMNS} indicator columns ({imported['megabytes']:.1f} MB, semicolons, "
        f"decimal commas, {imported['placeholders']:,} cells “–”), imported into the database "
        f"above; every cell became one row (“–” as a withheld value), {IMPORT_SAMPLES} cells "
        f"were compared with the file. Reading the file alone takes "
        f"{imported['read_seconds']:.1f} s; the fresh import spent "
        f"{imported['sql_seconds']:.1f} s in {imported['queries']:,} SQL statements.",
        "",
        f"Map: Berlin's LOR imported with the `berlin-lor` preset ({berlin['areas']:,} areas "
        f"in {berlin['area_seconds']:.1f} s) and the MSS 2021 index indicators "
        f"({berlin['values']:,} values in {berlin['value_seconds']:.1f} s); a project linked to "
        f"“Berlin”, level `within`: {PLANNING_AREAS} Planungsräume, {berlin['coloured']} of "
        f"them with a value of `mss-s1` for {MSS_DATE.isoformat()}; requests by a viewer.",
        "",
        *table(results),
        "",
    ]
    missed = [r for r in results if r.passed is False]
    lines.append(
        "Every goal was met."
        if not missed
        else "Missed: " + ", ".join(r.name for r in missed) + " (query plans and profiles below)."
    )
    if profiles:
        lines += ["", "```", *profiles, "```"]
    return "\n".join(lines)


def write_doc(section: str) -> None:
    text = DOC.read_text() if DOC.exists() else DOC_INTRO + f"\n{START_MARKER}\n{END_MARKER}\n"
    if START_MARKER not in text or END_MARKER not in text:
        text = text.rstrip("\n") + f"\n\n{START_MARKER}\n{END_MARKER}\n"
    _head, rest = text.split(START_MARKER, 1)
    _old, tail = rest.split(END_MARKER, 1)
    # The introduction describes what this script measures, so it is rewritten with it.
    DOC.write_text(f"{DOC_INTRO}\n{START_MARKER}\n{section}\n{END_MARKER}{tail}")


def run(args: argparse.Namespace, data_dir: Path) -> None:
    setup_django(data_dir)
    from django.db.models import Count

    from quartierskompass.accounts.models import Programme, Project
    from quartierskompass.activities.models import Activity

    data = make_data(args, data_dir)
    counts = row_counts()
    projects = list(Project.objects.filter(slug__startswith="synth-").order_by("slug"))
    programme = (
        Programme.objects.filter(slug__startswith="synth-programm-")
        .annotate(size=Count("projects"))
        .order_by("-size", "slug")
        .first()
    )
    largest = {
        "projects": programme.size,
        "activities": Activity.objects.filter(project__programme=programme).count(),
    }
    print("\nMeasuring the project matrix …")
    results = measure_project_matrix(projects, args=args)
    print("Measuring the programme matrix …")
    results += measure_programme_matrix(programme, args=args)
    print("Measuring the pages …")
    results += measure_pages(projects, args=args)
    print("Measuring the indicator import …")
    work_dir = data_dir / "bench-files"
    work_dir.mkdir()
    imported_results, imported = measure_indicator_import(args=args, work_dir=work_dir)
    results += imported_results
    print("Measuring the Hilfelotse and the Wegweiser …")
    results += measure_finder(projects, args=args)
    print("Measuring the map layer of Berlin …")
    map_results, berlin = measure_map(args=args)
    results += map_results
    print("Measuring the network …")
    results += measure_network(args=args)
    print("Profiling missed goals …" if any(r.passed is False for r in results) else "")
    profiles = [profile(r) for r in results if r.passed is False]
    print()
    print("\n".join(table(results)))
    for text in profiles:
        print("\n" + text)
    section = report(args, results, machine(), counts, data, profiles, largest, imported, berlin)
    if not args.no_write:
        write_doc(section)
        print(f"\nWritten to {DOC.relative_to(ROOT)}.")
    missed = [r.name for r in results if r.passed is False]
    print("Every goal was met." if not missed else "GOAL MISSED: " + "; ".join(missed))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="qk-bench-"))
    try:
        run(args, data_dir)
    finally:
        if args.keep:
            print(f"Database kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
