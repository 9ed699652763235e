"""The agency feed format, version 1 (DESIGN.md section 5): checking one line.

A line is one JSON object. `event_line_check` either returns the event, cleaned and typed, or
every problem found in it, each with a dotted path to the field (`people[2].date_of_birth`)
and a reason a person at the sending agency can act on.

What is rejected and what is tolerated follows the contract: `role`, `record_id` and one of
the names are required for a person; every other field about a person may be missing or
wrong, as in real agency data. So a value of the wrong JSON type (a name that is a number, an
address that is a string) rejects the line, being a fault in the sending system, while a
wrong value of the right type (an NHS number whose check digit fails, a postcode that does
not exist) is kept out of the person's record and the event is still imported. Dates and
codes that the rules depend on are checked strictly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from sightline.chronology.models import EventType, Role
from sightline.frontdoor.models import ReferralSource
from sightline.people.identifiers import normalise_nhs_number, normalise_postcode, validate_postcode

FEED_VERSION = "1"
# How far ahead of our clock an event may say it happened (agency clocks drift).
FUTURE_TOLERANCE = dt.timedelta(minutes=15)
EARLIEST = dt.date(1900, 1, 1)

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


def payload_hash(payload: Any) -> str:
    """The SHA-256 of the payload's canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
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


class _Checker:
    """Collects the problems of one line."""

    def __init__(self, line: int, now: dt.datetime) -> None:
        self.line = line
        self.now = now
        self.problems: list[Problem] = []

    def fail(self, field: str, reason: str) -> None:
        self.problems.append(Problem(self.line, field, reason))

    # --- primitive checks; each returns the clean value or None after recording a problem

    def text(self, value: Any, field: str, *, required: bool = False, limit: int = 0) -> str:
        if value is None:
            if required:
                self.fail(field, "is required")
            return ""
        if not isinstance(value, str):
            self.fail(field, f"must be a string, not {_json_type(value)}")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(field, "must not be empty")
        if limit and len(value) > limit:
            self.fail(field, f"is too long: at most {limit} characters")
        return value

    def choice(
        self,
        value: Any,
        field: str,
        allowed: tuple[str, ...] | frozenset[str],
        what: str,
        *,
        required: bool = False,
    ) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or value not in allowed:
            shown = ", ".join(sorted(allowed)) if len(allowed) <= 12 else ""
            self.fail(field, f"{value!r} is not {what}" + (f" (one of {shown})" if shown else ""))
            return ""
        return value

    def boolean(self, value: Any, field: str) -> bool | None:
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(field, f"must be true or false, not {_json_type(value)}")
            return None
        return value

    def date(self, value: Any, field: str) -> dt.date | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(field, f"must be a date as a string (YYYY-MM-DD), not {_json_type(value)}")
            return None
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            self.fail(field, f"{value!r} is not a real date (use YYYY-MM-DD)")
            return None
        if day < EARLIEST:
            self.fail(field, f"{value!r} is before 1900")
            return None
        return day

    def moment(self, value: Any, field: str, *, required: bool = False) -> dt.datetime | None:
        if value is None:
            if required:
                self.fail(field, "is required (a date and time like 2020-03-07T23:10:00+00:00)")
            return None
        if not isinstance(value, str):
            self.fail(field, f"must be a date and time as a string, not {_json_type(value)}")
            return None
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            self.fail(
                field,
                f"{value!r} is not a real date and time (use ISO 8601, like "
                "2020-03-07T23:10:00+00:00)",
            )
            return None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if moment.date() < EARLIEST:
            self.fail(field, f"{value!r} is before 1900")
            return None
        if moment > self.now + FUTURE_TOLERANCE:
            self.fail(field, f"{value!r} is in the future")
            return None
        return moment

    def address(self, value: Any, field: str, *, strict: bool) -> AddressSent | None:
        """An address object. With `strict`, an unreal postcode is a problem; without, dropped."""
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(field, f"must be an object with line and postcode, not {_json_type(value)}")
            return None
        line = self.text(value.get("line"), f"{field}.line", limit=200)
        town = self.text(value.get("town"), f"{field}.town", limit=100)
        postcode = normalise_postcode(self.text(value.get("postcode"), f"{field}.postcode"))
        try:
            validate_postcode(postcode)
        except ValidationError:
            if strict:
                self.fail(f"{field}.postcode", f"{value.get('postcode')!r} is not a UK postcode")
            postcode = ""
        if strict and not (line or postcode):
            self.fail(field, "give at least the first line or the postcode")
        return AddressSent(line=line, postcode=postcode, town=town)

    def identifier(self, value: Any, field: str) -> str:
        """An id that agencies may send as a string or a number."""
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(field, f"must be a string, not {_json_type(value)}")
            return ""
        return str(value).strip()

    def string_list(
        self, value: Any, field: str, allowed: frozenset[str] | None = None, what: str = ""
    ) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(field, f"must be a list, not {_json_type(value)}")
            return []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{field}[{index}]", f"must be a string, not {_json_type(item)}")
            elif allowed is not None and item not in allowed:
                self.fail(f"{field}[{index}]", f"{item!r} is not {what}")
        return value


