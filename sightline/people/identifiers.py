"""Identifiers of people: NHS number (Modulus 11), UPN and postcodes."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: I, O, S omitted


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_is_valid(value: str) -> bool:
    """The NHS number Modulus 11 check: weights 10..2 on the first nine digits."""
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError("An NHS number has 10 digits, like 485 777 3456")
    if not nhs_number_is_valid(digits):
        raise ValidationError(
            "This is not a valid NHS number: its check digit is wrong. "
            "Check each digit against the source record"
        )


def nhs_number_with_check_digit(nine_digits: str) -> str | None:
    """Complete 9 digits with their check digit; None when no valid check digit exists."""
    total = sum(int(d) * w for d, w in zip(nine_digits, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else f"{nine_digits}{check}"


def upn_is_valid(value: str) -> bool:
    """A DfE Unique Pupil Number: a check letter, 11 digits, then a digit or letter."""
    upn = (value or "").strip().upper()
    if not _UPN.fullmatch(upn):
        return False
    total = sum(
        _upn_value(char) * weight for char, weight in zip(upn[1:], range(2, 14), strict=True)
    )
    return _UPN_CHECK_LETTERS[total % 23] == upn[0]


def _upn_value(char: str) -> int:
    return int(char) if char.isdigit() else _UPN_CHECK_LETTERS.index(char)


def upn_with_check_letter(body: str) -> str:
    """Prefix 12 characters (LA code, establishment, year, serial) with their check letter."""
    total = sum(_upn_value(char) * weight for char, weight in zip(body, range(2, 14), strict=True))
    return _UPN_CHECK_LETTERS[total % 23] + body


def validate_upn(value: str) -> None:
    if not upn_is_valid(value):
        raise ValidationError(
            "This is not a valid unique pupil number (UPN): it should be "
            "13 characters, a check letter then 12 digits or letters"
        )


def normalise_postcode(value: str) -> str:
    """Upper case, single space before the inward code: 'bd214qa' becomes 'BD21 4QA'."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    if len(compact) > 3:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


def validate_postcode(value: str) -> None:
    if value and not POSTCODE.fullmatch(normalise_postcode(value)):
        raise ValidationError("Enter a real postcode, like BD21 4QA")
