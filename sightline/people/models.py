"""People: children, adults and unborn children; what each agency calls them; where they live,
who they live with, who they are related to, and which professionals work with them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from sightline.accounts.models import Agency, Team
from sightline.core.dates import age_on
from sightline.people.identifiers import normalise_postcode


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Not known"


class Disability(models.TextChoices):
    """DfE's disability codes (children in need census) and what each means."""

    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility: getting about"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care, such as eating, washing or dressing"
    INC = "INC", "Incontinence: controlling the bladder or bowels"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning, understanding or concentrating"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness: seizures"
    AUT = "AUT", "Diagnosed with autism or Asperger syndrome"
    DDA = "DDA", "Another disability under the Equality Act"


class PersonQuerySet(models.QuerySet["Person"]):
    def children(self) -> PersonQuerySet:
        return self.filter(kind__in=[Person.Kind.CHILD, Person.Kind.UNBORN])


def full_name_of(kind: str, given_name: str, family_name: str) -> str:
    """A person's name as pages show it (`Person.full_name`), from the columns alone, for
    lists read as values rather than as Person objects."""
    name = f"{given_name} {family_name}".strip()
    if kind == Person.Kind.UNBORN and not given_name:
        return f"Unborn child of the {family_name} family" if family_name else "Unborn child"
    return name or "Name not known"


class Person(models.Model):
    class Kind(models.TextChoices):
        CHILD = "child", "Child"
        ADULT = "adult", "Adult"
        UNBORN = "unborn", "Unborn child"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHILD)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    upn = models.CharField("unique pupil number", max_length=13, blank=True, db_index=True)
    ethnicity = models.CharField(max_length=4, blank=True, help_text="DfE ethnicity code")
    # DfE's disability codes (people.disabilities), recorded by a social worker; an empty list
    # with no time recorded means nobody has recorded them yet.
    disabilities = models.JSONField(default=list, blank=True, help_text="DfE disability codes")
    disabilities_recorded_at = models.DateTimeField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Search keys kept in step by the people services (phonetic codes of the names).
    given_name_key = models.CharField(max_length=20, blank=True, db_index=True)
    family_name_key = models.CharField(max_length=20, blank=True, db_index=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
        ]
        permissions = [("view_access_trail", "Can see who has seen a person's record")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return full_name_of(self.kind, self.given_name, self.family_name)

    @property
    def disabilities_in_words(self) -> list[str]:
        """The recorded disabilities as words, in DfE's order (never as codes)."""
        held = set(self.disabilities or [])
        return [label for code, label in Disability.choices if code in held]

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, day)

    def is_child_on(self, day: dt.date) -> bool:
        if self.kind == Person.Kind.UNBORN:
            return True
        age = self.age_on(day)
        return age is not None and age < 18


class PersonName(models.Model):
    """Other names a person is known by: previous names, aliases, nicknames, other spellings."""

    class Kind(models.TextChoices):
        PREVIOUS = "previous", "Previous name"
        ALIAS = "alias", "Also known as"
        SPELLING = "spelling", "Other spelling"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    given_name_key = models.CharField(max_length=20, blank=True, db_index=True)
    family_name_key = models.CharField(max_length=20, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class SourceRecord(models.Model):
    """One agency's record of a person, as that agency wrote it (`source:record_id`)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="source_records")
    record_id = models.CharField(max_length=100)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="source_records")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    upn = models.CharField(max_length=13, blank=True)
    address_line = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "record_id"], name="source_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency.code}:{self.record_id}"


class Address(models.Model):
    """Where a person lived, from when to when, and who told us."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line = models.CharField("first line", max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    moved_in = models.DateField(null=True, blank=True)
    moved_out = models.DateField(null=True, blank=True)
    source = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moved_in", "-created_at"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line, self.town, self.postcode) if part)

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        """The address as Sightline keeps it: the postcode in its standard form ("BD21 4QA"),
        no spaces around the line or town. `save()` calls it; code that writes addresses in
        bulk without `save()` (the demo, the benches) calls it itself."""
        self.line = (self.line or "").strip()
        self.town = (self.town or "").strip()
        self.postcode = normalise_postcode(self.postcode)

    @property
    def is_current(self) -> bool:
        return self.moved_out is None


class Household(models.Model):
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name or f"Household {self.pk}"


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="household_memberships"
    )
    joined = models.DateField(null=True, blank=True)
    left = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["joined"]

    def __str__(self) -> str:
        return f"{self.person} in {self.household}"


class Relationship(models.Model):
    """`person` is `kind` of `relative` (for example: person is mother of relative)."""

    class Kind(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        PARTNER_OF_PARENT = "partner_of_parent", "Parent's partner"
        CARER = "carer", "Carer"
        SIBLING = "sibling", "Brother or sister"
        GRANDPARENT = "grandparent", "Grandparent"
        OTHER_RELATIVE = "other_relative", "Other relative"
        PARTNER = "partner", "Partner"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parental_responsibility = models.BooleanField(default=False)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="relationship_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} is {self.get_kind_display().lower()} of {self.relative}"


class Involvement(models.Model):
    """A professional (or a whole team) working with a person: their team around the child."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="involvements",
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="involvements"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    role = models.CharField(
        max_length=100, help_text="For example: lead social worker, health visitor"
    )
    started = models.DateField()
    ended = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started"]
        indexes = [models.Index(fields=["user", "person"]), models.Index(fields=["team", "person"])]

    def __str__(self) -> str:
        return f"{self.role} ({self.agency}) for {self.person}"


class BreakGlass(models.Model):
    """A user opened a record without a working relationship, giving a reason."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "person", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} opened {self.person} at {self.granted_at:%Y-%m-%d %H:%M}"
