"""How a refused save tells the user what someone else changed (sightline.core.versions)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from sightline.core.versions import OtherChange, StaleEdit, changes_between

AT = dt.datetime(2026, 5, 12, 13, 5, tzinfo=dt.UTC)  # 14:05 in London


def test_a_refused_save_names_who_changed_what_when_with_dates_as_people_read_them():
    refused = StaleEdit(
        current=3,
        others=[
            OtherChange(
                who="Sam Manager (Children's Social Care)",
                at=AT,
                changes={"due_on": ["2026-05-12", "2026-05-19"], "lead": ["", "Ann Lead"]},
            )
        ],
    )
    assert isinstance(refused, ValidationError)
    assert refused.describe({"due_on": "Due date", "lead": "Lead person"}) == (
        "Someone else changed this record while you were editing: Sam Manager (Children's "
        "Social Care) at 14:05 on 12 May 2026 changed Due date from 12 May 2026 to "
        "19 May 2026; Lead person from no answer to “Ann Lead”. Your changes are below; check "
        "them and save again."
    )


def test_a_refused_save_never_shows_a_field_name_and_shortens_long_text():
    refused = StaleEdit(
        current=2,
        others=[OtherChange(who="Someone", at=AT, changes={"child_voice": ["", "word " * 40]})],
    )
    message = refused.describe()
    assert "child_voice" not in message
    assert "Child voice from no answer to “word word" in message
    assert "…”" in message


def test_changes_between_keeps_old_and_new_values_json_safe_and_skips_blank_to_blank():
    assert changes_between(
        {"by_when": dt.date(2026, 5, 12), "note": None, "themes": ["b", "a"]},
        {"by_when": dt.date(2026, 5, 19), "note": "", "themes": ["a", "b"]},
    ) == {"by_when": ["2026-05-12", "2026-05-19"]}
