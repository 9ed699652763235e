"""Who referred: the one place that decides who may know a public referrer's identity.

A member of the public who tells the front door about a child is promised that the agencies
working with the family will not be told who they are. Their name, relationship to the child
and contact details stay with the front door and children's social care (`may_see_referrer`);
every other reader, on every page, export and API, is told only "a member of the public".

So the contact's chronology event, which every practitioner who can see the child reads, is
written without the referrer's identity (`contact_event_wording`), and the identity is added
back at read time, for those allowed, by `referrer_disclosures` (registered with the
chronology in FrontdoorConfig.ready).

A professional referrer (a practitioner, an agency's system) refers in their role: their
agency and name are part of the record, as Working Together expects.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from sightline.accounts.models import User
from sightline.accounts.rules import is_social_care
from sightline.frontdoor.models import Channel, Contact, Decision, Outcome

MEMBER_OF_THE_PUBLIC = "A member of the public"

# The front door and children's social care (its practitioners, managers, social workers and
# team managers). Nobody else, whatever their other permissions.
may_see_referrer = is_social_care


def is_confidential_referrer(contact: Contact) -> bool:
    """Whether the contact came from a member of the public (named or anonymous)."""
    return contact.channel == Channel.PUBLIC or contact.anonymous


def contact_event_wording(contact: Contact) -> tuple[str, str]:
    """The contact's chronology entry as every reader sees it: (summary, recorded by)."""
    concern = contact.concern  # whole: the chronology never cuts an entry mid-sentence
    if is_confidential_referrer(contact):
        return f"Contact from a member of the public: {concern}", MEMBER_OF_THE_PUBLIC
    who = contact.referrer_name or (
        contact.referrer_agency.name if contact.referrer_agency else "an agency"
    )
    summary = f"Contact from {who} ({contact.get_referral_source_display()}): {concern}"
    if contact.referrer_user is not None:
        recorded_by = contact.referrer_user.get_full_name()
    elif contact.channel == Channel.API and contact.referrer_agency:
        recorded_by = f"{contact.referrer_agency.name} system"
    else:
        recorded_by = contact.referrer_name or "An agency"
    return summary, recorded_by


def referrer_identity(contact: Contact) -> str:
    """Who referred, in words, for those allowed to know ("Jo Public (family member ...)")."""
    if contact.anonymous:
        return "Anonymous member of the public"
    name = contact.referrer_name or "A member of the public who gave no name"
    return f"{name} ({contact.get_referral_source_display()})"


def referrer_shown_to(user: User, contact: Contact) -> str:
    """Who referred, as this user may be told it."""
    if not is_confidential_referrer(contact):
        return referrer_identity(contact) if contact.referrer_name else MEMBER_OF_THE_PUBLIC
    if may_see_referrer(user):
        return referrer_identity(contact)
    return MEMBER_OF_THE_PUBLIC


def referrer_disclosures(*, user: User, event_ids: Iterable[int]) -> dict[int, str]:
    """For chronology entries this user may read, the public referrer behind each contact
    event, when the user may know it (an empty dict for everyone else)."""
    if not may_see_referrer(user):
        return {}
    ids = list(event_ids)
    if not ids:
        return {}
    contacts = Contact.objects.filter(
        Q(channel=Channel.PUBLIC) | Q(anonymous=True), event_id__in=ids
    ).only("event_id", "anonymous", "referrer_name", "referral_source")
    return {
        contact.event_id: f"Referred by {referrer_identity(contact)}. "
        "Only the front door and children's social care see who referred."
        for contact in contacts
        if contact.event_id is not None
    }


# What a referrer is told of the outcome ------------------------------------------------------

# A professional referrer works with the family: they are told the outcome in plain words.
PROFESSIONAL_MESSAGE = {
    Outcome.NFA: "Children's social care will not take further action at this time. "
    "If you are worried again, please tell us again.",
    Outcome.ADVICE: "We have given advice, or pointed the family to services that can help.",
    Outcome.EARLY_HELP: "The family will be offered early help: support from services working "
    "together with them.",
    Outcome.REFERRAL: "Children's social care will assess the child's needs.",
    Outcome.STRATEGY: "Children's social care is taking this forward with partner agencies.",
}
# A member of the public is owed thanks, not the family's situation.
PUBLIC_MESSAGE = (
    "We have considered your concern and acted on it. We cannot tell you more, because what "
    "happens with a family is private to them, as it would be for you."
)


def referrer_outcome_message(*, contact: Contact, decision: Decision) -> str:
    """The body of the message telling the referrer what happened (never the family's
    situation to a member of the public)."""
    if is_confidential_referrer(contact):
        outcome = PUBLIC_MESSAGE
    else:
        outcome = (
            f"The front door has made its decision. "
            f"{PROFESSIONAL_MESSAGE[Outcome(decision.outcome)]}"
        )
    return (
        f"Thank you for telling us about your concern for a child (reference "
        f"{contact.reference}).\n\n{outcome}"
        "\n\nIf you think a child is in immediate danger, call 999."
    )
