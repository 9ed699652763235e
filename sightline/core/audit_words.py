"""Plain words for the audit trail's action codes ("person.access_trail_viewed" becomes
"Looked at who has seen the record"): one mapping, with a readable fallback for a code it does
not know, so no page shows a code."""

from __future__ import annotations

import re

ACTION_WORDS: dict[str, str] = {
    "person.viewed": "Opened the record",
    "person.viewed_print": "Printed the record",
    "person.break_glass": "Opened the record without a working relationship",
    "person.access_trail_viewed": "Looked at who has seen the record",
    "person.searched": "Found the person in a search",
    "people.searched": "Searched for people",
    "people.exported": "Exported a list of people",
    "person.created": "Created the record",
    "person.name_added": "Added a name",
    "person.address_added": "Added an address",
    "person.merged": "Merged another record into this one",
    "person.merged_away": "Merged this record into another",
    "person.split": "Split a record out of this one",
    "person.merge_undone": "Undid a merge",
    "person.link_undone": "Undid a link",
    "person.keep_apart_undone": "Undid a keep-apart decision",
    "source_record.linked": "Linked an agency record",
    "linkage.record_linked": "Linked an agency record automatically",
    "linkage.match_viewed": "Looked at a possible match",
    "linkage.match_linked": "Linked a possible match",
    "linkage.match_queued": "Sent a possible match for review",
    "involvement.started": "Started working with the person",
    "household.member_joined": "Joined a household",
    "household.member_left": "Left a household",
    "household.created": "Created a household",
    "contact.received": "Received a contact",
    "contact.viewed": "Opened a contact",
    "contact.claimed": "Took a contact to work on",
    "contact.reassigned": "Passed a contact to a colleague",
    "contact.child_identified": "Identified the child on a contact",
    "contact.decided": "Decided what happens next on a contact",
    "contact_history.viewed": "Looked at earlier contacts",
    "decision.authorised": "Authorised a front door decision",
    "decision.returned": "Sent a front door decision back",
    "information_request.sent": "Asked partners for information",
    "information_request.viewed": "Opened an information request",
    "information_request.answered": "Answered an information request",
    "episode.opened": "Opened an episode of work",
    "episode.closed": "Closed an episode of work",
    "case.transferred": "Transferred the case",
    "assessment.started": "Started an assessment",
    "assessment.recorded": "Recorded an assessment",
    "assessment.completed": "Completed an assessment",
    "strategy_discussion.recorded": "Recorded a strategy discussion",
    "medical.requested": "Requested a child protection medical",
    "medical.completed": "Recorded a child protection medical",
    "plan.created": "Started a plan",
    "plan.confirmed": "Confirmed a plan",
    "plan.ended": "Ended a plan",
    "plan.outcome_added": "Added an outcome to a plan",
    "plan.outcome_updated": "Updated an outcome on a plan",
    "plan.outcome_removed": "Removed an outcome from a plan",
    "core_group.recorded": "Recorded a core group meeting",
    "core_group.member_added": "Added a core group member",
    "visit.recorded": "Recorded a visit",
    "supervision.recorded": "Recorded supervision",
    "event.recorded": "Recorded a chronology entry",
    "event.imported": "Received an entry from an agency's system",
    "feed.imported": "Received records from an agency's system",
    "alert.viewed": "Opened an alert",
    "alert.acknowledged": "Acknowledged an alert",
    "alert.closed": "Closed an alert",
    "cpis.looked_up": "Checked whether the child is on a child protection plan",
    "cpis.looked_up_unborn": "Checked whether an unborn child is on a child protection plan",
    "dash.recorded": "Recorded a domestic abuse risk assessment",
    "serious_incident.recorded": "Recorded a serious incident",
    "serious_incident.notified": "Notified a serious incident",
    "rapid_review.started": "Started a rapid review",
    "rapid_review.decided": "Recorded a rapid review decision",
    "insight.cin_census_exported": "Exported the children in need census",
    "insight.annex_a_exported": "Exported the Annex A lists",
}

_WORD = re.compile(r"[a-z0-9]+")


def action_words(code: str) -> str:
    """Plain words for an audit action code; for a code without its own words, the code's
    words in order ("conference.review.recorded" becomes "Conference review recorded")."""
    if not code:
        return ""
    if code in ACTION_WORDS:
        return ACTION_WORDS[code]
    base = re.sub(r"\.\d+$", "", code)  # numbered variants ("person.viewed.3") read as the base
    if base in ACTION_WORDS:
        return ACTION_WORDS[base]
    words = " ".join(_WORD.findall(code.lower()))
    return words[:1].upper() + words[1:] if words else code
