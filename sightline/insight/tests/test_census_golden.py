"""The census XML, byte for byte, on fixed histories: a digest of each return taken from the
export as it was before it was rewritten for speed, so any change to what is written shows here.

Database ids differ from run to run, so the LA child IDs built from them (LA00000123) are
numbered in order of appearance before hashing; everything else is hashed as written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import re

import pytest

from sightline.insight.bench import district_build
from sightline.insight.census import CensusYear
from sightline.insight.census_xml import census_xml_write

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 30, 9, 15, tzinfo=dt.UTC)
_LA_ID = re.compile(r"<LAchildID>[^<]*</LAchildID>")


def digest(year: int) -> str:
    buffer = io.StringIO()
    census_xml_write(CensusYear(year), buffer, now=NOW)
    counter = itertools.count(1)
    text = _LA_ID.sub(lambda _: f"<LAchildID>C{next(counter)}</LAchildID>", buffer.getvalue())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_stories_return_is_unchanged(stories):
    assert {year: digest(year) for year in (2024, 2025)} == {
        2024: "6ee7c73c5f185ff7c366a95052aaa1c53464201c056a2c40eee2384bb4212d67",
        2025: "1c73dbcba1f31ef782088d45602814069d01dfc36ca1b4b4df463a4e6a51dfbc",
    }


def test_a_small_district_return_is_unchanged():
    district_build(referrals_per_year=400, seed=11)
    assert {year: digest(year) for year in (2023, 2024, 2025)} == {
        2023: "0bcf82cb8f90161dc05b2995fa973769d4e46fbdc6082122472a7f0e4e228dab",
        2024: "7456986e36bdeeb3447ceddc2e8305854ea4463c04004db9d3ee5a0d6c9b42ba",
        2025: "f438668a27102bc91342a2593ca3bedc010b372b1e9824c3da91170193cc5396",
    }
