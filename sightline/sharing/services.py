"""Writes of the sharing app: the CP-IS style lookup, recorded, audited and told to the child's
social worker."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Profession, User
from sightline.casework.models import Plan
from sightline.chronology.models import EventType
from sightline.chronology.services import event_record
from sightline.core import audit
from sightline.core.notifications import notification_queue
from sightline.people.identifiers import normalise_nhs_number, validate_nhs_number
from sightline.people.models import Person
from sightline.sharing import selectors
from sightline.sharing.models import CpisLookup
from sightline.sharing.network.tasks import cpis_lookup_notify
from sightline.sharing.rules import LOOKUP_CPIS

NOTIFICATION_TOPIC = "cpis-attendance"


def _check_search(
    *, nhs_number: str, given_name: str, family_name: str, date_of_birth: dt.date | None
) -> None:
    if nhs_number:
        try:
            validate_nhs_number(nhs_number)
        except ValidationError as error:
            raise ValidationError({"nhs_number": error.messages}) from None
        return
    missing = {
        "given_name": "Enter the child's first name",
        "family_name": "Enter the child's last name",
        "date_of_birth": "Enter the child's date of birth",
    }
    given = {
        "given_name": given_name.strip(),
        "family_name": family_name.strip(),
        "date_of_birth": date_of_birth,
    }
    if not any(given.values()):
        raise ValidationError(
            {"nhs_number": "Enter the child's NHS number, or their name and date of birth"}
        )
    errors = {name: message for name, message in missing.items() if not given[name]}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cpis_lookup(
    *,
    actor: User,
    setting: str,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
) -> CpisLookup:
    """Answer whether a child is (or in the last 12 months was) on a CP plan; record the lookup,
    audit it and tell the social worker of each plan shown that the child attended."""
    if not actor.has_perm(LOOKUP_CPIS):
        raise PermissionDenied("Only unscheduled-care clinicians may look up CP plans.")
    if setting not in CpisLookup.Setting.values:
        raise ValidationError({"setting": "Select where the child is being seen"})
    nhs_number = normalise_nhs_number(nhs_number)
    _check_search(
        nhs_number=nhs_number,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
    )
    now = timezone.now()
    today = timezone.localdate(now)
    if nhs_number:
        searched_by = CpisLookup.SearchedBy.NHS_NUMBER
        given_name = family_name = ""
        date_of_birth = None
        answer = selectors.cpis_answer(
            persons=selectors.persons_with_nhs_number(nhs_number), today=today
        )
    else:
        searched_by = CpisLookup.SearchedBy.NAME
        assert date_of_birth is not None  # checked above
        children = selectors.children_named(
            given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
        )
        answer = (
            selectors.cpis_answer(persons=children, today=today)
            if len(children) == 1
            else selectors.not_identified()
        )
    lookup = CpisLookup.objects.create(
        user=actor,
        agency=actor.agency,
        at=now,
        setting=setting,
        searched_by=searched_by,
        nhs_number=nhs_number,
        given_name=given_name.strip()[:100],
        family_name=family_name.strip()[:100],
        date_of_birth=date_of_birth,
        person=answer.person,
        answer=answer.answer,
        unborn_on_plan=bool(answer.unborn_plans),
        answer_detail=answer.detail,
    )
    audit_detail = {"lookup": lookup.pk, "searched_by": searched_by, "answer": answer.answer}
    audit.record(
        actor=actor,
        kind=audit.Kind.READ,
        action="cpis.looked_up",
        target=lookup,
        person_id=answer.person.pk if answer.person else None,
        reason=lookup.get_setting_display(),
        detail=audit_detail,
    )
    for plan in answer.unborn_plans:
        audit.record(
            actor=actor,
            kind=audit.Kind.READ,
            action="cpis.looked_up_unborn",
            target=lookup,
            person_id=plan.episode.child_id,
            reason=lookup.get_setting_display(),
            detail=audit_detail,
        )
    if answer.plan is not None and answer.person is not None:
        _tell_social_worker(lookup=lookup, plan=answer.plan, attended=answer.person.full_name)
    for plan in answer.unborn_plans:
        mother = answer.person.full_name if answer.person else "The mother"
        _tell_social_worker(
            lookup=lookup,
            plan=plan,
            attended=f"{mother}, mother of {plan.episode.child.full_name},",
        )
    return lookup


def _recipient(plan: Plan) -> tuple[User | None, str]:
    """The lead social worker; else the responsible team's inbox (or its agency's)."""
    episode = plan.episode
    worker = episode.lead_social_worker
    if worker is not None and worker.is_active:
        return worker, ""
    return None, episode.team.email or episode.team.agency.email


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _tell_social_worker(*, lookup: CpisLookup, plan: Plan, attended: str) -> None:
    """Where and when, and who to call back: never clinical detail (none is asked for)."""
    clinician = lookup.user
    agency = lookup.agency.name if lookup.agency else "an unscheduled-care service"
    child: Person = plan.episode.child
    record = "the child protection record" + (
        " of her unborn child" if child.kind == Person.Kind.UNBORN else ""
    )
    contact = ", ".join(
        part
        for part in (
            clinician.get_full_name() or clinician.username,
            clinician.get_profession_display(),
            clinician.phone,
            clinician.email,
        )
        if part
    )
    body = "\n\n".join(
        [
            f"{attended} attended {agency} on {_when(lookup.at)}; "
            f"the clinician looked up {record}.",
            f"Setting: {lookup.get_setting_display()}.",
            f"The clinician: {contact}.",
            "Sightline does not pass on clinical information. Contact the clinician or the "
            "hospital's safeguarding team if you need to know more.",
        ]
    )
    user, email = _recipient(plan)
    cpis_lookup_notify_on_commit(child_id=child.pk, detail=body)
    ended = plan.end_date is not None and plan.end_date <= timezone.localdate(lookup.at)
    _chronology_record(lookup=lookup, plan=plan, told=user)
    notification_queue(
        subject="A child "
        + (
            "whose child protection plan ended in the last 12 months"
            if ended
            else "on a child protection plan"
        )
        + " attended unscheduled care",
        body=body,
        recipient_user=user,
        recipient_email=email,
        topic=NOTIFICATION_TOPIC,
        about=plan,
    )


def cpis_lookup_notify_on_commit(*, child_id: int, detail: str) -> None:
    """The child's network is told by the worker, after the lookup is recorded."""
    transaction.on_commit(lambda: cpis_lookup_notify.enqueue(child_id=child_id, detail=detail))


