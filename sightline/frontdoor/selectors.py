"""Reads at the front door, always scoped to the user, and recorded.

Front door practitioners and managers see every contact; an agency practitioner sees only the
information requests sent to their own agency, and through them only the concern and the
child's identifying details (never the rest of the front door record).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from sightline.accounts.models import FRONT_DOOR_ROLES, User
from sightline.chronology.models import EventType, Participant
from sightline.chronology.models import Role as ParticipantRole
from sightline.chronology.panels import OpenWork
from sightline.core import audit
from sightline.core.dates import add_months
from sightline.core.models import AuditEntry
from sightline.core.templatetags.govuk_dates import local, weekday_date_time_of
from sightline.core.templatetags.words import govuk_date
from sightline.core.working_days import LONDON
from sightline.frontdoor.models import Contact, Decision, InformationRequest, Urgency
from sightline.people.models import Involvement, Person, Sex, SourceRecord

QUEUE_PAGE_SIZE = 50
OPEN_STATUSES = (Contact.Status.AWAITING_DECISION, Contact.Status.AWAITING_AUTHORISATION)


class Show:
    """Which contacts the queue shows."""

    ALL = "all"
    MINE = "mine"
    UNCLAIMED = "unclaimed"
    CHOICES = ((ALL, "All contacts"), (MINE, "Claimed by me"), (UNCLAIMED, "Not yet claimed"))


def _require_front_door(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.works_at_front_door):
        raise PermissionDenied("Only the front door can see contacts.")


# Urgent contacts first: a child in immediate danger, then what needs to happen today.
URGENCY_RANK = Case(
    When(urgency=Urgency.IMMEDIATE, then=Value(0)),
    When(urgency=Urgency.TODAY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _overdue(now: dt.datetime) -> ExpressionWrapper:
    return ExpressionWrapper(Q(decision_due_at__lt=now), output_field=BooleanField())


# The queue ---------------------------------------------------------------------------------


def contacts_awaiting_decision(
    *,
    user: User,
    show: str = Show.ALL,
    overdue_only: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[Contact]:
    """Contacts without a final decision, each marked `is_overdue`: a child in immediate
    danger first, then contacts that need to happen today, then the rest; soonest deadline
    first within each.

    Includes contacts whose decision waits for a manager's authorisation. The queryset is
    not recorded by itself: `contact_queue` records the page a user actually sees.
    """
    _require_front_door(user)
    now = now or timezone.now()
    contacts = Contact.objects.filter(status__in=OPEN_STATUSES)
    if show == Show.MINE:
        contacts = contacts.filter(claimed_by=user)
    elif show == Show.UNCLAIMED:
        contacts = contacts.filter(claimed_by__isnull=True)
    if overdue_only:
        contacts = contacts.filter(decision_due_at__lt=now)
    return (
        contacts.select_related("child", "claimed_by", "referrer_agency")
        .annotate(is_overdue=_overdue(now), urgency_rank=URGENCY_RANK)
        .order_by("urgency_rank", "decision_due_at", "received_at", "pk")
    )


@dataclass(frozen=True)
class QueueRow:
    """One row of the queue, its labels and links worked out before the template sees it."""

    pk: int
    reference: str
    url: str
    child_id: int | None
    child_name: str  # "" when the child is not yet identified
    received: str  # "Mon 5 May 2025, 10:00"
    urgency: str  # Contact.Urgency value
    due: str
    is_overdue: bool
    claimed_by: str  # "You", a name, or "" when nobody has claimed it
    awaiting_authorisation: bool
    authorise_url: str

    def __getitem__(self, name: str) -> Any:
        """Templates look a name up as a key first: answering saves an exception per cell."""
        return getattr(self, name)


class _Name(NamedTuple):
    kind: str
    given_name: str
    family_name: str


def _full_name(name: _Name) -> str:
    """A person's name as `Person.full_name` gives it, from the columns alone."""
    return Person.full_name.fget(name)  # type: ignore[attr-defined,no-any-return]


def _url_maker(name: str) -> Callable[[int], str]:
    """A fast `reverse(name, args=[pk])` for the rows of a long page (one reverse in all)."""
    sentinel = 987654321987
    pattern = reverse(name, args=[sentinel])
    if pattern.count(str(sentinel)) != 1:
        return lambda pk: reverse(name, args=[pk])
    before, after = pattern.split(str(sentinel))
    return lambda pk: f"{before}{pk}{after}"


