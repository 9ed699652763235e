"""The partnership officer reads the year's figures with small counts hidden; a team manager
follows a count to the children behind it and on to a child's page. Every page passes axe."""

import re

import pytest
from playwright.sync_api import expect

from sightline.insight.benchmarks import SHIPPED, benchmarks_read
from sightline.insight.models import Benchmark
from sightline.insight.services import benchmarks_save, child_population_set
from sightline.insight.tests.conftest import BIRTHDAYS
from sightline.insight.tests.history import CaseworkHistory, stories_write
from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(agencies, social_worker):  # type: ignore[no-untyped-def]
    team = f.team(agencies["csc"], "Child Protection Team 1")
    manager = f.user(agencies["csc"], "team_manager", "social_worker", username="tm.willow",
                     team=team)  # fmt: skip
    if not Benchmark.objects.exists():  # a live-server test before this one emptied the table
        benchmarks_save(actor="test", figures=benchmarks_read(SHIPPED.read_text()),
                        file_name=SHIPPED.name)  # fmt: skip
    child_population_set(actor="test", year=2025, counts=dict.fromkeys(range(18), 100),
                         source="Test figures")  # fmt: skip
    children = [
        f.child(given_name=f"Census{n}", family_name="Storychild", date_of_birth=born,
                sex="F" if n % 2 else "M")
        for n, born in enumerate(BIRTHDAYS)
    ]  # fmt: skip
    stories_write(CaseworkHistory(team=team, worker=social_worker, manager=manager), children)
    return manager


def test_the_partnership_reads_its_figures_and_a_manager_follows_one_to_the_children(
    site, partnership_officer, district
):
    site.sign_in(partnership_officer.username, PASSWORD)
    site.go("/insight/")
    site.page.get_by_label("Census year").select_option("2025")
    site.page.get_by_role("button", name="Show this year").click()
    heading = site.page.get_by_role("heading", level=1)
    expect(heading).to_have_text(
        "How children and the partnership are doing, 1 April 2025 to 31 March 2026"
    )
    main = site.page.locator("main")
    expect(main).to_contain_text("Counts of 1 to 5 are shown as")
    row = site.page.get_by_role(
        "row", name=re.compile("^Children on a child protection plan on 31 March")
    )
    expect(row).to_contain_text("c")
    expect(row).to_contain_text("40.6")
    expect(
        site.page.get_by_role("img", name=re.compile("^Rates per 10,000 children"))
    ).to_be_visible()
    expect(main.get_by_role("link", name=re.compile("list the children behind"))).to_have_count(0)
    site.check_accessibility()
    site.sign_out()

    site.sign_in(district.username, PASSWORD)
    site.go("/insight/?year=2025")
    site.page.get_by_role(
        "link",
        name=re.compile(
            r"^3\s*: list the children behind the figure, "
            "Children on a child protection plan on 31 March$"
        ),
    ).click()
    expect(site.page.get_by_role("heading", level=1)).to_have_text(
        "Children behind the figure: Children on a child protection plan on 31 March"
    )
    expect(site.page.locator("main table tbody tr")).to_have_count(3)
    site.check_accessibility()
    site.page.get_by_role("link", name="Census3 Storychild").click()
    expect(site.page.get_by_role("heading", level=1)).to_contain_text("Census3 Storychild")
    site.check_accessibility()
