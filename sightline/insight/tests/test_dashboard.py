"""The partnership's dashboard: who may see it and the children behind its figures (one
table), small counts shown as "c", the drill-down and its audit entries, the CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from sightline.core.models import AuditEntry
from sightline.insight.census import CensusYear
from sightline.insight.indicators import census_indicators

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous", "police_officer", "social_worker", "ifd_manager", "ig_officer",
    "partnership_officer", "outsider", "unscheduled_care", "analyst", "team_manager",
    "scrutineer", "subgroup_chair", "police_lead",
]  # fmt: skip
DASHBOARD = {"partnership_officer", "analyst", "team_manager", "ifd_manager", "scrutineer",
             "subgroup_chair", "police_lead"}  # fmt: skip
CHILDREN = {"team_manager", "ifd_manager"}
TABLE = {
    "/insight/?year=2025": DASHBOARD,
    "/insight/figures.csv?year=2025": DASHBOARD,
    "/insight/2025/children/cin_rate_31_march/": CHILDREN,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_see_the_dashboard_and_the_children_behind_it(persona, request):
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for url, allowed in TABLE.items():
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
        else:
            assert response.status_code == (200 if persona in allowed else 403), (url, persona)


def _cell(page: str, title: str) -> list[str]:
    """The cells of the table row headed `title`, as text."""
    row = re.search(rf"<th scope=\"row\"[^>]*>{re.escape(title)}</th>(.*?)</tr>", page, re.S)
    assert row, title
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_small_counts_are_c_for_people_without_access_to_the_children(
    client, partnership_officer, stories, population
):
    client.force_login(partnership_officer)
    page = client.get("/insight/", {"year": "2025"}).content.decode()
    # 3 children on a plan on 31 March 2026, of 1,800: both the count and the rate are hidden.
    value, count, out_of, england, region, neighbours = _cell(
        page, "Children on a child protection plan on 31 March"
    )
    assert (value, count, out_of) == ("c", "c", "1,800")
    assert (england, region, neighbours) == ("40.6", "not published", "45.4")
    # 9 referrals: shown, with the rate worked out from them.
    assert _cell(page, "Referrals")[:3] == ["50.0", "9", "1,800"]
    assert "/insight/2025/children/" not in page
    assert "Counts of 1 to 5 are shown as" in page
    assert not AuditEntry.objects.filter(action="insight.figure_children_listed").exists()


def test_the_page_shows_each_figure_with_its_benchmarks_period_and_time_computed(
    client, team_manager, stories, population
):
    client.force_login(team_manager)
    page = client.get("/insight/", {"year": "2025"}).content.decode()
    assert "How children and the partnership are doing, 1 April 2025 to 31 March 2026" in page
    assert re.search(r"Computed at \d\d:\d\d on \d+ \w+ 20\d\d", page)
    assert "for the year to 31 March 2025" in page
    value, count, *_ = _cell(page, "Children on a child protection plan on 31 March")
    assert (value, count) == (
        "16.7",
        "3: list the children behind the figure, Children on a child protection plan on 31 March",
    )
    _, _, _, _, region, _ = _cell(page, "Assessments completed within 45 working days")
    assert region == "83.6 (Yorkshire and the Humber)"
    # Each chart is an SVG drawn on the server, named for assistive technology, with labels.
    assert page.count('<svg role="img" aria-label="') >= 2
    assert "Rates per 10,000 children, 1 April 2025 to 31 March 2026" in page
    assert ">16.7<" in page  # the bar's own label


def test_a_number_links_to_the_children_behind_it_and_the_list_is_recorded(
    client, team_manager, stories, population
):
    client.force_login(team_manager)
    page = client.get("/insight/", {"year": "2025"}).content.decode()
    assert 'href="/insight/2025/children/cp_plan_rate_31_march/"' in page
    listed = client.get("/insight/2025/children/cp_plan_rate_31_march/").content.decode()
    expected = next(
        i for i in census_indicators(CensusYear(2025), population=None)
        if i.code == "cp_plan_rate_31_march"
    )  # fmt: skip
    assert "Children behind the figure: Children on a child protection plan on 31 March" in listed
    for person_id in expected.children:
        assert f'href="/people/{person_id}/"' in listed
    entry = AuditEntry.objects.get(action="insight.figure_children_listed")
    assert entry.actor == team_manager and entry.kind == AuditEntry.Kind.LIST
    assert sorted(entry.detail["shown"]) == sorted(expected.children)
    assert entry.detail == {**entry.detail, "year": 2025, "figure": "cp_plan_rate_31_march"}


def test_the_list_leaves_out_children_the_user_does_not_work_with(
    client, ifd_manager, stories, population
):
    from sightline.people.models import SourceRecord

    child = stories["cp_open"].child
    SourceRecord.objects.filter(person=child).delete()  # no longer known to social care
    client.force_login(ifd_manager)
    listed = client.get("/insight/2025/children/cp_plan_rate_31_march/").content.decode()
    assert f'href="/people/{child.pk}/"' not in listed
    assert "1 more child is counted whose records you do not work with" in listed
    assert (
        child.pk
        not in AuditEntry.objects.get(action="insight.figure_children_listed").detail["shown"]
    )


def test_an_unknown_figure_or_year_is_not_found(client, team_manager):
    client.force_login(team_manager)
    assert client.get("/insight/2025/children/no_such_figure/").status_code == 404
    assert client.get("/insight/1900/children/referral_rate/").status_code == 404
    assert client.get("/insight/", {"year": "1900"}).status_code == 404


def test_the_csv_holds_the_pages_numbers_with_the_same_suppression(
    client, scrutineer, stories, population
):
    client.force_login(scrutineer)
    response = client.get("/insight/figures.csv", {"year": "2025"})
    assert response["Content-Disposition"].endswith('partnership-figures-2025-26.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_title = {row["Figure"]: row for row in rows if not row["For"]}
    plans = by_title["Children on a child protection plan on 31 March"]
    assert (plans["Value"], plans["Count"], plans["Out of"]) == ("c", "c", "1,800")
    assert by_title["Referrals"]["Count"] == "9"
    assert "England, year to 31 March 2025: 40.6" in plans["Benchmarks"]
    assert plans["Period"] == "1 April 2025 to 31 March 2026"
