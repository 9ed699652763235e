"""What linkage compares: a source record's fields, cleaned the same way everywhere.

`features_of` is the Python side (one record as it arrives); `FEATURE_SQL` is the DuckDB side
(a whole table in batch). Both produce the same columns with the same meaning, so the
per-event scorer (`sightline.linkage.scoring`) and Splink agree on what a comparison level is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sightline.people.addresses import street_key
from sightline.people.identifiers import nhs_number_is_valid, normalise_nhs_number, upn_is_valid
from sightline.people.names import NICKNAMES, fold, name_key

# More given-name variants than people/names.py ships with (its list is for search).
EXTRA_NICKNAMES: dict[str, set[str]] = {
    "abigail": {"abi", "abby", "abbie", "gail"},
    "alfred": {"alfie", "alf", "fred"},
    "amelia": {"millie", "milly", "mia"},
    "andrew": {"andy", "drew"},
    "archibald": {"archie"},
    "christine": {"chris", "chrissie", "tina"},
    "deborah": {"debbie", "debs", "deb"},
    "eleanor": {"ellie", "nell", "nora", "elle"},
    "ellen": {"ellie", "nell"},
    "elizabeth": {"libby", "lily", "ellie", "bess"},
    "florence": {"flo", "florrie"},
    "frederick": {"fred", "freddie", "freddy"},
    "gabriel": {"gabe"},
    "gregory": {"greg"},
    "harriet": {"hattie", "harry"},
    "henry": {"harry", "hal", "hank"},
    "isabella": {"bella", "izzy", "issy", "isabel"},
    "isabelle": {"bella", "izzy", "issy", "isabel"},
    "jacqueline": {"jackie", "jacqui"},
    "john": {"jack", "johnny", "jon"},
    "joshua": {"josh"},
    "kenneth": {"ken", "kenny"},
    "lawrence": {"larry", "laurie"},
    "leonard": {"leo", "len", "lenny"},
    "madison": {"maddie", "maddy"},
    "matilda": {"tilly", "tilda", "mattie"},
    "mohammed": {"mohammad", "muhammad", "muhammed", "mo"},
    "natalie": {"nat", "tali"},
    "nathan": {"nate", "nat"},
    "nathaniel": {"nate", "nat", "nathan"},
    "patricia": {"pat", "patsy", "trish"},
    "patrick": {"pat", "paddy"},
    "peter": {"pete"},
    "philip": {"phil", "pip"},
    "phillip": {"phil", "pip"},
    "raymond": {"ray"},
    "ronald": {"ron", "ronnie"},
    "sarah": {"sally", "sadie"},
    "susan": {"sue", "susie"},
    "theodore": {"theo", "ted", "teddy"},
    "timothy": {"tim", "timmy"},
    "evelyn": {"evie", "eve"},
    "edward": {"teddy", "ned"},
    "gemma": {"gem"},
    "lucy": {"lou", "lulu"},
    "louise": {"lou", "lulu", "louie"},
    "louis": {"lou", "louie"},
    "harrison": {"harry"},
    "maximilian": {"max"},
    "maxwell": {"max"},
}


# Spellings of the same first name that the person search finds by their sound (Stephen finds
# Steven): the same name, never twins' two names.
SAME_NAME_SPELLINGS: dict[str, set[str]] = {
    "stephen": {"steven"},
    "catherine": {"katherine", "kathryn", "cathy", "kathy"},
    "katherine": {"catherine", "kathryn", "cathy", "kathy"},
    "zachary": {"zack", "zac"},
    "jonathan": {"johnny"},
    "john": {"johnny", "jonny"},
}
_PET_ENDINGS = ("ie", "ey", "y", "i")


def pet_spellings(name: str) -> set[str]:
    """A pet form written the other ways the person search finds it (a 'y' for an 'i', and
    '-ie' for '-y'): Lizzie, Lizzy, Lizzi; Becky, Becki, Beckie. Other names: none."""
    for ending in _PET_ENDINGS:
        stem = name[: -len(ending)]
        if name.endswith(ending) and len(stem) >= 2:
            return {stem + other for other in _PET_ENDINGS if other != ending}
    return set()


def _variant_groups() -> dict[str, frozenset[str]]:
    """Each known first name's group: its formal name, nicknames and short forms (those the
    person search knows, people/names.py, and more), each pet form in its -y/-ie/-i
    spellings. Twins are never given two names of one group."""
    groups: dict[str, set[str]] = {}
    for source in (NICKNAMES, EXTRA_NICKNAMES, SAME_NAME_SPELLINGS):
        for formal, shorts in source.items():
            group = {formal, *shorts}
            for short in shorts:
                group |= pet_spellings(short)
            for name in group:
                groups.setdefault(name, set()).update(group)
    return {name: frozenset(group) for name, group in groups.items()}


VARIANTS: dict[str, frozenset[str]] = _variant_groups()


def nickname_pairs() -> list[tuple[str, str]]:
    """Every (name, variant) pair, for the batch side's nickname table."""
    return sorted((name, other) for name, group in VARIANTS.items() for other in group)


def given_variants(given: str) -> frozenset[str]:
    return VARIANTS.get(given, frozenset({given})) if given else frozenset()


