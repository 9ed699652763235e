"""The request a view behind `login_required` receives: its user is a signed-in Sightline user.

One type for every app's views (`request: SignedInRequest`), so that `request.user.agency`
and the like type-check. The user model is named for the type checker only: `core` sits below
`accounts` in the layers and imports nothing of it when running (the import-linter contract
ignores this one typing import).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from sightline.accounts.models import User

__all__ = ["SignedInRequest"]


class SignedInRequest(HttpRequest):
    """A request behind login_required: its user is a signed-in Sightline user."""

    user: User
