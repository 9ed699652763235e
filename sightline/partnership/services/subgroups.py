"""Subgroups at work: terms of reference and chair, members by agency, meetings with
attendance and minutes, and meeting actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from sightline.accounts.models import Agency, User
from sightline.core import audit, versions
from sightline.core.problems import Problems, refuse
from sightline.partnership.models import (
    Attendance,
    MeetingAction,
    MeetingAttendance,
    Subgroup,
    SubgroupMeeting,
    SubgroupMember,
)
from sightline.partnership.rules import PARTNERSHIP_ROLES
from sightline.partnership.services.reviews import _not_future, _require_manager


def subgroup_update_problems(
    *, chair: User | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the subgroup cannot change as given (None: nothing wrong)."""
    problems = Problems()
    if chair is not None and chair.role not in PARTNERSHIP_ROLES:
        problems.add("chair", "The chair must have a partnership role in Sightline")
    return problems.error()


@transaction.atomic
def subgroup_update(
    *,
    actor: User,
    subgroup: Subgroup,
    terms_of_reference: str,
    chair: User | None = None,
    version: int | None = None,
) -> Subgroup:
    """Change the terms of reference and the chair; refused (`StaleEdit`) when the subgroup
    has been saved since `version` was read."""
    _require_manager(actor)
    refuse(subgroup_update_problems(chair=chair))
    versions.claim(subgroup, version)
    subgroup.refresh_from_db()
    before = {"terms_of_reference": subgroup.terms_of_reference, "chair": subgroup.chair}
    after = {"terms_of_reference": terms_of_reference.strip(), "chair": chair}
    subgroup.terms_of_reference = terms_of_reference.strip()
    subgroup.chair = chair
    subgroup.save(update_fields=["terms_of_reference", "chair"])
    versions.record_edit(
        actor=actor,
        action="subgroup.updated",
        target=subgroup,
        changes=versions.changes_between(before, after),
    )
    return subgroup


def subgroup_member_problems(
    *,
    subgroup: Subgroup,
    agency: Agency | None = None,
    name: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the member cannot be added (None: nothing wrong)."""
    problems = Problems()
    if agency is None:
        problems.add("agency", "Choose the member's agency")
    if not (name or "").strip():
        problems.add("name", "Enter the member's name")
    elif (
        agency is not None
        and subgroup.members.filter(
            left_on__isnull=True, agency=agency, name__iexact=(name or "").strip()
        ).exists()
    ):
        problems.add("name", f"{(name or '').strip()} of {agency} is already a member")
    return problems.error()


@transaction.atomic
def subgroup_member_add(
    *,
    actor: User,
    subgroup: Subgroup,
    agency: Agency | None,
    name: str,
    role_title: str = "",
    joined_on: dt.date | None = None,
) -> SubgroupMember:
    _require_manager(actor)
    refuse(subgroup_member_problems(subgroup=subgroup, agency=agency, name=name))
    assert agency is not None
    member = SubgroupMember.objects.create(
        subgroup=subgroup,
        agency=agency,
        name=name.strip(),
        role_title=role_title.strip(),
        **({"joined_on": joined_on} if joined_on else {}),
    )
    audit.record_change(
        actor=actor,
        action="subgroup.member_added",
        target=member,
        detail={"subgroup": subgroup.name, "agency": agency.code},
    )
    return member


def subgroup_meeting_problems(
    *,
    subgroup: Subgroup,
    held_on: dt.date | None = None,
    minutes: str | None = None,
    attendance: Mapping[int, str] | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the meeting cannot be recorded as given (None: nothing wrong); attendance
    not given (the form already asked for each member's) is not judged."""
    problems = Problems()
    if held_on is None:
        problems.add("held_on", "Enter the date of the meeting")
    else:
        problems.check(_not_future, "held_on", held_on, "The date of the meeting")
    if not (minutes or "").strip():
        problems.add("minutes", "Enter the minutes, or a summary of the discussion and decisions")
    if attendance is not None:
        members = set(subgroup.members.filter(left_on__isnull=True).values_list("pk", flat=True))
        if set(attendance) - members:
            problems.add("attendance", "Record attendance only for the subgroup's current members")
        elif any(value not in Attendance.values for value in attendance.values()):
            problems.add("attendance", "Choose present, apologies or absent for each member")
        elif Attendance.PRESENT not in attendance.values():
            problems.add("attendance", "Record who was present")
    return problems.error()


@transaction.atomic
def subgroup_meeting_record(
    *,
    actor: User,
    subgroup: Subgroup,
    held_on: dt.date | None,
    minutes: str,
    attendance: Mapping[int, str],
) -> SubgroupMeeting:
    """A meeting with its minutes and, for each current member, present or apologies."""
    _require_manager(actor)
    members = {m.pk: m for m in subgroup.members.filter(left_on__isnull=True)}
    refuse(
        subgroup_meeting_problems(
            subgroup=subgroup, held_on=held_on, minutes=minutes, attendance=attendance
        )
    )
    assert held_on is not None
    meeting = SubgroupMeeting.objects.create(
        subgroup=subgroup, held_on=held_on, minutes=minutes.strip(), recorded_by=actor
    )
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=meeting, member=members[pk], attendance=value)
        for pk, value in attendance.items()
    )
    audit.record_change(
        actor=actor,
        action="subgroup.meeting_recorded",
        target=meeting,
        detail={
            "present": sum(1 for v in attendance.values() if v == Attendance.PRESENT),
            "apologies": sum(1 for v in attendance.values() if v == Attendance.APOLOGIES),
        },
    )
    return meeting


