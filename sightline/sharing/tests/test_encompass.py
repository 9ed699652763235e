"""Operation Encompass (DOMAIN.md T10): a police domestic abuse incident reaches each child's
school before the start of the next school day, with what the guidance asks and nothing more
about the perpetrator; the home-educated child's to the local authority, the unknown school's
to the front door; the DSL acknowledges; a late one raises encompass-notification-late."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from sightline.core.models import AuditEntry
from sightline.people.models import Relationship
from sightline.people.services import address_add
from sightline.risk import engine
from sightline.sharing.encompass import alerts
from sightline.sharing.encompass.calendar import next_school_day_start
from sightline.sharing.encompass.models import EncompassNotice
from sightline.sharing.encompass.services import (
    calendar_rows_read,
    encompass_acknowledge,
    encompass_notify_event,
    pupil_roll_record,
    school_calendars_load,
)
from sightline.sharing.models import NetworkNotification
from sightline.sharing.tests import encompass_builders as b
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db

CALENDAR = """school,kind,first_day,last_day,name,day_starts
school,term,2025-09-03,2025-10-24,Autumn first half,08:45
school,term,2025-11-03,2025-12-19,Autumn second half,
school,inset,2025-11-03,2025-11-03,Staff training,
school,term,2026-01-05,2026-02-13,Spring first half,
"""


def load(text: str = CALENDAR) -> None:
    school_calendars_load(actor="test", rows=calendar_rows_read(text))


@pytest.fixture
def family(agencies):  # type: ignore[no-untyped-def]
    mother = f.adult(given_name="Dana", family_name="Testmother")
    partner = f.adult(
        given_name="Corwin", family_name="Blackthorpe", date_of_birth=dt.date(1991, 2, 3)
    )
    return mother, partner


def notify(event) -> list[EncompassNotice]:  # type: ignore[no-untyped-def]
    return encompass_notify_event(event.pk)


# Deadlines -------------------------------------------------------------------------------------


def test_an_incident_on_friday_night_is_due_before_school_on_monday(agencies, family, school_dsl):
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    event = b.incident(
        agencies, b.at("2025-11-07", "23:10"), (family[0], "victim"), (child, "child")
    )
    [notice] = notify(event)
    assert notice.due_at == b.at("2025-11-10", "08:30")
    assert notice.route == EncompassNotice.Route.SCHOOL and notice.school == agencies["school"]


def test_a_bank_holiday_monday_is_not_a_school_day(agencies, family, school_dsl):
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    event = b.incident(agencies, b.at("2026-05-01", "19:00"), (child, "child"))  # Early May
    [notice] = notify(event)
    assert notice.due_at == b.at("2026-05-05", "08:30")


def test_the_school_holiday_and_the_inset_day_at_its_end_are_skipped(agencies, school_dsl):
    load()
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    event = b.incident(agencies, b.at("2025-10-24", "18:00"), (child, "child"))
    [notice] = notify(event)
    # Half term 27-31 October, INSET day Monday 3 November: Tuesday 4 November, 08:45.
    assert notice.due_at == b.at("2025-11-04", "08:45")


def test_an_incident_in_the_small_hours_of_a_school_day_is_due_that_morning(agencies, school_dsl):
    load()
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    event = b.incident(agencies, b.at("2025-11-12", "02:15"), (child, "child"))
    [notice] = notify(event)
    assert notice.due_at == b.at("2025-11-12", "08:45")


def test_each_child_is_due_by_their_own_schools_calendar(agencies, school_dsl):
    load()  # Millbrook's calendar; Highfell has none: every working day is a school day
    highfell = b.school("sch-highfell", "Highfell Primary School")
    b.dsl(highfell, "dsl.hazel")
    at_millbrook = b.pupil("Lily", "2017-01-04", agencies["school"])
    at_highfell = b.pupil("Noah", "2015-06-20", highfell)
    event = b.incident(
        agencies, b.at("2025-10-24", "18:00"), (at_millbrook, "child"), (at_highfell, "child")
    )
    due = {n.school.code: n.due_at for n in notify(event)}
    assert due == {
        "school": b.at("2025-11-04", "08:45"),
        "sch-highfell": b.at("2025-10-27", "08:30"),
    }


def test_days_after_the_last_term_loaded_count_as_school_days(agencies):
    load()
    moment = b.at("2026-02-20", "18:00")  # after Spring first half, no later term loaded
    assert next_school_day_start(agencies["school"], moment) == b.at("2026-02-23", "08:45")


# Who is told -------------------------------------------------------------------------------------


def test_children_from_reception_to_17_related_to_either_adult_are_told_present_or_not(
    agencies, family, school_dsl
):
    mother, partner = family
    reception = b.pupil("Ada", "2021-09-01", agencies["school"])  # 4 on 1 September 2025
    nursery = b.pupil("Bea", "2021-09-02", agencies["school"])  # 3 on 1 September 2025
    seventeen = b.pupil("Cal", "2008-11-08", agencies["school"])  # 16 on the day
    eighteen = b.pupil("Dee", "2007-11-07", agencies["school"])  # 18 on the day
    Relationship.objects.create(person=mother, relative=reception, kind="mother")
    Relationship.objects.create(person=mother, relative=nursery, kind="mother")
    Relationship.objects.create(person=partner, relative=seventeen, kind="father")
    Relationship.objects.create(person=partner, relative=eighteen, kind="father")
    lives_there = b.pupil("Eli", "2014-03-03", agencies["school"])
    address_add(
        actor="test",
        person=partner,
        line="4 Mill Lane",
        postcode="BD21 4QA",
        moved_in=dt.date(2024, 1, 1),
    )
    address_add(
        actor="test",
        person=lives_there,
        line="4 Mill Lane",
        postcode="BD21 4QA",
        moved_in=dt.date(2024, 1, 1),
    )
    b.pupil("Fay", "2014-03-03", agencies["school"])  # no tie to either adult
    event = b.incident(
        agencies, b.at("2025-11-07", "23:10"), (mother, "victim"), (partner, "perpetrator")
    )
    told = {n.child.given_name for n in notify(event)}
    assert told == {"Ada", "Cal", "Eli"}


def test_the_school_is_found_from_the_schools_own_record_when_no_roll_names_it(
    agencies, school_dsl
):
    from sightline.people.services import source_record_link

    child = b.pupil("Lily", "2017-01-04")
    source_record_link(actor="test", person=child, agency=agencies["school"], record_id="MPS-1")
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child")))
    assert notice.school == agencies["school"]
    assert set(notice.notifications.values_list("recipient__username", flat=True)) == {"dsl.cedar"}


def test_the_dsl_and_deputy_are_both_told(agencies, school_dsl):
    b.dsl(agencies["school"], "dsl.deputy")
    f.user(agencies["school"], "practitioner", "other", username="teacher.ash")
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child")))
    assert set(notice.notifications.values_list("recipient__username", flat=True)) == {
        "dsl.cedar",
        "dsl.deputy",
    }


def test_a_home_educated_child_goes_to_the_elective_home_education_officer(agencies, school_dsl):
    officer = f.user(agencies["csc"], "practitioner", "education_services", username="ehe.rowan")
    child = b.pupil("Lily", "2017-01-04")
    pupil_roll_record(actor="test", person=child, home_educated=True, started=dt.date(2024, 9, 1))
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child")))
    assert notice.route == EncompassNotice.Route.HOME_EDUCATION
    assert [n.recipient for n in notice.notifications.all()] == [officer]
    assert notice.due_at == b.at("2025-11-10", "09:00")  # the local authority's next working day


def test_a_child_with_no_known_school_is_front_door_work_the_same_day(
    agencies, ifd_practitioner, school_dsl, time_machine
):
    time_machine.move_to(b.at("2025-11-08", "03:00"), tick=False)
    child = b.pupil("Lily", "2017-01-04")
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child")))
    assert notice.route == EncompassNotice.Route.FRONT_DOOR
    [told] = notice.notifications.all()
    assert told.recipient == ifd_practitioner and told.urgent
    assert timezone.localtime(told.due_at).date() == dt.date(2025, 11, 8)


def test_a_school_with_no_dsl_in_sightline_is_undeliverable_and_the_front_door_is_told(
    agencies, ifd_practitioner
):
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child")))
    assert "no designated safeguarding lead" in notice.undeliverable
    assert not notice.notifications.exists()
    assert NetworkNotification.objects.get(kind="encompass").recipient == ifd_practitioner


def test_the_same_incident_twice_tells_nobody_twice(agencies, school_dsl):
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    event = b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child"))
    assert len(notify(event)) == 1
    assert notify(event) == []
    assert NetworkNotification.objects.filter(kind="encompass").count() == 1


def test_an_incident_sent_by_another_agency_is_not_encompass(agencies, school_dsl):
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    event = b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child"))
    event.source = agencies["health"]
    event.save()
    assert notify(event) == []


# What they are told ------------------------------------------------------------------------------


def test_the_content_is_what_the_guidance_asks_and_names_no_perpetrator(
    agencies, family, school_dsl
):
    mother, partner = family
    child = b.pupil("Lily", "2017-01-04", agencies["school"], record="WYP-553")
    event = b.incident(
        agencies,
        b.at("2025-11-07", "23:10"),
        (mother, "victim"),
        (partner, "perpetrator"),
        (child, "child"),
        summary="Corwin Blackthorpe pushed Dana; BLACKTHORPE left before police arrived.",
        location="The family home, kitchen",
        children=[
            {
                "record_id": "WYP-553",
                "present": True,
                "where": "upstairs in her bedroom",
                "said": "I hid under the covers",
                "said_in_presence_of": "PC Ash and her mother",
            }
        ],
    )
    # the police record the child under their own id
    event.participants.filter(person=child).update(
        source_record=child.source_records.get(record_id="WYP-553")
    )
    [notice] = notify(event)
    detail = notice.notifications.get().detail
    for expected in (
        "Child: Lily Testpupil",
        "Date of birth: 4 January 2017",
        f"Police reference: {event.source_event_id} (Northmoor Police)",
        "When: 7 November 2025 at 11:10pm",
        "Where: The family home, kitchen",
        "Was the child present: Yes, upstairs in her bedroom",
        "What the child said: “I hid under the covers” "
        "(said in the presence of PC Ash and her mother)",
        "Circumstances in brief: [name withheld] [name withheld] pushed Dana; [name withheld] left",
    ):
        assert expected in detail
    assert "Corwin" not in detail and "Blackthorpe".lower() not in detail.lower()
    assert "1991" not in detail and "3 February" not in detail
    email = notice.notifications.get().email
    assert "Lily" not in email.body + email.subject


# Acknowledgement ---------------------------------------------------------------------------------


def test_the_dsl_acknowledges_and_the_notification_is_acted_on(agencies, school_dsl):
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child")))
    encompass_acknowledge(actor=school_dsl, notice=notice)
    notice.refresh_from_db()
    assert notice.acknowledged_by == school_dsl and notice.acknowledged_at is not None
    assert notice.notifications.get().acted_at is not None
    assert AuditEntry.objects.filter(
        action="encompass.acknowledged", actor_id=school_dsl.pk
    ).exists()


def test_nobody_else_may_acknowledge(agencies, school_dsl, health_visitor):
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child")))
    with pytest.raises(ValidationError, match="addressed to someone else"):
        encompass_acknowledge(actor=health_visitor, notice=notice)
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


# T10 ---------------------------------------------------------------------------------------------


def _late(as_of: str) -> list[int]:
    return [
        i.person_id
        for i in engine.compute(as_of=dt.date.fromisoformat(as_of))
        if i.rule == "encompass-notification-late"
    ]


def test_t10_fires_when_the_school_was_not_told_before_the_school_day(
    agencies, school_dsl, time_machine
):
    time_machine.move_to(b.at("2025-11-07", "23:11"), tick=False)
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child")))
    assert _late("2025-11-09") == []  # Sunday: not due yet
    assert _late("2025-11-10") == [child.pk]  # never delivered by Monday 08:30


def test_t10_does_not_fire_when_delivered_in_time_and_ends_when_delivered_late(
    agencies, school_dsl, time_machine
):
    time_machine.move_to(b.at("2025-11-07", "23:11"), tick=False)
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child")))
    email = notice.notifications.get().email
    email.sent_at = b.at("2025-11-07", "23:12")
    email.save()
    assert _late("2025-11-12") == []
    email.sent_at = b.at("2025-11-10", "10:00")  # after the start of school on Monday
    email.save()
    assert _late("2025-11-12") == [child.pk]
    ended = alerts.notice_delivered(child.pk, dt.date(2025, 11, 10), dt.date(2025, 11, 12))
    assert ended is not None and ended.on == dt.date(2025, 11, 10) and ended.completed


def test_t10_is_a_computable_timescale_now(agencies):
    from sightline.risk import catalogue

    rule = catalogue.BY_CODE["encompass-notification-late"]
    assert rule.computable and not rule.waits_for


# The feed, the calendar file and the command line -------------------------------------------------


def test_a_police_feed_line_reaches_the_school_through_the_worker(
    agencies, school_dsl, tmp_path, django_capture_on_commit_callbacks
):
    child = b.pupil("Lily", "2017-01-04", agencies["school"], record="WYP-553")
    line = {
        "feed": "1",
        "source": "police",
        "event_id": "DA-2025-004411",
        "type": "domestic_abuse_incident",
        "occurred_at": "2025-11-07T23:10:00+00:00",
        "summary": "Neighbour called police; shouting.",
        "people": [
            {
                "role": "victim",
                "record_id": "WYP-551",
                "given_name": "Dana",
                "family_name": "Testmother",
            },
            {
                "role": "child",
                "record_id": "WYP-553",
                "given_name": "Lily",
                "family_name": "Testpupil",
                "date_of_birth": "2017-01-04",
            },
        ],
        "details": {"child_present": False},
    }
    feed = tmp_path / "police.jsonl"
    feed.write_text(json.dumps(line) + "\n")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_events", str(feed), stdout=StringIO())
    [notice] = EncompassNotice.objects.all()
    assert notice.child == child and notice.event.source_event_id == "DA-2025-004411"
    out = StringIO()
    call_command("notifications", "--format", "json", stdout=out)
    [row] = [r for r in json.loads(out.getvalue()) if r["kind"] == "encompass"]
    assert row["recipient"] == "dsl.cedar" and row["person_ids"] == [child.pk]
    assert row["due_at"] == "2025-11-10T08:30:00+00:00"


def test_a_calendar_file_with_mistakes_is_refused_with_every_mistake_and_its_line(
    agencies, tmp_path
):
    bad = tmp_path / "calendars.csv"
    bad.write_text(
        "school,kind,first_day,last_day,name\n"
        "nowhere,term,2025-09-03,2025-10-24,Autumn\n"
        "school,holiday,2025-10-27,2025-10-31,Half term\n"
        "school,term,2025-11-03,2025-10-01,Backwards\n"
        "school,inset,3 Nov 2025,2025-11-03,Training\n"
    )
    with pytest.raises(CommandError) as refused:
        call_command("school-calendar", "load", str(bad), stdout=StringIO())
    message = str(refused.value)
    assert "Line 2: “nowhere” is not the code of a school" in message
    assert "Line 3: kind “holiday”" in message
    assert "Line 4: the last day is before the first day" in message
    assert "Line 5: first_day “3 Nov 2025” is not a date" in message


def test_loading_a_calendar_again_replaces_the_schools_year(agencies, tmp_path):
    good = tmp_path / "calendars.csv"
    good.write_text(CALENDAR)
    out = StringIO()
    call_command("school-calendar", "load", str(good), stdout=out)
    assert "school: 4 terms and closures" in out.getvalue()
    good.write_text(
        "school,kind,first_day,last_day,name\nschool,term,2026-01-05,2026-02-13,Spring\n"
    )
    call_command("school-calendar", "load", str(good), stdout=StringIO())
    calendar = agencies["school"].school_calendar
    assert list(calendar.periods.values_list("name", flat=True)) == ["Spring"]
    assert calendar.day_starts == dt.time(8, 45)  # kept from the first load


def test_the_partnership_may_change_the_ages_told(agencies, school_dsl):
    from sightline.risk.models import RuleSetting

    RuleSetting.objects.create(
        code="encompass-notification-late", parameters={"min_age": 5, "max_age": 15}
    )
    four = b.pupil("Ada", "2021-08-01", agencies["school"])  # 4 on 1 September 2025
    fifteen = b.pupil("Ben", "2010-01-01", agencies["school"])
    sixteen = b.pupil("Cal", "2009-01-01", agencies["school"])
    event = b.incident(
        agencies,
        b.at("2025-11-07", "23:10"),
        (four, "child"),
        (fifteen, "child"),
        (sixteen, "child"),
    )
    assert {n.child for n in notify(event)} == {fifteen}


# Pages and measures ----------------------------------------------------------------------------


def test_the_dsl_opens_it_the_read_is_recorded_and_they_acknowledge_on_the_page(
    agencies, school_dsl, client
):
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child")))
    notification = notice.notifications.get()
    client.force_login(school_dsl)
    page = client.get(f"/notifications/{notification.pk}/").content.decode()
    assert "Child: Lily Testpupil" in page and "Acknowledge</button>" in page
    assert "10 November 2025" in page and "08:30" in page
    assert AuditEntry.objects.filter(
        action="networknotification.viewed", object_id=str(notification.pk), actor_id=school_dsl.pk
    ).exists()
    response = client.post(f"/encompass/notices/{notice.pk}/acknowledge/")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_by == school_dsl
    page = client.get(f"/notifications/{notification.pk}/").content.decode()
    assert "Acknowledged by" in page and "Acknowledge</button>" not in page


def test_someone_else_cannot_acknowledge_through_the_page(
    agencies, school_dsl, client, health_visitor
):
    child = b.pupil("Lily", "2017-01-04", agencies["school"])
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (child, "child")))
    client.force_login(health_visitor)
    assert client.post(f"/encompass/notices/{notice.pk}/acknowledge/").status_code == 404
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_the_months_measures(
    agencies, school_dsl, ifd_practitioner, partnership_officer, time_machine
):
    from sightline.sharing.encompass.selectors import encompass_measures

    highfell = b.school("sch-highfell", "Highfell Primary School")  # no DSL: undeliverable
    on_time, late, unread = (b.pupil(n, "2016-01-04", agencies["school"]) for n in ("A", "B", "C"))
    nowhere = b.pupil("D", "2016-01-04", highfell)
    no_school = b.pupil("E", "2016-01-04")
    sent = {}
    for child, moment, delivered in (
        (on_time, "2025-11-03 18:00", "2025-11-03 18:30"),  # due Tuesday 08:30: 30 minutes
        (late, "2025-11-04 18:00", "2025-11-05 09:00"),  # due Wednesday 08:30: late
        (unread, "2025-11-05 18:00", "2025-11-05 19:30"),  # 90 minutes
        (nowhere, "2025-11-06 18:00", None),
        (no_school, "2025-11-06 18:00", None),
    ):
        day, time = moment.split()
        time_machine.move_to(b.at(day, time), tick=False)
        [notice] = notify(b.incident(agencies, b.at(day, time), (child, "child")))
        for n in notice.notifications.all():
            if delivered:
                n.email.sent_at = b.at(*delivered.split())
                n.email.save()
        sent[child.given_name] = notice
    encompass_acknowledge(actor=school_dsl, notice=sent["A"])
    encompass_acknowledge(actor=school_dsl, notice=sent["B"])
    time_machine.move_to(b.at("2025-11-20", "12:00"), tick=False)
    m = encompass_measures(user=partnership_officer, month_start=dt.date(2025, 11, 1))
    assert (m.notices, m.no_school, m.undeliverable, m.unacknowledged) == (4, 1, 1, 1)
    assert m.on_time == 2 and m.on_time_share == 0.5  # A and C of A, B, C and D
    assert m.median_delay == dt.timedelta(minutes=90)  # 30 minutes, 90 minutes, 15 hours
    assert (
        encompass_measures(user=partnership_officer, month_start=dt.date(2025, 10, 1)).notices == 0
    )


def test_the_roll_of_a_record_merged_into_the_child_finds_the_school(agencies, school_dsl):
    from sightline.linkage.changes import person_merge

    on_roll = b.pupil("Lily", "2017-01-04", agencies["school"])
    named = b.pupil("Lilly", "2017-01-04")
    person_merge(actor="test", survivor=named, merged=on_roll, reason="The same child")
    [notice] = notify(b.incident(agencies, b.at("2025-11-07", "23:10"), (named, "child")))
    assert notice.route == EncompassNotice.Route.SCHOOL and notice.school == agencies["school"]
