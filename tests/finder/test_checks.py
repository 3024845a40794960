"""The team's checks page: which offers are due, and "Angaben sind aktuell"."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quartierskompass.activities.models import Activity
from quartierskompass.activities.services import EditConflict, update_activity
from quartierskompass.core.models import ChangeLog
from quartierskompass.finder.offers import CheckStatus, add_months, check_status
from quartierskompass.finder.services import mark_verified
from tests.factories import make_activity

TODAY = date(2026, 3, 15)


def offer(project, title: str = "Sozialberatung", *, checked: date | None, **values) -> Activity:
    return make_activity(project, title, fields="I", published=True, verified_at=checked, **values)


def checks_url(project) -> str:
    return reverse("finder:checks", args=[project.slug])


def verify_url(project, activity) -> str:
    return reverse("finder:verify", args=[project.slug, activity.pk])


class TestCheckStatus:
    """Review after 12 months, hide after 18 (the defaults), on 15 March 2026."""

    @pytest.mark.parametrize(
        ("checked", "values", "expected"),
        [
            (date(2026, 3, 15), {}, CheckStatus.CURRENT),
            (date(2025, 3, 15), {}, CheckStatus.CURRENT),  # exactly 12 months
            (date(2025, 3, 14), {}, CheckStatus.REVIEW),
            (date(2024, 9, 15), {}, CheckStatus.REVIEW),  # exactly 18 months: still shown
            (date(2024, 9, 14), {}, CheckStatus.HIDDEN),
            (None, {}, CheckStatus.HIDDEN),
            (date(2026, 3, 1), {"public_hidden": True}, CheckStatus.INTERNAL),
            (None, {"public_hidden": True}, CheckStatus.INTERNAL),
            (date(2026, 3, 1), {"status": "planned"}, CheckStatus.INACTIVE),
            (date(2026, 3, 1), {"status": "ended"}, CheckStatus.INACTIVE),
            (date(2026, 3, 1), {"end": date(2026, 3, 14)}, CheckStatus.INACTIVE),
            (date(2026, 3, 1), {"end": date(2026, 3, 15)}, CheckStatus.CURRENT),
        ],
    )
    def test_status_on_hand_made_dates(self, projekt, checked, values, expected):
        activity = Activity(project=projekt, published=True, verified_at=checked, **values)
        assert check_status(activity, projekt, TODAY) == expected

    def test_the_project_sets_the_months(self, projekt):
        projekt.review_after_months, projekt.hide_after_months = 3, 6
        activity = Activity(project=projekt, published=True, status="active")
        expected = {
            date(2025, 12, 15): CheckStatus.CURRENT,
            date(2025, 12, 14): CheckStatus.REVIEW,
            date(2025, 9, 15): CheckStatus.REVIEW,
            date(2025, 9, 14): CheckStatus.HIDDEN,
        }
        for checked, status in expected.items():
            activity.verified_at = checked
            assert check_status(activity, projekt, TODAY) == status, checked


class TestChecksPage:
    def test_offers_are_grouped_by_status(self, client_for, projekt, ehrenamtlicher):
        today = timezone.localdate()
        offer(projekt, "Aktuell", checked=today)
        offer(projekt, "Fällig", checked=add_months(today, -14))
        offer(projekt, "Nie geprüft", checked=None)
        offer(projekt, "Intern", checked=today, public_hidden=True)
        offer(projekt, "Geplant", checked=today, status="planned")
        make_activity(projekt, "Keine öffentliche Aktivität", fields="S")
        response = client_for(ehrenamtlicher).get(checks_url(projekt))
        assert response.status_code == 200
        groups = {g.status: [a.title for a in g.items] for g in response.context["groups"]}
        assert groups[CheckStatus.CURRENT] == ["Aktuell"]
        assert groups[CheckStatus.REVIEW] == ["Fällig"]
        assert groups[CheckStatus.HIDDEN] == ["Nie geprüft"]
        assert groups[CheckStatus.INTERNAL] == ["Intern"]
        assert groups[CheckStatus.INACTIVE] == ["Geplant"]
        assert response.context["total"] == 5
        assert "Keine öffentliche Aktivität" not in response.content.decode()

    def test_a_viewer_sees_no_check_button(self, client_for, projekt, ehrenamtlicher):
        activity = offer(projekt, checked=None)
        html = client_for(ehrenamtlicher).get(checks_url(projekt)).content.decode()
        assert verify_url(projekt, activity) not in html
        assert reverse("accounts:project_edit", args=[projekt.slug]) not in html

    def test_an_editor_sees_the_button_and_the_public_address(
        self, client_for, projekt, mitarbeiter
    ):
        projekt.wegweiser_enabled = True
        projekt.save()
        activity = offer(projekt, checked=None)
        html = client_for(mitarbeiter).get(checks_url(projekt)).content.decode()
        assert verify_url(projekt, activity) in html
        assert "http://testserver/wegweiser/nordstadt/" in html
        assert reverse("accounts:project_edit", args=[projekt.slug]) not in html

    def test_owners_get_a_link_to_the_wegweiser_settings(self, client_for, projekt, koordinatorin):
        html = client_for(koordinatorin).get(checks_url(projekt)).content.decode()
        assert reverse("accounts:project_edit", args=[projekt.slug]) in html

    def test_the_query_count_does_not_grow_with_the_offers(self, client_for, projekt, mitarbeiter):
        client = client_for(mitarbeiter)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(checks_url(projekt)).status_code == 200
            return len(captured)

        for number in range(20):
            activity = offer(projekt, f"Angebot {number}", checked=None)
            if number == 2:
                few = queries()
            mark_verified(activity=activity, user=mitarbeiter)
        # session, user, project, role, offers (with who checked), navigation, session save
        assert queries() == few <= 9


class TestVerify:
    def test_an_editor_marks_the_details_as_current(self, client_for, projekt, mitarbeiter):
        activity = offer(projekt, checked=date(2020, 1, 1))
        response = client_for(mitarbeiter).post(verify_url(projekt, activity))
        assert response.status_code == 302
        assert response["Location"] == f"{checks_url(projekt)}#offer-{activity.pk}"
        activity.refresh_from_db()
        assert activity.verified_at == timezone.localdate()
        assert activity.verified_by == mitarbeiter
        assert activity.version == 2
        assert activity.updated_by == mitarbeiter
        log = ChangeLog.objects.get(object_id=activity.pk)
        assert log.action == ChangeLog.Action.UPDATE
        assert log.user == mitarbeiter
        assert log.changes["verified_at"] == ["2020-01-01", str(timezone.localdate())]
        assert log.changes["verified_by"] == ["", str(mitarbeiter)]

    def test_a_viewer_is_refused(self, client_for, projekt, ehrenamtlicher):
        activity = offer(projekt, checked=None)
        assert client_for(ehrenamtlicher).post(verify_url(projekt, activity)).status_code == 403
        activity.refresh_from_db()
        assert activity.verified_at is None and activity.version == 1
        assert not ChangeLog.objects.exists()

    def test_another_project_learns_nothing(self, client_for, projekt, fremde_person):
        activity = offer(projekt, checked=None)
        assert client_for(fremde_person).post(verify_url(projekt, activity)).status_code == 404
        own = fremde_person.memberships.get().project
        assert client_for(fremde_person).post(verify_url(own, activity)).status_code == 404
        activity.refresh_from_db()
        assert activity.verified_at is None

    def test_anonymous_is_sent_to_login(self, client_for, projekt):
        activity = offer(projekt, checked=None)
        response = client_for(None).post(verify_url(projekt, activity))
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_only_post_and_not_in_the_trash(self, client_for, projekt, mitarbeiter):
        activity = offer(projekt, checked=None)
        client = client_for(mitarbeiter)
        assert client.get(verify_url(projekt, activity)).status_code == 405
        activity.move_to_trash()
        assert client.post(verify_url(projekt, activity)).status_code == 404

    def test_a_check_counts_as_an_edit_for_open_forms(self, projekt, mitarbeiter, koordinatorin):
        activity = offer(projekt, checked=None)
        opened_version = activity.version
        mark_verified(activity=activity, user=koordinatorin, today=TODAY)
        with pytest.raises(EditConflict):
            update_activity(
                activity=activity,
                user=mitarbeiter,
                data={"title": "Umbenannt"},
                related={},
                expected_version=opened_version,
            )
        assert Activity.objects.get().verified_at == TODAY
