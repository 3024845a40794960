"""Where the real public data lives (../shared/data beside the checkout, see its README).

Set QK_SHARED_DATA to use another copy. Tests that read it fail loudly when it is missing:
the project promises that its parsers work on these files.
"""

from __future__ import annotations

import os
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("QK_SHARED_DATA") or CHECKOUT.parent / "shared" / "data")
