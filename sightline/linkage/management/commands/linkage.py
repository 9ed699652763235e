"""`sightline linkage train`, `sightline linkage rebuild` and `sightline linkage rollback`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.linkage.model_versions import active_link_threshold, model_version_rollback
from sightline.linkage.rebuild import linkage_rebuild, linkage_train

ACTOR = "linkage (command line)"


class Command(BaseCommand):
    help = (
        "Linkage in batch. `train` re-estimates the linkage model from the partnership's own "
        "records (Splink: the prior, u by random sampling, m by EM), calibrates its link "
        "threshold to an estimated precision of 0.999 and uses it from then on; `rebuild` "
        "re-links every source record with Splink, respecting review decisions, and queues "
        "uncertain pairs for review; `rollback` returns to the model in use before the "
        "current one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["train", "rebuild", "rollback"])
        parser.add_argument(
            "--max-pairs", type=float, default=2e6, help="pairs sampled to estimate u (train)"
        )
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "train":
            try:
                version = linkage_train(
                    actor=ACTOR, max_pairs=options["max_pairs"], seed=options["seed"]
                )
            except Exception as error:  # Splink cannot train on too little data
                raise CommandError(f"Training failed: {error}") from error
            self.stdout.write(
                f"Trained linkage model {version.pk} on {version.record_count} records; "
                f"it is used from now on, linking at match probability "
                f"{version.link_threshold:.4f} or more (expected precision "
                f"{version.expected_precision:.4f}, recall {version.expected_recall:.4f}). "
                "`sightline linkage rollback` returns to the previous model."
            )
            return
        if options["action"] == "rollback":
            try:
                previous = model_version_rollback(actor=ACTOR)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            now = f"linkage model {previous.pk}" if previous else "the model shipped with Sightline"
            self.stdout.write(
                f"Rolled back: {now} is in use again, linking at match probability "
                f"{active_link_threshold():.4f} or more."
            )
            return
        summary = linkage_rebuild(actor=ACTOR, say=lambda text: self.stdout.write(text))
        self.stdout.write(
            f"Re-linked {summary.records} source records: {summary.persons_after} persons, "
            f"{summary.merges} merges, {summary.splits} splits, "
            f"{summary.queued_for_review} pairs queued for review, "
            f"{summary.refused_by_rules} links refused by the rules."
        )
