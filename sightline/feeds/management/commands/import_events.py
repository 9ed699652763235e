"""`sightline import-events FILE`: import an agency feed (JSON Lines, DESIGN.md section 5).

Every line is checked and imported on its own: a bad line is reported (line number, field,
reason) and the others are still imported. The command exits with status 1 when any line was
rejected or conflicted with an event already received. A progress bar is shown on a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.accounts.services import COMMAND_LINE
from sightline.feeds.services import FeedInterrupted, ImportSummary, LineResult, feed_import


def _numbered_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(stream, start=1):
        if raw.strip():
            yield number, raw


def summary_text(summary: ImportSummary) -> str:
    if summary.rules_in_worker:
        alerts = "the worker evaluates the rules: `sightline alerts` lists the alerts"
    elif summary.alerts_raised is None:
        alerts = "not available"
    else:
        alerts = str(summary.alerts_raised)
    rows = [
        ("Accepted", str(summary.accepted)),
        ("Duplicates (already received)", str(summary.duplicates)),
        ("Conflicts (changed resends, not applied)", str(summary.conflicts)),
        ("Rejected", str(summary.rejected)),
        ("Persons created", str(summary.persons_created)),
        ("Persons linked to someone already known", str(summary.persons_linked)),
        ("Alerts raised", alerts),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)


class Command(BaseCommand):
    help = (
        "Import an agency feed: JSON Lines, one event per line (feed format version 1). "
        "Use - to read standard input. Exits 1 when any line was rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the feed file (JSON Lines), or - for standard input")
        parser.add_argument(
            "--no-progress", action="store_true", help="never show the progress bar"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if path == "-":
            self._import(sys.stdin.buffer, total=None, show=False)
            return
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"There is no file {path!r}.")
        show = not options["no_progress"] and self.stdout.isatty()
        total = None
        if show:
            with file.open("rb") as stream:
                total = sum(1 for raw in stream if raw.strip())
        with file.open("rb") as stream:
            self._import(stream, total=total, show=show)

    def _import(self, stream: IO[bytes], *, total: int | None, show: bool) -> None:
        bar = None
        if show:
            from tqdm import tqdm

            bar = tqdm(total=total, unit=" events", file=sys.stderr, dynamic_ncols=True)

        def report(result: LineResult) -> None:
            if bar is not None:
                bar.update(1)
            for problem in result.problems:
                message = str(problem)
                if result.status == "conflict":
                    message = f"line {problem.line}: {result.event_id} {problem.reason}"
                if bar is not None:
                    bar.write(message, file=sys.stderr)
                else:
                    self.stderr.write(message)

        def waiting(message: str) -> None:
            if bar is not None:
                bar.write(message, file=sys.stderr)
            else:
                self.stderr.write(message)

        try:
            summary = feed_import(
                _numbered_lines(stream), on_line=report, on_wait=waiting, actor=COMMAND_LINE
            )
        except FeedInterrupted as stopped:
            first = stopped.first_line_not_imported
            done = (
                "Every line was imported, but the import's own audit entry was not recorded."
                if first is None
                else f"Lines before line {first} were imported; line {first} onwards were not."
            )
            raise CommandError(
                f"{stopped} {done} Run the same command again when the database is back: "
                "lines already imported are recognised and not imported twice.",
                returncode=2,
            ) from stopped
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(summary_text(summary))
        if not summary.clean:
            problems = summary.rejected + summary.conflicts
            lines = "line" if problems == 1 else "lines"
            raise CommandError(
                f"{problems} {lines} not imported: see the reasons above.", returncode=1
            )
