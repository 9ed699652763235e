"""The agency feed format, version 1 (DESIGN.md section 5): one schema for a line.

A line is one JSON object. Its format is written once, as the pydantic model `FeedLine` (one
model per event type, told apart by `type`, each with the details of its type): the importer
validates every line against it, and the API's OpenAPI document shows the JSON Schema it
generates (ADR 009). `event_line_check` either returns the event, cleaned and typed, or every
problem found in it, each with a dotted path to the field (`people[2].date_of_birth`) and a
reason a person at the sending agency can act on.

What is rejected and what is tolerated follows the contract: `role`, `record_id` and one of
the names are required for a person; every other field about a person may be missing or
wrong, as in real agency data. So a value of the wrong JSON type (a name that is a number, an
address that is a string) rejects the line, being a fault in the sending system, while a
wrong value of the right type (an NHS number whose check digit fails, a postcode that does
not exist) is kept out of the person's record and the event is still imported. Dates and
codes that the rules depend on are checked strictly.

Whatever the type, no string anywhere in a line (a key, a value, a field the format does not
name) may hold a control character other than tab, line feed and carriage return, or a lone
surrogate (neither can be stored or exported safely; PostgreSQL refuses NUL outright), and a
line may nest at most `MAX_DEPTH` levels deep.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    ValidationError,
    ValidationInfo,
    create_model,
    model_validator,
)
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from sightline.chronology.models import EventType, Role
from sightline.core.text import SAFE_TEXT_PATTERN, text_problem
from sightline.frontdoor.models import ReferralSource
from sightline.people.identifiers import normalise_nhs_number, normalise_postcode, validate_postcode

FEED_VERSION = "1"
# How far ahead of our clock an event may say it happened (agency clocks drift).
FUTURE_TOLERANCE = dt.timedelta(minutes=15)
EARLIEST = dt.date(1900, 1, 1)
# How deep a line may nest (an event, its people, a person, an address: four levels).
MAX_DEPTH = 32

FEED_TYPES: tuple[str, ...] = (
    EventType.CONTACT,
    EventType.ASSESSMENT_STARTED,
    EventType.ASSESSMENT_COMPLETED,
    EventType.STRATEGY_DISCUSSION,
    EventType.S47_STARTED,
    EventType.ICPC,
    EventType.CP_PLAN_STARTED,
    EventType.CP_PLAN_ENDED,
    EventType.CIN_PLAN_STARTED,
    EventType.CIN_PLAN_ENDED,
    EventType.EPISODE_CLOSED,
    EventType.DOMESTIC_ABUSE_INCIDENT,
    EventType.INJURY_OBSERVED,
    EventType.ED_ATTENDANCE,
    EventType.APPOINTMENT_NOT_BROUGHT,
    EventType.ADDRESS_CHANGE,
    EventType.HOUSEHOLD_MEMBER_JOINED,
    EventType.HOUSEHOLD_MEMBER_LEFT,
    EventType.CUSTODY_RELEASE,
    EventType.MATERNITY_BOOKING,
    EventType.MISSING_EPISODE,
    EventType.SCHOOL_EXCLUSION,
)
FEED_TYPE_VALUES = frozenset(str(value) for value in FEED_TYPES)
ROLES = frozenset(Role.values)
CONTACT_OUTCOMES = ("pending", "nfa", "advice", "early_help", "referral")
ICPC_OUTCOMES = ("cp_plan", "no_plan")
CP_CATEGORIES = ("NEG", "PHY", "SAB", "EMO", "MUL")
CLOSURE_REASONS = tuple(f"RC{n}" for n in range(1, 10))
RISK_LEVELS = ("standard", "medium", "high")
INJURIES = ("bruise", "fracture", "burn", "head_injury", "other")
DASH_QUESTIONS = 27
# DfE CIN census assessment factor codes (DOMAIN.md).
CIN_FACTORS = frozenset(
    [f"{n}{s}" for n in range(1, 7) for s in "ABC"]
    + ["7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A"]
    + ["16A", "17A", "18B", "18C", "19B", "19C", "20", "21", "22A", "23A", "24A"]
)
# The roles an event of a type must name.
REQUIRED_ROLES: dict[str, tuple[str, ...]] = {
    EventType.HOUSEHOLD_MEMBER_JOINED: ("child", "member"),
    EventType.HOUSEHOLD_MEMBER_LEFT: ("child", "member"),
    EventType.MATERNITY_BOOKING: ("mother",),
}
SEX_WORDS = {"f": "F", "female": "F", "m": "M", "male": "M", "u": "U", "unknown": "U"}
MAX_NAME = 100
MAX_ID = 100


@dataclass(frozen=True)
class Problem:
    """Why a line was not imported: where (a dotted path) and what is wrong."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"line {self.line}: {where}{self.reason}"


