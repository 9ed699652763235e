"""The demo district's census return for 2025-26, checked by DfE's own rules
(csc-validator-be-cin, ruleset cin2025_26, in its own virtual environment: `make cin-validator`).

No ERROR may remain; every QUERY that remains must be explained in docs/cin-census.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from sightline.accounts.models import Role, Team, User
from sightline.casework.models import Episode
from sightline.insight.census import CensusYear
from sightline.insight.census_xml import census_xml_write
from sightline.insight.tests.history import CaseworkHistory, stories_write
from sightline.people.models import Person
from sightline.people.services import social_care_agency

ROOT = Path(__file__).resolve().parents[3]
VALIDATOR = ROOT / ".venv-cin" / "bin" / "python"
SCRIPT = ROOT / "sightline" / "insight" / "validate_census.py"
DOCS = ROOT / "docs" / "cin-census.md"
DEMO_AS_OF = dt.date(2026, 6, 30)  # the same date gives the same district


def validator_run(path: Path, ruleset: str) -> tuple[int, list[dict]]:
    assert VALIDATOR.exists(), (
        f"{VALIDATOR} is missing: run `make cin-validator` to install DfE's CIN validator."
    )
    done = subprocess.run(  # noqa: S603 (our own script, in our own environment)
        [str(VALIDATOR), "-W", "ignore", str(SCRIPT), str(path), "--ruleset", ruleset],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def documented_queries() -> set[str]:
    return set(re.findall(r"^\|\s*(\d{3,4}Q)\s*\|", DOCS.read_text(), flags=re.MULTILINE))


def _demo_casework() -> None:
    """The demo's own casework history; while the demo has none, the stories of history.py
    are written for its children by its own social work staff."""
    if Episode.objects.exists():
        return
    agency = social_care_agency()
    worker = User.objects.filter(agency=agency, role=Role.SOCIAL_WORKER).first()
    manager = User.objects.filter(agency=agency, role=Role.TEAM_MANAGER).first() or worker
    assert worker is not None and manager is not None
    team = worker.team or Team.objects.filter(agency=agency).first()
    assert team is not None
    children = list(
        Person.objects.filter(
            kind=Person.Kind.CHILD,
            date_of_birth__gte=dt.date(2009, 4, 1),
            date_of_birth__lte=dt.date(2022, 12, 31),
            date_of_death__isnull=True,
        ).order_by("pk")[:11]
    )
    assert len(children) == 11
    stories_write(CaseworkHistory(team=team, worker=worker, manager=manager), children)


@pytest.mark.django_db(transaction=True)
def test_the_demo_districts_2025_return_has_no_dfe_errors(tmp_path):
    call_command("load_demo", size="small", as_of=DEMO_AS_OF)
    _demo_casework()
    path = tmp_path / "cin-2025.xml"
    with path.open("w", encoding="utf-8") as stream:
        summary = census_xml_write(CensusYear(2025), stream)
    assert summary.children >= 10

    status, issues = validator_run(path, "cin2025_26")

    errors = [issue for issue in issues if issue["type"] == "ERROR"]
    assert not errors, json.dumps(errors, indent=2)
    assert status == 0
    undocumented = {i["rule"] for i in issues if i["type"] == "QUERY"} - documented_queries()
    assert not undocumented, f"QUERY results not explained in {DOCS.name}: {undocumented}"


def test_the_validator_reports_an_error_it_finds(tmp_path):
    """The check can fail: a child with two CP plans at once is an ERROR (rule 8940)."""
    path = tmp_path / "broken.xml"
    path.write_text(BROKEN)
    status, issues = validator_run(path, "cin2025_26")
    assert status == 1
    found = {(i["rule"], i["type"], i["child"]) for i in issues}
    assert ("8940", "ERROR", "LA00000042") in found


BROKEN = """<?xml version="1.0" encoding="UTF-8"?>
<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year>
<ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel>
<LEA>999</LEA><SoftwareCode>Sightline</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo>
<DateTime>2026-04-02T09:00:00</DateTime></Source></Header><Children><Child><ChildIdentifiers>
<LAchildID>LA00000042</LAchildID><UPNunknown>UN5</UPNunknown><PersonBirthDate>2014-01-01</PersonBirthDate>
<Sex>F</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities>
<Disability>NONE</Disability></Disabilities></ChildCharacteristics><CINdetails>
<CINreferralDate>2025-05-01</CINreferralDate><ReferralSource>6</ReferralSource>
<PrimaryNeedCode>N1</PrimaryNeedCode><Section47><S47ActualStartDate>2025-05-02</S47ActualStartDate>
<InitialCPCtarget>2025-05-23</InitialCPCtarget><DateOfInitialCPC>2025-05-19</DateOfInitialCPC>
<ICPCnotRequired>0</ICPCnotRequired></Section47><ReferralNFA>0</ReferralNFA><ChildProtectionPlans>
<CPPstartDate>2025-05-19</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP>
</ChildProtectionPlans><ChildProtectionPlans><CPPstartDate>2025-05-19</CPPstartDate>
<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
<NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans></CINdetails></Child></Children>
</Message>
"""
