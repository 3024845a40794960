"""Numbers as people type them into spreadsheets: German first, English understood.

Statistics offices and hand-made exports mix conventions: ``1.234,5`` and ``1,234.5``,
spaces as thousands separators (``1 675``), a minus separated from its digits (``-  23``) and
placeholder symbols for cells without a value. :func:`parse_number` turns all of these into a
:class:`~decimal.Decimal`, ``None`` (empty) or :data:`SUPPRESSED` (a placeholder symbol), and
refuses everything else with a German message for the person who typed it.

The ambiguous case ``1.675``
    A single dot followed by exactly three digits (and at most three digits before it) is read
    as a German **thousands** separator with ``decimal="auto"``: ``1.675`` is 1675, because the
    files our users bring are mostly German. English data with three decimals (Berlin's
    ``58.016`` per cent) is then misread as 58016 — callers that import a whole column should ask
    :func:`guess_decimal` first and pass its answer as ``decimal=``. Likewise a single comma is
    always a decimal comma with ``"auto"`` (``1,234`` is 1.234); only several groups such as
    ``1,234,567`` make commas thousands separators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final, Literal

type DecimalMode = Literal["auto", ",", "."]


class NumberError(ValueError):
    """A value is not a number; ``str()`` is a German sentence for end users."""

    def __init__(self, message: str, *, text: str = "") -> None:
        super().__init__(message)
        self.text = text


class Suppressed:
    """A cell that deliberately holds no number, such as ``–`` or ``.`` in official tables.

    Falsy, so ``if value:`` treats it like an empty cell; compare with ``is SUPPRESSED``.
    """

    _instance: Suppressed | None = None

    def __new__(cls) -> Suppressed:
        # One instance only, so that ``value is SUPPRESSED`` always works (also after copy).
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "SUPPRESSED"

    def __copy__(self) -> Suppressed:
        return self

    def __deepcopy__(self, memo: dict) -> Suppressed:
        return self

    def __reduce__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED: Final = Suppressed()

# Symbols that official statistics and hand-made tables put where a number is missing, secret or
# not applicable (DIN 55301 / Destatis "Zeichenerklärung"). Caution: by that convention "–" means
# "nichts vorhanden", i.e. exactly zero — Berlin's population table uses it that way (its rows add
# up only when "–" counts as 0), and in Hamburg's CSV a lone "-" is how Excel displayed a 0. We
# still return SUPPRESSED and let the caller decide per source.
PLACEHOLDERS: Final = frozenset(
    {"–", "—", "-", "−", ".", "x", "X", "…", "...", "k.A.", "k. A.", "n.v.", "n. v.", "/"}
)

# Minus signs: ASCII hyphen-minus, the real minus U+2212 and the en dash that word processors
# substitute for a typed "-".
_MINUS = "-−–"
# Thousands separators besides "." and ",": space, no-break space, narrow no-break space.
_SPACES = " \u00a0\u202f"
_SIGN_RE = re.compile(
    rf"^(?P<sign>[+{re.escape(_MINUS)}]?)[{_SPACES}]*(?P<body>.*?)[{_SPACES}]*(?P<pct>%?)$"
)
# A single dot or comma that may be a thousands separator: 1-3 digits, separator, 3 digits.
_ONE_GROUP_RE = re.compile(r"^[0-9]{1,3}[.,][0-9]{3}$")
_NUMBER_RE_CACHE: dict[str, re.Pattern[str]] = {}


def _number_re(decimal_sep: str) -> re.Pattern[str]:
    """Digits with optional consistent thousands groups and an optional fraction."""
    if decimal_sep not in _NUMBER_RE_CACHE:
        thousands = re.escape("," if decimal_sep == "." else ".") + _SPACES
        _NUMBER_RE_CACHE[decimal_sep] = re.compile(
            rf"^(?P<int>\d+|\d{{1,3}}(?P<sep>[{thousands}])\d{{3}}(?:(?P=sep)\d{{3}})*)?"
            rf"(?:{re.escape(decimal_sep)}(?P<frac>\d+))?$",
            re.ASCII,  # \d means 0-9 only, not every Unicode digit
        )
    return _NUMBER_RE_CACHE[decimal_sep]


def _decimal_separator(body: str) -> str:
    """Which of "," and "." is the decimal separator of ``body`` under the "auto" rule."""
    last_dot, last_comma = body.rfind("."), body.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        return "." if last_dot > last_comma else ","
    if last_comma >= 0:
        return "." if body.count(",") > 1 else ","
    if last_dot >= 0 and (body.count(".") > 1 or _ONE_GROUP_RE.match(body)):
        return ","  # German thousands: "1.234.567" and the ambiguous "1.675"
    return "."


def _not_a_number(text: object) -> NumberError:
    shown = str(text).strip()
    if len(shown) > 40:
        shown = shown[:39] + "…"
    return NumberError(f"„{shown}“ ist keine Zahl.", text=str(text))


def parse_number(
    text: str | int | float | Decimal | None, *, decimal: DecimalMode = "auto"
) -> Decimal | Suppressed | None:
    """Read a number written the German or the English way.

    Returns ``None`` for ``None`` and blank text, :data:`SUPPRESSED` for a placeholder symbol
    (see :data:`PLACEHOLDERS`) and a ``Decimal`` otherwise; a trailing ``%`` is dropped without
    dividing by 100. ``decimal`` forces the decimal separator ("," or "."); with "auto" each value
    is judged on its own (see the module docstring for ``1.675``). Raises :class:`NumberError`.
    """
    if text is None:
        return None
    if isinstance(text, bool):  # bool is an int subclass, but WAHR is no number
        raise _not_a_number("WAHR" if text else "FALSCH")
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float | Decimal):
        # str() gives the shortest repr, so 0.1 becomes Decimal("0.1"), not 0.1000000000000000055…
        value = text if isinstance(text, Decimal) else Decimal(str(text))
        if not value.is_finite():
            raise _not_a_number(text)
        return value
    if not isinstance(text, str):
        raise _not_a_number(text)
    stripped = text.strip()
    if not stripped:
        return None
    if stripped in PLACEHOLDERS:
        return SUPPRESSED
    match = _SIGN_RE.match(stripped)
    if match is None:  # pragma: no cover - the pattern matches every string
        raise _not_a_number(text)
    if decimal not in ("auto", ",", "."):
        raise ValueError(f"decimal must be 'auto', ',' or '.', not {decimal!r}")
    body = match["body"]
    separator = _decimal_separator(body) if decimal == "auto" else decimal
    number = _number_re(separator).match(body)
    if not body or number is None or not (number["int"] or number["frac"]):
        raise _not_a_number(text)
    digits = re.sub(r"\D", "", number["int"] or "0")
    try:
        value = Decimal(f"{digits}.{number['frac']}" if number["frac"] else digits)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
        raise _not_a_number(text) from exc
    negative = match["sign"] not in ("", "+")
    # Only a non-zero value gets the sign: Decimal("-0") would print as "-0".
    return -value if negative and value else value


def parse_int(
    text: str | int | float | Decimal | None, *, decimal: DecimalMode = "auto"
) -> int | Suppressed | None:
    """Like :func:`parse_number`, but refuses fractions: ``„2,5“ ist keine ganze Zahl.``"""
    value = parse_number(text, decimal=decimal)
    if value is None or value is SUPPRESSED:
        return value
    assert isinstance(value, Decimal)
    if value != value.to_integral_value():
        shown = str(text).strip()
        raise NumberError(f"„{shown}“ ist keine ganze Zahl.", text=str(text))
    return int(value)


def guess_decimal(values: Iterable[object]) -> Literal[",", "."] | None:
    """Guess the decimal separator of a whole column from its unambiguous values.

    ``9,7`` and ``1.234,5`` vote for the comma, ``4.22`` and ``1,234.5`` for the dot; ``1.675``
    and ``1,675`` could be either and do not vote. Returns ``None`` when no value decides or
    values contradict each other — then "auto" is the best a caller can do.
    """
    votes: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            continue
        match = _SIGN_RE.match(value.strip())
        body = match["body"] if match else ""
        if not re.fullmatch(r"[\d.,\s]*\d[\d.,\s]*", body) or not re.search(r"[.,]", body):
            continue
        if _ONE_GROUP_RE.match(body):
            continue  # "1.675" or "1,675": thousands or three decimals, nobody can tell
        separator = _decimal_separator(body)
        if _number_re(separator).match(body):
            votes.add(separator)
    if votes == {","}:
        return ","
    if votes == {"."}:
        return "."
    return None


def format_number_de(
    value: Decimal | int | float, *, decimals: int | None = None, grouping: bool = True
) -> str:
    """Write a number the German way: ``1.234,5``.

    ``decimals`` rounds half up (kaufmännisch) to that many places; ``None`` keeps the places
    the value has. ``grouping=False`` leaves out the thousands dots (``1234,5``), which suits
    files that other programs read back.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"format_number_de expects a number, not {type(value).__name__}")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"cannot format {number}")
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = format(abs(number), f"{',' if grouping else ''}f")
    integer, _, fraction = text.partition(".")
    result = integer.replace(",", ".") + ("," + fraction if fraction else "")
    return "-" + result if number < 0 else result
