"""The SONI matrix, exactly as DESIGN §1.1 defines it, aggregated in the database.

Every figure on the dashboard, in the API, the CLI and the reports comes from `compute` (one
scope) or `compute_by_project` (a programme with one matrix per project), both one SQL
aggregate over the activities in scope. Numbers are never rounded here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, FloatField, Func, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.utils.translation import gettext as _

from quartierskompass.core.formats import number, percent
from quartierskompass.soni.model import FIELD_LEVEL, FIELD_ORDER, FIELD_SIDE, Level, Side

MEASURES = ("count", "staff_hours", "volunteer_hours", "budget", "reach")
DEFAULT_STATUSES = ("active", "ended")  # planned activities count only when asked
DEFAULT_WEAK_THRESHOLD = 0.10
DAYS_PER_YEAR = 365
SHARE = {code: f"share_{code.lower()}" for code in FIELD_ORDER}
_EPOCH = date(2000, 1, 1)


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    """A date range, both ends included; usually a calendar year."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(_("The period ends before it starts."))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2025`` or ``2025-01-01..2025-06-30`` (ISO dates)."""
        text = text.strip()
        if re.fullmatch(r"\d{4}", text):
            return cls.year(int(text))
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", text)
        if not match:
            raise PeriodError(
                _(
                    "“%(text)s” is not a period: give a year (2025) or two dates "
                    "(2025-01-01..2025-06-30)."
                )
                % {"text": text}
            )
        try:
            return cls(date.fromisoformat(match[1]), date.fromisoformat(match[2]))
        except ValueError as error:
            raise PeriodError(str(error)) from None

    @property
    def is_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (
            1,
            1,
            12,
            31,
        ) and self.start.year == self.end.year

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        if self.is_year:
            return str(self.start.year)
        return f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"

    def as_param(self) -> str:
        return str(self.start.year) if self.is_year else f"{self.start}..{self.end}"

    def previous(self) -> Period:
        """The period of the same length just before (the year before, for a year)."""
        if self.is_year:
            return Period.year(self.start.year - 1)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


