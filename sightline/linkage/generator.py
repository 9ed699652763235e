"""A seeded multi-agency population for linkage tests and benchmarks (synthetic, Faker en_GB).

Families share an address; some have twins; some children share a name and birthday with a
child in another family. Each person is known to one or more agencies, and each agency
writes them down in its own way: health usually has the NHS number, schools the UPN, police
and housing rarely either; names get typos and nicknames, dates of birth swapped days and
months or a wrong digit, and some records still carry the address the family moved from.

`generate(n_records, seed)` returns exactly `n_records` rows with the truth (`person`) beside
each record. Every date of birth, as recorded or mistyped, is on or before `REFERENCE_DATE`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from faker import Faker

from sightline.linkage.features import VARIANTS
from sightline.people.identifiers import nhs_number_with_check_digit, upn_with_check_letter

REFERENCE_DATE = dt.date(2026, 1, 1)  # "today" for the population: nobody is born after it
AGENCIES = {
    # code: (share of people known to it, P(NHS number), P(UPN), P(typo), P(nickname))
    "health": (0.85, 0.95, 0.0, 0.02, 0.02),
    "csc": (0.45, 0.6, 0.2, 0.02, 0.03),
    "police": (0.45, 0.05, 0.0, 0.05, 0.15),
    "school": (0.6, 0.0, 0.95, 0.02, 0.05),
    "housing": (0.3, 0.0, 0.0, 0.04, 0.10),
}
COLUMNS = (
    "unique_id",
    "agency",
    "record_id",
    "person",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "upn",
    "address_line",
    "postcode",
)


@dataclass
class _Person:
    pid: int
    given: str
    family: str
    dob: dt.date
    sex: str
    nhs: str
    upn: str
    address: tuple[str, str]
    old_address: tuple[str, str] | None
    child: bool


class _Pools:
    def __init__(self, seed: int) -> None:
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.female = sorted({fake.first_name_female() for _ in range(3000)})
        self.male = sorted({fake.first_name_male() for _ in range(3000)})
        self.family = sorted({fake.last_name() for _ in range(6000)})
        self.streets = sorted({fake.street_name() for _ in range(4000)})
        self.postcodes = sorted({fake.postcode() for _ in range(40000)})


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.35:  # substitute
        return word[:i] + rng.choice("aeiourstnlm") + word[i + 1 :]
    if kind < 0.6:  # drop
        return word[:i] + word[i + 1 :]
    if kind < 0.8:  # double
        return word[:i] + word[i] + word[i:]
    j = i - 1  # transpose
    return word[:j] + word[i] + word[j] + word[i + 1 :]


def _nickname(rng: random.Random, given: str) -> str:
    group = VARIANTS.get(given.lower())
    if not group:
        return given
    other = sorted(group - {given.lower()})
    return rng.choice(other).title() if other else given


def _dob_error(rng: random.Random, dob: dt.date) -> str:
    """The date of birth as someone mistyped it: day and month swapped, or one digit wrong
    (never a date after `REFERENCE_DATE`; the date itself when no slip gives a real one)."""
    if rng.random() < 0.45 and dob.day <= 12 and dob.day != dob.month:
        swapped = dt.date(dob.year, dob.day, dob.month)
        if swapped <= REFERENCE_DATE:
            return swapped.isoformat()
    for _ in range(3):
        text = list(dob.isoformat())
        i = rng.choice([2, 3, 6, 8, 9])
        text[i] = str((int(text[i]) + rng.randint(1, 9)) % 10)
        try:
            candidate = dt.date.fromisoformat("".join(text))
        except ValueError:
            continue
        if candidate <= REFERENCE_DATE:
            return candidate.isoformat()
    return dob.isoformat()


def _population(rng: random.Random, pools: _Pools) -> Iterator[_Person]:
    """Persons family by family, without end (the caller stops when it has enough)."""
    serial = iter(range(10**8, 10**9))
    today = REFERENCE_DATE
    count = 0

    def nhs() -> str:
        while True:
            number = nhs_number_with_check_digit(str(next(serial)))
            if number:
                return number

    def address() -> tuple[str, str]:
        return (f"{rng.randint(1, 180)} {rng.choice(pools.streets)}", rng.choice(pools.postcodes))

    def person(
        given: str, family: str, dob: dt.date, sex: str, home: tuple[str, str], child: bool
    ) -> _Person:
        nonlocal count
        moved = address() if rng.random() < 0.15 else None
        upn = upn_with_check_letter(f"380{rng.randint(0, 9999):04d}{rng.randint(0, 99999):05d}")
        count += 1
        return _Person(
            count - 1, given, family, dob, sex, nhs(), upn if child else "", home, moved, child
        )

    while True:
        family = rng.choice(pools.family)
        home = address()
        mother_dob = today - dt.timedelta(days=rng.randint(19 * 365, 50 * 365))
        mother = person(rng.choice(pools.female), family, mother_dob, "F", home, False)
        yield mother
        used = {mother.given}
        if rng.random() < 0.5:
            father_dob = today - dt.timedelta(days=rng.randint(19 * 365, 55 * 365))
            father = person(rng.choice(pools.male), family, father_dob, "M", home, False)
            yield father
            used.add(father.given)
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            dob = today - dt.timedelta(days=rng.randint(0, 17 * 365))
            sex = rng.choice("FM")
            names = pools.female if sex == "F" else pools.male
            given = rng.choice(names)
            while given in used:  # parents do not give two children (or a parent's) name
                given = rng.choice(names)
            used.add(given)
            child = person(given, family, dob, sex, home, True)
            yield child
            if rng.random() < 0.03:  # twins: same birthday and home, another name
                twin_sex = rng.choice("FM")
                twin_names = pools.female if twin_sex == "F" else pools.male
                name = rng.choice([n for n in twin_names[:200] if n != child.given])
                yield person(name, family, dob, twin_sex, home, True)
            elif rng.random() < 0.002:  # same name and birthday, another family
                yield person(child.given, child.family, child.dob, child.sex, address(), True)


# The identifier-poor profile: what police incident records, a school's first-aid log or a
# neighbour's report carry. First name, family name, date of birth and a street line only (no
# NHS number, UPN, postcode or sex), written with more slips, names the wrong way round, the
# street's suffix dropped, abbreviated or run together, and fields left out.
POOR_TYPO, POOR_SWAPPED, POOR_MISSING = 0.12, 0.04, 0.05
PROFILES = ("multi-agency", "identifier-poor")


def _street_as_written(rng: random.Random, line: str) -> str:
    """A street line as someone wrote it down: its suffix dropped, shortened or run together,
    or a slip in the house number."""
    number, _, street = line.partition(" ")
    words = street.split()
    roll = rng.random()
    if roll < 0.15 and len(words) > 1:
        street = " ".join(words[:-1])
    elif roll < 0.25 and len(words) > 1:
        street = "".join(words)
    elif roll < 0.35 and len(words) > 1:
        short = {"Street": "St", "Road": "Rd", "Avenue": "Ave", "Lane": "Ln", "Close": "Cl"}
        street = " ".join([*words[:-1], short.get(words[-1], words[-1])])
    elif roll < 0.40:
        number = _typo(rng, number) if len(number) >= 3 else str(int(number) + 1)
    elif roll < 0.48:
        street = _typo(rng, street)
    return f"{number} {street}"


def _poorly_written(rng: random.Random, row: tuple) -> tuple:  # type: ignore[type-arg]
    """An agency row as an identifier-poor source would have sent it."""
    uid, agency, record_id, person, given, family, dob, _sex, _nhs, _upn, line, _pc = row
    if rng.random() < POOR_TYPO:
        given = _typo(rng, given)
    if rng.random() < POOR_TYPO:
        family = _typo(rng, family)
    if rng.random() < POOR_SWAPPED:
        given, family = family, given
    if line:
        line = _street_as_written(rng, line)
    fields = [given, family, dob, line]
    for i in range(len(fields)):
        if rng.random() < POOR_MISSING:
            fields[i] = None if i == 2 else ""
    given, family, dob, line = fields
    return (uid, agency, record_id, person, given, family, dob, "", "", "", line, "")


def generate(n_records: int, seed: int = 20250101, profile: str = "multi-agency") -> list[tuple]:  # type: ignore[type-arg]
    """`n_records` agency records (rows in COLUMNS order) of a seeded population.

    The population and the way agencies write it down draw on two random streams of the
    seed, so a smaller run is the start of a larger one (the last person may be cut short).
    `profile` "identifier-poor": the same people as the records of agencies that hold no
    identifier (see `_poorly_written`), drawn on a third stream.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile: {profile!r}")
    rows = _generate(n_records, seed)
    if profile == "identifier-poor":
        poor = random.Random(f"{seed}:poor")
        rows = [_poorly_written(poor, row) for row in rows]
    return rows


