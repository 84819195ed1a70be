"""The Plan 21-24 as plain data, shared by the Change Programme parser and the curated YAML.

Both sources become this model first and then triples through one builder
(:func:`govgraph.loaders.plan.plan_triples`), so the two can be compared field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AssessmentStatus(StrEnum):
    """The three categories Change Programme ONE sorts every action into."""

    UNDERWAY = "UNDERWAY"
    UNDERWAY_NOT_SUFFICIENT = "UNDERWAY_NOT_SUFFICIENT"
    LITTLE_OR_NONE = "LITTLE_OR_NONE"


@dataclass(frozen=True)
class SourceLocator:
    """Where in a document a record was read: its section path, and page or line if known."""

    document: str
    """File name of the source document, e.g. ``003_491c0dde5aa65afd.txt``."""
    section: str
    """Section path, e.g. ``Priority Areas > A Good Childhood > Support``."""
    page: int | None = None
    """Page of the printed document, only when the text states it (e.g. in its contents)."""
    line: int | None = None
    """Line of the text file the record starts on (parser output only)."""

    @property
    def locator(self) -> str:
        return self.section if self.page is None else f"{self.section}, page {self.page}"


@dataclass
class Milestone:
    date: str | None
    """ISO approximation of the phrase: ``2021``, ``2021-09``; None when the phrase gives none."""
    text: str
    """The deliverable the date belongs to."""
    phrase: str = ""
    """The date as the document writes it, e.g. ``Autumn 2021``."""


@dataclass
class Assessment:
    status: AssessmentStatus
    date: str | None
    """ISO date of the assessment (the document's publication date)."""
    assessor: str
    text: str = ""
    """The assessment heading as written, e.g. ``Work is underway.``"""
    source: SourceLocator | None = None


@dataclass
class LeadAssignment:
    """One body named for an action in one tier, as the document states it."""

    name: str
    """The body as the document writes it."""
    tier: str = "lead"
    """``lead``, ``key-ongoing-role``, ``commissioner`` or ``linked-partner`` (the labels of
    the ontology's gg:LeadTier individuals)."""
    status: str = "stated"
    """``stated``, ``planned``, ``recommended`` or ``requested`` (gg:StatementStatus)."""
    id: str | None = None
    """The body's entity id, where the name alone is ambiguous."""
    source: SourceLocator | None = None
    """Where this assignment is stated, when not in the action's own section."""


@dataclass
class PriorityArea:
    id: str
    """Slug; the entity is ``id:priority-area/<id>``."""
    name: str
    description: str | None = None
    source: SourceLocator | None = None


@dataclass
class Action:
    id: str
    """Slug; the entity is ``id:action/<id>``."""
    name: str
    priority_area: str
    """Id of the priority area."""
    requirements: list[str] = field(default_factory=list)
    commitments: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    """Lead organisations, named as the document writes them."""
    lead_ids: dict[str, str] = field(default_factory=dict)
    """Lead name -> entity id, where the name alone is ambiguous and the curated data says
    which body the document means (e.g. "Clackmannanshire" -> the Clackmannanshire Alliance)."""
    supporting: list[str] = field(default_factory=list)
    """Bodies the lead section names in a secondary role ("a key ongoing role, including but
    not limited to", "will link with"), kept apart from the leads."""
    assignments: list[LeadAssignment] = field(default_factory=list)
    """Every body named for the action with its tier: the leads (tier ``lead``, in
    :attr:`leads` too) and the bodies of the other tiers. Empty when a source gives only
    :attr:`leads`, which then count as stated leads."""
    milestones: list[Milestone] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    """Ids of the other actions this one refers to."""
    assessment: Assessment | None = None
    aliases: list[str] = field(default_factory=list)
    """Other spellings of the action's name in the same document."""
    source: SourceLocator | None = None


@dataclass
class Plan:
    id: str
    """Slug; the entity is ``id:plan/<id>``."""
    name: str
    document: str
    """File name of the document the plan data was read from."""
    title: str = ""
    """Title of that document."""
    published: str | None = None
    publisher: str = ""
    priority_areas: list[PriorityArea] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    def action(self, action_id: str) -> Action:
        for action in self.actions:
            if action.id == action_id:
                return action
        raise KeyError(action_id)

    def priority_area(self, area_id: str) -> PriorityArea:
        for area in self.priority_areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)
