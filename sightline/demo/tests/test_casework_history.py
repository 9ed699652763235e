"""The demo district's casework history: two census years, every rule of DOMAIN.md section 3
held by every row, the chronology saying the same as the records, the same on every load."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Role
from sightline.casework.models import (
    ASSESSMENT_FACTORS,
    Assessment,
    Conference,
    Episode,
    Plan,
    S47Enquiry,
    StatutoryVisit,
    StrategyDiscussion,
    Supervision,
)
from sightline.chronology.models import Participant
from sightline.core.audit import verify_chain
from sightline.core.working_days import LONDON, add_working_days, is_working_day
from sightline.demo.casework import census_year
from sightline.demo.loader import district_load
from sightline.demo.tests.conftest import AS_OF
from sightline.people.models import Person, Relationship, SourceRecord

Span = tuple[dt.date, dt.date | None]


def _overlap(spans: list[Span]) -> bool:
    """Two spans of one child open at once (a span may start the day the last one ended)."""
    ordered = sorted(spans, key=lambda s: s[0])
    for (_, end), (start, _) in zip(ordered, ordered[1:], strict=False):
        if end is None or start < end:
            return True
    return False


def _local(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, LONDON).date()


def test_the_small_district_has_episodes_in_both_census_years_and_every_kind_of_record(
    small_district,
):
    years = Counter(
        census_year(day) for day in Episode.objects.values_list("referral_date", flat=True)
    )
    assert years[2024] >= 5 and years[2025] >= 5
    assert Episode.objects.count() >= 24
    assert Episode.objects.filter(contact__isnull=False).exists()  # from the front door's year
    assert Episode.objects.filter(contact__isnull=True).exists()  # older referrals
    reasons = set(Episode.objects.values_list("closure_reason", flat=True))
    assert {"RC8", "RC9"} <= reasons and reasons & {"RC3", "RC4", "RC5", "RC6", "RC7"}
    assert Episode.objects.filter(closure_date__isnull=True).exists()
    assert S47Enquiry.objects.filter(icpc_not_required=True).exists()
    assert Conference.objects.filter(kind="initial", decision="no_plan").exists()
    assert Conference.objects.filter(kind="review", decision="end").exists()
    for kind in ("cp", "cin"):
        assert Plan.objects.filter(kind=kind, end_date__isnull=True).exists()
        assert Plan.objects.filter(kind=kind, end_date__isnull=False).exists()
    assert Assessment.objects.exclude(late_reason="").exists()
    assert StatutoryVisit.objects.filter(seen_alone=True).exists()
    assert StatutoryVisit.objects.filter(child_seen=False).exists()
    assert Supervision.objects.exists()
    assert Episode.objects.filter(transfers__isnull=False).exists()
    # An unborn child on a pre-birth plan, linked to the mother.
    unborn = Plan.objects.filter(
        kind="cp", end_date__isnull=True, episode__child__kind=Person.Kind.UNBORN
    ).first()
    assert unborn is not None
    assert Relationship.objects.filter(
        relative=unborn.episode.child, kind=Relationship.Kind.MOTHER
    ).exists()
    assert list(verify_chain()) == []


def test_every_row_keeps_the_consistency_rules(small_district):
    today = AS_OF
    episodes = {e.pk: e for e in Episode.objects.select_related("child", "lead_social_worker")}
    by_child: dict[int, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for episode in episodes.values():
        assert episode.referral_date <= today
        assert episode.lead_social_worker.role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
        assert episode.team.agency.code == "csc"
        by_child[episode.child_id]["episode"].append((episode.referral_date, episode.closure_date))
        if episode.contact_id:
            assert episode.contact.child_id == episode.child_id
            assert episode.referral_date == _local(episode.contact.received_at)
        assert SourceRecord.objects.filter(
            agency__code="csc", person=episode.child, record_id=f"LA{episode.child_id:08d}"
        ).exists()
        if episode.child.kind == Person.Kind.CHILD and episode.child.date_of_birth:
            assert episode.child.date_of_birth <= episode.referral_date
    first_assessment: dict[int, Assessment] = {}
    for assessment in Assessment.objects.order_by("start_date", "pk"):
        episode = episodes[assessment.episode_id]
        first_assessment.setdefault(episode.pk, assessment)
        assert episode.referral_date <= assessment.start_date <= today
        if first_assessment[episode.pk] is assessment:
            assert assessment.due_date == add_working_days(episode.referral_date, 45)
        if assessment.completed_date:
            assert assessment.start_date <= assessment.completed_date <= today
            assert assessment.factors and all(f in ASSESSMENT_FACTORS for f in assessment.factors)
            assert "21" not in assessment.factors or assessment.factors == ["21"]
            assert assessment.authorised_by.role == Role.TEAM_MANAGER
            assert bool(assessment.late_reason) == (assessment.completed_date > assessment.due_date)
        by_child[episode.child_id]["assessment"].append(
            (assessment.start_date, assessment.completed_date)
        )
    for discussion in StrategyDiscussion.objects.all():
        held = _local(discussion.held_at)
        assert episodes[discussion.episode_id].referral_date <= held <= today
    for s47 in S47Enquiry.objects.select_related("strategy_discussion"):
        episode = episodes[s47.episode_id]
        assert episode.referral_date <= s47.start_date <= today
        held = _local(s47.strategy_discussion.held_at)
        assert s47.icpc_target_date == add_working_days(held, 15)
        icpc = Conference.objects.filter(s47=s47).first()
        end = s47.completed_date or (icpc.conference_date if icpc else None)
        assert not (s47.icpc_not_required and icpc)
        by_child[episode.child_id]["s47"].append((s47.start_date, end))
    for conference in Conference.objects.all():
        assert is_working_day(conference.conference_date)
        assert episodes[conference.episode_id].referral_date <= conference.conference_date
        assert conference.conference_date <= today
    for plan in Plan.objects.select_related("icpc"):
        episode = episodes[plan.episode_id]
        assert episode.referral_date <= plan.start_date <= today
        assert plan.status == ("ended" if plan.end_date else "confirmed")
        assert plan.outcomes.exists() and plan.versions.filter(number=1).exists()
        for outcome in plan.outcomes.all():
            assert outcome.responsible_person and outcome.responsible_agency_id
            assert outcome.by_when and outcome.by_when >= plan.start_date
        if plan.kind == "cp":
            assert plan.icpc is not None and plan.icpc.decision == "cp_plan"
            assert plan.start_date == plan.icpc.conference_date
            assert plan.initial_category in ("NEG", "PHY", "SAB", "EMO", "MUL")
        by_child[episode.child_id][plan.kind].append((plan.start_date, plan.end_date))
    for visit in StatutoryVisit.objects.all():
        episode = episodes[visit.episode_id]
        assert episode.referral_date <= visit.visit_date <= (episode.closure_date or today)
        assert visit.child_seen or not visit.seen_alone
    for supervision in Supervision.objects.select_related("supervisor"):
        episode = episodes[supervision.episode_id]
        assert supervision.supervisor.role == Role.TEAM_MANAGER
        assert episode.referral_date <= supervision.supervision_date
        assert supervision.supervision_date <= (episode.closure_date or today)
        assert supervision.next_date > supervision.supervision_date
    for child, kinds in by_child.items():
        for kind, spans in kinds.items():
            assert not _overlap(spans), f"two open {kind} records for child {child}"
            assert sum(1 for _, end in spans if end is None) <= 1
        for cin_start, cin_end in kinds["cin"]:
            for cp_start, cp_end in kinds["cp"]:
                assert (cin_end is not None and cin_end <= cp_start) or (
                    cp_end is not None and cp_end <= cin_start
                ), f"a CIN plan overlaps a CP plan for child {child}"
    for episode in episodes.values():
        if episode.closure_date is None:
            continue
        work = Episode.objects.get(pk=episode.pk)
        assert not work.assessments.filter(completed_date__isnull=True).exists()
        assert not work.plans.filter(end_date__isnull=True).exists()
        assert not work.s47_enquiries.filter(completed_date__isnull=True).exists()
        latest = [a.start_date for a in work.assessments.all()] + [
            p.start_date for p in work.plans.all()
        ]
        assert all(day <= episode.closure_date for day in latest)
        if episode.closure_reason in ("RC8", "RC9"):
            assert work.assessments.filter(completed_date__isnull=False).exists()
            assert not work.plans.exists() and not work.s47_enquiries.exists()


def _events(kind: str) -> Counter[tuple[int, dt.date, str]]:
    found: Counter[tuple[int, dt.date, str]] = Counter()
    for participant in Participant.objects.filter(event__type=kind, role="child").select_related(
        "event"
    ):
        event = participant.event
        detail = event.details
        key = str(
            detail.get("factors")
            or detail.get("reason")
            or detail.get("outcome")
            or detail.get("category")
            or detail.get("seen_alone", "")
        )
        found[(participant.person_id, _local(event.occurred_at), key)] += 1
    return found


def test_the_chronology_says_what_the_casework_records_say(small_district):
    def rows(items) -> Counter[tuple[int, dt.date, str]]:  # type: ignore[no-untyped-def]
        return Counter(items)

    assert _events("assessment_started") == rows(
        (a.episode.child_id, a.start_date, "") for a in Assessment.objects.select_related("episode")
    )
    assert _events("assessment_completed") == rows(
        (a.episode.child_id, a.completed_date, str(a.factors))
        for a in Assessment.objects.filter(completed_date__isnull=False).select_related("episode")
    )
    assert _events("episode_closed") == rows(
        (e.child_id, e.closure_date, e.closure_reason)
        for e in Episode.objects.filter(closure_date__isnull=False)
    )
    assert _events("icpc") == rows(
        (c.episode.child_id, c.conference_date, c.decision)
        for c in Conference.objects.filter(kind="initial").select_related("episode")
    )
    assert _events("cp_plan_started") == rows(
        (p.episode.child_id, p.start_date, p.initial_category)
        for p in Plan.objects.filter(kind="cp").select_related("episode")
    )
    assert _events("cp_plan_ended") == rows(
        (p.episode.child_id, p.end_date, p.latest_category)
        for p in Plan.objects.filter(kind="cp", end_date__isnull=False).select_related("episode")
    )
    for kind, field in (("cin_plan_started", "start_date"), ("cin_plan_ended", "end_date")):
        assert _events(kind) == rows(
            (p.episode.child_id, getattr(p, field), "")
            for p in Plan.objects.filter(kind="cin").select_related("episode")
            if getattr(p, field)
        )
    assert _events("s47_started") == rows(
        (s.episode.child_id, s.start_date, "") for s in S47Enquiry.objects.select_related("episode")
    )
    assert sum(_events("strategy_discussion").values()) == StrategyDiscussion.objects.count()
    assert _events("statutory_visit") == rows(
        (v.episode.child_id, v.visit_date, str(v.seen_alone))
        for v in StatutoryVisit.objects.select_related("episode")
    )
    assert sum(_events("supervision").values()) == Supervision.objects.count()


def _digest() -> tuple[dict[str, int], str]:
    counts = {
        "episodes": Episode.objects.count(),
        "assessments": Assessment.objects.count(),
        "plans": Plan.objects.count(),
        "conferences": Conference.objects.count(),
        "visits": StatutoryVisit.objects.count(),
        "supervisions": Supervision.objects.count(),
    }
    lines = [
        f"{e.child.family_name}|{e.child.given_name}|{e.referral_date}|{e.referral_source}|"
        f"{e.closure_date}|{e.closure_reason}|{e.team.name}|{e.lead_social_worker}"
        for e in Episode.objects.select_related("child", "team", "lead_social_worker").order_by(
            "referral_date", "child__family_name", "child__given_name"
        )
    ]
    lines += [
        f"{p.kind}|{p.start_date}|{p.end_date}|{p.initial_category}"
        for p in Plan.objects.order_by("start_date", "kind", "end_date")
    ]
    return counts, hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _load_and_forget() -> tuple[dict[str, int], str]:
    with transaction.atomic():
        district_load(size="small", as_of=AS_OF, further=False)
        found = _digest()
        transaction.set_rollback(True)
    return found


def test_two_loads_give_the_same_casework_history(db):
    first = _load_and_forget()
    assert Episode.objects.count() == 0
    assert first == _load_and_forget()
    assert first[0]["episodes"] > 0
