"""The Content-Security-Policy of maps and reports: scripts allowed by hash, not inline at large.

Maps and reports are single files that must also work from disk, so their scripts are
inlined. Each inlined script is a shipped package file, so the policy names exactly those
files by SHA-256: a script injected through the data would match no hash and not run.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources

INLINE_SCRIPTS: tuple[tuple[str, ...], ...] = (
    ("static", "preview.js"),
    ("static", "vis-network", "vis-network.min.js"),
    ("static", "map.js"),
    ("static", "report.js"),
)
"""Every script a map or report inlines (the JSON data blocks are not scripts)."""


def package_text(*parts: str) -> str:
    return resources.files("govgraph.visualisations").joinpath(*parts).read_text("utf-8")


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@cache
def file_policy() -> str:
    """The policy a map or report carries in its <meta> tag (and the API in its header).
    ``connect-src 'self'`` lets a served map's find box ask the site's search; a file opened
    from disk has no server behind 'self', so nothing is fetched."""
    hashes = " ".join(_hash(package_text(*parts)) for parts in INLINE_SCRIPTS)
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; frame-src 'self' about: data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'"
    )
