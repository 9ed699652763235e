"""The inbox, the alert page, acting on alerts, rule settings and DASH: who may do what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.risk.models import Alert, DashRecord, RuleSetting
from sightline.risk.services import dash_record_create
from sightline.testing import factories as f


@pytest.fixture
def alert(arrive, lily):  # type: ignore[no-untyped-def]
    for day in ("2023-01-10", "2023-02-10", "2023-03-10"):
        arrive("contact", day, (lily, "child"), outcome="nfa", referral_source="6")
    return Alert.objects.get(rule="contacts-without-assessment")


@pytest.fixture
def dram_coordinator(agencies):  # type: ignore[no-untyped-def]
    return f.user(agencies["police"], "dram_coordinator", "police_officer", username="dram.rowan")


@pytest.fixture
def admin_user(agencies):  # type: ignore[no-untyped-def]
    return f.user(None, "admin", "other", username="admin.yew")


# Who sees the alert in their inbox, and who may open it.
INBOX = [
    ("ifd_manager", True, 200),
    ("social_worker", False, 200),
    ("police_officer", False, 404),  # no relationship with the child
    ("outsider", False, 404),
]


@pytest.mark.parametrize(("persona", "in_inbox", "alert_status"), INBOX)
def test_the_inbox_shows_alerts_addressed_to_the_user(
    client, request, alert, persona, in_inbox, alert_status
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    html = client.get(reverse("risk:inbox")).content.decode()
    assert (reverse("risk:alert", args=[alert.pk]) in html) is in_inbox
    assert client.get(reverse("risk:alert", args=[alert.pk])).status_code == alert_status


def test_anonymous_visitors_are_sent_to_sign_in(client, alert):
    for url in (
        reverse("risk:inbox"),
        reverse("risk:alert", args=[alert.pk]),
        reverse("risk:rules"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"]


def test_unscheduled_care_has_no_inbox(client, unscheduled_care):
    client.force_login(unscheduled_care)
    assert client.get(reverse("risk:inbox")).status_code == 403


def test_the_alert_page_links_each_evidence_entry_to_the_chronology(client, ifd_manager, alert):
    client.force_login(ifd_manager)
    html = client.get(reverse("risk:alert", args=[alert.pk])).content.decode()
    person_url = reverse("chronology:person", args=[alert.person_id])
    assert html.count(f'href="{person_url}?date_from_day=') == 3
    assert "IFD manager review of the whole history" in html
    assert AuditEntry.objects.filter(action="alert.viewed").exists()


def test_the_alert_page_names_its_rule_in_words_not_by_its_code(client, ifd_manager, alert):
    from sightline.risk.catalogue import BY_CODE

    client.force_login(ifd_manager)
    html = client.get(reverse("risk:alert", args=[alert.pk])).content.decode()
    assert "<code>contacts-without-assessment</code>" not in html
    assert ">contacts-without-assessment" not in html
    assert BY_CODE["contacts-without-assessment"].name in html


def test_the_rule_catalogue_shows_rule_names_not_codes(client, partnership_officer):
    client.force_login(partnership_officer)
    for url in (
        reverse("risk:rules"),
        reverse("risk:rule-edit", args=["contacts-without-assessment"]),
    ):
        html = client.get(url).content.decode()
        assert ">contacts-without-assessment" not in html
        assert "<code>" not in html


def test_the_recipient_acknowledges_and_closes_by_post(client, ifd_manager, alert):
    client.force_login(ifd_manager)
    assert client.get(reverse("risk:acknowledge", args=[alert.pk])).status_code == 405
    client.post(reverse("risk:acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == ifd_manager
    response = client.post(reverse("risk:close", args=[alert.pk]), {"outcome": "action_taken"})
    assert response.status_code == 400 and "Enter a note" in response.content.decode()
    client.post(
        reverse("risk:close", args=[alert.pk]),
        {"outcome": "action_taken", "note": "Strategy discussion held."},
    )
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.note == "Strategy discussion held."


def test_closing_a_closed_alert_again_says_so_beside_a_missing_note(client, ifd_manager, alert):
    """Every error at once: the service's refusal (already closed, by someone else meanwhile)
    shows with the form's own missing note, on the first submission."""
    from sightline.risk.services import alert_close

    client.force_login(ifd_manager)
    alert_close(actor=ifd_manager, alert=alert, outcome="action_taken", note="Done elsewhere.")
    response = client.post(reverse("risk:close", args=[alert.pk]), {"outcome": "action_taken"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a note" in page and "This alert is already closed." in page
    alert.refresh_from_db()
    assert alert.note == "Done elsewhere."


def test_someone_the_alert_is_not_addressed_to_cannot_act_on_it(client, social_worker, alert):
    client.force_login(social_worker)
    assert client.post(reverse("risk:acknowledge", args=[alert.pk])).status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"


def test_the_alert_shows_on_the_childs_page(client, social_worker, alert):
    client.force_login(social_worker)
    html = client.get(reverse("chronology:person", args=[alert.person_id])).content.decode()
    assert 'id="alerts-heading"' in html
    assert reverse("risk:alert", args=[alert.pk]) in html


# Rule settings ------------------------------------------------------------------------------


def test_a_partnership_officer_changes_a_threshold_and_the_change_is_recorded(
    client, partnership_officer
):
    client.force_login(partnership_officer)
    url = reverse("risk:rule-edit", args=["contacts-without-assessment"])
    response = client.post(
        url, {"enabled": "on", "count": "4", "months": "12", "assessment_working_days": "45"}
    )
    assert response.status_code == 302
    setting = RuleSetting.objects.get(code="contacts-without-assessment")
    assert setting.parameters == {"count": 4} and setting.enabled
    entry = AuditEntry.objects.get(action="rule_setting.changed")
    assert entry.actor == partnership_officer
    assert entry.detail["before"]["parameters"]["count"] == 3
    assert entry.detail["after"]["parameters"]["count"] == 4


def test_a_raised_threshold_applies_to_the_rule(client, admin_user, arrive, lily):
    client.force_login(admin_user)
    client.post(
        reverse("risk:rule-edit", args=["contacts-without-assessment"]),
        {"enabled": "on", "count": "4", "months": "12", "assessment_working_days": "45"},
    )
    for day in ("2023-01-10", "2023-02-10", "2023-03-10"):
        arrive("contact", day, (lily, "child"), outcome="nfa")
    assert not Alert.objects.filter(rule="contacts-without-assessment").exists()


def test_a_switched_off_rule_raises_nothing(client, admin_user, arrive, lily):
    client.force_login(admin_user)
    client.post(
        reverse("risk:rule-edit", args=["repeat-ed-attendance"]), {"count": "2", "months": "12"}
    )
    arrive("ed_attendance", "2024-01-01", (lily, "child"), source="hospital")
    arrive("ed_attendance", "2024-02-01", (lily, "child"), source="hospital")
    assert not Alert.objects.filter(rule="repeat-ed-attendance").exists()


@pytest.mark.parametrize("persona", ["ifd_manager", "social_worker", "police_officer"])
def test_only_partnership_officers_and_administrators_change_rules(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("risk:rules")).status_code == 403
    url = reverse("risk:rule-edit", args=["was-not-brought"])
    assert client.post(url, {"count": "1", "months": "6"}).status_code == 403


# DASH -----------------------------------------------------------------------------------------


@pytest.fixture
def incident(arrive, lily, frankie, agencies):  # type: ignore[no-untyped-def]
    from sightline.people.services import source_record_link

    # The police hold their own records of the people in their incident (as the feed links).
    source_record_link(actor="test", person=frankie, agency=agencies["police"], record_id="P-1")
    source_record_link(actor="test", person=lily, agency=agencies["police"], record_id="P-2")
    return arrive(
        "domestic_abuse_incident",
        "2024-03-07",
        (frankie, "victim"),
        (lily, "child"),
        dash_yes_count=9,
        risk_level="standard",
    )


def answers(yes: int) -> list[bool]:
    return [n < yes for n in range(24)]


@pytest.mark.parametrize(
    ("yes", "level"), [(9, "standard"), (10, "medium"), (13, "medium"), (14, "high")]
)
def test_the_dash_level_follows_the_count(police_officer, incident, yes, level):
    record = dash_record_create(actor=police_officer, event=incident, answers=answers(yes))
    assert (record.yes_count, record.level) == (yes, level)


def test_judgement_may_raise_a_level_but_never_lower_it(police_officer, incident):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="cannot be lower"):
        dash_record_create(
            actor=police_officer,
            event=incident,
            answers=answers(14),
            level="medium",
            judgement="Victim seemed calm",
        )
    raised = dash_record_create(
        actor=police_officer,
        event=incident,
        answers=answers(5),
        level="high",
        judgement="Escalating stalking",
    )
    assert (raised.counted_level, raised.level) == ("standard", "high")


def test_a_high_dash_record_raises_the_high_risk_alert(
    client, police_officer, incident, lily, django_capture_on_commit_callbacks
):
    assert not Alert.objects.filter(rule="domestic-abuse-high-risk").exists()
    client.force_login(police_officer)
    data = {"yes": [str(n) for n in range(1, 15)], "level": "", "judgement": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("risk:dash", args=[incident.pk]), data)
    assert response.status_code == 302
    assert DashRecord.objects.get().level == "high"
    alert = Alert.objects.get(rule="domestic-abuse-high-risk")
    assert (alert.person, alert.raised_by) == (lily, incident)


def test_the_dash_form_explains_a_refused_lower_level(client, police_officer, incident):
    client.force_login(police_officer)
    data = {"yes": [str(n) for n in range(1, 15)], "level": "standard", "judgement": "x"}
    response = client.post(reverse("risk:dash", args=[incident.pk]), data)
    assert response.status_code == 400
    assert "Professional judgement may raise a level, never lower it" in response.content.decode()
