"""HSDS in and out: the specification's examples (3.0 JSON and tables, the 3.1 draft, the 1.1
"Example City" package), bad packages, the mapping, re-imports, the commands, the export
against the official schemas and the round trip of the demo's offers."""

from __future__ import annotations

import csv
import json
import shutil
import uuid
from datetime import date
from io import StringIO
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from quartierskompass.accounts.models import Project
from quartierskompass.activities.hsds import export_hsds, import_hsds
from quartierskompass.activities.hsds.exporter import TABLES
from quartierskompass.activities.models import Activity, Need, Status, TargetGroup
from quartierskompass.actors.models import Actor
from quartierskompass.core.models import ChangeLog
from tests.factories import make_activity
from tests.shared import SHARED_DATA

HSDS = SHARED_DATA / "hsds"
V30 = HSDS / "openreferral-specification" / "v3.0"
V31 = HSDS / "openreferral-specification" / "v3.1-dev"
V11 = HSDS / "sample-HSDS-datapackage-v1.1"
SCHEMAS = HSDS / "schema-3.0" / "compiled"
V11_SERVICES = 13  # services.csv of the 1.1 sample, counted by reading it
V11_ORGANIZATIONS = 10
V11_ENDED = {"Food Safety Program", "Dear Teacher Skills Refresh", "Wash & Go at The Cross"}


def run(project, path, **options):
    return import_hsds(project=project, path=path, user=None, **options)


def messages(report) -> str:
    return "\n".join(str(e) for e in report.errors)


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def edit_csv(path: Path, match: dict[str, str], **changes: str) -> None:
    header, rows = read_rows(path)
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert hits, f"no row {match} in {path.name}"
    for row in hits:
        row.update(changes)
    write_rows(path, header, rows)


