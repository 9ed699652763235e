"""Text as people type it: control characters (other than tab and line breaks) never kept.

A control character pasted into a form (a vertical tab from a word processor, a NUL) means
nothing to a reader, breaks spreadsheet files (XLSX refuses them) and is refused by PostgreSQL
(NUL). Forms strip them as they clean text; exports clean them from older records.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)
