"""The `sightline` console command: Django's manage.py for this project."""

import os
import sys

# DESIGN.md section 7 spells some commands with hyphens; Django names them after modules.
HYPHENATED_COMMANDS = {
    "load-demo": "load_demo",
    "import-events": "import_events",
    "export-cin-census": "export_cin_census",
    "export-annex-a": "export_annex_a",
    "api-token": "api_token",
    "send-notifications": "send_notifications",
    "escalate-notifications": "escalate_notifications",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sightline.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1:
        argv[1] = HYPHENATED_COMMANDS.get(argv[1], argv[1])
    if len(argv) > 2 and argv[1] == "help":
        argv[2] = HYPHENATED_COMMANDS.get(argv[2], argv[2])
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
