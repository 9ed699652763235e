"""The dashboard's charts: valid Vega-Lite, drawn as SVG named for assistive technology, every
bar labelled with its figure in words, a suppressed figure drawn as "c", one colour."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sightline.insight import charts
from sightline.insight.indicators import PER_10000, PERCENT, Indicator
from sightline.insight.selectors import Comparison, Figure

START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)


def figure(title: str, unit: str, shown: str, comparisons: list[Comparison], group: str = ""):  # type: ignore[no-untyped-def]
    indicator = Indicator("x", title, unit, 3, 9, START, END, group=group)
    return Figure(indicator, shown, "3", "9", comparisons)


FIGURES = [
    figure("Referrals", PER_10000, "520.1", [Comparison("England, year to 31 March 2025",
                                                        Decimal("519.4"))]),
    figure("Section 47 enquiries started", PER_10000, "c", [
        Comparison("England, year to 31 March 2025", Decimal("189.3")),
        Comparison("Statistical neighbours' median, year to 31 March 2025", Decimal("45.4")),
    ]),
]  # fmt: skip


def test_the_specifications_are_valid_vega_lite():
    charts.comparison_spec("Rates", FIGURES, "").to_dict(validate=True)
    charts.breakdown_spec(
        "By agency", [figure("Share", PERCENT, "50.0", [], "Police")], "%"
    ).to_dict(validate=True)


def test_a_chart_is_an_svg_named_for_assistive_technology_with_each_figure_written_on_it():
    chart = charts.comparison_chart("Rates per 10,000 children", FIGURES, "")
    assert chart.svg.startswith('<svg role="img" aria-label="Rates per 10,000 children"')
    text = " ".join(re.findall(r">([^<>]+)</text>", chart.svg))
    for words in ("Referrals", "This district", "520.1", "England", "519.4", "189.3",
                  "Statistical neighbours' median", "45.4"):  # fmt: skip
        assert words in text
    assert "c (1 to 5, not shown)" in text  # the suppressed figure: no bar, its label says why
    fills = set(re.findall(r'fill="([^"]+)"', chart.svg)) - {"none", "white", charts.TEXT}
    assert fills == {charts.BAR}  # one colour: nothing is said by colour alone


def test_a_breakdown_chart_labels_each_group():
    rows = [figure("Checks", PERCENT, "75.0", [], "Northmoor Police"),
            figure("Checks", PERCENT, "", [], "Millbrook Primary School")]  # fmt: skip
    text = " ".join(
        re.findall(r">([^<>]+)</text>", charts.breakdown_chart("Checks", rows, "%").svg)
    )
    assert "Northmoor Police" in text and "75.0%" in text
    assert "Millbrook Primary School" in text and "no figure" in text
