"""The partnership's learning themes: the starting list, and a way to make sure it is there."""

from __future__ import annotations

from sightline.core.models import Theme

# The themes of the source reviews. A data migration seeds them; `themes_ensure` puts back
# any that are missing (a test database flushed between tests loses migration data).
DEFAULT_THEMES = [
    ("information-sharing", "Information sharing"),
    ("domestic-abuse", "Domestic abuse"),
    ("neglect", "Neglect"),
    ("supervision", "Supervision and management oversight"),
    ("cultural-competency", "Cultural competency"),
    ("injuries-in-babies", "Injuries in non-mobile babies"),
    ("voice-of-the-child", "Voice of the child"),
    ("think-family", "Think Family and household changes"),
    ("was-not-brought", "Was not brought"),
    ("exploitation", "Child exploitation"),
]


def themes_ensure() -> list[Theme]:
    """Create any default theme that is missing; return all themes."""
    for code, name in DEFAULT_THEMES:
        Theme.objects.get_or_create(code=code, defaults={"name": name})
    return list(Theme.objects.all())
