"""The model in use: its calibrated link threshold, used by the per-event path and by rebuilds,
and rolling back to the previous model (service, command, page)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.linkage import batch, rebuild
from sightline.linkage.model_versions import (
    active_link_threshold,
    active_version,
    model_version_rollback,
    review_labels,
)
from sightline.linkage.models import MatchCandidate, ModelVersion
from sightline.linkage.rebuild import (
    MIN_LABELS,
    MODEL_ONLY_MARGIN,
    TARGET_PRECISION,
    _store_model,
    expected_quality,
    linkage_rebuild,
)
from sightline.linkage.scoring import load_shipped_model
from sightline.linkage.services import (
    RecordAsSent,
    link_threshold,
    source_record_resolve,
)
from sightline.testing import factories as f

WILLIAM = {
    "given_name": "William",
    "family_name": "Okafor",
    "date_of_birth": dt.date(2016, 3, 7),
    "sex": "M",
    "address_line": "18 Beech Grove",
}
# The same boy without his birthday: the shipped model scores the pair 0.95 to 0.99.
WILLIAM_NO_BIRTHDAY = {**WILLIAM, "date_of_birth": None}


def _version(threshold: float | None, *, records: int = 1234) -> ModelVersion:
    return _store_model(
        actor="test",
        parameters=load_shipped_model(),
        records=records,
        note="test",
        expected=None
        if threshold is None
        else {
            "threshold": threshold,
            "basis": "model",
            "precision": 0.9995,
            "recall": 0.91,
            "pairs": 4000,
            "labelled": 0,
        },
    )


# --- Calibrating the threshold ---------------------------------------------------------------


def _edges(monkeypatch, probabilities, *, left=None, right=None, guarded=None):  # type: ignore[no-untyped-def]
    n = len(probabilities)
    edges = batch.Edges(
        left=np.asarray(left if left is not None else range(1, n + 1), dtype=np.int64),
        right=np.asarray(right if right is not None else range(1001, 1001 + n), dtype=np.int64),
        probability=np.asarray(probabilities, dtype=np.float64),
        guarded=np.asarray(guarded if guarded is not None else [False] * n, dtype=bool),
    )
    monkeypatch.setattr(batch, "predict", lambda *args, **kwargs: edges)


def test_the_threshold_is_the_lowest_at_which_the_models_own_precision_holds(monkeypatch):  # type: ignore[no-untyped-def]
    # 1,000 near-certain pairs, then 200 at 0.999 and 200 at 0.95: the model's own estimate
    # holds (at its margin) down to the 0.9999 pairs, not to the 0.999 ones
    p = [0.99999] * 1000 + [0.9999] * 200 + [0.999] * 200 + [0.95] * 200
    _edges(monkeypatch, p)
    expected = expected_quality(None, "records", {})  # type: ignore[arg-type]
    assert expected["basis"] == "model"
    assert expected["target"] == pytest.approx(1 - (1 - TARGET_PRECISION) / MODEL_ONLY_MARGIN)
    assert expected["threshold"] == pytest.approx(0.9999)
    assert expected["precision"] >= expected["target"]
    assert 0 < expected["recall"] < 1


def test_pairs_held_for_review_as_possible_twins_do_not_count_towards_precision(monkeypatch):  # type: ignore[no-untyped-def]
    p = [0.99999] * 1000 + [0.5] * 50 + [0.99] * 100
    guarded = [False] * 1050 + [True] * 100
    _edges(monkeypatch, p, guarded=guarded)
    assert expected_quality(None, "records", {})["threshold"] == pytest.approx(0.99999)  # type: ignore[arg-type]


def test_review_decisions_count_as_labels_and_a_kept_apart_pair_raises_the_threshold(monkeypatch):  # type: ignore[no-untyped-def]
    p = [0.9999] * 2000 + [0.999] * 40 + [0.98] * 40
    _edges(monkeypatch, p)
    # every 0.999 pair decided the same person, every 0.98 pair kept apart
    labels = {(1 + i, 1001 + i): True for i in range(2000, 2040)}
    labels.update({(1 + i, 1001 + i): False for i in range(2040, 2080)})
    expected = expected_quality(None, "records", {}, labels)  # type: ignore[arg-type]
    assert expected["basis"] == ModelVersion.ThresholdBasis.REVIEW
    assert expected["labelled"] == 80 >= MIN_LABELS
    assert expected["threshold"] == pytest.approx(0.999)  # with the 0.98 pairs it would fail
    assert expected["precision"] >= TARGET_PRECISION


def test_review_decisions_are_labels_between_source_records(agencies, analyst):  # type: ignore[no-untyped-def]
    first = source_record_resolve(
        actor="feed", sent=RecordAsSent(agencies["health"], "H-1", **WILLIAM)
    )
    second = source_record_resolve(
        actor="feed", sent=RecordAsSent(agencies["police"], "P-1", **WILLIAM_NO_BIRTHDAY)
    )
    assert second.method == "review"
    from sightline.linkage.services import match_candidate_decide

    candidate = MatchCandidate.objects.get(record=second.record)
    match_candidate_decide(actor=analyst, candidate=candidate, same_person=False)
    low, high = sorted((first.record.pk, second.record.pk))
    assert review_labels() == {(low, high): False}


# --- The threshold in use ----------------------------------------------------------------------


def test_with_no_trained_model_the_setting_is_the_threshold(db):  # type: ignore[no-untyped-def]
    assert active_version() is None
    assert link_threshold() == active_link_threshold() == 0.99


def test_a_new_record_is_linked_at_the_calibrated_threshold(agencies):  # type: ignore[no-untyped-def]
    _version(0.95)
    first = source_record_resolve(
        actor="feed", sent=RecordAsSent(agencies["health"], "H-1", **WILLIAM)
    )
    second = source_record_resolve(
        actor="feed", sent=RecordAsSent(agencies["police"], "P-1", **WILLIAM_NO_BIRTHDAY)
    )
    assert second.method == "probabilistic"
    assert second.person == first.person


def test_below_the_calibrated_threshold_a_new_record_waits_for_review(agencies):  # type: ignore[no-untyped-def]
    _version(0.99)
    first = source_record_resolve(
        actor="feed", sent=RecordAsSent(agencies["health"], "H-1", **WILLIAM)
    )
    second = source_record_resolve(
        actor="feed", sent=RecordAsSent(agencies["police"], "P-1", **WILLIAM_NO_BIRTHDAY)
    )
    assert second.method == "review"
    assert second.person != first.person


def test_a_rebuild_links_at_the_calibrated_threshold(agencies):  # type: ignore[no-untyped-def]
    source_record_resolve(actor="feed", sent=RecordAsSent(agencies["health"], "H-1", **WILLIAM))
    second = source_record_resolve(
        actor="feed", sent=RecordAsSent(agencies["police"], "P-1", **WILLIAM_NO_BIRTHDAY)
    )
    assert second.method == "review"
    assert linkage_rebuild(actor="test").merges == 0  # the shipped model, at 0.99: review
    _version(0.95)
    assert linkage_rebuild(actor="test").merges == 1


def test_training_stores_the_threshold_and_what_it_was_estimated_from(agencies, monkeypatch):  # type: ignore[no-untyped-def]
    source_record_resolve(actor="feed", sent=RecordAsSent(agencies["health"], "H-1", **WILLIAM))
    expected = {
        "threshold": 0.9731,
        "basis": "model",
        "precision": 0.99991,
        "recall": 0.93,
        "pairs": 812,
        "labelled": 0,
        "target": 0.9999,
    }
    monkeypatch.setattr(
        rebuild,
        "train_on",
        lambda *a, **k: {
            **load_shipped_model(),
            "expected": expected,
            "probability_two_random_records_match": 1e-4,
        },
    )
    out = StringIO()
    call_command("linkage", "train", stdout=out)
    version = active_version()
    assert version is not None
    assert (version.link_threshold, version.record_count, version.pairs_scored) == (0.9731, 1, 812)
    assert version.threshold_basis == "model"
    assert link_threshold() == 0.9731
    assert "linking at match probability 0.9731 or more" in out.getvalue()
    assert AuditEntry.objects.filter(action="linkage.model_trained").exists()


# --- Rolling back ------------------------------------------------------------------------------


def test_rolling_back_returns_to_the_previous_model_and_its_threshold(db):  # type: ignore[no-untyped-def]
    older = _version(0.97)
    newer = _version(0.93)
    assert link_threshold() == 0.93
    assert model_version_rollback(actor="test") == older
    assert active_version() == older and link_threshold() == 0.97
    newer.refresh_from_db()
    assert newer.rolled_back_at is not None and newer.rolled_back_by_label == "test"
    entry = AuditEntry.objects.get(action="linkage.model_rolled_back")
    assert entry.detail["rolled_back"] == newer.pk and entry.detail["now_in_use"] == older.pk
    assert model_version_rollback(actor="test") is None  # back to the shipped model
    assert link_threshold() == 0.99


def test_with_nothing_trained_there_is_nothing_to_roll_back(db):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="no trained model to roll back"):
        model_version_rollback(actor="test")


def test_a_model_trained_after_a_roll_back_is_used(db):  # type: ignore[no-untyped-def]
    _version(0.97)
    model_version_rollback(actor="test")
    newest = _version(0.96)
    assert active_version() == newest


def test_the_rollback_command_says_which_model_is_in_use_again(db):  # type: ignore[no-untyped-def]
    older = _version(0.97)
    _version(0.93)
    out = StringIO()
    call_command("linkage", "rollback", stdout=out)
    assert f"linkage model {older.pk} is in use again" in out.getvalue()
    assert "0.9700" in out.getvalue()
    call_command("linkage", "rollback", stdout=out)
    assert "the model shipped with Sightline is in use again" in out.getvalue()
    with pytest.raises(CommandError, match="no trained model to roll back"):
        call_command("linkage", "rollback", stdout=out)


# --- The page ----------------------------------------------------------------------------------


@pytest.fixture
def admin(agencies):  # type: ignore[no-untyped-def]
    return f.user(None, "admin", "other", username="ad.hazel")


def test_the_page_shows_the_model_in_use_its_threshold_and_what_it_was_trained_on(
    client, analyst, time_machine
):  # type: ignore[no-untyped-def]
    time_machine.move_to(dt.datetime(2026, 5, 12, 9, 30, tzinfo=dt.UTC))
    version = _version(0.9731, records=4321)
    client.force_login(analyst)
    page = client.get(reverse("linkage:model")).content.decode()
    assert f"Linkage model {version.pk}, trained on this partnership" in page
    assert "12 May 2026" in page
    assert "4321 source records" in page
    assert "Match probability 0.9731 or more" in page
    assert "Precision 0.9995, recall 0.9100" in page
    assert "Roll back to the previous model" not in page  # analysts do not roll back


def test_the_page_says_when_the_shipped_model_is_in_use(client, analyst):  # type: ignore[no-untyped-def]
    client.force_login(analyst)
    page = client.get(reverse("linkage:model")).content.decode()
    assert "The model shipped with Sightline" in page
    assert "Match probability 0.9900 or more" in page


def test_an_administrator_rolls_back_from_the_page(client, admin):  # type: ignore[no-untyped-def]
    older = _version(0.97)
    newer = _version(0.93)
    client.force_login(admin)
    page = client.get(reverse("linkage:model")).content.decode()
    assert "Roll back to the previous model" in page
    response = client.post(reverse("linkage:model-rollback"), follow=True)
    assert f"linkage model {older.pk} is in use again" in response.content.decode()
    assert active_version() == older
    newer.refresh_from_db()
    assert newer.rolled_back_at is not None
    assert AuditEntry.objects.filter(action="linkage.model_rolled_back", actor=admin).exists()


def test_an_analyst_may_not_roll_back(client, analyst):  # type: ignore[no-untyped-def]
    _version(0.97)
    newer = _version(0.93)
    client.force_login(analyst)
    assert client.post(reverse("linkage:model-rollback")).status_code == 403
    assert active_version() == newer
