"""Audiences as data: which roles a kind of notification goes to, and who holds them today.

A kind (a rule code, `address-change`, `cpis-lookup`) has `Audience` rows. For one person
they resolve to named users: the lead social worker of the child's open episode and their
manager (the team managers of the worker's team), the front door when the child has no
open work, and every professional currently involved with the child (people's
involvements: the user named, or the members of the team named).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from sightline.accounts.models import Role, User
from sightline.casework.models import Episode
from sightline.people.models import Involvement
from sightline.risk import catalogue
from sightline.sharing.models import Audience, Due, NotificationKind

# Today's catalogue tokens as audience rows: the data migration froze this mapping, and a
# rule added to the catalogue later without rows of its own is read through it.
SAME_DAY_WORDS = ("same day", "24 hours", "now")


def rows_for_tokens(tokens: Iterable[str]) -> list[tuple[str, str]]:
    """(role, value) audience rows for catalogue tokens such as `role:ifd_manager`."""
    rows: list[tuple[str, str]] = []
    for token in tokens:
        prefix, _, value = token.partition(":")
        if token == "involved":
            rows.append((Audience.Role.INVOLVED, ""))
        elif token == "role:social_worker":
            rows.append((Audience.Role.LEAD_SOCIAL_WORKER, ""))
        elif token == "role:team_manager":
            rows.append((Audience.Role.LEAD_MANAGER, ""))
        elif token in ("role:ifd_manager", "role:ifd_practitioner"):
            rows.append((Audience.Role.FRONT_DOOR, value))
        elif prefix == "role":
            rows.append((Audience.Role.SIGHTLINE_ROLE, value))
        elif prefix == "profession":
            rows.append((Audience.Role.INVOLVED_PROFESSION, value))
        elif prefix == "agency":
            rows.append((Audience.Role.INVOLVED_AGENCY, value))
    return rows


def due_for(asks_for: str) -> str:
    words = asks_for.lower()
    return Due.SAME_DAY if any(w in words for w in SAME_DAY_WORDS) else Due.NEXT_WORKING_DAY


@dataclass(frozen=True)
class Recipient:
    user: User
    reason: str  # the audience role's words: why this person is told


def kind_audience(code: str) -> tuple[str, list[tuple[str, str]]]:
    """(due, [(role, value)]) for a kind: its rows, else the catalogue's tokens."""
    kind = NotificationKind.objects.filter(code=code).first()
    if kind is not None:
        return kind.due, list(kind.audiences.values_list("role", "value"))
    try:
        rule = catalogue.rule_get(code)
    except (KeyError, LookupError):
        return Due.NEXT_WORKING_DAY, []
    return due_for(rule.asks_for), rows_for_tokens(rule.audiences)


def _open_episode(person_id: int) -> Episode | None:
    return (
        Episode.objects.filter(child_id=person_id, closure_date__isnull=True)
        .select_related("lead_social_worker", "team")
        .order_by("-referral_date", "-pk")
        .first()
    )


def _active(users: Iterable[User | None]) -> list[User]:
    return [u for u in users if u is not None and u.is_active]


def lead_social_worker(episode: Episode | None) -> list[User]:
    return _active([episode.lead_social_worker]) if episode is not None else []


def managers_of(episode: Episode | None) -> list[User]:
    """The team managers of the lead social worker's team (of the episode's team when the
    worker has none, or none is allocated)."""
    if episode is None:
        return []
    worker = episode.lead_social_worker
    team_id = (worker.team_id if worker is not None else None) or episode.team_id
    return list(User.objects.filter(team_id=team_id, role=Role.TEAM_MANAGER, is_active=True))


def manager_of(user: User) -> list[User]:
    """The recipient's manager: the team managers of their team (not themselves); at the
    front door, its managers."""
    managers = User.objects.filter(is_active=True).exclude(pk=user.pk)
    if user.team_id:
        role = Role.IFD_MANAGER if user.works_at_front_door else Role.TEAM_MANAGER
        found = list(managers.filter(team_id=user.team_id, role=role))
        if found:
            return found
        return list(managers.filter(team_id=user.team_id, role=Role.TEAM_MANAGER))
    if user.works_at_front_door:
        return list(managers.filter(role=Role.IFD_MANAGER))
    return []


def front_door(role: str) -> list[User]:
    roles = [role] if role else [Role.IFD_MANAGER]
    return list(User.objects.filter(role__in=roles, is_active=True).order_by("pk"))


def involved(person_id: int) -> list[User]:
    """Everyone currently working with the person: the professional named by an involvement,
    or every member of the team it names."""
    today = timezone.localdate()
    current = Involvement.objects.filter(person_id=person_id, started__lte=today).filter(
        Q(ended__isnull=True) | Q(ended__gte=today)
    )
    users = User.objects.filter(is_active=True).filter(
        Q(pk__in=current.filter(user__isnull=False).values("user_id"))
        | Q(team_id__in=current.filter(user__isnull=True, team__isnull=False).values("team_id"))
    )
    return list(users.select_related("agency").order_by("pk"))


def recipients_for(*, kind: str, person_id: int) -> list[Recipient]:
    """The named users a notification of `kind` about this person goes to, each once."""
    _, rows = kind_audience(kind)
    episode = _open_episode(person_id)
    found: dict[int, Recipient] = {}

    def add(users: Iterable[User], role: str) -> None:
        for user in users:
            found.setdefault(user.pk, Recipient(user, Audience.Role(role).label))

    for role, value in rows:
        if role == Audience.Role.LEAD_SOCIAL_WORKER:
            if episode is None:
                add(front_door(""), Audience.Role.FRONT_DOOR)
            add(lead_social_worker(episode), role)
        elif role == Audience.Role.LEAD_MANAGER:
            add(managers_of(episode), role)
        elif role == Audience.Role.FRONT_DOOR:
            if episode is None:
                add(front_door(value), role)
            else:
                add(lead_social_worker(episode), Audience.Role.LEAD_SOCIAL_WORKER)
                add(managers_of(episode), Audience.Role.LEAD_MANAGER)
        elif role == Audience.Role.INVOLVED:
            add(involved(person_id), role)
        elif role == Audience.Role.INVOLVED_PROFESSION:
            add([u for u in involved(person_id) if u.profession == value], role)
        elif role == Audience.Role.INVOLVED_AGENCY:
            add([u for u in involved(person_id) if u.agency and u.agency.kind == value], role)
        elif role == Audience.Role.SIGHTLINE_ROLE:
            add(User.objects.filter(role=value, is_active=True).order_by("pk"), role)
    return list(found.values())
