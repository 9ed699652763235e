"""The census XML, byte for byte, on fixed histories: a digest of each return taken from the
export as it was before it was rewritten for speed, so any change to what is written shows here.

Database ids differ from run to run, so the LA child IDs built from them (LA00000123) are
numbered in order of appearance before hashing; everything else is hashed as written.

Changed once on purpose since: a school-age child without a UPN is sent without the UN5
reason Sightline used to invent (checked then: putting UN5 back gave the old digests).
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
        2024: "786c4d88bcd5d3f1575a34ef2dffca7afc6a5f667a0ba0b9f31a380f815fa85a",
        2025: "4a9a496ca828a666fed23daaad8cb4c4a6ff8b4c544e79468bd8bcdc000a8d0b",
    }


def test_a_small_district_return_is_unchanged():
    district_build(referrals_per_year=400, seed=11)
    assert {year: digest(year) for year in (2023, 2024, 2025)} == {
        2023: "9a842f1fdc63d93b85bc701da6ebe60fe7f1a921c2f81da0901564e153db9d81",
        2024: "e18765b080b26e077451c834165f59894fe5469b82c81f0b8de82f82503f6405",
        2025: "75884159f8d41e11b526ac697f7677b9ecb734c59d9775321ab9ebdad200cb68",
    }
