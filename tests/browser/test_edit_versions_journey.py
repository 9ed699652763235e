"""Two partnership users change the same recommendation in two browsers: the first saves;
the second is told who changed what and when, sees their own wording still in the form, and
saves again once they have checked it. Every page passes axe."""

import pytest
from playwright.sync_api import expect

from sightline.core.models import Theme
from sightline.partnership.services import plan
from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_of_two_people_changing_a_recommendation_is_shown_the_first_change(
    site, browser, live_server, agencies, partnership_officer
):
    theme, _ = Theme.objects.get_or_create(
        code="information-sharing", defaults={"name": "Information sharing"}
    )
    f.user(None, "subgroup_chair", "other", username="sc.alder")
    recommendation = plan.recommendation_create(
        actor=partnership_officer,
        source="local_review",
        source_reference="Child T practice review",
        number="1",
        text="Police tell every professional on the child's team when a family moves.",
        themes=[theme],
        agencies=[agencies["police"]],
    )
    edit = f"/partnership/recommendations/{recommendation.pk}/edit/"
    other_context = browser.new_context()
    chair = Site(live_server.url, other_context.new_page())

    # Both open the form.
    site.sign_in("po.larch", PASSWORD)
    site.go(edit)
    chair.sign_in("sc.alder", PASSWORD)
    chair.go(edit)

    # The partnership officer renumbers it and saves.
    site.page.get_by_label("Number in the source").fill("2")
    site.page.get_by_role("button", name="Save changes").click()
    expect(site.page.get_by_text("Recommendation changed.")).to_be_visible()

    # The chair rewords it from the form they opened before, and is refused.
    chair.page.get_by_label("Recommendation", exact=True).fill(
        "Every agency tells the child's team when a family moves."
    )
    chair.page.get_by_role("button", name="Save changes").click()
    summary = chair.page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Someone else changed this record while you were editing")
    expect(summary).to_contain_text("changed Number in the source from “1” to “2”")
    expect(summary).to_contain_text("Your changes are below; check them and save again.")
    expect(chair.page.get_by_label("Recommendation", exact=True)).to_have_value(
        "Every agency tells the child's team when a family moves."
    )
    expect(chair.page.get_by_label("Number in the source")).to_have_value("1")
    chair.check_accessibility()

    # They keep the new number, and save again.
    chair.page.get_by_label("Number in the source").fill("2")
    chair.page.get_by_role("button", name="Save changes").click()
    expect(chair.page.get_by_text("Recommendation changed.")).to_be_visible()
    recommendation.refresh_from_db()
    assert recommendation.number == "2"
    assert recommendation.text == "Every agency tells the child's team when a family moves."
    chair.check_accessibility()
    other_context.close()