def copy_package(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def nothing_stored(project) -> bool:
    return not Activity.with_deleted.filter(project=project).exists() and not (
        Actor.objects.filter(project=project).exists()
    )


def minimal_service(**extra) -> dict:
    """A small valid HSDS 3.0 service with organization and location."""
    service = {
        "id": "7b3a3a53-1f5e-4c1e-9a53-4a1e0f6c1a01",
        "name": "Mieterberatung",
        "status": "active",
        "organization": {
            "id": "5d6f0c1a-3f3e-4bb6-8d5b-6f1e0a1b2c03",
            "name": "Mieterverein",
            "description": "",
        },
        "service_at_locations": [
            {
                "id": "0f5a6e2b-5c1d-4e3f-8a7b-9c0d1e2f3a04",
                "location": {
                    "id": "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a05",
                    "location_type": "physical",
                    "latitude": 52.55,
                    "longitude": 13.17,
                },
            }
        ],
    }
    return service | extra


def write_json(tmp_path: Path, data, name: str = "services.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- the specification's examples --------------------------------------------------------------


class TestExamples:
    @pytest.mark.parametrize("folder", ["all_resources", "simple"])
    def test_the_1_1_sample_gives_13_offers_of_10_providers(self, projekt, folder):
        report = run(projekt, V11 / folder)
        assert report.ok and not report.errors, messages(report)
        assert report.version == "1.1" and report.kind == "tabular"
        assert report.counts[("activities", "created")] == V11_SERVICES
        assert report.counts[("actors", "created")] == V11_ORGANIZATIONS
        offers = Activity.objects.filter(project=projekt)
        assert offers.count() == V11_SERVICES
        assert Actor.objects.filter(project=projekt).count() == V11_ORGANIZATIONS
        assert all(a.published and a.shares() == {"S": 0, "O": 0, "N": 0, "I": 100} for a in offers)
        assert {a.title for a in offers if a.status == Status.ENDED} == V11_ENDED
        assert all(a.end is not None for a in offers if a.status == Status.ENDED)
        assert all(a.external_id.startswith("hsds:") and a.responsible for a in offers)
        minds = offers.get(title="Yound Minds")
        assert (minds.latitude, minds.longitude) == (39.428192, -119.897426)
        assert minds.responsible.name == "Youth in Focus Example City"
        assert minds.responsible.external_id == "hsds-org:18996320-649c-11e6-8b77-86f30ca893d3"

    def test_the_1_1_tables_map_to_our_fields(self, projekt):
        run(projekt, V11 / "all_resources" / "datapackage.json")
        helpline = Activity.objects.get(project=projekt, title="Never Homeless Helpline")
        assert helpline.schedule == "Mo–Mi 9–17 Uhr"  # regular_schedules, weekday 1 = Monday
        assert [o["day"] for o in helpline.opening_hours] == [0, 1, 2]
        assert helpline.languages == ["en", "es"]  # written as names in the sample
        assert helpline.eligibility == "Erwachsene"
        assert (
            helpline.accessibility == "Behindertenparkplatz – Some details regarding the "
            "parking lot"
        )
        assert helpline.contact_email == "neverhomeless@example.com"
        assert helpline.contact_name == "Department 1"
        assert "Adresse: Address 1, Address 2, 10001 New York City, NY, US" in (
            helpline.description
        )
        assert "Ort: Sanctuary on 5th Street" in helpline.description
        refresh = Activity.objects.get(project=projekt, title="Dear Teacher Skills Refresh")
        assert "<li>" not in refresh.description and "• Digital Skills" in refresh.description
        laundry = Activity.objects.get(project=projekt, title="Bubbles at The Cross")
        assert laundry.contact_phone == "(223) 4567 12534"
        cross = Actor.objects.get(project=projekt, name="Example Cross Trust")
        assert cross.contact_email == "thecross@example.com"
        assert cross.contact_phone == "(223) 346 12361"
        assert cross.website == "http://example.com"

    def test_the_3_0_list_example_imports_its_service(self, projekt):
        report = run(projekt, V30 / "service_list.json")
        assert not report.errors, messages(report)
        assert report.version == "3.0" and report.kind == "json"
        assert any("10" in w for w in report.warnings)  # page 1 of 10
        offer = Activity.objects.get(project=projekt)
        assert offer.title == "Community Counselling"
        assert (offer.min_age, offer.max_age) == (12, 100)
        assert offer.website == "http://example.com/counselling"
        assert offer.contact_email == "email@example.com"
        assert offer.cost.startswith("Non-NHS patients are expected to pay")
        assert offer.eligibility.startswith("This service is intended for all people aged 12")
        assert offer.verified_at == date(2005, 1, 1)
        assert "Auch: MyCity Counselling Services" in offer.description
        assert offer.external_id == "hsds:ac148810-d857-441c-9679-408f346de14b"
        assert offer.responsible.name == "Example Organization Inc."

    @pytest.mark.parametrize(
        "path",
        [
            V30 / "service_full.json",
            V30 / "organization_full.json",
            V30 / "csv",
            V31 / "csv",
        ],
    )
    def test_the_3_x_examples_have_latitude_100_and_are_rejected(self, projekt, path):
        """The specification's sample location lies at latitude 100, longitude 101."""
        report = run(projekt, path)
        assert not report.ok
        assert "100" in messages(report) and "MyCity Civic Center" in messages(report)
        assert "Community Counselling" in messages(report)
        assert nothing_stored(projekt)
        skipped = run(projekt, path, skip_invalid=True)
        assert skipped.ok and skipped.rejected == 1
        assert not Activity.objects.filter(project=projekt).exists()
        assert Actor.objects.filter(project=projekt).count() == 1

    def test_the_full_3_0_service_maps_every_part(self, projekt, tmp_path):
        data = json.loads((V30 / "service_full.json").read_text())
        for link in data["service_at_locations"]:
            link["location"].update(latitude=52.53, longitude=13.2)
        report = run(projekt, write_json(tmp_path, data))
        assert not report.errors, messages(report)
        offer = Activity.objects.get(project=projekt)
        assert offer.schedule == "Do, Fr 10–18 Uhr"  # byday TH,FR 10:00–18:00, weekly
        assert any("bymonthday" in w and "Community Counselling" in w for w in report.warnings)
        assert (offer.latitude, offer.longitude) == (52.53, 13.2)
        assert offer.barrier_free is True  # "Wheelchair access is possible on all levels."
        assert "induction loops" in offer.accessibility
        assert offer.free_of_charge is False  # a cost option of 35 GBP
        assert offer.cost.startswith("Non-NHS patients")  # fees_description wins
        assert offer.contact_phone == "+44 1234 234567-100"
        assert offer.contact_name == "Reception"  # the department, not the person
        assert offer.languages == []
        [(service, unmapped)] = report.unmapped
        assert service == "Community Counselling"
        assert any("ur (Urdu)" in item for item in unmapped)
        assert any("name (code)" in item and "taxonomy" in item for item in unmapped)
        assert report.unmapped_count == 2
        assert "Zugang: If you are an NHS patient" in offer.description
        assert "Dolmetschen: Interpretation services are available" in offer.description
        assert "Hinweis: Following COVID-19" in offer.description

    def test_the_3_0_tables_with_valid_coordinates(self, projekt, tmp_path):
        package = copy_package(V30 / "csv", tmp_path)
        edit_csv(
            package / "locations.csv",
            {"name": "MyCity Civic Center"},
            latitude="52.53",
            longitude="13.2",
        )
        report = run(projekt, package)
        assert not report.errors, messages(report)
        assert report.version == "3.0"
        offer = Activity.objects.get(project=projekt)
        assert offer.title == "Community Counselling"
        assert offer.schedule == "Do, Fr 10–18 Uhr"
        assert "Adresse: 1-30 Main Street, MyVillage, ABC 1234 MyCity, MyState, US" in (
            offer.description
        )
        assert offer.responsible.name == "Example Organization Inc."
        assert offer.free_of_charge is False and offer.barrier_free is True

    def test_a_csv_dialect_with_semicolons(self, projekt, tmp_path):
        package = copy_package(V11 / "simple", tmp_path)
        header, rows = read_rows(package / "services.csv")
        with (package / "services.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, delimiter=";")
            writer.writeheader()
            writer.writerows(rows)
        descriptor = json.loads((package / "datapackage.json").read_text())
        for resource in descriptor["resources"]:
            if resource["path"] == "services.csv":
                resource["dialect"] = {"delimiter": ";"}
        (package / "datapackage.json").write_text(json.dumps(descriptor))
        report = run(projekt, package)
        assert report.ok, messages(report)
        assert Activity.objects.filter(project=projekt).count() == V11_SERVICES

    def test_the_3_1_draft_is_told_by_its_columns_not_its_datapackage(self, tmp_path, projekt):
        assert json.loads((V31 / "csv" / "datapackage.json").read_text())["version"] == "3.0.0"
        report = run(projekt, V31 / "csv", dry_run=True)
        assert report.version == "3.1"
        assert any("3.0.0" in w and "3.1" in w for w in report.warnings)
        package = copy_package(V31 / "csv", tmp_path)
        (package / "datapackage.json").unlink()
        assert run(projekt, package, dry_run=True).version == "3.1"
        # Without the 3.1 tables, only the new column of attributes.csv tells it.
        for name in ("service_capacity.csv", "units.csv", "url.csv"):
            (package / name).unlink()
        assert run(projekt, package, dry_run=True).version == "3.1"
        assert run(projekt, V30 / "csv", dry_run=True).version == "3.0"
        assert run(projekt, V11 / "simple", dry_run=True).version == "1.1"


# --- bad packages ------------------------------------------------------------------------------


class TestBadPackages:
    def test_a_declared_file_that_is_missing(self, projekt, tmp_path):
        package = copy_package(V11 / "all_resources", tmp_path)
        (package / "phones.csv").unlink()
        report = run(projekt, package, skip_invalid=True)
        assert not report.ok and "phones.csv" in messages(report)
        assert report.errors[0].row is None  # the whole file
        assert nothing_stored(projekt)

    def test_a_declared_file_the_import_does_not_need(self, projekt, tmp_path):
        package = copy_package(V11 / "all_resources", tmp_path)
        (package / "funding.csv").unlink()
        report = run(projekt, package)
        assert report.ok and any("funding.csv" in w for w in report.warnings)

    def test_broken_json(self, projekt, tmp_path):
        path = tmp_path / "broken.json"
        path.write_text('{"id": "1", "name": "Treff",', encoding="utf-8")
        report = run(projekt, path)
        assert not report.ok and "broken.json" in messages(report)
        assert "line 1" in messages(report) or "Zeile 1" in messages(report)
        assert nothing_stored(projekt)

    def test_a_broken_datapackage_json(self, projekt, tmp_path):
        package = copy_package(V11 / "simple", tmp_path)
        (package / "datapackage.json").write_text("{ not json", encoding="utf-8")
        report = run(projekt, package)
        assert not report.ok and "datapackage.json" in messages(report)
        assert nothing_stored(projekt)

    def test_broken_csv(self, projekt, tmp_path):
        package = copy_package(V11 / "simple", tmp_path)
        with (package / "locations.csv").open("a", encoding="utf-8") as handle:
            handle.write('30b8ffff-64a1-11e6-8b77-86f30ca893d3,x,"an open quote\n')
        report = run(projekt, package, skip_invalid=True)
        assert not report.ok and "locations.csv" in messages(report)
        assert nothing_stored(projekt)

    def test_a_csv_that_is_not_utf8(self, projekt, tmp_path):
        package = copy_package(V11 / "simple", tmp_path)
        services = package / "services.csv"
        services.write_bytes(
            services.read_text(encoding="utf-8")
            .replace("Shop Assist", "Einkaufshilfe für Ältere")
            .encode("cp1252")
        )
        report = run(projekt, package)
        assert not report.ok and "services.csv" in messages(report)

    def test_an_unknown_organization_id(self, projekt, tmp_path):
        package = copy_package(V11 / "all_resources", tmp_path)
        edit_csv(
            package / "services.csv",
            {"name": "Shop Assist"},
            organization_id="99999999-0000-0000-0000-000000000000",
        )
        report = run(projekt, package)
        assert not report.ok
        [error] = report.errors
        assert error.row == 7 and error.column == "organization_id"  # row 7 of services.csv
        assert "99999999-0000-0000-0000-000000000000" in str(error)
        assert nothing_stored(projekt)
        skipped = run(projekt, package, skip_invalid=True)
        assert skipped.ok and skipped.rejected == 1
        assert Activity.objects.filter(project=projekt).count() == V11_SERVICES - 1
        assert not Activity.objects.filter(project=projekt, title="Shop Assist").exists()

    def test_latitude_123(self, projekt, tmp_path):
        package = copy_package(V11 / "all_resources", tmp_path)
        edit_csv(package / "locations.csv", {"name": "4830 Highland Drive"}, latitude="123")
        report = run(projekt, package)
        assert not report.ok
        [error] = report.errors
        assert error.column == "latitude" and error.value == "123"
        assert "Yound Minds" in str(error) and "4830 Highland Drive" in str(error)
        assert nothing_stored(projekt)

    @pytest.mark.parametrize(
        ("location", "problem"),
        [
            ({"latitude": 52.5, "longitude": 200}, "200"),
            ({"latitude": "nördlich", "longitude": 13.1}, "nördlich"),
            ({"latitude": 52.5}, "longitude"),  # the column of the missing one
        ],
    )
    def test_other_bad_coordinates(self, projekt, tmp_path, location, problem):
        service = minimal_service()
        service["service_at_locations"][0]["location"] = {
            "id": str(uuid.uuid4()),
            "name": "Treffpunkt",
            **location,
        }
        report = run(projekt, write_json(tmp_path, service))
        assert not report.ok and problem in messages(report)
        assert nothing_stored(projekt)

    def test_a_schedule_byday_xx(self, projekt, tmp_path):
        service = minimal_service(
            schedules=[
                {"id": str(uuid.uuid4()), "byday": "XX", "opens_at": "09:00", "closes_at": "12:00"}
            ]
        )
        report = run(
            projekt,
            write_json(
                tmp_path, [service, minimal_service(id=str(uuid.uuid4()), name="Sprachcafé")]
            ),
        )
        assert not report.ok
        [error] = report.errors
        assert error.row == 1 and "byday=XX" in str(error) and "Mieterberatung" in str(error)
        assert nothing_stored(projekt)

    def test_an_unreadable_schedule_with_a_description_is_a_warning(self, projekt, tmp_path):
        service = minimal_service(
            schedules=[
                {
                    "id": str(uuid.uuid4()),
                    "byday": "XX",
                    "opens_at": "09:00",
                    "closes_at": "12:00",
                    "description": "Di 9–12 Uhr",
                },
                {"id": str(uuid.uuid4()), "byday": "TH", "opens_at": "14:00", "closes_at": "17:00"},
            ]
        )
        report = run(projekt, write_json(tmp_path, service))
        assert report.ok and not report.errors
        assert any("Mieterberatung" in w and "byday=XX" in w for w in report.warnings)
        assert Activity.objects.get(project=projekt).schedule == "Do 14–17 Uhr"

    def test_a_service_without_name_and_a_duplicate_id(self, projekt, tmp_path):
        first = minimal_service()
        report = run(projekt, write_json(tmp_path, [first, {**first, "name": ""}, first]))
        assert not report.ok
        assert {e.row for e in report.errors} == {2, 3}
        assert nothing_stored(projekt)

    def test_an_unknown_status_and_an_age_above_120(self, projekt, tmp_path):
        report = run(
            projekt,
            write_json(
                tmp_path,
                [
                    minimal_service(status="maybe"),
                    minimal_service(id=str(uuid.uuid4()), name="Seniorentreff", minimum_age=130),
                ],
            ),
        )
        assert {(e.row, e.column) for e in report.errors} == {(1, "status"), (2, "minimum_age")}
        assert nothing_stored(projekt)

    def test_neither_json_nor_a_package(self, projekt, tmp_path):
        assert not run(projekt, write_json(tmp_path, {"hello": "world"})).ok
        assert not run(projekt, tmp_path / "nothing-here").ok
        empty = tmp_path / "empty"
        empty.mkdir()
        assert not run(projekt, empty).ok


# --- the mapping -------------------------------------------------------------------------------


class TestMapping:
    def test_terms_that_match_our_needs_and_target_groups(self, projekt, tmp_path):
        service = minimal_service(
            attributes=[
                {"id": str(uuid.uuid4()), "taxonomy_term": {"code": "wohnen", "name": "Housing"}},
                {"id": str(uuid.uuid4()), "taxonomy_term": {"name": "Kinder"}},
                {"id": str(uuid.uuid4()), "taxonomy_term": {"name": "Older people"}},
                {
                    "id": str(uuid.uuid4()),
                    "taxonomy_term": {
                        "code": "BD-1800",
                        "name": "Emergency Food",
                        "taxonomy": "AIRS",
                    },
                },
            ]
        )
        report = run(projekt, write_json(tmp_path, service))
        offer = Activity.objects.get(project=projekt)
        assert [n.code for n in offer.needs.all()] == ["wohnen"]
        assert sorted(g.code for g in offer.target_groups.all()) == ["kinder", "senioren"]
        [line] = report.unmapped_lines()
        assert line.startswith("„Mieterberatung“") and "Emergency Food (BD-1800)" in line
        assert "AIRS" in line and report.unmapped_count == 1

    def test_languages_by_code_and_name(self, projekt, tmp_path):
        service = minimal_service(
            languages=[
                {"id": str(uuid.uuid4()), "code": "deu"},
                {"id": str(uuid.uuid4()), "code": "ar", "name": "Arabic"},
                {"id": str(uuid.uuid4()), "name": "Turkish"},
                {"id": str(uuid.uuid4()), "code": "de", "name": "Leichte Sprache"},
                {"id": str(uuid.uuid4()), "code": "uk-UA"},
                {"id": str(uuid.uuid4()), "code": "yo", "name": "Yoruba"},
            ]
        )
        report = run(projekt, write_json(tmp_path, service))
        assert Activity.objects.get(project=projekt).languages == ["de", "ar", "tr", "de-ls", "uk"]
        assert "yo (Yoruba)" in report.unmapped_lines()[0]

    @pytest.mark.parametrize(
        ("extra", "cost", "free"),
        [
            ({"cost_options": [{"id": "c1", "amount": 0, "currency": "EUR"}]}, "", True),
            ({"fees_description": "kostenlos"}, "kostenlos", True),
            ({"fees_description": "3 Euro pro Abend"}, "3 Euro pro Abend", None),
            (
                {
                    "cost_options": [
                        {
                            "id": "c1",
                            "amount": 2.5,
                            "currency": "eur",
                            "amount_description": "pro Essen",
                        }
                    ]
                },
                "2,5 EUR pro Essen",
                False,
            ),
        ],
    )
    def test_costs(self, projekt, tmp_path, extra, cost, free):
        assert run(projekt, write_json(tmp_path, minimal_service(**extra))).ok
        offer = Activity.objects.get(project=projekt)
        assert (offer.cost, offer.free_of_charge) == (cost, free)

    def test_status_and_monthly_schedules(self, projekt, tmp_path):
        report = run(
            projekt,
            write_json(
                tmp_path,
                [
                    minimal_service(
                        status="defunct",
                        schedules=[
                            {
                                "id": "s1",
                                "freq": "MONTHLY",
                                "byday": "1SA",
                                "opens_at": "10:00:00",
                                "closes_at": "13:00:00",
                            }
                        ],
                    ),
                    minimal_service(id=str(uuid.uuid4()), name="Café", status="temporarily closed"),
                ],
            ),
        )
        assert report.ok, messages(report)
        ended = Activity.objects.get(project=projekt, title="Mieterberatung")
        assert ended.status == Status.ENDED and ended.end == timezone.localdate()
        assert ended.schedule == "jeden 1. Sa im Monat 10–13 Uhr"
        assert ended.schedule_unreadable  # not weekly hours, so no opening days
        closed = Activity.objects.get(project=projekt, title="Café")
        assert closed.status == Status.ACTIVE and closed.public_hidden

    def test_bad_web_and_mail_addresses_are_left_out_with_a_warning(self, projekt, tmp_path):
        report = run(
            projekt,
            write_json(
                tmp_path,
                minimal_service(
                    url="not a url", email="no-at-sign", description="<b>Beratung</b> &amp; Hilfe"
                ),
            ),
        )
        assert report.ok
        offer = Activity.objects.get(project=projekt)
        assert (offer.website, offer.contact_email) == ("", "")
        assert offer.description == "Beratung & Hilfe"
        assert len([w for w in report.warnings if "Mieterberatung" in w]) == 2


# --- re-imports --------------------------------------------------------------------------------


class TestReimport:
    def test_a_second_import_updates_instead_of_duplicating(self, projekt, tmp_path):
        package = copy_package(V11 / "all_resources", tmp_path)
        run(projekt, package)
        team_made = Activity.objects.get(project=projekt, title="Shop Assist")
        team_made.share_i, team_made.share_n = 50, 50
        team_made.save()
        again = run(projekt, package)
        assert again.counts[("activities", "unchanged")] == V11_SERVICES
        assert again.counts[("actors", "unchanged")] == V11_ORGANIZATIONS
        edit_csv(
            package / "services.csv",
            {"name": "Shop Assist"},
            name="Einkaufshilfe",
            status="inactive",
        )
        third = run(projekt, package)
        assert third.counts[("activities", "updated")] == 1
        assert Activity.objects.filter(project=projekt).count() == V11_SERVICES
        changed = Activity.objects.get(pk=team_made.pk)
        assert changed.title == "Einkaufshilfe" and changed.status == Status.ENDED
        assert changed.shares()["N"] == 50  # the team's shares stay
        assert ChangeLog.objects.filter(object_id=changed.pk, action="update").exists()

    def test_a_dry_run_counts_and_saves_nothing(self, projekt):
        report = run(projekt, V11 / "all_resources", dry_run=True)
        assert report.counts[("activities", "created")] == V11_SERVICES
        assert nothing_stored(projekt)

    def test_an_actor_of_the_same_name_is_reused(self, projekt):
        existing = Actor.objects.create(project=projekt, name="example cross trust")
        run(projekt, V11 / "all_resources")
        existing.refresh_from_db()
        assert existing.external_id == "hsds-org:18997068-649c-11e6-8b77-86f30ca893d3"
        assert existing.contact_email == "thecross@example.com"
        assert Actor.objects.filter(project=projekt).count() == V11_ORGANIZATIONS

    def test_offers_in_the_trash_stay_there(self, projekt):
        run(projekt, V11 / "simple")
        trashed = Activity.objects.get(project=projekt, title="Shop Assist")
        trashed.move_to_trash()
        report = run(projekt, V11 / "simple")
        assert any("1" in w for w in report.warnings)
        assert not Activity.objects.filter(project=projekt, title="Shop Assist").exists()


# --- commands ----------------------------------------------------------------------------------


class TestCommands:
    def test_import_prints_the_summary(self, projekt):
        out, err = StringIO(), StringIO()
        call_command(
            "import-hsds", str(V11 / "all_resources"), project=projekt.slug, stdout=out, stderr=err
        )
        assert "13" in out.getvalue() and "10" in out.getvalue()
        assert "1.1" in out.getvalue()
        assert Activity.objects.filter(project=projekt).count() == V11_SERVICES

    def test_import_lists_what_did_not_map(self, projekt, tmp_path):
        service = minimal_service(languages=[{"id": "l1", "code": "ur", "name": "Urdu"}])
        out = StringIO()
        call_command(
            "import-hsds",
            str(write_json(tmp_path, service)),
            project=projekt.slug,
            stdout=out,
            stderr=StringIO(),
        )
        assert "„Mieterberatung“" in out.getvalue() and "ur (Urdu)" in out.getvalue()

    def test_rejected_records_exit_with_1_and_change_nothing(self, projekt):
        err = StringIO()
        with pytest.raises(CommandError) as raised:
            call_command(
                "import-hsds", str(V30 / "csv"), project=projekt.slug, stdout=StringIO(), stderr=err
            )
        assert raised.value.returncode == 1
        assert "100" in err.getvalue()
        assert nothing_stored(projekt)

    def test_skipped_records_exit_with_0(self, projekt):
        call_command(
            "import-hsds",
            str(V30 / "csv"),
            project=projekt.slug,
            skip_invalid=True,
            stdout=StringIO(),
            stderr=StringIO(),
        )
        assert Actor.objects.filter(project=projekt).count() == 1

    def test_unknown_project_and_path(self, projekt, tmp_path):
        with pytest.raises(CommandError):
            call_command("import-hsds", str(V11 / "simple"), project="gibt-es-nicht")
        with pytest.raises(CommandError):
            call_command("import-hsds", str(tmp_path / "fehlt"), project=projekt.slug)

    def test_export_writes_the_package(self, projekt, tmp_path):
        make_activity(projekt, "Sprachcafé", fields="N", published=True)
        out = StringIO()
        call_command("export-hsds", project=projekt.slug, out=str(tmp_path / "hsds"), stdout=out)
        assert (tmp_path / "hsds" / "services.json").is_file()
        assert (tmp_path / "hsds" / "datapackage.json").is_file()
        assert "1" in out.getvalue()


# --- export ------------------------------------------------------------------------------------


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


def validator(document: dict) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def urls_in(value) -> list[str]:
    if isinstance(value, dict):
        return [
            u
            for k, v in value.items()
            for u in (
                [v]
                if k in ("url", "website", "uri", "term_uri") and isinstance(v, str)
                else urls_in(v)
            )
        ]
    if isinstance(value, list):
        return [u for v in value for u in urls_in(v)]
    return []


def assert_valid_services(services: list[dict]) -> None:
    """Each object against the official compiled schema (formats uuid, email, date checked)."""
    check = validator(schema("service_with_definitions.json"))
    for service in services:
        problems = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(service)]
        assert not problems, (service["name"], problems)
        for url in urls_in(service):  # "uri" needs an extra package in jsonschema
            parts = urlparse(url)
            web = parts.scheme in ("http", "https") and parts.netloc
            assert web or (parts.scheme == "urn" and parts.path), url


@pytest.fixture(scope="module")
def demo_export(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo project, exported once for the module (the database is rolled back after).

    A few offers are changed first to cover what the demo lacks: one kept internal, one
    without a provider, addresses in two descriptions (Berlin: a full HSDS address; Potsdam
    without the state: the description only), a provider without a type.
    """
    out = tmp_path_factory.mktemp("hsds-export")
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            call_command("demo", stdout=StringIO())
            project = Project.objects.get(slug="falkenhagener-feld")
            offers = list(Activity.objects.filter(project=project, published=True).order_by("pk"))
            hidden, alone, berlin, potsdam, untyped = offers[:5]
            hidden.public_hidden = True
            alone.responsible = None
            berlin.description = (
                "Treffpunkt im Gemeindehaus\nAdresse: Westerwaldstr. 10, 13589 Berlin"
            )
            potsdam.description = "Adresse: Am Markt 1, 14467 Potsdam"
            for offer in (hidden, alone, berlin, potsdam):
                offer.save()
            Actor.objects.filter(pk=untyped.responsible_id).update(actor_type=None)
            expected = {
                a.title: snapshot(a)
                for a in Activity.objects.filter(
                    project=project, published=True, public_hidden=False
                )
                .select_related("responsible")
                .prefetch_related("needs", "target_groups")
            }
            export_hsds(project=project, out_dir=out)
            transaction.set_rollback(True)
    return {"out": out, "expected": expected, "hidden": hidden.title}


COMPARED = (
    "description",
    "schedule",
    "languages",
    "min_age",
    "max_age",
    "cost",
    "free_of_charge",
    "latitude",
    "longitude",
    "barrier_free",
    "accessibility",
    "contact_name",
    "contact_phone",
    "contact_email",
    "website",
    "eligibility",
    "verified_at",
    "status",
)


def snapshot(activity: Activity) -> dict:
    return {
        **{name: getattr(activity, name) for name in COMPARED},
        "provider": activity.responsible.name if activity.responsible else None,
        "needs": sorted(n.code for n in activity.needs.all()),
        "target_groups": sorted(g.code for g in activity.target_groups.all()),
    }


class TestExport:
    def test_services_json_validates_against_the_official_schema(self, demo_export):
        services = json.loads((demo_export["out"] / "services.json").read_text())
        assert len(services) == len(demo_export["expected"]) >= 10
        assert demo_export["hidden"] not in {s["name"] for s in services}
        assert_valid_services(services)
        assert all(uuid.UUID(s["id"]) for s in services)
        assert any(s.get("schedules") for s in services)
        assert any(s.get("service_at_locations") for s in services)
        assert any(s.get("attributes") for s in services)

    def test_the_csv_headers_are_those_of_the_official_tables(self, demo_export):
        tabular = schema("tabular.json")["properties"]
        spec = {
            r["name"]: r
            for r in json.loads((V30 / "csv" / "datapackage.json").read_text())["resources"]
        }
        for name, (file, _columns) in TABLES.items():
            header, _rows = read_rows(demo_export["out"] / file)
            official = tabular[name]["items"]
            scalar = [
                k
                for k, v in official["properties"].items()
                if v.get("type") != "array" and "$ref" not in v
            ]
            assert header == scalar, name
            assert header == [f["name"] for f in spec[name]["schema"]["fields"]], name
            assert file == official["path"] == spec[name]["path"]

    def test_the_csv_rows_validate_against_the_tabular_schema(self, demo_export):
        tabular = schema("tabular.json")
        spec = {
            r["name"]: r
            for r in json.loads((V30 / "csv" / "datapackage.json").read_text())["resources"]
        }
        typed: dict[str, list[dict]] = {}
        for name, (file, _columns) in TABLES.items():
            properties = tabular["properties"][name]["items"]["properties"]
            _header, rows = read_rows(demo_export["out"] / file)
            typed[name] = [
                {
                    k: float(v) if properties[k].get("type") == "number" else v
                    for k, v in row.items()
                    if v != ""
                }
                for row in rows
            ]
            items = tabular["properties"][name]["items"]
            required = {*items.get("required", []), *items.get("tabular_required", [])}
            required |= {
                f["name"]
                for f in spec[name]["schema"]["fields"]
                if f.get("constraints", {}).get("required")
            }
            missing = [(k, row["id"]) for row in typed[name] for k in required if k not in row]
            assert not missing, (name, missing)  # an empty cell does not count
        problems = [
            f"{list(e.absolute_path)}: {e.message}" for e in validator(tabular).iter_errors(typed)
        ]
        assert not problems, problems
        assert typed["service"] and typed["organization"] and typed["schedule"]
        [address] = typed["address"]  # Berlin; Potsdam lacks the state HSDS requires
        assert (address["city"], address["state_province"]) == ("Berlin", "Berlin")
        project = [o for o in typed["organization"] if o.get("uri", "").startswith("urn:")]
        assert [o["name"] for o in project] == ["Quartiersprojekt Falkenhagener Feld"]
        ids = {name: {row["id"] for row in rows} for name, rows in typed.items()}
        for table, key, target in [
            ("service", "organization_id", "organization"),
            ("service_at_location", "service_id", "service"),
            ("service_at_location", "location_id", "location"),
            ("schedule", "service_id", "service"),
            ("language", "service_id", "service"),
            ("attribute", "link_id", "service"),
            ("attribute", "taxonomy_term_id", "taxonomy_term"),
            ("taxonomy_term", "taxonomy_id", "taxonomy"),
            ("accessibility", "location_id", "location"),
        ]:
            assert {r[key] for r in typed[table] if key in r} <= ids[target], (table, key)

    def test_the_datapackage_describes_the_files(self, demo_export):
        descriptor = json.loads((demo_export["out"] / "datapackage.json").read_text())
        assert descriptor["profile"] == "tabular-data-package"
        assert descriptor["version"] == "3.0.0"
        for resource in descriptor["resources"]:
            header, _rows = read_rows(demo_export["out"] / resource["path"])
            assert header == [f["name"] for f in resource["schema"]["fields"]]

    def test_ids_are_stable(self, projekt, tmp_path):
        offer = make_activity(
            projekt,
            "Sprachcafé",
            fields="N",
            published=True,
            schedule="Di 9–12 Uhr",
            latitude=52.5,
            longitude=13.2,
        )
        export_hsds(project=projekt, out_dir=tmp_path / "a")
        export_hsds(project=projekt, out_dir=tmp_path / "b")
        first = (tmp_path / "a" / "services.json").read_text()
        assert first == (tmp_path / "b" / "services.json").read_text()
        assert json.loads(first)[0]["id"] == str(offer.uid)

    def test_only_published_offers_that_are_not_internal(self, projekt, tmp_path):
        make_activity(projekt, "Öffentlich", fields="I", published=True)
        make_activity(projekt, "Intern", fields="I", published=True, public_hidden=True)
        make_activity(projekt, "Keine Angebot", fields="S")
        export_hsds(project=projekt, out_dir=tmp_path)
        names = [s["name"] for s in json.loads((tmp_path / "services.json").read_text())]
        assert names == ["Öffentlich"]


class TestRoundTrip:
    @pytest.mark.parametrize("source", ["services.json", "datapackage.json"])
    def test_the_demo_offers_come_back_the_same(self, demo_export, source, anderes_projekt):
        report = run(anderes_projekt, demo_export["out"] / source)
        assert report.ok and not report.errors, messages(report)
        assert report.unmapped == []
        found = {
            a.title: snapshot(a)
            for a in Activity.objects.filter(project=anderes_projekt)
            .select_related("responsible")
            .prefetch_related("needs", "target_groups")
        }
        assert found == demo_export["expected"]
        # The project named for the offer without a provider does not become an actor.
        assert not Actor.objects.filter(project=anderes_projekt, name__startswith="Quartiers")

    def test_our_own_export_updates_the_same_project(self, projekt, tmp_path):
        offer = make_activity(
            projekt,
            "Sprachcafé",
            fields="N",
            published=True,
            schedule="Mi und Fr 14–17 Uhr",
            languages=["de", "uk"],
            free_of_charge=False,
            cost="2 Euro, für Kinder frei",
            barrier_free=False,
            accessibility="Stufe am Eingang",
            description="Treff\nAdresse: Westerwaldstr. 10, 13589 Berlin",
        )
        offer.needs.add(Need.objects.get(code="bildung-sprache"))
        offer.target_groups.add(TargetGroup.objects.get(code="migration"))
        export_hsds(project=projekt, out_dir=tmp_path)
        report = run(projekt, tmp_path / "services.json")
        assert report.counts[("activities", "unchanged")] == 1, report.counts
        assert Activity.objects.filter(project=projekt).count() == 1
        other = Project.objects.create(slug="kopie", name="Kopie")
        run(other, tmp_path)
        copy = Activity.objects.get(project=other)
        assert snapshot(copy) == snapshot(offer)
        assert copy.description == offer.description
