"""Checks and quoting for text that came from users' files and requests."""

from __future__ import annotations

import re
import reprlib
from typing import Any

_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored and served (a C0 control character other than tab,
    LF or CR, a lone surrogate, or a non-character), or None when it is fine. Such
    characters make XML that is not well-formed and cannot be encoded as UTF-8."""
    match = _BAD_CHARACTER.search(value)
    if match is None:
        return None
    char = match.group()
    what = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    if char in "\ufffe\uffff":
        what = "a non-character"
    return f"{what} U+{ord(char):04X} at character {match.start() + 1}"


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