def contact_queue(
    *,
    user: User,
    show: str = Show.ALL,
    overdue_only: bool = False,
    page_number: Any = 1,
    per_page: int = QUEUE_PAGE_SIZE,
) -> Page:
    """One page of the queue, as QueueRows. Records one LIST entry naming the contacts and
    children shown.

    The page reads only the columns a row shows.
    """
    now = timezone.now()
    contacts = contacts_awaiting_decision(user=user, show=show, overdue_only=overdue_only, now=now)
    page = Paginator(contacts.values_list("pk", flat=True), per_page).get_page(page_number)
    first, last = page.start_index(), page.end_index()  # 1-based; 0, 0 for an empty queue
    shown: list[tuple[Any, ...]] = []
    if last:
        # Only the columns a row shows, as tuples (no model instances to build).
        shown = list(
            contacts.values_list(
                "pk",
                "reference",
                "received_at",
                "decision_due_at",
                "status",
                "urgency",
                "child_id",
                "child__kind",
                "child__given_name",
                "child__family_name",
                "claimed_by_id",
                "claimed_by__first_name",
                "claimed_by__last_name",
                "claimed_by__username",
            )[first - 1 : last]
        )
    zone = timezone.get_current_timezone()
    contact_url = _url_maker("frontdoor:contact")
    authorise_url = _url_maker("frontdoor:contact-authorise")
    rows = []
    for (
        pk,
        reference,
        received_at,
        decision_due_at,
        status,
        urgency,
        child_id,
        child_kind,
        child_given_name,
        child_family_name,
        claimed_by_id,
        first_name,
        last_name,
        username,
    ) in shown:
        claimed = ""
        if claimed_by_id == user.pk:
            claimed = "You"
        elif claimed_by_id is not None:
            claimed = f"{first_name} {last_name}".strip() or username
        authorising = status == Contact.Status.AWAITING_AUTHORISATION
        child_name = ""
        if child_id is not None:
            child_name = _full_name(_Name(child_kind, child_given_name, child_family_name))
        rows.append(
            QueueRow(
                pk=pk,
                reference=reference,
                url=contact_url(pk),
                child_id=child_id,
                child_name=child_name,
                received=weekday_date_time_of(local(received_at, zone)),
                urgency=urgency,
                due=weekday_date_time_of(local(decision_due_at, zone)),
                is_overdue=decision_due_at < now,
                claimed_by=claimed,
                awaiting_authorisation=authorising,
                authorise_url=authorise_url(pk) if authorising else "",
            )
        )
    page.object_list = rows  # type: ignore[assignment]
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="contact_queue.listed",
        detail={
            "show": show,
            "overdue_only": overdue_only,
            "page": page.number,
            "contacts": [row.pk for row in rows],
            "children": [row.child_id for row in rows if row.child_id],
        },
    )
    return page


def contacts_overdue(*, as_of: dt.datetime | dt.date) -> QuerySet[Contact]:
    """Contacts with no final decision by their deadline, as the clock stood at `as_of`.

    A date means the start of that day (deadlines fall at the end of a working day, so a
    contact due on that day is not yet overdue). Replayable: a contact decided after `as_of`
    counts as overdue at `as_of`. For the rule catalogue (`contact-decision-overdue`, T1);
    not scoped to a user, so never show its result to one without a selector in between.
    """
    if not isinstance(as_of, dt.datetime):
        as_of = dt.datetime.combine(as_of, dt.time.min, tzinfo=LONDON)
    not_final_at = (
        Q(decision__isnull=True)
        | Q(decision__needs_authorisation=False, decision__decided_at__gt=as_of)
        | Q(decision__needs_authorisation=True, decision__authorised_at__isnull=True)
        | Q(decision__needs_authorisation=True, decision__authorised_at__gt=as_of)
    )
    return (
        Contact.objects.filter(received_at__lte=as_of, decision_due_at__lt=as_of)
        .filter(not_final_at)
        .select_related("child")
        .order_by("decision_due_at", "pk")
    )


# One contact ---------------------------------------------------------------------------------


