"""Synthetic names and identifiers: Faker en_GB with a fixed seed, and nothing real.

The source reports the product was commissioned from name real people, including children who
died. None of them may appear in the demo district, even by coincidence of a common name, so
every generated name is checked against a deny-list. The list is kept as hashes so the names
themselves never appear in Sightline's code.
"""

from __future__ import annotations

import hashlib
import random
import string

from faker import Faker

from sightline.people.identifiers import nhs_number_with_check_digit, upn_with_check_letter
from sightline.people.names import fold

# The DfE code of the local authority that issues the district's pupil numbers: the invented
# district borrows the code of the district its source reports describe (Bradford, 380), so
# its pupil numbers pass DfE's checks (check letter and issuing LA, CIN rules 1510-1550).
UPN_LA_CODE = "380"
# Two hex digits of a UPN's digest that give it a keying error: 5 of 256, about 1 in 50.
UPN_KEYING_ERRORS = frozenset({"00", "3a", "7f", "b6", "e3"})
SEED = 20250401  # the start of a census year; any fixed number gives the same district

_DENIED_FULL_NAMES = frozenset(
    {
        "d3fdd91f65ea69451352d97634ebc66b",
        "2e834732919bda9d4f84667f26b502c1",
        "7b64aac4c2ff97984fb6d26a4422bf20",
        "984e5b99a397f29a8c94e9d39e32c208",
        "8e4be308759146fa83a8d06212b96f59",
        "e94a69b21dfffa73fff9c10f46f47af9",
        "36eb18297016eb0462693675298969a2",
        "98c6f2d6638e1b8220062774affb9b52",
        "054634746f47f588c86d958d0cf1af3a",
        "21e744c3681b6d9eb83b565a97f4dd9b",
        "2356e69637bba5d88865b08120818c0c",
        "845d79f5236636033e52ce7c8cba5c45",
        "2381a816499ba7102807f9f8a35a3691",
        "12dde20b09b2f0d1bc4fc8f82906e544",
        "46c0695d7bf306facca252df67c74bb4",
        "d70505490fd0857fe6b1a464dfb36cfb",
        "1c65e5ebe16376c7f4cd2315df0f29b4",
        "9e5eff8732c44f9a678d7b566919643c",
        "229808abd5287d44b17efba202b8fa51",
    }
)
_DENIED_FAMILY_NAMES = frozenset(
    {
        "d0319943fea0fe9e30f469c07c80e438",
        "9ea3ed8cc0cb746d072b87d9f006fbf2",
        "f0d18ad6cf3f8fd5d4ef7d6374902e26",
        "4276bcf5bce056df19a486c98626d280",
    }
)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def name_is_denied(given_name: str, family_name: str) -> bool:
    """True for a name from the source reports (a real person), which the demo must never use."""
    family = (family_name or "").strip().lower()
    full = f"{(given_name or '').strip().lower()} {family}".strip()
    return _digest(full) in _DENIED_FULL_NAMES or _digest(family) in _DENIED_FAMILY_NAMES


class Synthetic:
    """One seeded source of everything random in the district, so every load is the same."""

    def __init__(self, seed: int = SEED) -> None:
        self.random = random.Random(seed)
        self.faker = Faker("en_GB")
        self.faker.seed_instance(seed)
        self._nhs_numbers: set[str] = set()
        self._upn_serials: dict[tuple[int, int], int] = {}

    # Names -------------------------------------------------------------------------------
    def family_name(self) -> str:
        while True:
            name = self.faker.last_name()
            if not name_is_denied("", name):
                return name

    def given_name(self, sex: str, family_name: str) -> str:
        while True:
            name = self.faker.first_name_female() if sex == "F" else self.faker.first_name_male()
            if not name_is_denied(name, family_name):
                return name

    def person_name(self, sex: str) -> tuple[str, str]:
        family = self.family_name()
        return self.given_name(sex, family), family

    # Identifiers -------------------------------------------------------------------------
    def nhs_number(self) -> str:
        """A valid NHS number from the 999 range, which the NHS never issues to a patient."""
        while True:
            candidate = nhs_number_with_check_digit(f"999{self.random.randrange(10**6):06d}")
            if candidate and candidate not in self._nhs_numbers:
                self._nhs_numbers.add(candidate)
                return candidate

    def upn(self, *, establishment: int, year_allocated: int) -> str:
        """A UPN DfE accepts for a pupil of `establishment`: issued by the local authority
        code the district's schools use (UPN_LA_CODE), with its check letter. About one in
        fifty has the keying error a real district's records hold (two neighbouring digits
        swapped, so the check letter no longer fits), which the census export withholds and
        reports. Chosen from the number itself, so the district's other choices stay the same.
        """
        key = (establishment, year_allocated % 100)
        serial = self._upn_serials.get(key, 0) + 1
        self._upn_serials[key] = serial
        body = f"{UPN_LA_CODE}{establishment:04d}{year_allocated % 100:02d}{serial:03d}"
        upn = upn_with_check_letter(body)
        if _digest(body)[:2] in UPN_KEYING_ERRORS:
            at = next((i for i in range(len(upn) - 2, 1, -1) if upn[i] != upn[i + 1]), len(upn) - 2)
            upn = upn[:at] + upn[at + 1] + upn[at] + upn[at + 2 :]
        return upn

    def inward_code(self) -> str:
        letters = "ABDEFGHJLNPQRSTUWXYZ"  # the letters real inward codes use
        return f"{self.random.randrange(1, 10)}{self.random.choice(letters)}" + self.random.choice(
            letters
        )

    # Choices -----------------------------------------------------------------------------
    def chance(self, probability: float) -> bool:
        return self.random.random() < probability

    def pick(self, weighted: dict[str, float]) -> str:
        keys = list(weighted)
        return self.random.choices(keys, weights=[weighted[key] for key in keys])[0]

    def randint(self, low: int, high: int) -> int:
        return self.random.randint(low, high)

    def randrange(self, low: int, high: int) -> int:
        return self.random.randrange(low, high)

    def sample(self, items: list[str], count: int) -> list[str]:
        return self.random.sample(items, count)

    def typo(self, name: str) -> str:
        """A plausible keying error: two neighbouring letters swapped."""
        if len(name) < 4:
            return name
        at = self.random.randrange(1, len(name) - 2)
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]

    def reference(self, prefix: str, width: int = 6) -> str:
        return f"{prefix}{''.join(self.random.choices(string.digits, k=width))}"


def username_for(given_name: str, family_name: str) -> str:
    return f"{fold(given_name)}.{fold(family_name)}"
