"""Small charts as server-made SVG (they work in pages and, later, in PDFs alike)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from quartierskompass.core.formats import number

WIDTH, HEIGHT, PAD = 120, 32, 4


def sparkline(series: list[tuple[date, Decimal]], *, decimals: int = 1) -> dict:
    """A line through the values over time; the text says first and last value."""
    values = [float(v) for _d, v in series]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = [
        (PAD + i * step, HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD))
        for i, v in enumerate(values)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
        "last": {"x": points[-1][0], "y": points[-1][1]},
        "text": " → ".join(f"{day:%m/%Y}: {number(value, decimals)}" for day, value in series),
    }
