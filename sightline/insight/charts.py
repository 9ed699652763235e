"""The dashboard's charts: Vega-Lite specifications built with altair, rendered on the server to
SVG with vl-convert (no JavaScript; they print). Every bar is labelled with its value and every
row with what it is, in one colour: nothing is said by colour alone. A table with the same
numbers sits beside each chart on the page."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import vl_convert

from sightline.insight.selectors import SUPPRESSED, Figure

BAR = "#1d70b8"  # GOV.UK blue: 5.2:1 against white
TEXT = "#0b0c0c"
WIDTH = 420
THIS_DISTRICT = "This district"


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str  # safe to put in the page: rendered from our own specification


def _svg(chart: alt.TopLevelMixin, title: str) -> str:
    # The specification is checked against Vega-Lite's schema by the tests (test_charts.py),
    # not on every view: the check costs about as much as the drawing.
    return _rendered(chart.to_json(validate=False), title)


@lru_cache(maxsize=128)
def _rendered(spec: str, title: str) -> str:
    """The SVG of a specification: drawing takes a fraction of a second per chart, and the same
    figures give the same specification, so each is drawn once per process."""
    svg = vl_convert.vegalite_to_svg(spec, format_locale="en-GB")
    label = html.escape(title, quote=True)
    # A named image for assistive technology; the table beside it holds the numbers.
    return re.sub(r"^<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', svg)


def _label(value: float | None, shown: str, unit: str) -> str:
    if shown == SUPPRESSED:
        return "c (1 to 5, not shown)"
    if value is None:
        return "no figure"
    return f"{value:,.1f}{unit}"


def _scale(unit: str, values: list[float]) -> alt.Scale:
    """Percentages on 0 to 100; other figures from 0 to their largest (at least 1, so a row of
    zeros still draws from the left)."""
    top = 100.0 if unit == "%" else max([*values, 1.0])
    return alt.Scale(domain=[0, top], nice=False)


def comparison_chart(title: str, figures: list[Figure], unit: str) -> Chart:
    return Chart(title, _svg(comparison_spec(title, figures, unit), title))


def comparison_spec(title: str, figures: list[Figure], unit: str) -> alt.TopLevelMixin:
    """One row of bars per indicator: this district's figure, then each benchmark's."""
    rows = []
    for figure in figures:
        name = figure.indicator.title
        rows.append({"indicator": name, "series": THIS_DISTRICT, "order": 0,
                     "value": figure.chart_value or 0,
                     "label": _label(figure.chart_value, figure.value, unit)})  # fmt: skip
        for order, comparison in enumerate(figure.comparisons, start=1):
            value = float(comparison.value)
            rows.append({"indicator": name, "series": comparison.label.split(",")[0],
                         "order": order, "value": value,
                         "label": _label(value, "", unit)})  # fmt: skip
    x = alt.X("value:Q", title=None, axis=None)
    if unit == "%":
        x = alt.X("value:Q", title=None, axis=None, scale=_scale(unit, []))
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("series:N", sort=alt.SortField("order"), title=None,
                axis=alt.Axis(labelLimit=220, labelColor=TEXT, labelFontSize=12)),
        x=x,
    )  # fmt: skip
    bars = base.mark_bar(color=BAR, height=14)
    labels = base.mark_text(align="left", dx=4, color=TEXT, fontSize=12).encode(text="label:N")
    chart = (
        alt.layer(bars, labels, width=WIDTH - 160)
        .facet(row=alt.Row("indicator:N", sort=[f.indicator.title for f in figures], title=None,
                           header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start",
                                             labelOrient="top", labelFontSize=13,
                                             labelFontWeight="bold", labelColor=TEXT,
                                             labelLimit=WIDTH + 200)))
        # Each indicator on its own scale, with only the benchmarks it has.
        .resolve_scale(x="independent", y="independent")
        .properties(title=alt.Title(title, anchor="start", fontSize=15, color=TEXT))
        .configure_view(stroke=None)
    )  # fmt: skip
    return chart


def breakdown_chart(title: str, figures: list[Figure], unit: str) -> Chart:
    return Chart(title, _svg(breakdown_spec(title, figures, unit), title))


def breakdown_spec(title: str, figures: list[Figure], unit: str) -> alt.TopLevelMixin:
    """One bar per group (agency, rule), labelled with its figure."""
    rows = [
        {"group": f.indicator.group, "value": f.chart_value or 0,
         "label": _label(f.chart_value, f.value, unit)}
        for f in figures
    ]  # fmt: skip
    scale = _scale(unit, [float(row["value"]) for row in rows])  # type: ignore[arg-type]
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("group:N", sort=None, title=None,
                axis=alt.Axis(labelLimit=260, labelColor=TEXT, labelFontSize=12)),
        x=alt.X("value:Q", title=None, axis=None, scale=scale),
    )  # fmt: skip
    chart = (
        alt.layer(
            base.mark_bar(color=BAR, height=14),
            base.mark_text(align="left", dx=4, color=TEXT, fontSize=12).encode(text="label:N"),
            width=WIDTH - 200,
        )
        .properties(title=alt.Title(title, anchor="start", fontSize=15, color=TEXT))
        .configure_view(stroke=None)
    )
    return chart
