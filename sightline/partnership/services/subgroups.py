"""Subgroups at work: terms of reference and chair, members by agency, meetings with
attendance and minutes, and meeting actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from sightline.accounts.models import Agency, User
from sightline.core import audit, versions
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
    if chair is not None and chair.role not in PARTNERSHIP_ROLES:
        raise ValidationError({"chair": "The chair must have a partnership role in Sightline"})
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
    errors: dict[str, str] = {}
    if agency is None:
        errors["agency"] = "Choose the member's agency"
    if not name.strip():
        errors["name"] = "Enter the member's name"
    if errors or agency is None:
        raise ValidationError(errors)
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
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "Enter the date of the meeting"
    if not minutes.strip():
        errors["minutes"] = "Enter the minutes, or a summary of the discussion and decisions"
    unknown = set(attendance) - set(members)
    if unknown:
        errors["attendance"] = "Record attendance only for the subgroup's current members"
    elif any(value not in Attendance.values for value in attendance.values()):
        errors["attendance"] = "Choose present, apologies or absent for each member"
    elif Attendance.PRESENT not in attendance.values():
        errors["attendance"] = "Record who was present"
    if errors or held_on is None:
        raise ValidationError(errors)
    _not_future("held_on", held_on, "The date of the meeting")
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
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Describe the action"
    if owner is None:
        errors["owner"] = "Choose the member who owns the action"
    elif owner.subgroup_id != meeting.subgroup_id:
        errors["owner"] = "The owner must be a member of this subgroup"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    if errors or owner is None or due_on is None:
        raise ValidationError(errors)
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


@transaction.atomic
def meeting_action_complete(
    *, actor: User, item: MeetingAction, done_on: dt.date | None, note: str = ""
) -> MeetingAction:
    _require_manager(actor)
    if item.done_on:
        raise ValidationError("This action is already done")
    if done_on is None:
        raise ValidationError({"done_on": "Enter the date the action was done"})
    _not_future("done_on", done_on, "The date it was done")
    item.done_on = done_on
    item.done_note = note.strip()
    item.save(update_fields=["done_on", "done_note"])
    audit.record_change(actor=actor, action="subgroup.meeting_action_done", target=item)
    return item
