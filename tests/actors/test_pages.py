from __future__ import annotations

from django.urls import reverse

from quartierskompass.actors.models import Actor, Tie, TieKind
from quartierskompass.core.models import ChangeLog
from tests.factories import make_activity


def url(name, project, *args):
    return reverse(f"actors:{name}", args=[project.slug, *args])


def test_create_edit_and_refuse_a_parent_cycle(client_for, projekt, mitarbeiter):
    client = client_for(mitarbeiter)
    client.post(url("create", projekt), {"name": "Träger e. V.", "tags_text": "Kita, Jugend"})
    traeger = Actor.objects.get()
    assert traeger.tags == ["Jugend", "Kita"]
    client.post(url("create", projekt), {"name": "Kita Sonne", "parent": traeger.pk})
    kita = Actor.objects.get(name="Kita Sonne")
    response = client.post(
        url("edit", projekt, traeger.pk), {"name": "Träger e. V.", "parent": kita.pk, "version": 1}
    )
    assert "nicht zu sich selbst" in response.content.decode()
    traeger.refresh_from_db()
    assert traeger.parent is None


def test_the_same_name_twice_is_refused(client_for, projekt, mitarbeiter):
    Actor.objects.create(project=projekt, name="Jugendamt")
    response = client_for(mitarbeiter).post(url("create", projekt), {"name": "jugendamt"})
    assert "gibt es schon" in response.content.decode() or "existiert" in (
        response.content.decode()
    )
    assert Actor.objects.count() == 1


def test_ties_from_the_actor_page(client_for, projekt, mitarbeiter):
    a = Actor.objects.create(project=projekt, name="Gemeinde")
    b = Actor.objects.create(project=projekt, name="Sozialamt")
    kind = TieKind.objects.get(code="finanzierung")
    client = client_for(mitarbeiter)
    client.post(
        url("tie_add", projekt, a.pk),
        {"other": b.pk, "kind": kind.pk, "strength": 3, "direction": "in"},
    )
    tie = Tie.objects.get()
    assert (tie.source, tie.target, tie.directed, tie.strength) == (b, a, True, 3)
    client.post(
        url("tie_add", projekt, a.pk),
        {"other": b.pk, "kind": kind.pk, "strength": 3, "direction": "in"},
    )
    assert Tie.objects.count() == 1  # the duplicate is refused
    html = client.get(url("detail", projekt, b.pk)).content.decode()
    assert "Gemeinde" in html and "Finanzierung" in html
    client.post(url("tie_delete", projekt, tie.pk), {"actor": a.pk})
    assert not Tie.objects.exists()


def test_strength_outside_1_to_3_and_self_ties_are_refused(client_for, projekt, mitarbeiter):
    a = Actor.objects.create(project=projekt, name="A")
    kind = TieKind.objects.get(code="kooperation")
    client = client_for(mitarbeiter)
    client.post(
        url("tie_add", projekt, a.pk),
        {"other": a.pk, "kind": kind.pk, "strength": 2, "direction": "both"},
    )
    b = Actor.objects.create(project=projekt, name="B")
    client.post(
        url("tie_add", projekt, a.pk),
        {"other": b.pk, "kind": kind.pk, "strength": 5, "direction": "both"},
    )
    assert not Tie.objects.exists()


def test_merge_moves_ties_activities_and_history(client_for, projekt, mitarbeiter):
    keep = Actor.objects.create(project=projekt, name="Diakonie Spandau")
    twin = Actor.objects.create(project=projekt, name="Diakonisches Werk", website="https://d.de")
    third = Actor.objects.create(project=projekt, name="Schule")
    coop = TieKind.objects.get(code="kooperation")
    Tie.objects.create(project=projekt, source=twin, target=third, kind=coop, strength=3)
    Tie.objects.create(project=projekt, source=keep, target=third, kind=coop, strength=1)
    Tie.objects.create(project=projekt, source=twin, target=keep, kind=coop)
    activity = make_activity(projekt, "Beratung", fields="I")
    activity.responsible = twin
    activity.save()
    activity.partners.add(twin)
    ChangeLog.record(obj=twin, action="create", user=mitarbeiter)
    client_for(mitarbeiter).post(url("merge", projekt, twin.pk), {"other": keep.pk})
    assert not Actor.objects.filter(pk=twin.pk).exists()
    only = Tie.objects.get()
    assert (only.source, only.target, only.strength) == (keep, third, 3)
    activity.refresh_from_db()
    assert activity.responsible == keep and list(activity.partners.all()) == [keep]
    keep.refresh_from_db()
    assert keep.website == "https://d.de"
    assert ChangeLog.objects.filter(object_type="actors.actor", object_id=keep.pk).count() == 2


def test_an_actor_in_activities_is_not_deleted(client_for, projekt, mitarbeiter):
    actor = Actor.objects.create(project=projekt, name="Träger")
    make_activity(projekt, "x", fields="N").__class__.objects.update(responsible=actor)
    client_for(mitarbeiter).post(url("delete", projekt, actor.pk))
    assert Actor.objects.filter(pk=actor.pk).exists()


def test_filters_and_hostile_names(client_for, projekt, ehrenamtlicher):
    hostile = "<script>alert(1)</script>"
    Actor.objects.create(project=projekt, name=hostile)
    Actor.objects.create(project=projekt, name="Allein")
    client = client_for(ehrenamtlicher)
    html = client.get(url("list", projekt)).content.decode()
    assert hostile not in html and "&lt;script&gt;" in html
    only = client.get(url("list", projekt), {"q": "allein"}).context["page"]
    assert [a.name for a in only] == ["Allein"]


def test_api_actors_ties_and_network(client, projekt, mitarbeiter, fremde_person):
    from quartierskompass.accounts.models import ApiToken

    _token, key = ApiToken.issue(user=mitarbeiter, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    base = f"/api/v1/projects/{projekt.slug}"
    a = client.post(
        f"{base}/actors",
        {"name": "Gemeinde", "type": "kirchengemeinde", "field": "N"},
        content_type="application/json",
        **headers,
    ).json()
    b = client.post(
        f"{base}/actors",
        {"name": "Sozialamt", "type": "amt-sozial"},
        content_type="application/json",
        **headers,
    ).json()
    tie = client.post(
        f"{base}/ties",
        {"source": a["id"], "target": b["id"], "strength": 3},
        content_type="application/json",
        **headers,
    )
    assert tie.status_code == 201
    self_tie = client.post(
        f"{base}/ties",
        {"source": a["id"], "target": a["id"]},
        content_type="application/json",
        **headers,
    )
    assert self_tie.status_code == 422
    data = client.get(f"{base}/network", **headers).json()
    assert data["metrics"]["actors"] == 2 and len(data["edges"]) == 1
    assert all(s["key"] != "no-system-ties" for s in data["signals"])
    _t, other_key = ApiToken.issue(user=fremde_person, name="t")
    assert (
        client.get(f"{base}/network", HTTP_AUTHORIZATION=f"Bearer {other_key}").status_code == 404
    )
