"""Writes of Operation Encompass: a police domestic abuse incident told to each child's school
(DOMAIN.md T10), the acknowledgement, school calendars and the pupil roll.

`encompass_notify_event` runs in the worker after the feed's batch commits (tasks.py). For
each child aged from reception (4 on the 1 September that began the school year) to 17 who
was named in the incident or is related to, or lives with, either adult in it (present or
not), it writes one `EncompassNotice` and a `NetworkNotification` to each intended recipient:

- the designated safeguarding leads (and deputies: every active user of the school with the
  profession "designated safeguarding lead") of the child's school, found from the pupil roll
  on the day of the incident, else from the child's records held by a school (linkage), due
  before the start of the school's next school day (calendar.py);
- for a child educated at home, the local authority's elective home education officers
  (users with the profession "education services officer"), due at the start of the next
  working day;
- for a child with no known school, the front door, due the same day.

A school with no designated safeguarding lead in Sightline cannot be told: the notice says so
(`undeliverable`) and the front door is told instead, the same day. Nothing is dropped.

The content is what the statutory guidance asks for and nothing about the perpetrator beyond
the fact of the incident: their names are taken out of the police summary.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from sightline.accounts.models import Agency, Profession, Role, User
from sightline.chronology.models import Event, EventType, Participant
from sightline.core import audit
from sightline.core.notifications import notification_queue
from sightline.core.problems import Problems, refuse
from sightline.core.working_days import LONDON, end_of_day
from sightline.linkage.models import PersonChange
from sightline.people.households import household_members_on
from sightline.people.models import Person, Relationship, SourceRecord
from sightline.risk.engine import Configuration
from sightline.sharing.encompass.calendar import (
    next_office_day_start,
    next_school_day_start,
)
from sightline.sharing.encompass.models import (
    EncompassNotice,
    PupilRollEntry,
    SchoolCalendar,
    SchoolCalendarPeriod,
)
from sightline.sharing.models import NetworkNotification
from sightline.sharing.network.services import (
    EMAIL_SUBJECT,
    HUB_ACTOR,
    notification_mark_acted_on,
)

KIND = "encompass"
TITLE = "Operation Encompass: a domestic abuse incident at a pupil's home"
FRONT_DOOR_TITLE = "Operation Encompass: a child with no known school"
ADULT_ROLES = ("victim", "perpetrator", "mother", "father", "carer", "member", "subject")
RECEPTION_AGE = 4
T10 = "encompass-notification-late"
OLDEST = 17
WITHHELD = "[name withheld]"


# Who is told -----------------------------------------------------------------------------------


def school_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def age_range() -> tuple[int, int]:
    """The ages told (LOCAL: the partnership's `min_age` and `max_age` of T10's rule)."""
    parameters = Configuration.current().parameters.get(T10, {})
    return int(parameters.get("min_age", RECEPTION_AGE)), int(parameters.get("max_age", OLDEST))


def of_encompass_age(
    child: Person, day: dt.date, ages: tuple[int, int] = (RECEPTION_AGE, OLDEST)
) -> bool:
    """From reception (4 on the 1 September that began the school year) to 17 on the day.

    A child named with no date of birth is included: nobody can say they are too young."""
    if child.kind != Person.Kind.CHILD:
        return False
    age_then = child.age_on(school_year_start(day))
    age_now = child.age_on(day)
    if age_then is None or age_now is None:
        return child.date_of_birth is None
    return age_then >= ages[0] and age_now <= ages[1]


def _related_children(adult_ids: list[int], day: dt.date) -> set[int]:
    current = (Q(since__isnull=True) | Q(since__lte=day)) & (
        Q(until__isnull=True) | Q(until__gte=day)
    )
    found: set[int] = set()
    rows = Relationship.objects.filter(current).filter(
        Q(person_id__in=adult_ids) | Q(relative_id__in=adult_ids)
    )
    for person_id, relative_id in rows.values_list("person_id", "relative_id"):
        found.update({person_id, relative_id})
    for adult in Person.objects.filter(pk__in=adult_ids):
        found.update(p.pk for p in household_members_on(person=adult, day=day))
    return found - set(adult_ids)


def incident_children(event: Event) -> list[Person]:
    """The children of the incident of Operation Encompass age: those named as children and
    those related to, or living with, either adult in it."""
    day = timezone.localtime(event.occurred_at, LONDON).date()
    roles = list(event.participants.values_list("person_id", "role", "person__kind"))
    named = {pid for pid, role, _ in roles if role == "child"}
    adults = sorted(
        {pid for pid, role, kind in roles if role in ADULT_ROLES and kind == Person.Kind.ADULT}
    )
    candidates = named | _related_children(adults, day)
    children = Person.objects.filter(pk__in=candidates, kind=Person.Kind.CHILD).order_by("pk")
    ages = age_range()
    return [c for c in children if of_encompass_age(c, day, ages)]


@dataclass(frozen=True)
class Destination:
    route: str
    school: Agency | None
    found_by: str  # in words, for the notice's reason


def _merged_into(person_id: int) -> set[int]:
    """The person and everyone merged into them (and not undone): their roll entries stay
    with the record they were made for."""
    found = {person_id}
    frontier = {person_id}
    while frontier:
        frontier = (
            set(
                PersonChange.objects.filter(
                    kind=PersonChange.Kind.MERGE, undone_at__isnull=True, to_person_id__in=frontier
                ).values_list("from_person_id", flat=True)
            )
            - found
        )
        found |= frontier
    return found


def destination_of(child: Person, day: dt.date) -> Destination:
    """The pupil roll on the day first (dated, kept by the schools and the local authority),
    then the child's records held by a school (linkage), newest first."""
    entry = (
        PupilRollEntry.objects.filter(person_id__in=_merged_into(child.pk))
        .filter(Q(started__isnull=True) | Q(started__lte=day))
        .filter(Q(left__isnull=True) | Q(left__gt=day))
        .select_related("school")
        .order_by("-started", "-pk")
        .first()
    )
    if entry is not None and entry.home_educated:
        return Destination(EncompassNotice.Route.HOME_EDUCATION, None, "educated at home")
    if entry is not None:
        return Destination(EncompassNotice.Route.SCHOOL, entry.school, "on the school's roll")
    record = (
        SourceRecord.objects.filter(person=child, agency__kind=Agency.Kind.SCHOOL)
        .select_related("agency")
        .order_by("-created_at", "-pk")
        .first()
    )
    if record is not None:
        return Destination(EncompassNotice.Route.SCHOOL, record.agency, "the school's own record")
    return Destination(EncompassNotice.Route.FRONT_DOOR, None, "no school known")


