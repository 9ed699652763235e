"""Linkage in the browser: an analyst opens the review queue, compares two records side by
side with the per-field weights, links them, then undoes the merge. Every page passes axe."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from sightline.linkage.services import RecordAsSent, source_record_resolve
from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WILLIAM = {
    "given_name": "William",
    "family_name": "Okafor",
    "date_of_birth": dt.date(2016, 3, 7),
    "sex": "M",
    "address_line": "18 Beech Grove",
    "postcode": "BD22 7HT",
}


def test_review_a_match_link_it_and_undo(site, agencies):
    f.user(None, "analyst", "other", username="an.rowan")
    source_record_resolve(actor="feed", sent=RecordAsSent(agencies["health"], "H-1", **WILLIAM))
    doubtful = {
        **WILLIAM,
        "given_name": "Bill",
        "date_of_birth": dt.date(2016, 7, 3),
        "address_line": "2 Canal Street",
        "postcode": "LS11 5QR",
    }
    source_record_resolve(actor="feed", sent=RecordAsSent(agencies["police"], "P-1", **doubtful))
    page = site.page

    site.sign_in("an.rowan", PASSWORD)
    site.go("/linkage/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Matches to review")
    site.check_accessibility()

    page.get_by_role("link", name="police:P-1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are these the same person?")
    expect(page.locator("#weights")).to_contain_text("Nickname or short form")
    site.check_accessibility()

    page.get_by_role("button", name="Record decision").click()  # no answer yet
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether")
    site.check_accessibility()

    page.get_by_label("Yes, the same person: link them").check()
    page.get_by_label("Why (optional)").fill("Same school and GP practice.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("body")).to_contain_text("Linked")
    site.check_accessibility()

    site.go("/linkage/merges/")
    expect(page.locator("#changes")).to_contain_text("Review decision")
    site.check_accessibility()
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#changes")).to_contain_text("Undone")
    site.check_accessibility()


def test_an_automatic_link_is_listed_and_undone_and_a_keep_apart_is_undone(site, agencies):
    f.user(None, "analyst", "other", username="an.rowan")
    source_record_resolve(actor="feed", sent=RecordAsSent(agencies["health"], "H-1", **WILLIAM))
    # Another agency's copy with the street misspelt: linked by the model, automatically.
    source_record_resolve(
        actor="Police feed",
        sent=RecordAsSent(agencies["police"], "P-1", **{**WILLIAM, "address_line": "18 Beech Grv"}),
    )
    doubtful = {
        **WILLIAM,
        "given_name": "Bill",
        "date_of_birth": dt.date(2016, 7, 3),
        "address_line": "2 Canal Street",
        "postcode": "LS11 5QR",
    }
    source_record_resolve(actor="feed", sent=RecordAsSent(agencies["school"], "S-1", **doubtful))
    page = site.page
    site.sign_in("an.rowan", PASSWORD)

    site.go("/linkage/merges/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Links, merges and splits")
    expect(page.locator("#changes")).to_contain_text("Automatic link")
    expect(page.locator("#changes")).to_contain_text("A record from")
    site.check_accessibility()
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#changes")).to_contain_text("Undone")
    expect(page.locator("#changes")).to_contain_text("Automatic link undone")
    site.check_accessibility()

    site.go("/linkage/review/")
    page.get_by_role("link", name="school:S-1").click()
    page.get_by_label("No, different people: keep them apart").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("body")).to_contain_text("Kept apart")
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("body")).to_contain_text("waiting for a decision again")
    expect(page.locator("#queue")).to_contain_text("Bill")
    site.check_accessibility()


def test_an_administrator_sees_the_model_in_use_and_rolls_it_back(site, agencies):
    from sightline.linkage.rebuild import _store_model
    from sightline.linkage.scoring import load_shipped_model

    f.user(None, "admin", "other", username="ad.hazel")
    expected = {"basis": "model", "precision": 0.9995, "recall": 0.91, "pairs": 4000}
    for threshold in (0.97, 0.9731):
        _store_model(
            actor="test",
            parameters=load_shipped_model(),
            records=4321,
            note="test",
            expected={**expected, "threshold": threshold, "labelled": 0},
        )
    page = site.page

    site.sign_in("ad.hazel", PASSWORD)
    site.go("/linkage/review/")
    expect(page.locator("#review-share")).to_contain_text("under 2% of new records")
    site.check_accessibility()
    page.get_by_role("link", name="the linkage model in use").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Linkage model in use")
    expect(page.locator("#model-in-use")).to_contain_text("Match probability 0.9731 or more")
    expect(page.locator("#model-in-use")).to_contain_text("4321 source records")
    site.check_accessibility()

    page.get_by_role("button", name="Roll back to the previous model").click()
    expect(page.locator("body")).to_contain_text("is in use again")
    expect(page.locator("#model-in-use")).to_contain_text("Match probability 0.9700 or more")
    expect(page.locator("#versions")).to_contain_text("Rolled back")
    site.check_accessibility()
