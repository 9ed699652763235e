"""`sightline demo`: migrate, load the synthetic district if the database is empty, print the
demo sign-ins and serve Sightline on 127.0.0.1:8000 (what `make run` calls)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from sightline.demo.loader import (
    SIZES,
    database_is_empty,
    demo_api_token_issue,
    district_load,
    district_loaded,
)
from sightline.demo.management.commands.load_demo import load_report
from sightline.demo.signins import sign_ins_text

ADDRESS = "127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Migrate, load the synthetic demo district if the database is empty, print the demo "
        f"sign-ins and serve Sightline on http://{ADDRESS}/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare and print the sign-ins, then stop"
        )
        parser.add_argument("--size", choices=sorted(SIZES), default="full")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Bringing the database up to date ...")
        call_command("migrate", interactive=False, verbosity=0)
        if district_loaded():
            token = demo_api_token_issue()
            self.stdout.write(
                "\nThe demo district is already loaded.\n\n"
                + sign_ins_text()
                + "\n\nA new API token for the police agency's system (earlier demo tokens "
                f"are revoked):\n  {token}"
            )
        elif database_is_empty():
            self.stdout.write(f"Loading the {options['size']} demo district (invented people) ...")
            self.stdout.write(load_report(district_load(size=options["size"])))
        else:
            self.stdout.write(
                "\nThis database holds records that are not the demo district, so no demo data "
                "was loaded and there are no demo sign-ins. Sign in with your own account, or "
                "point DATABASE_URL at an empty database to see the demo."
            )
        if options["no_serve"]:
            return
        # Visitors see Sightline's error pages, never Django's debug page (which shows settings
        # and records): DEBUG is off unless DJANGO_DEBUG asks for it. WhiteNoise (in MIDDLEWARE,
        # WHITENOISE_USE_FINDERS) serves the static files, so no collectstatic is needed.
        if "DJANGO_DEBUG" not in os.environ:
            settings.DEBUG = False
            settings.WHITENOISE_AUTOREFRESH = False
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # quiets WhiteNoise
        self.stdout.write(f"\nServing Sightline on http://{ADDRESS}/ (Ctrl+C to stop)\n")
        self.stdout.flush()
        # The worker (the rules, notifications, deliveries) runs beside the web server, stopped
        # with it.
        worker = subprocess.Popen([sys.executable, "-m", "sightline.manage", "worker"])  # noqa: S603
        try:
            call_command("runserver", ADDRESS, use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
