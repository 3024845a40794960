"""make bench: DESIGN §6's performance bars, measured on synthetic data in one run.

Creates a fresh SQLite database in a temporary data directory, migrates, runs
``quartierskompass synth --scale S``, then times the SONI matrix (one project, one programme
against a hand-written SQL aggregate) and the activity list and matrix pages against trivial
baselines. Prints a table and writes it into docs/performance.md between the bench markers.

    .venv/bin/python bench/run.py --scale 0.1      # BENCH_SCALE works too; default 1.0

Exit status: 0 when every measurement ran (a missed goal is reported, not fatal), 1 on errors.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
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

DOC_INTRO = """# Performance

`make bench` (`bench/run.py`) measures the bars of DESIGN §6 that concern the SONI matrix and
the busiest pages, in one run on one machine, on synthetic data from `quartierskompass synth`
(at scale 1.0: 10 programmes, 1,500 projects, 60,000 actors, 150,000 activities, 10,000 areas).

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

Ratios compare medians; the functions of one group run in turns on the same input, so a busy
moment of the machine hits both sides of a ratio alike. A missed goal is reported with where
the time of one more request goes: SQL against the rest, queries repeated within the request,
and SQLite's plan (`EXPLAIN QUERY PLAN`) of the slowest.

Run it with `make bench` (scale 1.0, a few minutes) or
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
    return "\n".join(lines)


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
    from quartierskompass.areas.models import Area

    return {
        "programmes": Programme.objects.count(),
        "projects": Project.objects.count(),
        "actors": Actor.objects.count(),
        "activities": Activity.objects.count(),
        "areas": Area.objects.count(),
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
        "| measure | median ms | p95 ms | goal | ratio | result |",
        "|---|---:|---:|---|---:|---|",
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}{r.ratio_label}" if r.ratio is not None else ""
        verdict = {True: "pass", False: "**MISSED**", None: ""}[r.passed]
        lines.append(
            f"| {r.name} | {r.median_ms:.2f} | {r.p95_ms:.2f} | {r.goal} | {ratio} | {verdict} |"
        )
    return lines


def report(args, results, facts, counts, data, profiles, largest) -> str:
    lines = [
        f"Last run: {facts['date']}, scale {args.scale:g} (seed {args.seed}), "
        f"{args.repeat} repetitions after {args.warmup} warm-up runs, year {YEAR}.",
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
        *table(results),
        "",
    ]
    missed = [r for r in results if r.passed is False]
    lines.append(
        "Every goal was met."
        if not missed
        else "Missed: " + ", ".join(r.name for r in missed) + " (query plans below)."
    )
    if profiles:
        lines += ["", "```", *profiles, "```"]
    return "\n".join(lines)


def write_doc(section: str) -> None:
    text = DOC.read_text() if DOC.exists() else DOC_INTRO + f"\n{START_MARKER}\n{END_MARKER}\n"
    if START_MARKER not in text or END_MARKER not in text:
        text = text.rstrip("\n") + f"\n\n{START_MARKER}\n{END_MARKER}\n"
    head, rest = text.split(START_MARKER, 1)
    _old, tail = rest.split(END_MARKER, 1)
    DOC.write_text(f"{head}{START_MARKER}\n{section}\n{END_MARKER}{tail}")


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
    profiles = [profile(r) for r in results if r.passed is False]
    print()
    print("\n".join(table(results)))
    for text in profiles:
        print("\n" + text)
    section = report(args, results, machine(), counts, data, profiles, largest)
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
