"""Every persona crawls the demo district: no leak, no internal code, no ISO date.

The small demo district is loaded (every app's records, as `make run` shows them), a
restricted string (a canary) is planted in one child's chronology, and each demo sign-in
follows every link it is offered, from the home page outwards, as a curious user would
(GET only; downloads included). On every page and download:

- the canary appears only for a persona whose access the people selector grants, and each
  such persona's reads of the child are in the audit trail (ASVS V8 and V16);
- no ISO date (2024-05-02) in the words a person reads: dates read "2 May 2024";
- no internal code in the words a person reads: audit action codes, rule codes, agency
  record codes (`csc:LA00001378`).

E-mails sent while the district loaded are searched for the canary too.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.core import mail
from django.test import Client

from sightline.accounts.models import Agency, User
from sightline.core.audit_words import ACTION_WORDS
from sightline.core.models import AuditEntry
from sightline.demo.loader import district_load
from sightline.demo.organisations import DEMO_USERS
from sightline.people.models import Person
from sightline.people.selectors import person_visible
from sightline.testing import chronology as c

AS_OF = dt.date(2026, 3, 31)
CANARY = "Kestrelcanary-7Q4X"  # a restricted detail no one without access may ever read
PAGES_PER_PERSONA = 150
SAME_SHAPE = 3  # pages of one shape (ids aside) visited per persona

ISO_DATE = re.compile(r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b")
RECORD_CODE = re.compile(r"\b[a-z][a-z0-9-]*:[A-Z]{2}\d{5,}\b")
TAG = re.compile(r"<[^>]+>")
HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
HREF = re.compile(r'href="([^"#][^"]*)"')
SKIP = ("/accounts/sign-out", "/static/", "/api/", "/admin/", "/accounts/two-factor")


def readable(body: str) -> str:
    """The words of a page a person reads (not its markup, attributes or scripts)."""
    return html.unescape(TAG.sub(" ", HIDDEN.sub(" ", body)))


def shape(url: str) -> str:
    return re.sub(r"\d+", "N", urlparse(url).path)


def rule_codes() -> set[str]:
    from sightline.risk.models import Alert, RuleSetting

    codes = set(Alert.objects.values_list("rule", flat=True).distinct())
    codes |= set(RuleSetting.objects.values_list("code", flat=True))
    return {code for code in codes if "-" in code}


def shown_codes(codes: set[str], words: str) -> list[str]:
    return sorted(
        code for code in codes if re.search(rf"(?<![\w./-]){re.escape(code)}(?![\w/-])", words)
    )


def crawl(client: Client, tried: list[str]) -> dict[str, str]:
    """Every page reachable from the home page by GET, and the `tried` addresses typed in
    directly, as {url: readable words}."""
    seen: dict[str, str] = {}
    shapes: dict[str, int] = {}
    queue = deque([*tried, "/"])
    while queue and len(seen) < PAGES_PER_PERSONA:
        url = queue.popleft()
        if url in seen or any(url.startswith(prefix) for prefix in SKIP):
            continue
        if url not in tried and shapes.get(shape(url), 0) >= SAME_SHAPE:
            continue
        shapes[shape(url)] = shapes.get(shape(url), 0) + 1
        response = client.get(url)
        if response.status_code != 200 or response.streaming:
            seen[url] = ""
            continue
        content_type = response.get("Content-Type", "")
        body = response.content.decode("utf-8", errors="replace")
        if "text/html" not in content_type:
            seen[url] = body if "text" in content_type or "csv" in content_type else ""
            continue
        seen[url] = readable(body)
        main = body.split('id="main-content"', 1)[-1]
        for link in HREF.findall(body if url == "/" else main):
            link = urldefrag(html.unescape(link))[0]
            if link.startswith("/") and link not in seen:
                queue.append(link)
    return seen


@pytest.mark.django_db
def test_every_persona_crawls_the_district_and_meets_no_leak_no_code_and_no_iso_date():
    district_load(size="small", as_of=AS_OF)
    mail_sent = [message.subject + message.body for message in mail.outbox]

    # A child the demo's social worker holds (so a crawl reaches the record), whom partners
    # without a relationship must never read about.
    worker = User.objects.get(username="social.worker")
    child = (
        Person.objects.filter(
            episodes__lead_social_worker=worker, episodes__closure_date__isnull=True
        )
        .order_by("pk")
        .first()
    )
    assert child is not None
    social_care = Agency.objects.get(code="csc")
    c.event(
        child,
        source=social_care,
        summary=f"Restricted note: {CANARY} (synthetic)",
        occurred_at=dt.date(2026, 3, 2),
    )

    # Every persona also types in the child's addresses: their page, its print view and a
    # search for their name (a persona without access must meet a refusal, not the canary).
    tried = [
        f"/people/{child.pk}/",
        f"/people/{child.pk}/print/",
        f"/people/search/?q={child.family_name}",
    ]
    codes = rule_codes() | {code for code in ACTION_WORDS if "." in code}
    problems: list[str] = []
    readers: list[User] = []
    for spec in DEMO_USERS:
        user = User.objects.get(username=spec.username)
        client = Client()
        client.force_login(user)
        pages = crawl(client, tried)
        assert len(pages) > 3, f"{spec.username} reached almost nothing"
        may_see = person_visible(user=user, person=child)
        for url, words in pages.items():
            if CANARY in words:
                if not may_see:
                    problems.append(f"{spec.username} read the canary at {url}")
                elif user not in readers:
                    readers.append(user)
            for date in sorted(set(ISO_DATE.findall(words)))[:2]:
                problems.append(f"{spec.username} sees an ISO date {date} at {url}")
            for code in sorted(set(RECORD_CODE.findall(words)))[:2]:
                problems.append(f"{spec.username} sees an agency record code {code} at {url}")
            for code in shown_codes(codes, words)[:2]:
                problems.append(f"{spec.username} sees the internal code {code} at {url}")

    assert not [text for text in mail_sent if CANARY in text]
    assert worker in readers, "the crawl never reached the child's record: it proves nothing"
    for reader in readers:
        assert AuditEntry.objects.filter(
            actor=reader, person_id=child.pk, kind=AuditEntry.Kind.READ
        ).exists(), f"{reader.username} read the child's record and it is not in the trail"
    assert not problems, "\n".join(problems)