@dataclass(frozen=True)
class AddressSent:
    line: str = ""
    postcode: str = ""
    town: str = ""

    def __bool__(self) -> bool:
        return bool(self.line or self.postcode)


@dataclass(frozen=True)
class PersonSent:
    role: str
    record_id: str
    given_name: str = ""
    family_name: str = ""
    date_of_birth: dt.date | None = None
    sex: str = ""
    nhs_number: str = ""
    upn: str = ""
    address: AddressSent | None = None


@dataclass(frozen=True)
class EventLine:
    """One valid line of a feed, ready to import."""

    line: int
    source: str
    event_id: str
    type: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime | None
    summary: str
    people: tuple[PersonSent, ...]
    details: dict[str, Any]
    payload: dict[str, Any]
    payload_hash: str
    # False when the agency sent a date only ("2020-03-07"): the chronology shows no time.
    has_time: bool = True

    @property
    def occurred_on(self) -> dt.date:
        return timezone.localdate(self.occurred_at)

    def with_role(self, role: str) -> list[PersonSent]:
        return [person for person in self.people if person.role == role]


def canonical_json(payload: Any) -> str:
    """The payload's canonical JSON (sorted keys, no spaces, not ASCII-escaped); ValueError
    when it holds a number JSON cannot (NaN, Infinity)."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def payload_hash(payload: Any, canonical: str | None = None) -> str:
    """The SHA-256 of the payload's canonical JSON, UTF-8."""
    if canonical is None:
        canonical = canonical_json(payload)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


# --- text that can be stored: no control characters, no lone surrogates ----------------------

# An unsafe character in canonical JSON: C1 controls and lone surrogates appear as themselves;
# a C0 control other than tab, line feed and carriage return is escaped (\u0000 to \u001f,
# \b, \f) after an even run of backslashes.
_UNSAFE_AS_ITSELF = re.compile("[\x7f-\x9f\ud800-\udfff]")
_UNSAFE_ESCAPED = re.compile(r"(?<!\\)(?:\\\\)*\\(?:u00[01][0-9a-fA-F]|[bf])")


def _nests_too_deeply(payload: dict[str, Any]) -> bool:
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if depth >= MAX_DEPTH:
            return True
        for item in value.values() if isinstance(value, dict) else value:
            if isinstance(item, dict | list):
                stack.append((item, depth + 1))
    return False


def _safe_canonical_json(payload: dict[str, Any]) -> str | None:
    """The payload's canonical JSON when every part of it can be kept, else None (the cheap
    test a line passes on the way in; `_unsafe_parts` names what is wrong)."""
    try:
        canonical = canonical_json(payload)
    except (ValueError, RecursionError):
        return None
    if _UNSAFE_AS_ITSELF.search(canonical) or _nests_too_deeply(payload):
        return None
    if "\\" in canonical and _UNSAFE_ESCAPED.search(canonical):
        return None
    return canonical


def _dotted(path: tuple[str | int, ...]) -> str:
    field = ""
    for part in path:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    return field


