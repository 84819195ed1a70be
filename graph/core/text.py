"""The one check for characters no source may bring in, and the one way to quote a user's
value in a message.

Lone surrogates (``\\uD800`` from a JSON, Turtle or YAML escape) cannot be encoded as UTF-8,
so the store, N-Triples and every page would fail on them; C0 control characters other than
tab, line feed and carriage return (and U+FFFE/U+FFFF) are forbidden in XML 1.0, so the
RDF/XML of an entity would not be well-formed, and an escape sequence such as ESC would
reach terminals. Every loader calls :func:`text_problem` (or :func:`find_text_problem` for a
whole file) on the text it stores and refuses the source with a located error.
"""

from __future__ import annotations

import re
import reprlib
from typing import Any

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""One compiled character class: a single C-speed scan per value, nothing when clean."""

_NAMES = {0: "NUL", 0x1B: "ESC", 0x7: "BEL", 0x8: "BACKSPACE", 0xC: "FORM FEED"}


def describe(char: str) -> str:
    """``lone surrogate U+D800`` or ``control character U+001B (ESC)``."""
    point = ord(char)
    if 0xD800 <= point <= 0xDFFF:
        return f"lone surrogate U+{point:04X} (half of a UTF-16 pair, not a character)"
    if point in (0xFFFE, 0xFFFF):
        return f"non-character U+{point:04X}"
    name = _NAMES.get(point)
    return f"control character U+{point:04X}" + (f" ({name})" if name else "")


def find_text_problem(value: str) -> tuple[int, str] | None:
    """The index of the first forbidden character in ``value`` and what it is, or None."""
    match = _FORBIDDEN.search(value)
    if match is None:
        return None
    return match.start(), describe(match.group())


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored (``lone surrogate U+D800 at character 5``), or None."""
    found = find_text_problem(value)
    if found is None:
        return None
    index, what = found
    return f"{what} at character {index + 1}: not allowed in text (remove it or its escape)"


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def nested_text_problem(value: object, path: str = "") -> tuple[str, str] | None:
    """The first string (or key) in parsed JSON-like data that :func:`text_problem` refuses:
    ``(path, problem)`` with a path such as ``details.slug`` or ``parents[0].id``."""
    stack: list[tuple[str, object]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return where, problem
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                inner = f"{where}.{key}" if where else str(key)
                problem = text_problem(key) if isinstance(key, str) else None
                if problem:
                    return inner, f"in the key: {problem}"
                children.append((inner, child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(f"{where}[{i}]", c) for i, c in enumerate(item)]))
    return None


class _ShortRepr(reprlib.Repr):
    """reprlib that also shortens dict and list subclasses (the YAML reader's marked
    mappings and lists), which plain reprlib would print in full."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxdict = self.maxlist = self.maxtuple = self.maxset = 6
        self.maxstring = self.maxother = 200
        self.maxlong = 60

    def repr1(self, x: Any, level: int) -> str:
        if isinstance(x, dict) and type(x) is not dict:
            return self.repr_dict(x, level)
        if isinstance(x, list) and type(x) is not list:
            return self.repr_list(x, level)
        return super().repr1(x, level)


_SHORT = _ShortRepr()


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for quoting a user's value in an
    error message: a large or deeply shared value (a YAML alias bomb) must not make a huge
    message, nor cost time and memory to print."""
    text = _SHORT.repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
