"""Authentication backend: checks passwords, grants no model permissions.

Sightline's permissions are `rules` predicates (each app's rules.py); Django's per-model
permission tables are not used, so looking them up on every page would only cost queries.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
