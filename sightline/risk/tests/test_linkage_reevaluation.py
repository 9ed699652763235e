"""Linkage changes reach the rules: when two persons are merged or split (the review queue,
`linkage rebuild`, the undo of either), the chronology publishes that its entries moved and
the rules evaluate the persons concerned again, raising or withdrawing alerts. A withdrawn
alert is closed with a reason, never deleted."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from sightline.chronology import listeners
from sightline.linkage.changes import person_change_undo, person_merge, person_split
from sightline.linkage.models import MatchCandidate
from sightline.linkage.services import match_candidate_decide
from sightline.people.models import Person, SourceRecord
from sightline.people.services import source_record_link
from sightline.risk import tasks
from sightline.risk.models import Alert, AlertOutcome, AlertStatus, EvaluationRequest
from sightline.sharing.models import NetworkNotification
from sightline.testing import chronology as c
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db
RULE = "contacts-without-assessment"  # 3 contacts in 12 months, none leading to assessment


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run what waits for the commit (the chronology's listeners, the tasks) as it would."""

    def run():  # type: ignore[no-untyped-def]
        return django_capture_on_commit_callbacks(execute=True)

    return run


def contact(person: Person, agency, day: str) -> None:  # type: ignore[no-untyped-def]
    c.event(
        person,
        source=agency,
        type="contact",
        occurred_at=c.at(day),
        details={"outcome": "nfa", "referral_source": "6"},
    )


@pytest.fixture
def twins(agencies, on_commit):  # type: ignore[no-untyped-def]
    """One child held twice: the police's record with two contacts, the school's with one.
    Apart, neither makes the pattern; together they do."""
    police = f.child(given_name="Poppy", family_name="Testsmith")
    school = f.child(given_name="Poppy", family_name="Testsmith")
    with on_commit():
        source_record_link(actor="test", person=police, agency=agencies["police"], record_id="P1")
        source_record_link(actor="test", person=school, agency=agencies["school"], record_id="S1")
        contact(police, agencies["police"], "2023-01-10")
        contact(police, agencies["police"], "2023-02-10")
        contact(school, agencies["school"], "2023-03-10")
    assert not Alert.objects.exists()
    return police, school


def merged(twins, ifd_manager, on_commit):  # type: ignore[no-untyped-def]
    police, school = twins
    candidate = MatchCandidate.objects.create(
        record=SourceRecord.objects.get(record_id="S1"),
        person=school,
        candidate=police,
        candidate_record=SourceRecord.objects.get(record_id="P1"),
        match_probability=0.93,
        match_weight=3.8,
        reason="Same name and date of birth",
    )
    with on_commit():
        decided = match_candidate_decide(actor=ifd_manager, candidate=candidate, same_person=True)
    return decided.change


def test_a_merge_in_the_review_queue_raises_the_alert_the_two_records_make_together(
    twins, ifd_manager, on_commit
):
    police, _ = twins
    merged(twins, ifd_manager, on_commit)
    [alert] = Alert.objects.filter(rule=RULE)
    assert alert.person == police and alert.status == AlertStatus.OPEN
    assert alert.evidence.count() == 3
    # and the front door is told, as for an alert raised by a feed
    assert NetworkNotification.objects.filter(recipient=ifd_manager, alert_id=alert.pk).exists()
    assert not EvaluationRequest.objects.exists()


def test_a_split_withdraws_the_alert_closing_it_with_a_reason(twins, ifd_manager, on_commit):
    police, _ = twins
    merged(twins, ifd_manager, on_commit)
    [alert] = Alert.objects.filter(rule=RULE)
    with on_commit():
        split = person_split(
            actor=ifd_manager,
            person=police,
            records=[SourceRecord.objects.get(record_id="S1")],
            reason="Two different children after all",
        )
    alert.refresh_from_db()  # still there: its people were told
    assert (alert.status, alert.outcome) == (AlertStatus.CLOSED, AlertOutcome.WITHDRAWN)
    assert alert.note == tasks.MOVED_NOTE
    assert alert.closed_by is None and alert.closed_at is not None
    assert not Alert.objects.filter(person=split.to_person).exists()
    out = StringIO()
    call_command("alerts", "--format", "json", stdout=out, stderr=StringIO())
    assert [(r["rule"], r["status"]) for r in json.loads(out.getvalue())] == [(RULE, "closed")]