def _unsafe_parts(payload: Any) -> list[tuple[str, str]]:
    """(field, reason) for every unsafe string (key or value), number JSON cannot hold, and
    nesting deeper than MAX_DEPTH anywhere in a decoded line."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(payload, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            reason = text_problem(value)
            if reason:
                found.append((_dotted(path), reason))
            continue
        if isinstance(value, float) and not math.isfinite(value):
            found.append((_dotted(path), "is not a number JSON allows (NaN or Infinity)"))
            continue
        if not isinstance(value, dict | list):
            continue
        if len(path) >= MAX_DEPTH:
            found.append((_dotted(path[:2]), f"is nested too deeply (at most {MAX_DEPTH} levels)"))
            continue
        if isinstance(value, list):
            stack.extend((item, (*path, index)) for index, item in enumerate(value))
            continue
        for key, item in value.items():
            reason = text_problem(key)
            if reason:
                found.append((_dotted(path), f"has a key that {reason}"))
            else:
                stack.append((item, (*path, key)))
    found.reverse()
    return found


# --- the primitive types of the format: each validates, cleans and describes itself ---------


def _fail(reason: str) -> PydanticCustomError:
    return PydanticCustomError("feed", reason.replace("{", "{{").replace("}", "}}"))


@dataclass(frozen=True, eq=False)
class _Rule:
    """How one value of the format is checked (`check` returns it clean or raises with the
    reason) and how the JSON Schema describes it: `Annotated[str, _Rule(...)]`."""

    check: Callable[..., Any]
    schema: dict[str, Any]
    with_context: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> CoreSchema:
        if self.with_context:
            return core_schema.with_info_plain_validator_function(self.check)
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: Any) -> dict[str, Any]:
        return dict(self.schema)


def _text_check(*, required: bool = False, limit: int = 0) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value is None:
            if required:
                raise _fail("is required")
            return ""
        if not isinstance(value, str):
            raise _fail(f"must be a string, not {_json_type(value)}")
        unsafe = text_problem(value)
        if unsafe:
            raise _fail(unsafe)
        value = value.strip()
        if required and not value:
            raise _fail("must not be empty")
        if limit and len(value) > limit:
            raise _fail(f"is too long: at most {limit} characters")
        return value

    return check


def text(
    *, required: bool = False, limit: int = 0, description: str = "", nullable: bool = True
) -> _Rule:
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string"}
    schema["pattern"] = SAFE_TEXT_PATTERN
    if required:
        schema["minLength"] = 1
    if limit:
        schema["maxLength"] = limit
    if description:
        schema["description"] = description
    return _Rule(_text_check(required=required, limit=limit), schema)


_required_text = _text_check(required=True)
_optional_text = _text_check()


def choice(allowed: tuple[str, ...] | frozenset[str], what: str, required: bool = False) -> _Rule:
    shown = ", ".join(sorted(allowed)) if len(allowed) <= 12 else ""

    def check(value: Any) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or value not in allowed:
            raise _fail(f"{value!r} is not {what}" + (f" (one of {shown})" if shown else ""))
        return value

    values = sorted(allowed)
    schema: dict[str, Any] = {"type": "string", "enum": values, "description": what}
    if not required:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return _Rule(check, schema)


def _flag(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise _fail(f"must be true or false, not {_json_type(value)}")


Flag = Annotated[bool | None, _Rule(_flag, {"type": ["boolean", "null"]})]


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(f"must be a date as a string (YYYY-MM-DD), not {_json_type(value)}")
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise _fail(f"{value!r} is not a real date (use YYYY-MM-DD)") from None
    if day < EARLIEST:
        raise _fail(f"{value!r} is before 1900")
    return day


Day = Annotated[dt.date | None, _Rule(_day, {"type": ["string", "null"], "format": "date"})]


def moment(*, required: bool) -> _Rule:
    def check(value: Any, info: ValidationInfo) -> dt.datetime | None:
        if value is None:
            if required:
                raise _fail("is required (a date and time like 2020-03-07T23:10:00+00:00)")
            return None
        if not isinstance(value, str):
            raise _fail(f"must be a date and time as a string, not {_json_type(value)}")
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise _fail(
                f"{value!r} is not a real date and time (use ISO 8601, like "
                "2020-03-07T23:10:00+00:00)"
            ) from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if moment.date() < EARLIEST:
            raise _fail(f"{value!r} is before 1900")
        now = (info.context or {}).get("now") or timezone.now()
        if moment > now + FUTURE_TOLERANCE:
            raise _fail(f"{value!r} is in the future")
        return moment

    schema = {"type": "string" if required else ["string", "null"], "format": "date-time"}
    return _Rule(check, schema, with_context=True)


def identifier(*, required: str = "", description: str = "") -> _Rule:
    """An id that agencies may send as a string or a number."""

    def check(value: Any) -> str:
        if value is None:
            if required:
                raise _fail(required)
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _fail(f"must be a string, not {_json_type(value)}")
        text = str(value)
        unsafe = text_problem(text)
        if unsafe:
            raise _fail(unsafe)
        text = text.strip()
        if required and not text:
            raise _fail(required)
        if required and len(text) > MAX_ID:
            raise _fail(f"is too long: at most {MAX_ID} characters")
        return text

    kinds = ["string", "integer"] if required else ["string", "integer", "null"]
    return _Rule(check, {"type": kinds, "description": description})


def _source(value: Any, info: ValidationInfo) -> str:
    text = _required_text(value)
    agencies = (info.context or {}).get("agencies")
    if agencies is not None and text not in agencies:
        raise _fail(
            f"{text!r} is not a registered agency: ask the partnership to add it "
            "with `sightline agency add`"
        )
    return text


def _feed_version(value: Any) -> str:
    if value != FEED_VERSION:
        raise _fail(f'{value!r} is not a feed version this system reads (send "1")')
    return FEED_VERSION


def _dash_count(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(f"must be a whole number from 0 to {DASH_QUESTIONS}, not {_json_type(value)}")
    if not 0 <= value <= DASH_QUESTIONS:
        raise _fail(f"{value} is not a count of DASH answers (0 to {DASH_QUESTIONS})")
    return value


def _strict_postcode(value: Any) -> str:
    text = _optional_text(value)
    postcode = normalise_postcode(text)
    try:
        validate_postcode(postcode)
    except DjangoValidationError:
        raise _fail(f"{value!r} is not a UK postcode") from None
    return postcode


def _any_object(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(f"must be an object, not {_json_type(value)}")
    return value


def _none_as_empty(value: Any) -> Any:
    return {} if value is None else value


Text = Annotated[str, text()]
Name = Annotated[str, text(description="Longer names are cut to 100 characters")]
AnyDetails = Annotated[
    dict[str, Any],
    _Rule(_any_object, {"type": ["object", "null"], "description": "Nothing is read from it"}),
]


# --- the model --------------------------------------------------------------------------------


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class PersonAddress(_Part):
    """A person's address. A postcode that is not a UK postcode is left out of the record."""

    line: Annotated[str, text(limit=200)] = ""
    postcode: Text = ""
    town: Annotated[str, text(limit=100)] = ""


