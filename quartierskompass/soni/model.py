"""The fixed structure of the SONI model: four fields on two levels and two sides.

The codes S, O, N, I are stable: they go into exports, the API and the CLI.
Work forms, principles and guiding questions are data (see `content.py` and `models.py`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Field(models.TextChoices):
    S = "S", _("Social structure")
    O = "O", _("Organisations")  # noqa: E741 - the model's own letter
    N = "N", _("Network")
    I = "I", _("Individual")  # noqa: E741 - the model's own letter


class Level(models.TextChoices):
    SYSTEM = "system", _("System")
    LEBENSWELT = "lebenswelt", _("Lifeworld")


class Side(models.TextChoices):
    FIELD = "field", _("Field-oriented (not case-specific)")
    CASE = "case", _("Case- and organisation-oriented")


# Row and column headings of the 2×2 picture (two short lines per column).
LEVEL_HEADING = {Level.SYSTEM: _("System level"), Level.LEBENSWELT: _("Lifeworld level")}
SIDE_HEADING = {
    Side.FIELD: (_("Field-oriented"), _("(not case-specific)")),
    Side.CASE: (_("Case- and"), _("organisation-oriented")),
}

FIELD_ORDER: tuple[str, ...] = ("S", "O", "N", "I")
FIELD_LEVEL = {"S": Level.SYSTEM, "O": Level.SYSTEM, "N": Level.LEBENSWELT, "I": Level.LEBENSWELT}
FIELD_SIDE = {"S": Side.FIELD, "N": Side.FIELD, "O": Side.CASE, "I": Side.CASE}

FIELD_REFERENCE = {
    "S": _("Local politics and administration"),
    "O": _("The support system"),
    "N": _("The community (Gemeinwesen)"),
    "I": _("Casework"),
}

FIELD_SUMMARY = {
    "S": _(
        "How the neighbourhood is shaped by decisions of local politics and administration: "
        "knowing what exists and what is needed, planning infrastructure that fits the need, "
        "and a municipal concept for the social space that is decided politically and made "
        "public."
    ),
    "O": _(
        "The organisations that provide support and help: parishes, deanery offices and "
        "diaconal services, but also municipal offices such as the social welfare office, the "
        "youth welfare office, the immigration office and the employment agency. They develop "
        "offers that fit the need and steer their own and shared offers by the social space."
    ),
    "N": _(
        "The social networks people live in. Work here is not tied to a single case: it starts "
        "from what the community needs, activates the resources of the neighbourhood and builds "
        "cooperation across providers for lasting offers."
    ),
    "I": _(
        "The individual person with their own needs and their own will. Work here is casework: "
        "it starts from what this person wants, builds on their own resources and coordinates "
        "help that fits them exactly."
    ),
}

LEVEL_SUMMARY = {
    Level.SYSTEM: _(
        "The structures of the neighbourhood and the organisations that work in it or could."
    ),
    Level.LEBENSWELT: _("The lives of individual people and the social networks they live in."),
}


def field_level(code: str) -> Level:
    return FIELD_LEVEL[code]


def field_side(code: str) -> Side:
    return FIELD_SIDE[code]


def equal_shares(fields: list[str] | set[str]) -> dict[str, int]:
    """Split 100 % equally over the chosen fields (DESIGN §1.1).

    The remainder goes to the earliest chosen fields in the order S, O, N, I: three fields
    give 34/33/33.
    """
    chosen = [code for code in FIELD_ORDER if code in set(fields)]
    if not chosen:
        raise ValueError("Choose at least one field.")
    base, remainder = divmod(100, len(chosen))
    shares = dict.fromkeys(FIELD_ORDER, 0)
    for position, code in enumerate(chosen):
        shares[code] = base + (1 if position < remainder else 0)
    return shares
