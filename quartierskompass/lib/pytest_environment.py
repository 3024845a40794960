"""Loaded by pytest with ``-p`` before Django reads its settings (see pyproject.toml).

Tests run over plain HTTP on a throwaway data directory, with the plain static file storage
(no collectstatic), and may use the database from Playwright's event loop.
"""

from __future__ import annotations

import os
import tempfile

os.environ["DEBUG"] = "false"
os.environ["QK_HTTPS"] = "false"
os.environ["QK_STATIC_MANIFEST"] = "false"
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# The live server answers the browser in threads; a connection such a thread kept open would
# stop PostgreSQL from dropping the test database at the end.
os.environ["QK_DB_CONN_MAX_AGE"] = "0"
os.environ.setdefault("QK_DATA_DIR", tempfile.mkdtemp(prefix="qk-test-data-"))
