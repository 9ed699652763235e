"""POST /api/v1/contacts: an agency's system sends a contact to the front door.

Authenticate with the agency's token (`Authorization: Bearer <token>`). Send your own id for
the contact as `external_id`: sending it again with the same content returns the contact
already received (200) and changes nothing; the same id with different content is a conflict
(409). Invalid input is answered 422, naming each bad field: text may not hold control
characters (other than tab, line feed and carriage return) or lone surrogates. A body that is
not JSON is answered 400, one over the upload limit (256 KB) 413, and one not sent as
`application/json` 415.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from sightline.accounts.models import Agency
from sightline.accounts.services import api_token_agency
from sightline.core.text import SAFE_TEXT_PATTERN, text_problem
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


def _safe_text(value: Any) -> Any:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem is not None:
            raise PydanticCustomError("text", problem[0].upper() + problem[1:])
    return value


def _an_object(value: Any) -> Any:
    """Only a JSON object (django-ninja's schemas would otherwise read any value's attributes)."""
    if value is not None and not isinstance(value, dict):
        raise PydanticCustomError("model_type", "Input should be an object")
    return value


Text = Annotated[str, BeforeValidator(_safe_text)]


def _text(default: Any = "", **kwargs: Any) -> Any:
    return Field(default, json_schema_extra={"pattern": SAFE_TEXT_PATTERN}, **kwargs)


class AddressIn(Schema):
    line: Text = _text(max_length=200)
    postcode: Text = _text(max_length=10, examples=["BD21 4QA"])


# The service refuses a child with neither a name nor an NHS number (blank ones count as none).
_NAME_OR_NHS_NUMBER: dict[str, Any] = {
    "description": "Give at least the child's given name, family name or NHS number.",
    "anyOf": [
        {"required": ["given_name"], "properties": {"given_name": {"pattern": "\\S"}}},
        {"required": ["family_name"], "properties": {"family_name": {"pattern": "\\S"}}},
        {"required": ["nhs_number"], "properties": {"nhs_number": {"pattern": "[^\\s-]"}}},
    ],
}


class ChildIn(Schema):
    model_config = ConfigDict(json_schema_extra=_NAME_OR_NHS_NUMBER)

    given_name: Text = _text(max_length=100)
    family_name: Text = _text(max_length=100)
    date_of_birth: dt.date | None = None
    nhs_number: Text = _text(max_length=12, description="10 digits; the check digit is verified")
    upn: Text = _text(max_length=13, description="Unique pupil number")
    sex: Literal["F", "M", "U"] = "U"
    address: Annotated[AddressIn | None, BeforeValidator(_an_object)] = None


class ReferrerIn(Schema):
    name: Text = _text(max_length=200)
    email: Text = _text(max_length=254)
    phone: Text = _text(max_length=40)


class ContactIn(Schema):
    external_id: Text = _text(
        ..., min_length=1, max_length=100, description="Your system's own id for this contact"
    )
    concern: Text = _text(..., min_length=1, max_length=MAX_TEXT)
    urgency: Urgency = Urgency.NOT_URGENT
    child: Annotated[ChildIn, BeforeValidator(_an_object)]
    child_voice: Text = _text(max_length=MAX_TEXT, description="What the child said")
    child_presentation: Text = _text(max_length=MAX_TEXT, description="How the child seemed")
    actions_taken: Text = _text(max_length=MAX_TEXT)
    lawful_basis: LawfulBasis
    consent: Consent
    consent_detail: Text = _text(
        max_length=MAX_TEXT,
        description="Required when consent is 'refused' or 'not_sought': why",
    )
    referrer: Annotated[ReferrerIn | None, BeforeValidator(_an_object)] = None
    referral_source: Text | None = Field(
        None,
        description="DfE CIN census referral source code; none (or blank) gives your agency's.",
        # The codes the service accepts, so the document refuses what the service refuses.
        json_schema_extra={"enum": [*ReferralSource.values, "", None]},
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


def json_only(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 413 to a body over the upload limit and 415 to one not sent as JSON, before
    django-ninja reads it (it would answer 500 to the one and read any text as JSON)."""

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            body = request.body
        except RequestDataTooBig:
            limit = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) // 1024
            detail = f"The contact is too large: at most {limit} KB may be sent at once."
            return JsonResponse({"detail": detail}, status=413)
        if body and request.content_type != "application/json":
            detail = "Send the contact as JSON, with the header Content-Type: application/json."
            return JsonResponse({"detail": detail}, status=415)
        return run(request, *args, **kwargs)

    return checked


@router.post(
    "",
    response={
        201: ContactOut,
        200: ContactOut,
        400: Problem,
        401: Problem,
        409: Problem,
        413: Problem,
        415: Problem,
        422: InvalidInput,
    },
    summary="Send a contact to the front door",
)
@decorate_view(json_only)
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
