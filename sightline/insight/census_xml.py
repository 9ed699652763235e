"""The CIN census as DfE's XML: Message / Header / Children / Child, elements in the order of
DfE's schema, written child by child as text (escaped) so the whole return is never held in
memory."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
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


# The census year DfE's pre-proceedings and family group decision-making module starts in.
PRE_PROCEEDINGS_FROM = 2025
NAMED = 20  # children named in a note; the rest are counted


@dataclass
class ExportSummary:
    """What the export wrote, and what it did not send and why (LA child IDs named)."""

    year: int = 0
    children: int = 0
    episodes: int = 0
    upns_withheld: list[str] = field(default_factory=list)
    upn_reasons_not_held: list[str] = field(default_factory=list)
    disabilities_not_recorded: list[str] = field(default_factory=list)

    def add(self, child: ChildRow) -> None:
        self.children += 1
        self.episodes += len(child.episodes)
        if child.upn_withheld:
            self.upns_withheld.append(child.la_child_id)
        if not child.upn and not child.upn_unknown:
            self.upn_reasons_not_held.append(child.la_child_id)
        if child.disabilities_not_recorded:
            self.disabilities_not_recorded.append(child.la_child_id)

    def not_sent(self) -> list[str]:
        """Each thing the return leaves out or could not say as recorded, in words."""
        notes = []
        if self.year >= PRE_PROCEEDINGS_FROM:
            notes.append(
                "The pre-proceedings and family group decision-making module was not sent: "
                "Sightline does not record pre-proceedings or family group decision-making, "
                "so add them to the return from the records that hold them."
            )
        if self.upns_withheld:
            notes.append(
                f"{_children(self.upns_withheld)} had a unique pupil number DfE would reject "
                "(its check letter or its issuing local authority code is wrong), so it was "
                "not sent: correct it on the child's record. "
                f"{_named(self.upns_withheld)}"
            )
        if self.upn_reasons_not_held:
            notes.append(
                f"{_children(self.upn_reasons_not_held)} of school age had no unique pupil "
                "number and Sightline does not hold the reason it is missing, so neither was "
                "sent: record the pupil number, or add the reason to the return. "
                f"{_named(self.upn_reasons_not_held)}"
            )
        if self.disabilities_not_recorded:
            notes.append(
                f"{_children(self.disabilities_not_recorded)} had no disabilities recorded, "
                "so they were sent as having no disability (DfE requires a value): record "
                "them on the child's page. "
                f"{_named(self.disabilities_not_recorded)}"
            )
        return notes


def _children(ids: list[str]) -> str:
    return "1 child" if len(ids) == 1 else f"{len(ids):,} children"


def _named(ids: list[str]) -> str:
    more = f" and {len(ids) - NAMED:,} more" if len(ids) > NAMED else ""
    return f"LA child IDs: {', '.join(ids[:NAMED])}{more}."


def _date(day: dt.date) -> str:
    return day.isoformat()


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


_ESCAPED: dict[str, str] = {}


def _x(text: str) -> str:
    """`text` escaped for XML. The values escaped are codes, few and repeated, so each is
    escaped once."""
    escaped = _ESCAPED.get(text)
    if escaped is None:
        escaped = escape(text)
        if len(_ESCAPED) < 10_000:
            _ESCAPED[text] = escaped
    return escaped


def child_xml(child: ChildRow) -> str:
    """One Child element, indented to sit inside Message/Children. Only a value that is
    present writes its element (as DfE's schema has optional elements left out, not empty).
    Dates are ISO text and numbers digits, and the child's own values are letters and digits
    by construction (census.py: LA child ID and UPN cleaned or checked, the rest chosen from
    DfE's code sets), so only the codes read from casework records need escaping."""
    out = ["    <Child>\n      <ChildIdentifiers>\n"]
    add = out.append
    if child.la_child_id:
        add(f"        <LAchildID>{child.la_child_id}</LAchildID>\n")
    if child.upn:
        add(f"        <UPN>{child.upn}</UPN>\n")
    if child.upn_unknown:
        add(f"        <UPNunknown>{child.upn_unknown}</UPNunknown>\n")
    if child.birth_date is not None:
        add(f"        <PersonBirthDate>{child.birth_date.isoformat()}</PersonBirthDate>\n")
    if child.expected_birth_date is not None:
        add(
            "        <ExpectedPersonBirthDate>"
            f"{child.expected_birth_date.isoformat()}</ExpectedPersonBirthDate>\n"
        )
    if child.sex:
        add(f"        <Sex>{child.sex}</Sex>\n")
    if child.death_date is not None:
        add(f"        <PersonDeathDate>{child.death_date.isoformat()}</PersonDeathDate>\n")
    add("      </ChildIdentifiers>\n      <ChildCharacteristics>\n")
    if child.ethnicity:
        add(f"        <Ethnicity>{child.ethnicity}</Ethnicity>\n")
    add("        <Disabilities>\n")
    for code in child.disabilities:
        if code:
            add(f"          <Disability>{code}</Disability>\n")
    add("        </Disabilities>\n      </ChildCharacteristics>\n")
    for episode in child.episodes:
        _episode(add, episode)
    add("    </Child>\n")
    return "".join(out)


def _episode(add: Callable[[str], None], episode: EpisodeRow) -> None:  # noqa: C901, PLR0912
    add(
        "      <CINdetails>\n"
        f"        <CINreferralDate>{episode.referral_date.isoformat()}</CINreferralDate>\n"
    )
    if episode.referral_source:
        add(f"        <ReferralSource>{_x(episode.referral_source)}</ReferralSource>\n")
    if episode.primary_need:
        add(f"        <PrimaryNeedCode>{_x(episode.primary_need)}</PrimaryNeedCode>\n")
    if episode.closure_date is not None:
        add(f"        <CINclosureDate>{episode.closure_date.isoformat()}</CINclosureDate>\n")
    if episode.closure_reason:
        add(f"        <ReasonForClosure>{_x(episode.closure_reason)}</ReasonForClosure>\n")
    if episode.initial_cpc is not None:
        add(f"        <DateOfInitialCPC>{episode.initial_cpc.isoformat()}</DateOfInitialCPC>\n")
    for assessment in episode.assessments:
        add(
            "        <Assessments>\n"
            "          <AssessmentActualStartDate>"
            f"{assessment.start.isoformat()}</AssessmentActualStartDate>\n"
        )
        if assessment.authorised is not None:
            add(
                "          <AssessmentAuthorisationDate>"
                f"{assessment.authorised.isoformat()}</AssessmentAuthorisationDate>\n"
            )
        if assessment.factors:
            add("          <FactorsIdentifiedAtAssessment>\n")
            for code in assessment.factors:
                if code:
                    add(f"            <AssessmentFactors>{_x(code)}</AssessmentFactors>\n")
            add("          </FactorsIdentifiedAtAssessment>\n")
        add("        </Assessments>\n")
    for plan in episode.cin_plans:
        add(
            "        <CINPlanDates>\n"
            f"          <CINPlanStartDate>{plan.start.isoformat()}</CINPlanStartDate>\n"
        )
        if plan.end is not None:
            add(f"          <CINPlanEndDate>{plan.end.isoformat()}</CINPlanEndDate>\n")
        add("        </CINPlanDates>\n")
    for s47 in episode.s47s:
        add(
            "        <Section47>\n"
            f"          <S47ActualStartDate>{s47.start.isoformat()}</S47ActualStartDate>\n"
        )
        if s47.icpc_target is not None:
            add(f"          <InitialCPCtarget>{s47.icpc_target.isoformat()}</InitialCPCtarget>\n")
        if s47.icpc_date is not None:
            add(f"          <DateOfInitialCPC>{s47.icpc_date.isoformat()}</DateOfInitialCPC>\n")
        add(
            f"          <ICPCnotRequired>{_flag(s47.icpc_not_required)}</ICPCnotRequired>\n"
            "        </Section47>\n"
        )
    add(f"        <ReferralNFA>{_flag(episode.referral_nfa)}</ReferralNFA>\n")
    for cp in episode.cp_plans:
        add(
            "        <ChildProtectionPlans>\n"
            f"          <CPPstartDate>{cp.start.isoformat()}</CPPstartDate>\n"
        )
        if cp.end is not None:
            add(f"          <CPPendDate>{cp.end.isoformat()}</CPPendDate>\n")
        if cp.initial_category:
            add(
                "          <InitialCategoryOfAbuse>"
                f"{_x(cp.initial_category)}</InitialCategoryOfAbuse>\n"
            )
        if cp.latest_category:
            add(
                "          <LatestCategoryOfAbuse>"
                f"{_x(cp.latest_category)}</LatestCategoryOfAbuse>\n"
            )
        add(f"          <NumberOfPreviousCPP>{cp.previous_plans}</NumberOfPreviousCPP>\n")
        if cp.reviews:
            add("          <Reviews>\n")
            for day in cp.reviews:
                add(f"            <CPPreviewDate>{day.isoformat()}</CPPreviewDate>\n")
            add("          </Reviews>\n")
        add("        </ChildProtectionPlans>\n")
    add("      </CINdetails>\n")


def census_xml_chunks(
    census: CensusYear,
    *,
    children: Iterable[ChildRow] | None = None,
    summary: ExportSummary | None = None,
    now: dt.datetime | None = None,
) -> Iterator[str]:
    """The return as pieces of text, one child at a time."""
    summary = summary if summary is not None else ExportSummary()
    summary.year = census.year
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n'
    yield header_xml(census, now=now)
    yield "  <Children>\n"
    for child in children if children is not None else census_children(census):
        summary.add(child)
        yield child_xml(child)
    yield "  </Children>\n</Message>\n"


def census_summary(census: CensusYear) -> ExportSummary:
    """What the year's return would hold and leave out, without writing it."""
    summary = ExportSummary(year=census.year)
    for child in census_children(census):
        summary.add(child)
    return summary


def census_xml_write(census: CensusYear, stream: Writable, **options: object) -> ExportSummary:
    summary = ExportSummary()
    for piece in census_xml_chunks(census, summary=summary, **options):  # type: ignore[arg-type]
        stream.write(piece)
    return summary
