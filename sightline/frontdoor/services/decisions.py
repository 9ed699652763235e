"""Deciding the response to a contact, and a manager's authorisation of no further action.

No further action for a child who had another contact in the 12 months before this one needs
a manager: cumulative concerns are how children are missed. A manager's own decision is
authorised at once; anyone else's waits for a manager, who authorises it or sends it back.

A decision must agree with itself (`decision_problems`): the level of need and the response
follow the Continuum of Need (a statutory response is level 4, and level 4 needs one), and the
reasons are the decider's own, long enough to say what was weighed. The decide form runs the
same checks on what it has, so every problem shows at once.

When a decision is final the contact is decided, the child's chronology records it, and the
referrer (unless anonymous) is told the outcome in plain words. All of it is saved together
or not at all.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Role, User
from sightline.chronology.models import EventType
from sightline.chronology.models import Role as ParticipantRole
from sightline.chronology.services import event_record
from sightline.core import audit
from sightline.core.notifications import notification_queue
from sightline.core.problems import Problems, refuse
from sightline.frontdoor.models import Contact, Decision, InformationRequest, NeedLevel, Outcome
from sightline.frontdoor.referrer import referrer_outcome_message
from sightline.frontdoor.selectors import has_earlier_contact
from sightline.frontdoor.services.triage import lock_contact, require_front_door
from sightline.people.services import social_care_agency

MAX_RATIONALE = 20_000
MIN_RATIONALE = 50  # characters, spaces collapsed: enough to say what was weighed

STATUTORY = (Outcome.REFERRAL, Outcome.STRATEGY)
# The Continuum of Need (DOMAIN.md section 1): why a level and a response contradict, by level.
LEVEL_REFUSES: dict[str, tuple[tuple[str, ...], str]] = {
    NeedLevel.L1: (
        (Outcome.EARLY_HELP,),
        "Early help is targeted support, for level 2 or 3: change the level of need, or "
        "choose no further action or advice and signposting",
    ),
    NeedLevel.L3: (
        (Outcome.NFA,),
        "Level 3 means the child needs targeted support: choose early help or advice and "
        "signposting, or change the level of need",
    ),
    NeedLevel.L4: (
        (Outcome.NFA, Outcome.ADVICE, Outcome.EARLY_HELP),
        "Level 4 means the child needs a statutory response: choose a referral for "
        "assessment or an immediate strategy discussion, or change the level of need",
    ),
}

# What the chronology (and the rules reading it) calls each outcome (DESIGN.md section 5).
FEED_OUTCOME = {
    Outcome.NFA: "nfa",
    Outcome.ADVICE: "advice",
    Outcome.EARLY_HELP: "early_help",
    Outcome.REFERRAL: "referral",
    Outcome.STRATEGY: "referral",
}


def needs_manager_authorisation(*, contact: Contact, outcome: str) -> bool:
    """No further action for a child with another contact in the 12 months before this one."""
    return (
        outcome == Outcome.NFA
        and contact.child is not None
        and has_earlier_contact(child=contact.child, contact=contact)
    )


def _words(text: str) -> str:
    """The text as words only: case, punctuation and spacing set aside."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _level_outcome_problem(level: str, outcome: str) -> str:
    if outcome in STATUTORY and level in NeedLevel.values and level != NeedLevel.L4:
        return (
            f"{Outcome(outcome).label} is a statutory response, which is level 4: choose "
            "level 4, or another response"
        )
    refused, message = LEVEL_REFUSES.get(level, ((), ""))
    return message if outcome in refused else ""


def _rationale_problem(rationale: str, concern: str) -> str:
    text = " ".join(rationale.split())
    if not text:
        return "Say why you made this decision"
    if len(text) > MAX_RATIONALE:
        return f"The reasons must be {MAX_RATIONALE:,} characters or fewer"
    if len(text) < MIN_RATIONALE:
        return (
            f"Say more about why you made this decision: write at least {MIN_RATIONALE} "
            f"characters (you wrote {len(text)})"
        )
    words, concern_words = _words(text), _words(concern)
    # Copied from the concern, or the concern copied with a few words added.
    copied = words in concern_words or (
        concern_words and concern_words in words and len(words) - len(concern_words) < MIN_RATIONALE
    )
    if words and copied:
        return "Say why you made this decision in your own words: the reasons repeat the concern"
    return ""


