"""Reading HSDS files into one shape: HSDS 3.0 service objects with everything nested.

Three kinds of input end up the same way, so one mapping (``mapping``) serves them all:

- HSDS 3.0/3.1 API JSON: a service, a list of services, a paginated response (``contents``),
  or an organization with its ``services``;
- an HSDS 3.0/3.1 tabular package (a directory of CSV files, with or without
  ``datapackage.json``): its tables are joined into nested services;
- an HSDS 1.1 tabular package: its tables (regular schedules, physical addresses,
  accessibility for disabilities, eligibility, service taxonomy …) are turned into their 3.0
  counterparts on the way.

The version of a package comes from its tables and columns: ``datapackage.json`` may say
something else (the 3.1 draft examples say 3.0.0), which gives a warning. Problems that concern
one service become errors of that service's row; problems of the whole package (a declared file
that is missing, broken JSON or CSV, a table without its key columns) are file errors.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from quartierskompass.core.imports import ImportReport
from quartierskompass.lib.schedule import HSDS_DAYS

from .common import text

# Resource name → file name in the specification's packages.
V3_FILES = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "service_at_location": "service_at_location.csv",
    "location": "locations.csv",
    "address": "addresses.csv",
    "phone": "phones.csv",
    "contact": "contacts.csv",
    "schedule": "schedules.csv",
    "language": "languages.csv",
    "accessibility": "accessibility.csv",
    "cost_option": "cost_options.csv",
    "attribute": "attributes.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "taxonomy": "taxonomies.csv",
}
V1_FILES = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "service_at_location": "services_at_location.csv",
    "location": "locations.csv",
    "physical_address": "physical_addresses.csv",
    "postal_address": "postal_addresses.csv",
    "phone": "phones.csv",
    "contact": "contacts.csv",
    "regular_schedule": "regular_schedules.csv",
    "language": "languages.csv",
    "accessibility_for_disabilities": "accessibility_for_disabilities.csv",
    "eligibility": "eligibility.csv",
    "service_taxonomy": "services_taxonomy.csv",
    "taxonomy": "taxonomy.csv",
}
# Tables only HSDS 1.x has, and tables or columns only HSDS 3.1 has.
V1_ONLY_TABLES = {
    "physical_address",
    "regular_schedule",
    "accessibility_for_disabilities",
    "service_taxonomy",
    "holiday_schedule",
    "payment_accepted",
}
V31_ONLY_TABLES = {"service_capacity", "unit", "url"}
V31_ONLY_COLUMNS = {"attribute": "label", "service_area": "service_at_location_id"}
# Columns a table cannot do without.
KEY_COLUMNS = {
    "organization": ("id", "name"),
    "service": ("id", "name"),
    "service_at_location": ("service_id", "location_id"),
    "location": ("id",),
    "address": ("location_id",),
    "physical_address": ("location_id",),
    "postal_address": ("location_id",),
    "schedule": ("id",),
    "regular_schedule": ("weekday",),
    "language": ("id",),
    "taxonomy_term": ("id",),
    "attribute": ("link_id", "taxonomy_term_id"),
    "service_taxonomy": ("service_id", "taxonomy_id"),
    "taxonomy": ("id",),
    "phone": ("number",),
}
# 1.1 accessibility codes, as the offer's accessibility text shows them (stored content).
V1_ACCESSIBILITY = {
    "cd": "Hörhilfen (CD)",
    "deaf_interpreter": "Gebärdensprachdolmetschen",
    "disabled_parking": "Behindertenparkplatz",
    "elevator": "Aufzug",
    "ramp": "Rampe",
    "restroom": "Barrierefreie Toilette",
    "tape_braille": "Braille/Hörband",
    "tty": "Schreibtelefon (TTY)",
    "wheelchair": "Rollstuhlgerecht",
    "wheelchair_van": "Rollstuhl-Fahrdienst",
}
V1_BARRIER_FREE = {"wheelchair", "ramp", "elevator"}
V1_ELIGIBILITY = {
    "adult": "Erwachsene",
    "child": "Kinder",
    "teen": "Jugendliche",
    "family": "Familien",
    "female": "Frauen",
    "male": "Männer",
    "transgender": "trans Personen",
    "transgender - m to f": "trans Frauen",
    "transgender - f to m": "trans Männer",
}
_DAY_NAMES = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    **{code.lower(): i for i, code in enumerate(HSDS_DAYS)},
}

type Row = dict[str, str]


@dataclass
class Record:
    """One service as an HSDS 3.0 object, with where it came from."""

    data: dict[str, Any]
    row: int  # services.csv row as a spreadsheet shows it, or the position in a JSON file
    source: str  # file name
    v1: bool = False  # from an HSDS 1.1 package (accessibility codes, eligibility enum)


@dataclass
class Package:
    version: str  # "1.1", "3.0" or "3.1"
    kind: str  # "json" or "tabular"
    services: list[Record] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)


def read_package(path: Path, report: ImportReport) -> Package | None:
    """The services of an HSDS file or package; ``None`` after a file error (in ``report``)."""
    if path.is_file() and path.name != "datapackage.json" and path.suffix.lower() == ".json":
        return _read_json(path, report)
    if path.is_file() and path.name == "datapackage.json":
        return _Tabular(path.parent, report, path).read()
    if path.is_dir():
        descriptor = path / "datapackage.json"
        return _Tabular(path, report, descriptor if descriptor.is_file() else None).read()
    if path.is_file() and path.suffix.lower() == ".csv":
        return _Tabular(path.parent, report, None).read()
    report.error(
        None,
        "",
        "",
        _(
            "“%(path)s” is neither an HSDS JSON file nor a folder with an HSDS package (CSV files, "
            "datapackage.json)."
        )
        % {"path": path},
    )
    return None


# --- JSON --------------------------------------------------------------------------------------


def _load_json(path: Path, report: ImportReport) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        report.error(None, "", "", _("“%(file)s” is not UTF-8 encoded.") % {"file": path.name})
    except json.JSONDecodeError as error:
        report.error(
            None,
            "",
            "",
            _("“%(file)s” is not valid JSON: %(error)s (line %(line)s, column %(column)s).")
            % {"file": path.name, "error": error.msg, "line": error.lineno, "column": error.colno},
        )
    except OSError as error:
        report.error(
            None,
            "",
            "",
            _("“%(file)s” cannot be read: %(error)s")
            % {"file": path.name, "error": error.strerror or error},
        )
    return None


def _read_json(path: Path, report: ImportReport) -> Package | None:
    data = _load_json(path, report)
    if data is None:
        return None
    items = _json_items(data, path.name, report)
    if items is None:
        return None
    package = Package(version="3.0", kind="json")
    organizations: dict[str, dict] = {}
    seen: dict[str, int] = {}
    for position, (item, organization) in enumerate(items, start=1):
        if not isinstance(item, dict):
            report.error(position, "", "", _("This entry is not an HSDS service object."))
            continue
        if {"additional_urls", "capacities"} & set(item):
            package.version = "3.1"
        service = dict(item)
        org = service.get("organization") or organization
        if isinstance(org, dict) and text(org.get("id")):
            org = {k: v for k, v in org.items() if k != "services"}
            organizations.setdefault(text(org["id"]), org)
            service["organization"] = organizations[text(org["id"])]
            service.setdefault("organization_id", text(org["id"]))
        elif org is not None and not isinstance(org, dict):
            report.error(position, "organization", "", _("“organization” is not an object."))
        _check_service_keys(service, position, seen, path.name, report)
        package.services.append(Record(service, position, path.name))
    for record in package.services:  # organization_id without a nested organization
        org_id = text(record.data.get("organization_id"))
        if org_id and not isinstance(record.data.get("organization"), dict):
            if org_id in organizations:
                record.data["organization"] = organizations[org_id]
            else:
                report.error(
                    record.row,
                    "organization_id",
                    org_id,
                    _("The organization “%(id)s” is not in the file or has no name.")
                    % {"id": org_id},
                )
    package.organizations = list(organizations.values())
    return package


def _json_items(data: Any, name: str, report: ImportReport):
    """(service, organization it was nested in) pairs from the shapes HSDS JSON comes in."""
    if isinstance(data, dict) and isinstance(data.get("contents", data.get("items")), list):
        pages = data.get("total_pages")
        if isinstance(pages, int) and pages > 1:
            report.warnings.append(
                _(
                    "The file holds page %(page)s of %(pages)s of a paginated response; only the "
                    "services on this page were read."
                )
                % {"page": data.get("page_number", "?"), "pages": pages}
            )
        data = data.get("contents", data.get("items"))
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        report.error(
            None,
            "",
            "",
            _(
                "“%(file)s” holds neither an HSDS service, nor a list of services, nor an "
                "organization with services."
            )
            % {"file": name},
        )
        return None
    items = []
    for entry in data:
        if isinstance(entry, dict) and isinstance(entry.get("services"), list):
            organization = {k: v for k, v in entry.items() if k != "services"}
            items += [(service, organization) for service in entry["services"]]
        else:
            items.append((entry, None))
    if data and not items:
        report.warnings.append(_("The organizations in the file have no services."))
    return items


def _check_service_keys(
    service: dict, row: int, seen: dict[str, int], source: str, report: ImportReport
) -> None:
    service_id, name = text(service.get("id")), text(service.get("name"))
    if not service_id:
        report.error(row, "id", "", _("The service has no id."))
    elif service_id in seen:
        report.error(
            row,
            "id",
            service_id,
            _("The id is already used by the service in row %(row)s of %(file)s.")
            % {"row": seen[service_id], "file": source},
        )
    else:
        seen[service_id] = row
    if not name:
        report.error(row, "name", "", _("The service has no name."))


# --- tables ------------------------------------------------------------------------------------


class _Tabular:
    """A tabular package: finds its tables, tells the version, joins the rows into services."""

    def __init__(self, folder: Path, report: ImportReport, descriptor: Path | None) -> None:
        self.folder = folder
        self.report = report
        self.descriptor = descriptor
        self.declared_version = ""
        self.paths: dict[str, Path] = {}  # resource name → file
        self.headers: dict[str, list[str]] = {}
        self.tables: dict[str, list[tuple[int, Row]]] = {}
        self.parsed: dict[Path, list[list[str]]] = {}
        self.delimiters: dict[Path, str] = {}  # a resource's CSV dialect may name another
        self.declared: dict[str, Path] = {}  # resource name → file, as datapackage.json says

    def read(self) -> Package | None:
        if not self.find_tables():
            return None
        for name, path in self.paths.items():
            header = self.read_header(path)
            if header is not None:
                self.headers[name] = header
        if self.report.file_errors:
            return None
        if "service" not in self.headers:
            self.report.error(None, "", "", _("The package has no services table (services.csv)."))
            return None
        version = self.detect_version()
        files = V1_FILES if version == "1.1" else V3_FILES
        self.check_missing(files)
        for name in files:
            if name in self.headers:
                self.load(name)
        if self.report.file_errors:
            return None
        package = Package(version=version, kind="tabular")
        if version == "1.1":
            _V1Joiner(self, package).join()
        else:
            _V3Joiner(self, package).join()
        return package

    def find_tables(self) -> bool:
        if self.descriptor is not None:
            data = _load_json(self.descriptor, self.report)
            if data is None:
                return False
            resources = data.get("resources") if isinstance(data, dict) else None
            if not isinstance(resources, list):
                self.report.error(None, "", "", _("datapackage.json has no list of “resources”."))
                return False
            self.declared_version = text(data.get("version"))
            for resource in resources:
                if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
                    continue
                path = (self.folder / resource["path"]).resolve()
                if self.folder.resolve() not in path.parents:
                    self.report.error(
                        None,
                        "",
                        "",
                        _("datapackage.json points to “%(path)s”, outside the package folder.")
                        % {"path": resource["path"]},
                    )
                    continue
                name = text(resource.get("name")) or _name_for_file(path.name)
                self.declared[name] = path
                dialect = resource.get("dialect")
                if isinstance(dialect, dict) and dialect.get("delimiter") in (";", "\t", "|"):
                    self.delimiters[path] = dialect["delimiter"]
                if path.is_file():
                    self.paths[name] = path
        else:  # no datapackage.json: the file names of the specification, 1.1 first
            for files in (V1_FILES, V3_FILES):
                for name, file in files.items():
                    if (self.folder / file).is_file():
                        self.paths.setdefault(name, self.folder / file)
        return not self.report.file_errors

    def check_missing(self, files: dict[str, str]) -> None:
        """Declared files that are not there: an error for a table we read, else a warning."""
        for name, path in self.declared.items():
            if path.is_file():
                continue
            if name in files:
                self.report.error(
                    None,
                    "",
                    "",
                    _(
                        "datapackage.json declares the table “%(name)s” as “%(file)s”, but "
                        "the file is missing."
                    )
                    % {"name": name, "file": path.name},
                )
            else:
                self.report.warnings.append(
                    _(
                        "datapackage.json declares “%(file)s”, which is missing; the import "
                        "does not need it."
                    )
                    % {"file": path.name}
                )

    def detect_version(self) -> str:
        headers = self.headers
        v1 = (
            bool(V1_ONLY_TABLES & set(headers))
            or "taxonomy_ids" in headers["service"]
            or (
                "url" in headers.get("organization", [])
                and "website" not in headers["organization"]
            )
        )
        if v1:
            version = "1.1"
        elif V31_ONLY_TABLES & set(headers) or any(
            column in headers.get(table, []) for table, column in V31_ONLY_COLUMNS.items()
        ):
            version = "3.1"
        else:
            version = "3.0"
        # 1.x packages give their own version there, 3.x ones the HSDS version.
        declared = self.declared_version
        hsds_3 = version.startswith("3") or declared.startswith("3")
        if declared and hsds_3 and declared.split(".")[:2] != version.split("."):
            self.report.warnings.append(
                _(
                    "datapackage.json says version %(declared)s, but the tables and columns are "
                    "those of HSDS %(version)s; they were read as HSDS %(version)s."
                )
                % {"declared": declared, "version": version}
            )
        return version

    def read_text(self, path: Path) -> str | None:
        try:
            return path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.report.error(
                None, "", "", _("“%(file)s” is not UTF-8 encoded.") % {"file": path.name}
            )
        except OSError as error:
            self.report.error(
                None,
                "",
                "",
                _("“%(file)s” cannot be read: %(error)s")
                % {"file": path.name, "error": error.strerror or error},
            )
        return None

    def parse(self, path: Path) -> list[list[str]] | None:
        if path in self.parsed:
            return self.parsed[path]
        content = self.read_text(path)
        if content is None:
            return None
        delimiter = self.delimiters.get(path, ",")
        reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)
        try:
            self.parsed[path] = list(reader)
            return self.parsed[path]
        except csv.Error as error:
            self.report.error(
                None,
                "",
                "",
                _("“%(file)s” cannot be read as CSV: %(error)s (line %(line)s).")
                % {"file": path.name, "error": error, "line": reader.line_num},
            )
            return None

    def read_header(self, path: Path) -> list[str] | None:
        rows = self.parse(path)
        if rows is None:
            return None
        if not rows or not any(cell.strip() for cell in rows[0]):
            self.report.error(
                None, "", "", _("“%(file)s” is empty: it has no header row.") % {"file": path.name}
            )
            return None
        return [cell.strip() for cell in rows[0]]

    def load(self, name: str) -> None:
        path = self.paths[name]
        rows = self.parse(path)
        if rows is None:
            return
        header = self.headers[name]
        missing = [c for c in KEY_COLUMNS.get(name, ()) if c not in header]
        if missing:
            self.report.error(
                None,
                "",
                "",
                _("“%(file)s” lacks the column(s) %(columns)s.")
                % {"file": path.name, "columns": ", ".join(f"„{c}“" for c in missing)},
            )
            return
        table = []
        for number, cells in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                message = _(
                    "The row has %(cells)s values but the table only %(columns)s columns (a "
                    "comma without quotes?)."
                ) % {"cells": len(cells), "columns": len(header)}
                if name == "service":
                    self.report.error(number, "", "", message)
                else:
                    self.report.error(
                        None,
                        "",
                        "",
                        f"{path.name}, " + _("row %(row)s") % {"row": number} + f": {message}",
                    )
                continue
            row = {column: text(value) for column, value in zip(header, cells, strict=False)}
            table.append((number, {k: v for k, v in row.items() if v}))
        self.tables[name] = table

    def rows(self, name: str) -> list[Row]:
        return [row for _number, row in self.tables.get(name, [])]

    def file(self, name: str) -> str:
        path = self.paths.get(name)
        return path.name if path else (V3_FILES.get(name) or V1_FILES.get(name) or name)


def _name_for_file(file: str) -> str:
    for files in (V3_FILES, V1_FILES):
        for name, default in files.items():
            if default == file:
                return name
    return file.removesuffix(".csv")


def _index(rows: Iterable[Row], key: str) -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.get(key):
            found[row[key]].append(row)
    return found


class _Joiner:
    """Shared by the 3.x and 1.1 joins: services with their organization and locations."""

    def __init__(self, tables: _Tabular, package: Package) -> None:
        self.t = tables
        self.package = package
        self.report = tables.report

    def organizations(self, website_column: str) -> dict[str, dict]:
        phones = _index(self.t.rows("phone"), "organization_id")
        locations = _index(self.locations.values(), "organization_id")
        found: dict[str, dict] = {}
        for number, row in self.t.tables.get("organization", []):
            org_id = row.get("id", "")
            if not org_id or not row.get("name"):
                self.report.warnings.append(
                    _("Row %(row)s of %(file)s has no id or no name and was skipped.")
                    % {"row": number, "file": self.t.file("organization")}
                )
                continue
            org = dict(row)
            if website_column != "website" and website_column in org:
                org["website"] = org.pop(website_column)
            org["phones"] = phones.get(org_id, [])
            org["locations"] = locations.get(org_id, [])
            found.setdefault(org_id, org)
        self.package.organizations = list(found.values())
        return found

    def services(self, organizations: dict[str, dict], build) -> None:
        seen: dict[str, int] = {}
        source = self.t.file("service")
        sal = _index(self.t.rows("service_at_location"), "service_id")
        for number, row in self.t.tables.get("service", []):
            _check_service_keys(row, number, seen, source, self.report)
            service = build(dict(row))
            org_id = row.get("organization_id", "")
            if org_id in organizations:
                service["organization"] = organizations[org_id]
            elif org_id:
                self.report.error(
                    number,
                    "organization_id",
                    org_id,
                    _("The organization “%(id)s” is not in %(file)s or has no name.")
                    % {"id": org_id, "file": self.t.file("organization")},
                )
            service["service_at_locations"] = []
            for link in sal.get(row.get("id", ""), []):
                location = self.locations.get(link.get("location_id", ""))
                if location is None:
                    self.report.error(
                        number,
                        "location_id",
                        link.get("location_id"),
                        _("The location “%(id)s” named in %(link)s is not in %(file)s.")
                        % {
                            "id": link.get("location_id"),
                            "link": self.t.file("service_at_location"),
                            "file": self.t.file("location"),
                        },
                    )
                    continue
                service["service_at_locations"].append(self.link(link, location))
            self.package.services.append(
                Record(service, number, source, v1=self.package.version == "1.1")
            )


class _V3Joiner(_Joiner):
    def join(self) -> None:
        t = self.t
        self.phones = {
            k: _index(t.rows("phone"), k)
            for k in ("service_id", "service_at_location_id", "location_id", "contact_id")
        }
        self.schedules = {
            k: _index(t.rows("schedule"), k)
            for k in ("service_id", "service_at_location_id", "location_id")
        }
        self.languages = {k: _index(t.rows("language"), k) for k in ("service_id", "location_id")}
        self.contacts = {
            k: _index(t.rows("contact"), k) for k in ("service_id", "service_at_location_id")
        }
        addresses = _index(t.rows("address"), "location_id")
        accessibility = _index(t.rows("accessibility"), "location_id")
        self.locations: dict[str, dict] = {}
        for row in t.rows("location"):
            location = dict(row)
            location["addresses"] = addresses.get(row["id"], [])
            location["accessibility"] = accessibility.get(row["id"], [])
            location["languages"] = self.languages["location_id"].get(row["id"], [])
            location["phones"] = self.phones["location_id"].get(row["id"], [])
            location["schedules"] = self.schedules["location_id"].get(row["id"], [])
            self.locations.setdefault(row["id"], location)
        taxonomies = {row["id"]: row for row in t.rows("taxonomy")}
        self.terms = {}
        for row in t.rows("taxonomy_term"):
            term = dict(row)
            if row.get("taxonomy_id") in taxonomies:
                term["taxonomy_detail"] = taxonomies[row["taxonomy_id"]]
            self.terms[row["id"]] = term
        self.attributes = _index(t.rows("attribute"), "link_id")
        self.costs = _index(t.rows("cost_option"), "service_id")
        organizations = self.organizations("website")
        self.services(organizations, self.service)

    def service(self, row: dict) -> dict:
        service_id = row.get("id", "")
        row["phones"] = self.phones["service_id"].get(service_id, [])
        row["schedules"] = self.schedules["service_id"].get(service_id, [])
        row["languages"] = self.languages["service_id"].get(service_id, [])
        row["cost_options"] = self.costs.get(service_id, [])
        row["contacts"] = [self.contact(c) for c in self.contacts["service_id"].get(service_id, [])]
        row["attributes"] = []
        for attribute in self.attributes.get(service_id, []):
            term = self.terms.get(attribute.get("taxonomy_term_id", ""))
            row["attributes"].append(
                {
                    **attribute,
                    "taxonomy_term": term or {"id": attribute.get("taxonomy_term_id", "")},
                }
            )
        return row

    def contact(self, row: Row) -> dict:
        return {**row, "phones": self.phones["contact_id"].get(row.get("id", ""), [])}

    def link(self, link: Row, location: dict) -> dict:
        link_id = link.get("id", "")
        return {
            **link,
            "phones": self.phones["service_at_location_id"].get(link_id, []),
            "schedules": self.schedules["service_at_location_id"].get(link_id, []),
            "contacts": [
                self.contact(c) for c in self.contacts["service_at_location_id"].get(link_id, [])
            ],
            "location": location,
        }


class _V1Joiner(_Joiner):
    """HSDS 1.1 tables, turned into their 3.0 counterparts."""

    def join(self) -> None:
        t = self.t
        self.phones = {
            k: _index(t.rows("phone"), k)
            for k in ("service_id", "service_at_location_id", "location_id", "contact_id")
        }
        schedules = [self.schedule(row) for row in t.rows("regular_schedule")]
        self.schedules = {
            k: _index(schedules, k) for k in ("service_id", "service_at_location_id", "location_id")
        }
        languages = [{**row, "name": row.get("language", "")} for row in t.rows("language")]
        self.languages = {k: _index(languages, k) for k in ("service_id", "location_id")}
        self.contacts = {
            k: _index(t.rows("contact"), k) for k in ("service_id", "service_at_location_id")
        }
        addresses = _index(
            [{**row, "address_type": "physical"} for row in t.rows("physical_address")]
            + [{**row, "address_type": "postal"} for row in t.rows("postal_address")],
            "location_id",
        )
        accessibility = _index(t.rows("accessibility_for_disabilities"), "location_id")
        self.locations = {}
        for row in t.rows("location"):
            location = dict(row)
            location["addresses"] = addresses.get(row["id"], [])
            location["accessibility"] = [
                {
                    "id": a.get("id", ""),
                    "description": a.get("accessibility", ""),
                    "details": a.get("details", ""),
                }
                for a in accessibility.get(row["id"], [])
            ]
            location["languages"] = self.languages["location_id"].get(row["id"], [])
            location["phones"] = self.phones["location_id"].get(row["id"], [])
            location["schedules"] = self.schedules["location_id"].get(row["id"], [])
            self.locations.setdefault(row["id"], location)
        self.eligibility = _index(t.rows("eligibility"), "service_id")
        self.terms = {row["id"]: row for row in t.rows("taxonomy")}
        self.service_terms = _index(t.rows("service_taxonomy"), "service_id")
        organizations = self.organizations("url")
        self.services(organizations, self.service)

    @staticmethod
    def schedule(row: Row) -> dict:
        raw = row.get("weekday", "")
        day = None
        if raw.isdigit() and 1 <= int(raw) <= 7:
            day = int(raw) - 1  # ISO 8601: 1 is Monday
        elif raw.lower() in _DAY_NAMES:
            day = _DAY_NAMES[raw.lower()]
        return {
            **{k: v for k, v in row.items() if k != "weekday"},
            "freq": "WEEKLY",
            "byday": HSDS_DAYS[day] if day is not None else f"weekday={raw}",
        }

    def service(self, row: dict) -> dict:
        service_id = row.get("id", "")
        row["phones"] = self.phones["service_id"].get(service_id, [])
        row["schedules"] = self.schedules["service_id"].get(service_id, [])
        row["languages"] = self.languages["service_id"].get(service_id, [])
        row["contacts"] = [
            {**c, "phones": self.phones["contact_id"].get(c.get("id", ""), [])}
            for c in self.contacts["service_id"].get(service_id, [])
        ]
        rules = self.eligibility.get(service_id, [])
        labels = [
            V1_ELIGIBILITY.get(r.get("eligibility", "").lower(), r.get("eligibility", ""))
            for r in rules
        ]
        if labels:
            row["eligibility_description"] = ", ".join(dict.fromkeys(x for x in labels if x))
        for key in ("minimum_age", "maximum_age"):
            values = [r[key] for r in rules if r.get(key)]
            if values:
                row[key] = values[0]
        term_ids = [r["taxonomy_id"] for r in self.service_terms.get(service_id, [])]
        term_ids += [t.strip() for t in row.pop("taxonomy_ids", "").split(",") if t.strip()]
        row["attributes"] = []
        for term_id in dict.fromkeys(term_ids):
            term = self.terms.get(term_id)
            taxonomy_term = (
                {
                    "id": term_id,
                    "name": term.get("name", ""),
                    "taxonomy": term.get("vocabulary", ""),
                }
                if term
                else {"id": term_id}
            )
            row["attributes"].append({"taxonomy_term_id": term_id, "taxonomy_term": taxonomy_term})
        return row

    def link(self, link: Row, location: dict) -> dict:
        link_id = link.get("id", "")
        return {
            **link,
            "phones": self.phones["service_at_location_id"].get(link_id, []),
            "schedules": self.schedules["service_at_location_id"].get(link_id, []),
            "contacts": self.contacts["service_at_location_id"].get(link_id, []),
            "location": location,
        }
