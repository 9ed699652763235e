"""The demo sign-ins, as the commands print them."""

from __future__ import annotations

from sightline.accounts.models import User
from sightline.demo.organisations import DEMO_PASSWORD, DEMO_USERS

SITE_URL = "http://127.0.0.1:8000/"
PUBLIC_FORM_URL = "http://127.0.0.1:8000/report-a-concern/"


def sign_in_rows() -> list[tuple[str, str, str]]:
    """(username, role, agency and team) for each demo sign-in in the database, in order."""
    users = {
        user.username: user
        for user in User.objects.filter(
            username__in=[spec.username for spec in DEMO_USERS]
        ).select_related("agency", "team")
    }
    rows = []
    for spec in DEMO_USERS:
        user = users.get(spec.username)
        if user is None:
            continue
        where = user.agency.name if user.agency else "Safeguarding children partnership"
        if user.team:
            where = f"{where}: {user.team.name}"
        role = user.get_role_display()
        if user.is_agency_lead:
            role = f"{role}, agency lead"
        rows.append((user.username, role, where))
    return rows


def sign_ins_text() -> str:
    rows = [("Username", "Role", "Agency")] + sign_in_rows()
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    lines = [
        f"{username:<{widths[0]}}  {role:<{widths[1]}}  {agency}" for username, role, agency in rows
    ]
    lines.insert(1, f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * 6}")
    return "\n".join(
        [
            "Demo sign-ins (synthetic district: every person in it is invented)",
            "",
            *lines,
            "",
            f"Password for every demo sign-in: {DEMO_PASSWORD}",
            "",
            f"Sightline:                 {SITE_URL}",
            f"Public concern form:       {PUBLIC_FORM_URL}",
        ]
    )
