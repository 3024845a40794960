"""Needs with their evidence, and what the project's activities do about them (Bedarf–Bestand).

DESIGN §3 steps 3 and 4. Evidence for a need comes from

* **indicators**: an indicator linked to the need is *auffällig* in one of the project's areas
  (compared with the top of its code system, e.g. the city);
* **searches**: the Hilfelotse found nothing fitting for the need (Fall zum Feld), counted
  over the last ``SEARCH_WINDOW_DAYS``;
* **findings**: the team recorded a finding for the need with a field method;
* **register**: the team put the need into its register by hand (``ProjectNeed``).

A need with evidence and no active activity addressing it is a *gap*.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity, Need
from quartierskompass.areas.maplayer import subtree_ids
from quartierskompass.areas.models import Area, Indicator, ProjectArea
from quartierskompass.areas.profile import Reading, profile, reference_area
from quartierskompass.finder.models import SearchLog
from quartierskompass.planning.models import Finding, ProjectNeed
from quartierskompass.soni.matrix import Period, contribution, in_scope

SEARCH_WINDOW_DAYS = 365


@dataclass
class IndicatorEvidence:
    area: Area
    reference: Area | None
    reading: Reading


@dataclass
class NeedEvidence:
    need: Need
    indicators: list[IndicatorEvidence] = field(default_factory=list)
    unmet_searches: int = 0
    searches: int = 0
    findings: list[Finding] = field(default_factory=list)
    register: list[ProjectNeed] = field(default_factory=list)

    @property
    def has_evidence(self) -> bool:
        return bool(self.indicators or self.unmet_searches or self.findings or self.register)

    @property
    def status(self) -> str:
        """The register's status; ``open`` when the need is not in the register yet."""
        statuses = {entry.status for entry in self.register}
        for status in ("in_progress", "open", "addressed", "dismissed"):
            if status in statuses:
                return status
        return ProjectNeed.Status.OPEN

    @property
    def dismissed(self) -> bool:
        return bool(self.register) and all(
            entry.status == ProjectNeed.Status.DISMISSED for entry in self.register
        )

    @property
    def kinds(self) -> list[str]:
        """Which kinds of evidence there are, for short labels on pages."""
        return [
            kind
            for kind, present in (
                ("indicator", self.indicators),
                ("search", self.unmet_searches),
                ("finding", self.findings),
                ("register", self.register),
            )
            if present
        ]


def project_areas(project: Project) -> list[Area]:
    return [
        link.area
        for link in ProjectArea.objects.filter(project=project)
        .select_related("area")
        .defer("area__boundary", "area__boundary_simplified")
    ]


def _within(area: Area | None) -> set[int] | None:
    return set(subtree_ids([area])) if area is not None else None


def indicator_areas(project: Project, area: Area | None = None) -> list[Area]:
    """The areas whose indicators count as evidence: the project's areas, or those of them
    inside ``area``; for an area below a project area (a Planungsraum of the project's
    Bezirksregion), that area itself. An area outside the project gives none.
    """
    linked = project_areas(project)
    if area is None:
        return linked
    within = _within(area)
    inside = [link for link in linked if link.pk in within]
    if inside:
        return inside
    return [area] if area.pk in set(subtree_ids(linked)) else []