def contact_get(*, user: User, contact_id: int) -> Contact:
    """The whole front door record of a contact, for the front door only. Records the read."""
    _require_front_door(user)
    contact = (
        Contact.objects.select_related(
            "child", "claimed_by", "referrer_user", "referrer_agency", "event"
        )
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        raise Http404("No such contact")
    audit.record_read(
        actor=user,
        target=contact,
        person_id=contact.child_id,
        detail={"reference": contact.reference},
        action="contact.viewed",
    )
    return contact


def contact_decision(contact: Contact) -> Decision | None:
    """The contact's decision, if one is recorded (final or awaiting authorisation)."""
    return (
        Decision.objects.select_related("decided_by", "authorised_by")
        .filter(contact=contact)
        .first()
    )


def contact_information_requests(contact: Contact) -> list[InformationRequest]:
    """The partner checks on a contact the front door user is already reading."""
    return list(
        contact.information_requests.select_related(
            "agency", "requested_by", "answered_by"
        ).order_by("agency__name")
    )


def agencies_involved_with_child(contact: Contact) -> dict[int, list[str]]:
    """The agencies already involved with the contact's child, each with why, in words.

    For the partner-check form, which offers them first: a professional currently working
    with the child (`Involvement`), or an agency holding a record of the child (`SourceRecord`,
    never named by its record code). Empty until the child is identified.
    """
    child = contact.child
    if child is None:
        return {}
    today = timezone.localdate()
    why: dict[int, list[str]] = {}
    involvements = (
        Involvement.objects.filter(person=child)
        .filter(Q(ended__isnull=True) | Q(ended__gte=today))
        .select_related("user")
        .order_by("started", "pk")
    )
    for involvement in involvements:
        who = involvement.user.get_full_name() if involvement.user is not None else ""
        role = involvement.role or "Involved"
        why.setdefault(involvement.agency_id, []).append(f"{role}: {who}" if who else role)
    first_name = child.given_name or "the child"
    for agency_id in SourceRecord.objects.filter(person=child).values_list("agency_id", flat=True):
        reasons = why.setdefault(agency_id, [])
        if not reasons or reasons[-1] != f"Holds a record of {first_name}":
            reasons.append(f"Holds a record of {first_name}")
    return why


@dataclass(frozen=True)
class ReturnedDecision:
    returned_at: dt.datetime
    returned_by: str
    reason: str


def contact_last_return(contact: Contact) -> ReturnedDecision | None:
    """Why a manager last sent the contact's decision back, if it is waiting for rework."""
    if contact.status != Contact.Status.AWAITING_DECISION:
        return None
    entry = (
        AuditEntry.objects.filter(
            object_type=contact._meta.label_lower,
            object_id=str(contact.pk),
            action="decision.returned",
        )
        .order_by("-id")
        .first()
    )
    if entry is None:
        return None
    return ReturnedDecision(
        returned_at=entry.at, returned_by=entry.actor_label, reason=entry.detail.get("reason", "")
    )


def front_door_users() -> QuerySet[User]:
    """Who a contact can be given to."""
    return User.objects.filter(role__in=FRONT_DOOR_ROLES, is_active=True).order_by(
        "first_name", "last_name"
    )


# The child's history -------------------------------------------------------------------------


def a_year_before(moment: dt.datetime) -> dt.datetime:
    """The same moment 12 months earlier (29 February falls back to the 28th)."""
    return add_months(timezone.localtime(moment, LONDON), -12)


@dataclass(frozen=True)
class PreviousContact:
    """A contact about the child before this one: from Sightline or from an agency's feed."""

    received_at: dt.datetime
    source: str
    summary: str
    outcome: str
    reference: str = ""
    contact_id: int | None = None


FEED_OUTCOMES = {
    "pending": "Awaiting decision",
    "nfa": "No further action",
    "advice": "Advice or signposting",
    "early_help": "Early help",
    "referral": "Referral to children's social care",
}


def earlier_contact_events(*, child: Person, before: dt.datetime) -> QuerySet[Participant]:
    """The child's contact events in the 12 months (inclusive) before `before`."""
    return Participant.objects.filter(
        person=child,
        role=ParticipantRole.CHILD,
        event__type=EventType.CONTACT,
        occurred_at__gte=a_year_before(before),
        occurred_at__lt=before,
    )


def has_earlier_contact(*, child: Person, contact: Contact) -> bool:
    """Whether the child had another contact in the 12 months before this one."""
    events = earlier_contact_events(child=child, before=contact.received_at)
    if contact.event_id:
        events = events.exclude(event_id=contact.event_id)
    rows = Contact.objects.filter(
        child=child,
        received_at__gte=a_year_before(contact.received_at),
        received_at__lt=contact.received_at,
    ).exclude(pk=contact.pk)
    return events.exists() or rows.exists()


def contacts_in_last_12_months(
    *, user: User, child: Person, before: dt.datetime
) -> list[PreviousContact]:
    """Every contact about the child in the 12 months before `before`, newest first.

    Reads the chronology (so contacts that arrived by an agency's feed count too) and the
    front door's own contacts. Records one READ entry for the child.
    """
    _require_front_door(user)
    participations = list(
        earlier_contact_events(child=child, before=before).select_related("event", "event__source")
    )
    rows = {
        contact.event_id or -contact.pk: contact
        for contact in Contact.objects.filter(
            Q(child=child, received_at__gte=a_year_before(before), received_at__lt=before)
            | Q(event_id__in=[p.event_id for p in participations])
        ).select_related("decision", "referrer_agency")
    }
    history: list[PreviousContact] = []
    for participation in participations:
        event = participation.event
        contact = rows.pop(event.pk, None)
        if contact is not None:
            history.append(_previous(contact))
        else:
            history.append(
                PreviousContact(
                    received_at=event.occurred_at,
                    source=event.source.name,
                    summary=event.summary,
                    outcome=FEED_OUTCOMES.get(str(event.details.get("outcome", "")), "Not known"),
                )
            )
    history.extend(_previous(contact) for contact in rows.values())
    history.sort(key=lambda item: item.received_at, reverse=True)
    audit.record_read(
        actor=user,
        target=child,
        person_id=child.pk,
        action="contact_history.viewed",
        detail={"before": before.isoformat(), "contacts": len(history)},
    )
    return history


def _previous(contact: Contact) -> PreviousContact:
    decision = getattr(contact, "decision", None)
    if decision is not None and contact.status == Contact.Status.DECIDED:
        outcome = decision.get_outcome_display()
    else:
        outcome = contact.get_status_display()
    return PreviousContact(
        received_at=contact.received_at,
        source=contact.referrer_agency.name if contact.referrer_agency else "Member of the public",
        summary=contact.concern,
        outcome=outcome,
        reference=contact.reference,
        contact_id=contact.pk,
    )


# Open work on the child's page ---------------------------------------------------------------


def _unanswered_requests_about(person: Person) -> QuerySet[InformationRequest]:
    return InformationRequest.objects.filter(
        contact__child=person, answered_at__isnull=True
    ).select_related("contact", "agency")


def open_work_for_child(*, user: User, person: Person) -> list[OpenWork]:
    """The child's undecided contacts and open partner checks that this user may see.

    The front door sees every undecided contact and open request; an agency practitioner sees
    only the open requests sent to their own agency. Not recorded: the person page records
    its one read.
    """
    if not (user.is_authenticated and user.is_active):
        return []
    now = timezone.now()
    items: list[OpenWork] = []
    if user.works_at_front_door:
        # One read for the child's contacts that are undecided or have an unanswered request;
        # the requests themselves only when there are some.
        unanswered = InformationRequest.objects.filter(
            contact=OuterRef("pk"), answered_at__isnull=True
        )
        contacts = (
            Contact.objects.filter(child_id=person.pk)
            .annotate(has_open_requests=Exists(unanswered))
            .filter(~Q(status=Contact.Status.DECIDED) | Q(has_open_requests=True))
            .values_list(
                "pk",
                "reference",
                "status",
                "decision_due_at",
                "claimed_by__first_name",
                "claimed_by__last_name",
                "claimed_by__username",
                "has_open_requests",
            )
        )
        any_open_requests = False
        for pk, reference, status, due_at, first, last, username, has_open in contacts:
            any_open_requests = any_open_requests or has_open
            if status == Contact.Status.DECIDED:
                continue
            items.append(
                OpenWork(
                    kind=(
                        "Contact awaiting manager authorisation"
                        if status == Contact.Status.AWAITING_AUTHORISATION
                        else "Contact awaiting decision"
                    ),
                    title=reference,
                    url=reverse("frontdoor:contact", args=[pk]),
                    due_at=due_at,
                    # as str(User): the full name, or the username
                    owner=(f"{first} {last}".strip() or username)
                    if username
                    else "Not yet claimed",
                    overdue=due_at < now,
                )
            )
        if not any_open_requests:
            return items
        for item in _unanswered_requests_about(person):
            items.append(
                OpenWork(
                    kind="Information request awaiting an answer",
                    title=f"{item.contact.reference}: {item.agency.name}",
                    url=reverse("frontdoor:contact", args=[item.contact_id]),
                    due_at=item.due_at,
                    owner=item.agency.name,
                    overdue=item.due_at < now,
                )
            )
    elif user.agency_id:
        for item in _unanswered_requests_about(person).filter(agency_id=user.agency_id):
            items.append(
                OpenWork(
                    kind="Information request to your agency",
                    title=item.contact.reference,
                    url=reverse("frontdoor:request-answer", args=[item.pk]),
                    due_at=item.due_at,
                    owner=item.agency.name,
                    overdue=item.due_at < now,
                )
            )
    return items


# Information requests ------------------------------------------------------------------------


def information_requests_for_agency(*, user: User) -> QuerySet[InformationRequest]:
    """The requests sent to the user's agency: open ones first, soonest due first.

    Not recorded by itself (it is lazy): `information_request_inbox` records the page shown.
    """
    if not (user.is_authenticated and user.is_active and user.agency_id):
        return InformationRequest.objects.none()
    now = timezone.now()
    return (
        InformationRequest.objects.filter(agency_id=user.agency_id)
        .select_related("contact", "contact__child", "agency")
        .annotate(
            is_open=Case(
                When(answered_at__isnull=True, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            is_overdue=ExpressionWrapper(
                Q(answered_at__isnull=True, due_at__lt=now), output_field=BooleanField()
            ),
        )
        .order_by("-is_open", "due_at", "pk")
    )


def information_request_inbox(*, user: User, page_number: Any = 1, per_page: int = 50) -> Page:
    page = Paginator(information_requests_for_agency(user=user), per_page).get_page(page_number)
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="information_requests.listed",
        detail={
            "page": page.number,
            "requests": [item.pk for item in page],
            "children": [item.contact.child_id for item in page if item.contact.child_id],
        },
    )
    return page


def information_request_get(*, user: User, request_id: int) -> InformationRequest:
    """One request, for a member of the agency it was sent to (404 for anyone else)."""
    if not (user.is_authenticated and user.is_active and user.agency_id):
        raise Http404("No such information request")
    item = (
        InformationRequest.objects.select_related(
            "contact", "contact__child", "agency", "requested_by", "answered_by"
        )
        .filter(pk=request_id, agency_id=user.agency_id)
        .first()
    )
    if item is None:
        raise Http404("No such information request")
    audit.record_read(
        actor=user,
        target=item,
        person_id=item.contact.child_id,
        action="information_request.viewed",
        detail={"reference": item.contact.reference},
    )
    return item


DETAIL_LABELS = {
    "given_name": "First name",
    "family_name": "Last name",
    "other_names": "Other names",
    "date_of_birth": "Date of birth",
    "age": "Age",
    "sex": "Sex",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
    "school": "School or nursery",
    "address": "Address",
    "address_line": "Address",
    "town": "Town",
    "postcode": "Postcode",
}


def child_identifying_details(contact: Contact) -> list[tuple[str, str]]:
    """What a partner agency needs to find the child in its own records, and nothing more."""
    child = contact.child
    if child is not None:
        rows = [("Name", child.full_name)]
        if child.date_of_birth:
            rows.append(("Date of birth", child.date_of_birth.strftime("%-d %B %Y")))
        if child.expected_date_of_birth:
            rows.append(
                ("Expected date of birth", child.expected_date_of_birth.strftime("%-d %B %Y"))
            )
        if child.nhs_number:
            rows.append(("NHS number", child.nhs_number))
        if child.upn:
            rows.append(("Unique pupil number", child.upn))
        address = child.addresses.filter(moved_out__isnull=True).first()
        if address is not None:
            rows.append(("Address", str(address)))
        return rows
    return described_child(contact) or [("Child", "Not yet identified: no details were given")]


def described_child(contact: Contact) -> list[tuple[str, str]]:
    """The child as the referrer described them (labels and values, in a readable order)."""
    details = contact.child_details or {}
    rows = []
    labelled = [*DETAIL_LABELS.items()]
    labelled += [
        (key, key.replace("_", " ").capitalize()) for key in details if key not in DETAIL_LABELS
    ]
    for key, label in labelled:
        value = details.get(key)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, dict):
            value = ", ".join(str(part) for part in value.values() if part)
        elif isinstance(value, list):
            value = ", ".join(str(part) for part in value if part)
        elif key == "sex":
            value = dict(Sex.choices).get(value, value)
        rows.append((label, govuk_date(str(value))))  # a date as "12 May 2017", never ISO
    return rows