def test_undoing_the_merge_withdraws_and_merging_again_reopens_the_same_alert(
    twins, ifd_manager, on_commit
):
    police, school = twins
    change = merged(twins, ifd_manager, on_commit)
    [alert] = Alert.objects.filter(rule=RULE)
    with on_commit():
        person_change_undo(actor=ifd_manager, change=change)
    alert.refresh_from_db()
    assert (alert.status, alert.outcome) == (AlertStatus.CLOSED, AlertOutcome.WITHDRAWN)
    with on_commit():
        person_merge(actor=ifd_manager, survivor=police, merged=school, reason="Same child")
    alert.refresh_from_db()
    assert Alert.objects.filter(rule=RULE).count() == 1
    assert (alert.status, alert.outcome, alert.note) == (AlertStatus.OPEN, "", "")
    assert alert.reopened_count == 1


def test_without_a_merge_nothing_is_raised_and_a_rolled_back_merge_tells_nobody(
    twins, ifd_manager, on_commit
):
    police, school = twins
    with on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        person_merge(actor=ifd_manager, survivor=police, merged=school, reason="Same child")
        raise RuntimeError("the request failed after the merge")
    assert not Alert.objects.exists() and not EvaluationRequest.objects.exists()


def test_the_merges_of_one_transaction_reach_the_rules_as_one_request(
    twins, agencies, ifd_manager, settings, on_commit
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    police, school = twins
    third = f.child(given_name="Poppy", family_name="Testsmith")
    with on_commit(), transaction.atomic():  # as `linkage rebuild` applies its changes
        person_merge(actor="rebuild", survivor=police, merged=school, reason="Rebuild")
        person_merge(actor="rebuild", survivor=police, merged=third, reason="Rebuild")
    [request] = EvaluationRequest.objects.all()
    assert request.cause == "linkage"
    assert request.person_ids == sorted([police.pk, school.pk, third.pk])
    assert not Alert.objects.exists()  # the worker has not run yet
    tasks.evaluations_run(until_empty=True)
    assert Alert.objects.filter(rule=RULE, person=police).count() == 1


def test_a_suspended_chronology_publishes_no_moves(twins, ifd_manager, on_commit):
    police, school = twins
    with on_commit(), listeners.suspended():  # a bulk load replays the rules afterwards
        person_merge(actor="loader", survivor=police, merged=school, reason="Same child")
    assert not EvaluationRequest.objects.exists() and not Alert.objects.exists()


def test_a_rolled_back_merge_is_not_published_with_the_next_change(twins, ifd_manager, on_commit):
    police, school = twins
    third = f.child(given_name="Ada", family_name="Testother")
    with pytest.raises(RuntimeError), transaction.atomic():
        person_merge(actor=ifd_manager, survivor=police, merged=school, reason="Same child")
        raise RuntimeError("the request failed after the merge")
    published: list[list[int]] = []
    listeners.listen_moved(published.append)
    try:
        with on_commit():
            person_merge(actor=ifd_manager, survivor=third, merged=school, reason="Same child")
    finally:
        listeners._moved_listeners.remove(published.append)
    assert published == [sorted([third.pk, school.pk])]


def _contact_line(event_id: str, source: str, record_id: str, day: str) -> str:
    return json.dumps(
        {
            "feed": "1",
            "source": source,
            "event_id": event_id,
            "type": "contact",
            "occurred_at": f"{day}T10:00:00+00:00",
            "summary": "Worried about the child.",
            "people": [
                {
                    "role": "child",
                    "record_id": record_id,
                    "given_name": "Poppy",
                    "family_name": "Testsmith",
                    "date_of_birth": "2016-03-07",
                    "nhs_number": "9434765919",
                }
            ],
            "details": {"referral_source": "6", "concern": "Worried.", "outcome": "nfa"},
        }
    )


def test_undoing_an_automatic_link_withdraws_the_alert_the_linked_record_completed(
    agencies, ifd_manager, on_commit
):
    from sightline.feeds.services import feed_import
    from sightline.linkage.models import PersonChange

    lines = [
        _contact_line("C-1", "police", "P1", "2023-01-10"),
        _contact_line("C-2", "police", "P1", "2023-02-10"),
        _contact_line("C-3", "school", "S1", "2023-03-10"),  # same NHS number: linked
    ]
    with on_commit():
        assert feed_import(list(enumerate(lines, 1))).accepted == 3
    [alert] = Alert.objects.filter(rule=RULE)
    link = PersonChange.objects.get(kind=PersonChange.Kind.LINK)
    with on_commit():
        person_change_undo(actor=ifd_manager, change=link)
    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.note) == (
        AlertStatus.CLOSED,
        AlertOutcome.WITHDRAWN,
        tasks.MOVED_NOTE,
    )
