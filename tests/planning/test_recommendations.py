"""Every recommendation rule pinned with a scenario where it fires – with the numbers that
triggered it – and one where it does not; then ordering, fingerprints and decisions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from quartierskompass.activities.models import Need
from quartierskompass.core.models import ChangeLog
from quartierskompass.planning import decisions
from quartierskompass.planning.models import Finding, Goal, Method, ProjectNeed
from quartierskompass.planning.models import RecommendationDecision as Decision
from quartierskompass.planning.recommendations import (
    BUSY_SHARE,
    FEW_BRIDGES_SHARE,
    ONE_LEVEL_SHARE,
    PRIORITY,
    RULES,
)

from .recommendation_data import (
    TODAY,
    YEAR,
    activities,
    actor,
    recs,
    search,
    tie,
    workshop,
)


def only(found: list):
    assert len(found) == 1, [r.fingerprint for r in found]
    return found[0]


class TestWeakField:
    def test_a_field_below_the_threshold_is_named_with_its_share(self, projekt):
        activities(projekt, N=8, I=8, O=3, S=1)
        rec = only(recs(projekt, "weak-field"))
        assert (rec.subject, rec.fields, rec.fingerprint) == ("S", ["S"], f"weak-field.S.{YEAR}")
        assert rec.evidence == {
            "field": "S",
            "share": pytest.approx(0.05),
            "threshold": 0.10,
            "cell": 1.0,
            "activities": 20,
        }
        assert [w["code"] for w in rec.as_json()["work_forms"]] == [
            "s-analyse",
            "s-planung",
            "s-konzept",
        ]
        assert [m["code"] for m in rec.as_json()["methods"]] == ["stadtteilbegehung"]
        assert "5 %" in rec.text and "10 %" in rec.text

    def test_one_recommendation_per_weak_field(self, projekt):
        activities(projekt, N=10)
        assert [r.subject for r in recs(projekt, "weak-field")] == ["S", "O", "I"]

    def test_exactly_at_the_threshold_is_not_weak(self, projekt):
        activities(projekt, N=8, I=8, O=2, S=2)
        assert recs(projekt, "weak-field") == []

    def test_the_project_s_own_threshold_counts(self, projekt):
        projekt.weak_threshold = 4
        projekt.save()
        activities(projekt, N=8, I=8, O=3, S=1)
        assert recs(projekt, "weak-field") == []

    def test_no_activities_give_no_matrix_recommendations(self, projekt):
        assert recs(projekt) == []


class TestOneLevel:
    def test_nine_of_ten_in_the_lifeworld_is_one_level(self, projekt):
        activities(projekt, N=9, S=1)
        rec = only(recs(projekt, "one-level"))
        assert rec.subject == "lebenswelt" and rec.fields == ["S", "O"]
        assert rec.evidence == {
            "level": "lebenswelt",
            "share": pytest.approx(0.9),
            "threshold": ONE_LEVEL_SHARE,
            "activities": 10,
        }
        assert "s-konzept" in rec.work_forms

    def test_all_on_the_system_level_asks_for_the_lifeworld(self, projekt):
        activities(projekt, O=6)
        rec = only(recs(projekt, "one-level"))
        assert rec.subject == "system" and rec.fields == ["N", "I"]
        assert rec.evidence["share"] == pytest.approx(1.0)

    def test_eight_of_ten_is_not_one_level(self, projekt):
        activities(projekt, N=8, S=2)
        assert recs(projekt, "one-level") == []


class TestFewBridges:
    def test_no_bridge_among_ten_activities(self, projekt):
        activities(projekt, N=5, S=5)
        rec = only(recs(projekt, "few-bridges"))
        assert rec.evidence == {
            "bridges": 0,
            "activities": 10,
            "share": 0.0,
            "threshold": FEW_BRIDGES_SHARE,
        }

    def test_one_bridge_among_eleven_is_too_few(self, projekt):
        activities(projekt, N=8, I=2, SN=1)
        rec = only(recs(projekt, "few-bridges"))
        assert (rec.evidence["bridges"], rec.evidence["activities"]) == (1, 11)
        assert rec.fields == ["S", "O"]  # the weaker level

    def test_one_bridge_among_ten_is_enough(self, projekt):
        activities(projekt, N=9, SN=1)
        assert recs(projekt, "few-bridges") == []

    def test_not_with_fewer_than_five_activities(self, projekt):
        activities(projekt, N=2, S=2)
        assert recs(projekt, "few-bridges") == []


class TestNoSystemTie:
    def test_an_office_in_the_list_without_a_tie(self, projekt):
        gemeinde, verein = actor(projekt, "Gemeinde", "kirchengemeinde"), actor(projekt, "Verein")
        tie(projekt, gemeinde, verein)
        actor(projekt, "Jugendamt", "amt-jugend")
        rec = only(recs(projekt, "no-system-tie"))
        assert rec.evidence == {
            "system_actors": 1,
            "system_actors_tied": 0,
            "actors": 3,
            "ties": 1,
        }
        assert rec.fields == ["S", "O"] and rec.fingerprint == f"no-system-tie.network.{YEAR}"

    def test_no_office_and_no_committee_at_all(self, projekt):
        tie(projekt, actor(projekt, "Gemeinde"), actor(projekt, "Verein"))
        rec = only(recs(projekt, "no-system-tie"))
        assert (rec.evidence["system_actors"], rec.evidence["actors"]) == (0, 2)

    def test_a_tie_to_a_committee_is_enough(self, projekt):
        tie(projekt, actor(projekt, "Gemeinde"), actor(projekt, "Ausschuss", "politik"))
        assert recs(projekt, "no-system-tie") == []

    def test_not_before_any_actor_is_entered(self, projekt):
        assert recs(projekt, "no-system-tie") == []


class TestOneBroker:
    def test_a_star_hangs_on_its_centre(self, projekt):
        centre = actor(projekt, "Caritas-Beratung")
        for n in range(6):
            tie(projekt, centre, actor(projekt, f"Partner {n}"))
        rec = only(recs(projekt, "one-broker"))
        assert rec.evidence == {"actor": centre.pk, "cut_off": 5, "actors": 7}
        assert rec.subject == f"actor-{centre.pk}" and "Caritas-Beratung" in rec.title

    def test_a_ring_has_no_broker(self, projekt):
        ring = [actor(projekt, f"Partner {n}") for n in range(7)]
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            tie(projekt, a, b)
        assert recs(projekt, "one-broker") == []


class TestNeedGap:
    def test_unmet_searches_and_no_activity(self, projekt):
        search(projekt, "sucht", times=2)
        rec = only(recs(projekt, "need-gap"))
        assert rec.subject == "sucht" and rec.fingerprint == f"need-gap.sucht.{YEAR}"
        assert rec.evidence == {
            "need": "sucht",
            "activities": 0,
            "indicators": 0,
            "unmet_searches": 2,
            "searches": 2,
            "findings": 0,
            "register": 0,
        }
        assert rec.goal == {"need": Need.objects.get(code="sucht")}
        # Two searches are shown as “< 3” only (DESIGN §6), the exact count stays in evidence.
        assert [(f.kind, f.value) for f in rec.facts] == [("num", 0), ("small", 2)]
        assert rec.facts[1].display() == "< 3"

    def test_a_finding_is_evidence_too(self, projekt):
        Finding.objects.create(
            project=projekt,
            method=Method.objects.get(code="stadtteilbegehung"),
            date=TODAY,
            need=Need.objects.get(code="jugend"),
            text="Kein Treffpunkt für Jugendliche am Abend",
        )
        rec = only(recs(projekt, "need-gap"))
        assert (rec.subject, rec.evidence["findings"]) == ("jugend", 1)

    def test_not_when_an_activity_addresses_the_need(self, projekt):
        search(projekt, "sucht", times=2)
        activities(projekt, I=1, needs=("sucht",))
        assert recs(projekt, "need-gap") == []

    def test_not_when_the_team_dismissed_the_need(self, projekt):
        search(projekt, "sucht", times=2)
        ProjectNeed.objects.create(
            project=projekt, need=Need.objects.get(code="sucht"), status="dismissed"
        )
        assert recs(projekt, "need-gap") == []

    def test_a_need_without_evidence_is_no_gap(self, projekt):
        activities(projekt, N=3)
        assert recs(projekt, "need-gap") == []


class TestUnmetSearches:
    def test_three_unmet_searches_for_a_need_with_activities(self, projekt):
        activities(projekt, O=1, needs=("wohnen",))
        search(projekt, "wohnen", times=3)
        search(projekt, "wohnen", results=4)
        rec = only(recs(projekt, "unmet-searches"))
        assert rec.evidence["unmet_searches"] == 3
        assert rec.evidence["searches"] == 4
        assert rec.evidence["activities"] == 1
        assert rec.evidence["days"] == 365
        assert "3" in rec.text and "4" in rec.text

    def test_two_are_not_enough(self, projekt):
        activities(projekt, O=1, needs=("wohnen",))
        search(projekt, "wohnen", times=2)
        assert recs(projekt, "unmet-searches") == []

    def test_searches_older_than_a_year_do_not_count(self, projekt):
        activities(projekt, O=1, needs=("wohnen",))
        search(projekt, "wohnen", times=3, day=TODAY - timedelta(days=400))
        assert recs(projekt, "unmet-searches") == []

    def test_without_any_activity_the_gap_speaks_instead(self, projekt):
        search(projekt, "wohnen", times=5)
        assert recs(projekt, "unmet-searches") == []
        assert only(recs(projekt, "need-gap")).evidence["unmet_searches"] == 5


class TestRatedStrongEmpty:
    def test_rated_three_but_five_percent_in_the_data(self, projekt):
        activities(projekt, N=8, I=8, O=3, S=1)
        made = workshop(projekt, {"S": 3, "O": 2, "N": 2, "I": 2})
        rec = only(recs(projekt, "rated-strong-empty"))
        assert rec.evidence == {
            "field": "S",
            "rating": 3,
            "share": pytest.approx(0.05),
            "threshold": 0.10,
            "workshop": made.pk,
            "workshop_date": "2025-03-01",
        }
        assert rec.fingerprint == f"rated-strong-empty.S-workshop-{made.pk}.{YEAR}"
        # The workshop rule says more about S than weak-field does: only one of them.
        assert recs(projekt, "weak-field") == []

    def test_not_when_rated_low(self, projekt):
        activities(projekt, N=8, I=8, O=3, S=1)
        workshop(projekt, {"S": 1})
        assert recs(projekt, "rated-strong-empty") == []
        assert [r.subject for r in recs(projekt, "weak-field")] == ["S"]

    def test_only_the_latest_finished_workshop_counts(self, projekt):
        activities(projekt, N=8, I=8, O=3, S=1)
        workshop(projekt, {"S": 3}, day=date(2024, 3, 1))
        workshop(projekt, {"S": 1}, day=date(2025, 3, 1))
        workshop(projekt, {"S": 3}, day=date(2025, 5, 1), finished=False)
        assert recs(projekt, "rated-strong-empty") == []


class TestRatedWeakBusy:
    def test_rated_one_but_forty_percent_in_the_data(self, projekt):
        activities(projekt, N=4, I=3, O=2, S=1)
        made = workshop(projekt, {"N": 1, "I": 2})
        rec = only(recs(projekt, "rated-weak-busy"))
        assert rec.evidence == {
            "field": "N",
            "rating": 1,
            "share": pytest.approx(0.4),
            "threshold": BUSY_SHARE,
            "workshop": made.pk,
            "workshop_date": "2025-03-01",
        }
        assert rec.fields == ["N"] and "n-gemeinwesen" in rec.work_forms

    def test_not_below_thirty_five_percent(self, projekt):
        activities(projekt, N=3, I=3, O=3, S=1)
        workshop(projekt, {"N": 0})
        assert recs(projekt, "rated-weak-busy") == []

    def test_not_when_rated_two(self, projekt):
        activities(projekt, N=4, I=3, O=2, S=1)
        workshop(projekt, {"N": 2})
        assert recs(projekt, "rated-weak-busy") == []


def test_every_rule_has_a_priority_and_the_most_important_come_first(projekt):
    assert {rule.__name__.replace("_", "-") for rule in RULES} == set(PRIORITY)
    activities(projekt, N=10)
    search(projekt, "sucht", times=2)
    actor(projekt, "Jugendamt", "amt-jugend")
    tie(projekt, actor(projekt, "Gemeinde"), actor(projekt, "Verein"))
    assert [r.rule for r in recs(projekt)] == [
        "no-system-tie",
        "need-gap",
        "weak-field",
        "weak-field",
        "weak-field",
        "one-level",
        "few-bridges",
    ]


def test_the_fingerprint_names_rule_subject_and_year(projekt):
    activities(projekt, N=8, I=8, O=3, S=1)
    assert recs(projekt, "weak-field", year=2024)[0].fingerprint == "weak-field.S.2024"


def test_the_json_has_the_documented_keys(projekt):
    activities(projekt, N=8, I=8, O=3, S=1)
    data = recs(projekt, "weak-field")[0].as_json()
    assert set(data) == {
        "rule",
        "fingerprint",
        "fields",
        "title",
        "text",
        "evidence",
        "work_forms",
        "methods",
    }
    assert data["work_forms"][0] == {
        "code": "s-analyse",
        "field": "S",
        "label": "Sozialraumanalyse (Bestand feststellen, Bedarf ermitteln)",
    }


class TestDecisions:
    FINGERPRINT = f"weak-field.S.{YEAR}"

    @pytest.fixture
    def weak_s(self, projekt):
        """Exactly one recommendation: S is weak (5 %); six bridges O+N."""
        activities(projekt, S=1, N=6, I=7, ON=6)
        assert [r.fingerprint for r in recs(projekt)] == [self.FINGERPRINT]

    def test_accepting_creates_a_prefilled_goal_and_logs_it(self, projekt, mitarbeiter, weak_s):
        goal = decisions.accept(project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT)
        assert (goal.fields, goal.recommendation, goal.created_by) == (
            ["S"],
            "weak-field",
            mitarbeiter,
        )
        assert goal.text == recs(projekt, "weak-field")[0].title
        decision = Decision.objects.get(project=projekt)
        assert (decision.decision, decision.goal, decision.rule) == ("accepted", goal, "weak-field")
        assert ChangeLog.objects.filter(object_type="planning.goal", object_id=goal.pk).exists()

    def test_a_need_gap_goal_names_the_need(self, projekt, mitarbeiter):
        search(projekt, "sucht", times=2, day=timezone.localdate())
        year = timezone.localdate().year
        fingerprint = f"need-gap.sucht.{year}"
        rec = decisions.find(projekt, fingerprint)
        goal = decisions.accept(project=projekt, user=mitarbeiter, fingerprint=fingerprint)
        assert goal.need.code == "sucht" and goal.fields == ["S", "O"]
        # The goal says what to reach, the title what was found.
        assert goal.text == rec.goal_text != rec.title and "Sucht" in goal.text

    def test_accepting_twice_gives_one_goal(self, projekt, mitarbeiter, weak_s):
        decisions.accept(project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT)
        with pytest.raises(decisions.DecisionError) as error:
            decisions.accept(project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT)
        assert error.value.code == "conflict"
        assert Goal.objects.count() == 1 and Decision.objects.count() == 1

    def test_two_clicks_at_the_same_moment_give_one_goal(
        self, projekt, mitarbeiter, weak_s, monkeypatch
    ):
        """Both requests pass the check before either has saved: the constraint decides."""
        decisions.accept(project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT)
        monkeypatch.setattr(decisions, "_refuse_accept", lambda project, fingerprint: None)
        with pytest.raises(decisions.DecisionError) as error:
            decisions.accept(project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT)
        assert error.value.code == "conflict"
        assert Goal.objects.count() == 1 and Decision.objects.count() == 1

    def test_dismissing_needs_a_reason(self, projekt, mitarbeiter, weak_s):
        for reason in ("", "   "):
            with pytest.raises(decisions.DecisionError) as error:
                decisions.dismiss(
                    project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT, reason=reason
                )
            assert error.value.code == "invalid"
        assert not Decision.objects.exists()

    def test_a_reason_with_control_characters_is_refused(self, projekt, mitarbeiter, weak_s):
        with pytest.raises(decisions.DecisionError):
            decisions.dismiss(
                project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT, reason="a\x00b"
            )
        assert not Decision.objects.exists()

    def test_a_dismissed_recommendation_cannot_be_accepted_until_shown_again(
        self, projekt, mitarbeiter, weak_s
    ):
        decisions.dismiss(
            project=projekt,
            user=mitarbeiter,
            fingerprint=self.FINGERPRINT,
            reason="Die Sozialplanung ist im Bezirk gerade neu besetzt.",
        )
        assert decisions.overview(projekt, year=YEAR).open == []
        with pytest.raises(decisions.DecisionError) as error:
            decisions.accept(project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT)
        assert error.value.code == "conflict"
        with pytest.raises(decisions.DecisionError):
            decisions.dismiss(
                project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT, reason="again"
            )
        assert not Goal.objects.exists()
        decisions.restore(project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT)
        assert [r.fingerprint for r in decisions.overview(projekt, year=YEAR).open] == [
            self.FINGERPRINT
        ]
        decisions.accept(project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT)
        assert Goal.objects.count() == 1

    def test_an_accepted_one_cannot_be_dismissed_or_restored(self, projekt, mitarbeiter, weak_s):
        decisions.accept(project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT)
        with pytest.raises(decisions.DecisionError):
            decisions.dismiss(
                project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT, reason="doch"
            )
        with pytest.raises(decisions.DecisionError):
            decisions.restore(project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT)
        assert Decision.objects.get().decision == "accepted"

    @pytest.mark.parametrize(
        "fingerprint",
        [f"weak-field.N.{YEAR}", f"need-gap.sucht.{YEAR}", "weak-field.S", "../../etc", ""],
    )
    def test_a_fingerprint_that_does_not_apply_changes_nothing(
        self, projekt, mitarbeiter, weak_s, fingerprint
    ):
        for call in (decisions.accept, decisions.dismiss):
            extra = {"reason": "passt nicht"} if call is decisions.dismiss else {}
            with pytest.raises(decisions.DecisionError) as error:
                call(project=projekt, user=mitarbeiter, fingerprint=fingerprint, **extra)
            assert error.value.code == "not_found"
        assert not Goal.objects.exists() and not Decision.objects.exists()

    def test_a_dismissal_holds_for_its_year_only(self, projekt, mitarbeiter, weak_s):
        decisions.dismiss(
            project=projekt, user=mitarbeiter, fingerprint=self.FINGERPRINT, reason="später"
        )
        assert decisions.overview(projekt, year=YEAR).open == []
        assert [r.fingerprint for r in decisions.overview(projekt, year=YEAR + 1).open] == [
            f"weak-field.S.{YEAR + 1}"
        ]

    def test_decisions_of_another_project_do_not_count(
        self, projekt, anderes_projekt, mitarbeiter, weak_s
    ):
        activities(anderes_projekt, S=1, N=6, I=7, ON=6)
        decisions.dismiss(
            project=anderes_projekt, user=None, fingerprint=self.FINGERPRINT, reason="dort nicht"
        )
        assert [r.fingerprint for r in decisions.overview(projekt, year=YEAR).open] == [
            self.FINGERPRINT
        ]
