from __future__ import annotations

import datetime as dt

import pytest

from sightline.demo.loader import LoadResult, district_load

AS_OF = dt.date(2026, 3, 31)  # a fixed day, so every run of the tests sees the same district


@pytest.fixture
def small_district(db) -> LoadResult:  # type: ignore[no-untyped-def]
    # The district alone: the partnership, training and alert steps have their own tests.
    return district_load(size="small", as_of=AS_OF, further=False)
