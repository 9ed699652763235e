"""The comparisons of the linkage model, each with its levels, in Python and in Splink's SQL.

A comparison level is defined once here, twice over: as a Python test on two `Features` (the
per-event scorer) and as a DuckDB SQL condition on `_l`/`_r` columns (Splink in batch). The
first level that holds is the pair's level; "null" (either side missing) carries no weight.
Parameters (m and u probabilities) live in the model JSON, keyed by comparison and level name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import jellyfish

from sightline.linkage.features import Features

Test = Callable[[Features, Features], bool]


@dataclass(frozen=True)
class Level:
    name: str
    label: str
    sql: str
    test: Test


@dataclass(frozen=True)
class Comparison:
    name: str
    label: str
    columns: tuple[str, ...]  # feature columns the comparison reads
    null_sql: str
    is_null: Test
    levels: tuple[Level, ...]  # most to least alike; the last is "ELSE"
    tf_column: str = ""  # term-frequency adjustment on the first level
    shows: Callable[[Features], str] = lambda f: ""

    def level_of(self, a: Features, b: Features) -> Level | None:
        if self.is_null(a, b):
            return None
        for level in self.levels:
            if level.test(a, b):
                return level
        return self.levels[-1]


def _jw(x: str, y: str) -> float:
    return jellyfish.jaro_winkler_similarity(x, y)


def _dl(x: str, y: str) -> int:
    return jellyfish.damerau_levenshtein_distance(x, y)


def _swapped_dob(a: str, b: str) -> bool:
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def _alike(x: str, y: str) -> bool:
    """The same name but for a slip: one edit, or very alike (Jaro-Winkler 0.94)."""
    return bool(x and y) and (_dl(x, y) <= 1 or _jw(x, y) >= 0.94)


def _alike_sql(x: str, y: str) -> str:
    return f"(damerau_levenshtein({x}, {y}) <= 1 OR jaro_winkler_similarity({x}, {y}) >= 0.94)"


def _given_crossed(a: Features, b: Features) -> bool:
    """One record's first name is the other's last name (names the wrong way round)."""
    return _alike(a.given, b.family) or _alike(b.given, a.family)


def _both_crossed(a: Features, b: Features) -> bool:
    return _alike(a.given, b.family) and _alike(b.given, a.family)


GIVEN_CROSSED_SQL = f"({_alike_sql('given_l', 'family_r')} OR {_alike_sql('given_r', 'family_l')})"
BOTH_CROSSED_SQL = f"({_alike_sql('given_l', 'family_r')} AND {_alike_sql('given_r', 'family_l')})"


NICKNAME_SLIP_LENGTH = 5  # shorter names one slip from a nickname are often other names (Ella)


def _slip_of_variant(name: str, other: Features) -> bool:
    return len(name) >= NICKNAME_SLIP_LENGTH and any(
        _dl(name, variant) <= 1 for variant in other.given_variants
    )


def _nickname_slip(a: Features, b: Features) -> bool:
    """One name is a slip away from a nickname or full form of the other (Tommyy, Thomas)."""
    return _slip_of_variant(a.given, b) or _slip_of_variant(b.given, a)


def _slip_of_variant_sql(name: str, variants: str) -> str:
    return (
        f"(length({name}) >= {NICKNAME_SLIP_LENGTH} AND len(list_filter({variants}, "
        f"lambda v: damerau_levenshtein({name}, v) <= 1)) > 0)"
    )


NICKNAME_SLIP_SQL = (
    f"{_slip_of_variant_sql('given_l', 'given_variants_r')} "
    f"OR {_slip_of_variant_sql('given_r', 'given_variants_l')}"
)


def _always(a: Features, b: Features) -> bool:
    return True


NHS = Comparison(
    name="nhs_number",
    label="NHS number",
    columns=("nhs",),
    null_sql="nhs_l IS NULL OR nhs_r IS NULL",
    is_null=lambda a, b: not a.nhs or not b.nhs,
    levels=(
        Level("exact", "Same NHS number", "nhs_l = nhs_r", lambda a, b: a.nhs == b.nhs),
        Level(
            "typo",
            "NHS numbers one digit apart",
            "damerau_levenshtein(nhs_l, nhs_r) <= 1",
            lambda a, b: _dl(a.nhs, b.nhs) <= 1,
        ),
        Level("different", "Different NHS numbers", "ELSE", _always),
    ),
    shows=lambda f: f.nhs,
)

UPN = Comparison(
    name="upn",
    label="Unique pupil number",
    columns=("upn",),
    null_sql="upn_l IS NULL OR upn_r IS NULL",
    is_null=lambda a, b: not a.upn or not b.upn,
    levels=(
        Level("exact", "Same UPN", "upn_l = upn_r", lambda a, b: a.upn == b.upn),
        Level(
            "typo",
            "UPNs one character apart",
            "damerau_levenshtein(upn_l, upn_r) <= 1",
            lambda a, b: _dl(a.upn, b.upn) <= 1,
        ),
        Level("different", "Different UPNs", "ELSE", _always),
    ),
    shows=lambda f: f.upn,
)

GIVEN = Comparison(
    name="given_name",
    label="First name",
    columns=("given", "given_variants"),
    null_sql="given_l IS NULL OR given_r IS NULL",
    is_null=lambda a, b: not a.given or not b.given,
    levels=(
        Level("exact", "Same first name", "given_l = given_r", lambda a, b: a.given == b.given),
        Level(
            "nickname",
            "Nickname or short form (Bill, William)",
            "len(list_intersect(given_variants_l, given_variants_r)) > 0",
            lambda a, b: bool(a.given_variants & b.given_variants),
        ),
        Level(
            "typo",
            "Spelling slip (one letter, or very alike)",
            "damerau_levenshtein(given_l, given_r) <= 1 "
            "OR jaro_winkler_similarity(given_l, given_r) >= 0.94",
            lambda a, b: _dl(a.given, b.given) <= 1 or _jw(a.given, b.given) >= 0.94,
        ),
        Level(
            "nickname_slip",
            "Nickname or short form with a spelling slip (Tommyy, Thomas)",
            NICKNAME_SLIP_SQL,
            _nickname_slip,
        ),
        Level(
            "swapped",
            "First name written as the last name (names the wrong way round)",
            GIVEN_CROSSED_SQL,
            _given_crossed,
        ),
        Level(
            "similar",
            "Alike but different (Ella, Ellie)",
            "jaro_winkler_similarity(given_l, given_r) >= 0.8",
            lambda a, b: _jw(a.given, b.given) >= 0.8,
        ),
        Level("different", "Different first names", "ELSE", _always),
    ),
    tf_column="given",
    shows=lambda f: f.given,
)

FAMILY = Comparison(
    name="family_name",
    label="Last name",
    columns=("family",),
    null_sql="family_l IS NULL OR family_r IS NULL",
    is_null=lambda a, b: not a.family or not b.family,
    levels=(
        Level("exact", "Same last name", "family_l = family_r", lambda a, b: a.family == b.family),
        Level(
            "typo",
            "Spelling slip (one letter, or very alike)",
            "damerau_levenshtein(family_l, family_r) <= 1 "
            "OR jaro_winkler_similarity(family_l, family_r) >= 0.94",
            lambda a, b: _dl(a.family, b.family) <= 1 or _jw(a.family, b.family) >= 0.94,
        ),
        Level(
            "swapped",
            "Both names the wrong way round",
            BOTH_CROSSED_SQL,
            _both_crossed,
        ),
        Level(
            "similar",
            "Alike (Thomson, Thompson)",
            "jaro_winkler_similarity(family_l, family_r) >= 0.84",
            lambda a, b: _jw(a.family, b.family) >= 0.84,
        ),
        Level("different", "Different last names", "ELSE", _always),
    ),
    tf_column="family",
    shows=lambda f: f.family,
)

DOB = Comparison(
    name="date_of_birth",
    label="Date of birth",
    columns=("dob",),
    null_sql="dob_l IS NULL OR dob_r IS NULL",
    is_null=lambda a, b: not a.dob or not b.dob,
    levels=(
        Level("exact", "Same date of birth", "dob_l = dob_r", lambda a, b: a.dob == b.dob),
        Level(
            "swapped",
            "Day and month swapped",
            "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
            "AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
            "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
            lambda a, b: _swapped_dob(a.dob, b.dob),
        ),
        Level(
            "one_digit",
            "One digit different (or two digits transposed)",
            "damerau_levenshtein(dob_l, dob_r) <= 1",
            lambda a, b: _dl(a.dob, b.dob) <= 1,
        ),
        Level(
            "two_digits",
            "Two digits different (a slip in the year and the day, say)",
            "damerau_levenshtein(dob_l, dob_r) <= 2",
            lambda a, b: _dl(a.dob, b.dob) <= 2,
        ),
        Level("different", "Different dates of birth", "ELSE", _always),
    ),
    shows=lambda f: f.dob,
)

SEX = Comparison(
    name="sex",
    label="Sex",
    columns=("sex",),
    null_sql="sex_l IS NULL OR sex_r IS NULL",
    is_null=lambda a, b: not a.sex or not b.sex,
    levels=(
        Level("exact", "Same sex", "sex_l = sex_r", lambda a, b: a.sex == b.sex),
        Level("different", "Different sex", "ELSE", _always),
    ),
    shows=lambda f: f.sex,
)


def _area_known(a: Features, b: Features) -> bool:
    """Both records give a postcode (or at least its district): the areas can be compared."""
    return bool(a.district and b.district)


def _same_line(a: Features, b: Features) -> bool:
    return bool(a.street) and a.street == b.street and a.house == b.house


def _line_slip(a: Features, b: Features) -> bool:
    """The same street and number but for a slip in one of them."""
    if not (a.street and b.street):
        return False
    if a.house == b.house:
        return _jw(a.street, b.street) >= STREET_SLIP
    return a.street == b.street and bool(a.house and b.house) and _dl(a.house, b.house) <= 1


STREET_SLIP = 0.88  # Jaro-Winkler of two streets that differ by a slip (Acacia, Acaica)
SAME_LINE_SQL = "street_l = street_r AND house_l IS NOT DISTINCT FROM house_r"

# The address: postcode, and the house number and street compared apart, each normalised
# (`sightline.people.addresses.street_key`). With no postcode on one side the area cannot be
# judged: the street lines alone are compared, and with no street line either, nothing is.
ADDRESS = Comparison(
    name="address",
    label="Address",
    columns=("postcode", "sector", "district", "house", "street"),
    null_sql="NOT ((district_l IS NOT NULL AND district_r IS NOT NULL) "
    "OR (street_l IS NOT NULL AND street_r IS NOT NULL))",
    is_null=lambda a, b: not (_area_known(a, b) or (a.street and b.street)),
    levels=(
        Level(
            "exact",
            "Same address and postcode",
            f"postcode_l = postcode_r AND {SAME_LINE_SQL}",
            lambda a, b: bool(a.postcode) and a.postcode == b.postcode and _same_line(a, b),
        ),
        Level(
            "postcode",
            "Same postcode",
            "postcode_l = postcode_r",
            lambda a, b: bool(a.postcode) and a.postcode == b.postcode,
        ),
        Level(
            "line",
            "Same house number and street, postcode differs",
            f"{SAME_LINE_SQL} AND district_l = district_r",
            lambda a, b: _same_line(a, b) and bool(a.district) and a.district == b.district,
        ),
        Level(
            "street",
            "Same house number and street, another area or no postcode to compare",
            SAME_LINE_SQL,
            _same_line,
        ),
        Level(
            "street_slip",
            "Same house number and street but for a slip",
            f"(house_l IS NOT DISTINCT FROM house_r "
            f"AND jaro_winkler_similarity(street_l, street_r) >= {STREET_SLIP}) "
            "OR (street_l = street_r AND damerau_levenshtein(house_l, house_r) <= 1)",
            _line_slip,
        ),
        Level(
            "sector",
            "Same postcode sector (nearby)",
            "sector_l = sector_r",
            lambda a, b: bool(a.sector) and a.sector == b.sector,
        ),
        Level(
            "district",
            "Same postcode district",
            "district_l = district_r",
            lambda a, b: bool(a.district) and a.district == b.district,
        ),
        Level(
            "other_street",
            "Another street, no postcode to compare",
            "district_l IS NULL OR district_r IS NULL",
            lambda a, b: not _area_known(a, b),
        ),
        Level("different", "Different area (moved, or another person)", "ELSE", _always),
    ),
    shows=lambda f: " ".join(part for part in (f.addr, f.postcode) if part),
)

COMPARISONS: tuple[Comparison, ...] = (NHS, UPN, GIVEN, FAMILY, DOB, SEX, ADDRESS)
BY_NAME = {comparison.name: comparison for comparison in COMPARISONS}
