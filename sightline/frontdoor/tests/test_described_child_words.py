"""The child as the referrer described them reads in words: dates as "22 August 2022", sex
as "Male", never ISO dates or codes."""

from __future__ import annotations

from types import SimpleNamespace

from sightline.frontdoor.selectors import described_child


def test_the_described_child_shows_dates_and_sex_in_words():
    contact = SimpleNamespace(
        child_details={"given_name": "Terry", "date_of_birth": "2022-08-22", "sex": "M"}
    )
    rows = dict(described_child(contact))  # type: ignore[arg-type]
    assert "2022-08-22" not in rows.values()
    assert "22 August 2022" in rows.values()
    assert "Male" in rows.values() and "M" not in rows.values()
