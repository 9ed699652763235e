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


# Text that cannot be kept at all, as received from another system: C0 and C1 controls except
# tab, line feed and carriage return, and the surrogate code points, which are never text on
# their own (a JSON "\ud800" escape decodes to one). Feeds and the API refuse it, naming the
# field, rather than strip it: the sender must know its record was not kept as sent.
UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The same rule as a JSON Schema pattern, for the OpenAPI document.
SAFE_TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"


def text_problem(value: str) -> str | None:
    """Why a string cannot be kept, or None when it can."""
    found = UNSAFE_TEXT.search(value)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    if "\ud800" <= found.group() <= "\udfff":
        return f"contains a lone surrogate ({code}), which is not text"
    return f"contains a control character ({code}), which is not allowed"