def meeting_action_problems(
    *,
    meeting: SubgroupMeeting,
    description: str | None = None,
    owner: SubgroupMember | None = None,
    due_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the meeting action cannot be added (None: nothing wrong)."""
    problems = Problems()
    if not (description or "").strip():
        problems.add("description", "Describe the action")
    if owner is None:
        problems.add("owner", "Choose the member who owns the action")
    elif owner.subgroup_id != meeting.subgroup_id:
        problems.add("owner", "The owner must be a member of this subgroup")
    if due_on is None:
        problems.add("due_on", "Enter the date the action is due")
    elif due_on < meeting.held_on:
        problems.add(
            "due_on",
            f"The due date must be on or after the meeting on {meeting.held_on:%-d %B %Y}",
        )
    return problems.error()


@transaction.atomic
def meeting_action_add(
    *,
    actor: User,
    meeting: SubgroupMeeting,
    description: str,
    owner: SubgroupMember | None,
    due_on: dt.date | None,
) -> MeetingAction:
    _require_manager(actor)
    refuse(
        meeting_action_problems(
            meeting=meeting, description=description, owner=owner, due_on=due_on
        )
    )
    assert owner is not None and due_on is not None
    item = MeetingAction.objects.create(
        meeting=meeting, description=description.strip(), owner=owner, due_on=due_on
    )
    audit.record_change(
        actor=actor,
        action="subgroup.meeting_action_added",
        target=item,
        detail={"owner": str(owner), "due_on": due_on},
    )
    return item


def meeting_action_done_problems(
    *, item: MeetingAction, done_on: dt.date | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the meeting action cannot be marked done (None: nothing wrong)."""
    problems = Problems()
    if item.done_on:
        problems.add(None, "This action is already done")
    if done_on is None:
        problems.add("done_on", "Enter the date the action was done")
    else:
        problems.check(_not_future, "done_on", done_on, "The date it was done")
        held_on = item.meeting.held_on
        if done_on < held_on:
            problems.add(
                "done_on",
                f"The date it was done must be on or after the meeting on {held_on:%-d %B %Y}, "
                "where the action was agreed",
            )
    return problems.error()


@transaction.atomic
def meeting_action_complete(
    *, actor: User, item: MeetingAction, done_on: dt.date | None, note: str = ""
) -> MeetingAction:
    _require_manager(actor)
    refuse(meeting_action_done_problems(item=item, done_on=done_on))
    assert done_on is not None
    item.done_on = done_on
    item.done_note = note.strip()
    item.save(update_fields=["done_on", "done_note"])
    audit.record_change(actor=actor, action="subgroup.meeting_action_done", target=item)
    return item
