"""Geometry and labels for the 2×2 SONI picture, drawn as SVG by a template.

The same picture serves the model page and, with values, the matrix dashboard; the
template escapes every text, so names typed by users stay text.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from quartierskompass.core.formats import percent
from quartierskompass.soni.model import (
    FIELD_LEVEL,
    FIELD_REFERENCE,
    FIELD_SIDE,
    LEVEL_HEADING,
    SIDE_HEADING,
    Field,
    Level,
    Side,
)

WIDTH, HEIGHT = 640, 456
LABEL_BAND, HEADER_BAND, GAP = 120, 48, 8
CELL_W = (WIDTH - LABEL_BAND - 2 * GAP) // 2
CELL_H = (HEIGHT - HEADER_BAND - 2 * GAP) // 2
COLUMN = {Side.FIELD: 0, Side.CASE: 1}
ROW = {Level.SYSTEM: 0, Level.LEBENSWELT: 1}
# Light fills with dark text keep a contrast above 7:1 in every cell.
FILL = {"S": "#d6e6f5", "O": "#dcefd6", "N": "#fbeccb", "I": "#f5dbe3"}


@dataclass
class Cell:
    code: str
    name: str
    x: int
    y: int
    width: int = CELL_W
    height: int = CELL_H
    fill: str = "#ffffff"
    href: str = ""
    lines: list[str] = field(default_factory=list)
    # Only for a cell without a link; a link's name is its visible text (WCAG 2.5.3).
    aria_label: str = ""
    text_colour: str = "#1b1f23"
    big_line: bool = False  # the first line is a figure, drawn large

    @property
    def text_x(self) -> int:
        return self.x + 16


def cell_origin(code: str) -> tuple[int, int]:
    column, row = COLUMN[FIELD_SIDE[code]], ROW[FIELD_LEVEL[code]]
    return LABEL_BAND + GAP + column * (CELL_W + GAP), HEADER_BAND + GAP + row * (CELL_H + GAP)


def model_diagram(*, link_prefix: str = "") -> dict:
    """The model picture: each field with its level and reference, linking to its section."""
    cells = []
    for code in ("S", "O", "N", "I"):
        x, y = cell_origin(code)
        name = str(Field(code).label)
        reference = _("Reference: %(reference)s") % {"reference": FIELD_REFERENCE[code]}
        cells.append(
            Cell(
                code=code,
                name=name,
                x=x,
                y=y,
                fill=FILL[code],
                href=f"{link_prefix}{code}" if link_prefix else "",
                lines=textwrap.wrap(reference, 25),
                aria_label=f"{code} – {name}. {reference} ({LEVEL_HEADING[FIELD_LEVEL[code]]})",
            )
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "cells": cells,
        "columns": [
            {"x": LABEL_BAND + GAP + CELL_W // 2, "lines": SIDE_HEADING[Side.FIELD]},
            {"x": LABEL_BAND + 2 * GAP + CELL_W + CELL_W // 2, "lines": SIDE_HEADING[Side.CASE]},
        ],
        "rows": [
            {"y": HEADER_BAND + GAP + CELL_H // 2, "label": LEVEL_HEADING[Level.SYSTEM]},
            {
                "y": HEADER_BAND + 2 * GAP + CELL_H + CELL_H // 2,
                "label": LEVEL_HEADING[Level.LEBENSWELT],
            },
        ],
        "label_x": LABEL_BAND // 2,
        "header_y": 20,
    }


# Colour by share: light to dark blue; the two darkest classes carry white text.
SHARE_CLASSES = [
    (0.10, "#e4eef8", "#1b1f23"),
    (0.20, "#c4dbef", "#1b1f23"),
    (0.30, "#95bfe3", "#1b1f23"),
    (0.40, "#3f7fbf", "#ffffff"),
    (1.01, "#1f5a94", "#ffffff"),
]
EMPTY_FILL = "#f4f6f7"


def share_colours(share: float | None) -> tuple[str, str]:
    """Fill and text colour for a cell; both pairs keep a contrast of at least 4.5:1."""
    if share is None or share <= 0:
        return EMPTY_FILL, "#1b1f23"
    for limit, fill, text in SHARE_CLASSES:
        if share < limit:
            return fill, text
    return SHARE_CLASSES[-1][1:]


def matrix_diagram(matrix, *, value_label, link=None, weak_label: str = "") -> dict:
    """The model picture with the matrix's values: value and share per cell, colour by share.

    ``value_label(code)`` formats a cell's value; ``link(code)`` gives the address of the
    activities behind a cell (or None for a picture without links, e.g. in a PDF).
    """
    diagram = model_diagram()
    shares = matrix.shares or {}
    for cell in diagram["cells"]:
        share = shares.get(cell.code)
        cell.fill, cell.text_colour = share_colours(share)
        share_text = percent(share) if share is not None else "–"
        cell.lines = [share_text, value_label(cell.code)]
        if cell.code in matrix.weak and weak_label:
            cell.lines.append(weak_label)
        cell.href = link(cell.code) if link else ""
        cell.big_line = True
    return diagram
