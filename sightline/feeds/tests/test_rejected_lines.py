"""Each kind of bad line is rejected with its line number, the field and the reason; the good
lines around it are still imported."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from sightline.chronology.models import Event
from sightline.feeds.services import feed_import
from sightline.feeds.tests.lines import DELETE, a_line, changed

pytestmark = pytest.mark.django_db

TOMORROW = (timezone.now() + dt.timedelta(days=1)).isoformat()

# (what is wrong, the line, the field reported, words in the reason)
BAD_LINES = [
    ("feed version", changed(a_line(), "feed", "2"), "feed", "not a feed version"),
    ("feed version as a number", changed(a_line(), "feed", 1), "feed", "not a feed version"),
    ("unknown type", changed(a_line(), "type", "burglary"), "type", "not an event type"),
    ("missing type", changed(a_line(), "type", DELETE), "type", "required"),
    ("unknown source", changed(a_line(), "source", "mi5"), "source", "not a registered agency"),
    ("missing event id", changed(a_line(), "event_id", DELETE), "event_id", "required"),
    ("empty event id", changed(a_line(), "event_id", " "), "event_id", "must not be empty"),
    ("event id too long", changed(a_line(), "event_id", "X" * 101), "event_id", "too long"),
    ("missing occurred_at", changed(a_line(), "occurred_at", DELETE), "occurred_at", "required"),
    (
        "impossible date",
        changed(a_line(), "occurred_at", "2020-02-30T10:00:00+00:00"),
        "occurred_at",
        "not a real date",
    ),
    (
        "occurred_at not a string",
        changed(a_line(), "occurred_at", 1583622600),
        "occurred_at",
        "must be a date and time",
    ),
    ("in the future", changed(a_line(), "occurred_at", TOMORROW), "occurred_at", "future"),
    (
        "recorded before it happened",
        changed(a_line(), "recorded_at", "2020-03-07T20:00:00+00:00"),
        "recorded_at",
        "before occurred_at",
    ),
    ("missing people", changed(a_line(), "people", DELETE), "people", "at least one person"),
    ("no people", changed(a_line(), "people", []), "people", "at least one person"),
    (
        "people not a list",
        changed(a_line(), "people", {"role": "child"}),
        "people",
        "must be a list",
    ),
    (
        "a person without a role",
        changed(a_line(), "people.2.role", DELETE),
        "people[2].role",
        "is required: a role",
    ),
    (
        "an unknown role",
        changed(a_line(), "people.1.role", "suspect"),
        "people[1].role",
        "'suspect' is not a role",
    ),
    (
        "a person without a record id",
        changed(a_line(), "people.0.record_id", DELETE),
        "people[0].record_id",
        "required",
    ),
    (
        "a person without any name",
        changed(changed(a_line(), "people.2.given_name", ""), "people.2.family_name", DELETE),
        "people[2]",
        "at least one of the person's names",
    ),
    (
        "a name that is not text",
        changed(a_line(), "people.1.given_name", 42),
        "people[1].given_name",
        "must be a string",
    ),
    (
        "an impossible date of birth",
        changed(a_line(), "people.2.date_of_birth", "2019-02-30"),
        "people[2].date_of_birth",
        "not a real date",
    ),
    (
        "born after the event",
        changed(a_line(), "people.2.date_of_birth", "2021-01-01"),
        "people[2].date_of_birth",
        "after the event happened",
    ),
    (
        "an address that is not an object",
        changed(a_line(), "people.0.address", "4 Invented Lane"),
        "people[0].address",
        "must be an object",
    ),
    (
        "a referral source that is not a DfE code",
        a_line(type="contact", details={"referral_source": "6Z", "outcome": "pending"}),
        "details.referral_source",
        "not a DfE referral source code",
    ),
    (
        "a contact without an outcome",
        a_line(type="contact", details={"concern": "Worried"}),
        "details.outcome",
        "required",
    ),
    (
        "an unknown contact outcome",
        a_line(type="contact", details={"outcome": "maybe"}),
        "details.outcome",
        "not a contact outcome",
    ),
    (
        "a category of abuse that does not exist",
        a_line(type="cp_plan_started", details={"category": "XYZ"}),
        "details.category",
        "not a category of abuse",
    ),
    (
        "a closure reason that does not exist",
        a_line(type="episode_closed", details={"reason": "RC10"}),
        "details.reason",
        "not a closure reason",
    ),
    (
        "an Encompass child without the police's id for them",
        changed(a_line(), "details.children", [{"present": True, "where": "upstairs"}]),
        "details.children[0].record_id",
        "required",
    ),
    (
        "an Encompass child's presence as a word",
        changed(a_line(), "details.children", [{"record_id": "WYP-553", "present": "maybe"}]),
        "details.children[0].present",
        "true or false",
    ),
    (
        "the incident's place as a number",
        changed(a_line(), "details.location", 14),
        "details.location",
        "must be a string",
    ),
    (
        "a risk level that does not exist",
        changed(a_line(), "details.risk_level", "severe"),
        "details.risk_level",
        "not a DASH risk level",
    ),
    (
        "too many DASH answers",
        changed(a_line(), "details.dash_yes_count", 28),
        "details.dash_yes_count",
        "0 to 27",
    ),
    (
        "a negative DASH count",
        changed(a_line(), "details.dash_yes_count", -1),
        "details.dash_yes_count",
        "0 to 27",
    ),
    (
        "a DASH count as text",
        changed(a_line(), "details.dash_yes_count", "9"),
        "details.dash_yes_count",
        "whole number",
    ),
    (
        "child_present as text",
        changed(a_line(), "details.child_present", "yes"),
        "details.child_present",
        "true or false",
    ),
    (
        "an unknown injury",
        a_line(type="injury_observed", details={"injury": "scratch"}),
        "details.injury",
        "not a kind of injury",
    ),
    (
        "an ICPC outcome that does not exist",
        a_line(type="icpc", details={"outcome": "maybe"}),
        "details.outcome",
        "not an ICPC outcome",
    ),
    (
        "an assessment factor that does not exist",
        a_line(type="assessment_completed", details={"factors": ["3A", "99Z"]}),
        "details.factors[1]",
        "not a CIN census assessment factor",
    ),
    (
        "details not an object",
        changed(a_line(), "details", ["child_present"]),
        "details",
        "must be an object",
    ),
    (
        "an address change without the address",
        a_line(type="address_change", details={}),
        "details.address",
        "required",
    ),
    (
        "an address change to a postcode that does not exist",
        a_line(type="address_change", details={"address": {"line": "1 A Road", "postcode": "XX"}}),
        "details.address.postcode",
        "not a UK postcode",
    ),
    (
        "a maternity booking without the mother",
        a_line(type="maternity_booking"),
        "people",
        "role 'mother'",
    ),
    (
        "a household change without the member",
        a_line(type="household_member_joined"),
        "people",
        "role 'member'",
    ),
    (
        "an impossible expected date of birth",
        changed(
            a_line(type="maternity_booking", details={"expected_date_of_birth": "2020-13-01"}),
            "people.0.role",
            "mother",
        ),
        "details.expected_date_of_birth",
        "not a real date",
    ),
]


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [case[1:] for case in BAD_LINES],
    ids=[case[0] for case in BAD_LINES],
)
def test_a_bad_line_is_rejected_with_its_number_field_and_reason(agencies, line, field, reason):
    good_before = a_line(event_id="GOOD-1")
    good_after = a_line(event_id="GOOD-3")
    summary = feed_import(
        [(1, json.dumps(good_before)), (2, json.dumps(line)), (3, json.dumps(good_after))]
    )
    assert (summary.accepted, summary.rejected) == (2, 1)
    [result] = summary.results
    assert result.line == 2
    assert result.status == "rejected"
    assert any(p.field == field and reason in p.reason for p in result.problems), [
        (p.field, p.reason) for p in result.problems
    ]
    assert set(Event.objects.values_list("source_event_id", flat=True)) == {"GOOD-1", "GOOD-3"}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"feed": "1", "source": "police",', "not valid JSON"),
        (b"not json at all", "not valid JSON"),
        (b'"a string"', "must be a JSON object"),
        (b"[1, 2]", "must be a JSON object"),
        ('{"feed": "1"}'.encode("utf-16"), "not UTF-8"),
    ],
    ids=["cut short", "prose", "a string", "a list", "UTF-16"],
)
def test_a_line_that_is_not_a_json_object_is_rejected(agencies, raw, reason):
    summary = feed_import([(7, raw)])
    [result] = summary.results
    assert (result.line, result.status) == (7, "rejected")
    assert reason in result.problems[0].reason


def test_every_problem_of_a_line_is_reported_at_once(agencies):
    line = changed(changed(a_line(), "feed", "0"), "people.2.date_of_birth", "2019-13-01")
    [result] = feed_import([(1, json.dumps(line))]).results
    assert {p.field for p in result.problems} == {"feed", "people[2].date_of_birth"}


def test_wrong_values_agencies_often_send_are_tolerated_and_kept_out_of_the_record(agencies):
    line = a_line()
    line["people"][2].update(
        {
            "nhs_number": "123 456 7890",
            "sex": "female",
            "address": {"line": "4 Invented Lane", "postcode": "NOT A CODE"},
        }
    )
    summary = feed_import([(1, json.dumps(line))])
    assert summary.accepted == 1
    child = Event.objects.get().participants.get(role="child").person
    assert child.nhs_number == ""  # the check digit fails
    assert child.sex == "F"
    assert not child.addresses.exclude(postcode="").exists()


def test_a_naive_time_is_read_as_local_time(agencies):
    summary = feed_import(
        [(1, json.dumps(a_line(occurred_at="2020-07-07T23:10:00", recorded_at=None)))]
    )
    assert summary.accepted == 1
    assert timezone.localtime(Event.objects.get().occurred_at).hour == 23
