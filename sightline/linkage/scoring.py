"""Fellegi-Sunter scoring with the model's m and u probabilities, in plain Python.

Splink scores in batch (`sightline.linkage.batch`); a single incoming record is scored here
against a handful of blocked candidates, which is much faster than a Splink round trip and
gives the same weights (same levels, same parameters, same term-frequency rule).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sightline.linkage.comparisons import COMPARISONS, DOB, FAMILY, GIVEN, NHS, UPN
from sightline.linkage.features import Features

SHIPPED_MODEL = Path(__file__).resolve().parent / "model" / "default.json"


def load_shipped_model() -> dict[str, Any]:
    return json.loads(SHIPPED_MODEL.read_text())


def complete_model(data: Mapping[str, Any]) -> dict[str, Any]:
    """The model with every comparison level of this version of Sightline.

    A model trained before a level was added (a stored `ModelVersion`) lacks its parameters;
    it takes the shipped model's for those, and keeps its own for the rest.
    """
    shipped = load_shipped_model()["comparisons"]
    own = data.get("comparisons", {})
    comparisons = {
        name: {level: dict(own.get(name, {}).get(level, p)) for level, p in levels.items()}
        for name, levels in shipped.items()
    }
    return {**data, "comparisons": comparisons}


@dataclass(frozen=True)
class Model:
    """The parameters of a linkage model: prior, m and u per comparison level."""

    prior: float
    parameters: Mapping[str, Mapping[str, tuple[float, float]]]
    tf_minimum_u_value: float = 0.0005
    weights: dict[str, dict[str, float]] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Model:
        data = complete_model(data)
        parameters = {
            name: {level: (float(p["m"]), float(p["u"])) for level, p in levels.items()}
            for name, levels in data["comparisons"].items()
        }
        model = cls(
            prior=float(data["probability_two_random_records_match"]),
            parameters=parameters,
            tf_minimum_u_value=float(data.get("tf_minimum_u_value", 0.0005)),
        )
        for name, levels in parameters.items():
            model.weights[name] = {
                level: math.log2(max(m, 1e-12) / max(u, 1e-12)) for level, (m, u) in levels.items()
            }
        return model

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))


@dataclass(frozen=True)
class TermFrequencies:
    """How common each first and last name is among the records (None: too few to tell)."""

    given: Mapping[str, int]
    family: Mapping[str, int]
    total: int

    def of(self, column: str, value: str) -> float:
        counts = self.given if column == "given" else self.family
        return max(counts.get(value, 1), 1) / max(self.total, 1)


@dataclass(frozen=True)
class FieldWeight:
    comparison: str
    label: str
    level: str  # "" when either side is missing
    level_label: str
    weight: float
    left: str
    right: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "comparison": self.comparison,
            "label": self.label,
            "level": self.level,
            "level_label": self.level_label,
            "weight": round(self.weight, 2),
            "left": self.left,
            "right": self.right,
        }


@dataclass(frozen=True)
class Score:
    match_weight: float
    match_probability: float
    fields: tuple[FieldWeight, ...]
    guard: str = ""  # why the probability was held below the link threshold, if it was

    def level(self, comparison: str) -> str:
        return next((f.level for f in self.fields if f.comparison == comparison), "")

    def weight_without_identifiers(self) -> float:
        return sum(f.weight for f in self.fields if f.comparison not in (NHS.name, UPN.name))


def probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    odds = 2.0**weight
    return odds / (1 + odds)


TWIN_GUARD = (
    "Same date of birth and family but different first names (or none on one side), with no "
    "shared NHS number or "
    "UPN (nor one a slip away): possibly twins or siblings, so never linked without a person "
    "deciding."
)


# Twins do not share an identifier, nor hold two one slip apart: NHS numbers and UPNs carry a
# check character, so consecutive numbers issued to twins differ in two places at least.
SHARED_IDENTIFIER = frozenset({"exact", "typo"})


# First-name levels that may be twins': different names, or alike but different (Ella, Ellie),
# or no first name on one side (either twin's record, nothing tells them apart).
TWIN_FIRST_NAMES = frozenset({"similar", "different", ""})


def twin_guard_applies(levels: Mapping[str, str]) -> bool:
    """The pattern of twins: same birthday and family, different first names, no shared id.

    Fellegi-Sunter assumes fields disagree independently; in a family they do not (twins share
    surname, birthday and address), so this pattern is held for review whatever the score.
    """
    return (
        levels.get(DOB.name) in {"exact", "swapped"}
        and levels.get(FAMILY.name) in {"exact", "typo"}
        and levels.get(GIVEN.name) in TWIN_FIRST_NAMES
        and levels.get(NHS.name) not in SHARED_IDENTIFIER
        and levels.get(UPN.name) not in SHARED_IDENTIFIER
    )


def score(
    a: Features,
    b: Features,
    model: Model,
    tf: TermFrequencies | None = None,
    *,
    hold_below: float = 0.99,
) -> Score:
    """Score two records. With `tf`, an exact name match weighs by how rare the name is."""
    fields: list[FieldWeight] = []
    total = model.prior_weight
    levels: dict[str, str] = {}
    for comparison in COMPARISONS:
        level = comparison.level_of(a, b)
        if level is None:
            weight = 0.0
            name, label = "", "Missing on one side"
        else:
            name, label = level.name, level.label
            weight = model.weights[comparison.name][name]
            if tf is not None and comparison.tf_column and level is comparison.levels[0]:
                value = getattr(a, comparison.tf_column)
                m = model.parameters[comparison.name][name][0]
                frequency = max(tf.of(comparison.tf_column, value), model.tf_minimum_u_value)
                weight = math.log2(m / frequency)
        levels[comparison.name] = name
        total += weight
        fields.append(
            FieldWeight(
                comparison.name,
                comparison.label,
                name,
                label,
                weight,
                comparison.shows(a),
                comparison.shows(b),
            )
        )
    p = probability(total)
    guard = ""
    if p >= hold_below and twin_guard_applies(levels):
        guard = TWIN_GUARD
        p = min(p, math.nextafter(hold_below, 0))
    return Score(match_weight=total, match_probability=p, fields=tuple(fields), guard=guard)
