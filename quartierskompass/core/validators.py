"""Validators shared by every app's text fields."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# PostgreSQL rejects NUL in text and SQLite stores it: refuse it (and other control
# characters that no person types) everywhere, so both databases behave the same.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_clean_text(value: str) -> None:
    if value and _CONTROL.search(value):
        raise ValidationError(
            _(
                "The text contains invisible control characters (e.g. a NUL byte); "
                "please remove them."
            ),
            code="control_characters",
        )
