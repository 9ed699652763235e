"""The challenge and risk log: raise, respond, close. Each step writes a history row and an
audit entry in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.core import audit, versions
from sightline.core.notifications import notification_queue
from sightline.core.problems import Problems, refuse
from sightline.partnership.models import (
    RiskLogEntry,
    RiskLogUpdate,
    RiskOutcome,
    RiskStatus,
    Subgroup,
)
from sightline.partnership.services.reviews import _not_future, _require_manager


def _next_reference(year: int) -> str:
    prefix = f"CR-{year}-"
    count = RiskLogEntry.objects.filter(reference__startswith=prefix).count()
    while RiskLogEntry.objects.filter(reference=f"{prefix}{count + 1:03d}").exists():
        count += 1
    return f"{prefix}{count + 1:03d}"


def _history(
    *,
    actor: User,
    entry: RiskLogEntry,
    kind: str,
    note: str = "",
    changes: dict[str, list[Any]] | None = None,
) -> None:
    RiskLogUpdate.objects.create(entry=entry, by=actor, kind=kind, note=note)
    detail: dict[str, Any] = {"status": entry.status, "reference": entry.reference}
    if changes is not None:
        detail |= {"changes": changes, "version": entry.version}
    audit.record_change(actor=actor, action=f"risk_log.{kind}", target=entry, detail=detail)


def risk_log_entry_problems(
    *,
    concern: str | None = None,
    assurance_requested: str | None = None,
    assurance_due_on: dt.date | None = None,
    against_agency: Agency | None = None,
    against_subgroup: Subgroup | None = None,
    raised_by_subgroup: Subgroup | None = None,
    raised_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the challenge cannot be logged as given (None: nothing wrong); raised
    today unless `raised_on` says otherwise."""
    problems = Problems()
    raised_on = raised_on or timezone.localdate()
    if against_agency is None and against_subgroup is None:
        problems.add("against_agency", "Choose the agency or subgroup the challenge is made to")
    elif against_agency is not None and against_subgroup is not None:
        problems.add("against_agency", "Choose an agency or a subgroup, not both")
    elif raised_by_subgroup is not None and against_subgroup == raised_by_subgroup:
        problems.add("against_subgroup", "A subgroup cannot challenge itself")
    if not (concern or "").strip():
        problems.add("concern", "Describe the risk or concern")
    if not (assurance_requested or "").strip():
        problems.add("assurance_requested", "Say what the assurance report must show")
    if assurance_due_on is None:
        problems.add("assurance_due_on", "Enter the date the assurance report is due")
    elif assurance_due_on < raised_on:
        problems.add("assurance_due_on", "The assurance report must be due after the challenge")
    problems.check(_not_future, "raised_on", raised_on, "The date it was raised")
    return problems.error()


@transaction.atomic
def risk_log_entry_create(
    *,
    actor: User,
    concern: str,
    assurance_requested: str,
    assurance_due_on: dt.date | None,
    against_agency: Agency | None = None,
    against_subgroup: Subgroup | None = None,
    raised_by_subgroup: Subgroup | None = None,
    raised_on: dt.date | None = None,
) -> RiskLogEntry:
    """The board (no subgroup) or a subgroup challenges an agency or a subgroup for an
    assurance report by a date."""
    _require_manager(actor)
    raised_on = raised_on or timezone.localdate()
    refuse(
        risk_log_entry_problems(
            concern=concern,
            assurance_requested=assurance_requested,
            assurance_due_on=assurance_due_on,
            against_agency=against_agency,
            against_subgroup=against_subgroup,
            raised_by_subgroup=raised_by_subgroup,
            raised_on=raised_on,
        )
    )
    assert assurance_due_on is not None
    entry = RiskLogEntry.objects.create(
        reference=_next_reference(raised_on.year),
        raised_on=raised_on,
        raised_by_subgroup=raised_by_subgroup,
        against_agency=against_agency,
        against_subgroup=against_subgroup,
        concern=concern.strip(),
        assurance_requested=assurance_requested.strip(),
        assurance_due_on=assurance_due_on,
        recorded_by=actor,
    )
    _history(actor=actor, entry=entry, kind="raised", note=f"Raised by {entry.raised_by_label}")
    if against_agency is not None and against_agency.email:
        notification_queue(
            subject="The safeguarding partnership asks your agency for an assurance report",
            body=(
                f"{entry.raised_by_label} has logged a challenge ({entry.reference}):\n\n"
                f"{entry.concern}\n\nAssurance report requested: {entry.assurance_requested}\n"
                f"Please respond in Sightline by {assurance_due_on:%-d %B %Y} "
                "(Partnership, Challenge and risk log)."
            ),
            recipient_email=against_agency.email,
            topic="partnership.risk_raised",
            about=entry,
        )
    return entry


