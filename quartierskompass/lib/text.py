"""Text as a search compares it: lower case, umlauts and ß folded, spaces squeezed."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})


def fold(text: str) -> str:
    """„Straße Über-Älteres“ → „strasse ueber-aelteres“; other accents are dropped (é → e)."""
    lowered = (text or "").casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain).strip()
