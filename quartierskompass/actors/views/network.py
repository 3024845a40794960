"""The network page: who works with whom, drawn with Cytoscape.js, and the saved layout.

The graph, its metrics and the SONI signals come from `actors.network.graph_data`; this module
only reads the filter, adds the colours and texts the page needs and stores where people left
the nodes.
"""

from __future__ import annotations

import json
import math

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import Access, allows
from quartierskompass.actors.models import Actor, ActorType, Tie, TieKind
from quartierskompass.actors.network import graph_data
from quartierskompass.areas.locate import with_descendants
from quartierskompass.areas.models import Area, ProjectArea
from quartierskompass.soni.model import Field

# Paul Tol's "muted" scheme (colour-blind safe); each key also gets its own shape, so colour is
# never the only cue. Labels are drawn beside the nodes in dark ink on a white halo, so they
# do not depend on the fill.
Category = ActorType.Category
CATEGORY_STYLE: dict[str, tuple[str, str]] = {
    Category.CHURCH: ("#332288", "ellipse"),
    Category.WELFARE: ("#882255", "round-rectangle"),
    Category.MUNICIPAL: ("#117733", "diamond"),
    Category.POLITICS: ("#44AA99", "hexagon"),
    Category.CIVIL: ("#DDCC77", "round-triangle"),
    Category.EDUCATION: ("#88CCEE", "star"),
    Category.ECONOMY: ("#999933", "pentagon"),
    Category.HEALTH: ("#CC6677", "octagon"),
    Category.PERSON: ("#AA4499", "vee"),
    Category.OTHER: ("#DDDDDD", "barrel"),
}
# The SONI field colours of the rest of the app (see qk.css .field-badge--*).
FIELD_STYLE: dict[str, tuple[str, str]] = {
    Field.S: ("#2f5f8f", "round-rectangle"),
    Field.O: ("#3b6e2f", "diamond"),
    Field.N: ("#8a5a00", "ellipse"),
    Field.I: ("#9b3a57", "round-triangle"),
}
UNKNOWN_STYLE = ("#FFFFFF", "ellipse")
CONFLICT_KIND = "konflikt"
CONFLICT_COLOUR = "#D55E00"  # Okabe–Ito vermilion
EDGE_COLOUR = "#5f6b75"
# Limits for a saved layout: far more actors than a project has, coordinates far off screen.
MAX_POSITIONS = 20_000
MAX_COORDINATE = 1e7


def _ngon(sides: int, start: float) -> list[tuple[float, float]]:
    return [
        (math.cos(start + 2 * math.pi * i / sides), math.sin(start + 2 * math.pi * i / sides))
        for i in range(sides)
    ]


def _star() -> list[tuple[float, float]]:
    outer, inner = _ngon(5, -math.pi / 2), _ngon(5, -math.pi / 2 + math.pi / 5)
    points = []
    for (ox, oy), (ix, iy) in zip(outer, inner, strict=True):
        points += [(ox, oy), (ix * 0.45, iy * 0.45)]
    return points


# The legend draws the same shapes as Cytoscape, in unit coordinates (y grows downwards).
SHAPE_OUTLINE: dict[str, list[tuple[float, float]]] = {
    "round-rectangle": [(-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)],
    "diamond": [(0, -1), (1, 0), (0, 1), (-1, 0)],
    "hexagon": _ngon(6, 0),
    "round-triangle": _ngon(3, -math.pi / 2),
    "star": _star(),
    "pentagon": _ngon(5, -math.pi / 2),
    "octagon": _ngon(8, math.pi / 8),
    "vee": [(-1, -1), (0, -0.33), (1, -1), (0, 1)],
    "barrel": [
        (-0.75, -0.9),
        (0.75, -0.9),
        (1, -0.5),
        (1, 0.5),
        (0.75, 0.9),
        (-0.75, 0.9),
        (-1, 0.5),
        (-1, -0.5),
    ],
}


def legend_points(shape: str) -> str:
    """SVG polygon points in an 18×18 box, or "" for a circle."""
    return " ".join(f"{9 + 7.5 * x:.1f},{9 + 7.5 * y:.1f}" for x, y in SHAPE_OUTLINE.get(shape, []))


