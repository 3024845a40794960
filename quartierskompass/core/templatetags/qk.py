"""Template helpers for numbers as German readers expect them."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from quartierskompass.core.formats import number, percent

register = template.Library()


@register.filter
def num(value, decimals: int = 0) -> str:
    """1234.5 → “1.235” (German) or “1,235” (English); empty for None."""
    if value is None or value == "":
        return ""
    return number(value, int(decimals))


@register.filter
def pct(value, decimals: int = 0) -> str:
    """A share between 0 and 1 as percent: 0.345 → “35 %”."""
    if value is None:
        return "–"
    return percent(float(value), int(decimals))


@register.filter
def pp(value, decimals: int = 0) -> str:
    """A change of a share in percentage points with its sign: 0.05 → “+5 Pp.”."""
    if value is None:
        return "–"
    points = float(value) * 100
    sign = "+" if points > 0.05 else ""
    return f"{sign}{num(points, decimals)} {_('pp')}"


@register.filter
def signed(value, decimals: int = 0) -> str:
    if value is None:
        return "–"
    sign = "+" if float(value) > 0 else ""
    return f"{sign}{num(value, decimals)}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