def evidence(
    project: Project, *, area: Area | None = None, today: date | None = None
) -> list[NeedEvidence]:
    """Every active need with what speaks for it in the project (or in one of its areas).

    Needs without any evidence are included too (``has_evidence`` is false), so pages can list
    the whole taxonomy; callers filter.
    """
    today = today or timezone.localdate()
    within = _within(area)
    by_need = {need.pk: NeedEvidence(need) for need in Need.objects.filter(active=True)}

    indicators = list(
        Indicator.objects.filter(needs__isnull=False).distinct().prefetch_related("needs")
    )
    if indicators:
        for project_area in indicator_areas(project, area):
            reference = reference_area(project_area)
            for reading in profile(project_area, reference=reference, indicators=indicators):
                if not reading.auffaellig:
                    continue
                for need in reading.indicator.needs.all():
                    if need.pk in by_need:
                        by_need[need.pk].indicators.append(
                            IndicatorEvidence(project_area, reference, reading)
                        )

    codes = {entry.need.code: entry for entry in by_need.values()}
    searches = SearchLog.objects.filter(
        project=project, date__gt=today - timedelta(days=SEARCH_WINDOW_DAYS), date__lte=today
    )
    if within is not None:
        searches = searches.filter(area_id__in=within)
    for needs, results in searches.values_list("needs", "results"):
        for code in needs or []:
            if code in codes:
                codes[code].searches += 1
                codes[code].unmet_searches += results == 0

    findings = Finding.objects.filter(project=project, need__isnull=False).select_related(
        "method", "area"
    )
    if within is not None:
        findings = findings.filter(area_id__in=within)
    for finding in findings:
        if finding.need_id in by_need:
            by_need[finding.need_id].findings.append(finding)

    register = ProjectNeed.objects.filter(project=project).select_related("area", "updated_by")
    if within is not None:
        register = register.filter(Q(area__isnull=True) | Q(area_id__in=within))
    for entry in register:
        if entry.need_id in by_need:
            by_need[entry.need_id].register.append(entry)

    return list(by_need.values())


@dataclass
class Coverage:
    """What the project's activities do about one need in a period."""

    need: Need
    evidence: NeedEvidence | None
    activities: int = 0
    staff_hours: Decimal = Decimal(0)
    volunteer_hours: Decimal = Decimal(0)
    budget: Decimal = Decimal(0)

    @property
    def hours(self) -> Decimal:
        return self.staff_hours + self.volunteer_hours

    @property
    def gap(self) -> bool:
        """Evidence, no active activity – and the team has not dismissed the need."""
        return (
            self.evidence is not None
            and self.evidence.has_evidence
            and not self.evidence.dismissed
            and self.activities == 0
        )


def coverage(
    project: Project,
    *,
    period: Period,
    area: Area | None = None,
    today: date | None = None,
) -> list[Coverage]:
    """Needs × activities (DESIGN §3.4): activities running in the period (status active or
    ended, as in the matrix) per need, with the
    hours and euros they spend (yearly figures pro-rated to the period, as in the matrix).

    An activity counts for every need it names; in one area it counts when its area lies in
    that area. Rows: every need with evidence or with an activity, gaps first.
    """
    activities = in_scope(Activity.objects.filter(project=project), period)
    within = _within(area)
    if within is not None:
        activities = activities.filter(area_id__in=within)
    rows = (
        activities.filter(needs__isnull=False)
        .values("needs")
        .annotate(
            n=Count("pk", distinct=True),
            staff=Sum(contribution(period, "staff_hours")),
            volunteer=Sum(contribution(period, "volunteer_hours")),
            euros=Sum(contribution(period, "budget")),
        )
        .order_by()
    )
    figures = defaultdict(dict)
    for row in rows:
        figures[row["needs"]] = row
    result = []
    for entry in evidence(project, area=area, today=today):
        row = figures.get(entry.need.pk)
        if not row and not entry.has_evidence:
            continue
        result.append(
            Coverage(
                need=entry.need,
                evidence=entry,
                activities=row["n"] if row else 0,
                staff_hours=_decimal(row and row["staff"]),
                volunteer_hours=_decimal(row and row["volunteer"]),
                budget=_decimal(row and row["euros"]),
            )
        )
    result.sort(key=lambda c: (not c.gap, -len(c.evidence.kinds), c.need.position, c.need.label))
    return result


def _decimal(value) -> Decimal:
    return Decimal(str(round(value, 2))) if value else Decimal(0)


def need_activities(
    project: Project, need: Need, *, period: Period, area: Area | None = None
) -> QuerySet[Activity]:
    """The activities behind one row of `coverage`, each with what it spends in the period
    (``staff_in_period``, ``volunteer_in_period``, ``budget_in_period``; None when missing)."""
    activities = in_scope(Activity.objects.filter(project=project, needs=need), period)
    within = _within(area)
    if within is not None:
        activities = activities.filter(area_id__in=within)
    return (
        activities.select_related("area")
        .annotate(
            staff_in_period=contribution(period, "staff_hours"),
            volunteer_in_period=contribution(period, "volunteer_hours"),
            budget_in_period=contribution(period, "budget"),
        )
        .order_by("title", "pk")
    )