class NewAddress(_Part):
    """An address an event moves people to: a real UK postcode, and the first line or the
    postcode at least."""

    line: Annotated[str, text(limit=200)] = ""
    postcode: Annotated[
        str, _Rule(_strict_postcode, {"type": ["string", "null"], "examples": ["BD21 4QA"]})
    ] = ""
    town: Annotated[str, text(limit=100)] = ""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": ["line"]}, {"required": ["postcode"]}]}
    )

    @model_validator(mode="after")
    def _line_or_postcode(self) -> NewAddress:
        if not (self.line or self.postcode):
            raise _fail("give at least the first line or the postcode")
        return self


class PersonIn(_Part):
    """A person the event is about. Only role, record_id and one of the names are required;
    every other field may be missing or wrong, as in real agency data."""

    role: Annotated[str, choice(ROLES, "a role", required=True)]
    record_id: Annotated[
        str,
        identifier(
            required="is required: your own id for this person",
            description="Your own id for this person",
        ),
    ]
    given_name: Name = ""
    family_name: Name = ""
    date_of_birth: Day = None
    sex: Annotated[str, text(description="F, M or U; female, male or unknown")] = ""
    nhs_number: Annotated[
        str, identifier(description="Kept only when its check digit is right")
    ] = ""
    upn: Annotated[str, identifier(description="Unique pupil number")] = ""
    address: PersonAddress | None = None

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": ["given_name"]}, {"required": ["family_name"]}]}
    )

    @model_validator(mode="after")
    def _a_name(self) -> PersonIn:
        if not (self.given_name or self.family_name):
            raise _fail("give at least one of the person's names (given_name or family_name)")
        return self


# Details, type by type (DESIGN.md section 5's table). Keys the format does not name are kept
# with the event but not read.


class ContactDetails(_Part):
    referral_source: Annotated[
        str, choice(tuple(ReferralSource.values), "a DfE referral source code")
    ] = ""
    concern: Text = ""
    outcome: Annotated[str, choice(CONTACT_OUTCOMES, "a contact outcome", required=True)]


