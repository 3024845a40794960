"""Public facility registers as published activities: Berlin's Kitas, youth centres and care
homes with their presets, providers as actors, re-imports, areas, bad features, CLI and pages."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import gettext as _
from shapely.geometry import Point

from quartierskompass.accounts.models import Project
from quartierskompass.activities import registers
from quartierskompass.activities.models import Activity, Status
from quartierskompass.actors.models import Actor
from quartierskompass.areas.models import Area, ProjectArea
from quartierskompass.core.models import ChangeLog
from quartierskompass.lib import geo
from tests.shared import SHARED_DATA

FACILITIES = SHARED_DATA / "berlin" / "facilities"
KITAS_UTM = FACILITIES / "kindertagesstaetten_2022-12_epsg25833.geojson"
KITAS_WGS84 = FACILITIES / "kindertagesstaetten_2022-12_wgs84.geojson"
YOUTH = FACILITIES / "jugendfreizeiteinrichtungen_2022-12_epsg25833.geojson"
CARE = FACILITIES / "pflegeeinrichtungen_2023-07_wgs84.geojson"
PLR = SHARED_DATA / "berlin" / "boundaries" / "lor_planungsraeume_2021_wgs84.geojson"
SYSTEM = "test-registers-plr"
SPANDAU = "05"


def raw_properties(path) -> list[dict]:
    return [f["properties"] for f in json.loads(path.read_bytes())["features"]]


def distinct_names(values) -> int:
    """Provider names as the import compares them: case and spacing do not count."""
    return len({" ".join(v.split()).casefold() for v in values})


def run(project, source, mapping: str, **options) -> registers.RegisterReport:
    filename = options.pop("filename", getattr(source, "name", "register.geojson"))
    return registers.import_register(
        project=project,
        source=source,
        filename=filename,
        mapping=registers.preset(mapping),
        user=None,
        **options,
    )


@pytest.fixture(scope="module")
def kitas_wgs84() -> geo.FeatureCollection:
    return geo.read_feature_collection(KITAS_WGS84)


@pytest.fixture(scope="module")
def plr_shapes() -> dict[str, object]:
    collection = geo.read_feature_collection(PLR, polygons=True)
    return {f.properties["PLR_ID"]: f.geometry for f in collection.features}


@pytest.fixture(scope="module")
def kita_project(django_db_setup, django_db_blocker, plr_shapes):
    """The Kitas imported once (from the UTM file) into a project working in Spandau."""
    with django_db_blocker.unblock():
        project = Project.objects.create(slug="kita-register", name="Kitas")
        spandau = Area.objects.create(
            code_system=SYSTEM, code=SPANDAU, name="Spandau", kind="Bezirk"
        )
        parts = {code: g for code, g in plr_shapes.items() if code.startswith(SPANDAU)}
        Area.objects.bulk_create(
            Area(
                code_system=SYSTEM,
                code=code,
                name=code,
                kind="Planungsraum",
                parent=spandau,
                boundary=geo.to_geojson(geometry),
                boundary_simplified=geo.simplify_for_map(geometry),
            )
            for code, geometry in parts.items()
        )
        union = geo.union(parts.values())
        spandau.boundary = geo.to_geojson(union)
        spandau.boundary_simplified = geo.simplify_for_map(union)
        spandau.save()
        ProjectArea.objects.create(project=project, area=spandau)
        report = run(project, KITAS_UTM, "berlin-kitas")
        yield project, report
        project.delete()
        Area.objects.filter(code_system=SYSTEM).update(parent=None)
        Area.objects.filter(code_system=SYSTEM).delete()


# --- the Berlin Kitas --------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_kita_becomes_a_published_activity(kita_project):
    project, report = kita_project
    assert report.ok and not report.errors, [str(e) for e in report.errors]
    assert report.rows == 2880
    assert report.counts[("activities", "created")] == 2880
    activities = Activity.objects.filter(project=project)
    assert activities.count() == 2880
    assert set(activities.values_list("published", "status", "start")) == {
        (True, Status.ACTIVE, date(2022, 12, 1))  # the month in the file name
    }
    assert set(activities.values_list("share_s", "share_o", "share_n", "share_i")) == {
        (0, 50, 0, 50)
    }
    kita = activities.get(external_id="kita:01010010")
    assert kita.title == "Kita F.A.I.R.play"
    assert "69 Plätze" in kita.description
    assert "Adresse: Albrechtstr. 20, 10117 Berlin" in kita.description
    assert "Senatsverwaltung für Bildung, Jugend und Familie" in kita.description
    assert kita.contact_phone == "281 64 73" and kita.website == "http://www.gfj-berlin.de"
    assert (kita.min_age, kita.max_age) == (0, 6)
    assert {n.code for n in kita.needs.all()} == {"kinder-familie"}
    assert {g.code for g in kita.target_groups.all()} == {"kinder", "familien"}
    assert ChangeLog.objects.filter(project=project, action="import").count() == 2880


@pytest.mark.django_db
def test_kita_providers_are_one_actor_per_provider_number(kita_project):
    project, report = kita_project
    properties = raw_properties(KITAS_UTM)
    numbers = {p["t_nr"] for p in properties}
    assert len(numbers) == distinct_names(p["t_name"] for p in properties) == 1227
    assert report.counts[("actors", "created")] == 1227
    assert Actor.objects.filter(project=project).count() == 1227
    gfj = Actor.objects.get(project=project, external_id="kita-traeger:1224")
    per_provider = Counter(p["t_nr"] for p in properties)
    assert gfj.responsible_for.count() == per_provider["1224"]
    types = dict(Actor.objects.filter(project=project).values_list("name", "actor_type__code"))
    assert types["Ev. Kirchengemeinde Dahlem"] == "kirchengemeinde"  # listed under Diakonie
    assert types["Pfarrei St. Matthias Schöneberg"] == "kirchengemeinde"  # under Caritas
    assert types["Ev. Kirchenkreis Spandau"] == "bezirksstelle"
    assert types["Kindergärten City"] == "schule-kita"  # a municipal Eigenbetrieb
    assert types["Frecher Spatz e.V."] == "initiative"  # EKT: parents' initiative
    assert types["AWO pro:mensch gGmbH"] == "wohlfahrt"
    assert types["Stephanus gGmbH"] == "diakonie"


def coordinates(project) -> dict[str, tuple[float, float]]:
    rows = Activity.objects.filter(project=project).values_list(
        "external_id", "latitude", "longitude"
    )
    return {key: (lat, lon) for key, lat, lon in rows}


@pytest.mark.django_db
def test_the_utm_and_the_wgs84_file_give_the_same_coordinates(kita_project, kitas_wgs84):
    project, _report = kita_project
    other = Project.objects.create(slug="wgs84", name="WGS84")
    report = run(other, kitas_wgs84, "berlin-kitas", filename=KITAS_WGS84.name)
    assert report.counts[("activities", "created")] == 2880
    from_utm, from_wgs84 = coordinates(project), coordinates(other)
    assert from_utm.keys() == from_wgs84.keys() and len(from_utm) == 2880
    for key, (lat, lon) in from_utm.items():
        assert from_wgs84[key] == (pytest.approx(lat, abs=1e-6), pytest.approx(lon, abs=1e-6))
    # Albrechtstraße 20, Mitte
    assert from_utm["kita:01010010"] == (pytest.approx(52.522516), pytest.approx(13.384393))


@pytest.mark.django_db
def test_a_second_import_updates_instead_of_duplicating(kita_project, kitas_wgs84):
    project, _report = kita_project
    # The other file of the same register: centimetres apart, so nothing changes.
    report = run(project, kitas_wgs84, "berlin-kitas", filename=KITAS_WGS84.name)
    assert dict(report.counts) == {("activities", "unchanged"): 2880}
    renamed = dataclasses.replace(kitas_wgs84.features[0])
    renamed.properties = {**renamed.properties, "e_name": "Kita F.A.I.R.play am Albrechtshof"}
    changed = dataclasses.replace(kitas_wgs84, features=[renamed, *kitas_wgs84.features[1:]])

    report = run(project, changed, "berlin-kitas", filename=KITAS_WGS84.name)

    assert report.counts[("activities", "updated")] == 1
    assert report.counts[("activities", "unchanged")] == 2879
    assert Activity.objects.filter(project=project).count() == 2880
    assert Actor.objects.filter(project=project).count() == 1227
    kita = Activity.objects.get(project=project, external_id="kita:01010010")
    assert kita.title == "Kita F.A.I.R.play am Albrechtshof"
    assert kita.version == 2
    log = ChangeLog.objects.filter(object_id=kita.pk, action="update").get()
    assert log.changes == {"title": ["Kita F.A.I.R.play", "Kita F.A.I.R.play am Albrechtshof"]}


@pytest.mark.django_db
def test_a_reimport_keeps_what_the_team_changed(kita_project, kitas_wgs84):
    project, _report = kita_project
    kita = Activity.objects.get(project=project, external_id="kita:01010010")
    Activity.objects.filter(pk=kita.pk).update(share_o=30, share_n=40, share_i=30)
    trashed = Activity.objects.get(project=project, external_id="kita:01010020")
    trashed.move_to_trash()

    report = run(project, kitas_wgs84, "berlin-kitas", filename=KITAS_WGS84.name)

    kita.refresh_from_db()
    assert kita.shares() == {"S": 0, "O": 30, "N": 40, "I": 30}
    assert Activity.with_deleted.get(pk=trashed.pk).deleted_at is not None
    assert report.counts[("activities", "unchanged")] == 2879
    trash_note = _("%(n)s facilities are in the trash of this project and stay there.")
    assert trash_note % {"n": 1} in report.warnings


@pytest.mark.django_db
def test_kitas_land_in_their_planungsraum(kita_project, plr_shapes):
    project, report = kita_project
    properties = {p["e_nr"]: p for p in raw_properties(KITAS_WGS84)}
    in_spandau = [k for k, p in properties.items() if p["e_bez_nr"] == SPANDAU]
    placed = {
        a.external_id.removeprefix("kita:"): a
        for a in Activity.objects.filter(project=project).select_related("area")
    }
    assert len(in_spandau) == 153
    assert all(placed[k].area and placed[k].area.kind == "Planungsraum" for k in in_spandau)
    assert report.located == 153
    for number in in_spandau[:: len(in_spandau) // 5]:  # five Kitas checked by hand
        point = Point(placed[number].longitude, placed[number].latitude)
        containing = [code for code, g in plr_shapes.items() if g.covers(point)]
        assert containing == [placed[number].area.code], properties[number]["e_name"]
    elsewhere = [a for k, a in placed.items() if properties[k]["e_bez_nr"] != SPANDAU]
    assert elsewhere and all(a.area_id is None for a in elsewhere)


# --- the other registers -----------------------------------------------------------------------


@pytest.mark.django_db
def test_youth_centres_with_their_preset_through_the_command(kita_project, capsys):
    project, _report = kita_project
    call_command(
        "import-activities",
        str(YOUTH),
        "--project",
        project.slug,
        "--mapping",
        "berlin-jugendfreizeiteinrichtungen",
    )
    out = capsys.readouterr()
    properties = raw_properties(YOUTH)
    youth = Activity.objects.filter(project=project, external_id__startswith="jfe:")
    assert youth.count() == 407
    # Four youth centres share their number with a Kita; the prefixes keep them apart.
    shared = {p["e_nr"] for p in properties} & {p["e_nr"] for p in raw_properties(KITAS_UTM)}
    assert len(shared) == 4
    for number in shared:
        assert Activity.objects.filter(project=project, external_id__endswith=number).count() == 2
    # No provider numbers here: names decide, ignoring case and spacing.
    providers = {" ".join(p["t_name"].split()).casefold() for p in properties}
    kita_providers = {" ".join(p["t_name"].split()).casefold() for p in raw_properties(KITAS_UTM)}
    assert len(providers) == 266
    new = len(providers - kita_providers)
    assert f"407 Aktivitäten angelegt, {new} Akteure angelegt" in out.out
    assert Actor.objects.filter(project=project).count() == 1227 + new
    outreach = Actor.objects.get(project=project, name__iexact="outreach gGmbH")
    assert outreach.responsible_for.count() == 13  # “Outreach gGmbH” 7 + “outreach gGmbH” 6
    assert outreach.actor_type.code == "verein"
    public = youth.get(external_id="jfe:01010003")
    assert public.responsible.actor_type.code == "amt-jugend"
    assert public.description.startswith("98 Plätze\nAdresse: Schwedter Str. 234, 10435 Berlin")
    assert {g.code for g in public.target_groups.all()} == {"jugendliche"}
    without_places = youth.get(title="Platzmanagement Alexanderplatz")
    assert "Plätze" not in without_places.description  # the register says "0"
    assert "(inaktiv)" in out.err  # a website “https://www.jfe-aalemannufer.de (inaktiv)”


@pytest.mark.django_db
def test_care_homes_with_their_preset(projekt):
    report = run(projekt, CARE, "berlin-pflegeeinrichtungen")
    properties = raw_properties(CARE)
    assert report.ok and report.counts[("activities", "created")] == 274
    assert distinct_names(p["traegername"] for p in properties) == 170
    assert Actor.objects.filter(project=projekt).count() == 170
    home = Activity.objects.get(project=projekt, external_id="pflege:511100252")
    assert home.title == "Haus Abendsonne" and home.start == date(2023, 7, 1)
    assert home.description.startswith("113 Plätze\nAdresse: Volkradstraße 28, 10319 Berlin")
    assert home.shares() == {"S": 0, "O": 30, "N": 0, "I": 70}
    assert {n.code for n in home.needs.all()} == {"alter-pflege"}
    assert home.responsible.actor_type.code == "wohlfahrt"  # DPW, the Paritätische
    assert home.responsible.address == "Volkradstr. 28, 10319 Berlin"
    types = dict(Actor.objects.filter(project=projekt).values_list("name", "actor_type__code"))
    assert types["Vivantes - Forum für Senioren GmbH"] == "gesundheit"
    assert types["Katholische Kirchengemeinde Maria, Hilfe der Christen"] == "kirchengemeinde"


# --- bad features ------------------------------------------------------------------------------


def small_register(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(number: str, name: str | None, point: list[float] | None) -> dict:
    return {
        "type": "Feature",
        "properties": {"e_nr": number, "e_name": name, "t_nr": "1", "t_name": "Träger e.V."},
        "geometry": {"type": "Point", "coordinates": point} if point else None,
    }


BAD = small_register(
    feature("1", "Kita Gut", [13.2, 52.53]),
    feature("2", "Kita ohne Ort", None),
    feature("3", "", [13.21, 52.54]),
    feature("4", "Kita im Atlantik", [-30.0, 45.0]),
    feature("1", "Kita doppelt", [13.22, 52.55]),
)


@pytest.mark.django_db
def test_bad_features_are_row_errors_and_nothing_is_written(projekt):
    report = run(projekt, BAD, "berlin-kitas", filename="kitas_2024-03.geojson")
    assert not report.ok
    geometry = _("geometry")
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (2, geometry, ""),
        (3, "e_name", ""),
        (4, geometry, "-30.0, 45.0"),
        (5, "e_nr", "1"),
    ]
    assert report.errors[0].message == "Das Objekt hat keine Geometrie."  # German from lib.geo
    assert "-30.0" in report.errors[2].message and "45.0" in report.errors[2].message
    assert "1" in report.errors[3].message  # names the feature that has the number already
    assert not Activity.objects.filter(project=projekt).exists()
    assert not Actor.objects.filter(project=projekt).exists()


@pytest.mark.django_db
def test_skipping_bad_features_imports_the_good_ones(projekt):
    report = run(projekt, BAD, "berlin-kitas", filename="kitas_2024-03.geojson", skip_invalid=True)
    assert report.ok and report.counts[("activities", "created")] == 1
    assert Activity.objects.get(project=projekt).start == date(2024, 3, 1)


@pytest.mark.django_db
def test_a_dry_run_counts_but_writes_nothing(projekt):
    report = run(projekt, CARE, "berlin-pflegeeinrichtungen", dry_run=True)
    assert report.counts[("activities", "created")] == 274
    assert report.counts[("actors", "created")] == 170
    assert [row.title for row in report.preview][:1] == [
        "Verbund Lichtenberger Seniorenheime Seniorenheim 'Judith-Auer-Straße'"
    ]
    assert not Activity.objects.filter(project=projekt).exists()
    assert not Actor.objects.filter(project=projekt).exists()


@pytest.mark.django_db
def test_the_wrong_mapping_is_a_file_error(projekt):
    report = run(projekt, CARE, "berlin-kitas")
    assert not report.ok and [e.row for e in report.errors] == [None, None]
    first, second = (e.message for e in report.errors)
    assert "e_name" in first and "e_nr" in second and "ik_nummer" in first


@pytest.mark.django_db
def test_the_command_exits_1_on_rejected_rows_and_needs_a_mapping(projekt, tmp_path, capsys):
    path = tmp_path / "kitas.geojson"
    path.write_bytes(BAD)
    with pytest.raises(CommandError) as failure:
        call_command(
            "import-activities", str(path), "--project", "nordstadt", "--mapping", "berlin-kitas"
        )
    assert failure.value.returncode == 1
    out = capsys.readouterr()
    assert "Zeile 2" in out.err and "4 Zeilen abgelehnt" in out.out
    assert not Activity.objects.filter(project=projekt).exists()
    call_command(
        "import-activities",
        str(path),
        "--project",
        "nordstadt",
        "--mapping",
        "berlin-kitas",
        "--skip-invalid",
    )
    assert Activity.objects.filter(project=projekt).count() == 1
    with pytest.raises(CommandError, match="--mapping"):
        call_command("import-activities", str(path), "--project", "nordstadt")
    with pytest.raises(CommandError):
        call_command("import-activities", str(path), "--project", "nordstadt", "--mapping", "x")


# --- the mapping -------------------------------------------------------------------------------


def test_the_presets_are_listed_with_german_labels():
    names = registers.presets()
    assert set(names) == {
        "berlin-kitas",
        "berlin-jugendfreizeiteinrichtungen",
        "berlin-pflegeeinrichtungen",
        "osm-community-centres",
    }
    assert names["berlin-kitas"].startswith("Berlin: Kindertagesstätten")
    for name in names:
        mapping = registers.preset(name)
        assert sum(mapping.shares.values()) == 100 and mapping.note


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ({"id": "nr"}, "title"),
        ({"title": "name", "id": "nr", "titel": "x"}, "titel"),
        ({"title": "name", "id": "nr", "shares": {"O": 50, "I": 40}}, "90"),
        ({"title": "name", "id": "nr", "shares": {"X": 100}}, "S, O, N, I"),
        ({"title": "name", "id": "nr", "provider_type_patterns": {"(": "verein"}}, "("),
        ({"title": "name", "id": "nr", "start": "Dezember"}, "start"),
        ({"title": "name", "id": "nr", "min_age": 10, "max_age": 6}, "min_age"),
    ],
)
def test_a_broken_mapping_is_refused_with_a_reason(data, complaint):
    with pytest.raises(registers.MappingError, match=complaint.replace("(", r"\(")):
        registers.load_mapping(data)


def test_a_mapping_from_json_with_equal_shares_and_templates():
    mapping = registers.load_mapping(
        b'{"title": "name", "id": "nr", "shares": ["N", "I"], "_comment": "ignored",'
        b' "address": ["{street} {no}{suffix}", "{zip} {city}"], "start": "2024-01-01"}'
    )
    assert mapping.shares == {"N": 50, "I": 50} and mapping.start == date(2024, 1, 1)
    props = {"street": "Weg", "no": 3, "suffix": None, "zip": None, "city": None}
    assert registers.render(mapping.address[0], props) == "Weg 3"
    assert registers.render(mapping.address[1], props) == ""  # every placeholder empty
    assert registers.load_mapping(mapping.to_dict()) == mapping


# --- the pages ---------------------------------------------------------------------------------


def upload(client, slug: str, **data):
    url = reverse("activities:register_import", args=[slug])
    files = {"file": SimpleUploadedFile(CARE.name, CARE.read_bytes())}
    return client.post(url, {**files, **data})


@pytest.mark.django_db
def test_the_pages_need_write_access(client_for, projekt, ehrenamtlicher):
    url = reverse("activities:register_import", args=[projekt.slug])
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    viewer = client_for(ehrenamtlicher)
    assert viewer.get(url).status_code == 403
    assert upload(viewer, projekt.slug, preset="berlin-pflegeeinrichtungen").status_code == 403
    confirm = reverse("activities:register_import_confirm", args=[projekt.slug])
    assert viewer.post(confirm).status_code == 403
    assert not Activity.objects.filter(project=projekt).exists()


@pytest.mark.django_db
def test_an_editor_imports_the_care_homes_in_two_steps(client_for, projekt, mitarbeiter):
    client = client_for(mitarbeiter)
    page = client.get(reverse("activities:import", args=[projekt.slug])).content.decode()
    assert reverse("activities:register_import", args=[projekt.slug]) in page
    assert (
        "Berlin: Pflegeeinrichtungen"
        in client.get(reverse("activities:register_import", args=[projekt.slug])).content.decode()
    )

    check = upload(client, projekt.slug, preset="berlin-pflegeeinrichtungen")

    assert check.status_code == 200
    html = check.content.decode()
    assert "274" in html and "170" in html and "Haus Abendsonne" in html
    assert not Activity.objects.filter(project=projekt).exists()
    done = client.post(reverse("activities:register_import_confirm", args=[projekt.slug]))
    assert done.status_code == 302
    assert done["Location"] == reverse("activities:list", args=[projekt.slug])
    assert Activity.objects.filter(project=projekt, published=True).count() == 274
    assert ChangeLog.objects.filter(user=mitarbeiter, action="import").count() == 274
    again = client.post(reverse("activities:register_import_confirm", args=[projekt.slug]))
    assert again.status_code == 302  # the file is gone: back to the upload


@pytest.mark.django_db
def test_an_uploaded_mapping_works_and_a_missing_one_is_asked_for(client_for, projekt, mitarbeiter):
    client = client_for(mitarbeiter)
    neither = upload(client, projekt.slug)
    assert neither.status_code == 200 and not neither.context["form"].is_valid()
    mapping = (registers.PRESET_DIR / "berlin-pflegeeinrichtungen.json").read_bytes()
    custom = json.loads(mapping) | {"shares": {"I": 100}}
    check = upload(
        client,
        projekt.slug,
        mapping_file=SimpleUploadedFile("pflege.json", json.dumps(custom).encode()),
    )
    assert check.context["report"].counts[("activities", "created")] == 274
    client.post(reverse("activities:register_import_confirm", args=[projekt.slug]))
    assert set(Activity.objects.filter(project=projekt).values_list("share_i", flat=True)) == {100}
    broken = upload(
        client, projekt.slug, mapping_file=SimpleUploadedFile("m.json", b'{"title": 1}')
    )
    assert "mapping_file" in broken.context["form"].errors
