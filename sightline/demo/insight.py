"""The demo district's child population, the denominator of the dashboard's rates.

Northmoor's people are the whole district (the demo draws every household, not a sample of
those known to agencies), so its mid-year figures are its own children counted by single year
of age on 30 June: the figures a real partnership takes from the ONS mid-year estimates.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from sightline.demo.organisations import LOADER
from sightline.insight.models import ChildPopulation
from sightline.insight.services import child_population_set
from sightline.people.models import Person

SOURCE = "Northmoor's own children by age on 30 June (demonstration figures)"


def load_population_demo(*, years: int = 4) -> None:
    """Mid-year populations for this year and the `years` - 1 before (once)."""
    if ChildPopulation.objects.exists():
        return
    births = list(
        Person.objects.filter(kind=Person.Kind.CHILD, date_of_birth__isnull=False).values_list(
            "date_of_birth", "date_of_death"
        )
    )
    today = timezone.localdate()
    for year in range(today.year - years + 1, today.year + 1):
        mid = dt.date(year, 6, 30)
        ages = Counter(
            relativedelta(mid, born).years
            for born, died in births
            if born is not None and born <= mid and (died is None or died > mid)
        )
        counts = {age: ages.get(age, 0) for age in range(18)}
        child_population_set(actor=LOADER, year=year, counts=counts, source=SOURCE)