# --- details, type by type ---------------------------------------------------------------

DetailCheck = Callable[[_Checker, Any, str], None]


def _text(c: _Checker, value: Any, field: str) -> None:
    c.text(value, field)


def _bool(c: _Checker, value: Any, field: str) -> None:
    c.boolean(value, field)


def _one_of(allowed: tuple[str, ...], what: str) -> DetailCheck:
    def check(c: _Checker, value: Any, field: str) -> None:
        c.choice(value, field, allowed, what)

    return check


def _dash_count(c: _Checker, value: Any, field: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        c.fail(field, f"must be a whole number from 0 to {DASH_QUESTIONS}, not {_json_type(value)}")
    elif not 0 <= value <= DASH_QUESTIONS:
        c.fail(field, f"{value} is not a count of DASH answers (0 to {DASH_QUESTIONS})")


def _factors(c: _Checker, value: Any, field: str) -> None:
    c.string_list(value, field, CIN_FACTORS, "a CIN census assessment factor code")


def _strings(c: _Checker, value: Any, field: str) -> None:
    c.string_list(value, field)


def _date(c: _Checker, value: Any, field: str) -> None:
    c.date(value, field)


def _new_address(c: _Checker, value: Any, field: str) -> None:
    c.address(value, field, strict=True)


_REFERRAL_SOURCES = tuple(ReferralSource.values)

DETAILS: dict[str, dict[str, DetailCheck]] = {
    EventType.CONTACT: {
        "referral_source": _one_of(_REFERRAL_SOURCES, "a DfE referral source code"),
        "concern": _text,
        "outcome": _one_of(CONTACT_OUTCOMES, "a contact outcome"),
    },
    EventType.ASSESSMENT_COMPLETED: {"factors": _factors},
    EventType.STRATEGY_DISCUSSION: {"attendees": _strings, "s47": _bool},
    EventType.ICPC: {"outcome": _one_of(ICPC_OUTCOMES, "an ICPC outcome")},
    EventType.CP_PLAN_STARTED: {"category": _one_of(CP_CATEGORIES, "a category of abuse")},
    EventType.CP_PLAN_ENDED: {"category": _one_of(CP_CATEGORIES, "a category of abuse")},
    EventType.EPISODE_CLOSED: {"reason": _one_of(CLOSURE_REASONS, "a closure reason")},
    EventType.DOMESTIC_ABUSE_INCIDENT: {
        "child_present": _bool,
        "dash_yes_count": _dash_count,
        "risk_level": _one_of(RISK_LEVELS, "a DASH risk level"),
    },
    EventType.INJURY_OBSERVED: {
        "injury": _one_of(INJURIES, "a kind of injury"),
        "independently_mobile": _bool,
        "explanation": _text,
    },
    EventType.ED_ATTENDANCE: {"site": _text, "reason": _text, "injury": _bool},
    EventType.APPOINTMENT_NOT_BROUGHT: {"service": _text, "appointment_type": _text},
    EventType.ADDRESS_CHANGE: {"address": _new_address},
    EventType.CUSTODY_RELEASE: {"release_address": _new_address, "domestic_abuse_history": _bool},
    EventType.MATERNITY_BOOKING: {"expected_date_of_birth": _date},
}
REQUIRED_DETAILS: dict[str, tuple[str, ...]] = {
    EventType.CONTACT: ("outcome",),
    EventType.ADDRESS_CHANGE: ("address",),
}


def _person(c: _Checker, value: Any, field: str, occurred_on: dt.date | None) -> PersonSent | None:
    if not isinstance(value, dict):
        c.fail(field, f"must be an object, not {_json_type(value)}")
        return None
    before = len(c.problems)
    role = c.choice(
        value.get("role"), f"{field}.role", tuple(sorted(ROLES)), "a role", required=True
    )
    record_id = c.identifier(value.get("record_id"), f"{field}.record_id")
    if not record_id and not any(p.field == f"{field}.record_id" for p in c.problems):
        c.fail(f"{field}.record_id", "is required: your own id for this person")
    elif len(record_id) > MAX_ID:
        c.fail(f"{field}.record_id", f"is too long: at most {MAX_ID} characters")
    given = c.text(value.get("given_name"), f"{field}.given_name")[:MAX_NAME]
    family = c.text(value.get("family_name"), f"{field}.family_name")[:MAX_NAME]
    if not (given or family) and not any(
        p.field in (f"{field}.given_name", f"{field}.family_name") for p in c.problems
    ):
        c.fail(field, "give at least one of the person's names (given_name or family_name)")
    born = c.date(value.get("date_of_birth"), f"{field}.date_of_birth")
    if born is not None and occurred_on is not None and born > occurred_on:
        c.fail(
            f"{field}.date_of_birth",
            f"{born.isoformat()} is after the event happened ({occurred_on.isoformat()})",
        )
    sex = value.get("sex")
    if sex is not None and not isinstance(sex, str):
        c.fail(f"{field}.sex", f"must be a string, not {_json_type(sex)}")
    sex = SEX_WORDS.get(sex.strip().lower(), "U") if isinstance(sex, str) and sex.strip() else ""
    # A malformed NHS number or UPN is kept out of the record (the linkage ignores it).
    nhs = normalise_nhs_number(c.identifier(value.get("nhs_number"), f"{field}.nhs_number"))
    nhs = nhs if len(nhs) <= 10 else ""
    upn = c.identifier(value.get("upn"), f"{field}.upn").upper()
    upn = upn if len(upn) <= 13 else ""
    address = c.address(value.get("address"), f"{field}.address", strict=False)
    if len(c.problems) > before:
        return None
    return PersonSent(
        role=role,
        record_id=record_id,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex=sex,
        nhs_number=nhs,
        upn=upn,
        address=address or None,
    )


def event_line_check(
    payload: Any, *, line: int, agencies: Mapping[str, Any], now: dt.datetime | None = None
) -> EventLine | list[Problem]:
    """Check one decoded line against the format. `agencies` maps registered codes to agencies."""
    c = _Checker(line, now or timezone.now())
    if not isinstance(payload, dict):
        return [Problem(line, "", f"must be a JSON object (an event), not {_json_type(payload)}")]
    feed = payload.get("feed")
    if feed != FEED_VERSION:
        c.fail("feed", f'{feed!r} is not a feed version this system reads (send "1")')
    source = c.text(payload.get("source"), "source", required=True)
    if source and source not in agencies:
        c.fail(
            "source",
            f"{source!r} is not a registered agency: ask the partnership to add it "
            "with `sightline agency add`",
        )
    event_id = c.text(payload.get("event_id"), "event_id", required=True, limit=MAX_ID)
    type_ = payload.get("type")
    if type_ is None:
        c.fail("type", "is required")
    elif not isinstance(type_, str) or type_ not in FEED_TYPE_VALUES:
        c.fail("type", f"{type_!r} is not an event type of feed version 1")
        type_ = None
    occurred_at = c.moment(payload.get("occurred_at"), "occurred_at", required=True)
    recorded_at = c.moment(payload.get("recorded_at"), "recorded_at")
    if occurred_at and recorded_at and recorded_at < occurred_at:
        c.fail(
            "recorded_at", "is before occurred_at: an event cannot be recorded before it happened"
        )
    summary = c.text(payload.get("summary"), "summary")
    occurred_on = timezone.localdate(occurred_at) if occurred_at else None

    people_value = payload.get("people")
    people: list[PersonSent] = []
    if people_value is None or people_value == []:
        c.fail("people", "name at least one person the event is about")
    elif not isinstance(people_value, list):
        c.fail("people", f"must be a list of people, not {_json_type(people_value)}")
    else:
        for index, value in enumerate(people_value):
            person = _person(c, value, f"people[{index}]", occurred_on)
            if person is not None:
                people.append(person)
    details = payload.get("details")
    if details is None:
        details = {}
    if not isinstance(details, dict):
        c.fail("details", f"must be an object, not {_json_type(details)}")
        details = {}
    elif type_:
        for key, check in DETAILS.get(type_, {}).items():
            if key in details:
                check(c, details[key], f"details.{key}")
        for key in REQUIRED_DETAILS.get(type_, ()):
            if details.get(key) is None:
                c.fail(f"details.{key}", f"is required for a {type_} event")
        if len(people) == len(people_value or []):
            roles = {person.role for person in people}
            for role in REQUIRED_ROLES.get(type_, ()):
                if role not in roles:
                    c.fail("people", f"a {type_} event needs a person with the role {role!r}")
    if c.problems:
        return c.problems
    assert occurred_at is not None and type_ is not None
    return EventLine(
        line=line,
        source=source,
        event_id=event_id,
        type=type_,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        summary=summary,
        people=tuple(people),
        details=details,
        payload=payload,
        payload_hash=payload_hash(payload),
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


def event_line_decode(raw: bytes | str, *, line: int) -> Any | Problem:
    """Decode one line of JSON Lines; a Problem when it is not UTF-8 or not JSON."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            return Problem(line, "", f"is not UTF-8 text (byte {error.start + 1})")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        return Problem(line, "", f"is not valid JSON: {error.msg} at column {error.colno}")
