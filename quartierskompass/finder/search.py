"""The Hilfelotse's search: the offers that fit one person's situation, best first, with reasons.

One rule decides what stays in the list: **an offer drops out only when its own details
contradict the search** – it is for other needs or other ages, lies in another area or outside
the radius, is closed on the asked day, is held only in other languages, is explicitly not
barrier-free or explicitly costs something. When a detail is missing (no opening hours, no
languages given), the offer stays, earns no points for it and says what is missing
(„Sprache nicht angegeben“): in counselling a phone call clears that up, while a silent gap in
the list would hide help.

Languages: an offer fits when it is held in **at least one** of the asked languages. The
person needs to be understood in one language; the team ticks every language the person
speaks, and asking for all of them at once would leave almost nothing.

Ranking: points for what was asked and fits (see ``POINTS``), ties broken by title. The query
runs in two steps: the database narrows the project's published offers with indexed columns
and the needs' link table, then Python measures the exact distance, reads the opening hours
and the languages and scores a few columns per offer; only the results kept (``limit``) are
loaded in full.

`record_search` writes the anonymous search log (`SearchLog`): the codes of the needs and the
target group, the area, the number of results – never the free text, the age, the place or
anything else about the person.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity, Need, Status, TargetGroup
from quartierskompass.areas.models import Area
from quartierskompass.core.formats import number
from quartierskompass.finder.models import SearchLog
from quartierskompass.lib.languages import language_name
from quartierskompass.lib.schedule import Opening, is_open
from quartierskompass.lib.text import fold

EARTH_RADIUS_M = 6_371_000
METRES_PER_DEGREE = 111_320
# Without a radius, an offer this far away or farther earns no distance points.
DISTANCE_REFERENCE_M = 5_000
# A target group that includes everyone: such an offer fits every asked group.
EVERYONE = "alle"

POINTS = {
    "need": 3,  # per asked need the offer serves
    "target_group": 2,  # names exactly the asked group (not only "alle")
    "distance": 3,  # at the point itself, falling to 0 at the radius (or 5 km)
    "language": 2,  # held in one of the asked languages
    "open": 2,  # open on the asked day (and time)
    "open_today": 1,  # no day asked: open today, help comes sooner
    "free_of_charge": 1,  # asked and free of charge
    "barrier_free": 1,  # asked and barrier-free
    "title": 1,  # the searched words are in the title
}


@dataclass
class Criteria:
    """What the person needs; every field is optional, an empty search finds every offer."""

    needs: list[str] = field(default_factory=list)  # need codes; one of them must fit
    target_group: str | None = None  # target group code
    age: int | None = None
    area_id: int | None = None  # the area and every area below it
    point: tuple[float, float] | None = None  # (latitude, longitude)
    radius_m: int | None = None  # only with a point
    languages: list[str] = field(default_factory=list)  # codes of lib.languages
    barrier_free: bool = False
    free_of_charge: bool = False
    weekday: int | None = None  # 0 = Monday
    time: time | None = None  # with a weekday: then; without: on any day at that time
    text: str = ""

    @property
    def words(self) -> list[str]:
        return fold(self.text).split()

    def is_empty(self) -> bool:
        return not any(
            (
                self.needs,
                self.target_group,
                self.age is not None,
                self.area_id,
                self.point,
                self.languages,
                self.barrier_free,
                self.free_of_charge,
                self.weekday is not None,
                self.time,
                self.words,
            )
        )


@dataclass(frozen=True)
class Reason:
    """A short German chip on a result: a fit (``met``) or a gap the person should know."""

    text: str
    met: bool = True


@dataclass
class Result:
    activity: Activity
    score: float
    distance_m: int | None
    reasons: list[Reason]

    @property
    def matches(self) -> list[Reason]:
        return [r for r in self.reasons if r.met]

    @property
    def misses(self) -> list[Reason]:
        return [r for r in self.reasons if not r.met]


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def format_distance(metres: float) -> str:
    """„80 m“, „630 m“, „1,2 km“, „14 km“ – as precise as a walk needs."""
    if metres < 995:
        return f"{number(round(metres, -1))} m"
    if metres < 9_950:
        return f"{number(metres / 1000, 1)} km"
    return f"{number(metres / 1000)} km"


# --- step 1: the database ------------------------------------------------------------------


def candidates(
    activities: QuerySet[Activity], criteria: Criteria, *, today: date, area_ids=None
) -> QuerySet[Activity]:
    """The published, active offers that may fit; everything decided on indexed columns.

    ``area_ids`` replaces the lookup of the area's descendants (the caller may know them).
    """
    offers = activities.filter(
        published=True, deleted_at__isnull=True, status=Status.ACTIVE
    ).filter(Q(end__isnull=True) | Q(end__gte=today))
    if criteria.needs:
        links = Activity.needs.through.objects.filter(
            activity_id=OuterRef("pk"), need__code__in=criteria.needs
        )
        offers = offers.filter(Exists(links))
    if criteria.target_group:
        links = Activity.target_groups.through.objects.filter(activity_id=OuterRef("pk"))
        fitting = links.filter(targetgroup__code__in=[criteria.target_group, EVERYONE])
        offers = offers.filter(Exists(fitting) | ~Exists(links))
    if criteria.age is not None:
        offers = offers.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=criteria.age),
            Q(max_age__isnull=True) | Q(max_age__gte=criteria.age),
        )
    if criteria.area_id:
        if area_ids is None:
            area_ids = Area(pk=criteria.area_id).descendant_ids()
        offers = offers.filter(area_id__in=area_ids)
    if criteria.point and criteria.radius_m:
        offers = offers.filter(**_bounding_box(criteria.point, criteria.radius_m))
    if criteria.barrier_free:
        offers = offers.exclude(barrier_free=False)
    if criteria.free_of_charge:
        offers = offers.exclude(free_of_charge=False)
    for word in criteria.words:
        offers = offers.filter(search_text__contains=word)
    return offers


def _bounding_box(point: tuple[float, float], radius_m: float) -> dict[str, float]:
    lat, lon = point
    dlat = radius_m / METRES_PER_DEGREE
    dlon = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return {
        "latitude__gte": lat - dlat,
        "latitude__lte": lat + dlat,
        "longitude__gte": lon - dlon,
        "longitude__lte": lon + dlon,
    }


# --- step 2: Python --------------------------------------------------------------------------

# What the scoring reads; the full offers are loaded afterwards for the results shown only.
SCORING_FIELDS = (
    "pk",
    "title",
    "opening_hours",
    "languages",
    "free_of_charge",
    "barrier_free",
    "latitude",
    "longitude",
)


class _Offer(NamedTuple):
    pk: int
    title: str
    opening_hours: list
    languages: list
    free_of_charge: bool | None
    barrier_free: bool | None
    latitude: float | None
    longitude: float | None


class Results(list):
    """The results, best first: all of them, or the first ``limit``; ``total`` counts all."""

    total: int = 0


def search(
    activities: QuerySet[Activity],
    criteria: Criteria,
    *,
    today: date,
    area_ids: list[int] | None = None,
    limit: int | None = None,
) -> Results:
    """The fitting offers among ``activities``, best first (see the module's rules).

    With ``limit`` only the best ones come back, while ``total`` still counts every fitting
    offer. ``area_ids`` may give the area and its descendants when the caller knows them.
    """
    offers = candidates(activities, criteria, today=today, area_ids=area_ids)
    # Python sorts by score anyway: no ORDER BY for the database.
    rows = [_Offer(*row) for row in offers.order_by().values_list(*SCORING_FIELDS)]
    found = Results()
    if not rows:
        return found
    context = _Context.load(criteria, offers, today=today)
    scored = [s for s in (_judge(row, criteria, context) for row in rows) if s is not None]
    scored.sort(key=lambda s: (-s[1], s[0].title.casefold(), s[0].pk))
    found.total = len(scored)
    best = scored if limit is None else scored[:limit]
    loaded = Activity.objects.select_related("responsible").in_bulk([s[0].pk for s in best])
    found.extend(
        Result(loaded[offer.pk], score, distance, reasons)
        for offer, score, distance, reasons in best
        if offer.pk in loaded
    )
    return found


@dataclass
class _Context:
    today: date
    need_labels: dict[str, str]
    needs_of: dict[int, list[str]]
    group_label: str
    exact_group: set[int]
    words: list[str]
    language: str = "de"
    # Reasons every result may share, translated once per search.
    fixed: dict[str, Reason] = field(default_factory=dict)

    @classmethod
    def load(cls, criteria: Criteria, offers: QuerySet[Activity], *, today: date) -> _Context:
        needs_of: dict[int, list[str]] = defaultdict(list)
        labels: dict[str, str] = {}
        if criteria.needs:
            labels = {n.code: n.label for n in Need.objects.filter(code__in=criteria.needs)}
            links = Activity.needs.through.objects.filter(
                activity__in=offers.values("pk"), need__code__in=criteria.needs
            ).values_list("activity_id", "need__code")
            for activity_id, code in links:
                needs_of[activity_id].append(code)
        exact, group_label = set(), ""
        if criteria.target_group:
            group = TargetGroup.objects.filter(code=criteria.target_group).first()
            group_label = group.label if group else criteria.target_group
            exact = set(
                Activity.target_groups.through.objects.filter(
                    activity__in=offers.values("pk"), targetgroup__code=criteria.target_group
                ).values_list("activity_id", flat=True)
            )
        language = (get_language() or "de")[:2]
        return cls(today, labels, needs_of, group_label, exact, criteria.words, language, _fixed())


def _fixed() -> dict[str, Reason]:
    return {
        "open_today": Reason(_("open today")),
        "free": Reason(_("free of charge")),
        "barrier_free": Reason(_("barrier-free")),
        "no_place": Reason(_("location not stated"), met=False),
        "no_language": Reason(_("language not stated"), met=False),
        "no_hours": Reason(_("opening hours not known"), met=False),
        "no_costs": Reason(_("costs not stated"), met=False),
        "no_access": Reason(_("barrier-free access not stated"), met=False),
    }


def _judge(offer: _Offer, criteria: Criteria, context: _Context):
    """(offer, score, distance, reasons) of one candidate, or None when it contradicts."""
    score, reasons = 0.0, []
    for code in criteria.needs:
        if code in context.needs_of.get(offer.pk, ()):
            score += POINTS["need"]
            label = context.need_labels.get(code, code)
            reasons.append(Reason(_("fits: %(need)s") % {"need": label}))
    if criteria.target_group and offer.pk in context.exact_group:
        score += POINTS["target_group"]
        reasons.append(Reason(_("for %(group)s") % {"group": context.group_label}))
    distance = _distance(offer, criteria)
    if criteria.point and criteria.radius_m and (distance is None or distance > criteria.radius_m):
        return None
    if distance is not None:
        reference = criteria.radius_m or DISTANCE_REFERENCE_M
        score += POINTS["distance"] * max(0.0, 1 - distance / reference)
        reasons.append(Reason(format_distance(distance)))
    elif criteria.point:
        reasons.append(context.fixed["no_place"])
    points = _languages(offer, criteria, context, reasons)
    if points is None:
        return None
    score += points
    points = _opening(offer, criteria, context, reasons)
    if points is None:
        return None
    score += points
    score += _costs_and_access(offer, criteria, context, reasons)
    if context.words and all(w in fold(offer.title) for w in context.words):
        score += POINTS["title"]
    rounded = None if distance is None else round(distance)
    return offer, round(score, 3), rounded, reasons


def _distance(offer: _Offer, criteria: Criteria) -> float | None:
    if criteria.point is None or offer.latitude is None or offer.longitude is None:
        return None
    return haversine_m(criteria.point, (offer.latitude, offer.longitude))


def _languages(
    offer: _Offer, criteria: Criteria, context: _Context, reasons: list[Reason]
) -> float | None:
    if not criteria.languages:
        return 0.0
    if not offer.languages:
        reasons.append(context.fixed["no_language"])
        return 0.0
    spoken = [code for code in criteria.languages if code in offer.languages]
    if not spoken:
        return None
    reasons.append(Reason(", ".join(language_name(c, context.language) for c in spoken)))
    return POINTS["language"]


def _opening(
    offer: _Offer, criteria: Criteria, context: _Context, reasons: list[Reason]
) -> float | None:
    asked = criteria.weekday is not None or criteria.time is not None
    if not offer.opening_hours:
        if asked:
            reasons.append(context.fixed["no_hours"])
        return 0.0
    openings = [Opening.from_dict(o) for o in offer.opening_hours]
    if not asked:
        if is_open(openings, context.today.weekday()):
            reasons.append(context.fixed["open_today"])
            return POINTS["open_today"]
        return 0.0
    days = [criteria.weekday] if criteria.weekday is not None else list(range(7))
    open_days = [d for d in days if is_open(openings, d, criteria.time)]
    if not open_days:
        return None
    if criteria.time is None and open_days[0] == context.today.weekday():
        reasons.append(context.fixed["open_today"])
    else:
        reasons.append(Reason(_open_text(open_days[0], criteria.time)))
    return POINTS["open"]


def _open_text(day: int, at: time | None) -> str:
    if at is not None:
        return _("open %(day)s at %(time)s") % {
            "day": WEEKDAYS_ABBR[day],
            "time": at.strftime("%H:%M"),
        }
    return _("open %(day)s") % {"day": WEEKDAYS_ABBR[day]}


def _costs_and_access(
    offer: _Offer, criteria: Criteria, context: _Context, reasons: list[Reason]
) -> float:
    score = 0.0
    if offer.free_of_charge:
        reasons.append(context.fixed["free"])
        score += POINTS["free_of_charge"] if criteria.free_of_charge else 0
    elif criteria.free_of_charge:
        reasons.append(context.fixed["no_costs"])
    if offer.barrier_free:
        reasons.append(context.fixed["barrier_free"])
        score += POINTS["barrier_free"] if criteria.barrier_free else 0
    elif criteria.barrier_free:
        reasons.append(context.fixed["no_access"])
    return score


# --- the anonymous log -----------------------------------------------------------------------


def record_search(*, project: Project, criteria: Criteria, results: int) -> SearchLog:
    """One row per submitted search: codes, area and the number of results – nothing else.

    The free text, the age, the point, languages and times stay out on purpose: together they
    could point to the person who was looking for help.
    """
    # Only codes that exist: a code field must never become a way to write free text.
    needs = Need.objects.filter(code__in=criteria.needs).values_list("code", flat=True)
    groups = TargetGroup.objects.filter(code=criteria.target_group or "")
    area = Area.objects.filter(pk=criteria.area_id).values_list("pk", flat=True).first()
    return SearchLog.objects.create(
        project=project,
        needs=sorted(needs),
        target_groups=list(groups.values_list("code", flat=True)),
        area_id=area,
        results=results,
    )


def mark_picked(*, project: Project, log_id: int | None) -> bool:
    """Note that a result of this search went into a Hilfeplan; False if no such search."""
    if not log_id:
        return False
    return bool(SearchLog.objects.filter(project=project, pk=log_id).update(picked=True))
