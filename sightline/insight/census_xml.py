"""The CIN census as DfE's XML: Message / Header / Children / Child, elements in the order of
DfE's schema, written child by child as text (escaped) so the whole return is never held in
memory."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from sightline.insight.census import CensusYear, ChildRow, EpisodeRow, census_children

SOFTWARE_CODE = "Sightline"
RELEASE = "1"


def dfe_la_code() -> str:
    """The LA's three-digit DfE code (LEA in the header); set DFE_LA_CODE for a real return.
    The invented demo district has no DfE code, so 999 marks it."""
    return str(getattr(settings, "DFE_LA_CODE", "999"))


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


@dataclass
class ExportSummary:
    children: int = 0
    episodes: int = 0
    upns_withheld: list[str] = field(default_factory=list)


def _date(day: dt.date) -> str:
    return day.isoformat()


def _d(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _add(parent: ET.Element, tag: str, text: str | None) -> None:
    if text:
        ET.SubElement(parent, tag).text = text


def header_xml(census: CensusYear, *, serial: int = 1, now: dt.datetime | None = None) -> str:
    header = ET.Element("Header")
    details = ET.SubElement(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", str(census.collection_year))
    _add(details, "ReferenceDate", _date(census.reference_date))
    source = ET.SubElement(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", dfe_la_code())
    _add(source, "SoftwareCode", SOFTWARE_CODE)
    _add(source, "Release", RELEASE)
    _add(source, "SerialNo", f"{serial:03d}")
    moment = timezone.localtime(now or timezone.now()).replace(microsecond=0, tzinfo=None)
    _add(source, "DateTime", moment.isoformat())
    ET.indent(header, space="  ", level=1)
    return "  " + ET.tostring(header, encoding="unicode") + "\n"


def _line(out: list[str], depth: int, tag: str, text: str | None) -> None:
    if text:
        out.append(f"{'  ' * depth}<{tag}>{escape(text)}</{tag}>\n")


def _open(out: list[str], depth: int, tag: str) -> None:
    out.append(f"{'  ' * depth}<{tag}>\n")


def _close(out: list[str], depth: int, tag: str) -> None:
    out.append(f"{'  ' * depth}</{tag}>\n")


def child_xml(child: ChildRow, depth: int = 2) -> str:
    """One Child element, indented to sit inside Message/Children."""
    out: list[str] = []
    _open(out, depth, "Child")
    _open(out, depth + 1, "ChildIdentifiers")
    ids = depth + 2
    _line(out, ids, "LAchildID", child.la_child_id)
    _line(out, ids, "UPN", child.upn)
    _line(out, ids, "UPNunknown", child.upn_unknown)
    _line(out, ids, "PersonBirthDate", _d(child.birth_date))
    _line(
        out,
        ids,
        "ExpectedPersonBirthDate",
        _d(child.expected_birth_date),
    )
    _line(out, ids, "Sex", child.sex)
    _line(out, ids, "PersonDeathDate", _d(child.death_date))
    _close(out, depth + 1, "ChildIdentifiers")
    _open(out, depth + 1, "ChildCharacteristics")
    _line(out, depth + 2, "Ethnicity", child.ethnicity)
    _open(out, depth + 2, "Disabilities")
    for code in child.disabilities:
        _line(out, depth + 3, "Disability", code)
    _close(out, depth + 2, "Disabilities")
    _close(out, depth + 1, "ChildCharacteristics")
    for episode in child.episodes:
        _episode(out, depth + 1, episode)
    _close(out, depth, "Child")
    return "".join(out)


def _episode(out: list[str], depth: int, episode: EpisodeRow) -> None:  # noqa: C901
    _open(out, depth, "CINdetails")
    d = depth + 1
    _line(out, d, "CINreferralDate", _date(episode.referral_date))
    _line(out, d, "ReferralSource", episode.referral_source)
    _line(out, d, "PrimaryNeedCode", episode.primary_need)
    _line(out, d, "CINclosureDate", _d(episode.closure_date))
    _line(out, d, "ReasonForClosure", episode.closure_reason)
    _line(out, d, "DateOfInitialCPC", _d(episode.initial_cpc))
    for assessment in episode.assessments:
        _open(out, d, "Assessments")
        _line(out, d + 1, "AssessmentActualStartDate", _date(assessment.start))
        _line(
            out,
            d + 1,
            "AssessmentAuthorisationDate",
            _d(assessment.authorised),
        )
        if assessment.factors:
            _open(out, d + 1, "FactorsIdentifiedAtAssessment")
            for code in assessment.factors:
                _line(out, d + 2, "AssessmentFactors", code)
            _close(out, d + 1, "FactorsIdentifiedAtAssessment")
        _close(out, d, "Assessments")
    for plan in episode.cin_plans:
        _open(out, d, "CINPlanDates")
        _line(out, d + 1, "CINPlanStartDate", _date(plan.start))
        _line(out, d + 1, "CINPlanEndDate", _d(plan.end))
        _close(out, d, "CINPlanDates")
    for s47 in episode.s47s:
        _open(out, d, "Section47")
        _line(out, d + 1, "S47ActualStartDate", _date(s47.start))
        _line(out, d + 1, "InitialCPCtarget", _d(s47.icpc_target))
        _line(out, d + 1, "DateOfInitialCPC", _d(s47.icpc_date))
        _line(out, d + 1, "ICPCnotRequired", _flag(s47.icpc_not_required))
        _close(out, d, "Section47")
    _line(out, d, "ReferralNFA", _flag(episode.referral_nfa))
    for cp in episode.cp_plans:
        _open(out, d, "ChildProtectionPlans")
        _line(out, d + 1, "CPPstartDate", _date(cp.start))
        _line(out, d + 1, "CPPendDate", _d(cp.end))
        _line(out, d + 1, "InitialCategoryOfAbuse", cp.initial_category)
        _line(out, d + 1, "LatestCategoryOfAbuse", cp.latest_category)
        _line(out, d + 1, "NumberOfPreviousCPP", str(cp.previous_plans))
        if cp.reviews:
            _open(out, d + 1, "Reviews")
            for day in cp.reviews:
                _line(out, d + 2, "CPPreviewDate", _date(day))
            _close(out, d + 1, "Reviews")
        _close(out, d, "ChildProtectionPlans")
    _close(out, depth, "CINdetails")


def census_xml_chunks(
    census: CensusYear,
    *,
    children: Iterable[ChildRow] | None = None,
    summary: ExportSummary | None = None,
    now: dt.datetime | None = None,
) -> Iterator[str]:
    """The return as pieces of text, one child at a time."""
    summary = summary if summary is not None else ExportSummary()
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n'
    yield header_xml(census, now=now)
    yield "  <Children>\n"
    for child in children if children is not None else census_children(census):
        summary.children += 1
        summary.episodes += len(child.episodes)
        if child.upn_withheld:
            summary.upns_withheld.append(child.la_child_id)
        yield child_xml(child)
    yield "  </Children>\n</Message>\n"


def census_xml_write(census: CensusYear, stream: Writable, **options: object) -> ExportSummary:
    summary = ExportSummary()
    for piece in census_xml_chunks(census, summary=summary, **options):  # type: ignore[arg-type]
        stream.write(piece)
    return summary
