"""`sightline worker`: run queued background tasks (the rules, notifications, deliveries).

Without a flag it is the long-lived worker `make run` starts beside the web server; start
more (`sightline worker` in other terminals or service units) to share the work: each task
is claimed by one worker, and each message is claimed again before it is sent
(`sightline.core.notifications`). `--until-empty` runs the tasks due now until none is left,
then exits (a retry waiting for its back-off is left for a later run).
"""

from __future__ import annotations

import os
import socket
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_tasks_db.management.commands.db_worker import Worker


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"[:64]


class Command(BaseCommand):
    help = "Run queued background tasks; --until-empty stops when none is left."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--until-empty", action="store_true", help="Run the tasks due now, then exit"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when idle (default 1)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        until_empty = options["until_empty"]
        worker = Worker(
            queue_names=["*"],
            interval=0 if until_empty else options["interval"],
            batch=until_empty,
            backend_name="default",
            startup_delay=not until_empty,
            max_tasks=None,
            worker_id=worker_id(),
            excluded_queue_names=[],
        )
        if not until_empty:
            self.stdout.write("Sightline worker running (Ctrl+C to stop).")
            worker.configure_signals()
        worker.run()
