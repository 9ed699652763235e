"""Whether two reports of where someone lives name the same address.

Agencies write the same house differently: "14 Acacia Avenue", "14, Acaica Ave.". Two
addresses are the same when their postcodes agree (when both have one), their house and flat
numbers agree, and their streets are alike once abbreviations are written out (a misspelt
street is still the same street); another number, postcode or street is another address.
"""

from __future__ import annotations

import re

import jellyfish

from sightline.people.identifiers import normalise_postcode

# Common abbreviations in the first line of a UK address, written out.
_WORDS = {
    "st": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cl": "close",
    "ct": "court",
    "cres": "crescent",
    "dr": "drive",
    "gdns": "gardens",
    "gr": "grove",
    "gro": "grove",
    "pl": "place",
    "sq": "square",
    "ter": "terrace",
    "terr": "terrace",
    "wy": "way",
    "pk": "park",
}
_NUMBER = re.compile(r"\d+[a-z]?")
STREET_SIMILARITY = 0.85  # Jaro-Winkler of the streets: Acacia/Acaica, not Acacia/Station


def address_parts(line: str) -> tuple[tuple[str, ...], str]:
    """(house and flat numbers, street words) of an address line, normalised."""
    text = re.sub(r"[^a-z0-9 ]", " ", (line or "").lower())
    numbers: list[str] = []
    words: list[str] = []
    for word in text.split():
        if _NUMBER.fullmatch(word):
            numbers.append(word)
        elif word not in {"flat", "apartment", "apt", "no"}:
            words.append(_WORDS.get(word, word))
    return tuple(numbers), " ".join(words)


# The last word of a street name that says what kind of street it is: written with or without
# it ("14 Acacia", "14 Acacia Avenue") or run together ("14 Acaciaavenue"), it is one street.
STREET_SUFFIXES = frozenset(
    {
        "street",
        "road",
        "avenue",
        "lane",
        "close",
        "court",
        "crescent",
        "drive",
        "gardens",
        "grove",
        "place",
        "square",
        "terrace",
        "way",
        "park",
        "walk",
        "mews",
        "row",
        "rise",
        "view",
    }
)
# Run together with the name, only the longer suffixes are cut ("Conway" keeps its "way").
_RUN_TOGETHER = tuple(sorted((s for s in STREET_SUFFIXES if len(s) >= 4), key=len, reverse=True))


def street_key(line: str) -> tuple[str, str]:
    """(house number, street) of an address line, for comparing lines written differently.

    The house number is the one just before the street ("Flat 2, 14 Acacia Avenue": 14); the
    street is its words written out, without the kind of street at the end and without spaces:
    "14 Acacia Ave.", "14 Acaciaavenue" and "14 ACACIA" all give ("14", "acacia"). A line
    without a street word gives ("", "").
    """
    text = re.sub(r"[^a-z0-9 ]", " ", (line or "").lower())
    house = ""
    words: list[str] = []
    for word in text.split():
        if _NUMBER.fullmatch(word):
            if not words:
                house = word
        elif word not in {"flat", "apartment", "apt", "no", "the"}:
            words.append(_WORDS.get(word, word))
    if not words:
        return "", ""
    if len(words) > 1 and words[-1] in STREET_SUFFIXES:
        words = words[:-1]
    else:
        last = words[-1]
        for suffix in _RUN_TOGETHER:
            if last.endswith(suffix) and len(last) - len(suffix) >= 3:
                words[-1] = last[: -len(suffix)]
                break
    return house, "".join(words)


def same_address(line_a: str, postcode_a: str, line_b: str, postcode_b: str) -> bool:
    """Whether two addresses are the same place, compared normalised (see the module)."""
    postcode_a, postcode_b = normalise_postcode(postcode_a), normalise_postcode(postcode_b)
    if postcode_a and postcode_b and postcode_a != postcode_b:
        return False
    numbers_a, street_a = address_parts(line_a)
    numbers_b, street_b = address_parts(line_b)
    if numbers_a != numbers_b:
        return False
    if street_a == street_b:
        return True
    if not (street_a and street_b) or not (postcode_a and postcode_b):
        return False  # a misspelt street is forgiven only where the postcodes agree
    return jellyfish.jaro_winkler_similarity(street_a, street_b) >= STREET_SIMILARITY