def decision_problems(
    *,
    contact: Contact,
    level: str | None = None,
    outcome: str | None = None,
    rationale: str | None = None,
    **_ignored: Any,
) -> dict[str, list[str]]:
    """Every reason this decision cannot be recorded, one message a field.

    A value of None has not been given yet (a form that already said so passes None), so
    only what is given is judged; the service passes every value.
    """
    errors: dict[str, list[str]] = {}
    if level is not None and level not in NeedLevel.values:
        errors["level"] = ["Select the level of need"]
    if outcome is not None and outcome not in Outcome.values:
        errors["outcome"] = ["Select what happens next"]
    elif outcome is not None and level in NeedLevel.values:
        problem = _level_outcome_problem(level, outcome)
        if problem:
            errors["outcome"] = [problem]
    if rationale is not None:
        problem = _rationale_problem(rationale, contact.concern)
        if problem:
            errors["rationale"] = [problem]
    if contact.child_id is None:
        errors["__all__"] = [
            "Identify the child before you decide: the decision goes on their record"
        ]
    return errors


def decision_check(*, contact: Contact, **data: Any) -> None:
    """Raise every problem `decision_problems` finds in what is given (for the decide form)."""
    errors = decision_problems(contact=contact, **data)
    if errors:
        raise ValidationError(errors)


def _is_manager(user: User) -> bool:
    return bool(user.is_active and user.role == Role.IFD_MANAGER)


@transaction.atomic
def contact_decide(
    *, actor: User, contact: Contact, level: str, outcome: str, rationale: str
) -> Decision:
    """Record the front door's decision on a contact (see the module docstring)."""
    require_front_door(actor)
    locked = lock_contact(contact)
    if locked.status == Contact.Status.AWAITING_AUTHORISATION:
        raise ValidationError("A decision on this contact is already waiting for a manager.")
    if (
        locked.status != Contact.Status.AWAITING_DECISION
        or Decision.objects.filter(contact=locked).exists()
    ):
        raise ValidationError("This contact has already been decided: it cannot be decided twice.")
    rationale = (rationale or "").strip()
    errors = decision_problems(
        contact=locked, level=level or "", outcome=outcome or "", rationale=rationale
    )
    if errors:
        raise ValidationError(errors)
    # Deciding before every partner has answered is allowed (the page warns); the trail
    # records whose answers were still awaited.
    awaited = sorted(
        InformationRequest.objects.filter(contact=locked, answered_at__isnull=True).values_list(
            "agency__name", flat=True
        )
    )
    now = timezone.now()
    needs_authorisation = needs_manager_authorisation(contact=locked, outcome=outcome)
    authorised_at_once = needs_authorisation and _is_manager(actor)
    decision = Decision.objects.create(
        contact=locked,
        level=level,
        outcome=outcome,
        rationale=rationale,
        decided_by=actor,
        decided_at=now,
        needs_authorisation=needs_authorisation,
        authorised_by=actor if authorised_at_once else None,
        authorised_at=now if authorised_at_once else None,
    )
    audit.record_change(
        actor=actor,
        action="contact.decided",
        target=decision,
        person_id=locked.child_id,
        detail={
            "reference": locked.reference,
            "level": level,
            "outcome": outcome,
            "needs_authorisation": needs_authorisation,
            "awaited": awaited,
        },
    )
    if needs_authorisation and not authorised_at_once:
        locked.status = Contact.Status.AWAITING_AUTHORISATION
        locked.save(update_fields=["status"])
        _ask_managers(actor=actor, contact=locked)
        _record_step(
            actor=actor,
            contact=locked,
            type=EventType.DECISION_AWAITING_MANAGER,
            summary=f"Front door decision on contact {locked.reference}: "
            f"{decision.get_outcome_display()} ({decision.get_level_display()}), waiting for a "
            "manager's agreement: the child had another contact in the last 12 months.",
            details={"level": level},
        )
    else:
        _finalise(actor=actor, decision=decision, contact=locked)
    contact.status = locked.status
    return decision


