"""Words for codes and amounts on pages."""

from __future__ import annotations

from decimal import Decimal

from sightline.core.audit_words import action_words
from sightline.core.templatetags.words import pounds


def test_a_known_action_code_reads_as_words():
    assert action_words("person.access_trail_viewed") == "Looked at who has seen the record"


def test_an_unknown_action_code_still_reads_as_words():
    assert action_words("conference.review.recorded") == "Conference review recorded"
    assert action_words("person.viewed.3") == "Opened the record"


def test_money_keeps_its_pence_and_thousands_separators():
    assert pounds(Decimal("1234.5")) == "£1,234.50"
    assert pounds(1234567) == "£1,234,567.00"
    assert pounds(Decimal("-12.5")) == "-£12.50"
    assert pounds(None) == ""


def test_dates_read_as_gov_uk_writes_them_never_iso():
    import datetime as dt

    from django.template import Context, Template

    from sightline.core.templatetags.words import govuk_date

    assert govuk_date(dt.date(2017, 5, 12)) == "12 May 2017"
    assert govuk_date("2017-05-12") == "12 May 2017"
    assert govuk_date("not a date") == "not a date"
    # A date printed without a format (a field shown as it is) reads the same way.
    assert Template("{{ day }}").render(Context({"day": dt.date(2017, 5, 12)})) == "12 May 2017"
