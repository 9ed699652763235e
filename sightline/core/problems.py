"""Every reason at once: a service's checks gathered into one ValidationError.

A service that refuses at its first problem makes a person fix one thing, submit, and meet the
next. Instead a service gathers every problem in what it was given with `Problems`, and
refuses with all of them; a form given the same check (`checks=` in sightline.core.forms)
shows them beside its own errors, all at once:

    def visit_problems(*, episode, visit_date=None, **_ignored) -> ValidationError | None:
        problems = Problems()
        problems.check(_require_open, episode)
        if visit_date is not None:  # None: not given yet (the form already said so)
            problems.check(not_in_future, visit_date, "visit_date", "The visit date")
        return problems.error()

    refuse(visit_problems(episode=episode, visit_date=visit_date))  # in the service

A field keeps the first problem found with it (one message a field, as GOV.UK asks), so
checks are listed in the order a person should read them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class Problems:
    """Problems found so far, by field (NON_FIELD_ERRORS for the whole form)."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, field: str | None, *messages: str) -> None:
        """Record problems with `field` (None: the whole form); a field already in error
        keeps its first problem."""
        name = field or NON_FIELD_ERRORS
        if not messages or (name != NON_FIELD_ERRORS and name in self.found):
            return
        bucket = self.found.setdefault(name, [])
        bucket.extend(message for message in messages if message not in bucket)

    def add_error(self, error: ValidationError | None) -> None:
        if error is None:
            return
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add(name, *ValidationError(errors).messages)
        else:
            self.add(None, *error.messages)

    def check(self, function: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        """Run a check that raises ValidationError, recording what it refuses."""
        try:
            function(*args, **kwargs)
        except ValidationError as error:
            self.add_error(error)

    def has(self, field: str) -> bool:
        return field in self.found

    def error(self) -> ValidationError | None:
        return ValidationError(self.found) if self.found else None  # type: ignore[arg-type]


def refuse(error: ValidationError | None) -> None:
    """Raise the problems found, if any."""
    if error is not None:
        raise error


def renamed(error: ValidationError | None, names: dict[str, str]) -> ValidationError | None:
    """The same error with some fields renamed (a service's `held_at` is a form's `held_on`)."""
    if error is None or not hasattr(error, "error_dict"):
        return error
    problems = Problems()
    for name, errors in error.error_dict.items():
        problems.add(names.get(name, name), *ValidationError(errors).messages)
    return problems.error()
