"""Published benchmark figures, read from DfE's figures as the partnership keeps them: one CSV
row per indicator, with a column per area and year (`england_2025`, `example_la_2025`,
`example_sn_median_2025`, optionally `region_2025`), as in the file shipped in
`sightline/insight/data/` (source: DfE children in need census statistics and children's social
work workforce, year ending 31 March 2025; rates per 10,000 against ONS mid-2024 estimates of
children aged 0 to 17; see the file's own `source` column).

Pure functions: the data migration and `sightline benchmarks load FILE` both use them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent / "data" / "dfe-benchmarks-2025.csv"

ENGLAND, REGION, AUTHORITY, NEIGHBOURS = "england", "region", "authority", "neighbours"
REGIONS = (
    "North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West",
)  # fmt: skip
_REQUIRED = ("indicator", "unit", "formula", "source")
_YEAR_COLUMN = re.compile(r"^(?P<name>[a-z0-9_]+?)_(?P<year>\d{4})$")
# A region's figure quoted in the source, as "(Yorkshire and the Humber 83.6)".
_REGION_IN_SOURCE = re.compile(r"\((?P<region>[A-Za-z ]+?) (?P<value>\d+(?:\.\d+)?)\)")


class BenchmarkFileError(ValueError):
    """The file cannot be read; the message says what and where."""


@dataclass(frozen=True)
class BenchmarkFigure:
    indicator: str
    area: str
    area_name: str
    year_ending: int
    value: Decimal
    unit: str
    formula: str
    source: str


def _area_of(column: str) -> tuple[str, str, int] | None:
    match = _YEAR_COLUMN.match(column)
    if match is None:
        return None
    name, year = match["name"], int(match["year"])
    if name == "england":
        return ENGLAND, "England", year
    if name.startswith("region"):
        return REGION, "", year
    if name.endswith("sn_median"):
        return NEIGHBOURS, "Statistical neighbours (median)", year
    return AUTHORITY, name.replace("_", " ").capitalize(), year


def benchmarks_read(text: str) -> list[BenchmarkFigure]:
    """Every figure in the file; raises BenchmarkFileError naming the line and column of the
    first thing it cannot read, or every missing column."""
    if "\x00" in text:
        raise BenchmarkFileError("The file holds a NUL character: it is not a CSV text file.")
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise BenchmarkFileError(f"The file has no column {', '.join(missing)} (line 1).")
    areas = {c: a for c in columns if (a := _area_of(c)) is not None}
    if not areas:
        raise BenchmarkFileError(
            "The file has no figure columns: name them like england_2025 (line 1)."
        )
    figures: list[BenchmarkFigure] = []
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        indicator = row["indicator"]
        if not re.fullmatch(r"[a-z0-9_]{1,60}", indicator):
            raise BenchmarkFileError(
                f"Line {line}: the indicator {indicator!r} must be lower-case letters, digits "
                "and underscores."
            )
        common = {"indicator": indicator, "unit": row["unit"][:100]}
        common |= {"formula": row["formula"][:300], "source": row["source"][:300]}
        for column, (area, area_name, year) in areas.items():
            cell = row.get(column, "")
            if not cell:
                continue  # no published figure
            try:
                value = Decimal(cell)
            except InvalidOperation:
                raise BenchmarkFileError(
                    f"Line {line}, column {column}: {cell!r} is not a number."
                ) from None
            figures.append(BenchmarkFigure(area=area, area_name=area_name, year_ending=year,
                                           value=value, **common))  # fmt: skip
        quoted = _REGION_IN_SOURCE.search(row["source"])
        if quoted and quoted["region"] in REGIONS:
            year = max(y for _, _, y in areas.values())
            figures.append(BenchmarkFigure(area=REGION, area_name=quoted["region"],
                                           year_ending=year, value=Decimal(quoted["value"]),
                                           **common))  # fmt: skip
    return figures