class AssessmentCompletedDetails(_Part):
    factors: (
        list[Annotated[str, choice(CIN_FACTORS, "a CIN census assessment factor code", True)]]
        | None
    ) = None


class StrategyDiscussionDetails(_Part):
    attendees: list[Annotated[str, text(nullable=False)]] | None = None
    s47: Flag = None


class IcpcDetails(_Part):
    outcome: Annotated[str, choice(ICPC_OUTCOMES, "an ICPC outcome")] = ""


class CpPlanDetails(_Part):
    category: Annotated[str, choice(CP_CATEGORIES, "a category of abuse")] = ""


class EpisodeClosedDetails(_Part):
    reason: Annotated[str, choice(CLOSURE_REASONS, "a closure reason")] = ""


class ChildAtIncident(_Part):
    """What the police record of one child at a domestic abuse incident (told to the child's
    school under Operation Encompass)."""

    record_id: Annotated[
        str, identifier(required="is required: your id for the child, as in `people`")
    ]
    present: Flag = None
    where: Annotated[str, text(limit=200, description="where the child was")] = ""
    said: Annotated[str, text(limit=500, description="what the child said")] = ""
    said_in_presence_of: Annotated[
        str, text(limit=200, description="who was there when the child spoke")
    ] = ""


class DomesticAbuseIncidentDetails(_Part):
    location: Annotated[str, text(limit=300, description="where the incident happened")] = ""
    children: list[ChildAtIncident] | None = None
    child_present: Flag = None
    dash_yes_count: Annotated[
        int | None,
        _Rule(_dash_count, {"type": ["integer", "null"], "minimum": 0, "maximum": DASH_QUESTIONS}),
    ] = None
    risk_level: Annotated[str, choice(RISK_LEVELS, "a DASH risk level")] = ""


class InjuryObservedDetails(_Part):
    injury: Annotated[str, choice(INJURIES, "a kind of injury")] = ""
    independently_mobile: Flag = None
    explanation: Text = ""


class EdAttendanceDetails(_Part):
    site: Text = ""
    reason: Text = ""
    injury: Flag = None


class AppointmentNotBroughtDetails(_Part):
    service: Text = ""
    appointment_type: Text = ""


class AddressChangeDetails(_Part):
    address: NewAddress


class CustodyReleaseDetails(_Part):
    release_address: NewAddress | None = None
    domestic_abuse_history: Flag = None


class MaternityBookingDetails(_Part):
    expected_date_of_birth: Day = None


DETAILS: dict[str, type[_Part]] = {
    EventType.CONTACT: ContactDetails,
    EventType.ASSESSMENT_COMPLETED: AssessmentCompletedDetails,
    EventType.STRATEGY_DISCUSSION: StrategyDiscussionDetails,
    EventType.ICPC: IcpcDetails,
    EventType.CP_PLAN_STARTED: CpPlanDetails,
    EventType.CP_PLAN_ENDED: CpPlanDetails,
    EventType.EPISODE_CLOSED: EpisodeClosedDetails,
    EventType.DOMESTIC_ABUSE_INCIDENT: DomesticAbuseIncidentDetails,
    EventType.INJURY_OBSERVED: InjuryObservedDetails,
    EventType.ED_ATTENDANCE: EdAttendanceDetails,
    EventType.APPOINTMENT_NOT_BROUGHT: AppointmentNotBroughtDetails,
    EventType.ADDRESS_CHANGE: AddressChangeDetails,
    EventType.CUSTODY_RELEASE: CustodyReleaseDetails,
    EventType.MATERNITY_BOOKING: MaternityBookingDetails,
}
# Types whose details must be sent (their model has a required field).
REQUIRED_DETAILS = frozenset({EventType.CONTACT, EventType.ADDRESS_CHANGE})