COLOUR_CHOICES = [("typ", gettext_lazy("actor type")), ("feld", gettext_lazy("SONI field"))]
STEP_CHOICES = [("1", gettext_lazy("direct ties")), ("2", gettext_lazy("up to two steps"))]


class NetworkFilterForm(forms.Form):
    """What the graph shows. Offers only kinds, types and areas the project actually has."""

    art = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds of ties"), required=False, widget=forms.CheckboxSelectMultiple
    )
    typ = forms.MultipleChoiceField(
        label=gettext_lazy("Actor types"), required=False, widget=forms.CheckboxSelectMultiple
    )
    gebiet = forms.TypedChoiceField(
        label=gettext_lazy("Area"), required=False, coerce=int, empty_value=None
    )
    farbe = forms.ChoiceField(
        label=gettext_lazy("Colour by"), required=False, choices=COLOUR_CHOICES
    )
    ego = forms.TypedChoiceField(
        label=gettext_lazy("Network around"), required=False, coerce=int, empty_value=None
    )
    schritte = forms.TypedChoiceField(
        label=gettext_lazy("Reach"), required=False, coerce=int, choices=STEP_CHOICES, empty_value=1
    )

    def __init__(self, data, *, project: Project) -> None:
        super().__init__(data)
        ties = Tie.objects.filter(project=project)
        actors = Actor.objects.filter(project=project)
        self.fields["art"].choices = [
            (k.code, k.label) for k in TieKind.objects.filter(pk__in=ties.values("kind"))
        ]
        self.fields["typ"].choices = [
            (t.code, t.label) for t in ActorType.objects.filter(pk__in=actors.values("actor_type"))
        ]
        areas = (
            Area.objects.without_geometry()
            .filter(pk__in=ProjectArea.objects.filter(project=project).values("area"))
            .order_by("code_system", "code")
        )
        self.fields["gebiet"].choices = [("", _("all areas")), *((a.pk, a.name) for a in areas)]
        self.fields["ego"].choices = [
            ("", _("the whole network")),
            *actors.order_by("name").values_list("pk", "name"),
        ]

    def choice(self) -> dict:
        self.is_valid()  # a stale choice drops only its own field, not the others
        data = self.cleaned_data
        return {
            "kinds": data.get("art") or None,
            "types": data.get("typ") or None,
            "area": data.get("gebiet"),
            "colour": data.get("farbe") or "typ",
            "ego": data.get("ego"),
            "steps": data.get("schritte") or 1,
        }


@project_view()
def network_page(request: HttpRequest, project: Project) -> HttpResponse:
    form = NetworkFilterForm(request.GET, project=project)
    choice = form.choice()
    area_ids = with_descendants([choice["area"]]) if choice["area"] else None
    graph = graph_data(
        project,
        kinds=choice["kinds"],
        types=choice["types"],
        area_ids=area_ids,
        ego=choice["ego"],
        steps=choice["steps"],
    )
    _decorate(graph["nodes"], choice["colour"])
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    can_write = allows(project.current_role, Access.WRITE)
    context = {
        "project": project,
        "form": form,
        "choice": choice,
        "graph": graph,
        "legend": _legend(graph["nodes"], choice["colour"]),
        "brokers": [names[pk] for pk in graph["metrics"]["brokers"]][:8],
        "ties_table": _ties_table(graph["edges"], names),
        "has_actors": bool(graph["nodes"]) or Actor.objects.filter(project=project).exists(),
        "can_write": can_write,
        "config": {
            "nodes": graph["nodes"],
            "edges": graph["edges"],
            "conflict": CONFLICT_KIND,
            "colours": {"conflict": CONFLICT_COLOUR, "edge": EDGE_COLOUR},
            "texts": _texts(),
        },
    }
    return render(request, "actors/network.html", context)


def _style_of(node: dict, colour: str) -> tuple[str, str]:
    if colour == "feld":
        return FIELD_STYLE.get(node["field"], UNKNOWN_STYLE)
    return CATEGORY_STYLE.get(node["category"], UNKNOWN_STYLE)


