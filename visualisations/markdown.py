"""The one Markdown escaper, for every report written as Markdown (overlaps, impact)."""

from __future__ import annotations

import re

_MD_INLINE = re.compile(r"([\\`*_\[\]|<])|&(?=#?\w+;)")
"""What Markdown reads as markup anywhere in a line: backslash, code, emphasis, links, table
cells, HTML and autolinks (``<``), and an ``&`` that would start an entity. ``>`` is markup
only at the start of a line (handled with the other block starts), so "A -> B" stays."""
_MD_BLOCK = re.compile(r"^(\d*)((?<=\d)[.)]|(?<!\d)[#>+=~-])")
"""A start that would open a heading, quote, list, rule or ordered list ("1." is escaped as
"1\\.") inside a list item."""


def md_text(text: str) -> str:
    """Plain text that Markdown (CommonMark and GitHub's tables) shows as written, on one
    line: markup characters are backslash-escaped, which every renderer undoes, not HTML
    entities, which a reader of the raw file would see."""
    out = _MD_INLINE.sub(lambda m: "\\" + m.group(0), " ".join(text.split()))
    return _MD_BLOCK.sub(lambda m: m.group(1) + "\\" + m.group(2), out)