class _LineBase(_Part):
    feed: Annotated[str, _Rule(_feed_version, {"type": "string", "enum": [FEED_VERSION]})]
    source: Annotated[
        str,
        _Rule(
            _source,
            {"type": "string", "minLength": 1, "description": "Your agency's code"},
            with_context=True,
        ),
    ]
    event_id: Annotated[
        str,
        text(required=True, limit=MAX_ID, nullable=False, description="Your own id for the event"),
    ]
    occurred_at: Annotated[dt.datetime, moment(required=True)]
    recorded_at: Annotated[dt.datetime | None, moment(required=False)] = None
    summary: Text = ""
    people: list[PersonIn] = Field(min_length=1)


class _AnyTypeLine(_LineBase):
    """A line whose type is missing or unknown: read only to report its other problems."""

    type: Any = None
    details: AnyDetails = Field(default_factory=dict)


def _camel(value: str) -> str:
    return "".join(part.capitalize() for part in value.split("_"))


def _line_model(type_: str) -> type[_LineBase]:
    details_model = DETAILS.get(type_)
    details: Any
    if details_model is None:
        details = (AnyDetails, Field(default_factory=dict))
    elif type_ in REQUIRED_DETAILS:
        details = (Annotated[details_model, BeforeValidator(_none_as_empty)], ...)
    else:
        details = (
            Annotated[details_model, BeforeValidator(_none_as_empty)],
            Field(default_factory=dict, validate_default=True),
        )
    model: type[_LineBase] = create_model(  # type: ignore[call-overload]
        f"{_camel(type_)}Line",
        __base__=_LineBase,
        __doc__=f"A {EventType(type_).label.lower()} event.",
        type=(Literal[type_], ...),  # type: ignore[arg-type]
        details=details,
    )
    return model


LINE_MODELS: dict[str, type[_LineBase]] = {str(t): _line_model(str(t)) for t in FEED_TYPES}


class FeedLine(RootModel[Any]):
    """One event of an agency feed, format version 1 (DESIGN.md section 5)."""

    root: Annotated[
        Union[tuple(LINE_MODELS.values())],  # type: ignore[valid-type]  # noqa: UP007
        Field(discriminator="type"),
    ]


REF_TEMPLATE = "#/components/schemas/{model}"


def feed_line_json_schema() -> dict[str, dict[str, Any]]:
    """The JSON Schema of a feed line, as named schemas for an OpenAPI document's components:
    `FeedLine` and every model it refers to."""
    schema = FeedLine.model_json_schema(ref_template=REF_TEMPLATE)
    named: dict[str, dict[str, Any]] = schema.pop("$defs")
    named["FeedLine"] = schema
    return named


# --- checking a line ----------------------------------------------------------------------------

# Reasons for a field that is missing, by its dotted path (list indexes left out).
_MISSING: dict[str, str] = {
    "feed": 'is required: the feed version (send "1")',
    "occurred_at": "is required (a date and time like 2020-03-07T23:10:00+00:00)",
    "people": "name at least one person the event is about",
    "people[].role": "is required: a role (one of " + ", ".join(sorted(ROLES)) + ")",
    "people[].record_id": "is required: your own id for this person",
}


def _reason(error: Any, field: str, type_: str) -> str:
    kind = error["type"]
    value = error.get("input")
    general = re.sub(r"\[\d+\]", "[]", field)
    if kind == "missing":
        if general.startswith("details"):
            return f"is required for a {type_} event"
        return _MISSING.get(general, "is required")
    if general == "people" and (kind == "too_short" or value is None):
        return _MISSING["people"]
    if kind == "list_type":
        return f"must be a list, not {_json_type(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be an object, not {_json_type(value)}"
    return str(error["msg"])


def _problems(error: ValidationError, line: int, type_: str) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        if loc and loc[0] == type_:
            loc = loc[1:]
        field = _dotted(loc)
        problems.append(Problem(line, field, _reason(item, field, type_)))
    return problems


def _type_problem(value: Any) -> str:
    if value is None:
        return "is required"
    return f"{value!r} is not an event type of feed version 1"


