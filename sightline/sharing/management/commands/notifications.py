"""`sightline notifications --format json [--since DATETIME]`: every notification to a named
recipient as a JSON list (DESIGN.md section 7), oldest first."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from sightline.sharing.models import NetworkNotification


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def since_parse(value: str) -> dt.datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since {value!r} is not a date or an ISO 8601 date and time.")
        moment = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def notifications_listed(since: dt.datetime | None = None) -> list[dict[str, Any]]:
    rows = (
        NetworkNotification.objects.select_related("recipient", "email")
        .prefetch_related("persons")
        .order_by("created_at", "pk")
    )
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    return [
        {
            "id": n.pk,
            "recipient": n.recipient.username,
            "kind": n.kind,
            "person_ids": sorted(p.pk for p in n.persons.all()),
            "alert_id": n.alert_id,
            "created_at": _iso(n.created_at),
            "due_at": _iso(n.due_at),
            "delivered_at": _iso(n.delivered_at),
            "read_at": _iso(n.read_at),
            "acted_at": _iso(n.acted_at),
            "escalated_at": _iso(n.escalated_at),
            "escalation_of": n.escalation_of_id,
        }
        for n in rows
    ]


class Command(BaseCommand):
    help = "Print every notification as a JSON list (--since: only those made from then)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--since", help="An ISO 8601 date or date and time")

    def handle(self, *args: Any, **options: Any) -> None:
        since = since_parse(options["since"]) if options["since"] else None
        self.stdout.write(json.dumps(notifications_listed(since), indent=2))
