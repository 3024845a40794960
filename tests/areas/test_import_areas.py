"""Importing areas: Berlin's LOR with its four-level hierarchy, Hamburg's Stadtteile, bad files,
the command, the two-step page, and areas found for activities and actors from coordinates."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse
from shapely.geometry import Point, shape

from quartierskompass.activities.models import Activity
from quartierskompass.actors.models import Actor
from quartierskompass.areas import importer, locate
from quartierskompass.areas.models import Area, ProjectArea
from quartierskompass.lib import geo, tabular
from tests.conftest import make_user
from tests.factories import make_activity
from tests.shared import SHARED_DATA

DATA = SHARED_DATA
PLR_FILE = DATA / "berlin" / "boundaries" / "lor_planungsraeume_2021_wgs84.geojson"
HIERARCHY = DATA / "berlin" / "boundaries" / "LOR_2021_hierarchy.csv"
KITAS = DATA / "berlin" / "facilities" / "kindertagesstaetten_2022-12_wgs84.geojson"
HAMBURG = DATA / "hamburg" / "hamburg-district-regions_stadtteile.geojson"
HAMBURG_BEZIRKE = DATA / "hamburg" / "hamburg-districts_bezirke.geojson"
SYSTEM = "berlin-plr-2021"


def import_berlin(**options) -> importer.AreaImportReport:
    preset = importer.BERLIN_LOR
    arguments = {
        "source": PLR_FILE,
        "filename": PLR_FILE.name,
        "system": SYSTEM,
        "code_prop": preset.code_prop,
        "name_prop": preset.name_prop,
        "parent_table": HIERARCHY,
        "parent_filename": HIERARCHY.name,
        "levels": preset.levels,
        "root": preset.root,
        "source_note": preset.source_note,
        "valid_from": preset.valid_from,
    }
    return importer.import_areas(**(arguments | options))


@pytest.fixture(scope="module")
def berlin(django_db_setup, django_db_blocker):
    """Berlin imported once for the module; each test still runs in its own transaction."""
    with django_db_blocker.unblock():
        report = import_berlin()
        yield report
        Area.objects.filter(code_system=SYSTEM).update(parent=None)
        Area.objects.filter(code_system=SYSTEM).delete()


@pytest.fixture(scope="module")
def kitas() -> geo.FeatureCollection:
    return geo.read_feature_collection(KITAS)


def area(code: str) -> Area:
    return Area.objects.get(code_system=SYSTEM, code=code)


def hamburg_hierarchy() -> bytes:
    """Stadtteil → Bezirk as an XLSX, made from the properties of the Stadtteile file."""
    features = json.loads(HAMBURG.read_bytes())["features"]
    rows = [
        [f["properties"]["id"], f["properties"]["district_id"], f["properties"]["district_name"]]
        for f in features
    ]
    stream = io.BytesIO()
    tabular.write_xlsx(stream, [("Hierarchie", ["Stadtteil", "Bezirk-Nr", "Bezirk"], rows)])
    return stream.getvalue()


HAMBURG_LEVELS = [
    importer.Level("Stadtteil", "Stadtteil"),
    importer.Level("Bezirk", "Bezirk-Nr", "Bezirk"),
]


# --- Berlin ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_berlin_gets_all_four_levels_and_the_city(berlin):
    assert berlin.ok, berlin.errors
    kinds = dict(
        Area.objects.filter(code_system=SYSTEM).values_list("kind").annotate(n=Count("pk"))
    )
    assert kinds == {
        "Planungsraum": 542,
        "Bezirksregion": 143,
        "Prognoseraum": 58,
        "Bezirk": 12,
        "Stadt": 1,
    }
    assert berlin.counts[("Planungsraum", "created")] == 542
    assert berlin.counts[("Bezirksregion", "created")] == 143
    assert "542" in berlin.summary_text() and "143" in berlin.summary_text()
    assert importer.import_kinds(berlin)["Prognoseraum"] == ("Prognoseraum", "Prognoseräume")


@pytest.mark.django_db
def test_each_planungsraum_knows_its_ancestors(berlin):
    chain = [(a.code, a.name, a.kind) for a in area("05100206").ancestors()]
    assert area("05100206").name == "Griesingerstraße"
    assert chain == [
        ("051002", "Falkenhagener Feld", "Bezirksregion"),
        ("0510", "Spandau Mitte / Nord", "Prognoseraum"),
        ("05", "Spandau", "Bezirk"),
        ("0", "Berlin", "Stadt"),
    ]
    assert [a.code for a in area("01100101").ancestors()] == ["011001", "0110", "01", "0"]
    assert area("0").parent is None
    assert area("0").children.count() == 12
    no_parent = Area.objects.filter(code_system=SYSTEM, parent=None).exclude(code="0")
    assert not no_parent.exists()


@pytest.mark.django_db
def test_codes_stay_text_with_their_leading_zero(berlin):
    codes = set(
        Area.objects.filter(code_system=SYSTEM, kind="Planungsraum").values_list("code", flat=True)
    )
    assert "01100101" in codes and all(len(c) == 8 for c in codes)


@pytest.mark.django_db
def test_names_come_from_the_newer_table_and_differences_are_noted(berlin):
    # The GeoJSON (01.01.2021) has Wittenau Mitte and Süd swapped; the table (renamed on
    # 01.12.2021) and the social monitoring agree on 12500926 = Wittenau Mitte.
    assert area("12500926").name == "Wittenau Mitte"
    assert area("04300414").name == "Schloßstraße (Charlottenburg)"
    assert sum("12500926" in w for w in berlin.warnings) == 1
    assert any("10100205" in w and "Self-intersection" in w for w in berlin.warnings)


@pytest.mark.django_db
def test_a_bezirk_boundary_is_the_union_of_its_planungsraeume(berlin):
    spandau = area("05")
    plr = Area.objects.filter(code_system=SYSTEM, kind="Planungsraum", code__startswith="05")
    summed = sum(geo.area_m2(shape(a.boundary)) for a in plr)
    assert geo.area_m2(shape(spandau.boundary)) == pytest.approx(summed, rel=0.01)
    city = geo.area_m2(shape(area("0").boundary))
    assert city == pytest.approx(891.1e6, rel=0.01)  # Berlin: 891 km²


@pytest.mark.django_db
def test_every_area_has_a_simplified_boundary_and_a_centroid_inside(berlin):
    for a in Area.objects.filter(code_system=SYSTEM).exclude(kind="Planungsraum"):
        assert shape(a.boundary).covers(Point(a.centroid_lon, a.centroid_lat)), a.code
    planungsraeume = Area.objects.filter(code_system=SYSTEM, kind="Planungsraum")
    layer = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}
            for code, name, geometry in planungsraeume.values_list(
                "code", "name", "boundary_simplified"
            )
        ],
    }
    assert len(layer["features"]) == 542
    assert len(json.dumps(layer).encode()) <= 1.5 * 1024 * 1024
    griesinger = area("05100206")
    assert griesinger.source.startswith("Geoportal Berlin")
    assert griesinger.valid_from == date(2021, 1, 1)


@pytest.mark.django_db
def test_a_second_import_updates_instead_of_duplicating(berlin):
    original = PLR_FILE.read_bytes()
    renamed = original.replace("Griesingerstraße".encode(), b"Griesinger", 1)
    assert renamed != original
    report = import_berlin(source=renamed, parent_table=None, levels=None, root=None)
    assert report.ok, report.errors
    assert report.counts[("areas", "updated")] == 542
    assert area("05100206").kind == "Planungsraum"  # no kind given: the kind stays
    assert not any(action == "created" for _kind, action in report.counts)
    assert Area.objects.filter(code_system=SYSTEM).count() == 542 + 143 + 58 + 12 + 1
    griesinger = area("05100206")
    assert griesinger.name == "Griesinger"
    assert griesinger.parent.code == "051002"  # without a table the hierarchy stays


@pytest.mark.django_db
def test_a_dry_run_counts_but_writes_nothing(berlin):
    report = import_berlin(dry_run=True, source_note="anders")
    assert report.ok
    assert report.counts[("Bezirk", "updated")] == 12
    assert area("05").source.startswith("Geoportal Berlin")
    assert report.preview[0].code == "0" and report.preview[0].action == "updated"


# --- Hamburg -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_hamburg_stadtteile_with_their_bezirke_from_an_xlsx_table():
    report = importer.import_areas(
        source=HAMBURG.read_bytes(),
        filename=HAMBURG.name,
        system="hamburg-stadtteile",
        code_prop="id",
        name_prop="name",
        parent_table=hamburg_hierarchy(),
        parent_filename="hierarchie.xlsx",
        levels=HAMBURG_LEVELS,
        root=importer.Root("02000000", "Hamburg", "Stadt"),
    )
    assert report.ok, report.errors
    assert report.counts[("Stadtteil", "created")] == 104
    assert report.counts[("Bezirk", "created")] == 7
    altstadt = Area.objects.get(code_system="hamburg-stadtteile", code="0101")
    assert altstadt.name == "Hamburg-Altstadt" and altstadt.kind == "Stadtteil"
    assert [a.name for a in altstadt.ancestors()] == ["Hamburg-Mitte", "Hamburg"]
    # The Bezirke made from the Stadtteile match the official Bezirk file – except that the
    # Bezirk file leaves out the island Neuwerk in the North Sea, part of Hamburg-Mitte.
    official = {
        f.properties["id"]: geo.area_m2(f.geometry)
        for f in geo.read_feature_collection(HAMBURG_BEZIRKE, polygons=True).features
    }
    neuwerk = Area.objects.get(code_system="hamburg-stadtteile", name="Neuwerk")
    official["01"] += geo.area_m2(shape(neuwerk.boundary))
    for bezirk in Area.objects.filter(code_system="hamburg-stadtteile", kind="Bezirk"):
        made = geo.area_m2(shape(bezirk.boundary))
        assert made == pytest.approx(official[bezirk.code], rel=0.01), bezirk.name


@pytest.mark.django_db
def test_numeric_codes_are_padded_only_when_asked():
    data = json.loads(HAMBURG.read_bytes())
    data["features"] = data["features"][:3]
    for feature in data["features"]:
        feature["properties"]["id"] = int(feature["properties"]["id"])  # 0101 → 101
    raw = json.dumps(data).encode()
    options = {"filename": "hh.geojson", "code_prop": "id", "name_prop": "name"}
    plain = importer.import_areas(source=raw, system="hh-plain", **options)
    assert any("leading zeros" in w or "führende" in w.lower() for w in plain.warnings)
    assert set(Area.objects.filter(code_system="hh-plain").values_list("code", flat=True)) == {
        "101",
        "102",
        "103",
    }
    importer.import_areas(source=raw, system="hh-padded", pad_codes=4, **options)
    assert set(Area.objects.filter(code_system="hh-padded").values_list("code", flat=True)) == {
        "0101",
        "0102",
        "0103",
    }


# --- bad files write nothing -------------------------------------------------------------------


def _small_collection(*codes: str | None) -> bytes:
    features = []
    for index, code in enumerate(codes):
        x = 13.0 + index * 0.01
        ring = [[x, 52.0], [x + 0.01, 52.0], [x + 0.01, 52.01], [x, 52.01], [x, 52.0]]
        properties = {"name": f"Gebiet {index}"} | ({"code": code} if code is not None else {})
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _import_small(source: bytes, **options) -> importer.AreaImportReport:
    arguments = {
        "source": source,
        "filename": "test.geojson",
        "system": "test",
        "code_prop": "code",
        "name_prop": "name",
    }
    return importer.import_areas(**(arguments | options))


TWO_LEVELS = [importer.Level("Quartier", "Quartier"), importer.Level("Bezirk", "Bezirk", "Name")]


@pytest.mark.django_db
def test_a_file_that_is_no_featurecollection_is_refused():
    report = _import_small(b'{"type": "Feature", "properties": {}, "geometry": null}')
    assert not report.ok and report.errors[0].row is None
    assert "FeatureCollection" in report.errors[0].message
    assert not Area.objects.filter(code_system="test").exists()


@pytest.mark.django_db
def test_a_missing_code_property_is_named_with_the_properties_found():
    report = _import_small(_small_collection("1", "2"), code_prop="CODE")
    assert not report.ok
    assert "CODE" in report.errors[0].message and "name, code" in report.errors[0].message


@pytest.mark.django_db
def test_features_without_code_and_duplicate_codes_are_row_errors():
    report = _import_small(_small_collection("1", None, "1", "3"))
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (2, "code", ""),
        (3, "code", "1"),
    ]
    assert "1" in report.errors[1].message  # names the feature that has the code already
    assert not Area.objects.filter(code_system="test").exists()


@pytest.mark.django_db
def test_a_code_with_two_parents_in_the_table_is_refused():
    table = "Quartier;Bezirk;Name\n1;A;Nord\n2;A;Nord\n1;B;Süd\n".encode()
    report = _import_small(
        _small_collection("1", "2"), parent_table=table, parent_filename="h.csv", levels=TWO_LEVELS
    )
    assert [(e.row, e.column, e.value) for e in report.errors] == [(4, "Bezirk", "B")]
    assert "A" in report.errors[0].message and "2" in report.errors[0].message
    assert not Area.objects.filter(code_system="test").exists()


@pytest.mark.django_db
def test_unknown_codes_in_the_table_and_missing_columns_are_refused():
    table = b"Quartier;Bezirk;Name\n1;A;Nord\n9;A;Nord\n"
    report = _import_small(
        _small_collection("1", "2"), parent_table=table, parent_filename="h.csv", levels=TWO_LEVELS
    )
    assert [(e.row, e.column, e.value) for e in report.errors] == [(3, "Quartier", "9")]
    assert any("2" in w for w in report.warnings)  # area 2 is not in the table
    wrong = [importer.Level("Quartier", "Nummer"), importer.Level("Bezirk", "Bezirk")]
    report = _import_small(
        _small_collection("1"), parent_table=table, parent_filename="h.csv", levels=wrong
    )
    assert "Nummer" in report.errors[0].message and "Quartier" in report.errors[0].message
    assert not Area.objects.filter(code_system="test").exists()


@pytest.mark.django_db
def test_a_good_small_hierarchy_with_a_derived_level():
    table = "Quartier;Name\n1101;Nord\n1102;Nord\n1201;Süd\n".encode()
    levels = [
        importer.Level("Quartier", "Quartier", "Name"),
        importer.Level("Bezirk", None, None, code_from_prefix=2),
    ]
    report = _import_small(
        _small_collection("1101", "1102", "1201"),
        parent_table=table,
        parent_filename="h.csv",
        levels=levels,
    )
    assert report.ok, report.errors
    assert Area.objects.get(code_system="test", code="1101").parent.code == "11"
    assert Area.objects.get(code_system="test", code="12").children.count() == 1
    assert Area.objects.get(code_system="test", code="1102").name == "Nord"  # from the table


def test_levels_and_roots_are_parsed_from_text():
    assert importer.parse_level("Bezirk:prefix:2:Bezirk") == importer.Level(
        "Bezirk", None, "Bezirk", code_from_prefix=2
    )
    assert importer.parse_level("BZR:Bezirksregion (Nummer):Bezirksregion (Name)") == (
        importer.Level("BZR", "Bezirksregion (Nummer)", "Bezirksregion (Name)")
    )
    assert importer.parse_root("0:Berlin:Stadt") == importer.Root("0", "Berlin", "Stadt")
    for text in ("Bezirk", "Bezirk:prefix:x", "Bezirk::Name"):
        with pytest.raises(ValueError):
            importer.parse_level(text)
    with pytest.raises(ValueError):
        importer.parse_root("0")


# --- the command -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_imports_hamburg_and_exits_1_on_errors(tmp_path, capsys):
    call_command(
        "import-areas",
        str(HAMBURG),
        "--system",
        "hamburg-stadtteile",
        "--code-prop",
        "id",
        "--name-prop",
        "name",
        "--kind",
        "Stadtteil",
        "--root",
        "02000000:Hamburg:Stadt",
        "--source",
        "LGV Hamburg, dl-de-by-2.0",
    )
    assert "104" in capsys.readouterr().out
    assert Area.objects.get(code_system="hamburg-stadtteile", code="0101").parent.name == "Hamburg"
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(_small_collection("1", "1"))
    with pytest.raises(CommandError) as raised:
        call_command(
            "import-areas", str(bad), "--system", "t", "--code-prop", "code", "--name-prop", "name"
        )
    assert raised.value.returncode == 1
    assert "Zeile 2" in capsys.readouterr().err or "Row 2" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_command_with_the_berlin_preset_checks_the_hierarchy(capsys):
    call_command(
        "import-areas",
        str(PLR_FILE),
        "--preset",
        "berlin-lor",
        "--system",
        "berlin-probe",
        "--parent-csv",
        str(HIERARCHY),
        "--dry-run",
    )
    out = capsys.readouterr().out
    assert "542" in out and "143" in out and "58" in out
    assert not Area.objects.filter(code_system="berlin-probe").exists()


def test_the_command_refuses_a_malformed_level():
    with pytest.raises(CommandError, match="--level"):
        call_command(
            "import-areas",
            str(PLR_FILE),
            "--preset",
            "berlin-lor",
            "--parent-csv",
            str(HIERARCHY),
            "--level",
            "Bezirk",
        )


# --- areas for activities and actors -----------------------------------------------------------


@pytest.mark.django_db
def test_kitas_as_activities_get_their_planungsraum(berlin, projekt, kitas):
    spandau = area("05")
    ProjectArea.objects.create(project=projekt, area=spandau)
    in_spandau = [f for f in kitas.features if f.properties["e_bez_nr"] == "05"]
    elsewhere = next(f for f in kitas.features if f.properties["e_bez_nr"] == "01")
    activities = [
        Activity(
            project=projekt,
            title=f.properties["e_name"][:200],
            external_id=f.properties["e_nr"],
            start=date(2022, 1, 1),
            share_i=100,
            latitude=f.geometry.y,
            longitude=f.geometry.x,
        )
        for f in [*in_spandau, elsewhere]
    ]
    Activity.objects.bulk_create(activities)
    first, second = in_spandau[0].geometry, in_spandau[1].geometry
    locked = make_activity(
        projekt,
        "Von Hand",
        fields="N",
        latitude=first.y,
        longitude=first.x,
        area=spandau,
        area_locked=True,
    )
    actor = Actor.objects.create(
        project=projekt, name="Kitaträger", latitude=second.y, longitude=second.x
    )

    changed = locate.assign_areas(project=projekt)

    assert changed == len(in_spandau) + 1  # the Kitas and the actor
    plr = {
        a.code: shape(a.boundary)
        for a in Area.objects.filter(code_system=SYSTEM, code__startswith="05", kind="Planungsraum")
    }
    placed = {
        a.external_id: a for a in Activity.objects.filter(project=projekt).select_related("area")
    }
    for feature in in_spandau:
        activity = placed[feature.properties["e_nr"]]
        assert activity.area.kind == "Planungsraum"
        assert plr[activity.area.code].covers(feature.geometry), activity.title
    assert placed[elsewhere.properties["e_nr"]].area is None
    locked.refresh_from_db()
    assert locked.area == spandau  # chosen by hand, kept
    actor.refresh_from_db()
    assert actor.area.code.startswith("05") and actor.area.kind == "Planungsraum"
    assert locate.assign_areas(project=projekt) == 0  # nothing left to change


@pytest.mark.django_db
def test_one_record_is_placed_right_after_saving(berlin, projekt):
    ProjectArea.objects.create(project=projekt, area=area("051002"))
    griesinger = shape(area("05100206").boundary).representative_point()
    activity = make_activity(projekt, fields="N", latitude=griesinger.y, longitude=griesinger.x)
    assert locate.assign_area(activity) is True
    assert Activity.objects.get(pk=activity.pk).area.code == "05100206"
    activity.latitude, activity.longitude = 52.52, 13.40  # moved to Mitte, outside the project
    assert locate.assign_area(activity) is True
    assert Activity.objects.get(pk=activity.pk).area is None
    ProjectArea.objects.create(project=projekt, area=area("0"))  # now the whole city
    assert locate.assign_area(activity) is True
    placed = Activity.objects.get(pk=activity.pk).area
    assert placed.kind == "Planungsraum" and placed.code.startswith("01")
    assert shape(placed.boundary).covers(Point(13.40, 52.52))


@pytest.mark.django_db
def test_a_project_without_areas_keeps_what_it_has(berlin, projekt):
    activity = make_activity(projekt, fields="N", latitude=52.52, longitude=13.40, area=area("01"))
    assert locate.assign_areas(project=projekt) == 0
    assert locate.assign_area(activity) is False
    activity.refresh_from_db()
    assert activity.area.code == "01"
    candidates = [area("01100101"), area("01")]  # Alexanderplatz lies in Mitte, not in 01100101
    assert locate.assign_areas(project=projekt, candidates=candidates) == 0
    activity.refresh_from_db()
    assert activity.area.code == "01"


# --- the page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_page_needs_the_reference_data_permission(client_for, koordinatorin):
    url = reverse("areas:import")
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "anmelden" in anonymous["Location"]
    assert client_for(koordinatorin).get(url).status_code == 403
    assert client_for(koordinatorin).post(reverse("areas:import_confirm")).status_code == 403


@pytest.mark.django_db
def test_staff_import_hamburg_in_two_steps(client_for):
    staff = make_user("sozialplanerin", is_staff=True)
    client = client_for(staff)
    assert client.get(reverse("areas:import")).status_code == 200
    with HAMBURG.open("rb") as upload:
        preview = client.post(
            reverse("areas:import"),
            {
                "file": upload,
                "system": "hamburg-stadtteile",
                "code_prop": "id",
                "name_prop": "name",
                "kind": "Stadtteil",
                "root": "02000000:Hamburg:Stadt",
            },
        )
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "104" in page and "Hamburg-Altstadt" in page and "district_name" in page
    assert not Area.objects.filter(code_system="hamburg-stadtteile").exists()
    done = client.post(reverse("areas:import_confirm"))
    assert done.status_code == 302 and done["Location"] == reverse("areas:list")
    assert Area.objects.filter(code_system="hamburg-stadtteile").count() == 105
    assert client.post(reverse("areas:import_confirm")).status_code == 302  # file is gone


@pytest.mark.django_db
def test_the_page_shows_row_errors_and_offers_no_import(client_for):
    client = client_for(make_user("sozialplanerin", is_staff=True))
    upload = io.BytesIO(_small_collection("1", "1"))
    upload.name = "doppelt.geojson"
    response = client.post(
        reverse("areas:import"),
        {"file": upload, "system": "test", "code_prop": "code", "name_prop": "name"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("areas:import_confirm") not in page
    assert "doppelt.geojson" in page
