"""The one name normaliser: how two spellings of a name are found to be the same.

Loading (entity resolution), scenarios and search all compare names through
:func:`name_key`, so "Perth & Kinross Council", "perth and kinross council" and
"Perth and Kinross Council" are one key everywhere. Case, accents, apostrophes, '&' versus
'and', punctuation and spacing never matter. The one other key, :func:`substring_key`, is
for finding text inside a name as written (the organisations list's ``search`` filter).
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`")

ABBREVIATIONS: dict[str, str] = {
    "ijb": "integration joint board",
    "hscp": "health and social care partnership",
    "cspp": "childrens services planning partnership",
    "cpp": "community planning partnership",
    "ndpb": "non departmental public body",
}
"""Abbreviations people write inside names (not whole-name aliases such as COSLA, which
the data holds as aliases): search reads each as the words it stands for."""


def fold(text: str) -> str:
    """Lower case with accents, apostrophes and punctuation gone, '&' read as 'and', and
    single spaces between words."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.casefold().translate(_APOSTROPHES).replace("&", " and ")
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def name_key(name: str) -> str:
    """The comparison key of a name: :func:`fold`, and a leading 'The' dropped
    ("The Care Inspectorate" is "Care Inspectorate")."""
    words = fold(name).split()
    while words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def substring_key(text: str) -> str:
    """The key of the organisations list's ``search`` filter (a substring of a name or
    alias): lower case, accents and apostrophes removed, punctuation kept, so a name full of
    punctuation is found exactly (graph/facts/search.py, SearchIndex.containing). Not
    :func:`name_key`: a substring must match the name as written, '&' and all."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.lower().replace("'", "").replace("\u2019", "")


def singular_key(name: str) -> str:
    """:func:`name_key` with a plural -s dropped from words of four letters or more, for
    headings a document spells both ways ("Children's Hearing System" and "Children's
    Hearings System" are one action)."""
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in name_key(name).split())


def search_words(text: str) -> list[str]:
    """The words search matches on: :func:`fold`'s words, abbreviations spelled out."""
    out: list[str] = []
    for word in fold(text).split():
        out.extend(ABBREVIATIONS.get(word, word).split())
    return out


_ACRONYM = re.compile(r"^[A-Z][A-Z&]{2,7}$")
_SMALL_WORDS = frozenset({"of", "and", "for", "the", "in", "on", "to"})


def common_name(name: str, aliases: list[str] | tuple[str, ...] | set[str]) -> str:
    """The name people use for a body: its abbreviation when it has one (an alias of 3-8
    capitals made of the initials of its name: COSLA, SSSC, SCRA, CHS), else its name. One
    rule for findings, summaries and reports; the long form goes on hover or first mention."""
    words = _NOT_WORD.sub(" ", name.replace("'", "").replace("\u2019", "")).split()
    every = "".join(w[0] for w in words).lower()
    content = "".join(w[0] for w in words if w.lower() not in _SMALL_WORDS).lower()
    found = sorted(
        (a for a in aliases if _ACRONYM.match(a) and a.lower() in (every, content)),
        key=lambda a: (len(a), a),
    )
    return found[0] if found else name
