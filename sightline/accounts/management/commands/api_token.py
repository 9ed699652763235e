"""`sightline api-token issue AGENCY_CODE --name NAME` and `sightline api-token revoke PREFIX`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.accounts.models import Agency, ApiToken
from sightline.accounts.services import COMMAND_LINE, api_token_issue, api_token_revoke


class Command(BaseCommand):
    help = (
        "API tokens for agency systems. `issue` prints a new token once (only its hash is "
        "kept); `revoke` stops a token working, given the prefix shown when it was issued."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{issue,revoke}")
        issue = actions.add_parser("issue", help="issue a token for an agency's system")
        issue.add_argument("agency_code", metavar="AGENCY_CODE")
        issue.add_argument("--name", required=True, help="what the token is for, e.g. 'Niche RMS'")
        revoke = actions.add_parser("revoke", help="revoke a token")
        revoke.add_argument("prefix", metavar="PREFIX")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "issue":
            self._issue(options["agency_code"], options["name"])
        else:
            self._revoke(options["prefix"])

    def _issue(self, code: str, name: str) -> None:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise CommandError(
                f"There is no agency with the code {code!r}. "
                "Register it first with `sightline agency add`."
            )
        if not agency.active:
            raise CommandError(f"The agency {code!r} is not active, so its tokens would not work.")
        token, secret = api_token_issue(actor=COMMAND_LINE, agency=agency, name=name.strip())
        self.stdout.write(f"Issued token {token.prefix} for {agency.name} ({name}).")
        self.stdout.write("Copy it now: it will not be shown again.")
        self.stdout.write(secret)

    def _revoke(self, prefix: str) -> None:
        prefix = prefix.strip()
        if prefix.startswith("sl_"):  # a whole token was pasted
            prefix = prefix.split("_")[1]
        try:
            token = api_token_revoke(actor=COMMAND_LINE, prefix=prefix)
        except ApiToken.DoesNotExist as error:
            raise CommandError(f"There is no token with the prefix {prefix!r}.") from error
        self.stdout.write(
            f"Revoked token {token.prefix} ({token.name}) of {token.agency.name}. "
            "It no longer works."
        )
