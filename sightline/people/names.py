"""Name matching keys for spelling-tolerant search (phonetic codes and nicknames)."""

from __future__ import annotations

import unicodedata

import jellyfish

# A short list of common English given-name variants; linkage (issue 5) will bring more.
NICKNAMES: dict[str, set[str]] = {
    "alexander": {"alex", "sandy", "xander"},
    "alexandra": {"alex", "lexi", "sandra"},
    "anthony": {"tony"},
    "benjamin": {"ben", "benji"},
    "catherine": {"cath", "kate", "katie", "kathryn"},
    "charles": {"charlie", "chas"},
    "charlotte": {"charlie", "lottie"},
    "christopher": {"chris"},
    "daniel": {"dan", "danny"},
    "david": {"dave", "davy"},
    "edward": {"ed", "eddie", "ted"},
    "elizabeth": {"liz", "lizzie", "beth", "betty", "eliza"},
    "emily": {"em", "emmy"},
    "frances": {"fran", "frankie"},
    "francis": {"frank", "frankie"},
    "jacob": {"jake"},
    "james": {"jim", "jimmy", "jamie"},
    "jennifer": {"jen", "jenny"},
    "jessica": {"jess", "jessie"},
    "jonathan": {"jon", "jonny"},
    "joseph": {"joe", "joey"},
    "katherine": {"kate", "katie", "kath"},
    "margaret": {"maggie", "meg", "peggy"},
    "matthew": {"matt"},
    "michael": {"mike", "mikey", "mick"},
    "nicholas": {"nick", "nicky"},
    "oliver": {"ollie", "olly"},
    "rebecca": {"becky", "becca"},
    "richard": {"rich", "rick", "dick"},
    "robert": {"rob", "bob", "bobby", "robbie"},
    "samuel": {"sam", "sammy"},
    "samantha": {"sam", "sammy"},
    "sophie": {"soph"},
    "stephen": {"steve", "stevie"},
    "thomas": {"tom", "tommy"},
    "victoria": {"vicky", "tori"},
    "william": {"will", "bill", "billy", "liam"},
    "zachary": {"zach", "zak"},
}
_VARIANTS: dict[str, set[str]] = {}
for formal, shorts in NICKNAMES.items():
    group = {formal, *shorts}
    for name in group:
        _VARIANTS.setdefault(name, set()).update(group)


def fold(name: str) -> str:
    """Lower case, accents removed, letters only."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalpha())


def name_key(name: str) -> str:
    """A phonetic key (NYSIIS) that groups spellings such as Smith/Smyth, Mohammed/Muhammad."""
    folded = fold(name)
    return jellyfish.nysiis(folded)[:20] if folded else ""


def given_name_keys(name: str) -> set[str]:
    """Keys for a given name and its common variants (Bill finds William)."""
    folded = fold(name)
    return {name_key(variant) for variant in _VARIANTS.get(folded, set()) | {folded} if variant}
