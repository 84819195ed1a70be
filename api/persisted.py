"""Persisted queries: a documented allow-list of GraphQL documents, sent by id.

A client of the site's own views posts ``{"id": "chain", "variables": {...}}`` (or
Apollo's ``extensions.persistedQuery.sha256Hash`` of an allow-listed text) instead of the
query text. The documents are the ``*.graphql`` files beside this module, one per id (the
file name), listed in docs/api.md; they are parsed and validated once, when the app starts,
so a request by id skips parsing and validation whatever the caches hold. Nothing can be
added at run time (Apollo's automatic registration is not offered): an unknown id or hash
is a 400.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from typing import Any

from starlette.exceptions import HTTPException


@cache
def persisted_queries() -> dict[str, str]:
    """id -> document text, from ``api/persisted/*.graphql``."""
    folder = resources.files("govgraph.api").joinpath("persisted")
    return {
        entry.name.removesuffix(".graphql"): entry.read_text("utf-8").strip()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".graphql")
    }


@cache
def _by_hash() -> dict[str, str]:
    return {hashlib.sha256(t.encode()).hexdigest(): t for t in persisted_queries().values()}


def resolve(body: Any) -> Any:
    """The request body with the text of its persisted query put in, when it names one by
    ``id`` or by hash; other bodies unchanged. A 400 for an unknown id or hash, or an id
    sent together with a query text."""
    if not isinstance(body, dict):
        return body
    ext = body.get("extensions")
    persisted = ext.get("persistedQuery") if isinstance(ext, dict) else None
    if "id" not in body and not isinstance(persisted, dict):
        return body
    if body.get("query") is not None:
        raise HTTPException(400, "Send either a persisted query id or a query text, not both")
    if "id" in body:
        qid = body["id"]
        text = persisted_queries().get(qid) if isinstance(qid, str) else None
        if text is None:
            known = ", ".join(persisted_queries())
            raise HTTPException(400, f"Unknown persisted query id {qid!r}; known: {known}")
    else:
        digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        text = _by_hash().get(digest) if isinstance(digest, str) else None
        if text is None:
            raise HTTPException(400, "PersistedQueryNotFound: not in the allow-list")
    out = {k: v for k, v in body.items() if k != "id"}
    out["query"] = text
    return out