def risk_response_problems(
    *, entry: RiskLogEntry, response: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the response cannot be given (None: nothing wrong)."""
    problems = Problems()
    if entry.status == RiskStatus.CLOSED:
        problems.add(None, "This entry is closed; its response can no longer change")
    if not (response or "").strip():
        problems.add("response", "Enter the response to the challenge")
    return problems.error()


@transaction.atomic
def risk_log_entry_respond(
    *, actor: User, entry: RiskLogEntry, response: str, version: int | None = None
) -> RiskLogEntry:
    """The agency challenged gives its response (the partnership records a subgroup's), or
    changes it. Refused (`StaleEdit`) when the entry has been saved since `version` was read."""
    may_respond = actor.has_perm("partnership.respond_risk", entry) or (
        entry.against_subgroup_id is not None and actor.has_perm("partnership.manage")
    )
    if not may_respond:
        raise PermissionDenied(
            "Only the agency challenged can respond to this entry, through one of its named leads."
        )
    versions.claim(entry, version)
    entry.refresh_from_db()
    refuse(risk_response_problems(entry=entry, response=response))
    changes = versions.changes_between({"response": entry.response}, {"response": response})
    entry.response = response.strip()
    entry.responded_by = actor
    entry.responded_on = timezone.localdate()
    entry.status = RiskStatus.RESPONDED
    entry.save(update_fields=["response", "responded_by", "responded_on", "status"])
    _history(actor=actor, entry=entry, kind="responded", note=entry.response, changes=changes)
    notification_queue(
        subject=f"Response to challenge {entry.reference}",
        body=f"{entry.against_label} responded:\n\n{entry.response}",
        recipient_user=entry.recorded_by,
        topic="partnership.risk_responded",
        about=entry,
    )
    return entry


def risk_close_problems(
    *,
    entry: RiskLogEntry,
    outcome: str | None = None,
    outcome_notes: str | None = None,
    closed_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the entry cannot close as given (None: nothing wrong); closed today unless
    `closed_on` says otherwise, and an outcome not given (the form said so) is not judged."""
    problems = Problems()
    closed_on = closed_on or timezone.localdate()
    if entry.status == RiskStatus.CLOSED:
        problems.add(None, "This entry is already closed")
    if outcome is not None and outcome not in RiskOutcome.values:
        problems.add("outcome", "Choose the outcome")
    elif outcome not in (None, RiskOutcome.WITHDRAWN) and not entry.response:
        problems.add("outcome", "Record the response before the outcome, or withdraw the challenge")
    if not (outcome_notes or "").strip():
        problems.add("outcome_notes", "Say what the partnership concluded and why")
    if closed_on < entry.raised_on:
        problems.add("closed_on", "The entry must close on or after the day it was raised")
    else:
        problems.check(_not_future, "closed_on", closed_on, "The date it closed")
    return problems.error()


@transaction.atomic
def risk_log_entry_close(
    *,
    actor: User,
    entry: RiskLogEntry,
    outcome: str,
    outcome_notes: str,
    closed_on: dt.date | None = None,
) -> RiskLogEntry:
    _require_manager(actor)
    closed_on = closed_on or timezone.localdate()
    refuse(
        risk_close_problems(
            entry=entry, outcome=outcome, outcome_notes=outcome_notes, closed_on=closed_on
        )
    )
    entry.outcome = outcome
    entry.outcome_notes = outcome_notes.strip()
    entry.closed_on = closed_on
    entry.status = RiskStatus.CLOSED
    entry.save(update_fields=["outcome", "outcome_notes", "closed_on", "status"])
    _history(
        actor=actor,
        entry=entry,
        kind="closed",
        note=f"{entry.get_outcome_display()}: {entry.outcome_notes}",
    )
    return entry
