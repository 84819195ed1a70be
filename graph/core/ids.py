"""The one rule for ids: lower-case letters and digits joined by hyphens.

A *slug* is one such word group (``care-inspectorate``, ``plan-21-24``); an *entity id* is
one or more slugs joined by ``/`` (``figure/inverclyde-award``), the path of an entity's
IRI after ``/id/``. Loaders, the ontology's IRI minting and every input check use these, so
an id one of them accepts is one the others accept.
"""

from __future__ import annotations

import re

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
ENTITY_ID = re.compile(r"[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*")


def is_slug(text: str) -> bool:
    return SLUG.fullmatch(text) is not None


def is_entity_id(text: str) -> bool:
    return ENTITY_ID.fullmatch(text) is not None