def _decorate(nodes: list[dict], colour: str) -> None:
    fields = dict(Field.choices)
    for node in nodes:
        node["colour"], node["shape"] = _style_of(node, colour)
        node["field_label"] = str(fields.get(node["field"], ""))


def _legend(nodes: list[dict], colour: str) -> list[dict]:
    """One entry per colour the graph uses, in the order of the key."""
    if colour == "feld":
        keys, styles, labels = (
            [n["field"] for n in nodes],
            FIELD_STYLE,
            dict(Field.choices),
        )
        unknown = _("no field given")
    else:
        keys, styles, labels = (
            [n["category"] for n in nodes],
            CATEGORY_STYLE,
            dict(Category.choices),
        )
        unknown = _("no type given")
    used = set(keys)
    legend = [
        {"label": labels[key], "colour": c, "points": legend_points(s)}
        for key, (c, s) in styles.items()
        if key in used
    ]
    if used - set(styles):
        legend.append({"label": unknown, "colour": UNKNOWN_STYLE[0], "points": ""})
    return legend


def _ties_table(edges: list[dict], names: dict[int, str]) -> list[tuple]:
    return [
        (
            names[e["source"]],
            names[e["target"]],
            e["kind_label"],
            e["strength"],
            e["directed"],
            e["confirmed"],
        )
        for e in edges
    ]


def _texts() -> dict[str, str]:
    """What network.js writes into the page (the card's headings are in the template)."""
    return {
        "brokerYes": _("yes – without this actor the network falls apart"),
        "no": _("no"),
        "none": _("not given"),
        "match": _("One actor matches."),
        "matches": _("%(n)s actors match."),
        "noMatch": _("No actor matches."),
        "saved": _("The positions are saved."),
        "saveFailed": _("The positions could not be saved. Please reload the page."),
    }


class InvalidPositions(ValueError):
    pass


def _reject_constant(name: str) -> float:
    raise InvalidPositions(name)


def parse_positions(raw: str | bytes, project: Project) -> list[Actor]:
    """The project's actors with the positions the request sends, or InvalidPositions."""
    try:
        payload = json.loads(raw, parse_constant=_reject_constant)
    except ValueError as error:  # JSONDecodeError and InvalidPositions
        raise InvalidPositions(str(error)) from error
    positions = payload.get("positions") if isinstance(payload, dict) else None
    if not isinstance(positions, dict) or len(positions) > MAX_POSITIONS:
        raise InvalidPositions("positions")
    wanted: dict[int, tuple[float, float]] = {}
    for key, value in positions.items():
        if not (isinstance(key, str) and key.isdigit()) or not _is_point(value):
            raise InvalidPositions(key)
        wanted[int(key)] = (float(value[0]), float(value[1]))
    actors = list(Actor.objects.filter(project=project, pk__in=wanted).only("pk"))
    if len(actors) != len(wanted):
        raise InvalidPositions("unknown actor")
    for actor in actors:
        actor.graph_x, actor.graph_y = wanted[actor.pk]
    return actors


def _is_point(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(
            isinstance(v, int | float)
            and not isinstance(v, bool)
            and math.isfinite(v)
            and abs(v) <= MAX_COORDINATE
            for v in value
        )
    )


@require_POST
@project_view(Access.WRITE)
def save_positions(request: HttpRequest, project: Project) -> HttpResponse:
    """Store where the nodes lie: JSON ``{"positions": {"<actor id>": [x, y]}}`` → 204.

    A form post with the same JSON in the field ``positions`` is answered with a redirect to
    the network page. Only the layout changes, so the actors' versions stay as they are.
    """
    is_json = request.content_type == "application/json"
    raw = request.body if is_json else request.POST.get("positions", "")
    try:
        actors = parse_positions(raw, project)
    except InvalidPositions:
        return HttpResponseBadRequest(_("The positions could not be read."))
    Actor.objects.bulk_update(actors, ["graph_x", "graph_y"], batch_size=500)
    if is_json:
        return HttpResponse(status=204)
    messages.success(request, _("The positions are saved."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("actors:network", args=[project.slug])
    return redirect(target)
