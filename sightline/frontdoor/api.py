"""POST /api/v1/contacts: an agency's system sends a contact to the front door.

Authenticate with the agency's token (`Authorization: Bearer <token>`). Send your own id for
the contact as `external_id`: sending it again with the same content returns the contact
already received (200) and changes nothing; the same id with different content is a conflict
(409). Invalid input is answered 422, naming each bad field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from sightline.accounts.models import Agency
from sightline.accounts.services import api_token_agency
from sightline.frontdoor.models import Consent, Contact, LawfulBasis, ReferralSource, Urgency
from sightline.frontdoor.services.contacts import (
    MAX_TEXT,
    ContactConflict,
    contact_receive_from_agency,
)

UNAUTHENTICATED = (
    "Send your agency's API token as 'Authorization: Bearer <token>'. "
    "This token is missing, unknown or revoked."
)


class AgencyToken(HttpBearer):
    """A per-agency bearer token; the authenticated request carries the agency as `auth`."""

    def __call__(self, request: HttpRequest) -> Agency:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(message=UNAUTHENTICATED)
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Agency:
        agency = api_token_agency(secret=token)
        if agency is None:
            raise AuthenticationError(message=UNAUTHENTICATED)
        return agency


router = Router(tags=["contacts"], auth=AgencyToken())


class AddressIn(Schema):
    line: str = Field("", max_length=200)
    postcode: str = Field("", max_length=10, examples=["BD21 4QA"])


class ChildIn(Schema):
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None
    nhs_number: str = Field("", max_length=12, description="10 digits; the check digit is verified")
    upn: str = Field("", max_length=13, description="Unique pupil number")
    sex: Literal["F", "M", "U"] = "U"
    address: AddressIn | None = None


class ReferrerIn(Schema):
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class ContactIn(Schema):
    external_id: str = Field(
        ..., min_length=1, max_length=100, description="Your system's own id for this contact"
    )
    concern: str = Field(..., min_length=1, max_length=MAX_TEXT)
    urgency: Urgency = Urgency.NOT_URGENT
    child: ChildIn
    child_voice: str = Field("", max_length=MAX_TEXT, description="What the child said")
    child_presentation: str = Field("", max_length=MAX_TEXT, description="How the child seemed")
    actions_taken: str = Field("", max_length=MAX_TEXT)
    lawful_basis: LawfulBasis
    consent: Consent
    consent_detail: str = Field(
        "",
        max_length=MAX_TEXT,
        description="Required when consent is 'refused' or 'not_sought': why",
    )
    referrer: ReferrerIn | None = None
    referral_source: str | None = Field(
        None,
        description="DfE CIN census referral source code; defaults to your agency's. One of: "
        + ", ".join(ReferralSource.values),
    )


class ContactOut(Schema):
    reference: str
    decision_due_at: dt.datetime
    status: str


class Problem(Schema):
    detail: str
    reference: str | None = None


class FieldProblem(Schema):
    type: str
    loc: list[str | int] = Field(
        description='Where the bad field is, like ["body", "payload", "child", "nhs_number"]'
    )
    msg: str


class InvalidInput(Schema):
    detail: list[FieldProblem]


# Where each service error key sits in the request body.
_LOCATION = {
    "referrer_name": ("referrer", "name"),
    "referrer_email": ("referrer", "email"),
    "referrer_phone": ("referrer", "phone"),
}


def _as_422(error: DjangoValidationError) -> NinjaValidationError:
    """A service's ValidationError in the shape of ninja's own schema errors."""
    problems: list[dict[str, Any]] = []
    for key, messages in error.message_dict.items():
        location = _LOCATION.get(key, tuple(key.split(".")))
        for message in messages:
            problems.append(
                {"type": "value_error", "loc": ["body", "payload", *location], "msg": message}
            )
    return NinjaValidationError(problems)


def _out(contact: Contact) -> dict[str, Any]:
    return {
        "reference": contact.reference,
        "decision_due_at": contact.decision_due_at,
        "status": contact.status,
    }


@router.post(
    "",
    response={
        201: ContactOut,
        200: ContactOut,
        401: Problem,
        409: Problem,
        422: InvalidInput,
    },
    summary="Send a contact to the front door",
)
def contact_send(request: HttpRequest, payload: ContactIn) -> Status:
    """Store the contact and start the front door's clock: a decision at once for a child in
    immediate danger, within 2 working hours for `today`, else by the end of the next working
    day (the partnership's local timescales).

    If the child's NHS number matches exactly one person Sightline knows, the contact is
    linked to them; otherwise the front door identifies the child from the details sent.
    """
    agency: Agency = request.auth  # type: ignore[attr-defined]
    child = payload.child.model_dump()
    referrer = payload.referrer.model_dump() if payload.referrer else {}
    try:
        contact, created = contact_receive_from_agency(
            agency=agency,
            external_id=payload.external_id,
            concern=payload.concern,
            child=child,
            urgency=payload.urgency.value,
            child_voice=payload.child_voice,
            child_presentation=payload.child_presentation,
            actions_taken=payload.actions_taken,
            lawful_basis=payload.lawful_basis.value,
            consent=payload.consent.value,
            consent_detail=payload.consent_detail,
            referrer_name=referrer.get("name", ""),
            referrer_email=referrer.get("email", ""),
            referrer_phone=referrer.get("phone", ""),
            referral_source=payload.referral_source or "",
        )
    except DjangoValidationError as error:
        raise _as_422(error) from None
    except ContactConflict as conflict:
        return Status(
            409,
            {
                "detail": (
                    f"You already sent a different contact with external_id "
                    f"{payload.external_id!r}. Use a new external_id for a new contact."
                ),
                "reference": conflict.contact.reference,
            },
        )
    return Status(201 if created else 200, _out(contact))
