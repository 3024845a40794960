"""HSDS (Open Referral Human Services Data Specification) in and out.

- :func:`import_hsds`: HSDS 3.0/3.1 JSON, HSDS 3.0/3.1 tabular packages and HSDS 1.1 tabular
  packages become published activities (Angebote) with their providers as actors.
- :func:`export_hsds`: a project's published offers as HSDS 3.0 – ``services.json`` and a
  tabular datapackage – valid against the official schemas.
- :func:`service_object`: one offer as an HSDS 3.0 service, for the public API.

The parts: ``reader`` (files → nested HSDS 3.0 services), ``mapping`` (one service → our
fields), ``importer`` (matching with the project's activities and actors, writing),
``exporter`` (activities → HSDS 3.0), ``common`` (ids, languages, addresses, costs).
"""

from __future__ import annotations

from .exporter import ExportResult, export_hsds, exported_offers, service_object, service_objects
from .importer import HsdsReport, import_hsds

__all__ = [
    "ExportResult",
    "HsdsReport",
    "export_hsds",
    "exported_offers",
    "import_hsds",
    "service_object",
    "service_objects",
]
