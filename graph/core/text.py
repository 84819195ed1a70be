"""Which characters text from a source may hold.

A lone surrogate cannot be encoded as UTF-8 (every store write and page would fail on it),
and a control character other than tab, line feed and carriage return is not allowed in XML
1.0, so a page serialised as RDF/XML would stop being well-formed. Both are refused where
they are read, with their place, rather than discovered later by a writer.
"""

from __future__ import annotations

import re

_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a lone surrogate or a control character,
    named with its code point and position), or None when it can."""
    found = _BAD.search(value)
    if found is None:
        return None
    code = ord(found.group())
    kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    if code in (0xFFFE, 0xFFFF):
        kind = "a noncharacter"
    return f"{kind} U+{code:04X} at character {found.start() + 1}"