def school_leads(school: Agency) -> list[User]:
    return list(
        User.objects.filter(agency=school, profession=Profession.DSL, is_active=True).order_by("pk")
    )


def home_education_officers() -> list[User]:
    return list(
        User.objects.filter(profession=Profession.EDUCATION_SERVICES, is_active=True).order_by("pk")
    )


def front_door_users() -> list[User]:
    return list(
        User.objects.filter(
            role__in=[Role.IFD_PRACTITIONER, Role.IFD_MANAGER], is_active=True
        ).order_by("pk")
    )


# What they are told ----------------------------------------------------------------------------


def _said(value: object, limit: int = 500) -> str:
    return " ".join(str(value).split())[:limit] if isinstance(value, str | int | float) else ""


def _child_details(event: Event, child: Person) -> dict[str, object]:
    """The incident's details about this child: `details.children` entries (by the police's
    record id of the child), else the incident's own `child_present`."""
    details = event.details if isinstance(event.details, dict) else {}
    record_ids = set(
        Participant.objects.filter(
            event=event, person=child, source_record__isnull=False
        ).values_list("source_record__record_id", flat=True)
    )
    for entry in details.get("children") or []:
        if isinstance(entry, dict) and entry.get("record_id") in record_ids:
            return entry
    return {"present": details.get("child_present")}


