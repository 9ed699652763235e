"""`sightline agency add CODE --name NAME --kind KIND`: register an agency (or update it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_slug

from sightline.accounts.models import Agency
from sightline.accounts.services import COMMAND_LINE, agency_register


class Command(BaseCommand):
    help = (
        "Register an agency so that its feeds and API calls are accepted. Running it again "
        "with the same code updates the agency. Kinds: " + ", ".join(Agency.Kind.values) + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["add"])
        parser.add_argument("code", help="the agency's code in feeds and the API, e.g. police")
        parser.add_argument("--name", required=True, help="the agency's name")
        parser.add_argument(
            "--kind", required=True, help="one of: " + ", ".join(Agency.Kind.values)
        )
        parser.add_argument("--email", default="", help="the agency's shared safeguarding inbox")
        parser.add_argument("--phone", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"].strip()
        try:
            validate_slug(code)
        except ValidationError as error:
            raise CommandError(
                f"The code {code!r} can only have letters, numbers, hyphens and underscores."
            ) from error
        name = options["name"].strip()
        if not name:
            raise CommandError("Give the agency's name with --name.")
        existed = Agency.objects.filter(code=code).exists()
        try:
            agency = agency_register(
                actor=COMMAND_LINE,
                code=code,
                name=name,
                kind=options["kind"].strip(),
                email=options["email"].strip(),
                phone=options["phone"].strip(),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        verb = "Updated" if existed else "Registered"
        self.stdout.write(f"{verb} {agency.code}: {agency.name} ({agency.get_kind_display()}).")