def _chronology_record(*, lookup: CpisLookup, plan: Plan, told: User | None) -> None:
    """The lookup on the child's chronology (and the mother's, for her unborn child): who
    looked, where and when, and who was told. No clinical detail is held, so none is shown."""
    clinician = lookup.user
    child: Person = plan.episode.child
    where = lookup.agency.name if lookup.agency else "an unscheduled-care service"
    who = (
        clinician.get_profession_display().lower()
        if clinician.profession != Profession.OTHER
        else "clinician"
    )
    unborn = child.kind == Person.Kind.UNBORN
    attended = "The mother attended" if unborn else "Attended"
    participants: list[tuple[Person, str]] = [(child, "child")]
    if unborn and lookup.person is not None and lookup.person.pk != child.pk:
        participants.append((lookup.person, "mother"))
    told_whom = (
        f"{told.get_full_name() or told.username}, the lead social worker, was told in Sightline"
        if told is not None
        else f"{plan.episode.team.name} was told by e-mail (no lead social worker is allocated)"
    )
    event_record(
        type=EventType.INFORMATION_SHARED,
        occurred_at=lookup.at,
        summary=(
            f"{attended} {where} ({lookup.get_setting_display().lower()}). The "
            f"{who} checked whether the child is on a child protection plan and was shown "
            f"the plan and the responsible team's contact. {told_whom}."
        ),
        source=lookup.agency or plan.episode.team.agency,
        participants=participants,
        recorded_by=clinician,
        details={"cpis_lookup": lookup.pk, "setting": lookup.setting},
    )
