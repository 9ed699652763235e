"""Panels that higher layers add to a person's page (open work, alerts, plans).

The person page lives in `chronology` (layer 3) but open work belongs to apps above it
(`frontdoor`, later `casework`, `risk`). Each registers a provider in its AppConfig.ready:

    panels.register_open_work(provider)

A provider is called as provider(user=user, person=person) and returns a list of OpenWork
items the user may see. It must not record audit entries: the page records one read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sightline.accounts.models import User
from sightline.people.models import Person


@dataclass(frozen=True)
class OpenWork:
    kind: str  # e.g. "Contact awaiting decision"
    title: str  # e.g. the contact reference
    url: str
    due_at: Any = None  # datetime or date, or None
    owner: str = ""  # who holds it
    overdue: bool = False


OpenWorkProvider = Callable[..., list[OpenWork]]
_open_work: list[OpenWorkProvider] = []


def register_open_work(provider: OpenWorkProvider) -> None:
    if provider not in _open_work:
        _open_work.append(provider)


def open_work_for(*, user: User, person: Person) -> list[OpenWork]:
    items: list[OpenWork] = []
    for provider in _open_work:
        items.extend(provider(user=user, person=person))
    return sorted(items, key=lambda item: (item.due_at is None, str(item.due_at or "")))


# Alerts -----------------------------------------------------------------------------------
#
# Alerts about a person come from apps above (`risk`): each registers a provider in its
# AppConfig.ready with `register_alert_panel(provider)`. A provider is called as
# provider(user=user, person=person) and returns the AlertItems the user may see, open first.
# Like open work, it must not record audit entries: the page records one read.


@dataclass(frozen=True)
class AlertItem:
    title: str  # e.g. the rule's name
    url: str  # the alert's page
    raised_at: Any  # datetime
    status: str  # e.g. "Open"
    asks_for: str = ""
    recipient: str = ""
    is_open: bool = True


AlertProvider = Callable[..., list[AlertItem]]
_alert_panels: list[AlertProvider] = []


def register_alert_panel(provider: AlertProvider) -> None:
    if provider not in _alert_panels:
        _alert_panels.append(provider)


def alerts_for(*, user: User, person: Person) -> list[AlertItem]:
    items: list[AlertItem] = []
    for provider in _alert_panels:
        items.extend(provider(user=user, person=person))
    return items


# Confidential details of entries ----------------------------------------------------------
#
# Some details of an entry are for a few readers only (a public referrer's identity, for the
# front door and children's social care). The entry itself is stored without them; the app
# that holds them (`frontdoor`) registers a provider with `register_entry_disclosure`, called
# as provider(user=user, event_ids=[...]), which returns {event id: text} for the entries this
# user may be told more about, and decides (in one place) who that is.

DisclosureProvider = Callable[..., dict[int, str]]
_disclosures: list[DisclosureProvider] = []


def register_entry_disclosure(provider: DisclosureProvider) -> None:
    if provider not in _disclosures:
        _disclosures.append(provider)


def entry_disclosures(*, user: User, event_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for provider in _disclosures:
        for event_id, text in provider(user=user, event_ids=event_ids).items():
            found[event_id] = f"{found[event_id]} {text}" if event_id in found else text
    return found
