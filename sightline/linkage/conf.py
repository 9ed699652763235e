"""Linkage settings, with their defaults (override any of them in Django settings)."""

from __future__ import annotations

from django.conf import settings


def link_threshold() -> float:
    """At or above this match probability a record is linked without review."""
    return float(getattr(settings, "LINKAGE_LINK_THRESHOLD", 0.99))


def review_threshold() -> float:
    """At or above this (and below the link threshold) a person decides; below, a new person."""
    return float(getattr(settings, "LINKAGE_REVIEW_THRESHOLD", 0.80))


def suspicious_identifier_weight() -> float:
    """A shared NHS number or UPN is doubted when everything else weighs below this (bits).

    Name, date of birth, sex and address of a correctly numbered record almost always add
    up to well above zero; a wrongly numbered one (a mother's NHS number on her baby's
    record, a sibling's UPN) disagrees on first name and date of birth and falls far below.
    """
    return float(getattr(settings, "LINKAGE_SUSPICIOUS_IDENTIFIER_WEIGHT", 0.0))


def max_review_candidates() -> int:
    return int(getattr(settings, "LINKAGE_MAX_REVIEW_CANDIDATES", 3))
