"""The partnership's dataset for a census year: DfE's indicators and the multi-agency measures,
with the time they were computed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from sightline.insight.census import CensusYear
from sightline.insight.indicators import Indicator, census_indicators
from sightline.insight.measures import multi_agency_measures


@dataclass(frozen=True)
class Dataset:
    census: CensusYear
    computed_at: dt.datetime
    indicators: list[Indicator]

    @property
    def start(self) -> dt.date:
        return self.census.start

    @property
    def end(self) -> dt.date:
        return self.census.reference_date


def dataset_compute(year: int) -> Dataset:
    census = CensusYear(year)
    computed_at = timezone.now()
    figures = census_indicators(census)
    figures += multi_agency_measures(census.start, census.reference_date)
    return Dataset(census=census, computed_at=computed_at, indicators=figures)


def json_code(indicator: Indicator) -> str:
    """The code in `sightline indicators` JSON: the indicator's code, and for a breakdown row
    the group it is for, as `training_reach.northmoor_police`."""
    if not indicator.group:
        return indicator.code
    return f"{indicator.code}.{re.sub(r'[^a-z0-9]+', '_', indicator.group.lower()).strip('_')}"


def dataset_json(dataset: Dataset) -> list[dict[str, object]]:
    return [{**figure.as_json(), "code": json_code(figure)} for figure in dataset.indicators]
