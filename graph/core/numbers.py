"""Numbers from request parameters and sources, in ASCII only: ``int()`` and ``float()``
also take ``٣``, full-width digits, ``1_0``, ``nan`` and ``inf``."""

from __future__ import annotations

import re

from govgraph.graph.core.text import short_repr

_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?|-?\.[0-9]+")


def whole_number(text: str) -> int:
    """A non-negative whole number in digits 0-9; ValueError otherwise."""
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"expected a whole number in digits 0-9, got {short_repr(text)}")
    return int(text)


def decimal_number(text: str) -> float:
    """A decimal number such as ``0.5`` or ``-1``, in digits 0-9; ValueError otherwise."""
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"expected a number such as 0.5, got {short_repr(text)}")
    return float(text)
