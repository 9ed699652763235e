"""Core records: the tamper-evident access and audit trail, and the notification outbox."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Reads only: entries are added one at a time by `sightline.core.audit.record`."""

    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("The audit trail is append-only.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("The audit trail is append-only.")

    def bulk_update(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("The audit trail is append-only.")

    def bulk_create(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("Add audit entries with sightline.core.audit.record (hash chain).")

    def append_chained(self, entries: list[AuditEntry]) -> None:
        """For `sightline.core.audit` only: insert entries it has already chained, in order."""
        from sightline.core.rows import rows_insert

        rows_insert(entries)


class AuditEntry(models.Model):
    """One line of the trail: who did or saw what, when and why.

    Each entry carries the hash of the one before it, so removing or editing an entry
    breaks the chain, which `sightline audit verify` reports.
    """

    class Kind(models.TextChoices):
        READ = "read", "Read a record"
        SEARCH = "search", "Searched"
        LIST = "list", "Listed records"
        CHANGE = "change", "Changed a record"
        BREAK_GLASS = "break_glass", "Opened a record without a relationship"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign_in", "Signed in or out"

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise AppendOnlyError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("The audit trail is append-only.")

    def canonical(self) -> str:
        return json.dumps(
            {
                "prev": self.prev_hash,
                "at": self.at.isoformat(),
                "actor": self.actor_id,
                "actor_label": self.actor_label,
                "kind": self.kind,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "person_id": self.person_id,
                "reason": self.reason,
                "detail": self.detail,
            },
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )

    def compute_hash(self) -> str:
        """The entry's link in the chain: an HMAC (SHA-256) of its contents and the hash before
        it, keyed with `AUDIT_CHAIN_KEY`, which is held outside the database. Without the key,
        whoever can write to the database cannot make an edited entry's hash match again."""
        return hmac.new(_chain_key(), self.canonical().encode(), hashlib.sha256).hexdigest()

    def compute_unkeyed_hash(self) -> str:
        """The plain SHA-256 link of entries written before the chain was keyed."""
        return hashlib.sha256(self.canonical().encode()).hexdigest()


def _chain_key() -> bytes:
    return str(settings.AUDIT_CHAIN_KEY).encode()


class Notification(models.Model):
    """An outbox message. Stored first, delivered after commit, retried until sent.

    A sender claims a message (queued or failed -> sending, stamping `claimed_at`) before
    handing it to the mail backend, so only one sender ever holds it; see
    `sightline.core.notifications` for the claim and its timeout.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (will retry)"

    created_at = models.DateTimeField(auto_now_add=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    topic = models.CharField(max_length=60, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When a sender last claimed it: a message left `sending` longer than the claim timeout
    # (its sender stopped) may be claimed again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient_email or self.recipient_user_id}"


class Theme(models.Model):
    """A learning theme the partnership tracks (for example information sharing, neglect).

    Shared by the partnership's reviews and action plan and by the training programme, so
    that "who has been trained in what the reviews asked for" is one join.
    """

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