def _generate(n_records: int, seed: int) -> list[tuple]:  # type: ignore[type-arg]
    rng = random.Random(f"{seed}:records")
    pools = _Pools(seed)
    people = _population(random.Random(f"{seed}:people"), pools)
    rows: list[tuple] = []  # type: ignore[type-arg]
    uid = 0
    while len(rows) < n_records:
        p = next(people)
        agencies = [a for a, spec in AGENCIES.items() if rng.random() < spec[0]]
        if not p.child:
            agencies = [a for a in agencies if a != "school"]
        if not agencies:
            agencies = ["health"]
        for agency in agencies:
            _, p_nhs, p_upn, p_typo, p_nick = AGENCIES[agency]
            given, family = p.given, p.family
            if rng.random() < p_nick:
                given = _nickname(rng, given)
            if rng.random() < p_typo:
                given = _typo(rng, given)
            if rng.random() < p_typo:
                family = _typo(rng, family)
            dob: str | None = p.dob.isoformat()
            roll = rng.random()
            if roll < 0.05:
                dob = _dob_error(rng, p.dob)
            elif roll < 0.07:
                dob = None
            line, postcode = p.address
            if p.old_address is not None and rng.random() < 0.5:
                line, postcode = p.old_address
            if rng.random() < 0.1:
                line, postcode = "", ""
            uid += 1
            rows.append(
                (
                    uid,
                    agency,
                    f"{agency[:2].upper()}{uid:08d}",
                    p.pid,
                    given,
                    family.upper() if agency == "police" and rng.random() < 0.5 else family,
                    dob,
                    p.sex if rng.random() > 0.05 else "",
                    p.nhs if rng.random() < p_nhs else "",
                    p.upn if rng.random() < p_upn else "",
                    line,
                    postcode,
                )
            )
    return rows[:n_records]
