"""Numbers for people: rounded half up (as taught in school), grouped, in the active language.

Django's ``number_format`` cuts decimals off instead of rounding (25.84 → “25”), so every
number shown goes through `number`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def number(value, decimals: int = 0) -> str:
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never “-0”
    return number_format(rounded, decimal_pos=decimals, force_grouping=True)


def percent(share: float, decimals: int = 0) -> str:
    """A share between 0 and 1 as percent: 0.2584 → “26 %”."""
    return f"{number(share * 100, decimals)} %"
