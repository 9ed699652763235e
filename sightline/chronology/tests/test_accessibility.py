"""Every people and chronology page passes axe in Debian's Chromium (no violations)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sightline.people.models import Relationship
from sightline.people.services import break_glass_open, involvement_start
from sightline.testing import chronology as c
from sightline.testing import factories as f
from sightline.testing.browser import add_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "core" / "static" / "axe" / "axe.min.js"


@pytest.fixture
def browser_page(page):  # type: ignore[no-untyped-def]
    """Playwright's page in Debian's Chromium (see sightline/testing/browser.py)."""
    return page


def sign_in(page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("load")
    add_axe(page)
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in result["violations"]
    ]


@pytest.fixture
def district(agencies, social_worker, outsider):  # type: ignore[no-untyped-def]
    lily = f.child(
        given_name="Ivy",
        family_name="Harlowe",
        date_of_birth=dt.date(2019, 1, 4),
        address={"line": "4 Mill Lane", "postcode": "BD21 4QA"},
    )
    mother = f.adult(given_name="Jordan", family_name="Testmother")
    c.household(lily, mother, name="4 Mill Lane")
    Relationship.objects.create(person=mother, relative=lily, kind="mother")
    involvement_start(
        actor="test", person=lily, agency=agencies["csc"], role="Lead social worker",
        user=social_worker,
    )  # fmt: skip
    c.events(lily, 60, source=agencies["police"])
    stranger = f.child(given_name="Ivy", family_name="Smyth", known_to_social_care=False)
    break_glass_open(actor=outsider, person=lily, reason="Housing found the child alone.")
    return {"lily": lily, "stranger": stranger}


def test_the_people_and_chronology_pages_have_no_accessibility_violations(
    browser_page, live_server, district, social_worker, ig_officer
):
    lily, stranger = district["lily"], district["stranger"]
    pages = {
        social_worker: [
            reverse("people:search"),
            reverse("people:search") + "?name=Ivy+Harlowe",
            reverse("people:search") + "?name=&date_of_birth_day=31&date_of_birth_month=2"
            "&date_of_birth_year=2019&nhs_number=123",
            reverse("chronology:person", args=[lily.pk]),
            reverse("chronology:person", args=[lily.pk]) + "?agency=police&page=2",
            reverse("chronology:person", args=[lily.pk]) + "?date_from_day=40",
            reverse("chronology:person-print", args=[lily.pk]),
            reverse("people:break-glass", args=[stranger.pk]),
        ],
        ig_officer: [
            reverse("people:access-trail", args=[lily.pk]),
            reverse("people:break-glass-report"),
            reverse("people:break-glass-report") + "?date_from_day=2&date_from_month=1"
            "&date_from_year=2025&date_to_day=1&date_to_month=1&date_to_year=2025",
        ],
    }
    problems = {}
    for user, paths in pages.items():
        browser_page.context.clear_cookies()
        sign_in(browser_page, live_server, user)
        for path in paths:
            response = browser_page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            found = axe_violations(browser_page)
            if found:
                problems[path] = found
    assert problems == {}