def event_line_check(
    payload: Any, *, line: int, agencies: Mapping[str, Any], now: dt.datetime | None = None
) -> EventLine | list[Problem]:
    """Check one decoded line against the format. `agencies` maps registered codes to agencies."""
    if not isinstance(payload, dict):
        return [Problem(line, "", f"must be a JSON object (an event), not {_json_type(payload)}")]
    context = {"agencies": agencies, "now": now or timezone.now()}
    type_: Any = payload.get("type")
    known = isinstance(type_, str) and type_ in FEED_TYPE_VALUES
    problems: list[Problem] = []
    checked: Any = None
    try:
        if known:
            checked = FeedLine.model_validate(payload, context=context).root
        else:
            problems.append(Problem(line, "type", _type_problem(type_)))
            _AnyTypeLine.model_validate(payload, context=context)
    except ValidationError as error:
        problems += _problems(error, line, type_ if known else "")
    canonical = _safe_canonical_json(payload)
    if canonical is None:
        problems += [
            Problem(line, field, reason)
            for field, reason in _unsafe_parts(payload)
            if not any(p.field == field and p.reason == reason for p in problems)
        ]
    if checked is not None and not problems:
        problems = _across_fields(checked, line)
    if problems or canonical is None:
        return problems or [Problem(line, "", "cannot be read as JSON this system can keep")]
    return EventLine(
        line=line,
        source=checked.source,
        event_id=checked.event_id,
        type=checked.type,
        occurred_at=checked.occurred_at,
        recorded_at=checked.recorded_at,
        summary=checked.summary,
        people=tuple(_person_sent(person) for person in checked.people),
        details=payload.get("details") or {},
        payload=payload,
        payload_hash=payload_hash(payload, canonical),
        has_time=not _is_date_only(payload.get("occurred_at")),
    )


def _is_date_only(value: Any) -> bool:
    """A date without a time ("2020-03-07"), which `moment` reads as the start of that day."""
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _across_fields(checked: Any, line: int) -> list[Problem]:
    """The rules that relate one field to another."""
    problems = []
    if checked.recorded_at and checked.recorded_at < checked.occurred_at:
        reason = "is before occurred_at: an event cannot be recorded before it happened"
        problems.append(Problem(line, "recorded_at", reason))
    occurred_on = timezone.localdate(checked.occurred_at)
    for index, person in enumerate(checked.people):
        born = person.date_of_birth
        if born is not None and born > occurred_on:
            reason = f"{born.isoformat()} is after the event happened ({occurred_on.isoformat()})"
            problems.append(Problem(line, f"people[{index}].date_of_birth", reason))
    roles = {person.role for person in checked.people}
    for role in REQUIRED_ROLES.get(checked.type, ()):
        if role not in roles:
            reason = f"a {checked.type} event needs a person with the role {role!r}"
            problems.append(Problem(line, "people", reason))
    return problems


def _person_sent(person: PersonIn) -> PersonSent:
    sex = SEX_WORDS.get(person.sex.lower(), "U") if person.sex else ""
    # A malformed NHS number or UPN is kept out of the record (the linkage ignores it).
    nhs = normalise_nhs_number(person.nhs_number)
    upn = person.upn.upper()
    return PersonSent(
        role=person.role,
        record_id=person.record_id,
        given_name=person.given_name[:MAX_NAME],
        family_name=person.family_name[:MAX_NAME],
        date_of_birth=person.date_of_birth,
        sex=sex,
        nhs_number=nhs if len(nhs) <= 10 else "",
        upn=upn if len(upn) <= 13 else "",
        address=_address_sent(person.address),
    )


def _address_sent(address: PersonAddress | None) -> AddressSent | None:
    if address is None:
        return None
    postcode = normalise_postcode(address.postcode)
    try:
        validate_postcode(postcode)
    except DjangoValidationError:
        postcode = ""
    sent = AddressSent(line=address.line, postcode=postcode, town=address.town)
    return sent or None


def event_line_decode(raw: bytes | str, *, line: int) -> Any | Problem:
    """Decode one line of JSON Lines; a Problem when it is not UTF-8 or not JSON."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            return Problem(line, "", f"is not UTF-8 text (byte {error.start + 1})")
    return json_decode(raw, line=line)


def json_decode(text: str, *, line: int) -> Any | Problem:
    """JSON text decoded, or why it cannot be: not JSON, or nested too deeply to read."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        return Problem(line, "", f"is not valid JSON: {error.msg} at column {error.colno}")
    except RecursionError:
        return Problem(line, "", f"is JSON nested too deeply (at most {MAX_DEPTH} levels)")
    except ValueError as error:  # a number too long to read
        return Problem(line, "", f"is not JSON this system can read: {error}")
