"""`sightline user add USERNAME --role ROLE --agency CODE [--email EMAIL] [--agency-lead]`: add a
member of staff. `sightline user lead USERNAME [--remove]`: name them one of their agency's
leads (who answer its assurance requests and update its actions), or stop them being one.
`sightline user unlock USERNAME`: lift the lock after too many failed sign-ins.
`sightline user two-factor-link USERNAME`: a one-time link for them to set up two-factor sign-in
(the first set-up needs more than the password; a new link replaces an unused one).

The password is read from the environment variable SIGHTLINE_NEW_PASSWORD when it is set
(for scripts), otherwise asked for twice without echo. It is never taken as an argument,
which would leave it in the shell history and the process list.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.accounts.models import Agency, Profession, Role, User
from sightline.accounts.services import (
    COMMAND_LINE,
    account_unlock,
    two_factor_enrolment_issue,
    two_factor_enrolment_url,
    user_agency_lead_set,
    user_create,
)

PASSWORD_VARIABLE = "SIGHTLINE_NEW_PASSWORD"


class Command(BaseCommand):
    help = (
        "Add a member of staff. Roles: " + ", ".join(Role.values) + ". The password comes from "
        f"{PASSWORD_VARIABLE} or a prompt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["add", "lead", "unlock", "two-factor-link"])
        parser.add_argument("username")
        parser.add_argument("--role", default="", help="one of: " + ", ".join(Role.values))
        parser.add_argument("--agency", default="", help="the code of the user's agency")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--profession", default="", help="one of: " + ", ".join(Profession.values)
        )
        parser.add_argument(
            "--agency-lead", action="store_true", help="add: name them one of the agency's leads"
        )
        parser.add_argument("--remove", action="store_true", help="lead: no longer a lead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "two-factor-link":
            self._two_factor_link(options["username"].strip())
            return
        if options["action"] == "unlock":
            self._unlock(options["username"].strip())
            return
        if options["action"] == "lead":
            self._lead(options["username"].strip(), lead=not options["remove"])
            return
        if not options["role"]:
            roles = ", ".join(Role.values)
            raise CommandError(f"Give the new user's role with --role ({roles}).")
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(
                    f"There is no agency with the code {options['agency']!r}. "
                    "Register it first with `sightline agency add`."
                )
        if options["profession"] and options["profession"] not in Profession.values:
            raise CommandError(
                f"Unknown profession {options['profession']!r}; "
                f"use one of {', '.join(Profession.values)}."
            )
        password = self._password()
        try:
            user = user_create(
                actor=COMMAND_LINE,
                username=options["username"].strip(),
                role=options["role"],
                agency=agency,
                password=password,
                email=options["email"].strip(),
                first_name=options["first_name"].strip(),
                last_name=options["last_name"].strip(),
                profession=options["profession"],
            )
            if options["agency_lead"]:
                user_agency_lead_set(actor=COMMAND_LINE, account=user, lead=True)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        where = f" at {agency.name}" if agency else ""
        lead = ", an agency lead" if user.is_agency_lead else ""
        self.stdout.write(f"Added {user.username} ({user.get_role_display()}{where}{lead}).")
        if settings.TWO_FACTOR_REQUIRED:
            self._print_link(user)

    def _lead(self, username: str, *, lead: bool) -> None:
        account = User.objects.filter(username__iexact=username).select_related("agency").first()
        if account is None:
            raise CommandError(f"There is no user called {username!r}.")
        try:
            user_agency_lead_set(actor=COMMAND_LINE, account=account, lead=lead)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        agency = account.agency.name if account.agency else ""
        if lead:
            self.stdout.write(f"{account.username} is now one of {agency}'s leads.")
        else:
            self.stdout.write(f"{account.username} is no longer a lead of {agency}.")

    def _two_factor_link(self, username: str) -> None:
        account = User.objects.filter(username__iexact=username).first()
        if account is None:
            raise CommandError(f"There is no user called {username!r}.")
        self._print_link(account)

    def _print_link(self, account: User) -> None:
        url = two_factor_enrolment_url(
            two_factor_enrolment_issue(actor=COMMAND_LINE, account=account)
        )
        hours = settings.TWO_FACTOR_ENROLMENT_HOURS
        self.stdout.write(
            f"Give {account.username} this link to set up two-factor sign-in (it works once, "
            f"for {hours} hours, after they sign in with their password):\n{url}"
        )

    def _unlock(self, username: str) -> None:
        account = User.objects.filter(username__iexact=username).first()
        if account is None:
            raise CommandError(f"There is no user called {username!r}.")
        account_unlock(actor=COMMAND_LINE, account=account)
        self.stdout.write(f"{account.username} is unlocked: they can sign in again.")

    def _password(self) -> str:
        from_environment = os.environ.get(PASSWORD_VARIABLE)
        if from_environment:
            return from_environment
        first = getpass.getpass("Password for the new user: ")
        if first != getpass.getpass("The same password again: "):
            raise CommandError("The passwords did not match; nothing was changed.")
        if not first:
            raise CommandError("Enter a password.")
        return first