def address_key(line: str) -> str:
    """House number and street, normalised (`sightline.people.addresses.street_key`) and
    written "14 acacia": "14 Acacia Avenue", "14, Acacia Ave." and "14 Acaciaavenue" agree.
    The street has no spaces, so the key splits back into its two parts (`house_and_street`).
    """
    house, street = street_key(line)
    return f"{house} {street}" if house and street else street


def house_and_street(addr: str) -> tuple[str, str]:
    """The (house number, street) of an `address_key`."""
    house, _, street = addr.rpartition(" ")
    return house, street


def postcode_parts(postcode: str) -> tuple[str, str, str]:
    """(full, sector, district) of a postcode, upper case without spaces: BD214QA, BD214, BD21."""
    compact = re.sub(r"[^A-Z0-9]", "", (postcode or "").upper())
    if len(compact) < 5:
        return ("", "", compact if 2 <= len(compact) <= 4 else "")
    district = compact[:-3]
    return (compact, compact[:-2], district)


@dataclass(frozen=True, slots=True)
class Features:
    given: str
    family: str
    given_variants: frozenset[str]
    dob: str  # ISO date or ""
    sex: str  # "F", "M" or ""
    nhs: str  # a valid NHS number or ""
    upn: str  # a valid UPN or ""
    postcode: str
    sector: str
    district: str
    addr: str

    @property
    def house(self) -> str:
        return house_and_street(self.addr)[0]

    @property
    def street(self) -> str:
        return house_and_street(self.addr)[1]

    @property
    def given_key(self) -> str:
        return name_key(self.given)

    @property
    def family_key(self) -> str:
        return name_key(self.family)


def clean_nhs(value: str) -> str:
    digits = normalise_nhs_number(value)
    return digits if digits and nhs_number_is_valid(digits) else ""


def clean_upn(value: str) -> str:
    upn = (value or "").strip().upper()
    return upn if upn and upn_is_valid(upn) else ""


def clean_sex(value: str) -> str:
    value = (value or "").strip().upper()[:1]
    return value if value in {"F", "M"} else ""


def features_of(
    *,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | str | None = None,
    sex: str = "",
    nhs_number: str = "",
    upn: str = "",
    postcode: str = "",
    address_line: str = "",
) -> Features:
    given = fold((given_name or "").strip().split(" ")[0])
    family = fold(family_name)
    dob = date_of_birth.isoformat() if isinstance(date_of_birth, dt.date) else date_of_birth or ""
    full, sector, district = postcode_parts(postcode)
    return Features(
        given=given,
        family=family,
        given_variants=given_variants(given),
        dob=dob,
        sex=clean_sex(sex),
        nhs=clean_nhs(nhs_number),
        upn=clean_upn(upn),
        postcode=full,
        sector=sector,
        district=district,
        addr=address_key(address_line),
    )


def dob_variants(dob: dt.date | None) -> list[dt.date]:
    """The date and the date with day and month swapped (when that is a real date)."""
    if dob is None:
        return []
    out = [dob]
    if dob.day <= 12 and dob.day != dob.month:  # then the month is a valid day too
        out.append(dt.date(dob.year, dob.day, dob.month))
    return out


# The house number and the street of an address key (`house_and_street`), in DuckDB.
HOUSE_SQL = "CASE WHEN contains({addr}, ' ') THEN split_part({addr}, ' ', 1) END"
STREET_SQL = "CASE WHEN contains({addr}, ' ') THEN split_part({addr}, ' ', 2) ELSE {addr} END"

# DuckDB: from a raw table with columns unique_id, given_name, family_name, date_of_birth
# (DATE or ISO text), sex, nhs_number, upn, postcode, address_line, to the feature columns.
# NHS numbers and UPNs are assumed checked already (invalid ones blanked) by the caller.
# `sightline_address_key` is `address_key`, registered on the connection (`batch.prepare`).
FEATURE_SQL = r"""
SELECT
  unique_id,
  nullif(regexp_replace(lower(strip_accents(split_part(trim(coalesce(given_name, '')), ' ', 1))),
         '[^a-z]', '', 'g'), '') AS given,
  nullif(regexp_replace(lower(strip_accents(coalesce(family_name, ''))), '[^a-z]', '', 'g'), '')
    AS family,
  nullif(CAST(date_of_birth AS VARCHAR), '') AS dob,
  CASE WHEN upper(substr(coalesce(sex, ''), 1, 1)) IN ('F', 'M')
       THEN upper(substr(sex, 1, 1)) END AS sex,
  nullif(coalesce(nhs_number, ''), '') AS nhs,
  nullif(coalesce(upn, ''), '') AS upn,
  CASE WHEN length(pc) >= 5 THEN pc END AS postcode,
  CASE WHEN length(pc) >= 5 THEN substr(pc, 1, length(pc) - 2) END AS sector,
  CASE WHEN length(pc) >= 5 THEN substr(pc, 1, length(pc) - 3)
       WHEN length(pc) BETWEEN 2 AND 4 THEN pc END AS district,
  nullif(sightline_address_key(coalesce(address_line, '')), '') AS addr
FROM (
  SELECT *,
    regexp_replace(upper(coalesce(postcode, '')), '[^A-Z0-9]', '', 'g') AS pc
  FROM {table}
)
"""
