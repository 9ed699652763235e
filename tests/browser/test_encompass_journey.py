"""Operation Encompass: a police feed brings a domestic abuse incident with two children at two
schools. Each school's designated safeguarding lead finds it in their inbox (the e-mail names
nobody), opens it (the read is in the audit trail), sees the child, the police reference and
the deadline, and acknowledges; the partnership officer sees the month's measures and the
school calendars. Every page passes axe."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from sightline.core.models import AuditEntry
from sightline.sharing.encompass.models import EncompassNotice
from sightline.sharing.tests import encompass_builders as b
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_both_schools_are_told_and_both_dsls_acknowledge(
    site, agencies, school_dsl, partnership_officer, tmp_path
):
    highfell = b.school("sch-highfell", "Highfell High School")
    hazel = b.dsl(highfell, "dsl.hazel")
    lily = b.pupil("Lily", "2016-01-04", agencies["school"], record="WYP-553")
    noah = b.pupil("Noah", "2011-06-20", highfell, record="WYP-554")
    occurred = timezone.now() - dt.timedelta(hours=2)
    line = {
        "feed": "1",
        "source": "police",
        "event_id": "DA-2026-007001",
        "type": "domestic_abuse_incident",
        "occurred_at": occurred.isoformat(),
        "summary": "Neighbour called police; Corwin Blackthorpe shouting at Dana.",
        "people": [
            {
                "role": "victim",
                "record_id": "WYP-551",
                "given_name": "Dana",
                "family_name": "Testmother",
                "date_of_birth": "1990-02-11",
            },
            {
                "role": "perpetrator",
                "record_id": "WYP-552",
                "given_name": "Corwin",
                "family_name": "Blackthorpe",
                "date_of_birth": "1988-07-30",
            },
            {
                "role": "child",
                "record_id": "WYP-553",
                "given_name": "Lily",
                "family_name": "Testpupil",
                "date_of_birth": "2016-01-04",
            },
            {
                "role": "child",
                "record_id": "WYP-554",
                "given_name": "Noah",
                "family_name": "Testpupil",
                "date_of_birth": "2011-06-20",
            },
        ],
        "details": {"child_present": True, "risk_level": "standard", "location": "The home"},
    }
    feed = tmp_path / "police.jsonl"
    feed.write_text(json.dumps(line) + "\n")
    call_command("import_events", str(feed), stdout=StringIO())

    notices = {n.child: n for n in EncompassNotice.objects.select_related("school")}
    assert {c: n.school for c, n in notices.items()} == {lily: agencies["school"], noah: highfell}
    to_schools = [m for m in mail.outbox if m.to[0] in (school_dsl.email, hazel.email)]
    assert len(to_schools) == 2
    for email in to_schools:
        assert "Lily" not in email.body + email.subject and "Noah" not in email.body
    assert {m.to[0] for m in mail.outbox} >= {school_dsl.email, hazel.email}

    for username, child in (("dsl.cedar", "Lily Testpupil"), ("dsl.hazel", "Noah Testpupil")):
        site.sign_in(username, PASSWORD)
        expect(site.page.locator("#notifications-unread")).to_have_text("1 unread")
        site.page.get_by_role("link", name="Notifications").click()
        main = site.page.locator("main")
        expect(main).to_contain_text("Operation Encompass")
        site.check_accessibility()
        main.get_by_role("link", name="Operation Encompass").first.click()
        main = site.page.locator("main")
        expect(main).to_contain_text(f"Child: {child}")
        expect(main).to_contain_text("Police reference: DA-2026-007001")
        expect(main).to_contain_text("the start of the next school day")
        expect(main).not_to_contain_text("Corwin")
        site.check_accessibility()
        site.page.get_by_role("button", name="Acknowledge").click()
        expect(site.page.get_by_role("alert")).to_contain_text("Acknowledged")
        expect(site.page.locator("main")).to_contain_text("Acted on")
        site.check_accessibility()
        site.sign_out()

    for notice in EncompassNotice.objects.all():
        assert notice.acknowledged_at is not None
        [notification] = notice.notifications.all()
        assert AuditEntry.objects.filter(
            action="networknotification.viewed", object_id=str(notification.pk)
        ).exists()

    site.sign_in("po.larch", PASSWORD)
    site.check_accessibility()
    site.page.locator("main").get_by_role("link", name="Operation Encompass").click()
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Operation Encompass")
    expect(site.page.locator("#measure-notices")).to_have_text("2")
    expect(site.page.locator("#measure-unacknowledged")).to_have_text("0")
    expect(site.page.locator("#measure-undeliverable")).to_have_text("0")
    site.check_accessibility()
    site.page.get_by_role("link", name="School calendars").click()
    expect(site.page.get_by_role("heading", level=1)).to_have_text("School calendars")
    site.check_accessibility()