def _perpetrator_names(event: Event) -> set[str]:
    names: set[str] = set()
    for participant in event.participants.filter(role="perpetrator").select_related(
        "person", "source_record"
    ):
        for value in (participant.person.given_name, participant.person.family_name):
            names.add(value)
        if participant.source_record is not None:
            names.add(participant.source_record.given_name)
            names.add(participant.source_record.family_name)
    return {n.strip() for n in names if n and len(n.strip()) > 1}


def circumstances(event: Event) -> str:
    """The police summary with the perpetrator's names taken out."""
    text = " ".join(event.summary.split())
    for name in sorted(_perpetrator_names(event), key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", WITHHELD, text, flags=re.IGNORECASE)
    return text or "The police gave no summary."


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _moment(value: dt.datetime) -> str:
    local = timezone.localtime(value, LONDON)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{_day(local.date())} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace(
        "PM", "pm"
    )


def notice_content(event: Event, child: Person) -> str:
    about = _child_details(event, child)
    details = event.details if isinstance(event.details, dict) else {}
    present = about.get("present")
    presence = {True: "Yes", False: "No"}.get(present, "Not recorded by the police")  # type: ignore[call-overload]
    where_child = _said(about.get("where"))
    if where_child:
        presence += f", {where_child}"
    said = _said(about.get("said"))
    said_to = _said(about.get("said_in_presence_of"), 200)
    if said:
        voice = f"“{said}”" + (f" (said in the presence of {said_to})" if said_to else "")
    else:
        voice = "Nothing recorded"
    born = _day(child.date_of_birth) if child.date_of_birth else "Not known"
    reference = event.source_event_id or f"Sightline event {event.pk}"
    lines = [
        f"Child: {child.full_name}",
        f"Date of birth: {born}",
        f"Police reference: {reference} ({event.source.name})",
        f"When: {_moment(event.occurred_at)}",
        f"Where: {_said(details.get('location'), 300) or 'Not given by the police'}",
        f"Was the child present: {presence}",
        f"What the child said: {voice}",
        f"Circumstances in brief: {circumstances(event)}",
    ]
    return "\n".join(lines)


# Writing ---------------------------------------------------------------------------------------


def _email_body(notification: NetworkNotification) -> str:
    link = settings.SITE_URL + reverse("sharing:notification", args=[notification.pk])
    return (
        "Sightline has an Operation Encompass notification for you. Sign in to read it "
        "before the start of the school day:\n\n"
        f"{link}\n\n"
        "This e-mail does not say whom it is about: the details are in Sightline only."
    )


def _tell(
    *,
    users: Iterable[User],
    reason: str,
    title: str,
    detail: str,
    child: Person,
    now: dt.datetime,
    due_at: dt.datetime,
    urgent: bool,
) -> list[NetworkNotification]:
    made = []
    for user in users:
        notification = NetworkNotification.objects.create(
            recipient=user,
            kind=KIND,
            title=title,
            asks_for="Read it before the school day starts and acknowledge it",
            detail=detail,
            reason=reason[:200],
            created_at=now,
            due_at=due_at,
            urgent=urgent,
        )
        notification.persons.set([child.pk])
        notification.email = notification_queue(
            subject=EMAIL_SUBJECT,
            body=_email_body(notification),
            recipient_user=user,
            topic="encompass",
            about=notification,
        )
        notification.save(update_fields=["email"])
        audit.record_change(
            actor=HUB_ACTOR,
            action="notification.created",
            target=notification,
            person_id=child.pk,
            detail={"kind": KIND, "recipient": user.pk},
        )
        made.append(notification)
    return made


def _notice_for(event: Event, child: Person, now: dt.datetime) -> EncompassNotice | None:
    day = timezone.localtime(event.occurred_at, LONDON).date()
    where = destination_of(child, day)
    content = notice_content(event, child)
    if where.route == EncompassNotice.Route.SCHOOL:
        assert where.school is not None
        due = next_school_day_start(where.school, event.occurred_at)
        users = school_leads(where.school)
        reason = f"Designated safeguarding lead of {where.school.name} ({where.found_by})"
        missing = f"{where.school.name} has no designated safeguarding lead in Sightline"
    elif where.route == EncompassNotice.Route.HOME_EDUCATION:
        due = next_office_day_start(event.occurred_at)
        users = home_education_officers()
        reason = "Elective home education officer (the child is educated at home)"
        missing = "The local authority has no elective home education officer in Sightline"
    else:
        due = end_of_day(timezone.localtime(now, LONDON).date())
        users = front_door_users()
        reason = "The front door: no school is known for the child"
        missing = "Nobody works at the front door in Sightline"
    try:
        with transaction.atomic():
            notice = EncompassNotice.objects.create(
                event=event,
                child=child,
                route=where.route,
                school=where.school,
                created_at=now,
                due_at=due,
                undeliverable="" if users else missing,
            )
    except IntegrityError:
        return None  # this child of this incident was told already
    title = TITLE if where.route != EncompassNotice.Route.FRONT_DOOR else FRONT_DOOR_TITLE
    if where.route == EncompassNotice.Route.FRONT_DOOR:
        content += "\n\nNo school is known for this child: find out where they go to school."
    made = _tell(
        users=users,
        reason=reason,
        title=title,
        detail=content,
        child=child,
        now=now,
        due_at=due,
        urgent=where.route == EncompassNotice.Route.FRONT_DOOR,
    )
    notice.notifications.set(made)
    if not users and where.route != EncompassNotice.Route.FRONT_DOOR:
        _tell(  # nothing dropped: the front door finds the school another way, today
            users=front_door_users(),
            reason=f"The front door: {missing.lower()}"[:200],
            title=FRONT_DOOR_TITLE if where.school is None else f"{TITLE} (not delivered)",
            detail=content + f"\n\n{missing}: tell the school another way today.",
            child=child,
            now=now,
            due_at=end_of_day(timezone.localtime(now, LONDON).date()),
            urgent=True,
        )
    audit.record_change(
        actor=HUB_ACTOR,
        action="encompass.notice_created",
        target=notice,
        person_id=child.pk,
        detail={"event": event.pk, "route": where.route, "recipients": len(made)},
    )
    return notice


@transaction.atomic
def encompass_notify_event(event_id: int) -> list[EncompassNotice]:
    """The notices of one police domestic abuse incident (none for any other event)."""
    event = Event.objects.select_related("source").filter(pk=event_id).first()
    if (
        event is None
        or event.type != EventType.DOMESTIC_ABUSE_INCIDENT
        or event.source.kind != Agency.Kind.POLICE
    ):
        return []
    now = timezone.now()
    notices = [_notice_for(event, child, now) for child in incident_children(event)]
    return [n for n in notices if n is not None]


@transaction.atomic
def encompass_acknowledge(*, actor: User, notice: EncompassNotice) -> EncompassNotice:
    """The recipient says they have it: the notice is acknowledged (once) and their
    notification acted on."""
    held = EncompassNotice.objects.select_for_update().get(pk=notice.pk)
    mine = held.notifications.filter(recipient=actor).first()
    if mine is None:
        raise ValidationError("This notification is addressed to someone else.")
    if held.acknowledged_at is None:
        held.acknowledged_at = timezone.now()
        held.acknowledged_by = actor
        held.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record_change(
            actor=actor, action="encompass.acknowledged", target=held, person_id=held.child_id
        )
    notification_mark_acted_on(actor=actor, notification=mine)
    return held


# The pupil roll and school calendars -----------------------------------------------------------


@transaction.atomic
def pupil_roll_record(
    *,
    actor: User | str,
    person: Person,
    school: Agency | None = None,
    home_educated: bool = False,
    started: dt.date | None = None,
    left: dt.date | None = None,
) -> PupilRollEntry:
    problems = Problems()
    if home_educated == (school is not None):
        problems.add("school", "Give the school, or say the child is educated at home (not both).")
    if school is not None and school.kind != Agency.Kind.SCHOOL:
        problems.add("school", f"{school.name} is not a school.")
    if started and left and left < started:
        problems.add("left", "The day the child left must be on or after the day they started.")
    refuse(problems.error())
    entry = PupilRollEntry.objects.create(
        person=person,
        school=school,
        home_educated=home_educated,
        started=started,
        left=left,
        recorded_by=str(actor),
        recorded_at=timezone.now(),
    )
    audit.record_change(
        actor=actor, action="pupil_roll.recorded", target=entry, person_id=person.pk
    )
    return entry


CALENDAR_COLUMNS = ("school", "kind", "first_day", "last_day", "name")


@dataclass
class CalendarRow:
    school: Agency
    kind: str
    first_day: dt.date
    last_day: dt.date
    name: str
    day_starts: dt.time | None


def _date(value: str, where: str, column: str, problems: Problems) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        problems.add(None, f"{where}: {column} “{value}” is not a date (write it as 2026-09-03).")
        return None


def calendar_rows_read(text: str) -> list[CalendarRow]:
    """The rows of a calendar CSV (columns school, kind, first_day, last_day, name and, if
    wanted, day_starts), every problem reported at once with its line."""
    problems = Problems()
    if "\x00" in text:
        refuse(ValidationError("The file holds a NUL character: it is not a CSV file."))
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CALENDAR_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        refuse(
            ValidationError(f"The first line must name the columns: missing {', '.join(missing)}.")
        )
    schools = {a.code: a for a in Agency.objects.filter(kind=Agency.Kind.SCHOOL)}
    kinds = dict(SchoolCalendarPeriod.Kind.choices)
    rows: list[CalendarRow] = []
    for number, raw in enumerate(reader, start=2):
        where = f"Line {number}"
        code = (raw.get("school") or "").strip()
        kind = (raw.get("kind") or "").strip().lower()
        school = schools.get(code)
        if school is None:
            problems.add(
                None, f"{where}: “{code}” is not the code of a school registered in Sightline."
            )
        if kind not in kinds:
            problems.add(None, f"{where}: kind “{kind}” must be one of term, inset or closure.")
        first = _date(raw.get("first_day") or "", where, "first_day", problems)
        last = _date(raw.get("last_day") or "", where, "last_day", problems)
        if first and last and last < first:
            problems.add(None, f"{where}: the last day is before the first day.")
        starts_text = (raw.get("day_starts") or "").strip()
        starts = None
        if starts_text:
            try:
                starts = dt.time.fromisoformat(starts_text)
            except ValueError:
                problems.add(None, f"{where}: day_starts “{starts_text}” is not a time (08:45).")
        if school and kind in kinds and first and last:
            name = (raw.get("name") or "").strip()[:200]
            rows.append(CalendarRow(school, kind, first, last, name, starts))
    refuse(problems.error())
    return rows


@transaction.atomic
def school_calendars_load(*, actor: User | str, rows: list[CalendarRow]) -> dict[str, int]:
    """Each school named in the rows gets exactly the rows given (its earlier periods are
    replaced). Returns the number of periods per school code."""
    now = timezone.now()
    loaded: dict[str, int] = {}
    by_school: dict[int, list[CalendarRow]] = {}
    for row in rows:
        by_school.setdefault(row.school.pk, []).append(row)
    for school_rows in by_school.values():
        school = school_rows[0].school
        starts = next((r.day_starts for r in school_rows if r.day_starts), None)
        calendar, _ = SchoolCalendar.objects.update_or_create(
            school=school,
            defaults={
                "updated_at": now,
                "updated_by": str(actor)[:200],
                **({"day_starts": starts} if starts else {}),
            },
        )
        calendar.periods.all().delete()
        unique = {(r.kind, r.first_day): r for r in school_rows}
        SchoolCalendarPeriod.objects.bulk_create(
            SchoolCalendarPeriod(
                calendar=calendar,
                kind=r.kind,
                first_day=r.first_day,
                last_day=r.last_day,
                name=r.name,
            )
            for r in unique.values()
        )
        audit.record_change(
            actor=actor,
            action="school_calendar.loaded",
            target=calendar,
            detail={"periods": len(unique)},
        )
        loaded[school.code] = len(unique)
    return loaded
