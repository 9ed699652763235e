"""The review queue, a match side by side, merges and undo: who may see them, what they do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.linkage.models import MatchCandidate, PersonChange
from sightline.linkage.services import RecordAsSent, source_record_resolve
from sightline.testing import factories as f

WILLIAM = {
    "given_name": "William",
    "family_name": "Okafor",
    "date_of_birth": dt.date(2016, 3, 7),
    "sex": "M",
    "address_line": "18 Beech Grove",
    "postcode": "BD22 7HT",
}


@pytest.fixture
def analyst(agencies):  # type: ignore[no-untyped-def]
    return f.user(None, "analyst", "other", username="an.rowan")


@pytest.fixture
def match(agencies):  # type: ignore[no-untyped-def]
    source_record_resolve(actor="feed", sent=RecordAsSent(agencies["health"], "H-1", **WILLIAM))
    doubtful = {
        **WILLIAM,
        "given_name": "Bill",
        "date_of_birth": dt.date(2016, 7, 3),
        "address_line": "2 Canal Street",
        "postcode": "LS11 5QR",
    }
    second = source_record_resolve(
        actor="feed", sent=RecordAsSent(agencies["police"], "P-1", **doubtful)
    )
    return MatchCandidate.objects.get(record=second.record)


@pytest.mark.parametrize("persona", ["police_officer", "social_worker", "ifd_manager"])
def test_practitioners_may_not_review_matches(client, request, persona, match):  # type: ignore[no-untyped-def]
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("linkage:review"),
        reverse("linkage:review-match", args=[match.pk]),
        reverse("linkage:merges"),
    ):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, match):  # type: ignore[no-untyped-def]
    response = client.get(reverse("linkage:review"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_queue_lists_the_match_and_the_read_is_recorded(client, analyst, match):  # type: ignore[no-untyped-def]
    client.force_login(analyst)
    response = client.get(reverse("linkage:review"))
    assert "police:P-1" in response.content.decode()
    assert AuditEntry.objects.filter(actor=analyst, action="linkage.review_queue_viewed").exists()


def test_the_match_page_shows_both_records_and_the_field_weights(client, ig_officer, match):  # type: ignore[no-untyped-def]
    client.force_login(ig_officer)
    page = client.get(reverse("linkage:review-match", args=[match.pk])).content.decode()
    assert "Bill" in page and "William" in page
    assert "Nickname or short form" in page and "Day and month swapped" in page
    assert AuditEntry.objects.filter(actor=ig_officer, action="linkage.match_viewed").exists()


def test_a_decision_needs_an_answer(client, analyst, match):  # type: ignore[no-untyped-def]
    client.force_login(analyst)
    response = client.post(reverse("linkage:review-match", args=[match.pk]), {"note": ""})
    assert "Select whether these are the same person" in response.content.decode()


def test_a_match_decided_meanwhile_says_so_beside_a_missing_answer(client, analyst, match):  # type: ignore[no-untyped-def]
    """Every error at once: another reviewer's decision (the service's refusal) shows with
    the form's own missing answer, on the first submission."""
    from sightline.linkage.services import match_candidate_decide

    match_candidate_decide(actor=analyst, candidate=match, same_person=False, note="Twins.")
    client.force_login(analyst)
    response = client.post(reverse("linkage:review-match", args=[match.pk]), {"note": ""})
    page = response.content.decode()
    assert "Select whether these are the same person" in page
    assert "This match has already been decided." in page


def test_linking_then_undoing_from_the_pages(client, analyst, match):  # type: ignore[no-untyped-def]
    client.force_login(analyst)
    response = client.post(
        reverse("linkage:review-match", args=[match.pk]), {"decision": "link", "note": "Same GP."}
    )
    assert response.status_code == 302
    change = PersonChange.objects.get()
    assert "Undo" in client.get(reverse("linkage:merges")).content.decode()
    client.post(reverse("linkage:undo", args=[change.pk]))
    change.refresh_from_db()
    assert change.is_undone


def test_the_merges_page_lists_an_automatic_feed_link_and_undoes_it(client, analyst, agencies):  # type: ignore[no-untyped-def]
    first = source_record_resolve(
        actor="feed", sent=RecordAsSent(agencies["health"], "H-1", **WILLIAM)
    )
    second = source_record_resolve(
        actor="feed", sent=RecordAsSent(agencies["police"], "P-1", **WILLIAM)
    )
    assert second.person == first.person
    client.force_login(analyst)
    page = client.get(reverse("linkage:merges")).content.decode()
    assert "Automatic link" in page
    assert f"A record from {agencies['police'].name}: William Okafor, born 7 March 2016" in page
    assert "police:P-1" not in page
    change = PersonChange.objects.get(kind=PersonChange.Kind.LINK)
    assert client.post(reverse("linkage:undo", args=[change.pk])).status_code == 302
    second.record.refresh_from_db()
    assert second.record.person != first.person
    assert "Undone" in client.get(reverse("linkage:merges")).content.decode()


def test_a_keep_apart_decision_is_undone_from_the_review_queue(client, analyst, match):  # type: ignore[no-untyped-def]
    client.force_login(analyst)
    client.post(reverse("linkage:review-match", args=[match.pk]), {"decision": "keep_apart"})
    page = client.get(reverse("linkage:review")).content.decode()
    assert "Kept apart: different people" in page and "Undo" in page
    response = client.post(reverse("linkage:review-undo", args=[match.pk]), follow=True)
    assert "waiting for a decision again" in response.content.decode()
    match.refresh_from_db()
    assert match.status == MatchCandidate.Status.PENDING