def authorisation_problems(
    *, decision: Decision, action: str | None = None, reason: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason a manager cannot authorise or send back the decision as given (None:
    nothing wrong), at once; a value not given is not judged. `action` is "return" to send
    it back (which needs a reason)."""
    problems = Problems()
    contact = decision.contact
    if contact.status != Contact.Status.AWAITING_AUTHORISATION or decision.authorised_at:
        problems.add(None, "This decision is not waiting for authorisation.")
    if action == "return" and reason is not None and not reason.strip():
        problems.add("reason", "Say what needs to change before this can be agreed")
    return problems.error()


@transaction.atomic
def decision_authorise(*, actor: User, decision: Decision) -> Decision:
    """A front door manager agrees a decision that needed authorisation; it becomes final."""
    if not _is_manager(actor):
        raise PermissionDenied("Only a front door manager can authorise a decision.")
    contact = lock_contact(decision.contact)
    decision = Decision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
    decision.contact = contact
    refuse(authorisation_problems(decision=decision, action="authorise"))
    decision.authorised_by = actor
    decision.authorised_at = timezone.now()
    decision.save(update_fields=["authorised_by", "authorised_at"])
    audit.record_change(
        actor=actor,
        action="decision.authorised",
        target=decision,
        person_id=contact.child_id,
        detail={"reference": contact.reference, "outcome": decision.outcome},
    )
    _finalise(actor=actor, decision=decision, contact=contact)
    return decision


@transaction.atomic
def decision_return(*, actor: User, decision: Decision, reason: str) -> Contact:
    """A manager sends a decision back for rework, saying why. The contact can be decided again.

    The returned decision is kept in the audit trail (with the reason); the contact goes back
    to awaiting a decision.
    """
    if not _is_manager(actor):
        raise PermissionDenied("Only a front door manager can send a decision back.")
    reason = (reason or "").strip()
    contact = lock_contact(decision.contact)
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .get(pk=decision.pk)
    )
    decision.contact = contact
    refuse(authorisation_problems(decision=decision, action="return", reason=reason))
    decided_by = decision.decided_by
    audit.record_change(
        actor=actor,
        action="decision.returned",
        target=contact,
        person_id=contact.child_id,
        detail={
            "reason": reason,
            "reference": contact.reference,
            "returned_decision": {
                "level": decision.level,
                "outcome": decision.outcome,
                "rationale": decision.rationale,
                "decided_by": decided_by.pk,
                "decided_at": decision.decided_at.isoformat(),
            },
        },
    )
    _record_step(
        actor=actor,
        contact=contact,
        type=EventType.DECISION_SENT_BACK,
        summary=f"A manager sent back the decision of {decision.get_outcome_display().lower()} "
        f"({decision.get_level_display()}) on contact {contact.reference}, to be made again.",
        details={"level": decision.level},
    )
    decision.delete()
    contact.status = Contact.Status.AWAITING_DECISION
    contact.save(update_fields=["status"])
    notification_queue(
        subject=f"Your decision on contact {contact.reference} was sent back",
        body=(
            f"{actor} has sent back your decision on contact {contact.reference} and said what "
            "needs to change. Open the contact in Sightline to see why and decide again."
        ),
        recipient_user=decided_by,
        topic="decision.returned",
        about=contact,
    )
    return contact


def _ask_managers(*, actor: User, contact: Contact) -> None:
    managers = User.objects.filter(role=Role.IFD_MANAGER, is_active=True)
    for manager in managers:
        notification_queue(
            subject=f"Contact {contact.reference}: no further action needs your authorisation",
            body=(
                f"{actor} has decided no further action on contact {contact.reference}. The "
                "child had another contact in the last 12 months, so a manager must agree.\n"
                "Open the front door queue in Sightline to authorise it or send it back."
            ),
            recipient_user=manager,
            topic="decision.needs_authorisation",
            about=contact,
        )


def _record_step(
    *, actor: User, contact: Contact, type: str, summary: str, details: dict[str, Any]
) -> None:
    """A step on the way to a final decision, on the child's chronology. The reasons stay on the
    contact: partners who see the chronology read what happened, not the front door's notes."""
    event_record(
        type=type,
        occurred_at=timezone.now(),
        summary=summary,
        source=actor.agency or social_care_agency(),
        participants=[(contact.child, ParticipantRole.CHILD)] if contact.child else [],
        recorded_by=actor,
        details={"contact_reference": contact.reference, **details},
    )


def _finalise(*, actor: User, decision: Decision, contact: Contact) -> None:
    contact.status = Contact.Status.DECIDED
    contact.save(update_fields=["status"])
    decided_at = decision.authorised_at or decision.decided_at
    details: dict[str, Any] = {
        "outcome": FEED_OUTCOME[Outcome(decision.outcome)],
        "level": decision.level,
        "contact_reference": contact.reference,
    }
    if decision.outcome == Outcome.STRATEGY:
        details["strategy"] = True
    event_record(
        type=EventType.CONTACT_DECIDED,
        occurred_at=decided_at,
        summary=(
            f"Front door decision on contact {contact.reference}: "
            f"{decision.get_outcome_display()} ({decision.get_level_display()})."
        ),
        source=actor.agency or social_care_agency(),
        participants=[(contact.child, ParticipantRole.CHILD)] if contact.child else [],
        recorded_by=actor,
        details=details,
    )
    _tell_referrer(contact=contact, decision=decision)


def _tell_referrer(*, contact: Contact, decision: Decision) -> None:
    if contact.anonymous:
        return
    email = contact.referrer_email or (
        contact.referrer_user.email if contact.referrer_user is not None else ""
    )
    if not email and contact.referrer_user_id is None:
        return
    notification_queue(
        subject=f"Your contact {contact.reference}: what happens next",
        body=referrer_outcome_message(contact=contact, decision=decision),
        recipient_email=email,
        recipient_user=contact.referrer_user,
        topic="contact.outcome",
        about=contact,
    )
