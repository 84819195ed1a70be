"""A synthetic governance landscape of any size, for benchmarks and scale tests.

Realistic in shape, invented in content: every name and code is made up, and the whole
dataset cites one source document that says so. It has the landscape's types in roughly
Scotland's proportions (a government with directorates, councils, health boards and the
integration joint boards that direct them, public bodies sponsored by directorates, many
boards, committees and working groups, and a large third sector), hierarchies, sponsor and
funding lines (some bodies with two lines, a few reporting cycles), people who hold posts and
sit on several groups (interlocks), 117 policy areas, geography, care services, reified
relationships with citations, a Plan with actions and leads, and overlaps planted on
purpose: pairs of bodies with identical remits in the same area, and groups whose members
are a subset of another group's. About 80-85 asserted triples per organisation.

The output depends only on ``organisations`` and ``seed``: same arguments, same bytes.
No SPARQL, no store: it writes N-Triples.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from rdflib import Graph

from govgraph.ontology import model
from govgraph.ontology.terms import GG, ID, SRC

Pick = Callable[..., str]
"""Picks a body of one of the classes named (``pick("Board", "Committee")``)."""

T = TypeVar("T")
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PREF, ALT, IN_SCHEME = f"<{SKOS}prefLabel>", f"<{SKOS}altLabel>", f"<{SKOS}inScheme>"
DESCRIPTION = "<http://purl.org/dc/terms/description>"
TITLE = "<http://purl.org/dc/terms/title>"
XSD = "http://www.w3.org/2001/XMLSchema#"
POLICY_AREAS = 117
_CLIENT_GROUPS = [
    "Care leavers", "Kinship families", "Young people in secure care", "Foster carers",
    "Brothers and sisters", "Babies and infants", "Disabled children", "Young carers",
    "Children in residential care", "Young people in custody", "Adopted children",
    "Families in poverty",
]  # fmt: skip
COUNCIL_AREAS = 32
HEALTH_BOARD_AREAS = 14

# Share of each organisation class (per cent), after Scotland's landscape: 32 councils, 31
# IJBs and 14 territorial boards among some 2,000 bodies, most of them groups and charities.
SHARES: dict[str, float] = {
    "DirectorateGeneral": 0.4,
    "Directorate": 2.5,
    "Division": 5.0,
    "TerritorialHealthBoard": 0.7,
    "SpecialHealthBoard": 0.4,
    "LocalAuthority": 1.6,
    "IntegrationJointBoard": 1.5,
    "HealthAndSocialCarePartnership": 1.5,
    "CommunityPlanningPartnership": 1.6,
    "ChildrensServicesPlanningPartnership": 1.6,
    "ExecutiveNDPB": 2.0,
    "AdvisoryNDPB": 1.5,
    "ExecutiveAgency": 0.5,
    "NonMinisterialOffice": 0.3,
    "PublicCorporation": 0.3,
    "Tribunal": 0.5,
    "CommissionerOrOmbudsman": 0.4,
    "InspectorateOrRegulator": 0.3,
    "StatutoryBody": 1.5,
    "AcademicInstitution": 1.5,
    "Board": 6.0,
    "Committee": 7.0,
    "WorkingGroup": 9.0,
    "NetworkOrCollaborative": 4.0,
    "Partnership": 4.0,
    "Team": 2.0,
    "ThirdSectorOrganisation": 40.0,
    "Company": 6.0,
}
GROUPS = ("Board", "Committee", "WorkingGroup", "NetworkOrCollaborative", "Partnership")
PUBLIC = (
    "ExecutiveNDPB",
    "AdvisoryNDPB",
    "ExecutiveAgency",
    "NonMinisterialOffice",
    "PublicCorporation",
    "Tribunal",
    "StatutoryBody",
    "InspectorateOrRegulator",
)
PROVIDERS = ("ThirdSectorOrganisation", "Company", "LocalAuthority")

_PLACES = [
    a + b
    for a in ("Ard", "Bal", "Carn", "Dun", "Glen", "Inver", "Kil", "Loch", "Strath", "Tor")
    for b in ("more", "ford", "side", "bank", "haven", "field", "burn", "wick", "ton", "muir")
]
_TOPICS = [
    "Children's Rights", "Kinship Care", "Foster Care", "Residential Care", "Advocacy",
    "Youth Justice", "Mental Health", "Education", "Housing", "Family Support", "Poverty",
    "Disability", "Early Years", "Throughcare", "Data and Evidence", "Workforce", "Sport",
    "Health Improvement", "Participation", "Adoption", "Siblings", "Restraint", "Trauma",
]  # fmt: skip
_FIRST = ["Alex", "Morgan", "Jamie", "Rowan", "Eilidh", "Callum", "Isla", "Fraser", "Ailsa",
          "Ewan", "Kirsty", "Niamh", "Ruaridh", "Mhairi", "Craig", "Lorna", "Skye"]  # fmt: skip
_LAST = ["MacLeod", "Campbell", "Stewart", "Fraser", "Murray", "Reid", "Sinclair", "Baird",
         "Munro", "Ross", "Kerr", "Grant", "Duncan", "Paterson", "Urquhart", "Wallace"]  # fmt: skip
_SERVICE_TYPES = ["Care Home Service", "Fostering Service", "Adoption Service", "Housing Support",
                  "Support Service", "Secure Accommodation", "Day Care of Children"]  # fmt: skip
_ACTS = ["Synthetic Children (Scotland) Act 1995", "Synthetic Public Bodies Act 2014",
         "Synthetic Community Empowerment Act 2015", "Synthetic Charities Act 2005"]  # fmt: skip


def _iri(iri: str) -> str:
    return f"<{iri}>"


def _gg(name: str) -> str:
    return f"<{GG}{name}>"


def _lit(text: str, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' + (f"^^<{XSD}{datatype}>" if datatype else "")


@dataclass(frozen=True)
class Density:
    """How much is said about each organisation beyond its identity and its lines: the
    chances of the optional facts, and how many sit on each group."""

    post: float = 1.0
    """Chance a body has a head post (chief executive or chair) with its holder."""
    deputy: float = 0.5
    network_member: float = 0.6
    partner: float = 0.5
    supports: float = 0.5
    """Chance a charity supports a group."""
    group_orgs: tuple[int, int] = (2, 5)
    group_people: tuple[int, int] = (2, 5)


DENSE = Density()
"""About 80 asserted triples and 4.8 relationships per organisation: every fact the
ontology can say, said about every body (the store benchmarks' default)."""
REAL = Density(
    post=0.3,
    deputy=0.1,
    network_member=0.1,
    partner=0.05,
    supports=0.1,
    group_orgs=(1, 3),
    group_people=(1, 2),
)
"""Shaped after the bundled data (docs/overlaps.md, "Benchmark"): about 2.3 relationships
and 40 asserted triples per organisation, where the bundled landscape has 2.3 and 35; it
keeps 3-5 policy areas per body, which the bundled data mostly lacks, because remit overlap
is what the overlap benchmark measures."""


@dataclass
class Planted:
    """Overlaps put in on purpose, for overlap analyses to find (entity IRIs)."""

    duplicate_remits: list[tuple[str, str]] = field(default_factory=list)
    subset_memberships: list[tuple[str, str]] = field(default_factory=list)
    """(group whose members are a subset, the group holding them all)."""
    cycles: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Landscape:
    lines: list[str]
    planted: Planted
    organisations: int

    def ntriples(self) -> bytes:
        return "".join(self.lines).encode("utf-8")


class _Writer:
    def __init__(self, rnd: random.Random, source: str) -> None:
        self.rnd, self.source = rnd, source
        self.lines: list[str] = []
        self.n_rel = 0
        self.n_cite = 0
        self.seats: dict[str, list[str]] = {}
        """group -> everyone known to sit on it (members and post holders), in order."""

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def cite(self, s: str, locator: str) -> None:
        self.n_cite += 1
        c = _iri(f"{ID}citation/synthetic/{self.n_cite}")
        self.t(s, _gg("citation"), c)
        self.t(c, RDF_TYPE, _gg("Citation"))
        self.t(c, _gg("document"), self.source)
        self.t(c, _gg("locator"), _lit(locator))

    def relate(self, s: str, kind: str, o: str, *, role: str | None = None) -> None:
        """The direct triple and its reified, cited Relationship."""
        self.t(s, _gg(kind), o)
        if kind == "memberOf":
            self.seat(o, s)
        self.n_rel += 1
        r = _iri(f"{ID}rel/synthetic/{self.n_rel}")
        self.t(r, RDF_TYPE, _gg("Relationship"))
        self.t(r, _gg("relationshipKind"), _gg(kind))
        self.t(r, _gg("subject"), s)
        self.t(r, _gg("object"), o)
        self.t(r, _gg("startDate"), _lit(f"{self.rnd.randint(1995, 2023)}-04-01", "date"))
        if self.rnd.random() < 0.5:
            self.t(r, _gg("statutoryBasis"), _lit(self.rnd.choice(_ACTS)))
        if role:
            self.t(r, _gg("role"), _lit(role))
        self.cite(r, f"register row {self.n_rel}")

    def seat(self, body: str, holder: str) -> None:
        held = self.seats.setdefault(body, [])
        if holder not in held:
            held.append(holder)


def _counts(total: int) -> list[tuple[str, int]]:
    """Organisations per class: the shares of ``total``, by largest remainder."""
    weight = sum(SHARES.values())
    exact = [(c, total * s / weight) for c, s in SHARES.items()]
    counts = {c: int(x) for c, x in exact}
    order = sorted(exact, key=lambda cx: (-(cx[1] - int(cx[1])), cx[0]))
    for c, _ in order[: total - sum(counts.values())]:
        counts[c] += 1
    return [(c, counts[c]) for c in SHARES]


def generate(organisations: int, seed: int = 0, *, density: Density = DENSE) -> Landscape:
    """A landscape of ``organisations`` bodies (at least 10), deterministic for ``seed``."""
    if organisations < 10:
        raise ValueError("generate at least 10 organisations")
    known = {model.local_name(c.iri) for c in model.organisation_classes()}
    missing = set(SHARES) - known
    if missing:
        raise ValueError(f"not organisation classes of the ontology: {sorted(missing)}")
    rnd = random.Random(seed)
    source = _iri(f"{SRC}synthetic-{seed}")
    w = _Writer(rnd, source)
    planted = Planted()
    w.t(source, RDF_TYPE, _gg("SourceDocument"))
    w.t(source, TITLE, _lit(f"Synthetic landscape ({organisations} bodies, seed {seed})"))
    w.t(source, DESCRIPTION, _lit("Invented by govgraph generate for benchmarks: no real facts."))

    # --- concepts and geography ------------------------------------------------------------
    scheme = _iri(f"{ID}scheme/policy-areas")
    areas = [_iri(f"{ID}policy-area/synthetic-{k}") for k in range(1, POLICY_AREAS + 1)]
    for k, a in enumerate(areas):
        w.t(a, RDF_TYPE, _gg("PolicyArea"))
        w.t(a, PREF, _lit(f"{_TOPICS[k % len(_TOPICS)]} {k // len(_TOPICS) + 1}"))
        w.t(a, IN_SCHEME, scheme)
    popularity = [1 / (k + 1) ** 0.8 for k in range(POLICY_AREAS)]
    clients_scheme = _iri(f"{ID}scheme/client-groups")
    clients = [_iri(f"{ID}client-group/synthetic-{k}") for k in range(1, len(_CLIENT_GROUPS) + 1)]
    for name, c in zip(_CLIENT_GROUPS, clients, strict=True):
        w.t(c, RDF_TYPE, _gg("ClientGroup"))
        w.t(c, PREF, _lit(name))
        w.t(c, IN_SCHEME, clients_scheme)
    # client groups draw on their own generator, so the rest of the landscape is the same
    # for a seed as before they were added
    client_rnd = random.Random(seed + 1)
    served: dict[str, list[str]] = {}
    councils_geo = [_iri(f"{ID}council-area/synthetic-{k}") for k in range(1, COUNCIL_AREAS + 1)]
    boards_geo = [_iri(f"{ID}health-board-area/synthetic-{k}") for k in range(1, 15)]
    for kind, places in (("CouncilArea", councils_geo), ("HealthBoardArea", boards_geo)):
        for k, a in enumerate(places):
            w.t(a, RDF_TYPE, _gg(kind))
            w.t(a, PREF, _lit(f"{_PLACES[k * 3 % len(_PLACES)]} ({kind})"))
            code = f"S{12 if kind == 'CouncilArea' else 8}9{k + 1:05d}"
            w.t(a, _gg("gssCode"), _lit(code))

    # --- organisations: identity, then lines between them -----------------------------------
    government, parliament = _iri(f"{ID}synthetic-government"), _iri(f"{ID}synthetic-parliament")
    by_class: dict[str, list[str]] = {}
    orgs: list[tuple[str, str]] = [("Government", government), ("Parliament", parliament)]
    for cls, n in _counts(organisations - 2):
        for _ in range(n):
            iri = _iri(f"{ID}org-{len(orgs)}")
            by_class.setdefault(cls, []).append(iri)
            orgs.append((cls, iri))
    twin_of = _twins(rnd, by_class.get("ThirdSectorOrganisation", []), orgs, planted)
    profile: dict[str, tuple[list[str], list[int]]] = {}
    place: dict[str, int] = {}
    for i, (cls, o) in enumerate(orgs):
        town = _PLACES[rnd.randrange(len(_PLACES))]
        name = f"{town} {model.label(GG[cls])} {i}"
        w.t(o, RDF_TYPE, _gg(cls))
        w.t(o, PREF, _lit(name))
        w.t(o, ALT, _lit(f"{town[:3].upper()}{i}"))
        w.t(o, DESCRIPTION, _lit(f"A synthetic {model.label(GG[cls]).lower()} in {town}."))
        w.t(o, _gg("startDate"), _lit(f"{rnd.randint(1975, 2022)}-04-01", "date"))
        if cls in GROUPS and rnd.random() < 0.05:
            w.t(o, _gg("endDate"), _lit("2024-03-31", "date"))
        w.cite(o, f"entry {i}")
        place[o] = rnd.randrange(COUNCIL_AREAS)
        if cls == "ThirdSectorOrganisation":
            w.t(o, _gg("charityNumber"), _lit(f"SC9{i:06d}"))
        elif cls == "Company":
            w.t(o, _gg("companyNumber"), _lit(f"SC9{i:05d}"))
        interests = _sample(rnd, areas, popularity, rnd.randint(3, 5))
        councils = _unique([place[o], rnd.randrange(COUNCIL_AREAS)])
        if o in twin_of:  # a planted duplicate: the same remit, interests and places
            interests, councils = profile[twin_of[o]]
            place[o] = councils[0]
        profile[o] = (interests, councils)
        for a in interests:
            w.t(o, _gg("hasInterestIn"), a)
        served[o] = (
            served[twin_of[o]]
            if o in twin_of
            else client_rnd.sample(clients, 2)[: client_rnd.randint(0, 2)]
        )
        for c in served[o]:
            w.t(o, _gg("servesClientGroup"), c)
        w.t(o, _gg("hasRemitIn"), interests[0])
        if cls not in ("Government", "Parliament", "DirectorateGeneral", "Directorate"):
            for k in councils:
                w.t(o, _gg("operatesIn"), councils_geo[k])
        if cls in ("TerritorialHealthBoard", "SpecialHealthBoard"):
            w.t(o, _gg("operatesIn"), boards_geo[i % HEALTH_BOARD_AREAS])

    pools: dict[tuple[str, ...], list[str]] = {}
    twins = {x for pair in planted.duplicate_remits for x in pair}

    def pick(*classes: str) -> str:
        """A body of one of ``classes``; never a planted twin, whose functions would make
        the two differ."""
        pool = pools.get(classes)
        if pool is None:
            pool = [o for c in classes for o in by_class.get(c, ()) if o not in twins]
            pools[classes] = pool
        return rnd.choice(pool) if pool else government

    for cls, o in orgs:
        _lines(w, rnd, cls, o, pick, government, parliament)
        if cls in ("Government", "Parliament"):
            continue
        if rnd.random() < density.network_member:  # networks gather bodies of every kind
            w.relate(o, "memberOf", pick("NetworkOrCollaborative", "Partnership"))
        if rnd.random() < density.partner:
            w.relate(o, "partnerOf", pick(*PROVIDERS, *PUBLIC))
        if cls == "ThirdSectorOrganisation" and o not in twins and rnd.random() < density.supports:
            w.relate(o, "supports", pick(*GROUPS))

    _people_and_groups(w, rnd, orgs, by_class, planted, density)
    _care_services(w, rnd, by_class, councils_geo, place, twins)
    _plan(w, rnd, orgs, pick, organisations)
    return Landscape(w.lines, planted, organisations)


def _unique(items: list[T]) -> list[T]:
    """Without repeats, in order (a set's order would vary between runs)."""
    return list(dict.fromkeys(items))


def _sample(
    rnd: random.Random, items: Sequence[str], weights: Sequence[float], n: int
) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        item = rnd.choices(items, weights)[0]
        if item not in out:
            out.append(item)
    return out


def _lines(
    w: _Writer, rnd: random.Random, cls: str, o: str, pick: Pick, gov: str, parl: str
) -> None:
    """The accountability and other lines of one organisation, by its class."""
    if cls == "DirectorateGeneral":
        w.relate(o, "subOrganisationOf", gov)
    elif cls == "Directorate":
        w.relate(o, "subOrganisationOf", pick("DirectorateGeneral"))
    elif cls in ("Division", "Team"):
        w.relate(o, "subOrganisationOf", pick("Directorate"))
    elif cls in ("TerritorialHealthBoard", "SpecialHealthBoard"):
        w.relate(o, "sponsoredBy", pick("Directorate"))
        w.relate(o, "fundedBy", gov)
    elif cls == "LocalAuthority":
        w.relate(o, "inspectedBy", pick("InspectorateOrRegulator"))
        w.relate(o, "fundedBy", gov)
    elif cls == "IntegrationJointBoard":
        w.relate(o, "directs", pick("LocalAuthority"))
        w.relate(o, "directs", pick("TerritorialHealthBoard"))
    elif cls == "HealthAndSocialCarePartnership":
        w.relate(o, "reportsTo", pick("IntegrationJointBoard"))
    elif cls == "CommunityPlanningPartnership":
        w.relate(o, "partnerOf", pick("LocalAuthority"))
        w.relate(o, "partnerOf", pick("TerritorialHealthBoard"))
    elif cls == "ChildrensServicesPlanningPartnership":
        w.relate(o, "reportsTo", pick("CommunityPlanningPartnership"))
    elif cls in PUBLIC:
        w.relate(o, "sponsoredBy", pick("Directorate"))
        if rnd.random() < 0.5:  # a second, funding line
            w.relate(o, "fundedBy", gov)
        if cls == "AdvisoryNDPB":
            w.relate(o, "advises", gov)
        elif rnd.random() < 0.3:
            w.relate(o, "scrutinisedBy", parl)
    elif cls == "CommissionerOrOmbudsman":
        w.relate(o, "reportsTo", parl)
        w.relate(o, "fundedBy", parl)
    elif cls == "AcademicInstitution":
        w.relate(o, "advises", gov)
        w.relate(o, "partnerOf", pick("TerritorialHealthBoard", "AcademicInstitution"))
    elif cls == "ThirdSectorOrganisation":
        w.relate(o, "fundedBy", pick("LocalAuthority", "ExecutiveNDPB", "Directorate"))
        if rnd.random() < 0.4:
            w.relate(o, "regulatedBy", pick("InspectorateOrRegulator"))
        if rnd.random() < 0.3:
            w.relate(pick("LocalAuthority", "IntegrationJointBoard"), "commissions", o)
    elif cls == "Company":
        w.relate(pick("LocalAuthority", "TerritorialHealthBoard"), "commissions", o)
        w.relate(o, "regulatedBy", pick("InspectorateOrRegulator"))
    elif cls in ("Board", "Committee"):
        parent = pick("Board") if cls == "Committee" and rnd.random() < 0.5 else None
        w.relate(o, "reportsTo", parent or pick(*PUBLIC, "LocalAuthority", "Directorate"))
    elif cls == "WorkingGroup":
        w.relate(o, "reportsTo", pick("Board", "Committee", "Directorate"))
    elif cls in ("NetworkOrCollaborative", "Partnership"):
        w.relate(pick("ThirdSectorOrganisation"), "hosts", o)
        if rnd.random() < 0.5:
            w.relate(pick("ThirdSectorOrganisation", "Division"), "providesSecretariatTo", o)


def _twins(
    rnd: random.Random, charities: list[str], orgs: list[tuple[str, str]], planted: Planted
) -> dict[str, str]:
    """Pairs of charities (one per hundred) planted with identical remits: the later of each
    pair -> the earlier, whose remit, interests and places it copies."""
    index = {o: i for i, (_, o) in enumerate(orgs)}
    n = min(len(charities) // 100 or 1, len(charities) // 2)
    chosen = rnd.sample(charities, 2 * n)
    out: dict[str, str] = {}
    for a, b in zip(chosen[::2], chosen[1::2], strict=True):
        first, second = sorted((a, b), key=index.__getitem__)
        out[second] = first
        planted.duplicate_remits.append((first, second))
    return out


def _people_and_groups(
    w: _Writer,
    rnd: random.Random,
    orgs: list[tuple[str, str]],
    by_class: dict[str, list[str]],
    planted: Planted,
    density: Density,
) -> None:
    """Posts in bodies, the people holding them, and the members of groups: a shared pool
    of people so that many sit on several groups."""
    people = [_iri(f"{ID}person/synthetic-{k}") for k in range(max(10, len(orgs) * 2 // 5))]
    for k, p in enumerate(people):
        w.t(p, RDF_TYPE, _gg("Person"))
        w.t(p, PREF, _lit(f"{_FIRST[k % len(_FIRST)]} {_LAST[k // 7 % len(_LAST)]} {k}"))
    members: dict[str, list[str]] = {}
    pool = [m for c in ("ThirdSectorOrganisation", *PUBLIC) for m in by_class.get(c, ())]
    for i, (cls, o) in enumerate(orgs):
        title = "Chair" if cls in GROUPS else "Chief Executive"
        heads = (("", "", density.post), ("-deputy", "Vice ", density.deputy))
        for suffix, prefix, chance in heads:
            if rnd.random() >= chance:
                break
            post = _iri(f"{ID}post/synthetic-{i}{suffix}")
            holder = rnd.choice(people)
            w.t(post, RDF_TYPE, _gg("Post"))
            w.t(post, PREF, _lit(f"{prefix}{title}, org {i}"))
            w.t(post, _gg("postIn"), o)
            w.t(holder, _gg("holdsPost"), post)
            w.seat(o, holder)  # the holder of a post in a body sits on it
        if cls not in GROUPS:
            continue
        chosen = rnd.sample(pool, min(len(pool), rnd.randint(*density.group_orgs)))
        for m in chosen:
            w.relate(m, "memberOf", o)
        members[o] = chosen
        picked = rnd.sample(people, min(len(people), rnd.randint(*density.group_people)))
        for n, person in enumerate(picked):
            w.relate(person, "memberOf", o, role="Chair" if n == 0 else "Member")
    groups = [g for g in members if len(members[g]) >= 2]
    used: set[str] = set()
    for _ in range(max(1, len(groups) // 100)):
        if len(groups) < 2:
            break
        big, small = rnd.sample(groups, 2)
        if used & {big, small}:
            continue  # a group in two planted pairs could stop being a subset
        used |= {big, small}
        for m in members[big][:2]:
            if m not in w.seats[small]:
                w.relate(m, "memberOf", small)
        # everyone on the smaller group, people and post holders too, also sits on the other
        for m in [m for m in w.seats[small] if m not in w.seats[big]]:
            w.relate(m, "memberOf", big)
        planted.subset_memberships.append((small, big))
    wgs = by_class.get("WorkingGroup", [])
    for k in range(0, min(len(wgs) - 1, 2 * max(1, len(wgs) // 200)), 2):
        a, b = wgs[k], wgs[k + 1]
        w.relate(a, "reportsTo", b)
        w.relate(b, "reportsTo", a)
        planted.cycles.append((a, b))


def _care_services(
    w: _Writer,
    rnd: random.Random,
    by_class: dict[str, list[str]],
    councils_geo: list[str],
    place: dict[str, int],
    twins: set[str],
) -> None:
    n = 0
    for provider in [o for c in PROVIDERS for o in by_class.get(c, ()) if o not in twins]:
        for _ in range(rnd.choice((0, 0, 1, 1, 2))):
            n += 1
            s = _iri(f"{ID}care-service/synthetic-{n}")
            w.t(s, RDF_TYPE, _gg("CareService"))
            w.t(s, PREF, _lit(f"Care service {n}"))
            w.t(s, _gg("careServiceNumber"), _lit(f"CS9{n:09d}"))
            w.t(s, _gg("serviceType"), _lit(rnd.choice(_SERVICE_TYPES)))
            w.t(s, _gg("operatesIn"), councils_geo[place[provider]])
            w.t(provider, _gg("provides"), s)


def _plan(w: _Writer, rnd: random.Random, orgs: list[tuple[str, str]], pick: Pick, n: int) -> None:
    plan = _iri(f"{ID}plan/synthetic")
    w.t(plan, RDF_TYPE, _gg("Plan"))
    w.t(plan, PREF, _lit("Synthetic Plan"))
    priorities = [_iri(f"{ID}priority-area/synthetic-{k}") for k in range(1, 6)]
    for k, p in enumerate(priorities):
        w.t(p, RDF_TYPE, _gg("PriorityArea"))
        w.t(p, PREF, _lit(f"Priority {k + 1}"))
        w.t(p, _gg("partOfPlan"), plan)
    statuses = ("WorkUnderway", "UnderwayNotSufficient", "LittleOrNoWork")
    actions = [_iri(f"{ID}action/synthetic-{k}") for k in range(max(5, n // 20))]
    for k, a in enumerate(actions):
        w.t(a, RDF_TYPE, _gg("Action"))
        w.t(a, PREF, _lit(f"Action {k + 1}"))
        w.t(a, _gg("priorityArea"), priorities[k % 5])
        w.t(a, _gg("partOfPlan"), plan)
        w.t(a, _gg("description"), _lit(f"Synthetic action {k + 1}."))
        for lead in _unique([pick("Directorate", "LocalAuthority", *PUBLIC) for _ in range(2)]):
            w.t(a, _gg("leadOrganisation"), lead)
        if k and rnd.random() < 0.2:
            w.t(a, _gg("linkedAction"), actions[rnd.randrange(k)])
        assessment = _iri(f"{ID}action/synthetic-{k}/assessment")
        w.t(a, _gg("hasAssessment"), assessment)
        w.t(assessment, RDF_TYPE, _gg("Assessment"))
        w.t(assessment, _gg("assessmentStatus"), _gg(statuses[k % 3]))
        w.t(assessment, _gg("assessmentDate"), _lit("2024-06-25", "date"))
        w.t(assessment, _gg("assessor"), pick("InspectorateOrRegulator"))


def ntriples(organisations: int, seed: int = 0, *, density: Density = DENSE) -> bytes:
    return generate(organisations, seed, density=density).ntriples()


def rdf_graph(organisations: int, seed: int = 0) -> Graph:
    return Graph().parse(data=ntriples(organisations, seed), format="nt")


def organisations_for(triples: int) -> int:
    """How many organisations give about ``triples`` asserted triples."""
    return max(10, round(triples / 80))