class DayNumber(Func):
    """Days since 2000-01-01 as an integer, the same on SQLite and PostgreSQL."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # julianday('2000-01-01') is 2451544.5; CAST truncates towards zero.
        return self.as_sql(
            compiler, connection, template="(CAST(julianday(%(expressions)s) AS INTEGER) - 2451544)"
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s - DATE '2000-01-01')")


def day_number(value: date) -> int:
    return (value - _EPOCH).days


def overlap_days(period: Period):
    """SQL expression: days of the activity inside the period, both ends included."""
    first = Greatest(DayNumber("start"), Value(day_number(period.start)))
    last = Least(
        Coalesce(DayNumber("end"), Value(day_number(period.end))), Value(day_number(period.end))
    )
    return last - first + Value(1)


def contribution(period: Period, measure: str):
    """SQL expression: the activity's contribution before splitting it into fields.

    count: 1; yearly measures: value × overlap_days / 365; a missing value gives NULL,
    which SUM skips – that is, it counts as 0.
    """
    if measure == "count":
        return Value(1.0, output_field=FloatField())
    value = Cast(F(measure), FloatField())
    return value * overlap_days(period) / Value(float(DAYS_PER_YEAR))


def _aggregates(period: Period, measure: str) -> dict:
    amount = contribution(period, measure)
    system = Q(share_s__gt=0) | Q(share_o__gt=0)
    lifeworld = Q(share_n__gt=0) | Q(share_i__gt=0)
    aggregates = {
        code: Sum(amount * F(name) / Value(100.0), output_field=FloatField())
        for code, name in SHARE.items()
    }
    aggregates["n"] = Count("pk")
    aggregates["bridges"] = Count("pk", filter=system & lifeworld)
    if measure != "count":
        aggregates["missing"] = Count("pk", filter=Q(**{f"{measure}__isnull": True}))
    return aggregates


def in_scope(queryset: QuerySet, period: Period, statuses=DEFAULT_STATUSES) -> QuerySet:
    return queryset.overlapping(period.start, period.end).with_status(statuses)


@dataclass
class Matrix:
    """The DESIGN §1.1 figures for one scope, one period and one measure."""

    period: Period
    measure: str
    cells: dict[str, float]
    activities: int
    bridges: int
    missing: int
    weak_threshold: float = DEFAULT_WEAK_THRESHOLD
    scope: dict = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.cells.values())

    @property
    def shares(self) -> dict[str, float] | None:
        total = self.total
        if total <= 0:
            return None
        return {code: self.cells[code] / total for code in FIELD_ORDER}

    @property
    def evenness(self) -> float | None:
        shares = self.shares
        if shares is None:
            return None
        entropy = -sum(p * math.log(p) for p in shares.values() if p > 0)
        return entropy / math.log(4)

    @property
    def levels(self) -> dict[str, float] | None:
        shares = self.shares
        if shares is None:
            return None
        return {
            level.value: sum(p for c, p in shares.items() if FIELD_LEVEL[c] == level)
            for level in (Level.SYSTEM, Level.LEBENSWELT)
        }

    @property
    def sides(self) -> dict[str, float] | None:
        shares = self.shares
        if shares is None:
            return None
        return {
            side.value: sum(p for c, p in shares.items() if FIELD_SIDE[c] == side)
            for side in (Side.FIELD, Side.CASE)
        }

    @property
    def weak(self) -> list[str]:
        shares = self.shares
        if shares is None:
            return []
        return [code for code in FIELD_ORDER if shares[code] < self.weak_threshold]

    @property
    def is_empty(self) -> bool:
        return self.shares is None

    def as_json(self) -> dict:
        """The object `quartierskompass matrix --json` prints (DESIGN §4), unrounded."""
        return {
            "scope": self.scope,
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "measure": self.measure,
            "cells": dict(self.cells),
            "shares": self.shares,
            "evenness": self.evenness,
            "levels": self.levels,
            "sides": self.sides,
            "weak": self.weak,
            "bridges": self.bridges,
            "missing": self.missing,
            "activities": self.activities,
        }


def _matrix(row: dict, **kwargs) -> Matrix:
    return Matrix(
        cells={code: float(row[code] or 0.0) for code in FIELD_ORDER},
        activities=row["n"],
        bridges=row["bridges"],
        missing=row.get("missing", 0),
        **kwargs,
    )


def compute(
    queryset: QuerySet,
    *,
    period: Period,
    measure: str = "count",
    statuses=DEFAULT_STATUSES,
    weak_threshold: float = DEFAULT_WEAK_THRESHOLD,
    scope: dict | None = None,
) -> Matrix:
    """The matrix over ``queryset`` (activities already limited to project, area, …)."""
    if measure not in MEASURES:
        raise ValueError(f"Unknown measure {measure!r}; use one of {', '.join(MEASURES)}.")
    row = in_scope(queryset, period, statuses).aggregate(**_aggregates(period, measure))
    return _matrix(
        row, period=period, measure=measure, weak_threshold=weak_threshold, scope=scope or {}
    )


def compute_by_project(
    queryset: QuerySet,
    *,
    period: Period,
    measure: str = "count",
    statuses=DEFAULT_STATUSES,
    weak_threshold: float = DEFAULT_WEAK_THRESHOLD,
) -> tuple[Matrix, dict[int, Matrix]]:
    """One matrix over everything and one per project, from a single grouped query."""
    if measure not in MEASURES:
        raise ValueError(f"Unknown measure {measure!r}; use one of {', '.join(MEASURES)}.")
    rows = (
        in_scope(queryset, period, statuses)
        .order_by()
        .values("project_id")
        .annotate(**_aggregates(period, measure))
    )
    kwargs = {"period": period, "measure": measure, "weak_threshold": weak_threshold}
    per_project = {row["project_id"]: _matrix(row, **kwargs) for row in rows}
    total = {code: sum(m.cells[code] for m in per_project.values()) for code in FIELD_ORDER}
    overall = Matrix(
        cells=total,
        activities=sum(m.activities for m in per_project.values()),
        bridges=sum(m.bridges for m in per_project.values()),
        missing=sum(m.missing for m in per_project.values()),
        **kwargs,
    )
    return overall, per_project


def cell_activities(
    queryset: QuerySet, *, field_code: str, period: Period, measure: str, statuses=DEFAULT_STATUSES
) -> QuerySet:
    """The activities behind one cell with their contribution to it, largest first."""
    share = SHARE[field_code]
    amount = contribution(period, measure)
    return (
        in_scope(queryset, period, statuses)
        .filter(**{f"{share}__gt": 0})
        .annotate(
            contribution=amount,
            cell_contribution=amount * F(share) / Value(100.0),
            field_share=F(share),
        )
        .order_by(F("cell_contribution").desc(nulls_last=True), "title")
    )


def format_value(measure: str, value: float) -> str:
    """A cell value with its unit, as German or English readers expect it."""
    if measure == "count":
        return _("%(n)s activities") % {"n": number(value, 1)}
    text = number(value)
    return {
        "staff_hours": _("%(n)s staff hours"),
        "volunteer_hours": _("%(n)s volunteer hours"),
        "budget": _("%(n)s EUR"),
        "reach": _("%(n)s people"),
    }[measure] % {"n": text}


@dataclass
class Figure:
    key: str
    label: str
    value: str
    sentence: str


def describe(matrix: Matrix) -> list[Figure]:
    """Evenness, level and side balance, weak fields and bridges, each in one plain sentence."""
    from quartierskompass.soni.model import Field

    if matrix.is_empty:
        return []
    evenness, levels, sides = matrix.evenness, matrix.levels, matrix.sides
    if evenness >= 0.85:
        even = _("The work is spread very evenly over the four fields.")
    elif evenness >= 0.6:
        even = _("The work has clear focal points but reaches into several fields.")
    else:
        even = _("The work is concentrated in few fields.")
    weak = [f"{Field(c).label} ({percent(matrix.shares[c])})" for c in matrix.weak]
    threshold = percent(matrix.weak_threshold)
    return [
        Figure(
            "evenness",
            _("Evenness"),
            number(evenness, 2),
            even + " " + _("(0 means everything in one field, 1 means all four fields equally.)"),
        ),
        Figure(
            "levels",
            _("Level balance"),
            f"{percent(levels['system'])} / {percent(levels['lebenswelt'])}",
            _("%(system)s of the work lies on the system level, %(lifeworld)s in the lifeworld.")
            % {"system": percent(levels["system"]), "lifeworld": percent(levels["lebenswelt"])},
        ),
        Figure(
            "sides",
            _("Side balance"),
            f"{percent(sides['field'])} / {percent(sides['case'])}",
            _(
                "%(field)s is field-oriented (not tied to a case), %(case)s is case- or "
                "organisation-oriented."
            )
            % {"field": percent(sides["field"]), "case": percent(sides["case"])},
        ),
        Figure(
            "weak",
            _("Weak fields"),
            ", ".join(matrix.weak) or _("none"),
            _(
                "Below %(threshold)s: %(fields)s. The work forms of these fields show what "
                "could be done there."
            )
            % {"threshold": threshold, "fields": ", ".join(weak)}
            if weak
            else _("No field lies below %(threshold)s.") % {"threshold": threshold},
        ),
        Figure(
            "bridges",
            _("Bridges"),
            str(matrix.bridges),
            _("%(bridges)s of %(n)s activities link the system level and the lifeworld.")
            % {"bridges": matrix.bridges, "n": matrix.activities}
            if matrix.bridges
            else _("No activity links the system level and the lifeworld yet."),
        ),
    ]
